// The client embedded in an asynchronous HTTP server (Beast, coroutines): one client, and so
// one connection pool, shared by every request, on the server's own io_context; nothing
// blocks, and a request whose downstream client goes away cancels its upstream request.
//
//   embedded_server --emulator [--port N]   against an in-process emulator of the Atoms API (TLS)
//   embedded_server [--port N]              against the service: SMALLEST_API_KEY (and optionally
//                                           SMALLEST_BASE_URL) from the environment
//
// Options: --port N (8080; 0 picks a free one), --max-connections N (the client's pool, 16),
// --metric NAME (the interest rate's default metric, user_interested), --ca-file PEM (an extra
// trust anchor for the API). It listens on 127.0.0.1 only, prints "port=N" as the first line
// of stdout, and stops on SIGINT or SIGTERM.
//
// Routes (GET only; JSON answers, {"error": "..."} for a failure; keep-alive as the request asks):
//   /calls/{id}/summary             the call's status, duration, summary and metric values;
//                                   404 for an unknown call
//   /agents/{id}/interest-rate?last=N&metric=NAME
//                                   of the agent's last N calls (1-500, 50 by default; the
//                                   listing's order, most recently updated first), how many have
//                                   a value for the ENUM metric NAME and how many of those say
//                                   "yes" (any case): rate = yes / evaluated, null when none has
//                                   a value. 404 for an unknown agent or a metric the agent does
//                                   not configure, 400 for one that is not ENUM
//   /stats                          counters: requests, upstream attempts, upstream requests
//                                   cancelled because the downstream client went away, and the
//                                   pool's open connections (now, the most seen, the cap)
// Bad input is a 400, an upstream failure (transport, timeout, 5xx, an answer that does not
// decode) a 502.
#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto no_throw = asio::as_tuple(asio::deferred);
constexpr int default_last_calls = 50;
constexpr int max_last_calls = 500;  // one page of GET /conversation
constexpr auto idle_timeout = 30s;   // a keep-alive connection waiting for its next request
constexpr std::size_t max_pipelined_bytes = 64 * 1024;

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

// What /stats reports. The io_context runs on one thread, so plain counters do.
struct server_stats {
  std::size_t requests = 0;            // answered downstream
  std::size_t upstream_attempts = 0;   // HTTP exchanges with the API, retries included
  std::size_t upstream_in_flight = 0;  // API operations running now
  std::size_t upstream_cancelled = 0;  // API operations that ended aborted: their client went away
  std::size_t downstream_connections = 0;
  std::size_t max_open_connections = 0;  // the pool's, as seen when each API operation ends
};

struct server {
  atoms::client client;
  server_stats& stats;
  std::string default_metric;
};

response json_response(const request& req, http::status status, const json::value& body) {
  response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.body() = json::serialize(body);
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

response error_response(const request& req, http::status status, std::string message) {
  return json_response(req, status, json::object{{"error", std::move(message)}});
}

// The downstream answer for a failed API operation. The service answers 400 "No agent found"
// for an unknown agent, where 404 would be expected (see DESIGN.md).
response upstream_failure(const request& req, const atoms::error_code& ec, const atoms::diagnostics& diag,
                          std::string_view what) {
  if (ec == atoms::condition::not_found ||
      (ec == atoms::make_http_error(400) && diag.message.find("No agent found") != std::string::npos))
    return error_response(req, http::status::not_found, "no such " + std::string(what));
  if (ec == atoms::errc::invalid_argument)
    return error_response(req, http::status::bad_request, diag.message);
  return error_response(req, http::status::bad_gateway, "the Atoms API failed: " + atoms::describe(ec, diag));
}

// Counts an API operation while it runs, and whether it ended cancelled; samples the pool's
// size when it ends (its connection is still open then, idle or serving another request).
class upstream_call {
 public:
  explicit upstream_call(server& srv) : srv_(srv) { ++srv_.stats.upstream_in_flight; }
  upstream_call(const upstream_call&) = delete;
  upstream_call& operator=(const upstream_call&) = delete;
  ~upstream_call() { --srv_.stats.upstream_in_flight; }
  void ended(const atoms::error_code& ec) {
    if (ec == asio::error::operation_aborted) ++srv_.stats.upstream_cancelled;
    srv_.stats.max_open_connections =
        std::max(srv_.stats.max_open_connections, srv_.client.open_connections());
  }

 private:
  server& srv_;
};

std::string status_text(const atoms::open_enum<atoms::call_status>& s) {
  return s.raw.empty() ? std::string(atoms::to_string(s.value)) : s.raw;
}

asio::awaitable<response> call_summary(server& srv, const request& req, std::string call_id) {
  atoms::diagnostics diag;
  upstream_call counted(srv);
  auto [ec, call] = co_await srv.client.async_get_call(call_id, diag, no_throw);
  counted.ended(ec);
  if (ec) co_return upstream_failure(req, ec, diag, "call");

  json::object metrics;
  json::value summary = nullptr;
  if (call.post_call_analytics) {
    if (call.post_call_analytics->summary) summary = *call.post_call_analytics->summary;
    for (const auto& m : call.post_call_analytics->disposition_metrics)
      metrics[m.identifier] = json::value_from(m.value);
  }
  json::object body{{"call_id", call.call_id},
                    {"status", status_text(call.status)},
                    {"agent_id", call.agent ? json::value(call.agent->id) : json::value(nullptr)},
                    {"duration", call.duration ? json::value(*call.duration) : json::value(nullptr)},
                    {"summary", std::move(summary)},
                    {"metrics", std::move(metrics)}};
  co_return json_response(req, http::status::ok, body);
}

bool is_yes(std::string_view s) {
  return s.size() == 3 && (s[0] | 0x20) == 'y' && (s[1] | 0x20) == 'e' && (s[2] | 0x20) == 's';
}

bool is_identifier(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

asio::awaitable<response> interest_rate(server& srv, const request& req, std::string agent_id,
                                        std::optional<std::string> last_text,
                                        std::optional<std::string> metric_text) {
  int last = default_last_calls;
  if (last_text) {
    const char* end = last_text->data() + last_text->size();
    const auto [at, err] = std::from_chars(last_text->data(), end, last);
    if (err != std::errc() || at != end || last < 1 || last > max_last_calls)
      co_return error_response(req, http::status::bad_request,
                               "last must be an integer from 1 to " + std::to_string(max_last_calls));
  }
  const std::string metric = metric_text.value_or(srv.default_metric);
  if (!is_identifier(metric))
    co_return error_response(req, http::status::bad_request, "metric must match ^[a-z0-9_]+$");

  // The agent's configuration: whether the agent exists, and the metric's declared type.
  atoms::diagnostics diag;
  {
    upstream_call counted(srv);
    auto [ec, config] = co_await srv.client.async_get_post_call_config(agent_id, diag, no_throw);
    counted.ended(ec);
    if (ec) co_return upstream_failure(req, ec, diag, "agent");
    const auto& metrics = config.disposition_metrics;
    const auto it = std::find_if(metrics.begin(), metrics.end(),
                                 [&](const atoms::metric_config& m) { return m.identifier == metric; });
    if (it == metrics.end())
      co_return error_response(req, http::status::not_found, "the agent has no metric " + metric);
    if (it->type != atoms::metric_type::enumeration && it->type != atoms::metric_type::unknown)
      co_return error_response(req, http::status::bad_request,
                               metric + " is a " + it->type.raw + " metric, not an ENUM one");
  }

  // One page: the listing's default order (updatedAt, newest first) is the one the service
  // indexes; sortBy=createdAt would scan the account.
  atoms::call_filter filter{.limit = last, .agent_ids = {agent_id}};
  upstream_call counted(srv);
  auto [ec, page] = co_await srv.client.async_get_calls(filter, diag, no_throw);
  counted.ended(ec);
  if (ec) co_return upstream_failure(req, ec, diag, "agent");

  std::size_t evaluated = 0, yes = 0;
  for (const atoms::call_log& log : page.logs) {
    const std::optional<atoms::disposition_metric> m = log.metric(metric);
    if (!m) continue;
    const atoms::disposition_metric::typed_value v = m->typed();
    if (const auto* s = std::get_if<std::string>(&v)) {
      ++evaluated;
      if (is_yes(*s)) ++yes;
    }
  }
  json::object body{
      {"agent_id", agent_id},
      {"metric", metric},
      {"last", last},
      {"calls", page.logs.size()},
      {"evaluated", evaluated},
      {"yes", yes},
      {"rate", evaluated == 0 ? json::value(nullptr)
                              : json::value(static_cast<double>(yes) / static_cast<double>(evaluated))}};
  co_return json_response(req, http::status::ok, body);
}

response stats_response(const server& srv, const request& req) {
  const server_stats& s = srv.stats;
  json::object body{{"requests", s.requests},
                    {"upstream_attempts", s.upstream_attempts},
                    {"upstream_in_flight", s.upstream_in_flight},
                    {"upstream_cancelled", s.upstream_cancelled},
                    {"downstream_connections", s.downstream_connections},
                    {"open_connections", srv.client.open_connections()},
                    {"max_open_connections", s.max_open_connections},
                    {"max_connections", srv.client.options().max_connections}};
  return json_response(req, http::status::ok, body);
}

// Completes when the downstream peer closes or resets the connection. Bytes that arrive
// meanwhile (a pipelined request) are kept in `buffer` for the next read; past
// max_pipelined_bytes it stops reading and waits to be cancelled.
asio::awaitable<void> peer_gone(tcp::socket& socket, beast::flat_buffer& buffer) {
  while (buffer.size() < max_pipelined_bytes) {
    auto [ec, n] = co_await socket.async_read_some(buffer.prepare(4096), no_throw);
    if (ec) co_return;
    buffer.commit(n);
  }
  asio::steady_timer never(socket.get_executor(), asio::steady_timer::time_point::max());
  (void)co_await never.async_wait(no_throw);
}

// The answer to one request, or nullopt when the downstream client went away first (its
// API operation is then cancelled, and has ended, when this returns).
asio::awaitable<std::optional<response>> answer(server& srv, const request& req, beast::tcp_stream& stream,
                                                beast::flat_buffer& buffer) {
  if (req.method() != http::verb::get) {
    response res = error_response(req, http::status::method_not_allowed, "only GET is served");
    res.set(http::field::allow, "GET");
    co_return res;
  }
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) co_return error_response(req, http::status::bad_request, "the request target is not a path");
  std::vector<std::string> path;
  for (auto segment : url->segments()) path.push_back(std::string(segment));
  std::optional<std::string> last, metric;
  for (auto param : url->params()) {
    if (param.key == "last") last = std::string(param.value);
    if (param.key == "metric") metric = std::string(param.value);
  }

  std::optional<asio::awaitable<response>> upstream;
  if (path.size() == 3 && path[0] == "calls" && path[2] == "summary")
    upstream.emplace(call_summary(srv, req, path[1]));
  else if (path.size() == 3 && path[0] == "agents" && path[2] == "interest-rate")
    upstream.emplace(interest_rate(srv, req, path[1], std::move(last), std::move(metric)));
  else if (path.size() == 1 && path[0] == "stats")
    co_return stats_response(srv, req);
  else
    co_return error_response(req, http::status::not_found, "no such route");

  // Whichever ends first wins; the other gets a terminal cancellation, which the client's
  // operation honours by closing its connection and completing with operation_aborted.
  using namespace asio::experimental::awaitable_operators;
  auto race = std::move(*upstream) || peer_gone(stream.socket(), buffer);
  std::variant<response, std::monostate> first = co_await std::move(race);
  if (first.index() == 1) co_return std::nullopt;
  co_return std::get<0>(std::move(first));
}

// Counts a downstream connection while its session runs, whatever way it ends.
struct connection_count {
  explicit connection_count(server_stats& s) : stats(s) { ++stats.downstream_connections; }
  connection_count(const connection_count&) = delete;
  connection_count& operator=(const connection_count&) = delete;
  ~connection_count() { --stats.downstream_connections; }
  server_stats& stats;
};

asio::awaitable<void> session(server& srv, tcp::socket socket) {
  const connection_count counted(srv.stats);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(max_pipelined_bytes);
    stream.expires_after(idle_timeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, no_throw);
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
      break;
    std::optional<response> res;
    request req;
    if (ec) {
      req.version(11);
      req.keep_alive(false);
      res = error_response(req, http::status::bad_request, "malformed request: " + ec.message());
    } else {
      req = parser.release();
      stream.expires_never();
      res = co_await answer(srv, req, stream, buffer);
      if (!res) {
        std::cerr << "the client of " << req.target() << " went away: its API request was cancelled\n";
        break;
      }
    }
    ++srv.stats.requests;
    stream.expires_after(idle_timeout);
    auto [write_ec, written] = co_await http::async_write(stream, *res, no_throw);
    if (write_ec || !res->keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

void report_failure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    std::cerr << "error: " << x.what() << '\n';
  }
}

asio::awaitable<void> accept_loop(server& srv, tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(no_throw);
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;  // a connection that failed before it was accepted (EMFILE, say)
    asio::co_spawn(acceptor.get_executor(), session(srv, std::move(socket)), report_failure);
  }
}

int usage(std::ostream& out, int status) {
  out << "usage: embedded_server [--emulator] [--port N] [--max-connections N] [--metric NAME] "
         "[--ca-file PEM]\n";
  return status;
}

std::optional<unsigned long> parse_number(std::string_view s, unsigned long max) {
  unsigned long v = 0;
  const auto [at, err] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (err != std::errc() || at != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  bool use_emulator = false;
  unsigned long port = 8080, max_connections = 16;
  std::string metric = "user_interested", ca_file;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--emulator") {
      use_emulator = true;
    } else if (a == "-h" || a == "--help") {
      return usage(std::cout, 0);
    } else if (a == "--port" && has_value) {
      const auto v = parse_number(argv[++i], 65535);
      if (!v) return usage(std::cerr, 2);
      port = *v;
    } else if (a == "--max-connections" && has_value) {
      const auto v = parse_number(argv[++i], 1024);
      if (!v || *v == 0) return usage(std::cerr, 2);
      max_connections = *v;
    } else if (a == "--metric" && has_value) {
      metric = argv[++i];
      if (!is_identifier(metric)) return usage(std::cerr, 2);
    } else if (a == "--ca-file" && has_value) {
      ca_file = argv[++i];
    } else {
      return usage(std::cerr, 2);
    }
  }

  atoms::client_options options = atoms::client_options::from_env();
  std::unique_ptr<atoms::testing::emulator> emu;
  if (use_emulator) {
    emu = std::make_unique<atoms::testing::emulator>();
    options.base_url = emu->base_url();
    options.api_key = emu->api_key();
    options.ca_pem = emu->ca_pem();
  }
  options.ca_file = ca_file;
  options.max_connections = max_connections;

  server_stats stats;
  asio::io_context io;
  try {
    options.on_attempt = [&stats](const atoms::attempt_info&) { ++stats.upstream_attempts; };
    server srv{atoms::client{io.get_executor(), options}, stats, metric};

    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    std::cout << "port=" << acceptor.local_endpoint().port() << std::endl;
    std::cout << "Serving GET /calls/{id}/summary, /agents/{id}/interest-rate and /stats on http://127.0.0.1:"
              << acceptor.local_endpoint().port() << ", with the Atoms API at " << options.base_url
              << std::endl;

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const atoms::error_code& ec, int) {
      if (!ec) io.stop();
    });
    asio::co_spawn(io, accept_loop(srv, acceptor), report_failure);
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
