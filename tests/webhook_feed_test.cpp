// The whole path of issue 10 at once: a webhook made and subscribed through the client, the
// emulator signing and delivering analytics-completed events to a webhook_receiver on
// 127.0.0.1 while dropping and duplicating some, and the analytics feed behind the receiver
// handing every call's analytics over exactly once, the lost ones through reconciliation.
#include "support.hpp"

#include <smallest/atoms/analytics_feed.hpp>
#include <smallest/atoms/client.hpp>
#include <smallest/atoms/testing/emulator.hpp>
#include <smallest/atoms/webhook_receiver.hpp>

#include <doctest/doctest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace whf_test {

namespace asio = boost::asio;
namespace atoms = smallest::atoms;
using namespace std::chrono_literals;

// What the feed handed over, by call id.
struct whf_sink {
  std::mutex m;
  std::map<std::string, int> times;
  std::map<atoms::analytics_source, std::size_t> by_source;
  std::size_t typed_metrics = 0;

  atoms::analytics_feed::handler_type handler() {
    return [this](atoms::analytics_item a) -> asio::awaitable<void> {
      std::lock_guard lock(m);
      ++times[a.call_id];
      ++by_source[a.source];
      for (const atoms::disposition_metric& metric : a.analytics.disposition_metrics)
        if (metric.typed().index() != 0) ++typed_metrics;
      co_return;
    };
  }
};

// Polls `done()` every 5 ms for up to `limit`, without blocking the io_context.
// A std::function, not a template parameter: a lambda type in a coroutine frame trips
// -Wsubobject-linkage in the unity build (g++ 12).
asio::awaitable<bool> whf_until(std::function<bool()> done, std::chrono::milliseconds limit) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  for (const auto end = std::chrono::steady_clock::now() + limit; !done();) {
    if (std::chrono::steady_clock::now() > end) co_return false;
    t.expires_after(5ms);
    co_await t.async_wait(asio::deferred);
  }
  co_return true;
}

}  // namespace whf_test

TEST_SUITE("webhook feed") {
  using namespace whf_test;

  TEST_CASE("30% of deliveries dropped and 10% duplicated: every call's analytics handed over exactly once") {
    constexpr std::size_t calls = 200;
    atoms::testing::emulator emu({.threads = 2});
    std::string agent;  // a new one: no seeded calls of its own
    whf_sink sink;
    std::set<std::string> made;
    atoms::analytics_feed_stats fs;
    atoms::analytics_walk second_walk;

    atoms_test::run(
        [&](asio::io_context& io) -> asio::awaitable<void> {
          atoms::client c{io.get_executor(), atoms_test::options_for(emu)};
          // g++ 12: a temporary in a co_await expression is destroyed twice; name each argument.
          atoms::agent_create_request new_agent{.name = "Feed agent"};
          agent = co_await c.async_create_agent(new_agent);
          atoms::post_call_config metrics;
          metrics.disposition_metrics = {{.identifier = "interested",
                                          .prompt = "Is the customer interested?",
                                          .type = atoms::metric_type::enumeration,
                                          .choices = {"yes", "no"}},
                                         {.identifier = "callback",
                                          .prompt = "Did they ask for a call back?",
                                          .type = atoms::metric_type::boolean}};
          co_await c.async_set_post_call_config(agent, metrics);
          // The receiver needs the secret, and the webhook the receiver's URL: make the webhook
          // first, then point it at the receiver.
          atoms::webhook_create_request new_webhook{.endpoint = "http://127.0.0.1:1/not-yet",
                                                    .description = "feed"};
          const std::string id = co_await c.async_create_webhook(new_webhook);
          const std::string secret = co_await c.async_get_webhook_secret(id);

          atoms::analytics_feed_options feed_opts{.filter = {.agent_ids = {agent}}};
          atoms::analytics_feed feed(c, feed_opts, sink.handler());
          atoms::webhook_receiver rx(io.get_executor(), {.secret = secret, .path = "/atoms/webhook"},
                                     feed.webhook_handler());
          const unsigned short port = rx.listen({asio::ip::make_address("127.0.0.1"), 0});
          atoms::webhook_update to_receiver{.endpoint = "http://127.0.0.1:" + std::to_string(port) +
                                                        "/atoms/webhook"};
          co_await c.async_update_webhook(id, to_receiver);
          const std::vector<atoms::webhook_event_type> types{atoms::webhook_event_type::post_conversation,
                                                             atoms::webhook_event_type::analytics_completed};
          co_await c.async_set_webhook_subscriptions(agent, id, types);

          emu.set_delivery_faults({.drop = 0.3, .duplicate = 0.1, .seed = 20261124});
          for (std::size_t i = 0; i < calls; ++i) made.insert(emu.complete_call({.agent_id = agent}));
          // Every delivery answered (or dropped), and every pushed handler finished.
          const bool idle = co_await whf_until([&] { return emu.deliveries_pending() == 0; }, 60s);
          CHECK(idle);
          const bool handled = co_await whf_until([&] { return feed.stats().in_flight == 0; }, 10s);
          CHECK(handled);

          // What the deliveries lost, one walk finds; a second finds nothing new.
          const atoms::analytics_walk first = co_await feed.async_reconcile_once();
          CHECK(first.handed_over > 0);
          second_walk = co_await feed.async_reconcile_once();
          fs = feed.stats();
          rx.stop();
        },
        120s);

    REQUIRE(made.size() == calls);
    const atoms::testing::delivery_stats ds = emu.delivery_stats();
    CAPTURE(ds.scheduled);
    CAPTURE(ds.dropped);
    CAPTURE(ds.duplicated);
    // Two events per call; the shares are drawn per delivery.
    CHECK(ds.scheduled == 2 * calls);
    CHECK(ds.dropped > 0);
    CHECK(ds.duplicated > 0);
    CHECK(ds.failed == 0);
    CHECK(ds.corrupted == 0);

    // Exactly once, for exactly the calls made.
    std::set<std::string> got;
    for (const auto& entry : sink.times) {
      CAPTURE(entry.first);
      CHECK(entry.second == 1);
      got.insert(entry.first);
    }
    CHECK(got == made);
    CHECK(sink.typed_metrics == 2 * calls);  // both metrics, each typed as configured

    // Each call came once from one source: pushed when its analytics-completed delivery
    // arrived, reconciled when it was dropped. Duplicated deliveries were dropped by the feed;
    // post-conversation deliveries were ignored.
    CAPTURE(fs.pushed);
    CAPTURE(fs.reconciled);
    CHECK(fs.pushed + fs.reconciled == calls);
    CHECK(fs.pushed == sink.by_source[atoms::analytics_source::push]);
    CHECK(fs.reconciled == sink.by_source[atoms::analytics_source::reconciliation]);
    CHECK(fs.reconciled > 0);
    CHECK(fs.pushed > 0);
    CHECK(fs.duplicates_dropped > 0);
    CHECK(fs.handler_failures == 0);
    // The deliveries the feed saw: every one sent, twice for duplicates, minus the dropped.
    CHECK(fs.pushed + fs.duplicates_dropped + fs.ignored_events == ds.delivered);
    CHECK(second_walk.handed_over == 0);
    CHECK(second_walk.already_seen == calls);
  }
}
