// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
//
// Tests of the emulator itself, through a deliberately plain Beast client (not ours): what
// the client library's tests rely on must hold on its own.

#include <smallest/atoms/testing/certificate.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_to.hpp>

#include <doctest/doctest.h>

#include "raw_client.hpp"

#ifdef ATOMS_EMULATOR_BINARY
#include "process.hpp"
#include "support.hpp"

#include <smallest/atoms.hpp>

#include <filesystem>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <latch>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace json = boost::json;
namespace testing = smallest::atoms::testing;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using namespace std::chrono_literals;

using raw_http::raw_client;
using raw_http::response;

constexpr const char* example_id = "CALL-1768842587790-69eb58";

std::string conversation(const std::string& encoded_id) { return "/atoms/v1/conversation/" + encoded_id; }

// A GET with the emulator's default key, for raw_client::send.
http::request<http::string_body> authorized_get(const std::string& target) {
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "localhost");
  req.set(http::field::authorization, "Bearer test-key");
  return req;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 3s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

void check_headers(const response& res) {
  CHECK(res[http::field::content_type] == "application/json; charset=utf-8");
  CHECK_FALSE(res["x-request-id"].empty());
  CHECK(res[http::field::content_length] == std::to_string(res.body().size()));
}

void check_error(const response& res, unsigned status, const std::string& message) {
  CHECK(res.result_int() == status);
  check_headers(res);
  CHECK(res.body() == R"({"status":false,"errors":[")" + message + R"("]})");
}

// `data` of a 200 answer.
json::object data_of(const response& res) {
  CHECK(res.result_int() == 200);
  json::value v = json::parse(res.body());
  CHECK(v.at("status") == true);
  return v.at("data").as_object();
}

// The callIds of a GET /conversation answer's logs, in order.
std::vector<std::string> log_ids(const json::object& list) {
  std::vector<std::string> ids;
  for (const auto& log : list.at("logs").as_array()) ids.emplace_back(log.at("callId").as_string());
  return ids;
}

std::string updated_at(const testing::emulator& e, const std::string& id) {
  return std::string(e.call(id)->at("updatedAt").as_string());
}

// Every page of GET /conversation?limit=<limit>, from page 1 while hasMore says so (at most
// `max_pages`), as a naive walker reads them: every id received, duplicates included.
std::vector<std::string> naive_walk(raw_client& c, int limit, int max_pages = 1000) {
  std::vector<std::string> ids;
  for (int page = 1; page <= max_pages; ++page) {
    const json::object d = data_of(
        c.get("/atoms/v1/conversation?page=" + std::to_string(page) + "&limit=" + std::to_string(limit)));
    for (auto& id : log_ids(d)) ids.push_back(std::move(id));
    if (d.at("pagination").at("hasMore") != true) break;
  }
  return ids;
}

}  // namespace

TEST_SUITE("emulator") {
  TEST_CASE("a known call over TLS carries every key of the document and the page's analytics") {
    testing::emulator e;
    CHECK(e.base_url() == "https://localhost:" + std::to_string(e.port()) + "/atoms/v1");
    raw_client c(e);
    const response res = c.get(conversation(example_id));
    REQUIRE(res.result_int() == 200);
    check_headers(res);

    const json::value v = json::parse(res.body());
    CHECK(v.at("status") == true);
    const json::object& d = v.at("data").as_object();
    for (const char* key : {"_id",
                            "callId",
                            "agent",
                            "status",
                            "duration",
                            "recordingUrl",
                            "recordingDualUrl",
                            "from",
                            "to",
                            "type",
                            "transcript",
                            "variables",
                            "events",
                            "callCost",
                            "callFailureReason",
                            "retryCallId",
                            "postCallAnalytics",
                            "turnLatencyMetrics",
                            "voiceConfigUsed",
                            "slmModelUsed",
                            "disconnectionReason",
                            "average_transcriber_latency",
                            "average_agent_latency",
                            "average_synthesizer_latency",
                            "createdAt",
                            "updatedAt",
                            "disconnectDetails",
                            "usage",
                            "costBreakdown"})
      CHECK_MESSAGE(d.contains(key), key);
    CHECK(d.at("callId") == example_id);
    for (const char* key : {"_id", "name", "description"}) CHECK(d.at("agent").as_object().contains(key));
    for (const char* key : {"turns", "avgLatency", "medianLatency", "minLatency", "maxLatency", "latencies",
                            "transitions", "processedAt"})
      CHECK(d.at("turnLatencyMetrics").as_object().contains(key));
    const json::object& t = d.at("turnLatencyMetrics").at("transitions").at(0).as_object();
    for (const char* key : {"turn", "user_end", "bot_start", "latency"}) CHECK(t.contains(key));
    for (const char* key : {"model", "voiceId", "gender"})
      CHECK(d.at("voiceConfigUsed").as_object().contains(key));
    const json::object& turn = d.at("transcript").at(0).as_object();
    CHECK(turn.at("role") == "agent");
    CHECK(turn.contains("content"));
    CHECK(turn.contains("timestamp"));

    const json::object& pca = d.at("postCallAnalytics").as_object();
    CHECK(pca.at("summary") ==
          "The call involved an agent reaching out to discuss AI products. "
          "The user expressed interest and provided their name.");
    const json::array& metrics = pca.at("dispositionMetrics").as_array();
    REQUIRE(metrics.size() == 2);
    CHECK(metrics[0].at("identifier") == "user_interested");
    CHECK(metrics[0].at("value") == "yes");
    CHECK(metrics[0].at("confidence") == 1);
    CHECK(metrics[0].at("reasoning") == "The user explicitly stated 'I am interested'.");
    CHECK(metrics[0].at("dispositionMetricType") == "ENUM");
    CHECK(metrics[0].at("choices") == json::array{"yes", "no", "unclear"});
    CHECK(metrics[0].at("dispositionMetricPrompt") == "Was the user interested? yes, no, or unclear");
    CHECK(metrics[1].at("identifier") == "user_name");
    CHECK(metrics[1].at("value") == "John");
    CHECK(metrics[1].at("dispositionMetricType") == "STRING");
    CHECK(metrics[1].at("reasoning") == "The user provided their name directly.");

    // The IP SAN works too, without SNI.
    raw_client by_ip(e, "127.0.0.1");
    CHECK(by_ip.get(conversation(example_id)).result_int() == 200);
  }

  TEST_CASE("plain HTTP: unknown id, path and method answer 404, a missing or wrong key 401") {
    testing::emulator e({.tls = false});
    CHECK(e.base_url() == "http://127.0.0.1:" + std::to_string(e.port()) + "/atoms/v1");
    CHECK(e.ca_pem().empty());
    raw_client c(e);
    std::set<std::string> request_ids;
    auto get = [&](const std::string& target, std::optional<std::string> key = "test-key") {
      response res = c.get(target, key);
      request_ids.insert(std::string(res["x-request-id"]));
      return res;
    };
    CHECK(get(conversation(e.call_ids().back())).result_int() == 200);
    check_error(get(conversation("CALL-0000000000000-000000")), 404, "Conversation log not found");
    check_error(get("/atoms/v1/nope?limit=5"), 404, "Cannot GET /atoms/v1/nope");
    check_error(get(conversation(example_id), std::nullopt), 401, "Unauthorized: User not found");
    check_error(get(conversation(example_id), "wrong-key"), 401, "Unauthorized: User not found");

    http::request<http::string_body> post{http::verb::post, conversation(example_id), 11};
    post.set(http::field::authorization, "Bearer test-key");
    post.body() = "{}";
    REQUIRE_FALSE(c.send(post));
    response res;
    REQUIRE_FALSE(c.receive(res));
    check_error(res, 404, "Cannot POST " + conversation(example_id));

    CHECK(request_ids.size() == 5);
    CHECK(e.connections_accepted() == 1);
    CHECK(e.requests_served() == 6);
    const auto recorded = e.requests();
    REQUIRE(recorded.size() == 6);
    CHECK(recorded[2].target == "/atoms/v1/nope?limit=5");
    CHECK(recorded[5].method == "POST");
    CHECK(recorded[5].body == "{}");
  }

  TEST_CASE("a percent-encoded id is one path segment and reaches its record") {
    testing::emulator e({.tls = false, .calls = 0});
    CHECK(e.call_ids().empty());
    e.put_call({{"callId", "a/b?c%d"}, {"status", "completed"}});
    e.put_call({{"callId", "a/b?c%d"}, {"status", "failed"}});  // replaces
    CHECK(e.call_ids() == std::vector<std::string>{"a/b?c%d"});
    CHECK_THROWS_AS(e.put_call({{"status", "completed"}}), std::invalid_argument);

    raw_client c(e);
    const response res = c.get(conversation("a%2Fb%3Fc%25d"));
    REQUIRE(res.result_int() == 200);
    CHECK(res.body() == R"({"status":true,"data":{"callId":"a/b?c%d","status":"failed"}})");
    CHECK(e.requests().back().target == "/atoms/v1/conversation/a%2Fb%3Fc%25d");
    check_error(c.get(conversation("a/b")), 404, "Cannot GET /atoms/v1/conversation/a/b");
    check_error(c.get(conversation("a%zz")), 400, "Failed to decode param 'a%zz'");
  }

  TEST_CASE("keep-alive: one connection for two requests; closing idle connections ends it") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      testing::emulator e({.tls = tls});
      raw_client c(e);
      CHECK(c.get(conversation(example_id)).keep_alive());
      CHECK(c.get(conversation(example_id)).keep_alive());
      CHECK(e.connections_accepted() == 1);
      CHECK(e.requests_served() == 2);
      CHECK(e.open_connections() == 1);

      e.close_idle_connections();
      response res;
      CHECK(c.receive(res) == http::error::end_of_stream);
      CHECK(eventually([&] { return e.open_connections() == 0; }));

      // "Connection: close" is honoured: the answer says so and the server closes.
      raw_client once(e);
      CHECK_FALSE(once.get(conversation(example_id), "test-key", false).keep_alive());
      CHECK(once.receive(res) == http::error::end_of_stream);
      CHECK(e.connections_accepted() == 2);
    }
  }

  TEST_CASE("idle_timeout closes a connection that waits too long, and says so") {
    testing::emulator e({.tls = false, .idle_timeout = 100ms});
    raw_client c(e);
    const response res = c.get(conversation(example_id));
    CHECK(res[http::field::keep_alive] == "timeout=1");
    response next;
    const auto start = std::chrono::steady_clock::now();
    CHECK(c.receive(next, 3s) == http::error::end_of_stream);
    CHECK(std::chrono::steady_clock::now() - start >= 90ms);
    CHECK(eventually([&] { return e.open_connections() == 0; }));
  }

  TEST_CASE("an interceptor can respond, stall or close") {
    std::optional<raw_client> left_stalled;
    {
      testing::emulator e({.tls = false});
      std::atomic<int> mode{0};
      e.set_interceptor([&](const testing::recorded_request& r) -> std::optional<testing::reply> {
        CHECK(r.method == "GET");
        switch (mode.load()) {
          case 1:
            return testing::reply{.status = 429,
                                  .body = R"({"status":false,"errors":["Too many requests"]})",
                                  .headers = {{"Retry-After", "1"}}};
          case 2: return testing::reply{.act = testing::reply::action::stall};
          case 3: return testing::reply{.act = testing::reply::action::close};
          default: return std::nullopt;
        }
      });
      raw_client c(e);
      mode = 1;
      response res = c.get(conversation(example_id));
      CHECK(res.result_int() == 429);
      CHECK(res[http::field::retry_after] == "1");
      CHECK(res[http::field::content_type] == "application/json");
      CHECK(res[http::field::content_length] == std::to_string(res.body().size()));
      mode = 0;
      CHECK(c.get(conversation(example_id)).result_int() == 200);

      mode = 3;
      http::request<http::string_body> req{http::verb::get, conversation(example_id), 11};
      REQUIRE_FALSE(c.send(req));
      CHECK(c.receive(res) == http::error::end_of_stream);

      mode = 2;
      const auto served = e.requests_served();
      raw_client stalled(e);
      REQUIRE_FALSE(stalled.send(req));
      CHECK(stalled.receive(res, 200ms) == beast::error::timeout);   // the client gives up...
      CHECK(eventually([&] { return e.open_connections() == 0; }));  // ...and the server sees it
      CHECK(e.requests_served() == served);
      CHECK(e.requests().size() == 4);

      left_stalled.emplace(e);
      REQUIRE_FALSE(left_stalled->send(req));
      CHECK(eventually([&] { return e.requests().size() == 5; }));
    }  // the emulator stops with a stalled connection open
    response res;
    CHECK(left_stalled->receive(res, 2s) == http::error::end_of_stream);
  }

  TEST_CASE("the data set is deterministic for a seed and varied like a live account") {
    testing::emulator a({.tls = false, .calls = 40, .seed = 7});
    testing::emulator b({.tls = false, .calls = 40, .seed = 7});
    testing::emulator other({.tls = false, .calls = 40, .seed = 8});
    const auto ids = a.call_ids();
    REQUIRE(ids.size() == 40);
    CHECK(ids == b.call_ids());
    CHECK(ids != other.call_ids());
    CHECK(ids.front() == example_id);

    raw_client ca(a);
    raw_client cb(b);
    std::set<std::string> statuses;
    bool numeric_timestamp = false;
    bool integral_double = false;
    bool boolean_value = false;
    for (const auto& id : ids) {
      const response ra = ca.get(conversation(id));
      REQUIRE(ra.result_int() == 200);
      CHECK(ra.body() == cb.get(conversation(id)).body());
      const json::value v = json::parse(ra.body());
      const json::object& d = v.at("data").as_object();
      const std::string status(d.at("status").as_string());
      statuses.insert(status);
      if (status == "completed") {
        CHECK(ra.body().size() >= 4'000);
        CHECK(ra.body().size() <= 16'000);
      } else {
        CHECK(d.at("recordingUrl") == "");
        const bool no_analytics = !d.contains("postCallAnalytics") || d.at("postCallAnalytics").is_null();
        CHECK(no_analytics);
      }
      for (const auto& turn : d.at("transcript").as_array())
        numeric_timestamp = numeric_timestamp || turn.at("timestamp").is_int64();
      if (d.at("duration").is_double())  // "120.0"
        integral_double =
            integral_double || std::floor(d.at("duration").as_double()) == d.at("duration").as_double();
      if (const auto* pca = d.if_contains("postCallAnalytics"); pca && pca->is_object())
        for (const auto& m : pca->at("dispositionMetrics").as_array())
          boolean_value = boolean_value || m.at("value").is_bool();
    }
    CHECK(statuses == std::set<std::string>{"completed", "in_progress", "no_answer", "failed"});
    CHECK(numeric_timestamp);
    CHECK(integral_double);
    CHECK(boolean_value);
  }

  TEST_CASE("a certificate for other.example fails host-name verification for localhost") {
    testing::emulator e({.certificate_hosts = {"other.example"}});
    raw_client c;
    const error_code ec = c.connect(e, "localhost");
    CHECK(ec);
    CHECK(ec.message().find("certificate verify failed") != std::string::npos);
    raw_client right(e, "other.example");
    CHECK(right.get(conversation(example_id)).result_int() == 200);

    testing::certificate_authority ca;
    CHECK_THROWS_AS(ca.issue({}), std::invalid_argument);
  }

  TEST_CASE("several server threads serve concurrent clients while the test reads the state") {
    testing::emulator e({.tls = false, .threads = 4});
    std::atomic<int> failures{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 4; ++i)
      clients.emplace_back([&] {
        raw_client c;
        if (c.connect(e)) ++failures;
        for (int k = 0; k < 25; ++k)
          if (c.get(conversation(example_id)).result_int() != 200) ++failures;
      });
    for (int k = 0; k < 50; ++k) {
      e.put_call({{"callId", "CALL-" + std::to_string(k)}});
      (void)e.requests();
      (void)e.open_connections();
    }
    for (auto& t : clients) t.join();
    CHECK(failures == 0);
    CHECK(e.call_ids().size() == 70);
    CHECK(e.connections_accepted() == 4);
    CHECK(e.requests_served() == 100);
    e.close_idle_connections();
    CHECK(e.open_connections() == 0);
  }

  TEST_CASE("GET /conversation: every filter, the sort orders and the service's pagination") {
    testing::emulator e({.tls = false, .calls = 40});
    raw_client c(e);
    auto list = [&](const std::string& query) { return data_of(c.get("/atoms/v1/conversation" + query)); };
    auto total = [&](const std::string& query) {
      return list(query).at("pagination").at("total").as_int64();
    };

    const json::object first = list("");
    CHECK(first.at("pagination") ==
          json::object{{"total", 40}, {"page", 1}, {"limit", 5}, {"hasMore", true}, {"totalPages", 8}});
    const json::array& logs = first.at("logs").as_array();
    REQUIRE(logs.size() == 5);
    const json::object& ex = logs[0].as_object();  // the newest updatedAt
    CHECK(ex.at("callId") == example_id);
    for (const char* key : {"_id",
                            "callId",
                            "status",
                            "duration",
                            "from",
                            "to",
                            "type",
                            "agentId",
                            "recordingUrl",
                            "recordingDualUrl",
                            "disconnectionReason",
                            "retryCount",
                            "createdAt",
                            "dispositionMetrics",
                            "agentDispositionConfig",
                            "callFailureReason",
                            "callCost",
                            "versionId",
                            "versionNumber",
                            "isTest",
                            "retryCallId",
                            "retryAttemptNumber",
                            "postCallAnalytics",
                            "turnLatencyMetrics"})
      CHECK_MESSAGE(ex.contains(key), key);
    CHECK(ex.at("agentId") == "696e655577e1d88ff54b4fbf");
    CHECK(ex.at("dispositionMetrics") == json::object{{"user_interested", "yes"}, {"user_name", "John"}});
    CHECK(ex.at("agentDispositionConfig") ==
          json::array{json::object{{"identifier", "user_interested"}, {"type", "ENUM"}},
                      json::object{{"identifier", "user_name"}, {"type", "STRING"}}});
    CHECK(ex.at("versionNumber") == 2);
    CHECK(first.at("dispositionMetricsConfig").as_array().size() == 11);  // 4 + 2 + 5 metrics

    const json::array all = list("?limit=1000").at("logs").as_array();
    REQUIRE(all.size() == 40);
    CHECK(list("?limit=1000").at("pagination").at("limit") == 500);
    for (std::size_t i = 1; i < all.size(); ++i)  // updatedAt desc; ISO text sorts as time
      CHECK(e.call(std::string(all[i - 1].at("callId").as_string()))->at("updatedAt").as_string() >=
            e.call(std::string(all[i].at("callId").as_string()))->at("updatedAt").as_string());
    auto every = [&](const std::string& query, auto pred) {
      const json::object d = list(query + "&limit=500");
      for (const auto& log : d.at("logs").as_array()) CHECK_MESSAGE(pred(log.as_object()), query);
      return d.at("pagination").at("total").as_int64();
    };
    std::int64_t per_agent = 0;
    for (const auto& agent : e.agent_ids()) {
      const auto n = every("?agentIds=" + agent,
                           [&](const json::object& l) { return l.at("agentId") == json::string(agent); });
      CHECK(n > 0);
      per_agent += n;
    }
    CHECK(per_agent == 40);
    CHECK(total("?agentIds=" + e.agent_ids()[0] + "," + e.agent_ids()[1]) < 40);
    const auto campaign = std::string(e.call(example_id)->at("campaignId").as_string());
    CHECK(every("?campaignIds=" + campaign, [](const json::object& l) {
            return l.at("agentId") == "696e655577e1d88ff54b4fbf" && l.at("type") == "telephony_outbound";
          }) > 0);
    CHECK(every("?callTypes=webcall,telephony_inbound",
                [](const json::object& l) { return l.at("type") != "telephony_outbound"; }) > 0);
    CHECK(every("?statusFilter=no_answer,failed", [](const json::object& l) {
            return l.at("status") == "no_answer" || l.at("status") == "failed";
          }) == 8);
    CHECK(every("?disconnectReasonFilter=user_hangup",
                [](const json::object& l) { return l.at("disconnectionReason") == "user_hangup"; }) > 0);
    const auto retries = every("?callAttemptFilter=retry",
                               [](const json::object& l) { return l.at("retryAttemptNumber") != 0; });
    CHECK(retries > 0);
    CHECK(total("?callAttemptFilter=initial") + retries == 40);
    CHECK(total("?callAttemptFilter=all") == 40);
    CHECK(every("?durationFilter=0-30",
                [](const json::object& l) { return json::value_to<double>(l.at("duration")) < 30; }) > 0);
    CHECK(every("?durationFilter=5%2B",
                [](const json::object& l) { return json::value_to<double>(l.at("duration")) >= 300; }) > 0);
    CHECK(total("?versionFilter=" + std::string(ex.at("versionId").as_string())) > 0);
    CHECK(total("?dateFrom=2026-01-19T00:00:00.000Z") == 1);
    CHECK(total("?dateTo=2026-01-19") == 39);
    CHECK(total("?search=69EB58") == 1);
    CHECK(total("?search=%2B912268093636") > 1);
    const json::array by_duration = list("?sortBy=callDuration&sortOrder=asc&limit=40").at("logs").as_array();
    for (std::size_t i = 1; i < by_duration.size(); ++i)
      CHECK(json::value_to<double>(by_duration[i - 1].at("duration")) <=
            json::value_to<double>(by_duration[i].at("duration")));
    const json::object last = list("?page=8");
    CHECK(last.at("pagination").at("hasMore") == false);
    CHECK(list("?page=9").at("logs").as_array().empty());

    check_error(c.get("/atoms/v1/conversation?limit=0"), 400, "limit must be a positive integer");
    check_error(c.get("/atoms/v1/conversation?page=0"), 400, "page must be a positive integer");
    check_error(c.get("/atoms/v1/conversation?limit=ten"), 400, "limit must be a positive integer");
    CHECK(c.get("/atoms/v1/conversation?sortBy=name").result_int() == 400);
    CHECK(c.get("/atoms/v1/conversation?dateFrom=yesterday").result_int() == 400);
  }

  TEST_CASE("POST /conversation/search: 1 to 100 ids, unknown ones dropped, three list fields left out") {
    testing::emulator e({.tls = false});
    raw_client c(e);
    auto search = [&](const std::string& body) {
      return c.get("/atoms/v1/conversation/search", "test-key", true, body);
    };
    const auto ids = e.call_ids();
    const json::object d = data_of(search(R"({"callIds":[")" + ids[3] + R"(","CALL-0000000000000-000000",")" +
                                          example_id + R"(",")" + ids[3] + R"("]})"));
    CHECK(d.at("total") == 2);
    CHECK(d.at("requestedCount") == 4);
    const json::array& logs = d.at("logs").as_array();
    REQUIRE(logs.size() == 2);
    CHECK(logs[0].at("callId") == json::string(ids[3]));
    CHECK(logs[1].at("callId") == example_id);
    for (const char* key : {"dispositionMetrics", "agentDispositionConfig", "versionNumber"})
      CHECK_FALSE(logs[1].as_object().contains(key));
    for (const char* key : {"agentId", "versionId", "postCallAnalytics", "retryAttemptNumber"})
      CHECK(logs[1].as_object().contains(key));

    json::array hundred;
    for (int i = 0; i < 100; ++i) hundred.emplace_back(ids[static_cast<std::size_t>(i) % ids.size()]);
    CHECK(data_of(search(json::serialize(json::object{{"callIds", hundred}}))).at("total") == 20);
    hundred.emplace_back(example_id);
    check_error(search(json::serialize(json::object{{"callIds", hundred}})), 400,
                "callIds must contain at most 100 items");
    check_error(search(R"({"callIds":[]})"), 400, "callIds must contain at least 1 item");
    check_error(search("{"), 400, "callIds must be an array of strings");
    check_error(search(R"({"callIds":[1]})"), 400, "callIds must be an array of strings");
  }

  TEST_CASE("post-call analytics: stored per agent, validated by the service, both type keys on read") {
    testing::emulator e({.tls = false});
    raw_client c(e);
    const std::string path = "/atoms/v1/agent/696e655577e1d88ff54b4fbf/post-call-analytics";
    json::object cfg = data_of(c.get(path));
    CHECK(cfg.at("summaryPrompt") == "Summarize this sales call briefly.");
    const json::object& m0 = cfg.at("dispositionMetrics").at(0).as_object();
    CHECK(m0.at("identifier") == "user_interested");
    CHECK(m0.at("dispositionMetricType") == "ENUM");
    CHECK(m0.at("dispositionValues") == json::object{{"type", "ENUM"}});
    CHECK(m0.at("choices") == json::array{"yes", "no", "unclear"});

    // The page's shape (nested type only) is accepted and stored with both keys.
    const response set = c.get(path, "test-key", true, R"({"summaryPrompt":"Brief.","dispositionMetrics":[
        {"identifier":"call_outcome","dispositionMetricPrompt":"Outcome?","dispositionValues":{"type":"ENUM"},"choices":["won","lost"]},
        {"identifier":"callback_at","dispositionMetricPrompt":"When?","dispositionMetricType":"DATETIME"}]})");
    CHECK(data_of(set) == data_of(c.get(path)));
    cfg = data_of(c.get(path));
    CHECK(cfg.at("summaryPrompt") == "Brief.");
    CHECK(cfg.at("dispositionMetrics").at(1) ==
          json::object{{"identifier", "callback_at"},
                       {"dispositionMetricPrompt", "When?"},
                       {"dispositionMetricType", "DATETIME"},
                       {"dispositionValues", json::object{{"type", "DATETIME"}}}});
    CHECK(data_of(c.get("/atoms/v1/conversation?limit=1")).at("logs").at(0).at("agentDispositionConfig") ==
          json::array{json::object{{"identifier", "call_outcome"}, {"type", "ENUM"}},
                      json::object{{"identifier", "callback_at"}, {"type", "DATETIME"}}});
    const json::object agent = data_of(c.get("/atoms/v1/agent/696e655577e1d88ff54b4fbf"));
    CHECK(agent.at("_resolvedConfig")
              .at("postCallAnalyticsConfig")
              .at("dispositionMetrics")
              .at(0)
              .at("choices") == json::array{"won", "lost"});

    const response bad = c.get(path, "test-key", true, R"({"dispositionMetrics":[
        {"identifier":"Bad-Id","dispositionMetricPrompt":"x","dispositionMetricType":"STRING"},
        {"identifier":"dup","dispositionMetricPrompt":" ","dispositionMetricType":"ENUM"},
        {"identifier":"dup","dispositionMetricPrompt":"y","dispositionMetricType":"BOOLEAN","choices":["a"]},
        {"identifier":"kind","dispositionMetricPrompt":"z","dispositionMetricType":"FLOAT"}]})");
    CHECK(bad.result_int() == 400);
    CHECK(json::parse(bad.body()) ==
          json::object{
              {"status", false},
              {"errors", json::array{"dispositionMetrics[0] (Bad-Id): identifier must match ^[a-z0-9_]+$",
                                     "dispositionMetrics[1] (dup): dispositionMetricPrompt must not be empty",
                                     "dispositionMetrics[1] (dup): ENUM needs at least one choice",
                                     "dispositionMetrics[2] (dup): identifier must be unique",
                                     "dispositionMetrics[2] (dup): choices are allowed only on ENUM",
                                     "dispositionMetrics[3] (kind): type must be one of STRING, BOOLEAN, "
                                     "INTEGER, ENUM, DATETIME"}}});
    CHECK(data_of(c.get(path)) == cfg);  // unchanged
    check_error(c.get("/atoms/v1/agent/000000000000000000000000/post-call-analytics"), 400, "No agent found");
    check_error(c.get("/atoms/v1/agent/000000000000000000000000/post-call-analytics", "test-key", true, "{}"),
                400, "No agent found");
    check_error(c.get("/atoms/v1/agent/000000000000000000000000"), 400, "No agent found");
  }

  TEST_CASE("recordings: presigned URLs on a second origin that expire, stream bytes and refuse keys") {
    testing::emulator e({.recording_url_ttl = 400ms, .recording_size = 1024 * 1024 + 123});
    raw_client c(e);
    const std::string url(
        data_of(c.get(conversation(example_id) + "/recording/download-url")).at("presignedUrl").as_string());
    const std::string base = e.recording_base_url();
    CHECK(base == "https://127.0.0.1:" + std::to_string(e.recording_port()));
    REQUIRE(url.rfind(base + "/recordings/" + example_id + ".mp3?", 0) == 0);
    const std::string target = url.substr(base.size());

    raw_client store(e, "127.0.0.1", e.recording_port());
    const response audio = store.get(target, std::nullopt);
    REQUIRE(audio.result_int() == 200);
    CHECK(audio[http::field::content_type] == "audio/mpeg");
    CHECK(audio.body().size() == 1024 * 1024 + 123);
    CHECK(audio.body() == testing::emulator::recording_bytes(example_id, 0, 1024 * 1024 + 123));
    CHECK(audio.body().substr(0, 3) == "ID3");
    CHECK_FALSE(e.recording_authorization_seen());

    CHECK(store.get(target, "test-key").result_int() == 401);
    CHECK(e.recording_authorization_seen());
    std::string tampered = target;
    tampered.back() = tampered.back() == '0' ? '1' : '0';
    CHECK(store.get(tampered, std::nullopt).result_int() == 403);
    std::this_thread::sleep_for(450ms);
    const response expired = store.get(target, std::nullopt);
    CHECK(expired.result_int() == 403);
    CHECK(expired.body().find("Request has expired") != std::string::npos);
    CHECK(e.recording_requests() == 4);
    CHECK(e.recording_authorization_headers() == 1);
    CHECK(e.recording_bytes_sent() == 1024 * 1024 + 123);
    CHECK(e.requests().size() == 1);  // the API saw none of these

    std::string unanswered;
    for (const auto& id : e.call_ids())
      if (e.call(id)->at("status") != "completed") unanswered = id;
    check_error(c.get(conversation(unanswered) + "/recording/download-url"), 404,
                "No recording found for this call");
    check_error(c.get(conversation("696e6a5b77e1d88ff54b5a31") + "/recording/download-url"), 400,
                "Invalid call ID format");
    check_error(c.get(conversation("CALL-0000000000000-000000") + "/recording/download-url"), 404,
                "Conversation log not found");
  }

  TEST_CASE("post_call_analytics_route = false: the page's routes answer what any unknown path does") {
    testing::emulator e({.tls = false, .post_call_analytics_route = false});
    raw_client c(e);
    const std::string agent = "/atoms/v1/agent/696e655577e1d88ff54b4fbf";
    check_error(c.get(agent + "/post-call-analytics"), 404, "Cannot GET " + agent + "/post-call-analytics");
    check_error(c.get(agent + "/post-call-analytics", "test-key", true, R"({"summaryPrompt":"x"})"), 404,
                "Cannot POST " + agent + "/post-call-analytics");
    check_error(c.get("/atoms/v1/agent/000000000000000000000000/post-call-analytics"), 404,
                "Cannot GET /atoms/v1/agent/000000000000000000000000/post-call-analytics");
    // The document's routes are still there.
    CHECK(data_of(c.get(agent)).at("_resolvedConfig").at("postCallAnalyticsConfig").at("summaryPrompt") ==
          "Summarize this sales call briefly.");
    CHECK(data_of(c.get(agent + "/branches")).at("branches").as_array().size() == 1);
    // And they are on by default.
    testing::emulator with_page({.tls = false});
    raw_client page(with_page);
    CHECK(data_of(page.get(agent + "/post-call-analytics")).contains("dispositionMetrics"));
  }

  TEST_CASE("branches: each agent has main, default and live, its two versions the revisions") {
    testing::emulator e({.tls = false});
    raw_client c(e);
    for (const auto& id : e.agent_ids()) {
      const std::string agent = "/atoms/v1/agent/" + id;
      const response res = c.get(agent + "/branches");
      check_headers(res);
      const json::object listed = data_of(res);
      const json::array& branches = listed.at("branches").as_array();
      REQUIRE(branches.size() == 1);
      const json::object& summary = branches[0].as_object();
      CHECK(summary.at("isLive") == true);
      CHECK(summary.at("hasOpenDraft") == false);
      CHECK(summary.at("revisionsCount") == 2);
      CHECK(summary.at("headRevisionNumber") == 2);
      const json::object& b = summary.at("branch").as_object();
      const std::string branch_id(b.at("_id").as_string());
      CHECK(branch_id.size() == 24);
      CHECK(branch_id.find_first_not_of("0123456789abcdef") == std::string::npos);
      CHECK(b.at("agent") == json::value(id));
      CHECK(b.at("name") == "main");
      CHECK(b.at("isDefault") == true);
      CHECK(b.at("status") == "active");
      CHECK(b.at("openDraftId").is_null());
      CHECK(b.at("sourceBranchId").is_null());
      CHECK(b.at("headRevisionId").as_string().size() == 24);
      CHECK(data_of(c.get(agent + "/branches/" + branch_id)) == summary);

      const json::object revisions = data_of(c.get(agent + "/branches/" + branch_id + "/revisions"));
      CHECK(revisions.at("total") == 2);
      REQUIRE(revisions.at("revisions").as_array().size() == 2);
      const json::object& head = revisions.at("revisions").at(0).as_object();
      CHECK(head.at("_id") == b.at("headRevisionId"));
      CHECK(head.at("status") == "published");
      CHECK(head.at("revisionNumber") == 2);
      CHECK(head.at("isActive") == true);
      CHECK(head.at("branch") == json::value(branch_id));
      CHECK(revisions.at("revisions").at(1).at("revisionNumber") == 1);
      CHECK(revisions.at("revisions").at(1).at("_id") == head.at("parentVersion"));
      const auto page = data_of(c.get(agent + "/branches/" + branch_id + "/revisions?limit=1&skip=1"));
      CHECK(page.at("revisions").as_array().size() == 1);
      CHECK(page.at("revisions").at(0).at("revisionNumber") == 1);
      check_error(c.get(agent + "/branches/" + branch_id + "/revisions?limit=0"), 400,
                  "limit must be an integer between 1 and 100");
    }
    // The example call ran on its agent's active version: the head revision of main.
    const std::string example_agent(e.call(example_id)->at("agent").at("_id").as_string());
    const json::object summary =
        data_of(c.get("/atoms/v1/agent/" + example_agent + "/branches")).at("branches").at(0).as_object();
    CHECK(summary.at("branch").at("headRevisionId") == e.call(example_id)->at("versionId"));

    const std::string agent = "/atoms/v1/agent/" + example_agent;
    const std::string branch = agent + "/branches/" + std::string(summary.at("branch").at("_id").as_string());
    check_error(c.get("/atoms/v1/agent/000000000000000000000000/branches"), 400, "No agent found");
    check_error(c.request(http::verb::put,
                          "/atoms/v1/agent/000000000000000000000000/branches/" +
                              std::string(summary.at("branch").at("_id").as_string()) + "/draft",
                          R"({"globalPrompt":"x"})"),
                400, "No agent found");
    const std::string unknown = agent + "/branches/000000000000000000000000";
    check_error(c.get(unknown), 404, "Branch not found");
    check_error(c.request(http::verb::put, unknown + "/draft", R"({"globalPrompt":"x"})"), 404,
                "Branch not found");
    check_error(c.get(unknown + "/draft/publish", "test-key", true, ""), 404, "Branch not found");
    check_error(c.get(unknown + "/revisions"), 404, "Branch not found");

    // Publishing, reading or discarding without an open draft: 404, as the document says.
    check_error(c.get(branch + "/draft/publish", "test-key", true, ""), 404, "No open draft on this branch");
    check_error(c.get(branch + "/draft/publish", "test-key", true, "{}"), 404,
                "No open draft on this branch");
    check_error(c.get(branch + "/draft"), 404, "No open draft on this branch");
    check_error(c.request(http::verb::delete_, branch + "/draft"), 404, "No open draft on this branch");
  }

  TEST_CASE("PUT .../draft: a config partial with a recognized field, validated like the page's route") {
    testing::emulator e({.tls = false});
    raw_client c(e);
    const std::string agent = "/atoms/v1/agent/696e655577e1d88ff54b4fbf";
    const std::string branch =
        agent + "/branches/" +
        std::string(
            data_of(c.get(agent + "/branches")).at("branches").at(0).at("branch").at("_id").as_string());
    auto put = [&](const std::string& body) { return c.request(http::verb::put, branch + "/draft", body); };

    for (const char* body : {"", "{}", "[]", "not json", R"({"analytics":{"dispositionMetrics":[]}})",
                             R"({"expectedRevision":0})"})
      check_error(put(body), 400, "No recognized config fields in request body");

    const response bad = put(R"({"postCallAnalyticsConfig":{"dispositionMetrics":[
        {"identifier":"Bad-Id","dispositionMetricPrompt":"x","dispositionMetricType":"STRING"},
        {"identifier":"outcome","dispositionMetricPrompt":"Outcome?","dispositionMetricType":"ENUM"}]}})");
    CHECK(bad.result_int() == 400);
    check_headers(bad);
    CHECK(json::parse(bad.body()) ==
          json::object{
              {"status", false},
              {"errors", json::array{"postCallAnalyticsConfig.dispositionMetrics[0] (Bad-Id): identifier "
                                     "must match ^[a-z0-9_]+$",
                                     "postCallAnalyticsConfig.dispositionMetrics[1] (outcome): ENUM needs "
                                     "at least one choice"}}});
    const response types = put(R"({"globalPrompt":5,"postCallAnalyticsConfig":{"useReasoningModel":"yes",
        "successMetrics":[{"identifier":"polite","successMetricPrompt":"Polite?","successMetricType":"GRADE"}]}})");
    CHECK(json::parse(types.body()) ==
          json::object{
              {"status", false},
              {"errors", json::array{"postCallAnalyticsConfig.successMetrics[0] (polite): successMetricType "
                                     "must be one of NUMERIC_SCALE, PERCENTAGE_SCALE, PASS_FAIL, "
                                     "DESCRIPTIVE_SCALE",
                                     "postCallAnalyticsConfig.useReasoningModel must be a boolean",
                                     "globalPrompt must be a string"}}});
    check_error(put(R"({"postCallAnalyticsConfig":[]})"), 400, "postCallAnalyticsConfig must be an object");
    check_error(put(R"({"globalPrompt":"x","expectedRevision":-1})"), 400,
                "expectedRevision must be a non-negative integer");

    // Nothing was written: no draft is open.
    CHECK(data_of(c.get(agent + "/branches")).at("branches").at(0).at("hasOpenDraft") == false);
    check_error(c.get(branch + "/draft"), 404, "No open draft on this branch");
  }

  TEST_CASE("PUT .../draft then publish: the configuration is the agent's, through every route") {
    testing::emulator e({.tls = false});
    raw_client c(e);
    const std::string id = "696e655577e1d88ff54b4fbf";
    const std::string agent = "/atoms/v1/agent/" + id;
    const json::object before = data_of(c.get(agent + "/branches")).at("branches").at(0).as_object();
    const std::string branch_id(before.at("branch").at("_id").as_string());
    const std::string branch = agent + "/branches/" + branch_id;
    const json::object page_before = data_of(c.get(agent + "/post-call-analytics"));

    // The page's shape (nested type) is accepted here too.
    const json::object first =
        data_of(c.request(http::verb::put, branch + "/draft", R"({"postCallAnalyticsConfig":{
        "dispositionMetrics":[{"identifier":"call_outcome","dispositionMetricPrompt":"Outcome?",
                               "dispositionValues":{"type":"ENUM"},"choices":["won","lost"]}],
        "successMetrics":[{"identifier":"polite","successMetricPrompt":"Polite?","successMetricType":"PASS_FAIL"}],
        "useReasoningModel":true,"ignored":1},"notAField":2})"));
    CHECK(first.at("status") == "draft");
    CHECK(first.at("agent") == json::value(id));
    CHECK(first.at("branch") == json::value(branch_id));
    CHECK(first.at("draftRevision") == 1);
    CHECK(first.at("revisionNumber").is_null());
    CHECK(first.at("parentVersion") == before.at("branch").at("headRevisionId"));
    const json::value draft_id = first.at("draftId");
    REQUIRE(draft_id.is_string());

    const json::object open = data_of(c.get(agent + "/branches")).at("branches").at(0).as_object();
    CHECK(open.at("hasOpenDraft") == true);
    CHECK(open.at("branch").at("openDraftId") == draft_id);
    CHECK(data_of(c.get(agent + "/post-call-analytics")) == page_before);  // a draft is not live

    const json::object second = data_of(c.request(http::verb::put, branch + "/draft",
                                                  R"({"firstMessage":"Hello!","globalPrompt":"Be brief."})"));
    CHECK(second.at("draftRevision") == 2);
    CHECK(second.at("draftId") == draft_id);
    CHECK(second.at("blocks").at("analytics") == first.at("blocks").at("analytics"));
    CHECK(second.at("blocks").at("workflow_prompt") != first.at("blocks").at("workflow_prompt"));
    const json::object detail = data_of(c.get(branch + "/draft"));
    CHECK(detail.at("editCount") == 2);
    CHECK(detail.at("latest") == second);
    CHECK(detail.at("editHistory").at(0).at("changedSections") == json::array{"analytics"});
    CHECK(detail.at("editHistory").at(1).at("changedSections") == json::array{"workflow_prompt"});

    const response published = c.get(branch + "/draft/publish", "test-key", true, R"({"label":"outcomes"})");
    const json::object result = data_of(published);
    CHECK(result.at("state") == "committed");
    const json::object& revision = result.at("revision").as_object();
    CHECK(revision.at("status") == "published");
    CHECK(revision.at("revisionNumber") == 3);
    CHECK(revision.at("label") == "outcomes");
    CHECK(revision.at("isActive") == true);
    CHECK(revision.at("sourceDraftId") == draft_id);
    CHECK(revision.at("blocks") == second.at("blocks"));

    const json::object after = data_of(c.get(agent + "/branches")).at("branches").at(0).as_object();
    CHECK(after.at("hasOpenDraft") == false);
    CHECK(after.at("revisionsCount") == 3);
    CHECK(after.at("headRevisionNumber") == 3);
    CHECK(after.at("branch").at("headRevisionId") == revision.at("_id"));
    CHECK(after.at("branch").at("openDraftId").is_null());
    const json::object revisions = data_of(c.get(branch + "/revisions"));
    CHECK(revisions.at("revisions").at(0) == revision);
    CHECK(revisions.at("revisions").at(1).at("isActive") == false);

    // GET /agent/{id}: the published configuration (flat types), the rest of it kept.
    const json::object resolved = data_of(c.get(agent)).at("_resolvedConfig").as_object();
    CHECK(resolved.at("firstMessage") == "Hello!");
    CHECK(resolved.at("globalPrompt") == "Be brief.");
    const json::object& pca = resolved.at("postCallAnalyticsConfig").as_object();
    CHECK(pca.at("dispositionMetrics") == json::array{json::object{{"identifier", "call_outcome"},
                                                                   {"dispositionMetricPrompt", "Outcome?"},
                                                                   {"dispositionMetricType", "ENUM"},
                                                                   {"choices", json::array{"won", "lost"}}}});
    CHECK(pca.at("successMetrics") == json::array{json::object{{"identifier", "polite"},
                                                               {"successMetricPrompt", "Polite?"},
                                                               {"successMetricType", "PASS_FAIL"}}});
    CHECK(pca.at("useReasoningModel") == true);
    CHECK(pca.at("useInternalAnalyticsModel") == true);
    CHECK(pca.at("summaryPrompt") == "Summarize this sales call briefly.");
    CHECK_FALSE(pca.contains("ignored"));

    // The page's route sees it, both type keys on each metric.
    const json::object page = data_of(c.get(agent + "/post-call-analytics"));
    CHECK(page.at("dispositionMetrics").at(0).at("dispositionValues") == json::object{{"type", "ENUM"}});
    CHECK(page.at("summaryPrompt") == "Summarize this sales call briefly.");
    CHECK(page.at("successMetrics") == pca.at("successMetrics"));
    CHECK(e.post_call_config(id) == page);

    // And what the page's route writes is what GET /agent/{id} reads, the rest kept.
    CHECK(c.get(agent + "/post-call-analytics", "test-key", true, R"({"summaryPrompt":"Brief."})")
              .result_int() == 200);
    const json::object both =
        data_of(c.get(agent)).at("_resolvedConfig").at("postCallAnalyticsConfig").as_object();
    CHECK(both.at("summaryPrompt") == "Brief.");
    CHECK(both.at("useReasoningModel") == true);
    CHECK(both.at("successMetrics") == pca.at("successMetrics"));
    CHECK(both.at("dispositionMetrics") == pca.at("dispositionMetrics"));

    check_error(c.get(branch + "/draft/publish", "test-key", true, ""), 404, "No open draft on this branch");
    CHECK(data_of(c.get(branch + "/revisions")).at("total") == 3);
  }

  TEST_CASE("PUT .../draft: expectedRevision conflicts, discarding, a deferred scan") {
    testing::emulator e({.tls = false, .publish_scanning = true});
    raw_client c(e);
    const std::string agent = "/atoms/v1/agent/696e655577e1d88ff54b4fbf";
    const std::string branch =
        agent + "/branches/" +
        std::string(
            data_of(c.get(agent + "/branches")).at("branches").at(0).at("branch").at("_id").as_string());
    auto put = [&](const std::string& body) { return c.request(http::verb::put, branch + "/draft", body); };

    CHECK(data_of(put(R"({"globalPrompt":"a"})")).at("draftRevision") == 1);
    const response conflict = put(R"({"globalPrompt":"b","firstMessage":"hi","expectedRevision":0})");
    CHECK(conflict.result_int() == 409);
    CHECK(json::parse(conflict.body()) ==
          json::object{
              {"status", false},
              {"errors", json::array{"globalPrompt"}},
              {"data", json::object{{"conflict", json::object{{"expectedRevision", 0},
                                                              {"latestRevision", 1},
                                                              {"diffs", json::array{json::object{
                                                                            {"path", "globalPrompt"},
                                                                            {"latestValue", "a"}}}}}}}}});
    CHECK(data_of(put(R"({"firstMessage":"hi","expectedRevision":0})")).at("draftRevision") == 2);
    CHECK(data_of(put(R"({"globalPrompt":"c","expectedRevision":1})")).at("draftRevision") == 3);
    const response unavailable = put(R"({"globalPrompt":"d","expectedRevision":4})");
    CHECK(unavailable.result_int() == 409);
    CHECK(json::parse(unavailable.body()) ==
          json::object{{"status", false},
                       {"error_type", "base_revision_unavailable"},
                       {"errors", json::array{"base_revision_unavailable"}}});

    // Discarding loses the edits; the agent is unchanged.
    CHECK(data_of(c.request(http::verb::delete_, branch + "/draft")) == json::object{{"discarded", true}});
    CHECK(data_of(c.get(agent + "/branches")).at("branches").at(0).at("hasOpenDraft") == false);
    CHECK_FALSE(data_of(c.get(agent)).at("_resolvedConfig").as_object().contains("globalPrompt"));

    // A deferred scan: 202 with the state only, committed all the same.
    CHECK(put(R"({"postCallAnalyticsConfig":{"summaryPrompt":"Scanned."}})").result_int() == 200);
    const response scanning = c.get(branch + "/draft/publish", "test-key", true, "");
    CHECK(scanning.result_int() == 202);
    check_headers(scanning);
    CHECK(scanning.body() == R"({"status":true,"data":{"state":"scanning"}})");
    CHECK(data_of(c.get(agent + "/post-call-analytics")).at("summaryPrompt") == "Scanned.");
    CHECK(data_of(c.get(branch + "/revisions?limit=1")).at("revisions").at(0).at("revisionNumber") == 3);
    check_error(c.get(branch + "/draft/publish", "test-key", true, R"({"label":7})"), 400,
                "label must be a string of at most 200 characters");
  }

  TEST_CASE("100,000 calls: the emulator starts at once and serves page 200 of 500, the oldest") {
    testing::emulator e({.tls = false, .calls = 100'000});
    REQUIRE(e.call_ids().size() == 100'000);
    raw_client c(e);
    auto list = [&](const std::string& query) { return data_of(c.get("/atoms/v1/conversation?" + query)); };

    const json::object last = list("page=200&limit=500");
    CHECK(last.at("pagination") ==
          json::object{
              {"total", 100'000}, {"page", 200}, {"limit", 500}, {"hasMore", false}, {"totalPages", 200}});
    const std::vector<std::string> ids = log_ids(last);
    REQUIRE(ids.size() == 500);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 500);
    const std::vector<std::string> before = log_ids(list("page=199&limit=500"));
    REQUIRE(before.size() == 500);
    CHECK(updated_at(e, before.back()) >= updated_at(e, ids.front()));
    for (std::size_t i = 1; i < ids.size(); ++i)  // updatedAt desc; ISO text sorts as time
      CHECK(updated_at(e, ids[i - 1]) >= updated_at(e, ids[i]));
    // The last page of the default order is the first of the reverse one: the 500 oldest.
    const std::vector<std::string> oldest = log_ids(list("sortBy=updatedAt&sortOrder=asc&limit=500"));
    CHECK(std::set<std::string>(oldest.begin(), oldest.end()) ==
          std::set<std::string>(ids.begin(), ids.end()));
    CHECK(list("page=201&limit=500").at("logs").as_array().empty());
    CHECK(e.logs_listed() == 1500);

    // The records of a large set are those of a small one with the same seed.
    testing::emulator small({.tls = false, .calls = 50});
    raw_client cs(small);
    const auto large_ids = e.call_ids(), small_ids = small.call_ids();
    for (const std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{17}, std::size_t{49}}) {
      const std::string& id = small_ids[i];
      CHECK(large_ids[i] == id);
      CHECK(c.get(conversation(id)).body() == cs.get(conversation(id)).body());
    }
  }

  TEST_CASE("touch_per_list: calls jump to the top after each page, so a naive walk sees some twice") {
    testing::emulator e({.tls = false, .calls = 600, .touch_per_list = 7});
    raw_client c(e);
    const std::vector<std::string> first = log_ids(data_of(c.get("/atoms/v1/conversation?limit=50")));
    REQUIRE(first.size() == 50);
    // The 7 calls touched after that answer now come first, newer than any call before.
    const std::vector<std::string> again = log_ids(data_of(c.get("/atoms/v1/conversation?limit=50")));
    REQUIRE(again.size() == 50);
    for (std::size_t i = 0; i < 7; ++i) {
      CHECK(std::find(first.begin(), first.end(), again[i]) == first.end());
      CHECK(updated_at(e, again[i]) > updated_at(e, first.front()));
      CHECK(data_of(c.get(conversation(again[i]))).at("updatedAt") == json::string(updated_at(e, again[i])));
    }
    CHECK(std::vector<std::string>(again.begin() + 7, again.end()) ==
          std::vector<std::string>(first.begin(), first.end() - 7));
    CHECK(e.logs_listed() == 100);

    // A naive walk: 12 pages of 50, each after the first starting with the last 7 of the one
    // before (the 7 calls moved past it are never seen).
    testing::emulator fresh({.tls = false, .calls = 600, .touch_per_list = 7});
    raw_client f(fresh);
    const std::vector<std::string> walked = naive_walk(f, 50);
    const std::set<std::string> distinct(walked.begin(), walked.end());
    CHECK(walked.size() == 600);
    CHECK(fresh.logs_listed() == 600);
    CHECK(distinct.size() == 600 - 11 * 7);
    for (std::size_t page = 1; page < 12; ++page)
      CHECK(std::vector<std::string>(walked.begin() + 50 * page, walked.begin() + 50 * page + 7) ==
            std::vector<std::string>(walked.begin() + 50 * page - 7, walked.begin() + 50 * page));

    // The touches are chosen with the seed: the same walk sees the same calls.
    testing::emulator twin({.tls = false, .calls = 600, .touch_per_list = 7});
    raw_client t(twin);
    CHECK(naive_walk(t, 50) == walked);
    // Without touches, the same walk sees every call once.
    testing::emulator still({.tls = false, .calls = 600});
    raw_client s(still);
    const std::vector<std::string> once = naive_walk(s, 50);
    CHECK(std::set<std::string>(once.begin(), once.end()).size() == 600);
    CHECK(still.logs_listed() == 600);
  }

  TEST_CASE("pagination_lie: hasMore after the end, a page stuck at 1, a total that shrinks") {
    using lie = testing::pagination_lie;
    {
      testing::emulator e({.tls = false, .calls = 120, .pagination_lie = lie::more_after_end});
      raw_client c(e);
      auto list = [&](int page) {
        return data_of(c.get("/atoms/v1/conversation?limit=50&page=" + std::to_string(page)));
      };
      CHECK(list(1).at("pagination").at("hasMore") == true);
      const json::object last = list(3);
      CHECK(last.at("logs").as_array().size() == 20);
      CHECK(last.at("pagination") ==
            json::object{{"total", 120}, {"page", 3}, {"limit", 50}, {"hasMore", true}, {"totalPages", 3}});
      const json::object past = list(4);
      CHECK(past.at("logs").as_array().empty());
      CHECK(past.at("pagination").at("hasMore") == true);
      CHECK(list(1'000'000).at("pagination").at("hasMore") == true);
      CHECK(naive_walk(c, 50, 10).size() == 120);  // only max_pages ends that walk
    }
    {
      testing::emulator e({.tls = false, .calls = 120, .pagination_lie = lie::page_stuck});
      raw_client c(e);
      const json::object one = data_of(c.get("/atoms/v1/conversation?limit=50"));
      CHECK(one.at("pagination") ==
            json::object{{"total", 120}, {"page", 1}, {"limit", 50}, {"hasMore", true}, {"totalPages", 3}});
      for (const char* page : {"2", "3", "4", "99"}) {
        CAPTURE(page);
        const json::object d = data_of(c.get(std::string("/atoms/v1/conversation?limit=50&page=") + page));
        CHECK(d.at("pagination") == one.at("pagination"));
        CHECK(log_ids(d) == log_ids(one));
      }
    }
    {
      testing::emulator e({.tls = false, .calls = 120, .pagination_lie = lie::total_shrinks});
      raw_client c(e);
      const std::vector<std::int64_t> totals = {120, 60, 30, 15, 7, 3, 1, 0, 0};
      for (std::size_t i = 0; i < totals.size(); ++i) {
        CAPTURE(i);
        const json::object d =
            data_of(c.get("/atoms/v1/conversation?limit=50&page=" + std::to_string(i % 3 + 1)));
        const std::int64_t pages = (totals[i] + 49) / 50;
        CHECK(d.at("pagination") == json::object{{"total", totals[i]},
                                                 {"page", static_cast<std::int64_t>(i % 3 + 1)},
                                                 {"limit", 50},
                                                 {"hasMore", true},
                                                 {"totalPages", pages}});
        CHECK(d.at("logs").as_array().size() == (i % 3 == 2 ? 20u : 50u));  // the page asked
      }
    }
  }

  TEST_CASE("latency: concurrent requests wait together, recorded as they arrive") {
    testing::emulator e({.tls = false, .latency = 200ms});  // one server thread
    constexpr int n = 8;
    std::vector<std::unique_ptr<raw_client>> clients;
    for (int i = 0; i < n; ++i) clients.push_back(std::make_unique<raw_client>(e));
    std::latch go(n);
    std::atomic<int> answered{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
      threads.emplace_back([&, i] {
        go.arrive_and_wait();
        if (clients[static_cast<std::size_t>(i)]->get(conversation(example_id)).result_int() == 200)
          ++answered;
      });
    for (auto& t : threads) t.join();
    CHECK(answered == n);
    CHECK(e.max_concurrent_requests() == n);
    CHECK(e.requests_served() == n);

    // One at a time: the highest count since the reset is 1.
    e.reset_max_concurrent_requests();
    CHECK(e.max_concurrent_requests() == 0);
    CHECK(clients[0]->get("/atoms/v1/conversation").result_int() == 200);
    CHECK(clients[1]->get("/atoms/v1/nope").result_int() == 404);  // every answer waits
    CHECK(e.max_concurrent_requests() == 1);

    CHECK(e.requests_served() == n + 2);

    // A request is recorded when read, before its latency: seen long before its answer. And
    // an emulator stopping does not wait for its answers' latency.
    testing::emulator slow({.tls = false, .latency = 600s});
    raw_client waiting(slow);
    http::request<http::string_body> req{http::verb::get, "/atoms/v1/conversation?page=2", 11};
    req.set(http::field::host, "localhost");
    req.set(http::field::authorization, "Bearer test-key");
    REQUIRE_FALSE(waiting.send(req));
    CHECK(eventually([&] { return slow.requests().size() == 1; }));
    CHECK(slow.requests().at(0).target == "/atoms/v1/conversation?page=2");
    CHECK(slow.requests_served() == 0);
    CHECK(slow.max_concurrent_requests() == 1);
  }

  TEST_CASE("fault status: the first two requests get 429 with Retry-After, then the request is routed") {
    using kind = testing::fault::kind;
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      testing::emulator e({.tls = tls,
                           .faults = {.faults = {{.what = kind::status,
                                                  .first = 2,
                                                  .status = 429,
                                                  .retry_after = "2",
                                                  .rate_limit_reset = "1767225600"}}}});
      raw_client c(e);
      for (int i = 0; i < 2; ++i) {
        const response res = c.get(conversation(example_id));
        check_error(res, 429, "Too many requests, please try again later.");
        CHECK(res[http::field::retry_after] == "2");
        CHECK(res["X-RateLimit-Reset"] == "1767225600");
        CHECK(res.keep_alive());
      }
      const response routed = c.get(conversation(example_id));
      CHECK(routed.result_int() == 200);
      CHECK(routed.find(http::field::retry_after) == routed.end());
      CHECK(e.faults_injected() == 2);
      CHECK(e.requests_served() == 3);
      CHECK(e.requests().size() == 3);
      CHECK(e.connections_accepted() == 1);
    }

    // The OpenAPI document's 429 shape, its routeClass the first segment of the path; the
    // fault answers before authentication and routing (a gateway's answer).
    testing::emulator e({.tls = false});
    e.set_faults({.faults = {{.first = 1, .status = 429, .body_retry_after_sec = 7}}});
    raw_client c(e);
    const response limited = c.get("/atoms/v1/conversation?limit=5", std::nullopt);
    CHECK(limited.result_int() == 429);
    check_headers(limited);
    CHECK(limited.find(http::field::retry_after) == limited.end());
    CHECK(e.logs_listed() == 0);  // not routed
    CHECK(json::parse(limited.body()) == json::parse(R"({"message":"Rate limit exceeded",
                          "rateLimit":{"routeClass":"conversation","limit":10,"retryAfterSec":7}})"));

    // 503 by default, in the usual error shape.
    e.set_faults({.faults = {{.every = 1}}});
    check_error(c.get(conversation(example_id)), 503, "Service temporarily unavailable");
    CHECK(e.faults_injected() == 1);
  }

  TEST_CASE("fault counting: every third request, scoped by path_prefix; first and every, in order") {
    testing::emulator e(
        {.tls = false, .faults = {.faults = {{.every = 3, .path_prefix = "/conversation/", .status = 500}}}});
    raw_client c(e);
    std::vector<unsigned> got;
    for (int i = 0; i < 7; ++i) got.push_back(c.get(conversation(example_id)).result_int());
    CHECK(got == std::vector<unsigned>{200, 200, 500, 200, 200, 500, 200});
    // Neither "/conversation" nor a path outside the base starts with the prefix: not
    // counted, so the next two matching requests are the 8th and the 9th.
    CHECK(c.get("/atoms/v1/conversation").result_int() == 200);
    CHECK(c.get("/elsewhere/conversation/x").result_int() == 404);
    CHECK(c.get(conversation(example_id)).result_int() == 200);
    check_error(c.get(conversation(example_id)), 500, "Internal server error");
    CHECK(e.faults_injected() == 3);

    // The prefix "" takes every request of the origin, outside the base path too.
    e.set_faults({.faults = {{.first = 1, .status = 502}}});
    check_error(c.get("/elsewhere"), 502, "Bad Gateway");

    // A request reaches the second fault only when the first lets it pass: the first takes
    // requests 1, 4 and 8 (first = 1, every = 4 of all), the second every other one of the
    // rest (3 and 6).
    e.set_faults({.faults = {{.first = 1, .every = 4, .status = 502}, {.every = 2, .status = 504}}});
    got.clear();
    for (int i = 0; i < 8; ++i) got.push_back(c.get(conversation(example_id)).result_int());
    CHECK(got == std::vector<unsigned>{502, 200, 504, 502, 200, 504, 200, 502});
    CHECK(e.faults_injected() == 5);
  }

  TEST_CASE("fault reset_mid_body: the header and half the body, then a reset") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      testing::emulator e(
          {.tls = tls, .faults = {.faults = {{.what = testing::fault::kind::reset_mid_body, .first = 1}}}});
      raw_client c(e);
      REQUIRE_FALSE(c.send(authorized_get(conversation(example_id))));
      http::response_parser<http::string_body> cut;
      const error_code ec = c.receive(cut);
      CAPTURE(ec.message());
      CHECK(ec == asio::error::connection_reset);
      REQUIRE(cut.is_header_done());
      CHECK(cut.get().result_int() == 200);
      CHECK(e.faults_injected() == 1);
      CHECK(e.requests_served() == 1);
      CHECK(eventually([&] { return e.open_connections() == 0; }));

      // The same request, answered whole on a new connection: what arrived was its first half.
      raw_client again(e);
      const std::string body = again.get(conversation(example_id)).body();
      CHECK(cut.get()[http::field::content_length] == std::to_string(body.size()));
      CHECK(cut.get().body() == body.substr(0, body.size() / 2));
    }
  }

  TEST_CASE("fault short_body: a Content-Length larger than the body, then a clean close") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      testing::emulator e(
          {.tls = tls, .faults = {.faults = {{.what = testing::fault::kind::short_body, .first = 1}}}});
      raw_client c(e);
      REQUIRE_FALSE(c.send(authorized_get(conversation(example_id))));
      http::response_parser<http::string_body> cut;
      CHECK(c.receive(cut) == http::error::partial_message);  // end of stream inside the body
      REQUIRE(cut.is_header_done());
      const std::string& body = cut.get().body();
      CHECK(cut.get()[http::field::content_length] == std::to_string(2 * body.size()));
      CHECK(json::parse(body).at("data").at("callId") == example_id);  // all of it came
      CHECK(eventually([&] { return e.open_connections() == 0; }));
      CHECK(e.faults_injected() == 1);
      CHECK(e.requests_served() == 1);
    }
  }

  TEST_CASE("fault malformed_json: 200, application/json, a body that is not JSON; the connection stays") {
    testing::emulator e(
        {.tls = false, .faults = {.faults = {{.what = testing::fault::kind::malformed_json, .first = 1}}}});
    raw_client c(e);
    const response bad = c.get(conversation("CALL-unknown"));  // routed 404, answered 200
    CHECK(bad.result_int() == 200);
    check_headers(bad);
    CHECK(bad.keep_alive());
    error_code ec;
    json::parse(bad.body(), ec);
    CHECK(ec);
    const response good = c.get(conversation("CALL-unknown"));
    check_error(good, 404, "Conversation log not found");
    CHECK(bad.body() == good.body().substr(0, good.body().size() / 2));
    CHECK(e.connections_accepted() == 1);
    CHECK(e.faults_injected() == 1);
  }

  TEST_CASE("fault slow: the answer comes after its delay, and the server thread serves others meanwhile") {
    testing::emulator e(
        {.tls = false,
         .faults = {.faults = {{.what = testing::fault::kind::slow, .first = 1, .delay = 300ms}}}});
    raw_client slow(e), quick(e);
    const auto start = std::chrono::steady_clock::now();
    REQUIRE_FALSE(slow.send(authorized_get(conversation(example_id))));
    CHECK(eventually([&] { return e.requests().size() == 1; }));
    CHECK(quick.get(conversation(example_id)).result_int() == 200);  // one thread, not held
    CHECK(std::chrono::steady_clock::now() - start < 300ms);
    response res;
    REQUIRE_FALSE(slow.receive(res));
    CHECK(std::chrono::steady_clock::now() - start >= 300ms);
    CHECK(res.result_int() == 200);
    CHECK(res.body() == quick.get(conversation(example_id)).body());
    CHECK(e.faults_injected() == 1);
    CHECK(e.requests_served() == 3);
  }

  TEST_CASE("fault stall and close: no answer, recorded but not served") {
    using kind = testing::fault::kind;
    testing::emulator e({.tls = false});
    e.set_faults({.faults = {{.what = kind::close, .first = 1, .path_prefix = "/conversation/"},
                             {.what = kind::stall, .first = 1}}});
    raw_client closed(e);
    REQUIRE_FALSE(closed.send(authorized_get(conversation(example_id))));
    response res;
    CHECK(closed.receive(res) == http::error::end_of_stream);

    raw_client stalled(e);
    REQUIRE_FALSE(stalled.send(authorized_get("/atoms/v1/conversation")));
    CHECK(stalled.receive(res, 200ms) == beast::error::timeout);   // the client gives up...
    CHECK(eventually([&] { return e.open_connections() == 0; }));  // ...and the server sees it
    CHECK(e.faults_injected() == 2);
    CHECK(e.requests().size() == 2);
    CHECK(e.requests_served() == 0);
  }

  TEST_CASE("fault max_requests_per_connection: the second answer says close, then end of stream") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      testing::emulator e({.tls = tls, .faults = {.max_requests_per_connection = 2}});
      for (int connection = 1; connection <= 2; ++connection) {
        raw_client c(e);
        CHECK(c.get(conversation(example_id)).keep_alive());
        const response last = c.get(conversation(example_id));
        CHECK(last.result_int() == 200);
        CHECK_FALSE(last.keep_alive());
        CHECK(last[http::field::connection] == "close");
        response none;
        CHECK(c.receive(none) == http::error::end_of_stream);
      }
      CHECK(e.connections_accepted() == 2);
      CHECK(e.requests_served() == 4);
      CHECK(e.faults_injected() == 2);
      CHECK(eventually([&] { return e.open_connections() == 0; }));
    }
  }

  TEST_CASE("fault chunked: Transfer-Encoding chunked, three chunks, the same body, keep-alive kept") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      testing::emulator e({.tls = tls});
      raw_client c(e);
      const response plain = c.get(conversation(example_id));
      const response missing = c.get(conversation("CALL-unknown"));
      e.set_faults({.chunked = true});
      for (const response* expected : {&plain, &missing}) {
        const bool found = expected == &plain;
        REQUIRE_FALSE(c.send(authorized_get(conversation(found ? example_id : "CALL-unknown"))));
        http::response_parser<http::string_body> parser;
        int chunks = 0;
        auto on_chunk = [&chunks](std::uint64_t size, beast::string_view, error_code&) {
          if (size > 0) ++chunks;
        };
        parser.on_chunk_header(on_chunk);
        REQUIRE_FALSE(c.receive(parser));
        const auto& res = parser.get();
        CHECK(res.chunked());
        CHECK(res[http::field::transfer_encoding] == "chunked");
        CHECK(res.find(http::field::content_length) == res.end());
        CHECK(res.result_int() == expected->result_int());
        CHECK(res.body() == expected->body());
        CHECK(chunks == 3);
        CHECK(res.keep_alive());
      }
      CHECK(e.connections_accepted() == 1);
      CHECK(e.faults_injected() == 0);  // valid HTTP, not a fault
    }
  }

  TEST_CASE("fault tls_handshake_failure: the handshake fails with an alert until set_faults({})") {
    testing::emulator e({.faults = {.tls_handshake_failure = true}});
    raw_client refused;
    const error_code ec = refused.connect(e);
    CAPTURE(ec.message());
    CHECK(ec.category() == asio::error::get_ssl_category());
    CHECK(ec.message().find("handshake failure") != std::string::npos);
    CHECK(e.connections_accepted() == 1);  // TCP itself is accepted
    CHECK(e.faults_injected() == 1);
    CHECK(e.requests().empty());

    e.set_faults({});
    raw_client c(e);
    CHECK(c.get(conversation(example_id)).result_int() == 200);

    // Without TLS there is no handshake to refuse.
    testing::emulator plain({.tls = false, .faults = {.tls_handshake_failure = true}});
    raw_client p(plain);
    CHECK(p.get(conversation(example_id)).result_int() == 200);
    CHECK(plain.faults_injected() == 0);
  }

  TEST_CASE(
      "fault plans: set at run time with fresh counters, before the interceptor; invalid ones refused") {
    testing::emulator e({.tls = false});
    std::atomic<int> intercepted{0};
    e.set_interceptor([&](const testing::recorded_request&) -> std::optional<testing::reply> {
      ++intercepted;
      return std::nullopt;
    });
    raw_client c(e);
    const testing::fault_plan once{.faults = {{.first = 1}}};
    e.set_faults(once);
    CHECK(c.get(conversation(example_id)).result_int() == 503);
    CHECK(intercepted == 0);  // a faulted request never reaches the interceptor
    CHECK(c.get(conversation(example_id)).result_int() == 200);
    CHECK(intercepted == 1);
    CHECK(e.faults_injected() == 1);
    e.set_faults(once);  // counters start again
    CHECK(e.faults_injected() == 0);
    CHECK(c.get(conversation(example_id)).result_int() == 503);

    const testing::fault_plan never{.faults = {{}}};
    const testing::fault_plan not_an_error{.faults = {{.every = 1, .status = 200}}};
    CHECK_THROWS_AS(e.set_faults(never), std::invalid_argument);
    CHECK_THROWS_AS(e.set_faults(not_an_error), std::invalid_argument);
    CHECK_THROWS_AS(testing::emulator({.faults = never}), std::invalid_argument);
    CHECK(e.faults_injected() == 1);  // the plan in force stays
    CHECK(c.get(conversation(example_id)).result_int() == 200);
    CHECK(e.requests().size() == 4);
    CHECK(e.requests_served() == 4);
  }

  TEST_CASE("fault: unused_port() refuses connections") {
    const std::uint16_t port = testing::emulator::unused_port();
    CHECK(port != 0);
    asio::io_context ioc;
    tcp::socket socket(ioc);
    error_code ec;
    socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    CHECK(ec == asio::error::connection_refused);
  }

  TEST_CASE("emulator_options::port: the API origin listens where asked; a port in use throws saying so") {
    const std::uint16_t port = testing::emulator::unused_port();
    testing::emulator e({.tls = false, .port = port});
    CHECK(e.port() == port);
    CHECK(e.base_url() == "http://127.0.0.1:" + std::to_string(port) + "/atoms/v1");
    CHECK(e.recording_port() != port);
    raw_client c(e);
    CHECK(c.get("/atoms/v1/conversation/" + std::string(example_id)).result_int() == 200);

    try {
      testing::emulator second({.tls = false, .port = port});
      FAIL("a second emulator listened on port " << port);
    } catch (const std::system_error& error) {
      CHECK(error.code() == std::errc::address_in_use);
      CHECK(std::string(error.what()).find("cannot listen on 127.0.0.1:" + std::to_string(port)) !=
            std::string::npos);
    }
    CHECK(c.get("/atoms/v1/conversation/" + std::string(example_id)).result_int() == 200);
  }

}  // TEST_SUITE

#ifdef ATOMS_EMULATOR_BINARY
// The atoms-emulator program (tools/atoms_emulator), run as a process. Its client here is
// ours, configured from nothing but the lines the program prints, as a script would be.
namespace {

namespace atoms = smallest::atoms;

// atoms-emulator with `args`, and no environment of the shell's but what the platform reads.
atoms_test::child_process emulator_process(const std::vector<std::string>& args) {
  return atoms_test::child_process(ATOMS_EMULATOR_BINARY, args);
}

// The value of the line "KEY=VALUE" in `text`; "" if there is none.
std::string printed(const std::string& text, const std::string& key) {
  const auto at = ("\n" + text).find("\n" + key + "=");
  if (at == std::string::npos) return {};
  const auto begin = at + key.size() + 1;
  return text.substr(begin, text.find('\n', begin) - begin);
}

}  // namespace

TEST_SUITE("emulator program") {
  TEST_CASE("atoms-emulator prints a URL, a key and a CA file our client uses, and stops on SIGTERM") {
    atoms_test::child_process p = emulator_process({"--port", "0", "--calls", "25", "--seed", "7"});
    const std::string out = p.read_stdout_until("ATOMS_CA_FILE");
    INFO("stdout: " << out);
    CHECK(out.starts_with("# atoms-emulator: serving 25 calls (seed 7) over HTTPS on 127.0.0.1:"));
    const std::string base_url = printed(out, "SMALLEST_BASE_URL");
    const std::string api_key = printed(out, "SMALLEST_API_KEY");
    const std::string ca_file = printed(out, "ATOMS_CA_FILE");
    REQUIRE(base_url.starts_with("https://localhost:"));
    REQUIRE(base_url.ends_with("/atoms/v1"));
    CHECK(api_key == "test-key");
    REQUIRE_FALSE(ca_file.empty());
    CHECK(std::filesystem::exists(ca_file));

    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{
          io.get_executor(),
          {.base_url = base_url, .api_key = api_key, .ca_file = ca_file, .use_system_ca = false}};
      atoms::call_filter first_page{};
      atoms::call_page page = co_await client.async_get_calls(first_page);
      CHECK(page.logs.size() == 5);
      CHECK(page.pagination.total == 25);
    });

    p.signal(SIGTERM);
    const std::optional<int> status = p.wait(10s);
    REQUIRE_MESSAGE(status.has_value(), "atoms-emulator did not exit within 10 s of SIGTERM (killed)");
    CHECK(*status == 0);
    const std::string err = p.read_stderr();
    CHECK(err.find("atoms-emulator: stopped (1 request served)") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(ca_file));
  }

  TEST_CASE("atoms-emulator --plain prints no CA line and stops on SIGINT") {
    atoms_test::child_process p = emulator_process({"--plain", "--api-key", "other key"});
    const std::string out = p.read_stdout_until("SMALLEST_API_KEY");
    INFO("stdout: " << out);
    CHECK(printed(out, "SMALLEST_BASE_URL").starts_with("http://127.0.0.1:"));
    CHECK(printed(out, "SMALLEST_API_KEY") == "'other key'");  // quoted for the shell
    CHECK(out.find("ATOMS_CA_FILE") == std::string::npos);
    p.signal(SIGINT);
    CHECK(p.wait(10s) == 0);
    CHECK(p.read_stderr().find("stopped (0 requests served)") != std::string::npos);
  }

  TEST_CASE("atoms-emulator: bad options exit 2 with one line on stderr, --help exits 0") {
    {
      atoms_test::child_process p = emulator_process({"--frobnicate"});
      CHECK(p.wait(10s) == 2);
      const std::string err = p.read_stderr();
      CHECK(err == "atoms-emulator: unknown option \"--frobnicate\" (see --help)\n");
      CHECK(p.read_stdout().empty());
    }
    {
      atoms_test::child_process p = emulator_process({"--fault", "slow:status=500"});
      CHECK(p.wait(10s) == 2);
      CHECK(p.read_stderr() == "atoms-emulator: --fault slow: status applies to status faults only\n");
    }
    {
      atoms_test::child_process p = emulator_process({"--delivery-drop", "1.5"});
      CHECK(p.wait(10s) == 2);
      CHECK(p.read_stderr() == "atoms-emulator: --delivery-drop wants a share from 0 to 1, not \"1.5\"\n");
    }
    {
      atoms_test::child_process p =
          emulator_process({"--delivery-delay-min", "50", "--delivery-delay-max", "10"});
      CHECK(p.wait(10s) == 2);
      CHECK(p.read_stderr() == "atoms-emulator: --delivery-delay-min must not exceed --delivery-delay-max\n");
    }
    {
      atoms_test::child_process p = emulator_process({"--help"});
      CHECK(p.wait(10s) == 0);
      CHECK(p.read_stdout().starts_with("usage: atoms-emulator"));
      CHECK(p.read_stderr().empty());
    }
  }

  TEST_CASE("atoms-emulator: a port in use exits 1 saying so") {
    testing::emulator holder({.tls = false});
    atoms_test::child_process p = emulator_process({"--port", std::to_string(holder.port())});
    CHECK(p.wait(10s) == 1);
    CHECK(p.read_stderr().find("port " + std::to_string(holder.port()) + " of 127.0.0.1 is in use") !=
          std::string::npos);
  }

}  // TEST_SUITE
#endif
