// The product page's complete example as one flow, client against the emulator's own routes
// (no interceptor): an agent with a prompt and metrics, an audience, a campaign the emulator
// dials, the calls' analytics, and the cleanup in the order the service requires. And the
// example program itself, run as a process: it cleans up when a step in the middle fails.
#include "process.hpp"
#include "support.hpp"

#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>
#include <csignal>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
using atoms::testing::emulator;
using atoms_test::options_for;
using atoms_test::tuple;
using namespace std::chrono_literals;

namespace {

// The metrics the flow configures: one of each kind a value can take.
atoms::post_call_config flow_config() {
  return {.summary_prompt = "Summarize this sales call briefly.",
          .disposition_metrics = {{.identifier = "user_interested",
                                   .prompt = "Was the user interested? yes, no, or unclear",
                                   .type = atoms::metric_type::enumeration,
                                   .choices = {"yes", "no", "unclear"}},
                                  {.identifier = "user_name",
                                   .prompt = "What is the user's name? Return 'unknown' if not mentioned.",
                                   .type = atoms::metric_type::string},
                                  {.identifier = "callback_requested",
                                   .prompt = "Did the user ask to be called back?",
                                   .type = atoms::metric_type::boolean},
                                  {.identifier = "rating",
                                   .prompt = "How would the user rate the call, 1 to 5?",
                                   .type = atoms::metric_type::integer}}};
}

// Names a CSV must quote, and text beyond ASCII.
std::vector<atoms::audience_member> flow_members() {
  return {{.phone_number = "+14155550100", .first_name = "Zoë, \"Z\"", .last_name = "O'Brien"},
          {.phone_number = "+919876543210", .first_name = "東京", .last_name = "line\r\nbreak"},
          {.phone_number = "+442071838750"}};
}

// Sleeps on the coroutine's executor.
asio::awaitable<void> pause_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::deferred);
}

}  // namespace

TEST_SUITE("platform flow") {
  TEST_CASE("the complete example on the emulator: created, dialled, analysed, and cleaned up in order") {
    emulator emu;
    atoms_test::run(
        [&](asio::io_context& io) -> asio::awaitable<void> {
          atoms::client client{io.get_executor(), options_for(emu)};
          atoms::diagnostics diag;

          atoms::agent_create_request create_agent{.name = "Sales Agent", .description = "Testing metrics"};
          const std::string agent_id = co_await client.async_create_agent(create_agent, diag);
          CHECK(agent_id.size() == 24);
          const atoms::agent created = co_await client.async_get_agent(agent_id, diag);
          CHECK(created.name == "Sales Agent");

          // The prompt is a versioned field: published on the live branch, then served resolved.
          atoms::agent_config_update prompt{.global_prompt = "You are a sales agent. Get their name."};
          co_await client.async_update_agent_config(agent_id, prompt, diag);
          const atoms::agent prompted = co_await client.async_get_agent(agent_id, diag);
          const auto* resolved = prompted.raw.if_contains("_resolvedConfig");
          REQUIRE(resolved);
          REQUIRE(resolved->is_object());
          const auto* global = resolved->get_object().if_contains("globalPrompt");
          CHECK((global && *global == "You are a sales agent. Get their name."));
          atoms::agent_config_update nothing{};
          auto [nothing_ec] = co_await client.async_update_agent_config(agent_id, nothing, diag, tuple);
          CHECK(nothing_ec == atoms::errc::invalid_argument);

          const atoms::post_call_config config = flow_config();
          co_await client.async_set_post_call_config(agent_id, config, diag);

          atoms::audience_create_request create_audience{.name = "Test Audience", .members = flow_members()};
          const atoms::audience audience = co_await client.async_create_audience(create_audience, diag);
          CHECK(audience.name == "Test Audience");
          // The names come back as sent: the emulator parsed the multipart upload and the CSV.
          atoms::page_request all_members{.page = 1, .limit = 10};
          const atoms::audience_member_page members =
              co_await client.async_get_audience_members(audience.id, all_members, diag);
          REQUIRE(members.members.size() == 3);
          std::map<std::string, atoms::audience_member_record> by_number;
          for (const auto& m : members.members) by_number[m.phone_number] = m;
          for (const auto& want : flow_members()) {
            CAPTURE(want.phone_number);
            REQUIRE(by_number.count(want.phone_number) == 1);
            const auto& got = by_number[want.phone_number];
            CHECK(got.first_name.value_or("") == want.first_name.value_or(""));
            CHECK(got.last_name.value_or("") == want.last_name.value_or(""));
          }

          const std::vector<atoms::phone_number> numbers = co_await client.async_get_phone_numbers(diag);
          REQUIRE_FALSE(numbers.empty());
          atoms::campaign_create_request create_campaign{.name = "Analytics Test",
                                                         .agent_id = agent_id,
                                                         .audience_id = audience.id,
                                                         .phone_number_ids = {numbers.front().id}};
          const atoms::campaign campaign = co_await client.async_create_campaign(create_campaign, diag);
          CHECK(campaign.status == atoms::campaign_status::draft);
          CHECK(campaign.agent_id.value_or("") == agent_id);
          const atoms::campaign_start started = co_await client.async_start_campaign(campaign.id, diag);
          CHECK(started.campaign_id.value_or("") == campaign.id);

          // The service refuses to remove what a campaign holds: the agent (409), the audience (400).
          atoms::diagnostics refused;
          auto [agent_busy] = co_await client.async_delete_agent(agent_id, refused, tuple);
          CHECK(agent_busy == atoms::make_http_error(409));
          CHECK(refused.message.find("Analytics Test") != std::string::npos);
          auto [audience_busy] = co_await client.async_delete_audience(audience.id, refused, tuple);
          CHECK(audience_busy == atoms::make_http_error(400));

          // Polled until the emulator has dialled every member and analysed every call.
          atoms::campaign_details details;
          for (int i = 0; i < 200; ++i) {
            details = co_await client.async_get_campaign(campaign.id, diag);
            if (details.campaign.status == atoms::campaign_status::completed) break;
            co_await pause_for(50ms);
          }
          REQUIRE(details.campaign.status == atoms::campaign_status::completed);
          CHECK(details.metrics.total_participants.value_or(0) == 3);
          CHECK(details.metrics.contacts_connected.value_or(0) == 3);

          // One completed call per member, each with the configured metrics, typed as configured.
          atoms::call_range calls = client.calls({.campaign_ids = {campaign.id}});
          std::set<std::string> dialled;
          while (auto log = co_await calls.async_next()) {
            const atoms::call_details call = co_await client.async_get_call(log->call_id, diag);
            CAPTURE(call.call_id);
            CHECK(call.status == atoms::call_status::completed);
            CHECK((call.agent && call.agent->id == agent_id));
            CHECK_FALSE(call.transcript.empty());
            dialled.insert(call.to.value_or(""));
            REQUIRE(call.post_call_analytics);
            CHECK(call.post_call_analytics->summary.has_value());
            const auto& metrics = call.post_call_analytics->disposition_metrics;
            CHECK(metrics.size() == config.disposition_metrics.size());
            for (const auto& m : metrics) {
              CAPTURE(m.identifier);
              const atoms::disposition_metric::typed_value v = m.typed();
              if (m.identifier == "user_interested") {
                REQUIRE(std::holds_alternative<std::string>(v));
                const std::string choice = std::get<std::string>(v);
                CHECK((choice == "yes" || choice == "no" || choice == "unclear"));
              } else if (m.identifier == "user_name") {
                CHECK(std::holds_alternative<std::string>(v));
              } else if (m.identifier == "callback_requested") {
                CHECK(std::holds_alternative<bool>(v));
              } else if (m.identifier == "rating") {
                CHECK(std::holds_alternative<std::int64_t>(v));
              } else {
                FAIL("a metric that was not configured");
              }
              CHECK((m.confidence && *m.confidence >= 0 && *m.confidence <= 1));
            }
          }
          CHECK(dialled == std::set<std::string>{"+14155550100", "+919876543210", "+442071838750"});

          // Cleanup in the order the service requires.
          co_await client.async_delete_campaign(campaign.id, diag);
          co_await client.async_delete_audience(audience.id, diag);
          co_await client.async_delete_agent(agent_id, diag);
          atoms::agent_filter first_hundred{.limit = 100};
          const atoms::agent_page active = co_await client.async_get_agents(first_hundred, diag);
          CHECK(std::none_of(active.agents.begin(), active.agents.end(),
                             [&](const atoms::agent& a) { return a.id == agent_id; }));
          const std::vector<atoms::audience> audiences = co_await client.async_get_audiences(diag);
          CHECK(std::none_of(audiences.begin(), audiences.end(),
                             [&](const atoms::audience& a) { return a.id == audience.id; }));
        },
        60s);
  }

#ifdef ATOMS_SALES_EXAMPLE_BINARY
  TEST_CASE("examples/sales_call_analytics: runs to the end, and cleans up when a step in the middle fails") {
    namespace fs = std::filesystem;
    const fs::path ca = fs::temp_directory_path() / ("atoms-sales-ca-" + std::to_string(::getpid()) + ".pem");
    struct remove_on_exit {
      fs::path p;
      ~remove_on_exit() {
        std::error_code ignored;
        fs::remove(p, ignored);
      }
    } cleanup{ca};

    auto count = [](const emulator& emu, const std::string& method, const std::string& prefix) {
      std::size_t n = 0;
      for (const auto& r : emu.requests())
        if (r.method == method && r.target.rfind("/atoms/v1" + prefix, 0) == 0) ++n;
      return n;
    };
    // `interrupt`: SIGINT once the campaign has been started.
    auto run_example = [&](emulator& emu, std::string& out, std::string& err, bool interrupt = false) {
      std::ofstream(ca) << emu.ca_pem();
      atoms_test::child_process p(
          ATOMS_SALES_EXAMPLE_BINARY,
          {"--ca-file", ca.string(), "--timeout", "20", "+14155550100", "Test", "User"},
          {"SMALLEST_API_KEY=" + emu.api_key(), "SMALLEST_BASE_URL=" + emu.base_url()});
      if (interrupt) {
        const auto give_up = std::chrono::steady_clock::now() + 20s;
        while (count(emu, "POST", "/campaign/") == 0 && std::chrono::steady_clock::now() < give_up)
          std::this_thread::sleep_for(10ms);
        std::this_thread::sleep_for(300ms);
        p.signal(SIGINT);
      }
      out = p.read_stdout(30s);
      err = p.read_stderr(5s);
      return p.wait(10s);
    };

    SUBCASE("to the end") {
      emulator emu;
      std::string out, err;
      const auto status = run_example(emu, out, err);
      CAPTURE(out);
      CAPTURE(err);
      REQUIRE(status);
      CHECK(*status == 0);
      CHECK(out.find("Call Status: completed") != std::string::npos);
      CHECK(out.find("user_interested: ") != std::string::npos);
      CHECK(out.find("Confidence: ") != std::string::npos);
      CHECK(out.find("[AGENT]: ") != std::string::npos);
      CHECK(count(emu, "DELETE", "/campaign/") == 1);
      CHECK(count(emu, "DELETE", "/audience/") == 1);
      CHECK(count(emu, "DELETE", "/agent/") == 1);
    }
    SUBCASE("creating the campaign fails: the audience and the agent are removed") {
      emulator emu;
      emu.set_faults({.faults = {{.what = atoms::testing::fault::kind::status,
                                  .first = 1,
                                  .path_prefix = "/campaign",
                                  .status = 500}}});
      std::string out, err;
      const auto status = run_example(emu, out, err);
      CAPTURE(out);
      CAPTURE(err);
      REQUIRE(status);
      CHECK(*status == 1);
      CHECK(err.find("error: ") != std::string::npos);
      CHECK(count(emu, "POST", "/campaign") == 1);  // a create is never sent twice
      CHECK(count(emu, "DELETE", "/campaign/") == 0);
      CHECK(count(emu, "DELETE", "/audience/") == 1);
      CHECK(count(emu, "DELETE", "/agent/") == 1);
    }
    SUBCASE("interrupted while it waits for the analytics: everything it made is removed") {
      emulator emu({.analytics_delay = 60s});
      std::string out, err;
      const auto status = run_example(emu, out, err, true);
      CAPTURE(out);
      CAPTURE(err);
      REQUIRE(status);
      CHECK(*status == 1);
      CHECK(err.find("interrupted") != std::string::npos);
      CHECK(count(emu, "DELETE", "/campaign/") == 1);
      CHECK(count(emu, "DELETE", "/audience/") == 1);
      CHECK(count(emu, "DELETE", "/agent/") == 1);
    }
  }
#endif
}
