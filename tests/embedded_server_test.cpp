// examples/embedded_server run as a process against an emulator of ours: its answers checked
// against the emulator's data under concurrent, pipelined requests on several connections, its
// one pool bounded, the upstream request cancelled when the downstream client goes away, its
// status codes, and SIGTERM/SIGINT.
#ifdef ATOMS_EMBEDDED_SERVER_BINARY

#include "process.hpp"
#include "support.hpp"

#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace embed_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using smallest::atoms::testing::emulator;
using response = http::response<http::string_body>;
using namespace std::chrono_literals;

// The example, started against `emu` (its CA in a file, its URL and key in the environment),
// with a pool of `max_connections`; stopped with SIGKILL if a test has not stopped it.
class server_process {
 public:
  server_process(const emulator& emu, std::size_t max_connections)
      : ca_(fs::temp_directory_path() / ("atoms-embed-ca-" + std::to_string(::getpid()) + ".pem")) {
    std::ofstream(ca_) << emu.ca_pem();
    process_.emplace(
        ATOMS_EMBEDDED_SERVER_BINARY,
        std::vector<std::string>{"--port", "0", "--ca-file", ca_.string(), "--max-connections",
                                 std::to_string(max_connections)},
        std::vector<std::string>{"SMALLEST_API_KEY=" + emu.api_key(), "SMALLEST_BASE_URL=" + emu.base_url()});
    read_port();
  }
  // The example with its own emulator (--emulator).
  server_process() {
    process_.emplace(ATOMS_EMBEDDED_SERVER_BINARY, std::vector<std::string>{"--emulator", "--port", "0"});
    read_port();
  }
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;
  ~server_process() {
    std::error_code ignored;
    if (!ca_.empty()) fs::remove(ca_, ignored);
  }

  std::uint16_t port() const noexcept { return port_; }
  atoms_test::child_process& process() { return *process_; }

 private:
  void read_port() {
    const std::string out = process_->read_stdout_until("port", 30s);
    CAPTURE(out);
    REQUIRE(out.rfind("port=", 0) == 0);
    port_ = static_cast<std::uint16_t>(std::stoi(out.substr(5, out.find('\n') - 5)));
    REQUIRE(port_ != 0);
  }

  fs::path ca_;
  std::optional<atoms_test::child_process> process_;
  std::uint16_t port_ = 0;
};

asio::awaitable<void> pause_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::deferred);
}

asio::awaitable<void> connect_to(beast::tcp_stream& s, std::uint16_t port) {
  const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), port};
  s.expires_after(10s);
  co_await s.async_connect(endpoint, asio::deferred);
}

asio::awaitable<void> send(beast::tcp_stream& s, http::verb method, const std::string& target) {
  http::request<http::empty_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  s.expires_after(10s);
  co_await http::async_write(s, req, asio::deferred);
}

asio::awaitable<response> receive(beast::tcp_stream& s, beast::flat_buffer& buffer) {
  response res;
  s.expires_after(30s);
  co_await http::async_read(s, buffer, res, asio::deferred);
  co_return res;
}

// GET `target` on a connection of its own.
asio::awaitable<response> get_once(std::uint16_t port, std::string target) {
  beast::tcp_stream s(co_await asio::this_coro::executor);
  co_await connect_to(s, port);
  co_await send(s, http::verb::get, target);
  beast::flat_buffer buffer;
  co_return co_await receive(s, buffer);
}

json::object body_of(const response& res) {
  json::value v = json::parse(res.body());
  REQUIRE(v.is_object());
  return v.get_object();
}

asio::awaitable<json::object> stats_of(std::uint16_t port) {
  const response res = co_await get_once(port, "/stats");
  REQUIRE(res.result_int() == 200);
  co_return body_of(res);
}

std::int64_t number_at(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  REQUIRE_MESSAGE((v && v->is_number()), key);
  return v->to_number<std::int64_t>();
}

// One request of the concurrent run and its expected answer, computed from the emulator's
// records (not through the client).
struct exchange {
  std::string target;
  json::object expected;  // the members of the answer to compare
};

// What GET /calls/{id}/summary should answer for the record.
exchange summary_exchange(const emulator& emu, const std::string& call_id) {
  const auto record = emu.call(call_id);
  REQUIRE(record);
  json::object expected{{"call_id", call_id}, {"status", record->at("status")}};
  expected["agent_id"] = record->at("agent").as_object().at("_id");
  json::object metrics;
  json::value summary = nullptr;
  if (const auto* pca = record->if_contains("postCallAnalytics"); pca && pca->is_object()) {
    if (const auto* s = pca->get_object().if_contains("summary")) summary = *s;
    for (const auto& m : pca->get_object().at("dispositionMetrics").as_array())
      metrics[m.as_object().at("identifier").as_string()] = m.as_object().at("value");
  }
  expected["summary"] = summary;
  expected["metrics"] = metrics;
  return {"/calls/" + call_id + "/summary", expected};
}

// What GET /agents/{id}/interest-rate?last=N&metric=M should answer: the agent's calls in the
// listing's order (updatedAt desc, ties in insertion order), the first N, and the values of M.
exchange rate_exchange(const emulator& emu, const std::string& agent_id, const std::string& metric,
                       int last) {
  std::vector<json::object> calls;
  for (const auto& id : emu.call_ids()) {
    auto record = emu.call(id);
    REQUIRE(record);
    if (record->at("agent").as_object().at("_id").as_string() == agent_id)
      calls.push_back(std::move(*record));
  }
  std::stable_sort(calls.begin(), calls.end(), [](const json::object& a, const json::object& b) {
    return a.at("updatedAt").as_string() > b.at("updatedAt").as_string();
  });
  if (calls.size() > static_cast<std::size_t>(last)) calls.resize(static_cast<std::size_t>(last));
  std::int64_t evaluated = 0, yes = 0;
  for (const auto& c : calls) {
    const auto* pca = c.if_contains("postCallAnalytics");
    if (!pca || !pca->is_object()) continue;
    for (const auto& item : pca->get_object().at("dispositionMetrics").as_array()) {
      const json::object& m = item.as_object();
      if (m.at("identifier").as_string() != metric || !m.at("value").is_string()) continue;
      ++evaluated;
      if (m.at("value").as_string() == "yes") ++yes;
    }
  }
  json::object expected{{"agent_id", agent_id},   {"metric", metric},
                        {"last", last},           {"calls", static_cast<std::int64_t>(calls.size())},
                        {"evaluated", evaluated}, {"yes", yes}};
  return {"/agents/" + agent_id + "/interest-rate?last=" + std::to_string(last) + "&metric=" + metric,
          expected};
}

// The first ENUM metric the agent configures.
std::string enum_metric_of(const emulator& emu, const std::string& agent_id) {
  const auto config = emu.post_call_config(agent_id);
  REQUIRE(config);
  for (const auto& m : config->at("dispositionMetrics").as_array())
    if (m.as_object().at("dispositionMetricType") == "ENUM")
      return std::string(m.as_object().at("identifier").as_string());
  FAIL("the agent has no ENUM metric");
  return {};
}

// The seeded agent whose ENUM metric is user_interested (yes, no or unclear).
std::string sales_agent_of(const emulator& emu) {
  for (const auto& agent : emu.agent_ids())
    if (enum_metric_of(emu, agent) == "user_interested") return agent;
  FAIL("no agent has the metric user_interested");
  return {};
}

void check_answer(const response& res, const exchange& x) {
  CAPTURE(x.target);
  CAPTURE(res.body());
  CHECK(res.result_int() == 200);
  CHECK(res.keep_alive());
  const json::object got = body_of(res);
  for (const auto& member : x.expected) {
    const std::string name(member.key());
    CAPTURE(name);
    const json::value* v = got.if_contains(member.key());
    REQUIRE(v);
    CHECK(*v == member.value());
  }
  if (x.expected.contains("evaluated")) {
    const auto evaluated = number_at(x.expected, "evaluated");
    if (evaluated == 0)
      CHECK(got.at("rate").is_null());
    else
      CHECK(got.at("rate").to_number<double>() ==
            doctest::Approx(static_cast<double>(number_at(x.expected, "yes")) /
                            static_cast<double>(evaluated)));
  }
}

// Writes every request of `xs` at once on one connection (pipelined), then reads the answers
// in order.
asio::awaitable<void> pipelined(std::uint16_t port, std::vector<exchange> xs) {
  beast::tcp_stream s(co_await asio::this_coro::executor);
  co_await connect_to(s, port);
  for (const auto& x : xs) co_await send(s, http::verb::get, x.target);
  beast::flat_buffer buffer;
  for (const auto& x : xs) {
    const response res = co_await receive(s, buffer);
    check_answer(res, x);
  }
}

// Waits until `done()`, for at most `limit`; returns done().
asio::awaitable<bool> eventually(std::function<bool()> done, std::chrono::milliseconds limit = 15s) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < give_up) co_await pause_for(10ms);
  co_return done();
}

// Inside the namespace, so that its names win over those of other test files in the same
// unity batch.
TEST_SUITE("embedded server") {
  TEST_CASE(
      "examples/embedded_server: 50 pipelined requests on 10 connections, answered as the emulator's data "
      "through one pool of 4") {
    emulator emu({.calls = 60, .latency = 20ms});
    server_process server(emu, 4);

    std::vector<exchange> all;
    const std::vector<std::string> ids = emu.call_ids();
    for (std::size_t i = 0; i < 25; ++i) all.push_back(summary_exchange(emu, ids[i * 2]));
    const std::vector<std::string> agents = emu.agent_ids();
    REQUIRE(agents.size() == 3);
    const int windows[] = {1, 3, 5, 10, 50};
    for (std::size_t i = 0; all.size() < 50; ++i) {
      const std::string& agent = agents[i % agents.size()];
      all.push_back(rate_exchange(emu, agent, enum_metric_of(emu, agent), windows[i % 5]));
    }
    // The sales agent's metric has "yes" among its choices: some answer must count one.
    const exchange sales = rate_exchange(emu, sales_agent_of(emu), "user_interested", 50);
    CHECK(number_at(sales.expected, "yes") > 0);
    all.push_back(sales);
    const std::size_t requests = all.size();

    atoms_test::run(
        [&](asio::io_context& io) -> asio::awaitable<void> {
          std::size_t left = 10;
          std::exception_ptr failure;
          asio::steady_timer all_done(io, asio::steady_timer::time_point::max());
          for (std::size_t c = 0; c < 10; ++c) {
            std::vector<exchange> mine;
            for (std::size_t i = c; i < all.size(); i += 10) mine.push_back(all[i]);
            asio::co_spawn(io, pipelined(server.port(), std::move(mine)), [&](std::exception_ptr e) {
              if (e && !failure) failure = e;
              if (--left == 0) all_done.cancel();
            });
          }
          (void)co_await all_done.async_wait(atoms_test::tuple);
          if (failure) std::rethrow_exception(failure);

          // One pool for every request: never more than 4 connections, reused across requests.
          CHECK(emu.connections_accepted() <= 4);
          CHECK(emu.max_concurrent_requests() <= 4);
          const json::object stats = co_await stats_of(server.port());
          CAPTURE(json::serialize(stats));
          CHECK(number_at(stats, "requests") == static_cast<std::int64_t>(requests));
          CHECK(number_at(stats, "max_connections") == 4);
          CHECK(number_at(stats, "max_open_connections") <= 4);
          CHECK(number_at(stats, "open_connections") <= 4);
          CHECK(number_at(stats, "upstream_in_flight") == 0);
          CHECK(number_at(stats, "upstream_cancelled") == 0);
          // Every request the emulator read was an attempt of the server's client.
          CHECK(number_at(stats, "upstream_attempts") == static_cast<std::int64_t>(emu.requests().size()));
        },
        60s);

    server.process().signal(SIGTERM);
    const auto status = server.process().wait(10s);
    REQUIRE(status);
    CHECK(*status == 0);
  }

  TEST_CASE("examples/embedded_server: a client that goes away mid-request cancels the upstream request") {
    emulator emu;
    server_process server(emu, 4);
    const std::string call_id = emu.call_ids().front();
    const exchange expected = summary_exchange(emu, call_id);

    atoms_test::run(
        [&](asio::io_context& io) -> asio::awaitable<void> {
          std::int64_t cancelled = 0;
          for (const bool reset : {false, true}) {
            CAPTURE(reset);
            // The upstream request never gets an answer: only a cancellation can end it.
            emu.set_faults({.faults = {{.what = smallest::atoms::testing::fault::kind::stall,
                                        .first = 1,
                                        .path_prefix = "/conversation/"}}});
            const std::size_t before = emu.requests().size();
            {
              beast::tcp_stream s(io);
              co_await connect_to(s, server.port());
              co_await send(s, http::verb::get, expected.target);
              CHECK(co_await eventually([&] { return emu.requests().size() > before; }));
              CHECK(emu.requests().back().target == "/atoms/v1/conversation/" + call_id);
              if (reset) s.socket().set_option(tcp::socket::linger(true, 0));  // an RST, not a FIN
              s.socket().close();
            }
            ++cancelled;
            // The server's count of API operations that ended aborted, asked for up to 10 s.
            std::int64_t seen = 0;
            for (const auto give_up = std::chrono::steady_clock::now() + 10s;;) {
              const json::object stats = co_await stats_of(server.port());
              seen = number_at(stats, "upstream_cancelled");
              if (seen == cancelled || std::chrono::steady_clock::now() > give_up) break;
              co_await pause_for(10ms);
            }
            CHECK(seen == cancelled);
            const json::object stats = co_await stats_of(server.port());
            CHECK(number_at(stats, "upstream_in_flight") == 0);
            // The emulator saw the client's connection go: it was closed, not kept for reuse.
            CHECK(co_await eventually([&] { return emu.open_connections() == 0; }));
            CHECK(number_at(stats, "open_connections") == 0);

            // Served again, now that the fault is spent.
            const response res = co_await get_once(server.port(), expected.target);
            check_answer(res, expected);
          }
        },
        60s);
    server.process().signal(SIGINT);
    const auto status = server.process().wait(10s);
    REQUIRE(status);
    CHECK(*status == 0);
    CHECK(server.process().read_stderr(5s).find("went away") != std::string::npos);
  }

  TEST_CASE(
      "examples/embedded_server: status codes for bad input, unknown ids and upstream failures, on one "
      "kept-alive connection") {
    emulator emu;
    server_process server(emu, 2);
    const std::string sales = sales_agent_of(emu);

    struct expectation {
      http::verb method;
      std::string target;
      unsigned status;
      std::string error;  // a part of the answer's "error"
    };
    const std::vector<expectation> cases = {
        {http::verb::get, "/calls/CALL-1700000000000-000000/summary", 404, "no such call"},
        {http::verb::get, "/calls/%2E%2E/summary", 400, "call_id"},
        {http::verb::get, "/agents/000000000000000000000000/interest-rate", 404, "no such agent"},
        {http::verb::get, "/agents/" + sales + "/interest-rate?metric=nope", 404, "no metric nope"},
        {http::verb::get, "/agents/" + sales + "/interest-rate?metric=user_name", 400, "not an ENUM"},
        {http::verb::get, "/agents/" + sales + "/interest-rate?metric=Bad-Name", 400, "metric must match"},
        {http::verb::get, "/agents/" + sales + "/interest-rate?last=0", 400, "last must be"},
        {http::verb::get, "/agents/" + sales + "/interest-rate?last=501", 400, "last must be"},
        {http::verb::get, "/agents/" + sales + "/interest-rate?last=5x", 400, "last must be"},
        {http::verb::get, "/nope", 404, "no such route"},
        {http::verb::post, "/stats", 405, "only GET"},
    };
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      beast::tcp_stream s(io);
      co_await connect_to(s, server.port());
      beast::flat_buffer buffer;
      for (const auto& c : cases) {
        CAPTURE(c.target);
        co_await send(s, c.method, c.target);
        const response res = co_await receive(s, buffer);
        CAPTURE(res.body());
        CHECK(res.result_int() == c.status);
        CHECK(res.keep_alive());
        CHECK(res[http::field::content_type] == "application/json");
        const json::object body = body_of(res);
        REQUIRE(body.contains("error"));
        CHECK(std::string(body.at("error").as_string()).find(c.error) != std::string::npos);
      }

      // The API fails on every attempt (the client retries, then gives up): 502.
      emu.set_faults({.faults = {{.what = smallest::atoms::testing::fault::kind::status,
                                  .every = 1,
                                  .path_prefix = "/conversation",
                                  .status = 503}}});
      co_await send(s, http::verb::get, "/calls/" + emu.call_ids().front() + "/summary");
      const response failed = co_await receive(s, buffer);
      CAPTURE(failed.body());
      CHECK(failed.result_int() == 502);
      CHECK(failed.body().find("Atoms API") != std::string::npos);
      CHECK(failed.body().find(emu.api_key()) == std::string::npos);
      emu.set_faults({});
      const response served =
          co_await get_once(server.port(), "/calls/" + emu.call_ids().front() + "/summary");
      CHECK(served.result_int() == 200);

      // A request that is not HTTP: 400, and the connection is closed.
      beast::tcp_stream raw(io);
      co_await connect_to(raw, server.port());
      const std::string garbage = "NOT HTTP\r\n\r\n";
      co_await asio::async_write(raw, asio::buffer(garbage), asio::deferred);
      beast::flat_buffer raw_buffer;
      const response bad = co_await receive(raw, raw_buffer);
      CHECK(bad.result_int() == 400);
      CHECK_FALSE(bad.keep_alive());
    });
    server.process().signal(SIGTERM);
    const auto status = server.process().wait(10s);
    REQUIRE(status);
    CHECK(*status == 0);
  }

  TEST_CASE("examples/embedded_server --emulator: serves the product page's call") {
    server_process server;
    atoms_test::run([&](asio::io_context&) -> asio::awaitable<void> {
      const response res = co_await get_once(server.port(), "/calls/CALL-1768842587790-69eb58/summary");
      CAPTURE(res.body());
      REQUIRE(res.result_int() == 200);
      const json::object body = body_of(res);
      CHECK(body.at("status") == "completed");
      CHECK(body.at("metrics").as_object().at("user_interested") == "yes");
      CHECK(body.at("summary").is_string());
    });
    server.process().signal(SIGINT);
    const auto status = server.process().wait(10s);
    REQUIRE(status);
    CHECK(*status == 0);
  }
}

}  // namespace embed_test

#endif
