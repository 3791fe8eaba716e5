// Resilience: the retry policy (what is retried, the waits the service asks for, the
// deadline), the rate limit, the per-connection request limit and the observability hook,
// against the emulator over real sockets; the retry layer's pure decisions alone.
#include "support.hpp"

#include <smallest/atoms.hpp>
#include <smallest/atoms/detail/client_state.hpp>
#include <smallest/atoms/detail/retry.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
using atoms::testing::emulator;
using atoms::testing::recorded_request;
using atoms::testing::reply;
using atoms_test::options_for;
using atoms_test::quick_retries;
using namespace std::chrono_literals;

namespace {

using atoms_test::tuple;

using clock_type = std::chrono::steady_clock;

// An interceptor that answers `status` (with `headers` and `body`) to the first `n` requests
// whose target contains `needle`, and counts every request it sees.
struct fail_first {
  unsigned n;
  unsigned status;
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string body = R"({"status":false,"errors":["Service unavailable"]})";
  std::string needle = "/conversation";
  std::shared_ptr<std::atomic<unsigned>> seen = std::make_shared<std::atomic<unsigned>>(0);

  std::optional<reply> operator()(const recorded_request& r) const {
    if (r.target.find(needle) == std::string::npos) return std::nullopt;
    if (seen->fetch_add(1) >= n) return std::nullopt;
    return reply{.status = status, .body = body, .headers = headers};
  }
};

// What the observability hook was told, copied out of the views it is given.
struct seen_attempt {
  std::string method, target;
  unsigned attempt, status;
  atoms::error_code ec;
  std::chrono::milliseconds retry_in;
};

struct attempt_log {
  std::mutex mu;
  std::vector<seen_attempt> all;
  void operator()(const atoms::attempt_info& a) {
    std::lock_guard lk(mu);
    all.push_back({std::string(a.method), std::string(a.target), a.attempt, a.status, a.ec, a.retry_in});
  }
};

}  // namespace

TEST_SUITE("retry") {
  TEST_CASE("a 429 with Retry-After is retried after the wait the service asked for") {
    emulator emu;
    fail_first f{.n = 1,
                 .status = 429,
                 .headers = {{"Retry-After", "1"}},
                 .body = R"({"status":false,"errors":["Too many requests"]})"};
    emu.set_interceptor(f);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), quick_retries(emu)};
      atoms::diagnostics diag;
      const auto start = clock_type::now();
      auto [ec, d] = co_await client.async_get_call(emu.call_ids().front(), diag, tuple);
      const auto took = clock_type::now() - start;
      CHECK_FALSE(ec);
      CHECK(d.call_id == emu.call_ids().front());
      CHECK(diag.attempts == 2);
      CHECK(f.seen->load() == 2);
      CHECK(took >= 950ms);  // the service's second, not our 20 ms backoff
    });
  }

  TEST_CASE("503 twice, then success: three attempts with the policy's backoff between them") {
    emulator emu;
    fail_first f{.n = 2, .status = 503};
    emu.set_interceptor(f);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = quick_retries(emu);
      opts.retry.initial_backoff = 150ms;  // then 300 ms: 450 ms of waiting in all
      atoms::client client{io.get_executor(), opts};
      atoms::diagnostics diag;
      const auto start = clock_type::now();
      auto [ec, d] = co_await client.async_get_call(emu.call_ids().front(), diag, tuple);
      CHECK_FALSE(ec);
      CHECK(diag.attempts == 3);
      CHECK(diag.retry_note.empty());
      CHECK(f.seen->load() == 3);
      CHECK(clock_type::now() - start >= 440ms);
    });
  }

  TEST_CASE("a hint in the error body replaces the backoff, and the cap bounds any hint") {
    emulator emu;
    // rateLimit.retryAfterSec = 0: go again at once, although our backoff says 5 s.
    fail_first f{.n = 1,
                 .status = 429,
                 .body = R"({"message":"Rate limit exceeded","rateLimit":{"limit":10,"retryAfterSec":0}})"};
    emu.set_interceptor(f);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = quick_retries(emu);
      opts.retry.initial_backoff = 5s;
      opts.retry.max_backoff = 5s;
      atoms::client client{io.get_executor(), opts};
      const auto start = clock_type::now();
      auto [ec, d] = co_await client.async_get_call(emu.call_ids().front(), tuple);
      CHECK_FALSE(ec);
      CHECK(f.seen->load() == 2);
      CHECK(clock_type::now() - start < 3s);

      // Retry-After: 3600 is capped by max_backoff (100 ms here).
      fail_first g{.n = 1, .status = 503, .headers = {{"Retry-After", "3600"}}};
      emu.set_interceptor(g);
      auto capped = client.with_retry({.max_attempts = 2, .initial_backoff = 10ms, .max_backoff = 100ms});
      const auto start2 = clock_type::now();
      auto [ec2, d2] = co_await capped.async_get_call(emu.call_ids().front(), tuple);
      CHECK_FALSE(ec2);
      CHECK(g.seen->load() == 2);
      CHECK(clock_type::now() - start2 < 3s);
    });
  }

  TEST_CASE("retrying stops at max_attempts and the diagnostics say so") {
    emulator emu;
    fail_first f{.n = 1000, .status = 503};
    emu.set_interceptor(f);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), quick_retries(emu)};
      atoms::diagnostics diag;
      auto [ec, d] = co_await client.async_get_call(emu.call_ids().front(), diag, tuple);
      CHECK(ec == atoms::condition::server_error);
      CHECK(diag.http_status == 503);
      CHECK(diag.attempts == 3);
      CHECK(f.seen->load() == 3);
      CHECK(diag.message == "Service unavailable");
      CHECK(diag.retry_note == "retry.max_attempts (3) reached");
      const std::string text = atoms::describe(ec, diag);
      CHECK(text.find("after 3 attempts (retry: retry.max_attempts (3) reached)") != std::string::npos);
    });
  }

  TEST_CASE("404, 409 and 400 are answers, not failures: never retried") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), quick_retries(emu)};
      for (unsigned status : {404u, 409u, 400u}) {
        CAPTURE(status);
        fail_first f{.n = 1000, .status = status, .body = R"({"status":false,"errors":["no"]})"};
        emu.set_interceptor(f);
        atoms::diagnostics diag;
        auto [ec, d] = co_await client.async_get_call(emu.call_ids().front(), diag, tuple);
        CHECK(ec == atoms::make_http_error(status));
        CHECK(diag.attempts == 1);
        CHECK(f.seen->load() == 1);
        CHECK(diag.retry_note == "HTTP " + std::to_string(status) + " is not transient");
      }
    });
  }

  TEST_CASE("a request that creates is sent again only if it never reached the server") {
    emulator emu;
    fail_first f{.n = 1000, .status = 503, .needle = "/agent"};
    emu.set_interceptor(f);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto state = std::make_shared<atoms::detail::client_state>(io.get_executor(), quick_retries(emu));
      const atoms::detail::api_request create{
          .method = boost::beast::http::verb::post, .path = "/agent", .body = R"({"name":"x"})"};
      atoms::diagnostics diag;
      boost::json::value data;
      atoms::error_code ec = co_await state->call(create, diag, data);
      CHECK(ec == atoms::make_http_error(503));
      CHECK(diag.attempts == 1);
      CHECK(f.seen->load() == 1);
      CHECK(diag.retry_note.find("could create it twice") != std::string::npos);

      // The same request to a port where nothing listens never reaches a server: retried.
      auto opts = quick_retries(emu);
      opts.base_url = "https://127.0.0.1:" + std::to_string(emulator::unused_port()) + "/atoms/v1";
      auto refused = std::make_shared<atoms::detail::client_state>(io.get_executor(), opts);
      atoms::diagnostics diag2;
      atoms::error_code ec2 = co_await refused->call(create, diag2, data);
      CHECK(ec2 == asio::error::connection_refused);
      CHECK(diag2.attempts == 3);
      CHECK(diag2.retry_note == "retry.max_attempts (3) reached");
    });
  }

  TEST_CASE("a 504 on a full-scan query says why instead of retrying") {
    emulator emu;
    fail_first f{.n = 1000, .status = 504, .body = R"({"message":"Gateway Timeout"})"};
    emu.set_interceptor(f);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), quick_retries(emu)};
      atoms::diagnostics diag;
      atoms::call_filter filter;
      filter.date_from = atoms_test::utc(2026, 1, 1);
      auto [ec, page] = co_await client.async_get_calls(filter, diag, tuple);
      CHECK(ec == atoms::condition::timeout);
      CHECK(diag.attempts == 1);
      CHECK(diag.message.find("full scan") != std::string::npos);
      CHECK(diag.message.find("Gateway Timeout") == 0);

      // Without dateFrom/dateTo/sortBy=createdAt a 504 is retried like any other.
      f.seen->store(0);
      atoms::diagnostics diag2;
      auto [ec2, page2] = co_await client.async_get_calls({}, diag2, tuple);
      CHECK(ec2 == atoms::condition::timeout);
      CHECK(diag2.attempts == 3);
      CHECK(diag2.message.find("full scan") == std::string::npos);
    });
  }

  TEST_CASE("the deadline bounds an operation across its attempts and its waits") {
    emulator emu;
    bool stalls = false;
    SUBCASE("a server that never answers") {
      stalls = true;
      emu.set_interceptor(
          [](const recorded_request&) { return std::optional<reply>(reply{.act = reply::action::stall}); });
    }
    SUBCASE("a server that is always unavailable") {
      emu.set_interceptor(fail_first{.n = 100000, .status = 503});
    }
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = quick_retries(emu);
      opts.request_timeout = 10s;
      opts.retry.max_attempts = 1000;
      opts.retry.initial_backoff = 50ms;
      opts.retry.deadline = 400ms;
      atoms::client client{io.get_executor(), opts};
      atoms::diagnostics diag;
      const auto start = clock_type::now();
      auto [ec, d] = co_await client.async_get_call(emu.call_ids().front(), diag, tuple);
      const auto took = clock_type::now() - start;
      CHECK(ec == atoms::errc::timeout);
      CHECK(ec == atoms::condition::timeout);
      CHECK(took >= 390ms);
      CHECK(took < 3s);
      CHECK(diag.retry_note == "the operation's deadline passed (retry.deadline = 400 ms)");
      CHECK(diag.attempts >= 1);
      // The exchange in flight was abandoned: its connection is closed, not pooled.
      if (stalls) CHECK(client.open_connections() == 0);
    });
  }

  TEST_CASE("a cancellation during the wait before a retry ends the operation at once") {
    emulator emu;
    fail_first f{.n = 1000, .status = 503, .headers = {{"Retry-After", "30"}}};
    emu.set_interceptor(f);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = quick_retries(emu);
      opts.retry.max_backoff = 60s;
      atoms::client client{io.get_executor(), opts};
      asio::cancellation_signal cancel;
      asio::steady_timer done(io, clock_type::time_point::max());
      atoms::error_code ec;
      const auto start = clock_type::now();
      client.async_get_call(
          emu.call_ids().front(),
          asio::bind_cancellation_slot(cancel.slot(), [&](atoms::error_code e, atoms::call_details) {
            ec = e;
            done.cancel();
          }));
      asio::steady_timer later(io, 300ms);
      co_await later.async_wait(asio::use_awaitable);
      cancel.emit(asio::cancellation_type::terminal);
      (void)co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
      CHECK(ec == asio::error::operation_aborted);
      CHECK(clock_type::now() - start < 5s);
      CHECK(f.seen->load() == 1);
    });
  }
}

TEST_SUITE("retry decisions") {
  TEST_CASE("Retry-After as seconds and as an HTTP date, X-RateLimit-Reset, and the body's hints") {
    using namespace std::chrono;
    namespace detail = atoms::detail;
    const auto now = sys_days{year{2026} / 11 / 23} + hours{12};
    auto hint = [&](std::vector<std::pair<std::string, std::string>> headers, std::string body = {}) {
      atoms::http::response res{boost::beast::http::status::too_many_requests, 11};
      for (auto& [k, v] : headers) res.set(k, v);
      res.body() = std::move(body);
      return detail::server_retry_hint(res, now);
    };
    CHECK(hint({{"Retry-After", "7"}}) == milliseconds{7000});
    CHECK(hint({{"Retry-After", " 2 "}}) == milliseconds{2000});
    CHECK(hint({{"Retry-After", "Mon, 23 Nov 2026 12:00:30 GMT"}}) == milliseconds{30'000});
    CHECK(hint({{"Retry-After", "Mon, 23 Nov 2026 11:00:00 GMT"}}) == milliseconds{0});  // past: now
    CHECK(hint({{"Retry-After", "soon"}}) == std::nullopt);
    CHECK(hint({{"Retry-After", "-5"}}) == std::nullopt);
    CHECK(hint({{"Retry-After", "99999999999999"}}) == milliseconds{86'400'000});  // clamped to a day
    const auto epoch = duration_cast<seconds>((now + seconds{12}).time_since_epoch()).count();
    CHECK(hint({{"X-RateLimit-Reset", std::to_string(epoch)}}) == milliseconds{12'000});
    CHECK(hint({{"X-RateLimit-Reset", "4"}}) == milliseconds{4000});
    CHECK(hint({}, R"({"retry_after": 1.5})") == milliseconds{1500});
    CHECK(hint({}, R"({"message":"Rate limit exceeded","rateLimit":{"retryAfterSec":60}})") ==
          milliseconds{60'000});
    CHECK(hint({}, R"({"rateLimit":{"retryAfterSec":"60"}})") == std::nullopt);
    CHECK(hint({}, R"({"retry_after": -1})") == std::nullopt);
    CHECK(hint({}, "not json") == std::nullopt);
    CHECK(hint({}) == std::nullopt);
    // The header wins over the body.
    CHECK(hint({{"Retry-After", "1"}}, R"({"retry_after": 9})") == milliseconds{1000});

    CHECK(detail::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").has_value());
    CHECK_FALSE(detail::parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT").has_value());
    CHECK_FALSE(detail::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT").has_value());
    CHECK_FALSE(detail::parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT").has_value());
  }

  TEST_CASE("backoff doubles up to the cap, and jitter only shortens it") {
    using std::chrono::milliseconds;
    const atoms::retry_policy p{
        .initial_backoff = milliseconds{100}, .max_backoff = milliseconds{1000}, .jitter = 0.5};
    CHECK(atoms::detail::backoff(p, 2, 0.0) == milliseconds{100});
    CHECK(atoms::detail::backoff(p, 3, 0.0) == milliseconds{200});
    CHECK(atoms::detail::backoff(p, 4, 0.0) == milliseconds{400});
    CHECK(atoms::detail::backoff(p, 6, 0.0) == milliseconds{1000});
    CHECK(atoms::detail::backoff(p, 60, 0.0) == milliseconds{1000});
    CHECK(atoms::detail::backoff(p, 2, 0.999) > milliseconds{49});
    CHECK(atoms::detail::backoff(p, 2, 0.5) == milliseconds{75});
  }

  TEST_CASE("what is retried") {
    namespace detail = atoms::detail;
    auto why = [](atoms::error_code ec, bool sent, bool idempotent, bool scan = false) {
      return detail::why_not_retry({ec, sent, idempotent, scan});
    };
    for (unsigned s : {408u, 429u, 500u, 502u, 503u, 504u})
      CHECK(why(atoms::make_http_error(s), true, true).empty());
    for (unsigned s : {400u, 401u, 403u, 404u, 409u, 422u, 501u})
      CHECK_FALSE(why(atoms::make_http_error(s), true, true).empty());
    CHECK(why(asio::error::connection_refused, false, false).empty());
    CHECK(why(asio::error::connection_reset, true, true).empty());
    CHECK_FALSE(why(asio::error::connection_reset, true, false).empty());
    CHECK(why(boost::beast::error::timeout, true, true).empty());
    CHECK_FALSE(why(boost::beast::error::timeout, true, false).empty());
    CHECK(why(asio::error::operation_aborted, true, true) == "cancelled");
    CHECK_FALSE(why(asio::error::host_not_found, false, true).empty());
    CHECK_FALSE(why(atoms::errc::decode_error, true, true).empty());
    CHECK_FALSE(why(atoms::make_http_error(504), true, true, true).empty());
  }

  TEST_CASE("the hook's target hides search values; full-scan queries are recognised") {
    namespace detail = atoms::detail;
    CHECK(detail::redacted_target("/a/conversation", "page=1&search=%2B15551234567&limit=5") ==
          "/a/conversation?page=1&search=***&limit=5");
    CHECK(detail::redacted_target("/a/conversation", "") == "/a/conversation");
    CHECK(detail::is_full_scan_query("page=1&dateFrom=2026-01-01"));
    CHECK(detail::is_full_scan_query("sortBy=createdAt"));
    CHECK_FALSE(detail::is_full_scan_query("sortBy=createdAtX&page=1"));
    CHECK_FALSE(detail::is_full_scan_query("search=dateFrom%3D1"));
  }

  TEST_CASE("an invalid retry policy or rate is rejected up front") {
    asio::io_context io;
    atoms::client_options o{.api_key = "k"};
    o.retry.max_attempts = 0;
    CHECK_THROWS_AS(atoms::client(io.get_executor(), o), std::invalid_argument);
    o.retry = {};
    o.retry.jitter = 1.5;
    CHECK_THROWS_AS(atoms::client(io.get_executor(), o), std::invalid_argument);
    o.retry = {};
    o.max_requests_per_second = -1;
    CHECK_THROWS_AS(atoms::client(io.get_executor(), o), std::invalid_argument);
    o.max_requests_per_second = 0;
    atoms::client c(io.get_executor(), o);
    CHECK_THROWS_AS(c.with_retry({.max_attempts = 0}), std::invalid_argument);
    CHECK_THROWS_AS(c.with_retry({.initial_backoff = std::chrono::milliseconds{-1}}), std::invalid_argument);
  }
}

TEST_SUITE("limits and hooks") {
  TEST_CASE("the hook sees every attempt, never the key, never a search value") {
    emulator emu;
    fail_first f{.n = 1, .status = 503};
    emu.set_interceptor(f);
    auto log = std::make_shared<attempt_log>();
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = quick_retries(emu);
      opts.on_attempt = [log](const atoms::attempt_info& a) { (*log)(a); };
      atoms::client client{io.get_executor(), opts};
      atoms::call_filter filter;
      filter.search = "+15551234567";
      auto [ec, page] = co_await client.async_get_calls(filter, tuple);
      CHECK_FALSE(ec);
    });
    REQUIRE(log->all.size() == 2);
    const seen_attempt first = log->all[0], second = log->all[1];
    CHECK(first.method == "GET");
    CHECK(first.attempt == 1);
    CHECK(first.status == 503);
    CHECK(first.ec == atoms::make_http_error(503));
    CHECK(first.retry_in == 20ms);
    CHECK(second.attempt == 2);
    CHECK(second.status == 200);
    CHECK_FALSE(second.ec);
    CHECK(second.retry_in == 0ms);
    for (const auto& a : log->all) {
      CHECK(a.target.find("/atoms/v1/conversation?") == 0);
      CHECK(a.target.find("search=***") != std::string::npos);
      CHECK(a.target.find("5551234567") == std::string::npos);
      CHECK(a.target.find(emu.api_key()) == std::string::npos);
    }
  }

  TEST_CASE("a throwing hook does not fail the request") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.on_attempt = [](const atoms::attempt_info&) { throw std::runtime_error("exporter down"); };
      atoms::client client{io.get_executor(), opts};
      auto [ec, d] = co_await client.async_get_call(emu.call_ids().front(), tuple);
      CHECK_FALSE(ec);
    });
  }

  TEST_CASE("a connection is replaced after max_requests_per_connection requests") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.max_requests_per_connection = 3;
      atoms::client client{io.get_executor(), opts};
      for (int i = 0; i < 9; ++i) {
        auto [ec, d] = co_await client.async_get_call(emu.call_ids().front(), tuple);
        CHECK_FALSE(ec);
      }
      CHECK(emu.connections_accepted() == 3);
    });
  }

  TEST_CASE("the rate limit spaces requests across the client and its copies") {
    // Plain HTTP: arrivals are measured at the server, and a TLS handshake of varying length on
    // each new connection would blur the spacing the limit gave the departures.
    emulator emu({.tls = false});
    std::mutex mu;
    std::vector<clock_type::time_point> arrivals;
    emu.set_interceptor([&](const recorded_request&) -> std::optional<reply> {
      std::lock_guard lk(mu);
      arrivals.push_back(clock_type::now());
      return std::nullopt;
    });
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.max_requests_per_second = 20;  // one every 50 ms
      atoms::client client{io.get_executor(), opts};
      auto other = client.with_retry({});  // shares the limit
      const auto ids = emu.call_ids();
      std::atomic<int> done{0};
      for (int i = 0; i < 10; ++i) {
        auto& c = i % 2 ? client : other;
        c.async_get_call(ids[static_cast<std::size_t>(i)], [&](atoms::error_code ec, atoms::call_details) {
          CHECK_FALSE(ec);
          ++done;
        });
      }
      while (done < 10) {
        asio::steady_timer t(io, 10ms);
        co_await t.async_wait(asio::use_awaitable);
      }
    });
    REQUIRE(arrivals.size() == 10);
    std::sort(arrivals.begin(), arrivals.end());
    // Ten requests at 20/s leave over 9 intervals of 50 ms; each connection's set-up may shift an
    // arrival by a little. Without the limit the ten would arrive within a few milliseconds.
    CHECK(arrivals.back() - arrivals.front() >= 400ms);
  }
}

TEST_SUITE("fuzz findings") {
  // Each of these was found by the fuzz targets (fuzz/); they stay fixed.
  TEST_CASE("URLs Boost.URL 1.81 misreads are refused, not sent somewhere else") {
    for (const char* url : {"https://api.smallest.ai:443atoms/v1", "http://1.2.3.4.nip.io/atoms/v1",
                            "https://a%00b/x", "https://a%2Fb/x", "https://[v1.api.smallest.ai]/atoms/v1"}) {
      CAPTURE(url);
      atoms::http::endpoint ep;
      std::string why;
      CHECK_FALSE(atoms::http::parse_endpoint(url, ep, why));
      CHECK(why.find("base_url") == 0);
      CHECK(why.find(url) == std::string::npos);  // a URL may hold a secret: never quoted
    }
    atoms::http::endpoint ep;
    std::string target, why;
    CHECK_FALSE(atoms::http::parse_resource_url("http://127.0.0.1z39567/rec.mp3?X-Amz-Signature=s",
                                                "presignedUrl", ep, target, why));
    CHECK(atoms::http::parse_endpoint("https://api.smallest.ai", ep, why));
    CHECK(atoms::http::parse_endpoint("http://[::1]:8080/atoms/v1", ep, why));
    CHECK(ep.base_path == "/atoms/v1");
  }

  TEST_CASE("a filter date outside the years 0000-9999 is refused, not written as a date nobody reads") {
    atoms::call_filter f;
    f.date_from = atoms::timestamp::min();
    std::string query, why;
    CHECK_FALSE(atoms::detail::call_query(f, query, why));
    CHECK(why == "call_filter: date_from and date_to must lie within the years 0000 to 9999");
    f.date_from = atoms_test::utc(10000, 1, 1);
    CHECK_FALSE(atoms::detail::call_query(f, query, why));
    f.date_from = atoms_test::utc(9999, 12, 31, 23, 59, 59, 999);
    CHECK(atoms::detail::call_query(f, query, why));
  }

  TEST_CASE("wait hints far in the future are a day at most, without overflow") {
    const auto now = std::chrono::system_clock::now();
    atoms::http::response res{boost::beast::http::status::too_many_requests, 11};
    res.set("Retry-After", "Fri, 01 Jan 2300 00:00:00 GMT");
    CHECK(atoms::detail::server_retry_hint(res, now) == std::chrono::milliseconds{86'400'000});
    atoms::http::response reset{boost::beast::http::status::too_many_requests, 11};
    reset.set("X-RateLimit-Reset", "999999999999999999");
    CHECK(atoms::detail::server_retry_hint(reset, now) == std::chrono::milliseconds{86'400'000});
  }

  TEST_CASE("a signed Retry-After is not delta-seconds: the next hint is read instead") {
    const auto now = std::chrono::system_clock::now();
    for (const char* signed_value : {"-0", "-5", "+3"}) {
      CAPTURE(signed_value);
      atoms::http::response res{boost::beast::http::status::too_many_requests, 11};
      res.set("Retry-After", signed_value);
      res.set("X-RateLimit-Reset", "4");
      CHECK(atoms::detail::server_retry_hint(res, now) == std::chrono::milliseconds{4'000});
    }
  }

  TEST_CASE("decode errors mask the key, cut quotes at a character's end, and refuse non-finite numbers") {
    const std::string key = "sk-test-SECRET-4f1c9a";
    atoms::diagnostics diag;
    auto echoed = boost::json::parse(R"({"callId":"x","createdAt":"sk-test-SECRET-4f1c9a"})");
    auto [ec, d] = atoms::detail::decode_data<atoms::call_details>(echoed, diag, key);
    CHECK(ec == atoms::errc::decode_error);
    CHECK(diag.message.find("SECRET") == std::string::npos);
    CHECK(diag.message.find("***") != std::string::npos);

    // 39 ASCII bytes, then 'é' (2 bytes) across the 40-byte cut: the quote ends before it.
    auto long_text =
        boost::json::parse(R"({"callId":"x","createdAt":")" + std::string(39, 'a') + "\xC3\xA9" + R"(zz"})");
    atoms::diagnostics diag2;
    auto [ec2, d2] = atoms::detail::decode_data<atoms::call_details>(long_text, diag2, key);
    CHECK(ec2 == atoms::errc::decode_error);
    CHECK(diag2.message.find(std::string(39, 'a') + "\"...") != std::string::npos);

    atoms::diagnostics diag3;
    auto huge = boost::json::parse(R"({"callId":"x","duration":1e400})");
    auto [ec3, d3] = atoms::detail::decode_data<atoms::call_details>(huge, diag3, key);
    CHECK(ec3 == atoms::errc::decode_error);
    CHECK(diag3.message.find("finite") != std::string::npos);

    atoms::post_call_config config;
    config.extra["weight"] = boost::json::parse("1e400");
    const auto why = atoms::validate(config);
    REQUIRE(why);
    CHECK(*why == "extra holds a number JSON cannot carry (NaN or infinity)");
  }
}
