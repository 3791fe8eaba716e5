// The webhook receiver over real sockets on 127.0.0.1: answers, hand-over, a slow handler, and a
// flood of bad signatures.
#include "support.hpp"

#include <smallest/atoms/webhook_receiver.hpp>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <sys/resource.h>

#include <string>
#include <vector>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

namespace {

const std::string receiver_secret = "whsec-receiver-test-0b1c";

std::string analytics_delivery(const std::string& call_id) {
  return R"({"url":"http://127.0.0.1/atoms/webhook","description":"test","event":"a1.analytics-completed","id":"d-)" +
         call_id +
         R"(","metadata":{"agentId":"a1","eventType":"analytics-completed","conversationType":"telephonyOutbound","callId":")" +
         call_id +
         R"(","analytics":{"summary":"ok","dispositionMetrics":[{"identifier":"user_interested","value":"yes","confidence":1,"reasoning":"r","dispositionMetricPrompt":"p","dispositionMetricType":"ENUM"}],"successMetrics":[]},"callData":{"fromNumber":"+15550000001","toNumber":"+15550000002","callDuration":12.5,"callStatus":"completed","answerTime":"2026-11-24T10:00:00Z","endTime":"2026-11-24T10:00:12.5Z"}}})";
}

using receiver_response = bhttp::response<bhttp::string_body>;

// One POST on a fresh connection; the answer, or status 0 when the connection failed.
asio::awaitable<receiver_response> post_once(unsigned short port, std::string target, std::string body,
                                             std::optional<std::string> signature) {
  boost::beast::tcp_stream s(co_await asio::this_coro::executor);
  s.expires_after(10s);
  const asio::ip::tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
  auto [cec] = co_await s.async_connect(ep, asio::as_tuple(asio::use_awaitable));
  receiver_response res;
  if (cec) co_return res;
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::content_type, "application/json");
  if (signature) req.set("X-Signature", *signature);
  req.body() = std::move(body);
  req.keep_alive(false);
  req.prepare_payload();
  auto [wec, wn] = co_await bhttp::async_write(s, req, asio::as_tuple(asio::use_awaitable));
  if (wec) co_return res;
  boost::beast::flat_buffer buf;
  auto [rec, rn] = co_await bhttp::async_read(s, buf, res, asio::as_tuple(asio::use_awaitable));
  if (rec) res = {};
  co_return res;
}

}  // namespace

TEST_SUITE("webhook receiver") {
  TEST_CASE("a signed delivery is answered 200 and handed over; the rest get 401, 400, 413, 404, 405") {
    asio::io_context io;
    std::vector<atoms::webhook_event> got;
    atoms::webhook_receiver rx(io.get_executor(),
                               {.secret = receiver_secret, .path = "/atoms/webhook", .max_body = 4096},
                               [&](atoms::webhook_event e) -> asio::awaitable<void> {
                                 got.push_back(std::move(e));
                                 co_return;
                               });
    const unsigned short port = rx.listen({asio::ip::make_address("127.0.0.1"), 0});
    REQUIRE(port != 0);
    std::vector<std::pair<unsigned, std::string>> answers;
    auto body = analytics_delivery("CALL-1");
    auto sig = atoms::webhook_signature(body, receiver_secret);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto ask = [&](std::string target, std::string b,
                         std::optional<std::string> s) -> asio::awaitable<void> {
            receiver_response r = co_await post_once(port, std::move(target), std::move(b), std::move(s));
            answers.emplace_back(r.result_int(), r.body());
          };
          co_await ask("/atoms/webhook", body, sig);           // 200
          co_await ask("/atoms/webhook?x=1", body, sig);       // 200: the query is ignored
          co_await ask("/atoms/webhook", body, std::nullopt);  // 401
          co_await ask("/atoms/webhook", body, atoms::webhook_signature(body, "other"));  // 401
          const std::string junk = R"({"url":1})";
          co_await ask("/atoms/webhook", junk, atoms::webhook_signature(junk, receiver_secret));  // 400
          const std::string big(5000, ' ');
          co_await ask("/atoms/webhook", big, atoms::webhook_signature(big, receiver_secret));  // 413
          co_await ask("/elsewhere", body, sig);                                                // 404
          rx.stop();
        },
        asio::detached);
    io.run_for(30s);
    REQUIRE(answers.size() == 7);
    CHECK(answers[0].first == 200);
    CHECK(answers[1].first == 200);
    CHECK(answers[2].first == 401);
    CHECK(answers[3].first == 401);
    CHECK(answers[4].first == 400);
    CHECK(answers[4].second.find("$.url") != std::string::npos);  // a number where a string goes
    CHECK(answers[5].first == 413);
    CHECK(answers[6].first == 404);
    for (const auto& [status, text] : answers) CHECK(text.find(receiver_secret) == std::string::npos);
    REQUIRE(got.size() == 2);
    CHECK(atoms::event_call_id(got[0]) == "CALL-1");
    const auto stats = rx.stats();
    CHECK(stats.delivered == 2);
    CHECK(stats.bad_signature == 2);
    CHECK(stats.bad_body == 2);
    CHECK(stats.pending == 0);
    CHECK(stats.open_connections == 0);

    // The same answers from answer(), for a server of the user's own; a GET is 405.
    bhttp::request<bhttp::string_body> get{bhttp::verb::get, "/atoms/webhook", 11};
    CHECK(rx.answer(get).result_int() == 405);
  }

  TEST_CASE("a slow handler does not delay the answer: 200 first, the handler finishes later") {
    asio::io_context io;
    bool handler_done = false;
    std::optional<bool> done_when_answered;
    atoms::webhook_receiver rx(io.get_executor(), {.secret = receiver_secret},
                               [&](atoms::webhook_event) -> asio::awaitable<void> {
                                 // Longer than any answer takes: 2 s, a stand-in for a slow database.
                                 asio::steady_timer t(co_await asio::this_coro::executor, 2s);
                                 co_await t.async_wait(asio::use_awaitable);
                                 handler_done = true;
                               });
    const unsigned short port = rx.listen({asio::ip::make_address("127.0.0.1"), 0});
    const std::string body = analytics_delivery("CALL-SLOW");
    unsigned status = 0;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          receiver_response r =
              co_await post_once(port, "/", body, atoms::webhook_signature(body, receiver_secret));
          status = r.result_int();
          done_when_answered = handler_done;
          CHECK(rx.stats().pending == 1);
          rx.stop();  // the handler still runs to its end
        },
        asio::detached);
    io.run_for(20s);
    CHECK(status == 200);
    REQUIRE(done_when_answered.has_value());
    CHECK_FALSE(*done_when_answered);
    CHECK(handler_done);
    CHECK(rx.stats().pending == 0);
  }

  TEST_CASE("a flood of 1,000 concurrent bad signatures: all 401, connections and memory as before") {
    // Both ends of 1,000 connections live in this process: 2,000 descriptors and some.
    rlimit files{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &files) == 0);
    if (files.rlim_cur < 4096 && files.rlim_max >= 4096) {
      files.rlim_cur = 4096;
      REQUIRE(::setrlimit(RLIMIT_NOFILE, &files) == 0);
    }
    REQUIRE_MESSAGE(files.rlim_cur >= 2100, "RLIMIT_NOFILE is too low for the flood: " << files.rlim_cur);
    asio::io_context io;
    std::size_t handled = 0;
    atoms::webhook_receiver rx(io.get_executor(), {.secret = receiver_secret},
                               [&](atoms::webhook_event) -> asio::awaitable<void> {
                                 ++handled;
                                 co_return;
                               });
    const unsigned short port = rx.listen({asio::ip::make_address("127.0.0.1"), 0});
    const std::string body = analytics_delivery("CALL-FLOOD");
    const std::string wrong = atoms::webhook_signature(body, "not the secret");
    auto flood = [&](std::size_t n) {
      std::size_t unauthorized = 0, finished = 0;
      for (std::size_t i = 0; i < n; ++i)
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
              receiver_response r = co_await post_once(port, "/", body, wrong);
              if (r.result_int() == 401) ++unauthorized;
              if (++finished == n) io.stop();
            },
            asio::detached);
      io.restart();
      io.run_for(60s);
      // The receiver's end of each connection closes just after its answer went out.
      for (int i = 0; i < 500 && rx.stats().open_connections != 0; ++i) {
        io.restart();
        io.run_for(10ms);
      }
      return unauthorized;
    };
    CHECK(flood(1000) == 1000);  // warm-up: the allocator's pools reach their size
    const std::size_t rss = atoms_test::rss_kib();
    const std::size_t fds = atoms_test::open_fds();
    CHECK(flood(1000) == 1000);
    CHECK(flood(1000) == 1000);
    const std::size_t rss_after = atoms_test::rss_kib();
    CHECK(atoms_test::open_fds() == fds);
    CHECK(rx.stats().open_connections == 0);
    CHECK(rx.stats().bad_signature == 3000);
    CHECK(handled == 0);
    if (!atoms_test::sanitized) CHECK(rss_after <= rss + 2 * 1024);
    MESSAGE("RSS " << rss << " -> " << rss_after << " KiB after 2,000 more bad deliveries");
  }

  TEST_CASE("construction refuses an empty secret, a relative path and an empty handler") {
    asio::io_context io;
    auto h = [](atoms::webhook_event) -> asio::awaitable<void> { co_return; };
    CHECK_THROWS_AS(atoms::webhook_receiver(io.get_executor(), {}, h), std::invalid_argument);
    CHECK_THROWS_AS(atoms::webhook_receiver(io.get_executor(), {.secret = "s", .path = "hook"}, h),
                    std::invalid_argument);
    CHECK_THROWS_AS(atoms::webhook_receiver(io.get_executor(), {.secret = "s"}, nullptr),
                    std::invalid_argument);
  }
}
