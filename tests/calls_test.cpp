// Listing calls: the filter's query string, its checks, and async_get_calls end to end.
#include "support.hpp"

#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>

#include <chrono>
#include <set>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
using atoms::testing::emulator;
using namespace std::chrono_literals;
using atoms_test::options_for;

namespace {

std::string query(const atoms::call_filter& f) {
  std::string q, why;
  REQUIRE_MESSAGE(atoms::detail::call_query(f, q, why), why);
  return q;
}

std::string refusal(const atoms::call_filter& f) {
  std::string q, why;
  CHECK_FALSE(atoms::detail::call_query(f, q, why));
  return why;
}

}  // namespace

TEST_SUITE("calls") {
  TEST_CASE("every filter becomes its query parameter, exactly") {
    CHECK(query({}) == "");
    CHECK(query({.page = 2, .limit = 50}) == "page=2&limit=50");
    CHECK(query({.agent_ids = {"696ddd281ea16a73cb8aafbe", "696e655577e1d88ff54b4fbf"}}) ==
          "agentIds=696ddd281ea16a73cb8aafbe,696e655577e1d88ff54b4fbf");
    CHECK(query({.campaign_ids = {"696ddd2a04ff172dbd8eddad"}}) == "campaignIds=696ddd2a04ff172dbd8eddad");
    CHECK(query({.call_types = {atoms::call_type::telephony_outbound, atoms::call_type::webcall}}) ==
          "callTypes=telephony_outbound,webcall");
    CHECK(query({.statuses = {atoms::call_status::completed, atoms::call_status::no_answer}}) ==
          "statusFilter=completed,no_answer");
    CHECK(query({.disconnect_reasons = {atoms::disconnect_reason::user_hangup,
                                        atoms::disconnect_reason::timeout}}) ==
          "disconnectReasonFilter=user_hangup,timeout");
    CHECK(query({.call_attempts = {atoms::call_attempt::retry}}) == "callAttemptFilter=retry");
    CHECK(query({.durations = {atoms::duration_range::up_to_30s, atoms::duration_range::over_5m}}) ==
          "durationFilter=0-30,5%2B");
    CHECK(query({.sort_by = atoms::sort_field::call_duration, .order = atoms::sort_order::asc}) ==
          "sortBy=callDuration&sortOrder=asc");
    atoms::timestamp from = atoms::parse_iso8601("2026-01-15T10:30:00.000Z").value();
    atoms::timestamp to = atoms::parse_iso8601("2026-01-16T00:00:00.250Z").value();
    CHECK(query({.date_from = from, .date_to = to}) ==
          "dateFrom=2026-01-15T10%3A30%3A00.000Z&dateTo=2026-01-16T00%3A00%3A00.250Z");
    CHECK(query({.version_ids = {"v1", "v2"}}) == "versionFilter=v1,v2");
    CHECK(query({.search = "+916366821717"}) == "search=%2B916366821717");
    CHECK(query({.search = "a&b=c d"}) == "search=a%26b%3Dc%20d");
  }

  TEST_CASE("a filter the service would refuse or misread is refused before sending") {
    CHECK(refusal({.limit = 0}).find("limit") != std::string::npos);
    CHECK(refusal({.limit = 501}).find("500") != std::string::npos);
    CHECK(refusal({.page = 0}).find("page") != std::string::npos);
    CHECK(refusal({.agent_ids = {"a,b"}}).find("agent_ids") != std::string::npos);
    CHECK(refusal({.campaign_ids = {""}}).find("campaign_ids") != std::string::npos);
    CHECK(refusal({.statuses = {atoms::call_status::unknown}}).find("statuses") != std::string::npos);
    atoms::timestamp t = atoms::parse_iso8601("2026-01-15T10:30:00Z").value();
    CHECK(refusal({.date_from = t + 1ms, .date_to = t}).find("date_from") != std::string::npos);

    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;
      atoms::call_filter too_many{.limit = 501};
      auto [ec, page] = co_await client.async_get_calls(too_many, diag, asio::as_tuple(asio::deferred));
      CHECK(ec == atoms::errc::invalid_argument);
      CHECK(diag.message.find("limit") != std::string::npos);
      CHECK(emu.connections_accepted() == 0);
    });
  }

  TEST_CASE("get_calls lists a page with its pagination, and filters") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};

      // Filters are named locals: g++ 12 mishandles braced temporaries inside a co_await.
      atoms::call_filter defaults, everything{.limit = 500},
          completed{.limit = 500, .statuses = {atoms::call_status::completed}};
      atoms::call_page first = co_await client.async_get_calls(defaults);
      CHECK(first.logs.size() == 5);  // the service's default page size
      REQUIRE(first.pagination.total.has_value());
      CHECK(*first.pagination.total == static_cast<std::int64_t>(emu.call_ids().size()));
      CHECK(first.pagination.page == 1);
      CHECK(first.pagination.has_more == true);
      CHECK(emu.requests().back().target == "/atoms/v1/conversation");

      atoms::call_page all = co_await client.async_get_calls(everything);
      CHECK(all.logs.size() == emu.call_ids().size());
      CHECK(all.pagination.has_more == false);
      std::set<std::string> ids;
      for (const auto& log : all.logs) ids.insert(log.call_id);
      CHECK(ids.size() == all.logs.size());

      atoms::call_page done = co_await client.async_get_calls(completed);
      CHECK_FALSE(done.logs.empty());
      CHECK(done.logs.size() < all.logs.size());
      for (const auto& log : done.logs) CHECK(log.status == atoms::call_status::completed);
      CHECK(emu.requests().back().target == "/atoms/v1/conversation?limit=500&statusFilter=completed");

      atoms::call_filter by_id{.search = std::string("CALL-1768842587790-69eb58")};
      atoms::call_page found = co_await client.async_get_calls(by_id);
      REQUIRE(found.logs.size() == 1);
      CHECK(found.logs.front().call_id == "CALL-1768842587790-69eb58");
    });
  }

}  // TEST_SUITE
