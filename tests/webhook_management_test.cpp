// Webhook management: every operation against the emulator over TLS, the decoding of the
// document's Webhook and WebhookSubscription shapes (JSON written by hand from the document),
// refusals before anything is sent, the emulator's webhook routes through a plain Beast
// client, the deliveries of a call's events to a webhook_receiver on 127.0.0.1 (with the
// delivery faults), and the signing secret kept out of diagnostics.
#include "raw_client.hpp"
#include "support.hpp"

#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
using atoms::testing::emulator;
using atoms::testing::recorded_request;
using atoms::testing::reply;
using atoms_test::options_for;
using namespace std::chrono_literals;

namespace {

using atoms_test::tuple;

const std::string mgmt_v1 = "/atoms/v1";

const recorded_request* mgmt_last(const std::vector<recorded_request>& all, std::string_view method) {
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if (it->method == method) return &*it;
  return nullptr;
}

// A webhook_receiver on 127.0.0.1 running on a thread of its own, keeping what it is handed.
class mgmt_receiver {
 public:
  explicit mgmt_receiver(std::string secret)
      : rx_(io_.get_executor(), {.secret = std::move(secret), .path = "/atoms/webhook"},
            [this](atoms::webhook_event e) -> asio::awaitable<void> {
              std::lock_guard lock(mutex_);
              events_.push_back(std::move(e));
              co_return;
            }) {
    port_ = rx_.listen({asio::ip::make_address("127.0.0.1"), 0});
    thread_ = std::thread([this] { io_.run(); });
  }
  ~mgmt_receiver() {
    rx_.stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  mgmt_receiver(const mgmt_receiver&) = delete;
  mgmt_receiver& operator=(const mgmt_receiver&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/atoms/webhook"; }
  std::vector<atoms::webhook_event> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  atoms::webhook_receiver_stats stats() const { return rx_.stats(); }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  mutable std::mutex mutex_;
  std::vector<atoms::webhook_event> events_;
  atoms::webhook_receiver rx_;
  unsigned short port_ = 0;
  std::thread thread_;
};

// A plain listener on 127.0.0.1 that answers 200 to one request and keeps it whole.
class mgmt_capture {
 public:
  mgmt_capture() : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    asio::co_spawn(io_, serve(), asio::detached);
    thread_ = std::thread([this] { io_.run_for(20s); });
  }
  ~mgmt_capture() {
    io_.stop();
    thread_.join();
  }
  mgmt_capture(const mgmt_capture&) = delete;
  mgmt_capture& operator=(const mgmt_capture&) = delete;
  std::string url() const {
    return "http://localhost:" + std::to_string(acceptor_.local_endpoint().port()) + "/in";
  }
  // The request, once read.
  std::optional<boost::beast::http::request<boost::beast::http::string_body>> taken() {
    std::lock_guard lock(mutex_);
    return request_;
  }

 private:
  // Never throws: a failure leaves request_ empty, and the test says so.
  asio::awaitable<void> serve() {
    namespace bhttp = boost::beast::http;
    constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);
    auto [aec, socket] = co_await acceptor_.async_accept(no_throw);
    if (aec) co_return;
    boost::beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    auto [rec, n] = co_await bhttp::async_read(socket, buffer, req, no_throw);
    if (rec) co_return;
    {
      std::lock_guard lock(mutex_);
      request_ = req;
    }
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
    res.keep_alive(false);
    res.prepare_payload();
    auto [wec, m] = co_await bhttp::async_write(socket, res, no_throw);
    (void)wec;
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::mutex mutex_;
  std::optional<boost::beast::http::request<boost::beast::http::string_body>> request_;
  std::thread thread_;
};

template <class T>
std::size_t mgmt_count_of(const std::vector<atoms::webhook_event>& events) {
  return static_cast<std::size_t>(std::count_if(events.begin(), events.end(),
                                                [](const auto& e) { return std::holds_alternative<T>(e); }));
}

// The document's Webhook, written by hand: populated subscriptions (one agent gone), a key
// the document does not list.
const char* const mgmt_webhook_json = R"({
  "_id": "60d0fe4f5311236168a109ca",
  "url": "https://example.com/webhook",
  "description": "Webhook for conversation events",
  "status": "enabled",
  "organizationId": "696c0a1b2c3d4e5f60718200",
  "createdBy": "696c0a1b2c3d4e5f60718293",
  "subscriptions": [
    {"_id": "60d0fe4f5311236168a109cb", "webhookId": "60d0fe4f5311236168a109ca",
     "agentId": {"_id": "69fc7dd072a0c1d28d948ace", "name": "Collections", "description": "Dues", "voice": "x"},
     "eventType": "post-conversation", "createdAt": "2026-05-07T10:00:00.000Z",
     "updatedAt": "2026-05-07T10:00:01.000Z"},
    {"_id": "60d0fe4f5311236168a109cc", "webhookId": "60d0fe4f5311236168a109ca", "agentId": null,
     "eventType": "call-transferred"}
  ],
  "decryptedSecretKey": "mgmt-secret-5f1e9a0c7d3b",
  "createdAt": "2026-05-07T09:59:59.000Z",
  "updatedAt": "2026-05-07T10:00:02.500Z",
  "retryPolicy": {"maxAttempts": 0}
})";

}  // namespace

TEST_SUITE("webhook management") {
  TEST_CASE(
      "decoding: the document's Webhook and WebhookSubscription, unknown keys kept, a wrong type named") {
    const auto w = boost::json::value_to<atoms::webhook>(boost::json::parse(mgmt_webhook_json));
    CHECK(w.id == "60d0fe4f5311236168a109ca");
    CHECK(w.url == "https://example.com/webhook");
    CHECK(w.description == "Webhook for conversation events");
    CHECK(w.status == atoms::webhook_status::enabled);
    CHECK(w.organization_id == "696c0a1b2c3d4e5f60718200");
    CHECK(w.created_by == "696c0a1b2c3d4e5f60718293");
    CHECK(w.secret == "mgmt-secret-5f1e9a0c7d3b");
    CHECK(w.created_at == atoms_test::utc(2026, 5, 7, 9, 59, 59));
    CHECK(w.updated_at == atoms_test::utc(2026, 5, 7, 10, 0, 2, 500));
    CHECK(w.extra.contains("retryPolicy"));
    CHECK_FALSE(w.extra.contains("decryptedSecretKey"));
    REQUIRE(w.subscriptions.size() == 2);
    const auto& s0 = w.subscriptions[0];
    CHECK(s0.id == "60d0fe4f5311236168a109cb");
    CHECK(s0.webhook_id == "60d0fe4f5311236168a109ca");
    CHECK(s0.agent_id == "69fc7dd072a0c1d28d948ace");
    REQUIRE(s0.agent.has_value());
    CHECK(s0.agent->name == "Collections");
    CHECK(s0.agent->description == "Dues");
    CHECK(s0.agent->extra.contains("voice"));
    CHECK(s0.event_type == atoms::webhook_event_type::post_conversation);
    CHECK(s0.created_at == atoms_test::utc(2026, 5, 7, 10, 0, 0));
    const auto& s1 = w.subscriptions[1];
    CHECK_FALSE(s1.agent_id.has_value());
    CHECK_FALSE(s1.agent.has_value());
    CHECK(s1.event_type == atoms::webhook_event_type::unknown);
    CHECK(s1.event_type.raw == "call-transferred");

    // WebhookSubscription: agentId a string.
    const auto s = boost::json::value_to<atoms::webhook_subscription>(boost::json::parse(R"({
      "_id": "60d0fe4f5311236168a109cd", "webhookId": "60d0fe4f5311236168a109ca",
      "agentId": "69fc7dd072a0c1d28d948ace", "eventType": "analytics-completed",
      "createdAt": "2026-05-07T10:00:00.000Z", "updatedAt": "2026-05-07T10:00:00.000Z", "origin": "api"})"));
    CHECK(s.agent_id == "69fc7dd072a0c1d28d948ace");
    CHECK_FALSE(s.agent.has_value());
    CHECK(s.event_type == atoms::webhook_event_type::analytics_completed);
    CHECK(s.extra.at("origin") == "api");

    // A wrong type names its path; a missing _id is reported.
    auto doc = boost::json::parse(mgmt_webhook_json);
    doc.at("subscriptions").at(0).as_object()["eventType"] = 7;
    try {
      (void)atoms::detail::decode_json<atoms::webhook>(doc, "$.data");
      FAIL("decoded a number as an event type");
    } catch (const atoms::detail::json_decode_error& e) {
      CHECK(std::string(e.what()).find("$.data.subscriptions[0].eventType") != std::string::npos);
    }
    CHECK_THROWS_AS((void)boost::json::value_to<atoms::webhook>(boost::json::parse(R"({"url":"x"})")),
                    atoms::detail::json_decode_error);
  }

  TEST_CASE(
      "every operation against the emulator: create, list, get, secret, update, subscriptions, delete") {
    emulator emu;
    const std::string agent = emu.agent_ids().at(0);
    const std::string other = emu.agent_ids().at(1);
    atoms::webhook_create_request request{
        .endpoint = "https://hooks.example.com/atoms",
        .description = "CRM sync",
        .events = {{.agent_id = agent, .event_type = atoms::webhook_event_type::post_conversation}}};
    atoms::webhook_update update{
        .description = "CRM sync v2",
        .headers = std::map<std::string, std::string>{{"x-api-key", "gw-key"}, {"X-Tenant", "t1"}}};
    atoms::webhook_update clear{.headers = std::map<std::string, std::string>{}};
    std::vector<atoms::webhook_event_type> two{atoms::webhook_event_type::pre_conversation,
                                               atoms::webhook_event_type::analytics_completed};
    std::vector<atoms::webhook_event_type> one_type{atoms::webhook_event_type::post_conversation};
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;
      auto [create_ec, id] = co_await c.async_create_webhook(request, diag, tuple);
      const atoms::error_code created_ec = create_ec;
      REQUIRE_MESSAGE(!created_ec, atoms::describe(created_ec, diag));
      CHECK(id.size() == 24);
      CHECK(diag.http_status == 201);
      const auto created = emu.requests();
      const auto* post = mgmt_last(created, "POST");
      REQUIRE(post != nullptr);
      CHECK(boost::json::parse(post->body) ==
            boost::json::parse(R"({"endpoint":"https://hooks.example.com/atoms","description":"CRM sync",)"
                               R"("events":[{"agentId":")" +
                               agent + R"(","eventType":"post-conversation"}]})"));

      // The same URL again: the document's 400.
      const atoms::webhook_create_request again{.endpoint = "https://hooks.example.com/atoms",
                                                .description = "again"};
      auto [dup, dup_id] = co_await c.async_create_webhook(again, diag, tuple);
      CHECK(dup == atoms::condition::invalid_request);
      CHECK(diag.message == "A webhook with this URL has already been registered");

      const auto all = co_await c.async_get_webhooks();
      REQUIRE(all.size() == 1);
      CHECK(all[0].id == id);
      CHECK(all[0].url == "https://hooks.example.com/atoms");
      CHECK(all[0].status == atoms::webhook_status::enabled);
      REQUIRE(all[0].subscriptions.size() == 1);
      CHECK(all[0].subscriptions[0].agent_id == agent);
      REQUIRE(all[0].subscriptions[0].agent.has_value());
      CHECK(all[0].secret.size() >= 64);

      const auto one = co_await c.async_get_webhook(id);
      CHECK(one.id == id);
      CHECK(one.description == "CRM sync");
      CHECK(emu.requests().back().target == mgmt_v1 + "/webhook?webhookId=" + id);
      const std::string secret = co_await c.async_get_webhook_secret(id);
      CHECK(secret == all[0].secret);

      co_await c.async_update_webhook(id, update);
      const auto patch = emu.requests().back();
      CHECK(patch.method == "PATCH");
      CHECK(boost::json::parse(patch.body) ==
            boost::json::parse(
                R"({"description":"CRM sync v2","headers":{"X-Tenant":"t1","x-api-key":"gw-key"}})"));
      CHECK((co_await c.async_get_webhook(id)).description == "CRM sync v2");
      const auto headers = emu.webhook_headers(id);
      REQUIRE(headers.has_value());
      CHECK(headers->size() == 2);
      co_await c.async_update_webhook(id, clear);
      CHECK(emu.webhook_headers(id)->empty());

      // Subscriptions: POST replaces, whatever was there.
      auto subs = co_await c.async_get_webhook_subscriptions(agent);
      REQUIRE(subs.size() == 1);
      CHECK(subs[0].event_type == atoms::webhook_event_type::post_conversation);
      co_await c.async_set_webhook_subscriptions(agent, id, two);
      subs = co_await c.async_get_webhook_subscriptions(agent);
      REQUIRE(subs.size() == 2);
      CHECK(subs[0].event_type == atoms::webhook_event_type::pre_conversation);
      CHECK(subs[1].event_type == atoms::webhook_event_type::analytics_completed);
      CHECK(subs[0].webhook_id == id);
      CHECK(subs[0].agent_id == agent);
      co_await c.async_set_webhook_subscriptions(other, id, one_type);
      CHECK((co_await c.async_get_webhook_subscriptions(agent)).size() == 2);  // another agent's: untouched

      // Delete is refused while subscriptions remain, then allowed.
      auto [refused] = co_await c.async_delete_webhook(id, diag, tuple);
      CHECK(refused == atoms::condition::invalid_request);
      CHECK(diag.message ==
            "Cannot delete webhook: It is currently assigned to one or more agents. Please remove all agent "
            "assignments first.");
      co_await c.async_delete_webhook_subscriptions(agent);
      CHECK((co_await c.async_get_webhook_subscriptions(agent)).empty());
      auto [still] = co_await c.async_delete_webhook(id, diag, tuple);
      CHECK(still == atoms::condition::invalid_request);
      co_await c.async_delete_webhook_subscriptions(other);
      co_await c.async_delete_webhook(id);
      CHECK((co_await c.async_get_webhooks()).empty());

      auto [gone, none] = co_await c.async_get_webhook(id, diag, tuple);
      CHECK(gone == atoms::condition::not_found);
      CHECK(diag.message == "Webhook not found");
      auto [bad_id] = co_await c.async_delete_webhook("not-an-object-id", diag, tuple);
      CHECK(bad_id == atoms::condition::invalid_request);
      CHECK(diag.message == "The provided Webhook ID is invalid.");
      auto [no_agent, no_subs] =
          co_await c.async_get_webhook_subscriptions("ffffffffffffffffffffffff", diag, tuple);
      CHECK(no_agent == atoms::condition::not_found);
      CHECK(diag.message == "Agent not found");
    });
  }

  TEST_CASE("a callback gets the same results, never inside the initiating call") {
    emulator emu;
    asio::io_context io;
    atoms::client c{io.get_executor(), options_for(emu)};
    bool listed = false, refused = false;
    atoms::error_code list_ec, refuse_ec;
    std::size_t count = 99;
    c.async_get_webhooks([&](atoms::error_code ec, std::vector<atoms::webhook> all) {
      listed = true;
      list_ec = ec;
      count = all.size();
    });
    c.async_delete_webhook("", [&](atoms::error_code ec) {
      refused = true;
      refuse_ec = ec;
    });
    CHECK_FALSE(listed);
    CHECK_FALSE(refused);  // a refusal too completes later, on the executor
    io.run_for(20s);
    CHECK(listed);
    CHECK_FALSE(list_ec);
    CHECK(count == 0);
    CHECK(refused);
    CHECK(refuse_ec == atoms::errc::invalid_argument);
  }

  TEST_CASE("get_webhook reads an array of one, and null as not found") {
    emulator emu;
    const std::string id = "60d0fe4f5311236168a109ca";
    std::string answer;
    emu.set_interceptor([&answer](const recorded_request&) -> std::optional<reply> {
      return reply{.status = 200, .body = answer};
    });
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      answer = std::string(R"({"status":true,"data":[)") + mgmt_webhook_json + "]}";
      CHECK((co_await c.async_get_webhook(id)).url == "https://example.com/webhook");
      CHECK((co_await c.async_get_webhooks()).size() == 1);
      answer = std::string(R"({"status":true,"data":)") + mgmt_webhook_json + "}";
      CHECK((co_await c.async_get_webhooks()).size() == 1);  // one object for the list: a list of one
      atoms::diagnostics diag;
      for (const char* body : {R"({"status":true,"data":null})", R"({"status":true,"data":[]})"}) {
        answer = body;
        auto [ec, w] = co_await c.async_get_webhook(id, diag, tuple);
        CHECK(ec == atoms::condition::not_found);
        CHECK(diag.message.find("Webhook not found") != std::string::npos);
      }
    });
  }

  TEST_CASE("refusals before anything is sent: URL, description, ids, event types, header rules") {
    emulator emu;
    using map = std::map<std::string, std::string>;
    atoms::webhook_create_request untyped{
        .endpoint = "https://a.example/h", .description = "d", .events = {{.agent_id = "a1"}}};
    const std::vector<std::pair<map, std::string>> bad_headers = {
        {map{{"X-Signature", "v"}}, "reserved"},
        {map{{"content-TYPE", "v"}}, "reserved"},
        {map{{"Host", "v"}}, "reserved"},
        {map{{"bad name", "v"}}, "token"},
        {map{{"x-a", std::string(1025, 'v')}}, "1024"},
        {map{{"x-a", "line\r\nbreak"}}, "control"},
        {map{{"a1", "v"},
             {"a2", "v"},
             {"a3", "v"},
             {"a4", "v"},
             {"a5", "v"},
             {"a6", "v"},
             {"a7", "v"},
             {"a8", "v"},
             {"a9", "v"},
             {"a10", "v"},
             {"a11", "v"}},
         "at most 10"}};
    std::vector<atoms::webhook_event_type> unknown{atoms::webhook_event_type::unknown};
    // A 1024-character value (a code point above U+FFFF counts two, as JavaScript counts)
    // passes the client's check.
    CHECK_FALSE(atoms::detail::check_webhook_headers(map{{"x-a", std::string(1024, 'v')}}));
    CHECK(atoms::detail::check_webhook_headers(map{{"x-a", std::string(1022, 'v') + "\xF0\x9F\x98\x80"}}) ==
          std::nullopt);
    CHECK(atoms::detail::check_webhook_headers(map{{"x-a", std::string(1023, 'v') + "\xF0\x9F\x98\x80"}}));
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;
      const auto before = emu.requests().size();
      const auto expect_refusal = [&](atoms::error_code ec, std::string_view words) {
        CHECK(ec == atoms::errc::invalid_argument);
        CHECK_MESSAGE(diag.message.find(words) != std::string::npos, diag.message);
      };
      for (const char* url : {"", "example.com/hook", "ftp://example.com/hook", "/relative", "http://"}) {
        const atoms::webhook_create_request arg1{.endpoint = url, .description = "d"};
        auto [ec, id] = co_await c.async_create_webhook(arg1, diag, tuple);
        expect_refusal(ec, "endpoint");
      }
      {
        const atoms::webhook_create_request blank_description{.endpoint = "https://a.example/h",
                                                              .description = " "};
        auto [ec, id] = co_await c.async_create_webhook(blank_description, diag, tuple);
        expect_refusal(ec, "description");
      }
      {
        auto [ec, id] = co_await c.async_create_webhook(untyped, diag, tuple);
        expect_refusal(ec, "events[0].event_type");
      }
      {
        const atoms::webhook_update arg2{};
        auto [ec] = co_await c.async_update_webhook("60d0fe4f5311236168a109ca", arg2, diag, tuple);
        expect_refusal(ec, "must set endpoint, description or headers");
      }
      {
        const atoms::webhook_update arg3{.description = "d"};
        auto [ec] = co_await c.async_update_webhook("", arg3, diag, tuple);
        expect_refusal(ec, "webhook_id");
      }
      for (const auto& [headers, words] : bad_headers) {
        const atoms::webhook_update arg4{.headers = headers};
        auto [ec] = co_await c.async_update_webhook("60d0fe4f5311236168a109ca", arg4, diag, tuple);
        expect_refusal(ec, words);
      }
      {
        const std::vector<atoms::webhook_event_type> arg5{};
        auto [ec] = co_await c.async_set_webhook_subscriptions("agent", "60d0fe4f5311236168a109ca", arg5,
                                                               diag, tuple);
        expect_refusal(ec, "event_types");
      }
      {
        auto [ec] = co_await c.async_set_webhook_subscriptions("agent", "60d0fe4f5311236168a109ca", unknown,
                                                               diag, tuple);
        expect_refusal(ec, "event_types[0]");
      }
      for (const char* id : {"", ".", ".."}) {
        auto [e1] = co_await c.async_delete_webhook(id, diag, tuple);
        expect_refusal(e1, "webhook_id");
        auto [e2, w] = co_await c.async_get_webhook(id, diag, tuple);
        expect_refusal(e2, "webhook_id");
        auto [e3, s] = co_await c.async_get_webhook_subscriptions(id, diag, tuple);
        expect_refusal(e3, "agent_id");
        auto [e4] = co_await c.async_delete_webhook_subscriptions(id, diag, tuple);
        expect_refusal(e4, "agent_id");
      }
      CHECK(emu.requests().size() == before);
    });
  }

  TEST_CASE("the emulator's webhook routes: the document's 400s and 404s") {
    emulator emu;
    const std::string agent = emu.agent_ids().at(0);
    raw_http::raw_client raw(emu);
    namespace http = boost::beast::http;
    const auto check_error = [](const raw_http::response& res, unsigned status, const std::string& message) {
      CHECK(res.result_int() == status);
      CHECK(boost::json::parse(res.body()) ==
            boost::json::parse(R"({"status":false,"errors":[)" +
                               boost::json::serialize(boost::json::string(message)) + "]}"));
    };
    const auto post = [&](const std::string& path, const std::string& body) {
      return raw.request(http::verb::post, mgmt_v1 + path, body);
    };
    check_error(post("/webhook", R"({"description":"d","events":[]})"), 400, "endpoint is required");
    check_error(post("/webhook", R"({"endpoint":"not a url","description":"d","events":[]})"), 400,
                "endpoint must be a valid URL");
    check_error(post("/webhook", R"({"endpoint":"https://a.example/h","events":[]})"), 400,
                "description is required");
    check_error(post("/webhook", R"({"endpoint":"https://a.example/h","description":"d"})"), 400,
                "events must be an array");
    check_error(
        post("/webhook", R"({"endpoint":"https://a.example/h","description":"d","events":[{"agentId":")" +
                             agent + R"(","eventType":"call-started"}]})"),
        400, "events[0].eventType must be one of pre-conversation, post-conversation, analytics-completed");
    check_error(
        post(
            "/webhook",
            R"({"endpoint":"https://a.example/h","description":"d","events":[{"agentId":"ffffffffffffffffffffffff","eventType":"pre-conversation"}]})"),
        404, "Agent not found");
    const auto created =
        post("/webhook", R"({"endpoint":"https://a.example/h","description":"d","events":[]})");
    REQUIRE(created.result_int() == 201);
    const std::string id(boost::json::parse(created.body()).at("data").as_string());
    check_error(post("/webhook", R"({"endpoint":"https://a.example/h","description":"d2","events":[]})"), 400,
                "A webhook with this URL has already been registered");

    check_error(raw.request(http::verb::patch, mgmt_v1 + "/webhook/nope", R"({"description":"x"})"), 400,
                "The provided Webhook ID is invalid.");
    check_error(raw.request(http::verb::patch, mgmt_v1 + "/webhook/ffffffffffffffffffffffff",
                            R"({"description":"x"})"),
                404, "Webhook not found");
    check_error(raw.request(http::verb::patch, mgmt_v1 + "/webhook/" + id, R"({})"), 400,
                "At least one of endpoint, description or headers must be provided");
    check_error(
        raw.request(http::verb::patch, mgmt_v1 + "/webhook/" + id, R"({"headers":{"Connection":"x"}})"), 400,
        "headers: \"Connection\" is reserved");
    check_error(raw.request(http::verb::delete_, mgmt_v1 + "/webhook/123"), 400,
                "The provided Webhook ID is invalid.");
    check_error(raw.request(http::verb::delete_, mgmt_v1 + "/webhook/ffffffffffffffffffffffff"), 404,
                "Webhook not found");
    check_error(raw.get(mgmt_v1 + "/webhook?webhookId=xyz"), 400, "The provided Webhook ID is invalid.");
    check_error(raw.get(mgmt_v1 + "/webhook?webhookId=ffffffffffffffffffffffff"), 404, "Webhook not found");

    const std::string subs = "/agent/" + agent + "/webhook-subscriptions";
    check_error(raw.get(mgmt_v1 + "/agent/ffffffffffffffffffffffff/webhook-subscriptions"), 404,
                "Agent not found");
    check_error(
        raw.request(http::verb::delete_, mgmt_v1 + "/agent/ffffffffffffffffffffffff/webhook-subscriptions"),
        404, "Agent not found");
    check_error(post(subs, R"({"eventTypes":["pre-conversation"],"webhookId":"ffffffffffffffffffffffff"})"),
                404, "Webhook not found");
    check_error(post(subs, R"({"eventTypes":["nope"],"webhookId":")" + id + R"("})"), 400,
                "eventTypes must contain only pre-conversation, post-conversation, analytics-completed");
    check_error(post(subs, R"({"webhookId":")" + id + R"("})"), 400, "eventTypes must be a non-empty array");
    const auto made =
        post(subs, R"({"eventTypes":["pre-conversation","pre-conversation"],"webhookId":")" + id + R"("})");
    CHECK(made.result_int() == 201);
    CHECK(boost::json::parse(made.body()) ==
          boost::json::parse(R"({"status":true,"data":"Subscriptions created successfully"})"));
    const auto listed = raw.get(mgmt_v1 + subs);
    REQUIRE(listed.result_int() == 200);
    const boost::json::value listed_body = boost::json::parse(listed.body());
    const auto& items = listed_body.at("data").as_array();
    REQUIRE(items.size() == 1);  // the same type twice is one subscription
    for (const char* key : {"_id", "webhookId", "agentId", "eventType", "createdAt", "updatedAt"})
      CHECK_MESSAGE(items[0].as_object().contains(key), key);
    const auto webhook = boost::json::parse(raw.get(mgmt_v1 + "/webhook?webhookId=" + id).body()).at("data");
    for (const char* key : {"_id", "url", "description", "status", "organizationId", "createdBy",
                            "subscriptions", "decryptedSecretKey", "createdAt", "updatedAt"})
      CHECK_MESSAGE(webhook.as_object().contains(key), key);
    CHECK(webhook.at("subscriptions").at(0).at("agentId").at("_id").as_string() == agent);
    const auto deleted = raw.request(http::verb::delete_, mgmt_v1 + subs);
    CHECK(boost::json::parse(deleted.body()) ==
          boost::json::parse(R"({"status":true,"data":"Subscriptions deleted successfully"})"));
    const auto removed = raw.request(http::verb::delete_, mgmt_v1 + "/webhook/" + id);
    CHECK(boost::json::parse(removed.body()) ==
          boost::json::parse(R"({"status":true,"data":"Webhook deleted successfully"})"));
  }

  TEST_CASE(
      "deliveries: a completed call's three events reach a receiver, signed with the webhook's secret") {
    emulator emu;
    const std::string agent = emu.agent_ids().at(0);
    std::string id, secret, call_id;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      const atoms::webhook_create_request arg6{.endpoint = "http://127.0.0.1:1/placeholder",
                                               .description = "rx"};
      id = co_await c.async_create_webhook(arg6);
      secret = co_await c.async_get_webhook_secret(id);
    });
    REQUIRE(secret.size() == 64);
    mgmt_receiver rx(secret);
    atoms::webhook_update to_rx{.endpoint = rx.url(),
                                .headers = std::map<std::string, std::string>{{"x-api-key", "gw"}}};
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      co_await c.async_update_webhook(id, to_rx);
      std::vector<atoms::webhook_event_type> all_types{atoms::webhook_event_type::pre_conversation,
                                                       atoms::webhook_event_type::post_conversation,
                                                       atoms::webhook_event_type::analytics_completed};
      co_await c.async_set_webhook_subscriptions(agent, id, all_types);
    });
    call_id = emu.complete_call({.agent_id = agent, .customer_name = "Priya"});
    REQUIRE(emu.wait_deliveries_idle(10s));
    const auto stats = emu.delivery_stats();
    CHECK(stats.scheduled == 3);
    CHECK(stats.attempted == 3);
    CHECK(stats.delivered == 3);
    CHECK(stats.failed == 0);
    const auto events = rx.events();
    REQUIRE(events.size() == 3);
    CHECK(rx.stats().bad_signature == 0);
    CHECK(mgmt_count_of<atoms::pre_conversation_event>(events) == 1);
    CHECK(mgmt_count_of<atoms::post_conversation_event>(events) == 1);
    CHECK(mgmt_count_of<atoms::analytics_completed_event>(events) == 1);
    for (const auto& e : events) {
      CHECK(atoms::event_call_id(e) == call_id);
      std::visit(
          [&](const auto& ev) {
            CHECK(ev.agent_id == agent);
            CHECK(ev.envelope.url == rx.url());
            CHECK(ev.envelope.description == "rx");
            CHECK(ev.envelope.event == agent + "." + std::string(atoms::event_type_name(e)));
            CHECK(ev.envelope.id.size() == 24);
            CHECK(ev.conversation_type == "telephonyOutbound");
          },
          e);
      if (const auto* post = std::get_if<atoms::post_conversation_event>(&e)) {
        CHECK(post->transcript.size() == 5);
        CHECK(post->variables.at("customer_name") == "Priya");
        CHECK(post->call_data.status == atoms::call_status::completed);
        CHECK(post->call_data.direction.has_value());
        CHECK(post->call_data.to_number == "+15557654321");
      }
      if (const auto* done = std::get_if<atoms::analytics_completed_event>(&e)) {
        CHECK(done->analytics.summary.find("Priya") != std::string::npos);
        CHECK_FALSE(done->call_data.direction.has_value());
      }
    }
    // The call is served too, with its analytics.
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      const auto d = co_await c.async_get_call(call_id);
      CHECK(d.call_id == call_id);
      CHECK(d.post_call_analytics.has_value());
    });
    // Elsewhere than a loopback host: never contacted.
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      const atoms::webhook_update arg7{.endpoint = "http://192.0.2.1/hook"};
      co_await c.async_update_webhook(id, arg7);
    });
    emu.complete_call({.agent_id = agent});
    REQUIRE(emu.wait_deliveries_idle(10s));
    CHECK(emu.delivery_stats().undeliverable == 3);
    CHECK(emu.delivery_stats().attempted == 3);
  }

  TEST_CASE(
      "a delivery's request: POST, JSON, X-Signature as webhook_signature computes it, custom headers") {
    emulator emu;
    const std::string agent = emu.agent_ids().at(0);
    mgmt_capture capture;
    const atoms::webhook_create_request create{
        .endpoint = capture.url(),
        .description = "capture",
        .events = {{.agent_id = agent, .event_type = atoms::webhook_event_type::pre_conversation}}};
    const atoms::webhook_update headers{
        .headers = std::map<std::string, std::string>{{"x-api-key", "gw-key"}, {"X-Tenant", "t1"}}};
    std::string secret;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      const std::string id = co_await c.async_create_webhook(create);
      co_await c.async_update_webhook(id, headers);
      secret = co_await c.async_get_webhook_secret(id);
    });
    const std::string call_id = emu.complete_call({.agent_id = agent});
    REQUIRE(emu.wait_deliveries_idle(10s));
    CHECK(emu.delivery_stats().delivered == 1);
    const auto req = capture.taken();
    REQUIRE(req.has_value());
    CHECK(req->method() == boost::beast::http::verb::post);
    CHECK(req->target() == "/in");
    CHECK((*req)[boost::beast::http::field::content_type] == "application/json");
    CHECK((*req)["X-Signature"] == atoms::webhook_signature(req->body(), secret));
    CHECK((*req)["x-api-key"] == "gw-key");
    CHECK((*req)["X-Tenant"] == "t1");
    const auto body = boost::json::parse(req->body());
    CHECK(body.at("url").as_string() == capture.url());
    CHECK(body.at("description") == "capture");
    CHECK(body.at("event").as_string() == agent + ".pre-conversation");
    const auto& m = body.at("metadata").as_object();
    CHECK(m.size() == 6);  // WebhookEventPreConversation's metadata, nothing else
    CHECK(m.at("eventType") == "pre-conversation");
    CHECK(m.at("callId").as_string() == call_id);
    CHECK(m.at("conversationType") == "telephonyOutbound");
    CHECK(m.at("toPhone") == "+15557654321");
    CHECK(m.contains("fromPhone"));
    CHECK(m.at("agentId").as_string() == agent);
  }

  TEST_CASE("delivery faults: drop all, duplicate all, corrupt all, delay") {
    emulator emu;
    const std::string agent = emu.agent_ids().at(1);
    std::string id, secret;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      const atoms::webhook_create_request arg8{.endpoint = "http://127.0.0.1:1/placeholder",
                                               .description = "faults"};
      id = co_await c.async_create_webhook(arg8);
      secret = co_await c.async_get_webhook_secret(id);
    });
    mgmt_receiver rx(secret);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      const atoms::webhook_update arg9{.endpoint = rx.url()};
      co_await c.async_update_webhook(id, arg9);
      std::vector<atoms::webhook_event_type> all_types{atoms::webhook_event_type::pre_conversation,
                                                       atoms::webhook_event_type::post_conversation,
                                                       atoms::webhook_event_type::analytics_completed};
      co_await c.async_set_webhook_subscriptions(agent, id, all_types);
    });

    emu.set_delivery_faults({.drop = 1.0});
    emu.complete_call({.agent_id = agent});
    REQUIRE(emu.wait_deliveries_idle(10s));
    CHECK(emu.delivery_stats().dropped == 3);
    CHECK(emu.delivery_stats().attempted == 0);
    CHECK(rx.events().empty());

    emu.set_delivery_faults({.duplicate = 1.0});
    const std::string twice = emu.complete_call({.agent_id = agent});
    REQUIRE(emu.wait_deliveries_idle(10s));
    CHECK(emu.delivery_stats().duplicated == 3);
    CHECK(emu.delivery_stats().delivered == 6);
    auto events = rx.events();
    CHECK(events.size() == 6);
    CHECK(mgmt_count_of<atoms::analytics_completed_event>(events) == 2);
    CHECK(std::all_of(events.begin(), events.end(),
                      [&](const auto& e) { return atoms::event_call_id(e) == twice; }));

    emu.set_delivery_faults({.corrupt = 1.0});
    emu.complete_call({.agent_id = agent});
    REQUIRE(emu.wait_deliveries_idle(10s));
    CHECK(emu.delivery_stats().corrupted == 3);
    CHECK(rx.stats().bad_signature == 3);  // signature or body altered: verification fails either way
    CHECK(emu.delivery_stats().failed == 3);
    CHECK(rx.events().size() == 6);

    emu.set_delivery_faults({.delay = 1.0, .delay_min = 150ms, .delay_max = 200ms});
    const auto started = std::chrono::steady_clock::now();
    emu.complete_call({.agent_id = agent});
    CHECK(emu.deliveries_pending() == 3);
    REQUIRE(emu.wait_deliveries_idle(10s));
    CHECK(std::chrono::steady_clock::now() - started >= 150ms);
    CHECK(emu.delivery_stats().delayed == 3);
    CHECK(rx.events().size() == 9);

    // Half of them dropped, reproducibly: the same seed drops the same deliveries.
    std::vector<std::size_t> dropped;
    for (int run = 0; run < 2; ++run) {
      emu.set_delivery_faults({.drop = 0.5, .seed = 42});
      const auto before = emu.delivery_stats().dropped;
      for (int i = 0; i < 4; ++i) emu.complete_call({.agent_id = agent});
      REQUIRE(emu.wait_deliveries_idle(10s));
      dropped.push_back(emu.delivery_stats().dropped - before);
    }
    CHECK(dropped[0] == dropped[1]);
    CHECK(dropped[0] > 0);
    CHECK(dropped[0] < 12);
    CHECK_THROWS_AS(emu.set_delivery_faults({.drop = 1.5}), std::invalid_argument);
    CHECK_THROWS_AS(emu.complete_call({.agent_id = "no-such-agent"}), std::invalid_argument);
  }

  TEST_CASE("campaign calls send their events as they are dialed and analysed") {
    emulator emu({.campaign_start_delay = 10ms, .campaign_call_interval = 10ms, .analytics_delay = 50ms});
    const std::string agent = emu.agent_ids().at(2);
    std::string id, secret;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      const atoms::webhook_create_request arg10{.endpoint = "http://127.0.0.1:1/placeholder",
                                                .description = "camp"};
      id = co_await c.async_create_webhook(arg10);
      secret = co_await c.async_get_webhook_secret(id);
    });
    mgmt_receiver rx(secret);
    atoms::audience_create_request members{
        .name = "two", .members = {{.phone_number = "+15550001001"}, {.phone_number = "+15550001002"}}};
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), options_for(emu)};
      const atoms::webhook_update arg11{.endpoint = rx.url()};
      co_await c.async_update_webhook(id, arg11);
      std::vector<atoms::webhook_event_type> types{atoms::webhook_event_type::post_conversation,
                                                   atoms::webhook_event_type::analytics_completed};
      co_await c.async_set_webhook_subscriptions(agent, id, types);
      const auto audience = co_await c.async_create_audience(members);
      const atoms::campaign_create_request arg12{.name = "c", .agent_id = agent, .audience_id = audience.id};
      const auto campaign = co_await c.async_create_campaign(arg12);
      co_await c.async_start_campaign(campaign.id);
      asio::steady_timer t(io);
      for (int i = 0; i < 100; ++i) {
        t.expires_after(20ms);
        co_await t.async_wait(asio::deferred);
        const auto d = co_await c.async_get_campaign(campaign.id);
        if (d.campaign.status == atoms::campaign_status::completed) break;
      }
    });
    REQUIRE(emu.wait_deliveries_idle(10s));
    const auto events = rx.events();
    CHECK(mgmt_count_of<atoms::post_conversation_event>(events) == 2);
    CHECK(mgmt_count_of<atoms::analytics_completed_event>(events) == 2);
    CHECK(mgmt_count_of<atoms::pre_conversation_event>(events) == 0);  // not subscribed
  }

  TEST_CASE("the signing secret never reaches diagnostics, error messages or the attempt hook") {
    emulator emu;
    const std::string secret = "mgmt-secret-5f1e9a0c7d3b";
    std::string answer;
    unsigned status = 200;
    emu.set_interceptor([&](const recorded_request&) -> std::optional<reply> {
      return reply{.status = status, .body = answer};
    });
    std::vector<std::string> hook_seen;
    auto opts = options_for(emu);
    opts.retry.max_attempts = 1;
    opts.on_attempt = [&](const atoms::attempt_info& a) { hook_seen.emplace_back(a.target); };
    const std::string full = mgmt_webhook_json;
    auto wrong_type = boost::json::parse(full);
    wrong_type.as_object()["createdAt"] = boost::json::object{{"secret", secret}};
    auto quoted_secret = boost::json::parse(full);
    quoted_secret.as_object()["updatedAt"] = secret;  // a decode error quotes a bad time stamp
    const std::vector<std::pair<unsigned, std::string>> answers = {
        {200, R"({"status":true,"data":)" + boost::json::serialize(quoted_secret) + "}"},
        {200, R"({"status":true,"data":)" +
                  full.substr(0, full.find(secret) + secret.size() + 2)},               // cut: not JSON
        {200, R"({"status":true,"data":)" + boost::json::serialize(wrong_type) + "}"},  // a decode error
        {200, R"({"status":false,"data":)" + full + "}"},                               // status false
        {500, "<html>" + full + "</html>"},                                             // an error page
        {502, R"({"status":false,"data":)" + full + "}"}};
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client c{io.get_executor(), opts};
      for (const auto& [st, body] : answers) {
        status = st;
        answer = body;
        atoms::diagnostics diag;
        auto [ec, w] = co_await c.async_get_webhook("60d0fe4f5311236168a109ca", diag, tuple);
        CHECK(ec);
        std::ostringstream printed;
        printed << diag;
        const std::string all = atoms::describe(ec, diag) + printed.str() + diag.body_excerpt + diag.message +
                                diag.error_type + diag.retry_note;
        CHECK_MESSAGE(all.find(secret) == std::string::npos, all);
        CHECK_MESSAGE(all.find(secret.substr(0, 8)) == std::string::npos, all);
        auto [ec2, s] = co_await c.async_get_webhook_secret("60d0fe4f5311236168a109ca", diag, tuple);
        CHECK(ec2);
        CHECK(atoms::describe(ec2, diag).find(secret.substr(0, 8)) == std::string::npos);
        auto [ec3, list] = co_await c.async_get_webhooks(diag, tuple);
        CHECK(ec3);
        CHECK(atoms::describe(ec3, diag).find(secret.substr(0, 8)) == std::string::npos);
        try {
          (void)co_await c.async_get_webhook("60d0fe4f5311236168a109ca");
          FAIL("no exception");
        } catch (const boost::system::system_error& e) {
          CHECK(std::string(e.what()).find(secret.substr(0, 8)) == std::string::npos);
        }
      }
    });
    for (const auto& t : hook_seen) CHECK(t.find(secret.substr(0, 8)) == std::string::npos);
    CHECK_FALSE(hook_seen.empty());
    // The API key is handled as before: never in a request's target or a message.
    for (const auto& r : emu.requests()) CHECK(r.target.find(emu.api_key()) == std::string::npos);
  }
}
