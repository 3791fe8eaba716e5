// The client end to end against the emulator, over real sockets on 127.0.0.1.
#include "support.hpp"

#include <smallest/atoms.hpp>
#include <smallest/atoms/detail/client_state.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
using atoms::testing::emulator;
using atoms::testing::emulator_options;
using atoms::testing::reply;
using namespace std::chrono_literals;
using atoms_test::options_for;

namespace {

using atoms_test::page_call;  // the product page's example call

using atoms_test::tuple;

// Which executor an operation's body ran on (launch's choice).
struct client_test_ran_on {
  bool io = false;      // the io_context's own
  bool strand = false;  // a strand of it
};
asio::awaitable<atoms::detail::op_result<void>> client_test_record_executor(client_test_ran_on& where) {
  auto ex = co_await asio::this_coro::executor;
  where.io = ex.target<asio::io_context::executor_type>() != nullptr;
  where.strand = ex.target<asio::strand<asio::any_io_executor>>() != nullptr;
  co_return atoms::detail::op_result<void>{};
}

// Everything a failure can tell a user, in one string, to check for secrets.
std::string everything_said(const atoms::error_code& ec, const atoms::diagnostics& diag) {
  std::ostringstream os;
  os << ec.message() << '\n'
     << ec.what() << '\n'
     << diag << '\n'
     << atoms::api_error(ec, diag).what() << '\n'
     << diag.message << diag.body_excerpt << diag.error_type;
  return os.str();
}

}  // namespace

TEST_SUITE("client") {
  TEST_CASE("get_call over TLS returns the typed call with transcript and analytics") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::call_details d = co_await client.async_get_call(page_call);
      CHECK(d.call_id == page_call);
      CHECK(d.status == atoms::call_status::completed);
      CHECK_FALSE(d.transcript.empty());
      REQUIRE(d.post_call_analytics.has_value());
      const atoms::disposition_metric* interested = d.post_call_analytics->find("user_interested");
      REQUIRE(interested != nullptr);
      CHECK(interested->value.as_string() == "yes");
      CHECK(interested->confidence == 1.0);
      CHECK(interested->reasoning.has_value());
      const atoms::disposition_metric* name = d.post_call_analytics->find("user_name");
      REQUIRE(name != nullptr);
      CHECK(name->value.as_string() == "John");
      CHECK(emu.connections_accepted() == 1);
    });
  }

  TEST_CASE("a decoded call owns its free-form members: none points into the response's arena") {
    // The client parses each response into an arena freed once the call is decoded; a JSON
    // object copied with Boost.JSON's copy constructor would keep the arena's resource and
    // dangle (AddressSanitizer would see the reads below).
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      const atoms::call_details d = co_await client.async_get_call(page_call);
      const boost::json::memory_resource* heap = boost::json::storage_ptr().get();
      REQUIRE_FALSE(d.variables.empty());
      CHECK(d.variables.storage().get() == heap);
      CHECK(d.events.storage().get() == heap);
      CHECK(d.extra.storage().get() == heap);
      REQUIRE(d.post_call_analytics.has_value());
      CHECK(d.post_call_analytics->extra.storage().get() == heap);
      for (const auto& m : d.post_call_analytics->disposition_metrics) CHECK(m.extra.storage().get() == heap);
      // And the contents read back after the arena is gone.
      CHECK(boost::json::serialize(d.variables) == R"({"first_name":"Test","last_name":"User"})");
    });
  }

  TEST_CASE("plain http works when the URL asks for it") {
    emulator emu({.tls = false});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      CHECK(client.options().base_url.starts_with("http://"));
      atoms::call_details d = co_await client.async_get_call(emu.call_ids().front());
      CHECK(d.call_id == emu.call_ids().front());
    });
  }

  TEST_CASE("a certificate for another host name is rejected") {
    emulator emu({.certificate_hosts = {"other.example"}});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;
      auto [ec, d] = co_await client.async_get_call(page_call, diag, tuple);
      CHECK(ec == atoms::condition::tls_error);
      CHECK(diag.http_status == 0);
      CHECK(emu.requests_served() == 0);
    });
  }

  TEST_CASE("a server whose CA is not trusted is rejected") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.ca_pem.clear();
      opts.use_system_ca = true;  // the system store does not hold the emulator's CA
      atoms::client client{io.get_executor(), opts};
      auto [ec, d] = co_await client.async_get_call(page_call, tuple);
      CHECK(ec == atoms::condition::tls_error);
      CHECK(emu.requests_served() == 0);
    });
  }

  TEST_CASE("trust anchors can come from a CA file") {
    emulator emu;
    const std::string path = "/tmp/atoms-test-ca-" + std::to_string(emu.port()) + ".pem";
    { std::ofstream(path) << emu.ca_pem(); }
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.ca_pem.clear();
      opts.ca_file = path;
      atoms::client client{io.get_executor(), opts};
      atoms::call_details d = co_await client.async_get_call(page_call);
      CHECK(d.call_id == page_call);
    });
    std::remove(path.c_str());
    asio::io_context io;
    auto opts = options_for(emu);
    opts.ca_file = "/nonexistent/ca.pem";
    CHECK_THROWS_WITH_AS(atoms::client(io.get_executor(), opts), doctest::Contains("ca_file"),
                         std::invalid_argument);
    opts.ca_file.clear();
    opts.ca_pem = "not a certificate";
    CHECK_THROWS_WITH_AS(atoms::client(io.get_executor(), opts), doctest::Contains("ca_pem"),
                         std::invalid_argument);
  }

  TEST_CASE("a server that accepts but never completes the TLS handshake hits the connect timeout") {
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
      asio::ip::tcp::socket accepted(io);
      silent.async_accept(accepted, [](atoms::error_code) {});  // accepts, then says nothing
      atoms::client client{io.get_executor(),
                           {.base_url = "https://127.0.0.1:" + std::to_string(silent.local_endpoint().port()),
                            .api_key = "k",
                            .connect_timeout = 300ms}};
      auto start = std::chrono::steady_clock::now();
      auto [ec, d] = co_await client.async_get_call(page_call, tuple);
      CHECK(ec == atoms::condition::timeout);
      CHECK(std::chrono::steady_clock::now() - start < 10s);
      CHECK(client.open_connections() == 0);
    });
  }

  TEST_CASE("401 maps to its code and condition, with the service's message") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.api_key = "sk-wrong-key-0123456789";
      atoms::client client{io.get_executor(), opts};
      atoms::diagnostics diag;
      auto [ec, d] = co_await client.async_get_call(page_call, diag, tuple);
      CHECK(ec == atoms::make_http_error(401));
      CHECK(ec == atoms::condition::unauthenticated);
      CHECK_FALSE(ec == atoms::condition::retryable);
      CHECK(diag.http_status == 401);
      CHECK(diag.message == "Unauthorized: User not found");
      CHECK(diag.method == "GET");
      CHECK(diag.path == std::string("/atoms/v1/conversation/") + page_call);
      CHECK_FALSE(diag.request_id.empty());
      try {
        atoms::throw_if(ec, diag);
        FAIL("throw_if did not throw");
      } catch (const atoms::api_error& e) {
        CHECK(e.code() == atoms::condition::unauthenticated);
        CHECK(std::string(e.what()).find("Unauthorized: User not found") != std::string::npos);
        CHECK(e.http_status() == 401);
      }
      CHECK(everything_said(ec, diag).find(opts.api_key) == std::string::npos);
    });
  }

  TEST_CASE("404 maps to not_found; co_await throws system_error; the diagnostics overload says why") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;
      auto [ec, d] = co_await client.async_get_call("CALL-0000000000000-000000", diag, tuple);
      CHECK(ec == atoms::condition::not_found);
      CHECK(ec.category() == atoms::http_category());
      CHECK(ec.value() == 404);
      CHECK(diag.message == "Conversation log not found");
      std::string what = atoms::api_error(ec, diag).what();
      CHECK(what.find("GET /atoms/v1/conversation/CALL-0000000000000-000000") != std::string::npos);
      CHECK(what.find("Conversation log not found") != std::string::npos);
      CHECK(what.find("404") != std::string::npos);

      bool threw = false;
      try {
        (void)co_await client.async_get_call("CALL-0000000000000-000000");
      } catch (const boost::system::system_error& e) {
        threw = true;
        CHECK(e.code() == atoms::condition::not_found);
      }
      CHECK(threw);
    });
  }

  TEST_CASE("a missing API key fails at the first request without reaching the server") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.api_key.clear();
      atoms::client client{io.get_executor(), opts};  // constructing is fine
      atoms::diagnostics diag;
      auto [ec, d] = co_await client.async_get_call(page_call, diag, tuple);
      CHECK(ec == atoms::errc::missing_api_key);
      CHECK(ec == atoms::condition::unauthenticated);
      CHECK(ec.message().find("SMALLEST_API_KEY") != std::string::npos);
      CHECK(emu.connections_accepted() == 0);
    });
  }

  TEST_CASE("invalid ids and options are rejected before anything is sent") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      for (std::string id : {"", ".", ".."}) {
        atoms::diagnostics diag;
        auto [ec, d] = co_await client.async_get_call(id, diag, tuple);
        CHECK(ec == atoms::errc::invalid_argument);
        CHECK(ec == atoms::condition::invalid_request);
        CHECK(diag.message.find("call_id") != std::string::npos);
      }
      CHECK(emu.connections_accepted() == 0);
    });
    asio::io_context io;
    auto bad = [&](atoms::client_options o) { return atoms::client(io.get_executor(), std::move(o)); };
    CHECK_THROWS_WITH_AS(bad({.base_url = "ftp://x"}), doctest::Contains("https://"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(bad({.base_url = "not a url"}), doctest::Contains("base_url"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(bad({.base_url = "https://h/v1?x=1"}), doctest::Contains("query"),
                         std::invalid_argument);
    CHECK_THROWS_AS(bad({.max_connections = 0}), std::invalid_argument);
    try {
      bad({.api_key = "sk-secret-value\r\nX-Injected: 1"});
      FAIL("a key with CR LF was accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("sk-secret") == std::string::npos);
      CHECK(std::string(e.what()).find("api_key") != std::string::npos);
    }
  }

  TEST_CASE("100 sequential calls reuse one connection") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      auto ids = emu.call_ids();
      for (int i = 0; i < 100; ++i) {
        atoms::call_details d = co_await client.async_get_call(ids[i % ids.size()]);
        CHECK(d.call_id == ids[i % ids.size()]);
      }
      CHECK(emu.connections_accepted() == 1);
      CHECK(emu.requests_served() == 100);
      CHECK(client.open_connections() == 1);
    });
  }

  TEST_CASE("64 concurrent calls with a cap of 8 open at most 8 connections and all succeed") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.max_connections = 8;
      atoms::client client{io.get_executor(), opts};
      auto ids = emu.call_ids();
      std::atomic<int> ok{0}, done{0};
      asio::steady_timer all_done(io, asio::steady_timer::time_point::max());
      for (int i = 0; i < 64; ++i) {
        client.async_get_call(ids[i % ids.size()], [&, i](atoms::error_code ec, atoms::call_details d) {
          if (!ec && d.call_id == ids[i % ids.size()]) ++ok;
          if (++done == 64) all_done.cancel();
        });
      }
      (void)co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
      CHECK(ok == 64);
      CHECK(emu.connections_accepted() <= 8);
      CHECK(emu.connections_accepted() >= 2);
      CHECK(client.open_connections() <= 8);
    });
  }

  TEST_CASE("the same calls succeed on a multi-threaded io_context") {
    emulator emu({.threads = 2});
    asio::thread_pool threads(4);
    auto opts = options_for(emu);
    opts.max_connections = 6;
    atoms::client client{threads.get_executor(), opts};
    auto ids = emu.call_ids();
    std::vector<std::future<atoms::call_details>> results;
    for (int i = 0; i < 200; ++i)
      results.push_back(client.async_get_call(ids[i % ids.size()], asio::use_future));
    int ok = 0;
    for (int i = 0; i < 200; ++i) {
      REQUIRE(results[i].wait_for(30s) == std::future_status::ready);
      if (results[i].get().call_id == ids[i % ids.size()]) ++ok;
    }
    CHECK(ok == 200);
    CHECK(emu.connections_accepted() <= 6);
    threads.join();
  }

  TEST_CASE("a connection the server closed while idle is replaced transparently") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      auto id = emu.call_ids().front();
      (void)co_await client.async_get_call(id);
      emu.close_idle_connections();
      asio::steady_timer t(io);
      for (int i = 0; i < 200 && emu.open_connections() != 0; ++i) {
        t.expires_after(5ms);
        co_await t.async_wait(asio::use_awaitable);
      }
      atoms::diagnostics diag;
      auto [ec, d] = co_await client.async_get_call(id, diag, tuple);
      CHECK_FALSE(ec);
      CHECK(d.call_id == id);
      CHECK(emu.connections_accepted() == 2);
    });
  }

  TEST_CASE(
      "a request whose connection closes before any response byte is sent again, once per stale connection") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      auto id = emu.call_ids().front();
      (void)co_await client.async_get_call(id);  // one idle, alive connection in the pool
      std::atomic<int> seen{0};
      // The server drops the reused connection on the next request without answering.
      emu.set_interceptor([&](const atoms::testing::recorded_request&) -> std::optional<reply> {
        if (seen++ == 0) return reply{.act = reply::action::close};
        return std::nullopt;
      });
      atoms::diagnostics diag;
      auto [ec, d] = co_await client.async_get_call(id, diag, tuple);
      CHECK_FALSE(ec);
      CHECK(diag.attempts == 2);
      CHECK(seen == 2);

      // A fresh connection closed without an answer is not replayed by the pool: with the
      // retry policy off, the error surfaces.
      emu.set_interceptor([&](const atoms::testing::recorded_request&) -> std::optional<reply> {
        ++seen;
        return reply{.act = reply::action::close};
      });
      emu.close_idle_connections();
      auto [ec2, d2] = co_await client.with_retry({.max_attempts = 1}).async_get_call(id, diag, tuple);
      CHECK(ec2);
      CHECK(ec2 == atoms::condition::retryable);
      CHECK(diag.attempts <= 2);
    });
  }

  TEST_CASE("a server that accepts but never answers hits the request timeout") {
    emulator emu;
    emu.set_interceptor([](const atoms::testing::recorded_request&) {
      return std::optional<reply>(reply{.act = reply::action::stall});
    });
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.request_timeout = 300ms;
      opts.retry.max_attempts = 1;
      atoms::client client{io.get_executor(), opts};
      auto start = std::chrono::steady_clock::now();
      atoms::diagnostics diag;
      auto [ec, d] = co_await client.async_get_call(page_call, diag, tuple);
      CHECK(ec == atoms::condition::timeout);
      CHECK(ec == atoms::condition::retryable);
      CHECK(diag.attempts == 1);
      CHECK(std::chrono::steady_clock::now() - start < 10s);
      CHECK(client.open_connections() == 0);  // a timed-out connection is never pooled
    });
  }

  TEST_CASE("one stalled exchange times out while the others on the client keep completing") {
    bool single_threaded = false;
    SUBCASE("each operation on a strand of its own") {}
    SUBCASE("single_threaded: on the io_context's executor") { single_threaded = true; }
    emulator emu;
    emu.set_interceptor([](const atoms::testing::recorded_request& r) {
      if (r.target.find("STALL") == std::string::npos) return std::optional<reply>();
      return std::optional<reply>(reply{.act = reply::action::stall});
    });
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.request_timeout = 300ms;
      opts.retry.max_attempts = 1;
      opts.max_connections = 4;
      opts.single_threaded = single_threaded;
      atoms::client client{io.get_executor(), opts};
      int stalled_timeouts = 0;
      int completed = 0;
      const auto start = std::chrono::steady_clock::now();
      // Three stalled calls hold three connections; the fourth carries 40 calls meanwhile.
      for (int i = 0; i < 3; ++i)
        client.async_get_call("CALL-STALL-" + std::to_string(i),
                              [&](atoms::error_code ec, atoms::call_details) {
                                if (ec == atoms::condition::timeout) ++stalled_timeouts;
                              });
      for (int i = 0; i < 40; ++i) {
        auto [ec, d] = co_await client.async_get_call(page_call, tuple);
        CHECK_FALSE(ec);
        if (!ec) ++completed;
      }
      asio::steady_timer t(io);
      for (int waited = 0; stalled_timeouts < 3 && waited < 100; ++waited) {
        t.expires_after(50ms);
        co_await t.async_wait(asio::use_awaitable);
      }
      CHECK(completed == 40);
      CHECK(stalled_timeouts == 3);
      CHECK(std::chrono::steady_clock::now() - start < 5s);
      CHECK(client.open_connections() == 1);  // the timed-out connections are gone
    });
  }

  TEST_CASE("no timer outlives the calls: run() returns when the last call completes") {
    // The pool's watchdog ticks every second with these timeouts: were it left armed, run()
    // would wait for it. A call on a warm connection takes milliseconds.
    emulator emu;
    asio::io_context io;
    auto opts = options_for(emu);
    opts.request_timeout = 1h;
    opts.connect_timeout = 1h;
    atoms::client client{io.get_executor(), opts};
    for (int round = 0; round < 3; ++round) {
      atoms::error_code got = asio::error::would_block;
      client.async_get_call(page_call, [&](atoms::error_code ec, atoms::call_details) { got = ec; });
      const auto start = std::chrono::steady_clock::now();
      io.run();
      io.restart();
      CHECK_FALSE(got);
      CHECK(std::chrono::steady_clock::now() - start < 900ms);
    }
  }

  TEST_CASE("an operation runs on the client's executor when it is serial, else on a strand of its own") {
    asio::io_context io;
    asio::thread_pool threads(1);
    atoms::client_options opts{.base_url = "https://localhost:1"};
    auto serial = [&](asio::any_io_executor ex, bool single_threaded) {
      opts.single_threaded = single_threaded;
      return atoms::detail::client_state(std::move(ex), opts).serial();
    };
    CHECK_FALSE(serial(io.get_executor(), false));
    CHECK_FALSE(serial(threads.get_executor(), false));
    CHECK(serial(io.get_executor(), true));
    CHECK(serial(asio::make_strand(io), false));
    CHECK(serial(asio::make_strand(asio::any_io_executor(threads.get_executor())), false));
    threads.join();

    // What launch does with it: the body sees the executor it runs on.
    for (bool on_io : {false, true}) {
      client_test_ran_on where;
      bool completed = false;
      atoms::detail::launch<void>(
          io.get_executor(), nullptr, on_io, 0ms, nullptr, client_test_record_executor(where),
          atoms::detail::op_handler<void>([&](atoms::error_code ec) { completed = !ec; }));
      io.run();
      io.restart();
      CHECK(completed);
      CHECK(where.io == on_io);
      CHECK(where.strand == !on_io);
    }
  }

  TEST_CASE("terminal cancellation stops a pending call and closes its connection") {
    bool single_threaded = false;
    SUBCASE("each operation on a strand of its own") {}
    SUBCASE("single_threaded: on the io_context's executor") { single_threaded = true; }
    emulator emu;
    emu.set_interceptor([](const atoms::testing::recorded_request&) {
      return std::optional<reply>(reply{.act = reply::action::stall});
    });
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.single_threaded = single_threaded;
      atoms::client client{io.get_executor(), opts};

      // Through a cancellation slot bound to a callback.
      asio::cancellation_signal cancel;
      asio::steady_timer done(io, asio::steady_timer::time_point::max());
      atoms::error_code got;
      client.async_get_call(page_call, asio::bind_cancellation_slot(
                                           cancel.slot(), [&](atoms::error_code ec, atoms::call_details) {
                                             got = ec;
                                             done.cancel();
                                           }));
      asio::steady_timer t(io);
      t.expires_after(200ms);
      co_await t.async_wait(asio::use_awaitable);
      cancel.emit(asio::cancellation_type::terminal);
      (void)co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
      CHECK(got == asio::error::operation_aborted);
      CHECK(client.open_connections() == 0);

      // The way coroutine code races an operation against a timer.
      using namespace asio::experimental::awaitable_operators;
      t.expires_after(200ms);
      auto first = co_await (client.async_get_call(page_call, asio::use_awaitable) ||
                             t.async_wait(asio::use_awaitable));
      CHECK(first.index() == 1);
      CHECK(client.open_connections() == 0);
    });
  }

  TEST_CASE("a cancellation emitted right after initiation is never lost, on fresh or reused connections") {
    emulator emu({.tls = false});
    for (bool warm : {false, true}) {
      for (bool single_threaded : {false, true}) {
        asio::io_context io;
        auto opts = options_for(emu);
        opts.single_threaded = single_threaded;
        atoms::client client{io.get_executor(), opts};
        if (warm) {
          client.async_get_call(page_call, [](atoms::error_code, atoms::call_details) {});
          io.run();
          io.restart();
          REQUIRE(client.open_connections() == 1);
        }
        int aborted = 0;
        for (int i = 0; i < 20; ++i) {
          asio::cancellation_signal cancel;
          client.async_get_call(page_call, asio::bind_cancellation_slot(
                                               cancel.slot(), [&](atoms::error_code ec, atoms::call_details) {
                                                 if (ec == asio::error::operation_aborted) ++aborted;
                                               }));
          cancel.emit(asio::cancellation_type::terminal);
          io.run_for(10s);
          io.restart();
        }
        const std::string where = std::string(warm ? "reused" : "fresh") + " connections" +
                                  (single_threaded ? ", single_threaded" : "");
        CHECK_MESSAGE(aborted == 20, where);
      }
    }
  }

  TEST_CASE("calls raced against short timers on four threads leave the pool sound") {
    // Cancellations land at every stage of an exchange, on every thread: run under the
    // sanitizer presets this is where a use-after-free or a lost slot would show.
    emulator emu({.tls = false, .threads = 2});
    asio::thread_pool threads(4);
    auto opts = options_for(emu);
    opts.max_connections = 4;
    // A strand given as the executor: the client's operations all run on it, none on a strand
    // of its own, while the callers' coroutines and the I/O run on four threads.
    asio::any_io_executor ex = threads.get_executor();
    SUBCASE("the thread pool's executor") {}
    SUBCASE("a strand of the thread pool") { ex = asio::make_strand(threads); }
    atoms::client client{ex, opts};
    std::atomic<int> finished{0}, won{0};
    std::vector<std::future<void>> workers;
    for (int w = 0; w < 8; ++w) {
      workers.push_back(asio::co_spawn(
          asio::make_strand(threads),
          [&, w]() -> asio::awaitable<void> {
            using namespace asio::experimental::awaitable_operators;
            asio::steady_timer t(co_await asio::this_coro::executor);
            for (int i = 0; i < 400; ++i) {
              t.expires_after(std::chrono::microseconds((w * 37 + i * 53) % 400));
              auto r = co_await (client.async_get_call(page_call, asio::use_awaitable) ||
                                 t.async_wait(asio::use_awaitable));
              if (r.index() == 0) ++won;
            }
            ++finished;
          },
          asio::use_future));
    }
    for (auto& f : workers) {
      REQUIRE(f.wait_for(60s) == std::future_status::ready);
      f.get();
    }
    CHECK(finished == 8);
    CHECK(client.open_connections() <= 4);
    // Every slot came back: the cap still admits as many concurrent calls as it allows.
    std::vector<std::future<atoms::call_details>> after;
    for (int i = 0; i < 8; ++i) after.push_back(client.async_get_call(page_call, asio::use_future));
    for (auto& f : after) {
      REQUIRE(f.wait_for(30s) == std::future_status::ready);
      CHECK(f.get().call_id == page_call);
    }
    CHECK(client.open_connections() <= 4);
    threads.join();
  }

  TEST_CASE("malformed JSON and wrong types are decode errors naming where") {
    emulator emu;
    std::string body;
    emu.set_interceptor(
        [&](const atoms::testing::recorded_request&) { return std::optional<reply>(reply{.body = body}); });
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;

      body = R"({"status": true, "data": {"callId": "CALL-1", "transcript": [)";
      auto [ec1, d1] = co_await client.async_get_call("CALL-1", diag, tuple);
      CHECK(ec1 == atoms::errc::decode_error);
      CHECK(diag.message.find("not valid JSON at byte") != std::string::npos);

      body =
          R"({"status": true, "data": {"callId": "CALL-1", "transcript": [{"role": "agent", "content": 5}]}})";
      auto [ec2, d2] = co_await client.async_get_call("CALL-1", diag, tuple);
      CHECK(ec2 == atoms::errc::decode_error);
      CHECK(diag.message.find("$.data.transcript[0].content") != std::string::npos);

      body = R"(<html><body>502 Bad Gateway</body></html>)";
      auto [ec3, d3] = co_await client.async_get_call("CALL-1", diag, tuple);
      CHECK(ec3 == atoms::errc::decode_error);
      CHECK(diag.body_excerpt.find("502 Bad Gateway") != std::string::npos);

      body = R"({"status": false, "errors": ["Something went wrong"]})";
      auto [ec4, d4] = co_await client.async_get_call("CALL-1", diag, tuple);
      CHECK(ec4 == atoms::errc::unexpected_response);
      CHECK(diag.message == "Something went wrong");
    });
  }

  TEST_CASE("an oversized response body is refused, not buffered") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto opts = options_for(emu);
      opts.max_response_body = 1024;  // a completed call is several KB
      atoms::client client{io.get_executor(), opts};
      auto [ec, d] = co_await client.async_get_call(page_call, tuple);
      CHECK(ec == boost::beast::http::error::body_limit);
    });
  }

  TEST_CASE("an id containing '/', '?' and '%' reaches the server as one path segment") {
    emulator emu;
    const std::string id = "CALL-a/b?c=%41#x y";
    emu.put_call(
        boost::json::object{{"_id", "66aa00000000000000000001"}, {"callId", id}, {"status", "completed"}});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::call_details d = co_await client.async_get_call(id);
      CHECK(d.call_id == id);
      CHECK(emu.requests().back().target == "/atoms/v1/conversation/CALL-a%2Fb%3Fc%3D%2541%23x%20y");
    });
  }

  TEST_CASE("the key never appears in errors, even when a server echoes it") {
    emulator emu;
    const std::string key = emu.api_key();
    emu.set_interceptor([&](const atoms::testing::recorded_request& r) -> std::optional<reply> {
      if (r.target.ends_with("echo"))
        return reply{.status = 400,
                     .body = R"({"status":false,"errors":["bad header Bearer )" + key + R"("]})"};
      if (r.target.ends_with("html"))
        return reply{.status = 500,
                     .body = "<pre>Authorization: Bearer " + key + "</pre>",
                     .content_type = "text/html"};
      return std::nullopt;
    });
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      for (std::string id : {"echo", "html", "CALL-0000000000000-000000"}) {
        atoms::diagnostics diag;
        auto [ec, d] = co_await client.async_get_call(id, diag, tuple);
        CHECK(ec);
        CHECK(everything_said(ec, diag).find(key) == std::string::npos);
      }
    });
  }

  TEST_CASE("callback and use_future tokens give the same results; no handler runs inline") {
    emulator emu;
    asio::io_context io;
    atoms::client client{io.get_executor(), options_for(emu)};
    bool called = false;
    atoms::error_code got;
    atoms::call_details details;
    client.async_get_call(page_call, [&](atoms::error_code ec, atoms::call_details d) {
      called = true;
      got = ec;
      details = std::move(d);
    });
    atoms::diagnostics diag;
    bool called404 = false;
    client.async_get_call("CALL-0000000000000-000000", diag, [&](atoms::error_code ec, atoms::call_details) {
      called404 = true;
      CHECK(ec == atoms::condition::not_found);
    });
    bool invalid_called = false;
    client.async_get_call("", [&](atoms::error_code ec, atoms::call_details) {
      invalid_called = true;
      CHECK(ec == atoms::errc::invalid_argument);
    });
    CHECK_FALSE(called);          // nothing completes inside the initiating call,
    CHECK_FALSE(invalid_called);  // not even an argument error
    io.run_for(20s);
    CHECK(called);
    CHECK(called404);
    CHECK(invalid_called);
    CHECK_FALSE(got);
    CHECK(details.call_id == page_call);
    CHECK(diag.message == "Conversation log not found");

    io.restart();
    std::thread runner([&] {
      auto guard = asio::make_work_guard(io);
      io.run_for(20s);
    });
    auto f = client.async_get_call(page_call, asio::use_future);
    CHECK(f.get().call_id == page_call);
    auto f404 = client.async_get_call("CALL-0000000000000-000000", asio::use_future);
    try {
      (void)f404.get();
      FAIL("use_future did not throw");
    } catch (const boost::system::system_error& e) {
      CHECK(e.code() == atoms::condition::not_found);
    }
    io.stop();
    runner.join();
  }

  TEST_CASE("the client may be destroyed while its operations run") {
    emulator emu;
    asio::io_context io;
    bool called = false;
    {
      atoms::client client{io.get_executor(), options_for(emu)};
      client.async_get_call(page_call, [&](atoms::error_code ec, atoms::call_details d) {
        called = true;
        CHECK_FALSE(ec);
        CHECK(d.call_id == page_call);
      });
    }
    io.run_for(20s);
    CHECK(called);
  }

}  // TEST_SUITE
