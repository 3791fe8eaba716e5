// Batch search, the post-call analytics configuration and recordings, end to end against the
// emulator.
#include "support.hpp"

#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
namespace fs = std::filesystem;
using atoms::testing::emulator;
using atoms::testing::recorded_request;
using atoms::testing::reply;
using atoms_test::options_for;
using namespace std::chrono_literals;

namespace {

using atoms_test::page_call;  // the product page's example call
using atoms_test::tuple;

// The search requests the emulator received, as the id lists they carried.
std::vector<std::vector<std::string>> searches(const emulator& emu) {
  std::vector<std::vector<std::string>> out;
  for (const auto& r : emu.requests()) {
    if (r.method != "POST" || r.target != "/atoms/v1/conversation/search") continue;
    std::vector<std::string> ids;
    const boost::json::value body = boost::json::parse(r.body);
    for (const auto& id : body.at("callIds").as_array()) ids.emplace_back(id.as_string());
    out.push_back(std::move(ids));
  }
  return out;
}

std::vector<std::string> ids_of(const atoms::search_result& r) {
  std::vector<std::string> ids;
  for (const auto& log : r.logs) ids.push_back(log.call_id);
  return ids;
}

// A file in the test's temporary directory, removed (with its ".part") when the test ends.
struct temp_file {
  fs::path path =
      fs::temp_directory_path() / ("atoms-test-" + std::to_string(std::random_device{}()) + ".mp3");
  ~temp_file() {
    std::error_code ec;
    fs::remove(path, ec);
    fs::remove(fs::path(path.string() + ".part"), ec);
  }
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_SUITE("search") {
  TEST_CASE("any number of ids: chunks of 100, results in the order asked, missing ids reported") {
    emulator emu({.calls = 260});
    const std::vector<std::string> known = emu.call_ids();
    REQUIRE(known.size() == 260);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      std::mt19937 rng(7);
      for (std::size_t n : {0u, 1u, 100u, 101u, 250u}) {
        CAPTURE(n);
        // Known ids in a shuffled order, with every tenth replaced by an unknown one.
        std::vector<std::string> ask(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(n));
        std::shuffle(ask.begin(), ask.end(), rng);
        std::vector<std::string> expect_found, expect_missing;
        for (std::size_t i = 0; i < ask.size(); ++i) {
          if (i % 10 == 9) ask[i] = "CALL-1700000000000-" + std::to_string(100000 + i);
          (i % 10 == 9 ? expect_missing : expect_found).push_back(ask[i]);
        }
        const std::size_t before = searches(emu).size();
        atoms::diagnostics diag;
        auto [ec, result] = co_await client.async_search_calls(ask, diag, tuple);
        REQUIRE_FALSE(ec);
        const auto sent = searches(emu);
        CHECK(sent.size() - before == (n + 99) / 100);
        std::vector<std::string> all_sent;
        for (std::size_t i = before; i < sent.size(); ++i) {
          CHECK(sent[i].size() <= 100);
          CHECK_FALSE(sent[i].empty());
          all_sent.insert(all_sent.end(), sent[i].begin(), sent[i].end());
        }
        std::sort(all_sent.begin(), all_sent.end());
        std::vector<std::string> asked_sorted = ask;
        std::sort(asked_sorted.begin(), asked_sorted.end());
        CHECK(all_sent == asked_sorted);  // every id sent, once
        CHECK(ids_of(result) == expect_found);
        CHECK(result.missing == expect_missing);
        CHECK(result.requested_count == static_cast<std::int64_t>(n));
        CHECK(result.total == static_cast<std::int64_t>(expect_found.size()));
        CHECK(diag.attempts == (n + 99) / 100);
      }
    });
  }

  TEST_CASE("a repeated id is asked for once; an empty id is refused before sending") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      const auto ids = emu.call_ids();
      std::vector<std::string> twice{ids[1], ids[0], ids[1]};
      atoms::search_result r = co_await client.async_search_calls(twice);
      CHECK(ids_of(r) == std::vector<std::string>{ids[1], ids[0]});
      CHECK(searches(emu).back() == std::vector<std::string>{ids[1], ids[0]});

      const std::size_t requests = emu.requests().size();
      atoms::diagnostics diag;
      std::vector<std::string> with_empty{ids[0], ""};
      auto [ec, none] = co_await client.async_search_calls(with_empty, diag, tuple);
      CHECK(ec == atoms::errc::invalid_argument);
      CHECK(diag.message.find("call_ids[1]") != std::string::npos);
      CHECK(emu.requests().size() == requests);
    });
  }

  TEST_CASE("a search (a read sent as POST) is sent again when its pooled connection was dead") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      const auto ids = emu.call_ids();
      std::vector<std::string> one{ids[0]};
      (void)co_await client.async_search_calls(one);  // one idle connection in the pool
      std::atomic<int> seen{0};
      emu.set_interceptor([&](const recorded_request&) -> std::optional<reply> {
        if (seen++ == 0) return reply{.act = reply::action::close};
        return std::nullopt;
      });
      atoms::diagnostics diag;
      auto [ec, r] = co_await client.async_search_calls(one, diag, tuple);
      CHECK_FALSE(ec);
      CHECK(diag.attempts == 2);
      CHECK(ids_of(r) == one);
    });
  }

  TEST_CASE("a failing chunk fails the search with its status and message") {
    emulator emu({.calls = 150});
    std::atomic<int> seen{0};
    emu.set_interceptor([&](const recorded_request& r) -> std::optional<reply> {
      if (r.target.find("/search") == std::string::npos || seen++ != 1) return std::nullopt;
      return reply{.status = 500, .body = R"({"status":false,"errors":["Internal server error"]})"};
    });
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;
      // Retries off: this is about the failure reaching the caller (retries: resilience_test).
      auto [ec, r] =
          co_await client.with_retry({.max_attempts = 1}).async_search_calls(emu.call_ids(), diag, tuple);
      CHECK(ec == atoms::condition::server_error);
      CHECK(diag.http_status == 500);
      CHECK(diag.message == "Internal server error");
      CHECK(r.logs.empty());
    });
  }

  TEST_CASE("cancelling a search of several chunks stops all of them and leaks no connection") {
    emulator emu({.calls = 300});
    emu.set_interceptor(
        [](const recorded_request&) { return std::optional<reply>(reply{.act = reply::action::stall}); });
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      using namespace asio::experimental::awaitable_operators;
      asio::steady_timer t(io);
      t.expires_after(300ms);
      auto first = co_await (client.async_search_calls(emu.call_ids(), asio::use_awaitable) ||
                             t.async_wait(asio::use_awaitable));
      CHECK(first.index() == 1);
      CHECK(client.open_connections() == 0);
      CHECK(searches(emu).size() == 3);  // all three chunks were in flight
    });
  }
}

TEST_SUITE("post-call config") {
  TEST_CASE("get reads the page's route; set validates, stores, and reads back") {
    emulator emu;
    const std::string agent = emu.agent_ids().at(1);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::post_call_config cfg = co_await client.async_get_post_call_config(agent);
      const auto stored = emu.post_call_config(agent).value();
      CHECK(cfg.disposition_metrics.size() == stored.at("dispositionMetrics").as_array().size());

      atoms::post_call_config next;
      next.summary_prompt = "Summarise the call in two sentences.";
      next.disposition_metrics = {{.identifier = "customer_interest",
                                   .prompt = "Is the customer interested?",
                                   .type = atoms::metric_type::enumeration,
                                   .choices = {"yes", "no", "maybe"}},
                                  {.identifier = "callback_time",
                                   .prompt = "When to call back?",
                                   .type = atoms::metric_type::datetime}};
      atoms::post_call_config written = co_await client.async_set_post_call_config(agent, next);
      CHECK(written.disposition_metrics.size() == 2);
      atoms::post_call_config read = co_await client.async_get_post_call_config(agent);
      REQUIRE(read.disposition_metrics.size() == 2);
      CHECK(read.disposition_metrics[0].identifier == "customer_interest");
      CHECK(read.disposition_metrics[0].type == atoms::metric_type::enumeration);
      CHECK(read.disposition_metrics[0].choices == std::vector<std::string>{"yes", "no", "maybe"});
      CHECK(read.disposition_metrics[1].type == atoms::metric_type::datetime);
      CHECK(read.summary_prompt == next.summary_prompt);

      // Refused before sending, with the metric and the rule named.
      const std::size_t requests = emu.requests().size();
      atoms::post_call_config bad = next;
      bad.disposition_metrics[1].identifier = "Callback Time";
      atoms::diagnostics diag;
      auto [ec, none] = co_await client.async_set_post_call_config(agent, bad, diag, tuple);
      CHECK(ec == atoms::errc::invalid_argument);
      CHECK(diag.message.find("dispositionMetrics[1]") != std::string::npos);
      CHECK(diag.message.find("^[a-z0-9_]+$") != std::string::npos);
      CHECK(emu.requests().size() == requests);
    });
  }

  TEST_CASE("an unknown agent is the service's error; bad ids are refused") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;
      auto [ec, cfg] = co_await client.async_get_post_call_config("000000000000000000000000", diag, tuple);
      CHECK(ec == atoms::condition::invalid_request);
      CHECK(diag.message == "No agent found");
      auto [ec2, cfg2] = co_await client.async_get_post_call_config("..", diag, tuple);
      CHECK(ec2 == atoms::errc::invalid_argument);
    });
  }

  TEST_CASE("where the page's route is missing (404), the OpenAPI document's routes are used") {
    emulator emu({.post_call_analytics_route = false});
    const std::string agent = emu.agent_ids().at(0);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;
      auto [ec, cfg] = co_await client.async_get_post_call_config(agent, diag, tuple);
      REQUIRE_FALSE(ec);
      const auto stored = emu.post_call_config(agent).value();
      CHECK(cfg.disposition_metrics.size() == stored.at("dispositionMetrics").as_array().size());
      CHECK(diag.attempts == 2);
      CHECK(diag.path == "/atoms/v1/agent/" + agent);

      atoms::post_call_config next;
      next.disposition_metrics = {{.identifier = "resolved",
                                   .prompt = "Was the issue resolved?",
                                   .type = atoms::metric_type::boolean}};
      auto [sec, written] = co_await client.async_set_post_call_config(agent, next, diag, tuple);
      const std::string said = atoms::describe(sec, diag);
      REQUIRE_MESSAGE(!sec, said);
      std::vector<std::string> routes;
      for (const auto& r : emu.requests()) routes.push_back(r.method + " " + r.target);
      const std::string base = "/atoms/v1/agent/" + agent;
      REQUIRE(routes.size() >= 4);
      CHECK(routes[routes.size() - 4] == "POST " + base + "/post-call-analytics");
      CHECK(routes[routes.size() - 3] == "GET " + base + "/branches");
      CHECK(routes[routes.size() - 2].rfind("PUT " + base + "/branches/", 0) == 0);
      CHECK(routes[routes.size() - 1].rfind("POST " + base + "/branches/", 0) == 0);

      atoms::post_call_config read = co_await client.async_get_post_call_config(agent);
      REQUIRE(read.disposition_metrics.size() == 1);
      CHECK(read.disposition_metrics[0].identifier == "resolved");
      CHECK(read.disposition_metrics[0].type == atoms::metric_type::boolean);
    });
  }
}

TEST_SUITE("recordings") {
  TEST_CASE("a recording URL points at the recording origin; a call without one is not_found") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      std::string url = co_await client.async_get_recording_url(page_call);
      CHECK(url.rfind(emu.recording_base_url() + "/recordings/", 0) == 0);
      atoms::diagnostics diag;
      auto [ec, none] = co_await client.async_get_recording_url("CALL-1700000000000-000000", diag, tuple);
      CHECK(ec == atoms::condition::not_found);
    });
  }

  TEST_CASE("a 50 MB recording streams to disk in bounded memory, without the key") {
    const std::uint64_t size = 50u << 20;
    emulator emu({.recording_size = size});
    temp_file file;
    atoms_test::run(
        [&](asio::io_context& io) -> asio::awaitable<void> {
          atoms::client client{io.get_executor(), options_for(emu)};
          const bool measured = !atoms_test::sanitized && atoms_test::reset_peak_rss();
          const std::size_t rss_before = atoms_test::rss_kib();
          atoms::diagnostics diag;
          auto [ec, bytes] = co_await client.async_download_recording(page_call, file.path, diag, tuple);
          const std::string said = atoms::describe(ec, diag);
          REQUIRE_MESSAGE(!ec, said);
          const std::size_t peak = atoms_test::peak_rss_kib();
          CHECK(bytes == size);
          CHECK(fs::file_size(file.path) == size);
          CHECK_FALSE(fs::exists(file.path.string() + ".part"));
          CHECK_FALSE(emu.recording_authorization_seen());
          CHECK(diag.path.find("Signature") == std::string::npos);
          if (measured) {
            // Client and emulator together: well under the recording's 50 MiB.
            // Signed: RSS may have shrunk since rss_before (pages returned to the system).
            CHECK(static_cast<long>(peak) - static_cast<long>(rss_before) < 16 * 1024);
          }
          std::ifstream in(file.path, std::ios::binary);
          for (std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{65536 * 3 + 17}, size - 4096}) {
            std::string got(4096, '\0');
            in.seekg(static_cast<std::streamoff>(offset));
            in.read(got.data(), 4096);
            CHECK(got == emulator::recording_bytes(page_call, offset, 4096));
          }
        },
        120s);
  }

  TEST_CASE("an expired URL is minted again once; a second 403 fails and leaves no file") {
    emulator emu;
    temp_file file;
    std::atomic<int> minted{0};
    // The first URL the API hands out has a broken signature: the origin answers 403.
    emu.set_interceptor([&](const recorded_request& r) -> std::optional<reply> {
      if (r.target.find("/download-url") == std::string::npos || minted++ > 0) return std::nullopt;
      std::string url = emu.recording_base_url() + "/recordings/" + page_call +
                        ".mp3?X-Amz-Expires=300&Expires=99999999999999&Signature=00";
      return reply{.body = R"({"status":true,"data":{"presignedUrl":")" + url + "\"}}"};
    });
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;
      auto [ec, bytes] = co_await client.async_download_recording(page_call, file.path, diag, tuple);
      const std::string said = atoms::describe(ec, diag);
      REQUIRE_MESSAGE(!ec, said);
      CHECK(minted == 2);
      CHECK(bytes == read_all(file.path).size());
      CHECK(read_all(file.path) == emulator::recording_bytes(page_call, 0, bytes));
    });

    // Every URL broken: the second 403 is the answer.
    minted = -1000;
    temp_file none;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      const std::size_t before = emu.recording_requests();
      atoms::diagnostics diag;
      auto [ec, bytes] = co_await client.async_download_recording(page_call, none.path, diag, tuple);
      CHECK(ec == atoms::condition::forbidden);
      CHECK(bytes == 0);
      CHECK(emu.recording_requests() - before == 2);
      CHECK_FALSE(fs::exists(none.path));
      CHECK_FALSE(fs::exists(none.path.string() + ".part"));
    });
  }

  TEST_CASE("an http recording URL is refused when the API is https") {
    emulator emu;
    emu.set_interceptor([&](const recorded_request& r) -> std::optional<reply> {
      if (r.target.find("/download-url") == std::string::npos) return std::nullopt;
      return reply{.body =
                       R"({"status":true,"data":{"presignedUrl":"http://127.0.0.1:9/r.mp3?Signature=s"}})"};
    });
    temp_file file;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;
      auto [ec, bytes] = co_await client.async_download_recording(page_call, file.path, diag, tuple);
      CHECK(ec == atoms::errc::unexpected_response);
      CHECK(diag.message.find("http://") != std::string::npos);
      CHECK(diag.message.find("Signature") == std::string::npos);
      CHECK_FALSE(fs::exists(file.path));
    });
  }
}
