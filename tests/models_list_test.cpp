// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
//
// Tests of the listing models (`GET /conversation`, `POST /conversation/search`), the filter
// enumerations and the post-call analytics configuration. Every JSON text below is written by
// hand from the OpenAPI document (reference/atoms-openapi.yaml: `/conversation`,
// `/conversation/search`, `DispositionMetric`, `PostCallAnalyticsConfig`) and the product page
// (post-call-analytics), never produced by our own encoder; the encoder's output is compared
// with hand-written JSON, as values.

#include "documents.hpp"
#include "support.hpp"

#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/metric_value.hpp>
#include <smallest/atoms/models/open_enum.hpp>
#include <smallest/atoms/models/post_call_config.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace {

namespace atoms = smallest::atoms;
using atoms::call_attempt;
using atoms::call_log;
using atoms::call_page;
using atoms::call_status;
using atoms::call_type;
using atoms::disconnect_reason;
using atoms::duration_range;
using atoms::metric_config;
using atoms::metric_type;
using atoms::post_call_config;
using atoms::search_result;
using atoms::sort_field;
using atoms::sort_order;
using atoms::timestamp;
using atoms::detail::json_decode_error;

using atoms_test::utc;

// Decodes the `data` of a response, as the client does.
template <class T>
T decode_data(std::string_view response) {
  auto const jv = boost::json::parse(response);
  return atoms::detail::decode_json<T>(jv.at("data"), "$.data");
}

// The what() of decoding the `data` of `response` as a T, or "(no error)".
template <class T>
std::string decode_error(std::string_view response) {
  try {
    (void)decode_data<T>(response);
  } catch (json_decode_error const& e) {
    return e.what();
  }
  return "(no error)";
}

// What our encoder writes for `x`, next to the hand-written expectation, both as values.
template <class T>
void check_encodes_as(T const& x, std::string_view expected) {
  boost::json::value const got = boost::json::value_from(x);
  boost::json::value const want = boost::json::parse(expected);
  INFO("got:  ", boost::json::serialize(got));
  INFO("want: ", boost::json::serialize(want));
  CHECK(got == want);
}

using atoms_test::full_page;

}  // namespace

TEST_SUITE("models.list") {
  // ---- enumerations -----------------------------------------------------------------------------

  TEST_CASE("filter enumerations: the service's spellings, both ways") {
    CHECK(atoms::to_string(disconnect_reason::user_hangup) == "user_hangup");
    CHECK(atoms::to_string(disconnect_reason::agent_hangup) == "agent_hangup");
    CHECK(atoms::to_string(disconnect_reason::connection_error) == "connection_error");
    CHECK(atoms::to_string(disconnect_reason::timeout) == "timeout");
    CHECK(atoms::to_string(disconnect_reason::system_error) == "system_error");
    CHECK(atoms::to_string(disconnect_reason::transfer_complete) == "transfer_complete");
    CHECK(atoms::to_string(disconnect_reason::dial_no_answer) == "dial_no_answer");
    CHECK(atoms::to_string(disconnect_reason::unknown) == "unknown");
    CHECK(atoms::to_string(call_attempt::initial) == "initial");
    CHECK(atoms::to_string(call_attempt::retry) == "retry");
    CHECK(atoms::to_string(call_attempt::all) == "all");
    CHECK(atoms::to_string(duration_range::up_to_30s) == "0-30");
    CHECK(atoms::to_string(duration_range::from_30s_to_60s) == "30-60");
    CHECK(atoms::to_string(duration_range::from_1m_to_5m) == "1-5");
    CHECK(atoms::to_string(duration_range::over_5m) == "5+");
    CHECK(atoms::to_string(sort_field::created_at) == "createdAt");
    CHECK(atoms::to_string(sort_field::updated_at) == "updatedAt");
    CHECK(atoms::to_string(sort_field::call_duration) == "callDuration");
    CHECK(atoms::to_string(sort_field::avg_latency) == "avgLatency");
    CHECK(atoms::to_string(sort_order::asc) == "asc");
    CHECK(atoms::to_string(sort_order::desc) == "desc");

    for (int i = 1; i <= static_cast<int>(disconnect_reason::dial_no_answer); ++i) {
      auto const v = static_cast<disconnect_reason>(i);
      CHECK(atoms::parse_enum<disconnect_reason>(atoms::to_string(v)) == v);
    }
    for (int i = 1; i <= static_cast<int>(duration_range::over_5m); ++i) {
      auto const v = static_cast<duration_range>(i);
      CHECK(atoms::parse_enum<duration_range>(atoms::to_string(v)) == v);
    }
    for (int i = 1; i <= static_cast<int>(sort_field::avg_latency); ++i) {
      auto const v = static_cast<sort_field>(i);
      CHECK(atoms::parse_enum<sort_field>(atoms::to_string(v)) == v);
    }
    CHECK(atoms::parse_enum<call_attempt>("retry") == call_attempt::retry);
    CHECK(atoms::parse_enum<sort_order>("DESC") == sort_order::desc);
    CHECK(atoms::parse_enum<sort_field>("created_at") == sort_field::created_at);
    CHECK(atoms::parse_enum<duration_range>("60") == std::nullopt);
    CHECK(atoms::parse_enum<duration_range>("5") == std::nullopt);

    auto const carrier = atoms::open_enum<disconnect_reason>::parse("carrier_rejected");
    CHECK(carrier == disconnect_reason::unknown);
    CHECK(atoms::to_string(carrier) == "carrier_rejected");
  }

  // ---- GET /conversation ------------------------------------------------------------------------

  TEST_CASE("a page of the listing, every member of the document") {
    call_page const p = decode_data<call_page>(full_page);
    REQUIRE(p.logs.size() == 2);
    call_log const& l = p.logs[0];
    CHECK(l.id == "60d0fe4f5311236168a109ca");
    CHECK(l.call_id == "CALL-1737000000000-abc123");
    CHECK(l.status == call_status::completed);
    CHECK(l.duration == 120.0);
    CHECK(l.from == "+15551234567");
    CHECK(l.to == "+15559876543");
    CHECK(l.type == call_type::telephony_outbound);
    CHECK(l.agent_id == "60d0fe4f5311236168a109cb");
    CHECK(l.recording_url == "https://storage.example.com/recordings/call-123.mp3");
    CHECK(l.recording_dual_url == "https://storage.example.com/recordings/call-123-dual.mp3");
    CHECK(l.disconnection_reason == disconnect_reason::user_hangup);
    CHECK(l.retry_count == 0);
    CHECK(l.created_at == utc(2025, 1, 15, 10, 30));
    CHECK(l.updated_at == utc(2025, 1, 15, 10, 32, 41, 250));
    REQUIRE(l.disposition_metrics.size() == 3);
    CHECK(l.disposition_metrics.at("interested").as_string() == "yes");
    CHECK(l.disposition_metrics.at("follow_up_needed").as_bool() == false);
    CHECK(l.disposition_metrics.at("score").as_integer() == 8);
    REQUIRE(l.agent_disposition_config.size() == 3);
    CHECK(l.agent_disposition_config[0].identifier == "interested");
    CHECK(l.agent_disposition_config[0].type == metric_type::enumeration);
    CHECK(l.agent_disposition_config[1].type == metric_type::boolean);
    CHECK(l.agent_disposition_config[2].type == metric_type::integer);
    CHECK(l.agent_disposition_config[2].prompt.empty());
    CHECK(l.agent_disposition_config[2].extra.empty());
    CHECK(l.call_failure_reason == "");
    CHECK(l.call_cost == 1.35);
    CHECK(l.version_id == "67a1b2c3d4e5f6a7b8c9d0e1");
    CHECK(l.version_number == 3.0);
    CHECK(l.is_test == false);
    CHECK(l.retry_call_id == "CALL-1737000000001-abc124");
    CHECK(l.retry_attempt_number == 0);
    REQUIRE(l.post_call_analytics);
    CHECK(l.post_call_analytics->summary == "The customer asked about pricing and agreed to a follow-up.");
    REQUIRE(l.post_call_analytics->disposition_metrics.size() == 2);
    CHECK(l.post_call_analytics->disposition_metrics[0].confidence == 0.92);
    REQUIRE(l.turn_latency_metrics);
    CHECK(l.turn_latency_metrics->avg_latency == 812.5);
    CHECK(l.turn_latency_metrics->latencies == std::vector<double>{640, 790, 1030});
    REQUIRE(l.turn_latency_metrics->transitions.size() == 1);
    CHECK(l.turn_latency_metrics->transitions[0].latency == 640.0);
    CHECK(l.turn_latency_metrics->processed_at == utc(2025, 1, 15, 10, 32, 40));
    CHECK(l.extra.size() == 1);
    CHECK(l.extra.at("organization") == "696ddd281ea16a73cb8aafbe");

    call_log const& l2 = p.logs[1];
    CHECK(l2.status == call_status::no_answer);
    CHECK(l2.type == call_type::telephony_inbound);
    CHECK(l2.disconnection_reason == disconnect_reason::dial_no_answer);
    CHECK(l2.retry_count == 2);
    CHECK(l2.is_test == true);
    CHECK(l2.disposition_metrics.empty());
    CHECK_FALSE(l2.post_call_analytics);

    CHECK(p.pagination.total == 150);
    CHECK(p.pagination.page == 1);
    CHECK(p.pagination.limit == 10);
    CHECK(p.pagination.has_more == true);
    CHECK(p.pagination.total_pages == 15);
    REQUIRE(p.disposition_metrics_config.size() == 3);
    CHECK(p.disposition_metrics_config[1].identifier == "follow_up_needed");
    CHECK(p.disposition_metrics_config[1].type == metric_type::boolean);
    CHECK(p.extra.empty());
  }

  TEST_CASE("a listed metric read as the type the agent declares") {
    call_page const p = decode_data<call_page>(full_page);
    call_log const& l = p.logs.at(0);
    using typed = atoms::disposition_metric::typed_value;

    auto const follow_up = l.metric("follow_up_needed");
    REQUIRE(follow_up);
    CHECK(follow_up->identifier == "follow_up_needed");
    CHECK(follow_up->type == atoms::open_enum<metric_type>{metric_type::boolean});
    CHECK(follow_up->typed() == typed{false});
    CHECK(l.metric("score")->typed() == typed{std::int64_t{8}});
    CHECK(l.metric("interested")->typed() == typed{std::string("yes")});
    CHECK_FALSE(l.metric("not_configured"));

    // Only in postCallAnalytics (as search returns it): the value and confidence come from there.
    call_log const only_analytics = decode_data<call_log>(R"json({"data": {"callId": "C",
      "postCallAnalytics": {"dispositionMetrics": [
        {"identifier": "rating", "value": "4", "confidence": 0.5, "dispositionMetricType": "INTEGER"}]}}})json");
    auto const rating = only_analytics.metric("rating");
    REQUIRE(rating);
    CHECK(rating->confidence == 0.5);
    CHECK(rating->typed() == typed{std::int64_t{4}});
  }

  TEST_CASE("missing members keep their defaults") {
    call_log const l = decode_data<call_log>(R"({"data": {"callId": "CALL-1737000000000-abc123"}})");
    CHECK(l.id.empty());
    CHECK(l.call_id == "CALL-1737000000000-abc123");
    CHECK_FALSE(l.agent_id);
    CHECK(l.status == call_status::unknown);
    CHECK(l.status.raw.empty());
    CHECK_FALSE(l.duration);
    CHECK_FALSE(l.from);
    CHECK_FALSE(l.to);
    CHECK(l.type == call_type::unknown);
    CHECK_FALSE(l.recording_url);
    CHECK_FALSE(l.recording_dual_url);
    CHECK(l.disconnection_reason == disconnect_reason::unknown);
    CHECK(l.disconnection_reason.raw.empty());
    CHECK_FALSE(l.retry_count);
    CHECK_FALSE(l.created_at);
    CHECK_FALSE(l.updated_at);
    CHECK(l.disposition_metrics.empty());
    CHECK(l.agent_disposition_config.empty());
    CHECK_FALSE(l.call_failure_reason);
    CHECK_FALSE(l.call_cost);
    CHECK_FALSE(l.version_id);
    CHECK_FALSE(l.version_number);
    CHECK_FALSE(l.is_test);
    CHECK_FALSE(l.retry_call_id);
    CHECK_FALSE(l.retry_attempt_number);
    CHECK_FALSE(l.post_call_analytics);
    CHECK_FALSE(l.turn_latency_metrics);
    CHECK(l.extra.empty());

    call_page const empty = decode_data<call_page>(R"({"status": true, "data": {}})");
    CHECK(empty.logs.empty());
    CHECK_FALSE(empty.pagination.total);
    CHECK_FALSE(empty.pagination.page);
    CHECK_FALSE(empty.pagination.limit);
    CHECK_FALSE(empty.pagination.has_more);
    CHECK_FALSE(empty.pagination.total_pages);
    CHECK(empty.disposition_metrics_config.empty());

    // An empty page with more to come is not the end: hasMore says so, not the size.
    call_page const gap = decode_data<call_page>(
        R"({"data": {"logs": [], "pagination": {"total": 12, "page": 2, "limit": 5, "hasMore": true}}})");
    CHECK(gap.logs.empty());
    CHECK(gap.pagination.has_more == true);
    CHECK_FALSE(gap.pagination.total_pages);
  }

  TEST_CASE("null means nothing, for every member") {
    call_page const p = decode_data<call_page>(R"json({"data": {
      "logs": [{"_id": null, "callId": "C", "status": null, "duration": null, "from": null, "to": null,
                "type": null, "agentId": null, "recordingUrl": null, "recordingDualUrl": null,
                "disconnectionReason": null, "retryCount": null, "createdAt": null, "updatedAt": null,
                "dispositionMetrics": null, "agentDispositionConfig": null, "callFailureReason": null,
                "callCost": null, "versionId": null, "versionNumber": null, "isTest": null,
                "retryCallId": null, "retryAttemptNumber": null, "postCallAnalytics": null,
                "turnLatencyMetrics": null, "campaignId": null}],
      "pagination": {"total": null, "page": null, "limit": null, "hasMore": null, "totalPages": null},
      "dispositionMetricsConfig": null}})json");
    REQUIRE(p.logs.size() == 1);
    call_log const& l = p.logs[0];
    CHECK(l.id.empty());
    CHECK(l.status == call_status::unknown);
    CHECK_FALSE(l.duration);
    CHECK_FALSE(l.agent_id);
    CHECK(l.type == call_type::unknown);
    CHECK(l.disconnection_reason == disconnect_reason::unknown);
    CHECK_FALSE(l.retry_count);
    CHECK_FALSE(l.created_at);
    CHECK(l.disposition_metrics.empty());
    CHECK(l.agent_disposition_config.empty());
    CHECK_FALSE(l.version_number);
    CHECK_FALSE(l.is_test);
    CHECK_FALSE(l.retry_attempt_number);
    CHECK_FALSE(l.post_call_analytics);
    CHECK_FALSE(l.turn_latency_metrics);
    CHECK(l.extra.size() == 1);
    CHECK(l.extra.at("campaignId").is_null());
    CHECK_FALSE(p.pagination.total);
    CHECK_FALSE(p.pagination.has_more);
    CHECK(p.disposition_metrics_config.empty());

    // A null metric value is kept (the model found nothing), as is an empty time stamp.
    call_log const inner = decode_data<call_log>(R"json({"data": {"callId": "C", "createdAt": "",
      "dispositionMetrics": {"interested": null}, "agentDispositionConfig": [{"identifier": "interested", "type": null}]}})json");
    CHECK_FALSE(inner.created_at);
    REQUIRE(inner.disposition_metrics.count("interested") == 1);
    CHECK(inner.disposition_metrics.at("interested").is_null());
    CHECK(inner.agent_disposition_config.at(0).type == metric_type::unknown);
    CHECK(inner.metric("interested")->typed() == atoms::disposition_metric::typed_value{});
  }

  TEST_CASE("integers written as 120.0") {
    call_page const p = decode_data<call_page>(R"json({"data": {
      "logs": [{"callId": "C", "duration": 120.0, "retryCount": 2.0, "retryAttemptNumber": 1.0, "versionNumber": 4.0,
                "callCost": 3, "dispositionMetrics": {"score": 8.0}}],
      "pagination": {"total": 150.0, "page": 2.0, "limit": 10.0, "hasMore": false, "totalPages": 15.0}}})json");
    call_log const& l = p.logs.at(0);
    CHECK(l.duration == 120.0);
    CHECK(l.retry_count == 2);
    CHECK(l.retry_attempt_number == 1);
    CHECK(l.version_number == 4.0);
    CHECK(l.call_cost == 3.0);
    CHECK(l.disposition_metrics.at("score").as_integer() == 8);
    CHECK(p.pagination.total == 150);
    CHECK(p.pagination.page == 2);
    CHECK(p.pagination.limit == 10);
    CHECK(p.pagination.total_pages == 15);

    CHECK(decode_error<call_page>(R"({"data": {"logs": [{"callId": "C", "retryCount": 1.5}]}})") ==
          "$.data.logs[0].retryCount: expected an integer, got 1.5");
    CHECK(decode_error<call_page>(R"({"data": {"pagination": {"total": 150.25}}})") ==
          "$.data.pagination.total: expected an integer, got 150.25");
  }

  TEST_CASE("values the service adds later keep their raw string") {
    call_log const l = decode_data<call_log>(R"json({"data": {"callId": "C", "status": "voicemail_detected",
      "type": "chat_widget", "disconnectionReason": "carrier_rejected",
      "agentDispositionConfig": [{"identifier": "amount", "type": "FLOAT"}]}})json");
    CHECK(l.status == call_status::unknown);
    CHECK(l.status.raw == "voicemail_detected");
    CHECK(l.type == call_type::unknown);
    CHECK(l.type.raw == "chat_widget");
    CHECK(l.disconnection_reason == disconnect_reason::unknown);
    CHECK(l.disconnection_reason.raw == "carrier_rejected");
    CHECK(atoms::to_string(l.disconnection_reason) == "carrier_rejected");
    CHECK(l.agent_disposition_config.at(0).type == metric_type::unknown);
    CHECK(l.agent_disposition_config.at(0).type.raw == "FLOAT");

    // Known values in other spellings, and the product page's statuses.
    call_log const other = decode_data<call_log>(
        R"({"data": {"callId": "C", "status": "busy", "disconnectionReason": "USER_HANGUP"}})");
    CHECK(other.status == call_status::busy);
    CHECK(other.disconnection_reason == disconnect_reason::user_hangup);
    CHECK(other.disconnection_reason.raw == "USER_HANGUP");
  }

  TEST_CASE("dispositionMetrics in the details' array form") {
    call_log const l = decode_data<call_log>(R"json({"data": {"callId": "C", "dispositionMetrics": [
      {"identifier": "interested", "value": "yes", "confidence": 1},
      {"identifier": "score", "value": 7}]}})json");
    REQUIRE(l.disposition_metrics.size() == 2);
    CHECK(l.disposition_metrics.at("interested").as_string() == "yes");
    CHECK(l.disposition_metrics.at("score").as_integer() == 7);
  }

  TEST_CASE("a wrong type names the JSON path") {
    CHECK(decode_error<call_page>(R"json({"data": {"logs": [
            {"callId": "CALL-1737000000000-abc123", "duration": 120},
            {"callId": "CALL-1737000000001-abc124", "duration": "120"}]}})json") ==
          "$.data.logs[1].duration: expected a number, got a string");
    CHECK(decode_error<call_page>(R"({"data": {"logs": [{"callId": "C"}, {"_id": "x"}]}})") ==
          "$.data.logs[1].callId: required member is missing");
    CHECK(decode_error<call_page>(R"({"data": {"logs": [{"callId": 1737000000000}]}})") ==
          "$.data.logs[0].callId: expected a string, got a number");
    CHECK(decode_error<call_page>(R"({"data": {"logs": {"callId": "C"}}})") ==
          "$.data.logs: expected an array, got an object");
    CHECK(decode_error<call_page>(R"({"data": {"pagination": {"hasMore": "true"}}})") ==
          "$.data.pagination.hasMore: expected a boolean, got a string");
    CHECK(decode_error<call_page>(R"({"data": {"pagination": [1, 10]}})") ==
          "$.data.pagination: expected an object, got an array");
    CHECK(decode_error<call_page>(R"({"data": {"dispositionMetricsConfig": [{"type": "ENUM"}]}})") ==
          "$.data.dispositionMetricsConfig[0].identifier: required member is missing");
    CHECK(
        decode_error<call_page>(
            R"({"data": {"logs": [{"callId": "C", "agentDispositionConfig": [{"identifier": "a", "type": 3}]}]}})") ==
        "$.data.logs[0].agentDispositionConfig[0].type: expected a string, got a number");
    CHECK(
        decode_error<call_page>(
            R"({"data": {"logs": [{"callId": "C", "dispositionMetrics": {"interested": "yes", "score": [8]}}]}})") ==
        "$.data.logs[0].dispositionMetrics.score: expected a string, a number, a boolean or null, got an "
        "array");
    CHECK(decode_error<call_page>(R"({"data": {"logs": [{"callId": "C", "dispositionMetrics": "yes"}]}})") ==
          "$.data.logs[0].dispositionMetrics: expected an object or an array, got a string");
    CHECK(decode_error<call_page>(R"({"data": {"logs": [{"callId": "C", "createdAt": "last Tuesday"}]}})") ==
          R"($.data.logs[0].createdAt: expected an ISO-8601 time stamp, got "last Tuesday")");
    CHECK(decode_error<call_page>(R"({"data": {"logs": [{"callId": "C", "isTest": 0}]}})") ==
          "$.data.logs[0].isTest: expected a boolean, got a number");
    CHECK(decode_error<call_page>(R"({"data": {"logs": [{"callId": "C", "disconnectionReason": 1}]}})") ==
          "$.data.logs[0].disconnectionReason: expected a string, got a number");
    CHECK(
        decode_error<call_page>(
            R"({"data": {"logs": [{"callId": "C", "postCallAnalytics": {"dispositionMetrics": [{"identifier": "a", "confidence": "high"}]}}]}})") ==
        "$.data.logs[0].postCallAnalytics.dispositionMetrics[0].confidence: expected a number, got a string");
    CHECK(decode_error<call_page>(
              R"({"data": {"logs": [{"callId": "C", "turnLatencyMetrics": {"latencies": [1, "2"]}}]}})") ==
          "$.data.logs[0].turnLatencyMetrics.latencies[1]: expected a number, got a string");
    CHECK(decode_error<call_page>(R"({"data": []})") == "$.data: expected an object, got an array");
    // Members nobody reads are not judged.
    CHECK(decode_error<call_page>(
              R"({"data": {"logs": [{"callId": "C", "organization": [1, {}]}], "x": 1}})") == "(no error)");
  }

  // ---- POST /conversation/search ----------------------------------------------------------------

  TEST_CASE("a search result, as the document shows it") {
    // The search item: the list item without dispositionMetrics, agentDispositionConfig and
    // versionNumber.
    search_result const r = decode_data<search_result>(R"json({"status": true, "data": {
      "logs": [
        {"_id": "60d0fe4f5311236168a109ca", "callId": "CALL-1737000000000-abc123", "status": "completed",
         "duration": 120, "from": "+15551234567", "to": "+15559876543", "type": "telephony_outbound",
         "agentId": "60d0fe4f5311236168a109cb", "recordingUrl": "", "recordingDualUrl": "",
         "disconnectionReason": "agent_hangup", "retryCount": 1, "createdAt": "2025-01-15T10:30:00.000Z",
         "callFailureReason": "", "callCost": 1.35, "versionId": "67a1b2c3d4e5f6a7b8c9d0e1", "isTest": false,
         "retryCallId": "CALL-1737000000001-def456", "retryAttemptNumber": 0,
         "postCallAnalytics": {"summary": "Short call.", "dispositionMetrics": [
           {"identifier": "interested", "value": "no", "confidence": 0.7}]},
         "turnLatencyMetrics": {"avgLatency": 700, "turns": 2, "latencies": [650, 750]}},
        {"_id": "60d0fe4f5311236168a109cd", "callId": "CALL-1737000000001-def456", "status": "failed",
         "retryAttemptNumber": 1, "callFailureReason": "busy"}
      ],
      "total": 2,
      "requestedCount": 3}})json");
    REQUIRE(r.logs.size() == 2);
    CHECK(r.total == 2);
    CHECK(r.requested_count == 3);
    CHECK(r.extra.empty());
    call_log const& l = r.logs[0];
    CHECK(l.call_id == "CALL-1737000000000-abc123");
    CHECK(l.disconnection_reason == disconnect_reason::agent_hangup);
    CHECK(l.retry_count == 1);
    CHECK(l.recording_url == "");
    CHECK(l.version_id == "67a1b2c3d4e5f6a7b8c9d0e1");
    CHECK(l.disposition_metrics.empty());
    CHECK(l.agent_disposition_config.empty());
    CHECK_FALSE(l.version_number);
    CHECK(l.metric("interested")->value.as_string() == "no");
    CHECK(l.turn_latency_metrics->latencies == std::vector<double>{650, 750});
    CHECK(r.logs[1].status == call_status::failed);
    CHECK(r.logs[1].retry_attempt_number == 1);

    search_result const none =
        decode_data<search_result>(R"({"data": {"logs": [], "total": 0, "requestedCount": 1}})");
    CHECK(none.logs.empty());
    CHECK(none.total == 0);
    search_result const nulls =
        decode_data<search_result>(R"({"data": {"logs": null, "total": null, "requestedCount": null}})");
    CHECK(nulls.logs.empty());
    CHECK_FALSE(nulls.total);
    CHECK_FALSE(nulls.requested_count);
    CHECK(decode_error<search_result>(
              R"({"data": {"logs": [{"callId": "C"}, {"callId": "D", "duration": true}]}})") ==
          "$.data.logs[1].duration: expected a number, got a boolean");
    CHECK(decode_error<search_result>(R"({"data": {"total": "2"}})") ==
          "$.data.total: expected an integer, got a string");
    CHECK(decode_error<search_result>(R"({"data": {"requestedCount": 2.5}})") ==
          "$.data.requestedCount: expected an integer, got 2.5");
  }

  // ---- post-call analytics configuration ----------------------------------------------------------

  TEST_CASE("a configuration in the product page's shape (nested type)") {
    // The body the product page's set_post_call_config sends.
    post_call_config const c = decode_data<post_call_config>(R"json({"data": {
      "summaryPrompt": "Summarize this sales call briefly.",
      "dispositionMetrics": [
        {"identifier": "user_interested",
         "dispositionMetricPrompt": "Was the user interested? yes, no, or unclear",
         "dispositionValues": {"type": "ENUM"},
         "choices": ["yes", "no", "unclear"]},
        {"identifier": "user_name",
         "dispositionMetricPrompt": "What is the user's name? Return 'unknown' if not mentioned.",
         "dispositionValues": {"type": "STRING"}}
      ]}})json");
    CHECK(c.summary_prompt == "Summarize this sales call briefly.");
    REQUIRE(c.disposition_metrics.size() == 2);
    metric_config const& m0 = c.disposition_metrics[0];
    CHECK(m0.identifier == "user_interested");
    CHECK(m0.prompt == "Was the user interested? yes, no, or unclear");
    CHECK(m0.type == metric_type::enumeration);
    CHECK(m0.choices == std::vector<std::string>{"yes", "no", "unclear"});
    CHECK(m0.extra.empty());
    CHECK(c.disposition_metrics[1].type == metric_type::string);
    CHECK(c.disposition_metrics[1].choices.empty());
    CHECK(c.extra.empty());
    CHECK(atoms::validate(c) == std::nullopt);
  }

  TEST_CASE("a configuration in the service's shape (flat type) with its other members") {
    // PostCallAnalyticsConfig as the service returns it.
    post_call_config const c = decode_data<post_call_config>(R"json({"status": true, "data": {
      "dispositionMetrics": [
        {"identifier": "call_resolved",
         "dispositionMetricPrompt": "Was the customer issue resolved by the end of the call?",
         "dispositionMetricType": "BOOLEAN", "_id": "67a1b2c3d4e5f6a7b8c9d0e2"},
        {"identifier": "call_outcome", "dispositionMetricPrompt": "What was the outcome?",
         "dispositionMetricType": "ENUM", "dispositionValues": {"type": "STRING"},
         "choices": ["resolved", "escalated", "callback_scheduled", "no_action"]},
        {"identifier": "callback_at", "dispositionMetricPrompt": "When should we call back?",
         "dispositionMetricType": "DATETIME", "dispositionValues": {"type": "DATETIME", "format": "iso"}},
        {"identifier": "amount", "dispositionMetricPrompt": "What amount was agreed?",
         "dispositionMetricType": "DECIMAL", "choices": null}
      ],
      "successMetrics": [],
      "summaryPrompt": "",
      "useInternalAnalyticsModel": true,
      "useReasoningModel": false}})json");
    REQUIRE(c.disposition_metrics.size() == 4);
    CHECK(c.summary_prompt == "");
    auto const& ms = c.disposition_metrics;
    CHECK(ms[0].type == metric_type::boolean);
    CHECK(ms[0].extra.size() == 1);
    CHECK(ms[0].extra.at("_id") == "67a1b2c3d4e5f6a7b8c9d0e2");
    CHECK(ms[1].type == metric_type::enumeration);  // the flat key wins over the nested one
    CHECK(ms[1].choices.size() == 4);
    CHECK(ms[1].extra.empty());
    CHECK(ms[2].type == metric_type::datetime);
    REQUIRE(ms[2].extra.count("dispositionValues") == 1);  // a nesting with more than the type is kept
    CHECK(ms[3].type == metric_type::unknown);
    CHECK(ms[3].type.raw == "DECIMAL");
    CHECK(ms[3].choices.empty());
    CHECK(c.extra.size() == 3);
    CHECK(c.extra.at("useInternalAnalyticsModel") == true);
    CHECK(c.extra.at("useReasoningModel") == false);
    CHECK(c.extra.at("successMetrics").as_array().empty());

    post_call_config const nulls = decode_data<post_call_config>(
        R"({"data": {"summaryPrompt": null, "dispositionMetrics": [{"identifier": "a", "dispositionMetricPrompt": null,
           "dispositionMetricType": null, "dispositionValues": null}]}})");
    CHECK_FALSE(nulls.summary_prompt);
    CHECK(nulls.disposition_metrics.at(0).prompt.empty());
    CHECK(nulls.disposition_metrics.at(0).type == metric_type::unknown);
    CHECK(nulls.disposition_metrics.at(0).extra.empty());
    post_call_config const empty = decode_data<post_call_config>(R"({"data": {}})");
    CHECK_FALSE(empty.summary_prompt);
    CHECK(empty.disposition_metrics.empty());
    // The nested type is read when it is the only one.
    CHECK(
        decode_data<post_call_config>(
            R"({"data": {"dispositionMetrics": [{"identifier": "a", "dispositionMetricType": null, "dispositionValues": {"type": "INTEGER"}}]}})")
            .disposition_metrics.at(0)
            .type == metric_type::integer);
  }

  TEST_CASE("a configuration of the wrong shape names the JSON path") {
    CHECK(
        decode_error<post_call_config>(
            R"({"data": {"dispositionMetrics": [{"identifier": "a"}, {"dispositionMetricType": "ENUM"}]}})") ==
        "$.data.dispositionMetrics[1].identifier: required member is missing");
    CHECK(
        decode_error<post_call_config>(
            R"({"data": {"dispositionMetrics": [{"identifier": "a", "dispositionValues": {"type": 1}}]}})") ==
        "$.data.dispositionMetrics[0].dispositionValues.type: expected a string, got a number");
    CHECK(decode_error<post_call_config>(
              R"({"data": {"dispositionMetrics": [{"identifier": "a", "choices": ["yes", 2]}]}})") ==
          "$.data.dispositionMetrics[0].choices[1]: expected a string, got a number");
    CHECK(decode_error<post_call_config>(R"({"data": {"summaryPrompt": 5}})") ==
          "$.data.summaryPrompt: expected a string, got a number");
    CHECK(decode_error<post_call_config>(R"({"data": {"dispositionMetrics": {"a": {}}}})") ==
          "$.data.dispositionMetrics: expected an array, got an object");
    CHECK(
        decode_error<post_call_config>(
            R"({"data": {"dispositionMetrics": [{"identifier": "a", "dispositionMetricPrompt": ["?"]}]}})") ==
        "$.data.dispositionMetrics[0].dispositionMetricPrompt: expected a string, got an array");
  }

  TEST_CASE("encoding writes both shapes of the type on every metric") {
    post_call_config c;
    c.summary_prompt = "Summarize this sales call briefly.";
    c.disposition_metrics.push_back({.identifier = "user_interested",
                                     .prompt = "Was the user interested? yes, no, or unclear",
                                     .type = metric_type::enumeration,
                                     .choices = {"yes", "no", "unclear"}});
    c.disposition_metrics.push_back({.identifier = "user_name",
                                     .prompt = "What is the user's name? Return 'unknown' if not mentioned.",
                                     .type = metric_type::string});
    check_encodes_as(c, R"json({
      "summaryPrompt": "Summarize this sales call briefly.",
      "dispositionMetrics": [
        {"identifier": "user_interested",
         "dispositionMetricPrompt": "Was the user interested? yes, no, or unclear",
         "dispositionValues": {"type": "ENUM"},
         "dispositionMetricType": "ENUM",
         "choices": ["yes", "no", "unclear"]},
        {"identifier": "user_name",
         "dispositionMetricPrompt": "What is the user's name? Return 'unknown' if not mentioned.",
         "dispositionValues": {"type": "STRING"},
         "dispositionMetricType": "STRING"}
      ]})json");

    // No summary prompt: no key. No metrics: an empty list (it clears them).
    check_encodes_as(post_call_config{}, R"({"dispositionMetrics": []})");

    // Every type's spelling.
    post_call_config types;
    metric_type const all[] = {metric_type::string, metric_type::boolean, metric_type::integer,
                               metric_type::datetime};
    for (metric_type t : all)
      types.disposition_metrics.push_back({.identifier = "m", .prompt = "p", .type = t});
    check_encodes_as(types, R"json({"dispositionMetrics": [
      {"identifier": "m", "dispositionMetricPrompt": "p", "dispositionValues": {"type": "STRING"}, "dispositionMetricType": "STRING"},
      {"identifier": "m", "dispositionMetricPrompt": "p", "dispositionValues": {"type": "BOOLEAN"}, "dispositionMetricType": "BOOLEAN"},
      {"identifier": "m", "dispositionMetricPrompt": "p", "dispositionValues": {"type": "INTEGER"}, "dispositionMetricType": "INTEGER"},
      {"identifier": "m", "dispositionMetricPrompt": "p", "dispositionValues": {"type": "DATETIME"}, "dispositionMetricType": "DATETIME"}
    ]})json");
  }

  TEST_CASE("encoding a configuration that was read keeps what we do not model") {
    post_call_config c = decode_data<post_call_config>(R"json({"data": {
      "dispositionMetrics": [
        {"identifier": "call_resolved", "dispositionMetricPrompt": "Resolved?", "dispositionMetricType": "BOOLEAN",
         "_id": "67a1b2c3d4e5f6a7b8c9d0e2"},
        {"identifier": "call_outcome", "dispositionMetricPrompt": "Outcome?", "type": "ENUM",
         "choices": ["resolved", "escalated"]},
        {"identifier": "amount", "dispositionMetricPrompt": "Amount?", "dispositionValues": {"type": "DECIMAL"}}
      ],
      "summaryPrompt": "Summarize.",
      "useReasoningModel": true}})json");
    c.disposition_metrics[1].choices.push_back("no_action");
    check_encodes_as(c, R"json({
      "summaryPrompt": "Summarize.",
      "dispositionMetrics": [
        {"identifier": "call_resolved", "dispositionMetricPrompt": "Resolved?",
         "dispositionValues": {"type": "BOOLEAN"}, "dispositionMetricType": "BOOLEAN",
         "_id": "67a1b2c3d4e5f6a7b8c9d0e2"},
        {"identifier": "call_outcome", "dispositionMetricPrompt": "Outcome?",
         "dispositionValues": {"type": "ENUM"}, "dispositionMetricType": "ENUM",
         "choices": ["resolved", "escalated", "no_action"]},
        {"identifier": "amount", "dispositionMetricPrompt": "Amount?",
         "dispositionValues": {"type": "DECIMAL"}, "dispositionMetricType": "DECIMAL"}
      ],
      "useReasoningModel": true})json");

    // A key in `extra` never doubles or overrides one the encoder writes.
    metric_config m{.identifier = "a", .prompt = "p", .type = metric_type::string};
    m.extra.emplace("dispositionMetricType", "ENUM");
    m.extra.emplace("choices", boost::json::array{"x"});
    m.extra.emplace("type", "ENUM");
    m.extra.emplace("custom", 1);
    check_encodes_as(m, R"json({"identifier": "a", "dispositionMetricPrompt": "p",
      "dispositionValues": {"type": "STRING"}, "dispositionMetricType": "STRING", "custom": 1})json");
  }

  TEST_CASE("validate: every rule, naming the metric and the rule") {
    auto one = [](metric_config m) {
      post_call_config c;
      c.disposition_metrics.push_back(
          {.identifier = "user_name", .prompt = "Name?", .type = metric_type::string});
      c.disposition_metrics.push_back(std::move(m));
      return atoms::validate(c);
    };
    auto const ok = [](std::string id) {
      return metric_config{
          .identifier = std::move(id), .prompt = "Interested?", .type = metric_type::boolean};
    };

    CHECK(atoms::validate(post_call_config{}) == std::nullopt);
    CHECK(one(ok("user_interested_2")) == std::nullopt);
    CHECK(one(ok("0")) == std::nullopt);
    CHECK(one(ok("_")) == std::nullopt);

    // Identifier: ^[a-z0-9_]+$.
    for (char const* bad : {"", "User_interested", "user-interested", "user interested", "user.name", "émoji",
                            "user_interested\n"}) {
      CAPTURE(bad);
      auto const e = one(ok(bad));
      REQUIRE(e);
      CHECK(*e == std::string("dispositionMetrics[1] (\"") + bad +
                      "\"): identifier must match ^[a-z0-9_]+$ (lowercase letters, digits and underscores)");
    }

    // Unique identifiers.
    CHECK(
        one(ok("user_name")) ==
        R"(dispositionMetrics[1] ("user_name"): identifier must be unique, but dispositionMetrics[0] has it too)");

    // Non-empty prompt.
    auto no_prompt = ok("user_interested");
    no_prompt.prompt = "";
    CHECK(one(no_prompt) ==
          R"(dispositionMetrics[1] ("user_interested"): prompt (dispositionMetricPrompt) must not be empty)");
    no_prompt.prompt = " \t\n";
    CHECK(one(no_prompt) ==
          R"(dispositionMetrics[1] ("user_interested"): prompt (dispositionMetricPrompt) must not be empty)");

    // A known type.
    auto no_type = ok("user_interested");
    no_type.type = {};
    CHECK(
        one(no_type) ==
        R"(dispositionMetrics[1] ("user_interested"): type must be one of STRING, BOOLEAN, INTEGER, ENUM, DATETIME)");
    no_type.type = atoms::open_enum<metric_type>::parse("DECIMAL");
    CHECK(
        one(no_type) ==
        R"(dispositionMetrics[1] ("user_interested"): type must be one of STRING, BOOLEAN, INTEGER, ENUM, DATETIME, not "DECIMAL")");

    // ENUM needs a choice.
    auto enumeration = ok("user_interested");
    enumeration.type = metric_type::enumeration;
    CHECK(one(enumeration) ==
          R"(dispositionMetrics[1] ("user_interested"): an ENUM metric must have at least one choice)");
    enumeration.choices = {"yes"};
    CHECK(one(enumeration) == std::nullopt);

    // Choices only on ENUM.
    auto with_choices = ok("user_interested");
    with_choices.choices = {"yes", "no"};
    CHECK(
        one(with_choices) ==
        R"(dispositionMetrics[1] ("user_interested"): choices are allowed only on an ENUM metric, not on BOOLEAN)");

    // The first broken metric is reported, and a long identifier is cut.
    post_call_config c;
    c.disposition_metrics.push_back({.identifier = "Bad", .prompt = "", .type = {}});
    c.disposition_metrics.push_back({.identifier = "worse!", .prompt = "", .type = {}});
    CHECK(
        atoms::validate(c) ==
        R"(dispositionMetrics[0] ("Bad"): identifier must match ^[a-z0-9_]+$ (lowercase letters, digits and underscores))");
    auto const long_id = one(ok(std::string(100, 'X')));
    REQUIRE(long_id);
    std::string cut(64, 'X');  // built in steps: g++ 12 warns falsely (-Warray-bounds) on string + literal
    cut += "...\"): identifier must match";
    CHECK(long_id->find(cut) != std::string::npos);
    CHECK(long_id->find(std::string(65, 'X')) == std::string::npos);
  }
}  // TEST_SUITE
