// Faults, end to end: the emulator misbehaves as services, proxies and networks do
// (emulator_options::faults), and each ends in success or in the right error within its
// deadline, with its connections accounted for. The README's fault table is this file.
#include "support.hpp"

#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
using atoms::testing::emulator;
using atoms::testing::fault;
using atoms::testing::fault_plan;
using atoms_test::quick_retries;
using namespace std::chrono_literals;

namespace {

using atoms_test::tuple;
using clock_type = std::chrono::steady_clock;

// One fault for the first `n` requests of /conversation.
fault first_n(fault::kind k, std::size_t n) {
  return fault{.what = k, .first = n, .path_prefix = "/conversation"};
}

// The outcome of one async_get_call against `emu` with `opts`.
struct outcome {
  atoms::error_code ec;
  atoms::diagnostics diag;
  atoms::call_details call;
  clock_type::duration took{};
  std::size_t open_after = 0;
};

outcome get_call(const emulator& emu, const atoms::client_options& opts) {
  outcome o;
  atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
    atoms::client client{io.get_executor(), opts};
    const auto start = clock_type::now();
    auto [ec, d] = co_await client.async_get_call(emu.call_ids().front(), o.diag, tuple);
    o.took = clock_type::now() - start;
    o.ec = ec;
    o.call = std::move(d);
    o.open_after = client.open_connections();
  });
  return o;
}

}  // namespace

TEST_SUITE("faults") {
  TEST_CASE("429 then 503, each with Retry-After: success on the third attempt, after both waits") {
    emulator emu(
        {.faults = {
             .faults = {
                 fault{.first = 1, .path_prefix = "/conversation", .status = 429, .retry_after = "1"},
                 fault{.first = 1, .path_prefix = "/conversation", .status = 503, .retry_after = "1"}}}});
    const outcome o = get_call(emu, quick_retries(emu));
    CHECK_FALSE(o.ec);
    CHECK(o.call.call_id == emu.call_ids().front());
    CHECK(o.diag.attempts == 3);
    CHECK(emu.faults_injected() == 2);
    CHECK(emu.requests_served() == 3);
    CHECK(o.took >= 1900ms);  // the service's two seconds, not our 20 + 40 ms
  }

  TEST_CASE("the document's 429 body (rateLimit.retryAfterSec) and X-RateLimit-Reset are honoured") {
    emulator emu(
        {.faults = {
             .faults = {
                 fault{.first = 1, .path_prefix = "/conversation", .status = 429, .body_retry_after_sec = 1},
                 fault{
                     .first = 1, .path_prefix = "/conversation", .status = 429, .rate_limit_reset = "1"}}}});
    const outcome o = get_call(emu, quick_retries(emu));
    CHECK_FALSE(o.ec);
    CHECK(o.diag.attempts == 3);
    CHECK(emu.faults_injected() == 2);
    CHECK(o.took >= 1900ms);
  }

  TEST_CASE("a connection reset in the middle of the body: a read is sent again and succeeds") {
    emulator emu({.faults = {.faults = {first_n(fault::kind::reset_mid_body, 1)}}});
    const outcome o = get_call(emu, quick_retries(emu));
    CHECK_FALSE(o.ec);
    CHECK(o.diag.attempts == 2);
    CHECK(emu.faults_injected() == 1);
    CHECK(o.open_after == 1);  // the reset one closed, the good one pooled
  }

  TEST_CASE("a body shorter than its Content-Length, then close: retried; every time: a clear error") {
    SUBCASE("once") {
      emulator emu({.faults = {.faults = {first_n(fault::kind::short_body, 1)}}});
      const outcome o = get_call(emu, quick_retries(emu));
      CHECK_FALSE(o.ec);
      CHECK(o.diag.attempts == 2);
    }
    SUBCASE("always") {
      emulator emu({.faults = {.faults = {fault{.what = fault::kind::short_body, .every = 1}}}});
      const outcome o = get_call(emu, quick_retries(emu));
      CHECK(o.ec == boost::beast::http::error::partial_message);
      CHECK(o.ec == atoms::condition::retryable);
      CHECK(o.diag.attempts == 3);
      CHECK(o.diag.retry_note == "retry.max_attempts (3) reached");
      CHECK(o.open_after == 0);
    }
  }

  TEST_CASE("malformed JSON with status 200: a decode error, not retried, with an excerpt") {
    emulator emu({.faults = {.faults = {fault{.what = fault::kind::malformed_json, .every = 1}}}});
    const outcome o = get_call(emu, quick_retries(emu));
    CHECK(o.ec == atoms::errc::decode_error);
    CHECK(o.diag.attempts == 1);
    CHECK(o.diag.http_status == 200);
    CHECK(o.diag.message.find("not valid JSON") != std::string::npos);
    CHECK_FALSE(o.diag.body_excerpt.empty());
    CHECK(o.diag.retry_note.find("not transient") != std::string::npos);
  }

  TEST_CASE("an answer slower than request_timeout: abandoned, retried, and bounded by the deadline") {
    SUBCASE("slow once") {
      emulator emu({.faults = {.faults = {fault{.what = fault::kind::slow, .first = 1, .delay = 3s}}}});
      auto opts = quick_retries(emu);
      opts.request_timeout = 300ms;
      const outcome o = get_call(emu, opts);
      CHECK_FALSE(o.ec);
      CHECK(o.diag.attempts == 2);
      CHECK(o.took < 2s);
    }
    SUBCASE("never answers") {
      emulator emu({.faults = {.faults = {fault{.what = fault::kind::stall, .every = 1}}}});
      auto opts = quick_retries(emu);
      opts.request_timeout = 300ms;
      opts.retry.deadline = 700ms;
      const outcome o = get_call(emu, opts);
      CHECK(o.ec == atoms::errc::timeout);
      CHECK(o.diag.attempts >= 2);
      CHECK(o.took < 2s);
      CHECK(o.open_after == 0);
    }
  }

  TEST_CASE("a connection closed without an answer: a read is sent again") {
    emulator emu({.faults = {.faults = {first_n(fault::kind::close, 2)}}});
    const outcome o = get_call(emu, quick_retries(emu));
    CHECK_FALSE(o.ec);
    CHECK(o.diag.attempts == 3);
    CHECK(emu.faults_injected() == 2);
  }

  TEST_CASE("keep-alive closed by the server after N requests: new connections, no failure, no retry") {
    emulator emu({.faults = {.max_requests_per_connection = 2}});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), quick_retries(emu)};
      for (int i = 0; i < 10; ++i) {
        atoms::diagnostics diag;
        auto [ec, d] = co_await client.async_get_call(emu.call_ids().front(), diag, tuple);
        CHECK_FALSE(ec);
        CHECK(diag.attempts == 1);
      }
    });
    CHECK(emu.connections_accepted() == 5);
  }

  TEST_CASE("chunked answers decode as the same calls") {
    emulator plain_emu;
    emulator chunked_emu({.faults = {.chunked = true}});
    const outcome plain = get_call(plain_emu, quick_retries(plain_emu));
    const outcome chunked = get_call(chunked_emu, quick_retries(chunked_emu));
    CHECK_FALSE(chunked.ec);
    CHECK(chunked.diag.attempts == 1);
    CHECK(chunked.call.call_id == plain.call.call_id);
    CHECK(chunked.call.transcript.size() == plain.call.transcript.size());
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), quick_retries(chunked_emu)};
      auto [ec, page] = co_await client.async_get_calls({.limit = 20}, tuple);
      CHECK_FALSE(ec);
      CHECK(page.logs.size() == 20);
    });
  }

  TEST_CASE("a TLS handshake the server refuses: a TLS error at once, not retried") {
    emulator emu({.faults = {.tls_handshake_failure = true}});
    const outcome o = get_call(emu, quick_retries(emu));
    CHECK(o.ec == atoms::condition::tls_error);
    CHECK(o.diag.attempts == 1);
    CHECK(o.open_after == 0);
    emu.set_faults({});
    const outcome after = get_call(emu, quick_retries(emu));
    CHECK_FALSE(after.ec);
  }

  TEST_CASE("connection refused: retried, then the error, quickly") {
    emulator emu;
    auto opts = quick_retries(emu);
    opts.base_url = "https://127.0.0.1:" + std::to_string(emulator::unused_port()) + "/atoms/v1";
    const outcome o = get_call(emu, opts);
    CHECK(o.ec == asio::error::connection_refused);
    CHECK(o.ec == atoms::condition::retryable);
    CHECK(o.diag.attempts == 3);
    CHECK(o.took < 5s);
    CHECK(o.open_after == 0);
  }

  TEST_CASE("a host name that does not resolve: the resolver's error within the deadline") {
    emulator emu;
    auto opts = quick_retries(emu);
    opts.base_url = "https://atoms-cpp-test.invalid/atoms/v1";  // .invalid never resolves (RFC 6761)
    opts.connect_timeout = 2s;
    opts.retry.deadline = 8s;
    const outcome o = get_call(emu, opts);
    // NXDOMAIN when a resolver answers; "try again" (retried) when none can be reached.
    const bool resolver_error = o.ec == asio::error::host_not_found ||
                                o.ec == asio::error::host_not_found_try_again || o.ec == atoms::errc::timeout;
    CHECK_MESSAGE(resolver_error, o.ec.message());
    if (o.ec == asio::error::host_not_found) CHECK(o.diag.attempts == 1);
    CHECK(o.took < 10s);
    CHECK(o.open_after == 0);
  }
}
