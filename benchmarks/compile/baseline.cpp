// The baseline of benchmarks/compile_time.sh: what a minimal hand-written client compiles
// anyway, one HTTPS GET with Beast over a C++20 coroutine (SNI, peer verification, a
// timeout), its body parsed with Boost.JSON.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <openssl/ssl.h>

#include <chrono>
#include <exception>
#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

namespace {

asio::awaitable<void> get(asio::ssl::context& tls, std::string host, std::string port, std::string target) {
  auto ex = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(ex);
  auto endpoints = co_await resolver.async_resolve(host, port, asio::use_awaitable);
  beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
  if (!::SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
    throw beast::system_error(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
  stream.set_verify_callback(asio::ssl::host_name_verification(host));
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);

  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  req.set(http::field::authorization, "Bearer key");
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);

  json::value doc = json::parse(res.body());
  std::cout << res.result_int() << ' ' << json::serialize(doc.at("data")).size() << '\n';
  beast::error_code ec;
  stream.shutdown(ec);
}

void report(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    std::cerr << x.what() << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: baseline HOST PORT TARGET\n";
    return 2;
  }
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  tls.set_verify_mode(asio::ssl::verify_peer);
  asio::co_spawn(io, get(tls, argv[1], argv[2], argv[3]), report);
  io.run();
}
