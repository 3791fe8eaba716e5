// The `beast_raw` peer of the benchmark (see peer_common.hpp for the command line and the
// result line): the floor under our client. A bare Beast loop with nothing of the library: N
// coroutines, each with its own keep-alive TLS connection (SNI, the peer verified against the
// given CA and the host name), each sending GET /conversation/<id> and reading the whole body
// into a string, over and over until M requests are done. No JSON: what is left of our client's
// time above this is pooling, retrying, timeouts and decoding.
//
//     beast_raw --base-url URL --ca-file CA.pem --ids IDS.txt --concurrency N --requests M
#include "peer_common.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <cstdint>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <tuple>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto timeout = std::chrono::seconds(30);

// "https://host[:port]/prefix", split.
struct origin {
  std::string host, port, host_header, prefix;
};

std::optional<origin> split(const std::string& url) {
  constexpr std::string_view scheme = "https://";
  if (url.rfind(scheme, 0) != 0) return std::nullopt;
  const std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  origin o;
  o.host_header = rest.substr(0, slash);
  o.prefix = slash == std::string::npos ? "" : rest.substr(slash);
  const auto colon = o.host_header.rfind(':');
  o.host = o.host_header.substr(0, colon);
  o.port = colon == std::string::npos ? "443" : o.host_header.substr(colon + 1);
  return o;
}

struct run_state {
  const peer::settings& cfg;
  const origin& where;
  ssl::context& tls;
  tcp::resolver::results_type endpoints;
  std::size_t next = 0;  // the next request to start; one thread, so no atomics
  std::uint64_t bytes = 0;
  peer::error_tally errors{"beast_raw"};
};

using stream_type = beast::ssl_stream<beast::tcp_stream>;

// Connects and handshakes a fresh stream; returns the error, if any.
asio::awaitable<beast::error_code> open(stream_type& stream, run_state& st) {
  const auto token = asio::as_tuple(asio::use_awaitable);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), st.where.host.c_str()))
    co_return beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
  stream.set_verify_callback(ssl::host_name_verification(st.where.host));
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [ec, ep] = co_await beast::get_lowest_layer(stream).async_connect(st.endpoints, token);
  if (ec) co_return ec;
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, token);
  co_return hec;
}

// One connection's loop: takes the next request number until all M are taken; after a failure
// the connection is dropped and the next request opens another.
asio::awaitable<void> connection(run_state& st) {
  const auto token = asio::as_tuple(asio::use_awaitable);
  const auto ex = co_await asio::this_coro::executor;
  std::optional<stream_type> stream;
  beast::flat_buffer buffer;
  http::request<http::empty_body> req{http::verb::get, "/", 11};
  req.set(http::field::host, st.where.host_header);
  req.set(http::field::user_agent, "beast_raw");
  req.set(http::field::accept, "application/json");
  const std::string prefix = st.where.prefix + "/conversation/";
  for (std::size_t i; (i = st.next++) < st.cfg.requests;) {
    if (!stream) {
      stream.emplace(ex, st.tls);
      buffer.clear();
      const beast::error_code ec = co_await open(*stream, st);
      if (ec) {
        st.errors.failed(ec.message());
        stream.reset();
        continue;
      }
    }
    req.target(prefix + st.cfg.ids[i % st.cfg.ids.size()]);
    beast::get_lowest_layer(*stream).expires_after(timeout);
    auto [wec, written] = co_await http::async_write(*stream, req, token);
    http::response<http::string_body> res;
    beast::error_code rec = wec;
    if (!rec) std::tie(rec, std::ignore) = co_await http::async_read(*stream, buffer, res, token);
    if (rec) {
      st.errors.failed(rec.message());
      stream.reset();
      continue;
    }
    st.bytes += res.body().size();
    if (res.result() != http::status::ok) st.errors.failed("HTTP " + std::to_string(res.result_int()));
    if (!res.keep_alive()) stream.reset();
  }
}

void rethrow(std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
}

}  // namespace

int main(int argc, char** argv) {
  const auto cfg = peer::parse(argc, argv, "beast_raw");
  if (!cfg) return 2;
  const auto where = split(cfg->base_url);
  if (!where) {
    std::cerr << "beast_raw: --base-url must be https://host[:port]/path\n";
    return 2;
  }
  try {
    asio::io_context io{1};
    ssl::context tls{ssl::context::tls_client};
    tls.load_verify_file(cfg->ca_file);
    tls.set_verify_mode(ssl::verify_peer);
    tcp::resolver resolver{io};
    run_state st{*cfg, *where, tls, resolver.resolve(where->host, where->port)};
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t c = 0; c < cfg->concurrency; ++c) asio::co_spawn(io, connection(st), rethrow);
    io.run();
    const double seconds = peer::seconds_since(start);
    peer::print_result({.peer = "beast_raw",
                        .concurrency = cfg->concurrency,
                        .requests = cfg->requests,
                        .errors = st.errors.count,
                        .seconds = seconds,
                        .bytes = st.bytes});
    return st.errors.count == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "beast_raw: " << e.what() << '\n';
    return 1;
  }
}
