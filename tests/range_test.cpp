// The lazy pagination range and bulk fetches, end to end against the emulator.
#include "support.hpp"

#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <set>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
using atoms::testing::emulator;
using atoms::testing::emulator_options;
using atoms::testing::recorded_request;
using atoms::testing::reply;
using atoms_test::options_for;
using namespace std::chrono_literals;

namespace {

using atoms_test::tuple;

// Every log the filter matches, in the service's order, fetched page by page directly.
asio::awaitable<std::vector<std::string>> listed_ids(atoms::client& client) {
  std::vector<std::string> ids;
  for (int page = 1;; ++page) {
    atoms::call_filter f{.page = page, .limit = 500};
    atoms::call_page p = co_await client.async_get_calls(f);
    for (const auto& log : p.logs) ids.push_back(log.call_id);
    if (p.pagination.has_more != true) break;
  }
  co_return ids;
}

// Walks `calls` to the end; fails the test on an error.
asio::awaitable<std::vector<std::string>> walk(atoms::call_range& calls) {
  std::vector<std::string> ids;
  for (;;) {
    atoms::diagnostics diag;
    auto [ec, log] = co_await calls.async_next(diag, tuple);
    const std::string said = atoms::describe(ec, diag);
    REQUIRE_MESSAGE(!ec, said);
    if (!log) break;
    ids.push_back(log->call_id);
  }
  co_return ids;
}

std::size_t list_requests(const emulator& emu) {
  std::size_t n = 0;
  for (const auto& r : emu.requests())
    if (r.target.rfind("/atoms/v1/conversation?", 0) == 0 && r.method == "GET") ++n;
  return n;
}

bool asked_for(const emulator& emu, const std::string& query) {
  for (const auto& r : emu.requests())
    if (r.target == "/atoms/v1/conversation?" + query) return true;
  return false;
}

asio::awaitable<void> sleep_for(asio::io_context& io, std::chrono::milliseconds d) {
  asio::steady_timer t(io);
  t.expires_after(d);
  co_await t.async_wait(asio::use_awaitable);
}

}  // namespace

TEST_SUITE("range") {
  TEST_CASE("1,234 logs in pages of 100: each exactly once, in the service's order") {
    emulator emu({.calls = 1234});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      const std::vector<std::string> expected = co_await listed_ids(client);
      REQUIRE(expected.size() == 1234);
      const std::size_t before = list_requests(emu);

      auto calls = client.calls({}, {.page_size = 100});
      CHECK(list_requests(emu) == before);  // nothing until advanced
      const std::vector<std::string> got = co_await walk(calls);
      CHECK(got == expected);
      CHECK(calls.yielded() == 1234);
      CHECK(calls.pages_fetched() == 13);
      CHECK(calls.duplicates_dropped() == 0);
      CHECK(list_requests(emu) - before == 13);
      CHECK(client.open_connections() <= 2);

      // Page-wise, mixed with item-wise: the rest of a page, then whole pages.
      auto pages = client.calls({}, {.page_size = 500});
      std::optional<atoms::call_log> first = co_await pages.async_next();
      REQUIRE(first);
      std::vector<std::string> all{first->call_id};
      while (auto page = co_await pages.async_next_page()) {
        CHECK_FALSE(page->empty());
        for (const auto& log : *page) all.push_back(log.call_id);
      }
      CHECK(all == expected);
    });
  }

  TEST_CASE("calls moving between pages during the walk are never yielded twice, and the drops are counted") {
    emulator emu({.calls = 600, .touch_per_list = 7});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      const std::size_t listed_before = emu.logs_listed();
      auto calls = client.calls({}, {.page_size = 50});
      const std::vector<std::string> got = co_await walk(calls);
      const std::set<std::string> distinct(got.begin(), got.end());
      CHECK(distinct.size() == got.size());
      CHECK(calls.duplicates_dropped() > 0);  // the touches did shift the pages
      CHECK(calls.duplicates_dropped() == emu.logs_listed() - listed_before - got.size());

      // With deduplication off, the same kind of walk does see calls twice.
      auto raw = client.calls({}, {.page_size = 50, .deduplicate = false});
      const std::vector<std::string> again = co_await walk(raw);
      CHECK(std::set<std::string>(again.begin(), again.end()).size() < again.size());
    });
  }

  TEST_CASE("a service that lies about its pages never makes the walk loop") {
    using lie = atoms::testing::pagination_lie;
    for (lie l : {lie::more_after_end, lie::page_stuck, lie::total_shrinks}) {
      CAPTURE(static_cast<int>(l));
      emulator emu({.calls = 120, .pagination_lie = l});
      atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
        atoms::client client{io.get_executor(), options_for(emu)};
        auto calls = client.calls({}, {.page_size = 25});
        std::size_t items = 0, errors = 0;
        for (int step = 0; step < 10'000; ++step) {
          atoms::diagnostics diag;
          auto [ec, log] = co_await calls.async_next(diag, tuple);
          if (ec) {
            CHECK(ec == atoms::errc::unexpected_response);
            CHECK_FALSE(diag.message.empty());
            ++errors;
            continue;
          }
          if (!log) break;
          ++items;
        }
        CHECK(errors == 1);
        CHECK(items <= 120);
        CHECK(list_requests(emu) <= 120 / 25 + 3);
        auto [ec, after] = co_await calls.async_next(tuple);
        CHECK_FALSE(ec);
        CHECK_FALSE(after);
      });
    }
  }

  TEST_CASE("a failed page surfaces from async_next and the walk resumes with that page") {
    emulator emu({.calls = 300});
    std::atomic<int> failures{0};
    emu.set_interceptor([&](const recorded_request& r) -> std::optional<reply> {
      if (r.target.find("page=2&") == std::string::npos || failures++ != 0) return std::nullopt;
      return reply{.status = 503, .body = R"({"status":false,"errors":["Service unavailable"]})"};
    });
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.retry.max_attempts = 1;  // the failure must reach the walker
      atoms::client client{io.get_executor(), opts};
      auto calls = client.calls({}, {.page_size = 100});
      std::set<std::string> ids;
      std::size_t errors = 0;
      for (;;) {
        atoms::diagnostics diag;
        auto [ec, log] = co_await calls.async_next(diag, tuple);
        if (ec) {
          CHECK(ec == atoms::condition::server_error);
          CHECK(diag.message == "Service unavailable");
          ++errors;
          continue;
        }
        if (!log) break;
        ids.insert(log->call_id);
      }
      CHECK(errors == 1);
      CHECK(ids.size() == 300);
    });
  }

  TEST_CASE("prefetch asks for page n+1 while the caller is still on page n") {
    emulator emu({.calls = 250});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      auto calls = client.calls({}, {.page_size = 100});
      auto first = co_await calls.async_next();
      REQUIRE(first);
      for (int i = 0; i < 200 && !asked_for(emu, "page=2&limit=100"); ++i) co_await sleep_for(io, 5ms);
      CHECK(asked_for(emu, "page=2&limit=100"));        // only item 1 of 100 consumed so far
      CHECK_FALSE(asked_for(emu, "page=3&limit=100"));  // never more than one page ahead

      auto lazy = client.calls({}, {.page_size = 100, .prefetch = false});
      const std::size_t before = list_requests(emu);
      (void)co_await lazy.async_next();
      co_await sleep_for(io, 100ms);
      CHECK(list_requests(emu) - before == 1);
    });
  }

  TEST_CASE("max_items stops early, without asking for pages it does not need") {
    emulator emu({.calls = 1000});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      const std::size_t before = list_requests(emu);
      auto calls = client.calls({}, {.page_size = 100, .max_items = 250});
      const auto got = co_await walk(calls);
      CHECK(got.size() == 250);
      co_await sleep_for(io, 50ms);
      CHECK(list_requests(emu) - before == 3);
    });
  }

  TEST_CASE("keep filters each log before it is yielded; stop ends the walk without asking for more pages") {
    emulator emu({.calls = 1000});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      auto everything = client.calls({}, {.page_size = 100});
      std::vector<atoms::call_log> all;
      while (auto log = co_await everything.async_next()) all.push_back(std::move(*log));
      REQUIRE(all.size() == 1000);

      // keep: the completed calls only, max_items counting those kept.
      std::size_t completed = 0;
      for (const auto& log : all) completed += log.status == atoms::call_status::completed;
      auto kept = client.calls({}, {.page_size = 100, .keep = [](const atoms::call_log& l) {
                                      return l.status == atoms::call_status::completed;
                                    }});
      std::size_t got = 0;
      while (auto log = co_await kept.async_next()) {
        CHECK(log->status == atoms::call_status::completed);
        ++got;
      }
      CHECK(got == completed);
      CHECK(kept.filtered_out() == 1000 - completed);
      CHECK(kept.total_reported() == 1000);
      auto first_ten =
          client.calls({}, {.page_size = 100, .max_items = 10, .keep = [](const atoms::call_log& l) {
                              return l.status == atoms::call_status::completed;
                            }});
      CHECK((co_await walk(first_ten)).size() == 10);

      // stop: at the 250th log of the order, in page 3; no page 4 is asked for.
      const std::string at = all[249].call_id;
      const std::size_t before = list_requests(emu);
      auto stopped = client.calls(
          {}, {.page_size = 100, .stop = [at](const atoms::call_log& l) { return l.call_id == at; }});
      const auto head = co_await walk(stopped);
      REQUIRE(head.size() == 249);
      CHECK(head.back() == all[248].call_id);
      co_await sleep_for(io, 50ms);
      CHECK(list_requests(emu) - before == 3);

      // Both through the details pipeline: details only for what is kept, before the stop.
      const std::size_t details_before = emu.requests().size();
      auto details = client.calls_with_details(
          {}, {.page_size = 100,
               .keep = [](const atoms::call_log& l) { return l.status == atoms::call_status::completed; },
               .stop = [at](const atoms::call_log& l) { return l.call_id == at; }});
      std::size_t fetched = 0;
      while (auto r = co_await details.async_next()) {
        CHECK(!r->ec);
        ++fetched;
      }
      std::size_t expected = 0;
      for (std::size_t i = 0; i < 249; ++i) expected += all[i].status == atoms::call_status::completed;
      CHECK(fetched == expected);
      CHECK(emu.requests().size() - details_before == expected + 3);
    });
  }

  TEST_CASE("cancelling a pending async_next, or destroying the range, stops cleanly") {
    emulator emu({.calls = 300, .latency = 300ms});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      using namespace asio::experimental::awaitable_operators;
      {
        auto calls = client.calls({}, {.page_size = 100});
        asio::steady_timer t(io);
        t.expires_after(50ms);
        auto first = co_await (calls.async_next(asio::use_awaitable) || t.async_wait(asio::use_awaitable));
        CHECK(first.index() == 1);
        // The page being fetched still arrives, for the next call.
        std::optional<atoms::call_log> log = co_await calls.async_next();
        CHECK(log);
        const auto rest = co_await walk(calls);
        CHECK(rest.size() == 299);
      }
      {
        // Destroyed while its page is being fetched: the pending operation ends aborted.
        std::optional<atoms::call_range> calls = client.calls({}, {.page_size = 100});
        asio::steady_timer done(io, asio::steady_timer::time_point::max());
        atoms::error_code got;
        calls->async_next([&](atoms::error_code ec, std::optional<atoms::call_log>) {
          got = ec;
          done.cancel();
        });
        co_await sleep_for(io, 50ms);
        calls.reset();
        (void)co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
        CHECK(got == asio::error::operation_aborted);
        for (int i = 0; i < 100 && client.open_connections() != 0; ++i) co_await sleep_for(io, 5ms);
        CHECK(client.open_connections() == 0);
      }
    });
  }

  TEST_CASE("one operation at a time; bad options fail the first operation") {
    emulator emu({.latency = 100ms});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      auto calls = client.calls({});
      asio::steady_timer done(io, asio::steady_timer::time_point::max());
      atoms::error_code first = asio::error::would_block;
      calls.async_next([&](atoms::error_code ec, std::optional<atoms::call_log>) {
        first = ec;
        done.cancel();
      });
      auto [second, none] = co_await calls.async_next(tuple);  // started while the first is pending
      CHECK(second == atoms::errc::invalid_argument);
      (void)co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
      CHECK_FALSE(first);

      auto bad = client.calls({}, {.page_size = 501});
      atoms::diagnostics diag;
      auto [ec, log] = co_await bad.async_next(diag, tuple);
      CHECK(ec == atoms::errc::invalid_argument);
      CHECK(diag.message.find("page_size") != std::string::npos);
      atoms::call_filter refused{.agent_ids = {""}};
      auto bad_filter = client.calls(refused);
      auto [ec2, log2] = co_await bad_filter.async_next(tuple);
      CHECK(ec2 == atoms::errc::invalid_argument);
    });
  }
}

TEST_SUITE("bulk") {
  TEST_CASE("details of many calls, one result per id in order, a missing id failing alone") {
    emulator emu({.calls = 40, .latency = 50ms});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      std::vector<std::string> ids = emu.call_ids();
      ids.insert(ids.begin() + 7, "CALL-1700000000000-000000");
      emu.reset_max_concurrent_requests();
      atoms::bulk_options opts{.concurrency = 4};
      auto [ec, results] = co_await client.async_get_calls_details(ids, opts, tuple);
      CHECK_FALSE(ec);
      REQUIRE(results.size() == ids.size());
      for (std::size_t i = 0; i < ids.size(); ++i) {
        CHECK(results[i].call_id == ids[i]);
        if (i == 7) {
          CHECK(results[i].ec == atoms::condition::not_found);
        } else {
          CHECK_FALSE(results[i].ec);
          CHECK(results[i].details.call_id == ids[i]);
        }
      }
      CHECK(emu.max_concurrent_requests() == 4);
      CHECK(client.open_connections() <= 4);

      std::vector<std::string> bad{ids[0], ".."};
      auto [ec2, r2] = co_await client.async_get_calls_details(bad, opts, tuple);
      CHECK(ec2 == atoms::errc::invalid_argument);
      REQUIRE(r2.size() == 2);
      CHECK(r2[1].diag.message.find("call_ids[1]") != std::string::npos);
    });
  }
}

TEST_SUITE("bulk") {
  TEST_CASE("the export pipeline yields every call's details in the walk's order, a failure in its place") {
    emulator emu({.calls = 300, .latency = 10ms});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      const std::vector<std::string> expected = co_await listed_ids(client);
      const std::string gone = expected.at(123);
      emu.set_interceptor([&](const recorded_request& r) -> std::optional<reply> {
        if (r.target != "/atoms/v1/conversation/" + gone) return std::nullopt;
        return reply{.status = 404, .body = R"({"status":false,"errors":["Conversation log not found"]})"};
      });
      emu.reset_max_concurrent_requests();
      auto details = client.calls_with_details({}, {.page_size = 100}, {.concurrency = 8});
      std::vector<std::string> got;
      for (;;) {
        atoms::diagnostics diag;
        auto [ec, r] = co_await details.async_next(diag, tuple);
        const std::string said = atoms::describe(ec, diag);
        REQUIRE_MESSAGE(!ec, said);
        if (!r) break;
        got.push_back(r->call_id);
        if (r->call_id == gone) {
          CHECK(r->ec == atoms::condition::not_found);
        } else {
          CHECK_FALSE(r->ec);
          CHECK(r->details.call_id == r->call_id);
        }
      }
      CHECK(got == expected);
      CHECK(emu.max_concurrent_requests() <= 9);  // 8 details and one page
      CHECK(emu.max_concurrent_requests() >= 4);  // the window did overlap
      CHECK(details.logs().pages_fetched() == 3);
    });
  }

  TEST_CASE("destroying the export pipeline mid-flight cancels its fetches") {
    emulator emu({.calls = 100, .latency = 300ms});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      std::optional<atoms::call_details_range> details =
          client.calls_with_details({}, {}, {.concurrency = 4});
      asio::steady_timer done(io, asio::steady_timer::time_point::max());
      atoms::error_code got;
      details->async_next([&](atoms::error_code ec, std::optional<atoms::call_result>) {
        got = ec;
        done.cancel();
      });
      co_await sleep_for(io, 400ms);  // the page has come; details are in flight
      details.reset();
      (void)co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
      CHECK(got == asio::error::operation_aborted);
      for (int i = 0; i < 100 && client.open_connections() != 0; ++i) co_await sleep_for(io, 5ms);
      CHECK(client.open_connections() == 0);
    });
  }
}
