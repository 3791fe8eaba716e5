// The analytics feed against the emulator over TLS and a webhook receiver on 127.0.0.1:
// pushes, duplicates, reconciliation of lost deliveries, the walk's boundary, faults, the
// bounded seen-set, failing handlers, and async_run's period and stop.
#include "support.hpp"

#include <smallest/atoms/analytics_feed.hpp>
#include <smallest/atoms/client.hpp>
#include <smallest/atoms/webhook_receiver.hpp>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

namespace {

const std::string feed_secret = "whsec-feed-test-7d2e";
const std::string feed_agent = "feedfeedfeedfeedfeed0001";

atoms::timestamp feed_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// An analytics-completed delivery, shaped as the document's WebhookEventAnalyticsCompleted.
std::string feed_delivery(const std::string& call_id) {
  return R"({"url":"https://example.com/atoms/webhook","description":"feed test","event":")" + feed_agent +
         R"(.analytics-completed","id":"d-)" + call_id + R"(","metadata":{"agentId":")" + feed_agent +
         R"(","eventType":"analytics-completed","conversationType":"telephonyOutbound","callId":")" +
         call_id +
         R"(","analytics":{"summary":"The customer asked for a callback.","dispositionMetrics":[)"
         R"({"identifier":"user_interested","value":"yes","confidence":0.9,"reasoning":"said so","dispositionMetricPrompt":"Interested?","dispositionMetricType":"ENUM"},)"
         R"({"identifier":"callback_count","value":7,"confidence":1,"reasoning":"counted","dispositionMetricPrompt":"How many?","dispositionMetricType":"INTEGER"}],)"
         R"("successMetrics":[{"identifier":"goal_met","value":true,"confidence":1,"reasoning":"r","dispositionMetricPrompt":"Goal?","dispositionMetricType":"BOOLEAN"}]},)"
         R"("callData":{"fromNumber":"+15550000001","toNumber":"+15550000002","callDuration":49.35,"callStatus":"completed","answerTime":"2026-11-24T10:00:00.000Z","endTime":"2026-11-24T10:00:49.350Z"}}})";
}

atoms::webhook_event feed_event(const std::string& call_id) {
  return boost::json::value_to<atoms::webhook_event>(boost::json::parse(feed_delivery(call_id)));
}

// A conversation record as the service stores it, for emulator::put_call.
boost::json::object feed_record(const std::string& call_id, atoms::timestamp updated, bool analysed,
                                const char* status = "completed") {
  boost::json::object o{{"_id", "db-" + call_id},
                        {"callId", call_id},
                        {"agentId", feed_agent},
                        {"status", status},
                        {"type", "telephony_outbound"},
                        {"duration", 42.5},
                        {"from", "+15550000001"},
                        {"to", "+15550000002"},
                        {"createdAt", atoms::format_iso8601(updated - 60s)},
                        {"updatedAt", atoms::format_iso8601(updated)}};
  if (analysed)
    o["postCallAnalytics"] =
        boost::json::object{{"summary", "Listed summary of " + call_id},
                            {"dispositionMetrics",
                             boost::json::array{boost::json::object{{"identifier", "user_interested"},
                                                                    {"value", "yes"},
                                                                    {"confidence", 0.9},
                                                                    {"dispositionMetricType", "ENUM"}},
                                                boost::json::object{{"identifier", "callback_count"},
                                                                    {"value", 7},
                                                                    {"confidence", 1},
                                                                    {"dispositionMetricType", "INTEGER"}}}}};
  return o;
}

using feed_response = bhttp::response<bhttp::string_body>;

// One signed POST to the receiver on a fresh connection; status 0 when the connection failed.
asio::awaitable<unsigned> feed_post(unsigned short port, std::string body) {
  boost::beast::tcp_stream s(co_await asio::this_coro::executor);
  s.expires_after(10s);
  auto [cec] = co_await s.async_connect({asio::ip::make_address("127.0.0.1"), port},
                                        asio::as_tuple(asio::use_awaitable));
  if (cec) co_return 0;
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/atoms/webhook", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::content_type, "application/json");
  req.set("X-Signature", atoms::webhook_signature(body, feed_secret));
  req.body() = std::move(body);
  req.keep_alive(false);
  req.prepare_payload();
  auto [wec, wn] = co_await bhttp::async_write(s, req, asio::as_tuple(asio::use_awaitable));
  if (wec) co_return 0;
  boost::beast::flat_buffer buf;
  feed_response res;
  auto [rec, rn] = co_await bhttp::async_read(s, buf, res, asio::as_tuple(asio::use_awaitable));
  co_return rec ? 0u : res.result_int();
}

// Waits (polling, up to `limit`) until `done()`; true if it came. (A std::function, not a
// template parameter: a lambda in a coroutine frame trips g++ 12's -Wsubobject-linkage in the
// unity build.)
asio::awaitable<bool> feed_until(std::function<bool()> done, std::chrono::milliseconds limit = 10s) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  for (auto end = std::chrono::steady_clock::now() + limit; !done();) {
    if (std::chrono::steady_clock::now() > end) co_return false;
    t.expires_after(5ms);
    co_await t.async_wait(asio::use_awaitable);
  }
  co_return true;
}

// What a handler saw.
struct feed_sink {
  std::mutex m;
  std::vector<atoms::analytics_item> items;
  std::map<std::string, int> times;

  atoms::analytics_feed::handler_type handler() {
    return [this](atoms::analytics_item a) -> asio::awaitable<void> {
      std::lock_guard lock(m);
      ++times[a.call_id];
      items.push_back(std::move(a));
      co_return;
    };
  }
  std::size_t size() {
    std::lock_guard lock(m);
    return items.size();
  }
  bool all_once() {
    std::lock_guard lock(m);
    for (auto& [id, n] : times)
      if (n != 1) return false;
    return true;
  }
  std::size_t from(atoms::analytics_source s) {
    std::lock_guard lock(m);
    std::size_t n = 0;
    for (auto& i : items) n += i.source == s;
    return n;
  }
};

atoms::analytics_feed_options feed_options() {
  return {.filter = {.agent_ids = {feed_agent}}, .staleness = 2s, .lookback = 1h, .page_size = 5};
}

std::size_t feed_list_requests(const atoms::testing::emulator& emu) {
  std::size_t n = 0;
  for (const auto& r : emu.requests()) n += r.target.rfind("/atoms/v1/conversation?", 0) == 0;
  return n;
}

}  // namespace

TEST_SUITE("analytics feed") {
  TEST_CASE("pushes through a webhook receiver: each delivery handed over, source push, metrics typed") {
    atoms::testing::emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
      feed_sink sink;
      atoms::analytics_feed feed(client, feed_options(), sink.handler());
      atoms::webhook_receiver rx(io.get_executor(), {.secret = feed_secret, .path = "/atoms/webhook"},
                                 feed.webhook_handler());
      const unsigned short port = rx.listen({asio::ip::make_address("127.0.0.1"), 0});
      for (int i = 0; i < 5; ++i) {
        const unsigned status = co_await feed_post(port, feed_delivery("CALL-PUSH-" + std::to_string(i)));
        CHECK(status == 200);
      }
      REQUIRE(co_await feed_until([&] { return sink.size() == 5; }));
      // The same delivery twice at once: both answered 200, handed over once.
      std::vector<unsigned> dup_status;
      for (int copy = 0; copy < 2; ++copy)
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
              dup_status.push_back(co_await feed_post(port, feed_delivery("CALL-PUSH-DUP")));
            },
            asio::detached);
      REQUIRE(co_await feed_until([&] { return dup_status.size() == 2 && sink.size() == 6; }));
      CHECK(dup_status == std::vector<unsigned>{200, 200});
      REQUIRE(co_await feed_until([&] { return feed.stats().duplicates_dropped == 1; }));
      CHECK(sink.size() == 6);
      CHECK(sink.all_once());
      CHECK(sink.from(atoms::analytics_source::push) == 6);
      const atoms::analytics_item& a = sink.items[0];
      CHECK(a.call_id == "CALL-PUSH-0");
      CHECK(a.agent_id == feed_agent);
      CHECK(!a.updated_at);
      CHECK(a.analytics.summary == "The customer asked for a callback.");
      REQUIRE(a.analytics.find("user_interested") != nullptr);
      CHECK(std::get<std::string>(a.analytics.find("user_interested")->typed()) == "yes");
      CHECK(std::get<std::int64_t>(a.analytics.find("callback_count")->typed()) == 7);
      REQUIRE(a.analytics.extra.contains("successMetrics"));
      const auto success = boost::json::value_to<std::vector<atoms::disposition_metric>>(
          a.analytics.extra.at("successMetrics"));
      REQUIRE(success.size() == 1);
      CHECK(std::get<bool>(success[0].typed()) == true);
      CHECK(atoms::to_string(a.source) == "push");
      const auto st = feed.stats();
      CHECK(st.pushed == 6);
      CHECK(st.reconciled == 0);
      CHECK(st.seen == 6);
      CHECK(st.in_flight == 0);
      CHECK(feed.seen().size() == 6);
      // Other events are not analytics: counted, not handed over.
      atoms::webhook_event pre = boost::json::value_to<atoms::webhook_event>(boost::json::parse(
          R"({"url":"u","description":"d","event":"a.pre-conversation","id":"1","metadata":{"agentId":"a","eventType":"pre-conversation","conversationType":"telephonyInbound","toPhone":"+1","fromPhone":"+2","callId":"CALL-PRE"}})"));
      CHECK(!(co_await feed.push(std::move(pre))));
      CHECK(feed.stats().ignored_events == 1);
      rx.stop();
    });
  }

  TEST_CASE("duplicated deliveries and a walk meeting the same calls at once, on 4 threads: each call once") {
    atoms::testing::emulator emu({.threads = 2});
    asio::io_context io;
    atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
    feed_sink sink;
    std::atomic<int> running{0}, most_running{0};
    auto slow = [&](atoms::analytics_item a) -> asio::awaitable<void> {
      const int now_running = ++running;
      for (int m = most_running; now_running > m && !most_running.compare_exchange_weak(m, now_running);) {
      }
      asio::steady_timer t(co_await asio::this_coro::executor, 2ms);
      co_await t.async_wait(asio::use_awaitable);  // still running when the duplicates come
      --running;
      co_await sink.handler()(std::move(a));
    };
    auto opts = feed_options();
    opts.max_in_flight = 8;
    atoms::analytics_feed feed(client, opts, slow);
    const auto now = feed_now();
    constexpr int calls = 40;
    for (int i = 0; i < calls; ++i)
      emu.put_call(feed_record("CALL-RACE-" + std::to_string(i), now - std::chrono::seconds(i + 1), true));
    std::atomic<int> pushes_done{0}, handed{0};
    for (int copy = 0; copy < 3; ++copy)
      for (int i = 0; i < calls; ++i)
        asio::co_spawn(
            io,
            [&, i]() -> asio::awaitable<void> {
              if (co_await feed.push(feed_event("CALL-RACE-" + std::to_string(i)))) ++handed;
              ++pushes_done;
            },
            asio::detached);
    bool walked = false;
    atoms::error_code walk_ec;
    feed.async_reconcile_once([&](atoms::error_code ec, atoms::analytics_walk) {
      walk_ec = ec;
      walked = true;
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back([&] { io.run_for(30s); });
    for (auto& t : threads) t.join();
    REQUIRE(walked);
    CHECK(!walk_ec);
    REQUIRE(pushes_done == 3 * calls);
    CHECK(sink.size() == calls);
    CHECK(sink.all_once());
    const auto st = feed.stats();
    CHECK(st.pushed + st.reconciled == calls);
    CHECK(static_cast<int>(st.pushed) == handed.load());
    CHECK(st.duplicates_dropped == 3 * calls - st.pushed);
    CHECK(most_running.load() <= 8);  // max_in_flight
    CHECK(most_running.load() >= 1);
    CHECK(st.in_flight == 0);
  }

  TEST_CASE("lost pushes are reconciled by a walk; pushed calls are not handed over again") {
    atoms::testing::emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
      feed_sink sink;
      atoms::analytics_feed feed(client, feed_options(), sink.handler());
      const auto now = feed_now();
      for (int i = 0; i < 8; ++i)
        emu.put_call(
            feed_record("CALL-LOST-" + std::to_string(i), now - std::chrono::seconds(10 * i + 5), true));
      for (int i = 0; i < 8; i += 2) CHECK(co_await feed.push(feed_event("CALL-LOST-" + std::to_string(i))));
      atoms::analytics_walk w = co_await feed.async_reconcile_once();
      CHECK(w.handed_over == 4);
      CHECK(w.already_seen == 4);
      CHECK(w.listed == 8);
      CHECK(sink.size() == 8);
      CHECK(sink.all_once());
      for (const auto& item : sink.items) {
        const int n = std::stoi(item.call_id.substr(std::string("CALL-LOST-").size()));
        CHECK(item.source ==
              (n % 2 == 0 ? atoms::analytics_source::push : atoms::analytics_source::reconciliation));
        if (item.source == atoms::analytics_source::reconciliation) {
          CHECK(item.agent_id == feed_agent);
          CHECK(item.analytics.summary == "Listed summary of " + item.call_id);
          CHECK(std::get<std::int64_t>(item.analytics.find("callback_count")->typed()) == 7);
        }
      }
      // A second walk, and a late duplicate delivery, change nothing.
      w = co_await feed.async_reconcile_once();
      CHECK(w.handed_over == 0);
      CHECK(w.already_seen == 8);
      CHECK(!(co_await feed.push(feed_event("CALL-LOST-1"))));
      CHECK(sink.size() == 8);
      const auto st = feed.stats();
      CHECK(st.pushed == 4);
      CHECK(st.reconciled == 4);
      CHECK(st.duplicates_dropped == 1);
      CHECK(st.walks == 2);
      CHECK(!st.last_walk_error);
    });
  }

  TEST_CASE(
      "a completed call without analytics waits for a later walk; other statuses are never handed over") {
    atoms::testing::emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
      feed_sink sink;
      atoms::analytics_feed feed(client, feed_options(), sink.handler());
      const auto now = feed_now();
      emu.put_call(feed_record("CALL-LATE", now - 30s, false));
      emu.put_call(feed_record("CALL-LIVE", now - 20s, true, "in_progress"));
      atoms::analytics_walk w = co_await feed.async_reconcile_once();
      CHECK(w.not_ready == 1);
      CHECK(w.handed_over == 0);
      CHECK(sink.size() == 0);
      emu.put_call(feed_record("CALL-LATE", now - 1s, true));  // the analytics arrive
      w = co_await feed.async_reconcile_once();
      CHECK(w.not_ready == 0);
      CHECK(w.handed_over == 1);
      REQUIRE(sink.size() == 1);
      CHECK(sink.items[0].call_id == "CALL-LATE");
      CHECK(sink.items[0].source == atoms::analytics_source::reconciliation);
    });
  }

  TEST_CASE("fetch_missing_details takes the analytics from the call's details when the listing lacks them") {
    atoms::testing::emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
      feed_sink sink;
      auto opts = feed_options();
      opts.fetch_missing_details = true;
      atoms::analytics_feed feed(client, opts, sink.handler());
      // The listing copies postCallAnalytics from the record, so to have a listing without them
      // an interceptor strips them from the list answers only.
      emu.put_call(feed_record("CALL-DETAILS", feed_now() - 5s, true));
      emu.set_interceptor([](const atoms::testing::recorded_request& r)
                              -> std::optional<atoms::testing::reply> {
        if (r.target.rfind("/atoms/v1/conversation?", 0) != 0) return std::nullopt;
        return atoms::testing::reply{
            .body =
                R"({"status":true,"data":{"logs":[{"_id":"db-CALL-DETAILS","callId":"CALL-DETAILS","status":"completed","agentId":")" +
                feed_agent +
                R"("}],"pagination":{"total":1,"page":1,"limit":5,"hasMore":false,"totalPages":1},"dispositionMetricsConfig":[]}})"};
      });
      atoms::analytics_walk w = co_await feed.async_reconcile_once();
      CHECK(w.handed_over == 1);
      REQUIRE(sink.size() == 1);
      CHECK(sink.items[0].analytics.summary == "Listed summary of CALL-DETAILS");
      emu.set_interceptor(nullptr);
    });
  }

  TEST_CASE("the walk ends at the lookback boundary: pages in proportion to recent calls, not history") {
    atoms::testing::emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
      const auto now = feed_now();
      for (int i = 0; i < 3; ++i)
        emu.put_call(feed_record("CALL-NEW-" + std::to_string(i), now - std::chrono::minutes(i + 1), true));
      for (int i = 0; i < 40; ++i)
        emu.put_call(feed_record("CALL-OLD-" + std::to_string(i), now - std::chrono::hours(48 + i), true));
      feed_sink sink;
      auto opts = feed_options();
      opts.page_size = 2;
      atoms::analytics_feed feed(client, opts, sink.handler());
      const std::size_t before = feed_list_requests(emu);
      atoms::analytics_walk w = co_await feed.async_reconcile_once();
      // Page 1: two new calls; page 2: the third and an old one; page 3: another old one. The
      // emulator lists createdAt only (as the document's item does), so a page's worth of old
      // calls in a row ends the walk.
      CHECK(feed_list_requests(emu) - before == 3);
      CHECK(w.pages == 3);
      CHECK(w.handed_over == 3);
      CHECK(sink.size() == 3);

      // A first walk with a backfill of a week takes the old ones too, and later walks are short again.
      feed_sink sink2;
      opts.backfill = std::chrono::hours(24 * 7);
      atoms::analytics_feed backfilling(client, opts, sink2.handler());
      w = co_await backfilling.async_reconcile_once();
      CHECK(w.handed_over == 43);
      CHECK(sink2.size() == 43);
      CHECK(sink2.all_once());
      const std::size_t mid = feed_list_requests(emu);
      w = co_await backfilling.async_reconcile_once();
      CHECK(w.handed_over == 0);
      CHECK(feed_list_requests(emu) - mid == 3);
    });
  }

  TEST_CASE("a walk that meets 503s records the error and the next one succeeds") {
    atoms::testing::emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
      emu.put_call(feed_record("CALL-FAULT", feed_now() - 5s, true));
      feed_sink sink;
      atoms::analytics_feed feed(client.with_retry({.max_attempts = 1}), feed_options(), sink.handler());
      emu.set_faults({.faults = {{.first = 1, .path_prefix = "/conversation", .status = 503}}});
      atoms::diagnostics diag;
      auto [ec, w] = co_await feed.async_reconcile_once(diag, atoms_test::tuple);
      CHECK(ec == atoms::condition::retryable);
      CHECK(diag.http_status == 503);
      CHECK(w.handed_over == 0);
      auto st = feed.stats();
      CHECK(st.failed_walks == 1);
      CHECK(st.walks == 0);
      CHECK(st.last_walk_error == ec);
      CHECK(st.last_walk_message.find(emu.api_key()) == std::string::npos);
      CHECK(sink.size() == 0);
      // The fault was for the first request only: the next walk goes through.
      w = co_await feed.async_reconcile_once();
      CHECK(w.handed_over == 1);
      st = feed.stats();
      CHECK(st.walks == 1);
      CHECK(!st.last_walk_error);
      CHECK(st.last_walk_message.empty());
      CHECK(sink.size() == 1);
    });
  }

  TEST_CASE("the seen-set stays within max_seen, forgotten ids do not come back, initial_seen is honoured") {
    atoms::testing::emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
      const auto now = feed_now();
      for (int i = 0; i < 8; ++i)
        emu.put_call(feed_record("CALL-SEEN-" + std::to_string(i), now - std::chrono::seconds(60 - i), true));
      std::size_t most_seen = 0;
      feed_sink sink;
      std::vector<std::string> persisted;
      auto opts = feed_options();
      opts.max_seen = 3;
      opts.max_in_flight = 1;
      opts.on_handled = [&persisted](const std::string& id) { persisted.push_back(id); };
      atoms::analytics_feed* self = nullptr;
      atoms::analytics_feed feed(client, opts, [&](atoms::analytics_item a) -> asio::awaitable<void> {
        most_seen = std::max(most_seen, self->stats().seen);
        co_await sink.handler()(std::move(a));
      });
      self = &feed;
      atoms::analytics_walk w = co_await feed.async_reconcile_once();
      CHECK(w.handed_over == 8);
      CHECK(most_seen <= 3);
      auto st = feed.stats();
      CHECK(st.seen == 3);
      CHECK(st.forgotten == 5);
      CHECK(persisted.size() == 8);
      // Handed over newest first (7 … 0): 2, 1, 0 remembered; 7, the newest forgotten, sets
      // the boundary (its createdAt: the listing has no updatedAt).
      CHECK(feed.seen() == std::vector<std::string>{"CALL-SEEN-2", "CALL-SEEN-1", "CALL-SEEN-0"});
      REQUIRE(st.forgotten_until);
      CHECK(*st.forgotten_until == now - std::chrono::seconds(60 - 7) - 60s);
      // Every call is still inside the lookback window, yet none comes again.
      w = co_await feed.async_reconcile_once();
      CHECK(w.handed_over == 0);
      CHECK(sink.size() == 8);
      CHECK(sink.all_once());

      // A new feed given the persisted ids hands over only the others.
      feed_sink sink2;
      auto opts2 = feed_options();
      opts2.initial_seen = {persisted.begin(), persisted.begin() + 5};
      atoms::analytics_feed again(client, opts2, sink2.handler());
      CHECK(again.stats().seen == 5);
      w = co_await again.async_reconcile_once();
      CHECK(w.handed_over == 3);
      CHECK(w.already_seen == 5);
      CHECK(!(co_await again.push(feed_event(persisted[0]))));
      for (const auto& item : sink2.items)
        CHECK(std::find(persisted.begin(), persisted.begin() + 5, item.call_id) == persisted.begin() + 5);
    });
  }

  TEST_CASE("a handler that throws is counted and its call handed over again by the next walk") {
    atoms::testing::emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
      emu.put_call(feed_record("CALL-THROWS", feed_now() - 5s, true));
      emu.put_call(feed_record("CALL-FINE", feed_now() - 6s, true));
      int attempts = 0;
      feed_sink sink;
      atoms::analytics_feed feed(client, feed_options(),
                                 [&](atoms::analytics_item a) -> asio::awaitable<void> {
                                   if (a.call_id == "CALL-THROWS" && ++attempts == 1)
                                     throw std::runtime_error("database down");
                                   co_await sink.handler()(std::move(a));
                                 });
      // A push whose handler throws returns true (it was handed over) and is counted.
      CHECK(co_await feed.push(feed_event("CALL-THROWS")));
      CHECK(feed.stats().handler_failures == 1);
      CHECK(feed.stats().seen == 0);
      atoms::analytics_walk w = co_await feed.async_reconcile_once();
      CHECK(w.handed_over == 2);
      CHECK(w.handler_failures == 0);
      CHECK(attempts == 2);
      REQUIRE(sink.size() == 2);
      CHECK(sink.all_once());
      CHECK(feed.stats().handler_failures == 1);
    });
  }

  TEST_CASE("async_run picks up a late call within its period; stop() and cancellation end it promptly") {
    atoms::testing::emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
      feed_sink sink;
      auto opts = feed_options();
      opts.staleness = 100ms;
      atoms::analytics_feed feed(client, opts, sink.handler());
      bool ended = false;
      atoms::error_code run_ec = asio::error::would_block;
      feed.async_run([&](atoms::error_code ec) {
        ended = true;
        run_ec = ec;
      });
      CHECK(!ended);  // never inline
      REQUIRE(co_await feed_until([&] { return feed.stats().walks >= 1; }));
      emu.put_call(feed_record("CALL-RUN-LATE", feed_now(), true));
      REQUIRE(co_await feed_until([&] { return sink.size() == 1; }));
      CHECK(sink.items[0].source == atoms::analytics_source::reconciliation);
      // A second run at once is refused.
      auto [twice] = co_await feed.async_run(atoms_test::tuple);
      CHECK(twice == atoms::errc::invalid_argument);
      feed.stop();
      REQUIRE(co_await feed_until([&] { return ended; }, 5s));
      CHECK(!run_ec);
      // After stop(), nothing more is handed over.
      CHECK(!(co_await feed.push(feed_event("CALL-AFTER-STOP"))));
      auto [late_ec, late_w] = co_await feed.async_reconcile_once(atoms_test::tuple);
      CHECK(late_ec == asio::error::operation_aborted);
      CHECK(sink.size() == 1);

      // Cancellation: a run whose walk is stalled by the service ends at once.
      atoms::analytics_feed other(client, opts, sink.handler());
      emu.set_faults(
          {.faults = {
               {.what = atoms::testing::fault::kind::stall, .every = 1, .path_prefix = "/conversation"}}});
      const std::size_t base = feed_list_requests(emu);
      asio::cancellation_signal cancel;
      bool other_ended = false;
      atoms::error_code other_ec;
      other.async_run(asio::bind_cancellation_slot(cancel.slot(), [&](atoms::error_code ec) {
        other_ended = true;
        other_ec = ec;
      }));
      REQUIRE(co_await feed_until([&] { return feed_list_requests(emu) > base; }));
      asio::steady_timer pause(io, 50ms);
      co_await pause.async_wait(asio::use_awaitable);
      CHECK(!other_ended);
      cancel.emit(asio::cancellation_type::terminal);
      REQUIRE(co_await feed_until([&] { return other_ended; }, 5s));
      CHECK(other_ec == asio::error::operation_aborted);
      emu.set_faults({});
    });
  }

  TEST_CASE("destroying a feed while its walk is stalled and a handler runs is safe") {
    atoms::testing::emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
      bool walk_done = false;
      atoms::error_code walk_ec;
      bool handler_done = false;
      {
        auto feed = std::make_unique<atoms::analytics_feed>(
            client, feed_options(), [&](atoms::analytics_item) -> asio::awaitable<void> {
              asio::steady_timer t(co_await asio::this_coro::executor, 50ms);
              co_await t.async_wait(asio::use_awaitable);
              handler_done = true;
            });
        asio::co_spawn(io, feed->push(feed_event("CALL-DESTROY")), asio::detached);
        emu.set_faults(
            {.faults = {
                 {.what = atoms::testing::fault::kind::stall, .every = 1, .path_prefix = "/conversation"}}});
        feed->async_reconcile_once([&](atoms::error_code ec, atoms::analytics_walk) {
          walk_done = true;
          walk_ec = ec;
        });
        REQUIRE(co_await feed_until([&] { return feed_list_requests(emu) > 0; }));
      }  // destroyed here
      REQUIRE(co_await feed_until([&] { return walk_done && handler_done; }, 5s));
      CHECK(walk_ec == asio::error::operation_aborted);
      emu.set_faults({});
    });
  }

  TEST_CASE("options are checked up front") {
    asio::io_context io;
    atoms::testing::emulator emu;
    atoms::client client{io.get_executor(), atoms_test::options_for(emu)};
    auto ok = [](atoms::analytics_item) -> asio::awaitable<void> { co_return; };
    auto with = [&](auto change) {
      auto o = feed_options();
      change(o);
      return o;
    };
    CHECK_THROWS_AS(atoms::analytics_feed(client, feed_options(), nullptr), std::invalid_argument);
    CHECK_THROWS_AS(atoms::analytics_feed(client, with([](auto& o) { o.page_size = 0; }), ok),
                    std::invalid_argument);
    CHECK_THROWS_AS(atoms::analytics_feed(client, with([](auto& o) { o.staleness = 0ms; }), ok),
                    std::invalid_argument);
    CHECK_THROWS_AS(atoms::analytics_feed(client, with([](auto& o) { o.lookback = 1s; }), ok),
                    std::invalid_argument);
    CHECK_THROWS_AS(atoms::analytics_feed(client, with([](auto& o) {
                                            o.max_seen = 4;
                                            o.max_in_flight = 5;
                                          }),
                                          ok),
                    std::invalid_argument);
    CHECK_THROWS_AS(atoms::analytics_feed(
                        client, with([](auto& o) { o.filter.sort_by = atoms::sort_field::created_at; }), ok),
                    std::invalid_argument);
    CHECK_THROWS_AS(atoms::analytics_feed(client, with([](auto& o) { o.filter.agent_ids = {""}; }), ok),
                    std::invalid_argument);
    CHECK_NOTHROW(atoms::analytics_feed(client, feed_options(), ok));
  }
}
