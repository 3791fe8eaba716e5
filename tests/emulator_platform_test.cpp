// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
//
// The emulator's platform routes (agents, phone numbers, audiences, campaigns) and the dialing
// of a started campaign, through the plain Beast client: the shapes and messages of the
// OpenAPI document, whatever our own client does with them.

#include <smallest/atoms/testing/detail/multipart.hpp>
#include <smallest/atoms/testing/detail/routes_platform.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <doctest/doctest.h>

#include "raw_client.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

// A named namespace, not an anonymous one: CI builds the tests in unity batches, where this
// file's helpers meet emulator_test.cpp's of the same names.
namespace emulator_platform_test {

namespace http = boost::beast::http;
namespace json = boost::json;
namespace testing = smallest::atoms::testing;
namespace detail = smallest::atoms::testing::detail;
using raw_http::raw_client;
using raw_http::response;
using namespace std::chrono_literals;

const std::string v1 = "/atoms/v1";

json::value body_of(const response& res) { return json::parse(res.body()); }

// `data` of a 2xx answer with the given status.
json::value data_of(const response& res, unsigned status = 200) {
  CHECK(res.result_int() == status);
  const json::value v = body_of(res);
  CHECK(v.at("status") == true);
  return v.as_object().contains("data") ? v.at("data") : json::value();
}

void check_error(const response& res, unsigned status, const std::string& message) {
  CHECK(res.result_int() == status);
  CHECK(body_of(res) ==
        json::parse(R"({"status":false,"errors":[)" + json::serialize(json::string(message)) + "]}"));
}

response post_json(raw_client& c, const std::string& path, const json::value& body) {
  return c.request(http::verb::post, v1 + path, json::serialize(body));
}

// A multipart/form-data body of the given parts (name, filename or "", content), CRLF
// throughout, and its Content-Type.
struct form {
  std::string content_type;
  std::string body;
};
form make_form(const std::vector<std::vector<std::string>>& parts, const std::string& boundary = "b0UNd4ry",
               bool quoted_boundary = false) {
  form f;
  f.content_type = "multipart/form-data; boundary=" + (quoted_boundary ? "\"" + boundary + "\"" : boundary);
  f.body = "preamble to ignore\r\n";
  for (const auto& p : parts) {
    f.body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p[0] + "\"";
    if (!p[1].empty()) f.body += "; filename=\"" + p[1] + "\"\r\nContent-Type: text/csv";
    f.body += "\r\n\r\n" + p[2] + "\r\n";
  }
  f.body += "--" + boundary + "--\r\nepilogue";
  return f;
}

response post_form(raw_client& c, const form& f) {
  http::request<http::string_body> req{http::verb::post, v1 + "/audience", 11};
  req.set(http::field::host, "localhost");
  req.set(http::field::authorization, "Bearer test-key");
  req.set(http::field::content_type, f.content_type);
  req.body() = f.body;
  CHECK_FALSE(c.send(req));
  response res;
  CHECK_FALSE(c.receive(res));
  return res;
}

std::string create_agent(raw_client& c, const std::string& name) {
  const json::value id = data_of(
      post_json(c, "/agent", json::object{{"name", name}, {"prompt", "You are a sales agent."}}), 201);
  REQUIRE(id.is_string());
  return std::string(id.as_string());
}

std::string create_audience(raw_client& c, const std::string& csv) {
  const json::value a = data_of(post_form(
      c, make_form(
             {{"name", "", "Leads"}, {"phoneNumberColumnName", "", "phoneNumber"}, {"file", "a.csv", csv}})));
  return std::string(a.at("_id").as_string());
}

std::string create_campaign(raw_client& c, const std::string& agent, const std::string& audience) {
  const json::value camp =
      data_of(post_json(c, "/campaign",
                        json::object{{"name", "Spring"}, {"agentId", agent}, {"audienceId", audience}}),
              201);
  return std::string(camp.at("_id").as_string());
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST_SUITE("emulator platform") {
  TEST_CASE("multipart parser and CSV reader: RFC 7578 and RFC 4180, strictly") {
    // Boundary: bare or quoted, case-insensitive type; anything else is no boundary.
    CHECK(detail::multipart_boundary("multipart/form-data; boundary=abc") == "abc");
    CHECK(detail::multipart_boundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b;c\"") == "a b;c");
    CHECK_FALSE(detail::multipart_boundary("application/json"));
    CHECK_FALSE(detail::multipart_boundary("multipart/form-data"));

    // Parts in any order, an escaped quote in a filename, a preamble and an epilogue.
    const std::string csv =
        "phoneNumber,firstName,lastName\r\n"
        "+14155550100,\"Smith, Jr.\",\"O\"\"Brien\"\r\n"
        "+14155550101,Zoë,\"line one\r\nline two\"\r\n"
        "+819012345678,東京,\n";
    std::string body =
        "ignored preamble\r\n--XyZ\r\ncontent-disposition: form-data; name=\"file\"; filename=\"my "
        "\\\"list\\\".csv\"\r\n"
        "Content-Type: text/csv\r\n\r\n" +
        csv + "\r\n--XyZ\r\nContent-Disposition: form-data; name=name\r\n\r\nLeads\r\n--XyZ--\r\ntrailing";
    const detail::multipart_form f = detail::parse_multipart(body, "XyZ");
    REQUIRE(f.error.empty());
    REQUIRE(f.parts.size() == 2);
    CHECK(f.parts[0].name == "file");
    CHECK(f.parts[0].filename == std::optional<std::string>("my \"list\".csv"));
    CHECK(f.parts[0].content_type == "text/csv");
    CHECK(f.parts[0].body == csv);
    CHECK(f.find("name")->body == "Leads");
    CHECK_FALSE(f.parts[1].filename);

    const detail::csv_table t = detail::read_csv(csv);
    REQUIRE(t.error.empty());
    REQUIRE(t.rows.size() == 4);
    CHECK(t.rows[1] == std::vector<std::string>{"+14155550100", "Smith, Jr.", "O\"Brien"});
    CHECK(t.rows[2] == std::vector<std::string>{"+14155550101", "Zoë", "line one\r\nline two"});
    CHECK(t.rows[3] == std::vector<std::string>{"+819012345678", "東京", ""});
    CHECK(detail::read_csv("a,b\n1,2").rows.size() == 2);  // LF, no final line end
    CHECK(detail::read_csv("a\r\n\"x").error.find("never closed") != std::string::npos);
    CHECK(detail::read_csv("a\r\nx\"y").error.find("quote inside") != std::string::npos);
    CHECK(detail::read_csv("a\r\n\"x\"y").error.find("followed by") != std::string::npos);

    // No closing delimiter, a part without a name, a boundary not followed by CRLF.
    CHECK(detail::parse_multipart("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n", "XyZ")
              .error.find("no closing boundary") != std::string::npos);
    CHECK(detail::parse_multipart("--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--", "XyZ")
              .error.find("no name") != std::string::npos);
    CHECK_FALSE(detail::parse_multipart("--XyZjunk\r\n\r\n--XyZ--", "XyZ").error.empty());
    CHECK(detail::parse_multipart("nothing here", "XyZ").error == "no multipart boundary found");

    CHECK(detail::e164("+14155550100"));
    CHECK_FALSE(detail::e164("+0155550100"));
    CHECK_FALSE(detail::e164("14155550100"));
    CHECK_FALSE(detail::e164("+1234567"));
    CHECK(detail::e164("+12345678"));
    CHECK_FALSE(detail::e164("+1234567890123456"));
  }

  TEST_CASE("agents and phone numbers: create, get, list, archive") {
    testing::emulator e;
    raw_client c(e);
    check_error(post_json(c, "/agent", json::object{{"description", "no name"}}), 400, "name is required");
    const std::string id = create_agent(c, "Outreach Bot");
    CHECK(id.size() == 24);
    const json::value agent = data_of(c.get(v1 + "/agent/" + id));
    CHECK(agent.at("name") == "Outreach Bot");
    CHECK(agent.at("archived") == false);
    CHECK(agent.at("_resolvedConfig").at("prompt") == "You are a sales agent.");
    CHECK(agent.at("_resolvedConfig").at("postCallAnalyticsConfig").at("dispositionMetrics") ==
          json::array{});
    // A full agent: its branch takes a published configuration, its page route too.
    const json::value branches = data_of(c.get(v1 + "/agent/" + id + "/branches"));
    CHECK(branches.at("branches").at(0).at("branch").at("name") == "main");
    CHECK(data_of(post_json(c, "/agent/" + id + "/post-call-analytics",
                            json::parse(R"({"dispositionMetrics":[{"identifier":"user_name",
                                "dispositionMetricPrompt":"Name?","dispositionValues":{"type":"STRING"}}]})")))
              .at("dispositionMetrics")
              .as_array()
              .size() == 1);

    // Pages of offset (the page size), newest first; search; seeded agents listed too.
    const json::value all = data_of(c.get(v1 + "/agent?offset=2"));
    CHECK(all.at("total") == 4);
    CHECK(all.at("agents").as_array().size() == 2);
    CHECK(all.at("agents").at(0).at("_id") == json::string(id));
    CHECK(data_of(c.get(v1 + "/agent?page=2&offset=3")).at("agents").as_array().size() == 1);
    CHECK(data_of(c.get(v1 + "/agent?search=outREACH%20bot")).at("total") == 1);
    check_error(c.get(v1 + "/agent?offset=0"), 400, "offset must be a positive integer");

    const json::value numbers = data_of(c.get(v1 + "/product/phone-numbers"));
    REQUIRE(numbers.as_array().size() == 2);
    CHECK(numbers.at(0).at("productType") == "telephony");
    CHECK(numbers.at(0).at("attributes").at("phoneNumber") == "+15551234567");

    CHECK(data_of(c.request(http::verb::delete_, v1 + "/agent/" + id + "/archive")) ==
          json::object{{"message", "Agent archived"}});
    CHECK(e.agent_archived(id));
    check_error(c.request(http::verb::delete_, v1 + "/agent/" + id + "/archive"), 409,
                "Agent is already archived");
    CHECK(data_of(c.get(v1 + "/agent")).at("total") == 3);
    CHECK(data_of(c.get(v1 + "/agent?archived=true")).at("agents").at(0).at("_id") == json::string(id));
    check_error(c.request(http::verb::delete_, v1 + "/agent/000000000000000000000000/archive"), 404,
                "Agent not found");
    CHECK(data_of(c.request(http::verb::delete_, v1 + "/agent/" + id + "/archive?on=false")) ==
          json::object{{"message", "Agent unarchived"}});
  }

  TEST_CASE("audiences: a CSV upload read for real, members paged and added, the documented errors") {
    testing::emulator e;
    raw_client c(e);
    const std::string csv =
        "phoneNumber,firstName,lastName\r\n+14155550100,\"Smith, Jr.\",\"O\"\"Brien\"\r\n"
        "+14155550101,Zoë,\"two\r\nlines\"\r\n+819012345678,東京,\r\n";
    const form f = make_form({{"file", "audience.csv", csv},
                              {"phoneNumberColumnName", "", "phoneNumber"},
                              {"name", "", "Leads"},
                              {"description", "", "Spring list"}},
                             "----x y=z", true);
    const json::value created = data_of(post_form(c, f));
    CHECK(created.at("name") == "Leads");
    CHECK(created.at("description") == "Spring list");
    CHECK(created.at("phoneNumberColumnName") == "phoneNumber");
    const std::string id(created.at("_id").as_string());
    const auto members = e.audience_members(id);
    REQUIRE(members.size() == 3);
    CHECK(members[0].at("data") == json::object{{"phoneNumber", "+14155550100"},
                                                {"firstName", "Smith, Jr."},
                                                {"lastName", "O\"Brien"}});
    CHECK(members[1].at("data").at("lastName") == "two\r\nlines");
    CHECK(members[2].at("data") == json::object{{"phoneNumber", "+819012345678"}, {"firstName", "東京"}});

    const json::value page = data_of(c.get(v1 + "/audience/" + id + "/members?page=2&offset=2"));
    CHECK(page.at("totalCount") == 3);
    CHECK(page.at("totalPages") == 2);
    CHECK(page.at("hasMore") == false);
    CHECK(page.at("members").as_array().size() == 1);
    CHECK(data_of(c.get(v1 + "/audience/" + id + "/members")).at("hasMore") == false);  // default offset 5

    const json::value added = data_of(post_json(
        c, "/audience/" + id + "/members", json::parse(R"({"members":[{"phoneNumber":"+14155550199"}]})")));
    CHECK(added.at(0).at("message") == "1 members added successfully");
    CHECK(e.audience_members(id).size() == 4);
    check_error(post_json(c, "/audience/" + id + "/members", json::parse(R"({"members":[{"name":"x"}]})")),
                400, "Each member must have a phoneNumber field");
    check_error(post_json(c, "/audience/" + id + "/members",
                          json::parse(R"({"members":[{"phoneNumber":"+14155550100"}]})")),
                400, std::string(detail::duplicate_numbers_message));
    CHECK(post_json(c, "/audience/" + id + "/members", json::parse(R"({"members":[{"phoneNumber":"0155"}]})"))
              .result_int() == 400);

    const json::value list = data_of(c.get(v1 + "/audience"));
    REQUIRE(list.is_array());
    CHECK(list.at(0).at("memberCount") == 4);
    CHECK(list.at(0).at("hasCampaigns") == false);
    check_error(c.get(v1 + "/audience/000000000000000000000000"), 404, "Audience not found");

    // The documented 400s, and a body cut before its closing delimiter.
    check_error(post_form(c, make_form({{"name", "", "x"}, {"phoneNumberColumnName", "", "phoneNumber"}})),
                400, "CSV file is required");
    check_error(post_form(c, make_form({{"name", "", "x"},
                                        {"phoneNumberColumnName", "", "phoneNumber"},
                                        {"file", "a.csv", "phoneNumber\n+14155550100\n+14155550100\n"}})),
                400, std::string(detail::duplicate_numbers_message));
    check_error(post_form(c, make_form({{"name", "", "x"},
                                        {"phoneNumberColumnName", "", "phone"},
                                        {"file", "a.csv", "phoneNumber\n+14155550100\n"}})),
                400, "Column \"phone\" (phoneNumberColumnName) not found in the CSV header");
    check_error(post_form(c, make_form({{"name", "", "x"},
                                        {"phoneNumberColumnName", "", "phoneNumber"},
                                        {"file", "a.csv", "phoneNumber\n+14155550100\n+0155\n"}})),
                400, "Row 2: invalid phone number \"+0155\" (E.164: + and 8 to 15 digits)");
    form cut =
        make_form({{"name", "", "x"}, {"phoneNumberColumnName", "", "phoneNumber"}, {"file", "a.csv", csv}});
    cut.body.resize(cut.body.rfind("--b0UNd4ry--"));
    CHECK(std::string_view(body_of(post_form(c, cut)).at("errors").at(0).as_string())
              .starts_with("Malformed multipart body"));

    CHECK(data_of(c.request(http::verb::delete_, v1 + "/audience/" + id)) == json::array{});
    CHECK(e.audience_members(id).empty());
  }

  TEST_CASE("a started campaign dials each member: completed calls, then analytics, then completed") {
    testing::emulator e(
        {.campaign_start_delay = 200ms, .campaign_call_interval = 40ms, .analytics_delay = 800ms});
    raw_client c(e);
    const std::string agent = create_agent(c, "Sales Agent");
    (void)data_of(post_json(c, "/agent/" + agent + "/post-call-analytics", json::parse(R"({
        "summaryPrompt":"Summarize this sales call briefly.",
        "dispositionMetrics":[
          {"identifier":"user_interested","dispositionMetricPrompt":"Interested?","dispositionValues":{"type":"ENUM"},
           "choices":["yes","no","unclear"]},
          {"identifier":"user_name","dispositionMetricPrompt":"Name?","dispositionValues":{"type":"STRING"}},
          {"identifier":"wants_callback","dispositionMetricPrompt":"Callback?","dispositionMetricType":"BOOLEAN"},
          {"identifier":"rating","dispositionMetricPrompt":"1-5?","dispositionMetricType":"INTEGER"},
          {"identifier":"callback_at","dispositionMetricPrompt":"When?","dispositionMetricType":"DATETIME"}]})")));
    const std::string audience =
        create_audience(c,
                        "phoneNumber,firstName,lastName\r\n+916366821717,Test,User\r\n+14155550100,Zoë,\r\n"
                        "+14155550101,,\r\n");
    const json::value phones = data_of(c.get(v1 + "/product/phone-numbers"));
    const std::string phone_id(phones.at(1).at("_id").as_string());

    check_error(post_json(c, "/campaign", json::object{{"name", "x"}, {"agentId", agent}}), 400,
                "audienceId is required");
    check_error(
        post_json(
            c, "/campaign",
            json::object{{"name", "x"}, {"agentId", agent}, {"audienceId", audience}, {"maxRetries", 11}}),
        400, "maxRetries must be an integer from 0 to 10");
    check_error(post_json(c, "/campaign",
                          json::object{{"name", "x"},
                                       {"agentId", agent},
                                       {"audienceId", audience},
                                       {"scheduledAt", "2020-01-01T00:00:00Z"}}),
                400, "scheduledAt must be in the future");
    const json::value created = data_of(post_json(c, "/campaign",
                                                  json::object{{"name", "Analytics Test"},
                                                               {"agentId", agent},
                                                               {"audienceId", audience},
                                                               {"phoneNumberIds", json::array{phone_id}}}),
                                        201);
    CHECK(created.at("agentId") == json::string(agent));  // the raw document: plain ids
    CHECK(created.at("audienceId") == json::string(audience));
    CHECK(created.at("status") == "draft");
    CHECK(created.at("maxRetries") == 3);
    CHECK(created.at("retryDelay") == 15);
    CHECK(created.at("participantsCount") == 3);
    const std::string id(created.at("_id").as_string());

    const json::value started = data_of(c.request(http::verb::post, v1 + "/campaign/" + id + "/start"), 202);
    CHECK(started.at("message") == "Campaign is being processed");
    CHECK(started.at("campaignId") == json::string(id));
    CHECK(e.campaign(id)->at("status") == "processing");
    check_error(c.request(http::verb::post, v1 + "/campaign/" + id + "/start"), 400,
                "Campaign is already processing");

    // The first call appears completed, without analytics.
    REQUIRE(eventually([&] { return !e.campaign_call_ids(id).empty(); }));
    const std::string first = e.campaign_call_ids(id).front();
    const json::value fresh = data_of(c.get(v1 + "/conversation/" + first));
    CHECK(fresh.at("status") == "completed");
    CHECK_FALSE(fresh.as_object().contains("postCallAnalytics"));
    CHECK(e.campaign(id)->at("status") == "running");

    REQUIRE(eventually([&] { return e.campaign(id)->at("status") == "completed"; }));
    const json::value details = data_of(c.get(v1 + "/campaign/" + id));
    CHECK(details.at("campaign").at("agent").at("_id") == json::string(agent));
    CHECK(details.at("campaign").at("agent").at("name") == "Sales Agent");
    CHECK(details.at("campaign").at("audience").at("name") == "Leads");
    CHECK(details.at("metrics") ==
          json::object{{"total_participants", 3}, {"contacts_called", 3}, {"contacts_connected", 3}});
    CHECK(details.at("events").as_array().size() >= 3);

    const auto calls = e.campaign_call_ids(id);
    REQUIRE(calls.size() == 3);
    const std::vector<std::string> to = {"+916366821717", "+14155550100", "+14155550101"};
    for (std::size_t i = 0; i < calls.size(); ++i) {
      CAPTURE(i);
      const json::value call = data_of(c.get(v1 + "/conversation/" + calls[i]));
      const std::string call_id(call.at("callId").as_string());
      CHECK(call_id.starts_with("CALL-"));
      CHECK(call_id.size() == std::string("CALL-1768842587790-69eb58").size());
      CHECK(call.at("agent").at("_id") == json::string(agent));
      CHECK(call.at("campaignId") == json::string(id));
      CHECK(call.at("type") == "telephony_outbound");
      CHECK(call.at("from") == "+912268093636");
      CHECK(call.at("to") == json::string(to[i]));
      CHECK(call.at("duration").as_int64() > 0);
      CHECK_FALSE(call.at("recordingUrl").as_string().empty());
      const std::string greeting(call.at("transcript").at(0).at("content").as_string());
      CHECK(greeting.find(i == 0 ? "Hi Test" : i == 1 ? "Hi Zoë" : "Hi there") != std::string::npos);
      const json::value& pca = call.at("postCallAnalytics");
      CHECK_FALSE(pca.at("summary").as_string().empty());
      const json::array& metrics = pca.at("dispositionMetrics").as_array();
      REQUIRE(metrics.size() == 5);
      CHECK(metrics[0].at("identifier") == "user_interested");
      const std::string choice(metrics[0].at("value").as_string());
      CHECK((choice == "yes" || choice == "no" || choice == "unclear"));
      CHECK(metrics[1].at("value") == (i == 0 ? "Test" : i == 1 ? "Zoë" : "unknown"));
      CHECK(metrics[2].at("value").is_bool());
      CHECK(metrics[3].at("value").is_int64());
      CHECK(metrics[4].at("value").as_string().size() == std::string("2026-01-19T17:09:47.790Z").size());
      for (const auto& m : metrics) {
        const double confidence = m.at("confidence").to_number<double>();
        CHECK(confidence >= 0.0);
        CHECK(confidence <= 1.0);
        CHECK_FALSE(m.at("reasoning").as_string().empty());
      }
    }
    // The conversation routes see them: the campaign filter, search, and the agent filter.
    const json::value listed = data_of(c.get(v1 + "/conversation?campaignIds=" + id + "&limit=50"));
    CHECK(listed.at("pagination").at("total") == 3);
    CHECK(data_of(c.get(v1 + "/conversation?agentIds=" + agent)).at("pagination").at("total") == 3);
    const json::value found = data_of(
        post_json(c, "/conversation/search", json::object{{"callIds", json::array{calls[2].c_str()}}}));
    CHECK(found.at("logs").at(0).at("callId") == json::string(calls[2]));
    check_error(c.request(http::verb::post, v1 + "/campaign/" + id + "/start"), 400,
                "Campaign is already completed");

    // In use: the audience cannot go, the agent archives once the campaign is completed.
    check_error(c.request(http::verb::delete_, v1 + "/audience/" + audience), 400,
                "can't delete audience, campaign with this audience " + audience + " exists");
    CHECK(data_of(c.request(http::verb::delete_, v1 + "/agent/" + agent + "/archive")).at("message") ==
          "Agent archived");
  }

  TEST_CASE("pause stops dialing, start resumes it; archiving an agent in use is 409") {
    testing::emulator e(
        {.campaign_start_delay = 10ms, .campaign_call_interval = 300ms, .analytics_delay = 10ms});
    raw_client c(e);
    const std::string agent = create_agent(c, "Pausing Agent");
    const std::string audience =
        create_audience(c, "phoneNumber\n+14155550100\n+14155550101\n+14155550102\n+14155550103\n");
    const std::string id = create_campaign(c, agent, audience);

    check_error(
        c.request(http::verb::delete_, v1 + "/agent/" + agent + "/archive"), 409,
        "Agent is associated with the draft campaign \"Spring\". Complete or remove the campaign before "
        "archiving.");
    check_error(c.request(http::verb::post, v1 + "/campaign/" + id + "/pause"), 400,
                "Campaign is draft; only a processing or running campaign can be paused");

    (void)data_of(c.request(http::verb::post, v1 + "/campaign/" + id + "/start"), 202);
    REQUIRE(eventually([&] { return e.campaign_call_ids(id).size() == 1; }));
    const response paused = c.request(http::verb::post, v1 + "/campaign/" + id + "/pause");
    CHECK(paused.result_int() == 200);
    CHECK(body_of(paused) == json::object{{"status", true}});  // no data
    std::this_thread::sleep_for(700ms);
    const auto after = e.campaign(id);
    CHECK(after->at("status") == "paused");
    CHECK(after->at("cancelledCallsCount") == 3);
    CHECK(after->contains("pausedAt"));
    CHECK(e.campaign_call_ids(id).size() == 1);
    check_error(
        c.request(http::verb::delete_, v1 + "/agent/" + agent + "/archive"), 409,
        "Agent is associated with the paused campaign \"Spring\". Complete or remove the campaign before "
        "archiving.");

    const json::value listed = data_of(c.get(v1 + "/campaign?status=paused&offset=1"));
    CHECK(listed.at("pagination") ==
          json::object{{"total", 1}, {"page", 1}, {"offset", 1}, {"hasMore", false}, {"totalPages", 1}});
    CHECK(listed.at("campaigns").at(0).at("agent").at("name") == "Pausing Agent");
    CHECK(listed.at("totalCampaignCount") == 1);
    check_error(c.get(v1 + "/campaign?status=stopped"), 400,
                "status must be one of draft, scheduled, processing, running, paused, completed, failed");

    (void)data_of(c.request(http::verb::post, v1 + "/campaign/" + id + "/start"), 202);
    CHECK(e.campaign(id)->at("status") == "running");
    REQUIRE(eventually([&] { return e.campaign(id)->at("status") == "completed"; }));
    CHECK(e.campaign_call_ids(id).size() == 4);

    const response deleted = c.request(http::verb::delete_, v1 + "/campaign/" + id);
    CHECK(body_of(deleted) == json::object{{"status", true}});
    check_error(c.get(v1 + "/campaign/" + id), 404, "Campaign not found");
    CHECK(data_of(c.request(http::verb::delete_, v1 + "/audience/" + audience)) == json::array{});
    CHECK(data_of(c.request(http::verb::delete_, v1 + "/agent/" + agent + "/archive")).at("message") ==
          "Agent archived");
  }
}

}  // namespace emulator_platform_test
