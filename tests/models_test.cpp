// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
//
// Decoding and encoding tests for the call models. Every JSON text below is written by hand
// from the OpenAPI document (reference/atoms-openapi.yaml, `GET /conversation/{id}`,
// `WebhookEventAnalyticsMetric`) and the product pages (call-metrics, post-call-analytics), or
// served by the emulator, never produced by our own encoder: the encoder's output is compared
// with them, as values.

#include "documents.hpp"
#include "support.hpp"

#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/metric_value.hpp>
#include <smallest/atoms/models/open_enum.hpp>
#include <smallest/atoms/models/time.hpp>

#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace {

namespace atoms = smallest::atoms;
using atoms::call_details;
using atoms::call_page;
using atoms::call_status;
using atoms::call_type;
using atoms::metric_type;
using atoms::metric_value;
using atoms::metric_value_kind;
using atoms::search_result;
using atoms::speaker_role;
using atoms::timestamp;
using atoms::detail::json_decode_error;

using atoms_test::utc;

// Decodes the `data` of a `GET /conversation/{id}` response, as the client does.
call_details decode_call(std::string_view response) {
  auto const jv = boost::json::parse(response);
  return atoms::detail::decode_json<call_details>(jv.at("data"), "$.data");
}

// The what() of decoding `response`, or "(no error)".
std::string decode_error(std::string_view response) {
  try {
    (void)decode_call(response);
  } catch (json_decode_error const& e) {
    return e.what();
  }
  return "(no error)";
}

// A full call as the OpenAPI document describes it, plus what the service sends beyond it:
// disconnectionReason, the deprecated average_*_latency, per-metric reasoning, and members the
// document does not list (disconnectDetails, usage, costBreakdown).
constexpr char const* full_call = R"json({
  "status": true,
  "data": {
    "_id": "60d0fe4f5311236168a109ca",
    "callId": "CALL-1737000000000-abc123",
    "agent": {
      "_id": "696e655577e1d88ff54b4fbf",
      "name": "Sales Agent 1768842500",
      "description": "Testing disposition metrics",
      "backgroundSound": "office",
      "organization": "696ddd281ea16a73cb8aafbe",
      "workflowType": "workflow_graph"
    },
    "status": "completed",
    "duration": 300,
    "recordingUrl": "https://storage.example.com/recordings/call-123.mp3",
    "recordingDualUrl": "https://storage.example.com/recordings/call-123-dual.mp3",
    "from": "+15551234567",
    "to": "+15559876543",
    "type": "telephony_outbound",
    "transcript": [
      {"role": "agent", "content": "Hi, this is Nisha from Smallest. Do you have a minute to talk about our AI products?", "timestamp": "2026-07-28T15:46:12.472Z"},
      {"role": "user", "content": "Sure, I am interested.", "timestamp": "2026-07-28T15:46:18.105Z"},
      {"role": "agent", "content": "Great! May I have your name?", "timestamp": "2026-07-28T15:46:20.950Z"},
      {"role": "user", "content": "John.", "timestamp": "2026-07-28T15:46:23.300Z"}
    ],
    "variables": {"agent_name": "Nisha", "customer_name": "Rahul Sharma", "due_amount": "29000"},
    "events": [
      {"event": "call_started", "ts": 1785253572000},
      {"event": "call_ended", "reason": "user_hangup"}
    ],
    "callCost": 2.75,
    "callFailureReason": "",
    "retryCallId": "CALL-1737000000001-abc124",
    "postCallAnalytics": {
      "summary": "The call involved an agent reaching out to discuss AI products. The user expressed interest and provided their name.",
      "dispositionMetrics": [
        {
          "identifier": "user_interested",
          "value": "yes",
          "confidence": 1,
          "reasoning": "The user explicitly stated 'I am interested'.",
          "dispositionMetricPrompt": "Was the user interested? yes, no, or unclear",
          "dispositionMetricType": "ENUM",
          "choices": ["yes", "no", "unclear"]
        },
        {
          "identifier": "user_name",
          "value": "John",
          "confidence": 1,
          "reasoning": "The user provided their name directly.",
          "dispositionMetricPrompt": "What is the user's name? Return 'unknown' if not mentioned.",
          "dispositionValues": {"type": "STRING"}
        }
      ],
      "successMetrics": []
    },
    "turnLatencyMetrics": {
      "turns": 4,
      "avgLatency": 812.5,
      "medianLatency": 790,
      "minLatency": 640,
      "maxLatency": 1030,
      "latencies": [640, 790, 1030, 790.0],
      "transitions": [
        {"turn": 1, "user_end": 1785253578105, "bot_start": 1785253578895, "latency": 790},
        {"turn": 2, "user_end": 1785253583300, "bot_start": 1785253584330, "latency": 1030}
      ],
      "processedAt": "2026-07-28T15:47:02.000Z"
    },
    "voiceConfigUsed": {"model": "lightning-v2", "voiceId": "emily", "gender": "female"},
    "slmModelUsed": "electron-v2",
    "disconnectionReason": "user_hangup",
    "average_transcriber_latency": 210.4,
    "average_agent_latency": 480,
    "average_synthesizer_latency": 120.0,
    "disconnectDetails": {"initiator": "user", "sipCode": 200},
    "usage": {"llmTokens": 1234, "ttsCharacters": 560},
    "costBreakdown": {"telephony": 1.25, "llm": 0.5, "tts": 1.0},
    "createdAt": "2026-07-28T15:46:00.000Z",
    "updatedAt": "2026-07-28T15:47:02.123Z"
  }
})json";

}  // namespace

TEST_SUITE("models") {
  // ---- time ---------------------------------------------------------------------------------

  TEST_CASE("parse_iso8601 reads the service's time stamps and the ISO-8601 variants") {
    using atoms::parse_iso8601;
    CHECK(parse_iso8601("2026-07-28T15:46:12.472Z") == utc(2026, 7, 28, 15, 46, 12, 472));
    CHECK(parse_iso8601("2026-07-28T15:46:12Z") == utc(2026, 7, 28, 15, 46, 12));
    CHECK(parse_iso8601("2026-07-28T15:46:12") == utc(2026, 7, 28, 15, 46, 12));  // no zone: UTC
    CHECK(parse_iso8601("2026-07-28") == utc(2026, 7, 28));
    CHECK(parse_iso8601("2026-07-28t15:46:12z") == utc(2026, 7, 28, 15, 46, 12));
    CHECK(parse_iso8601("2026-07-28 15:46:12.472Z") == utc(2026, 7, 28, 15, 46, 12, 472));

    // Fractions of any length, truncated to the millisecond.
    CHECK(parse_iso8601("2026-07-28T15:46:12.4Z") == utc(2026, 7, 28, 15, 46, 12, 400));
    CHECK(parse_iso8601("2026-07-28T15:46:12.47Z") == utc(2026, 7, 28, 15, 46, 12, 470));
    CHECK(parse_iso8601("2026-07-28T15:46:12.472999999Z") == utc(2026, 7, 28, 15, 46, 12, 472));
    CHECK(parse_iso8601("2026-07-28T15:46:12.000001Z") == utc(2026, 7, 28, 15, 46, 12));

    // Offsets: local = UTC + offset.
    CHECK(parse_iso8601("2026-07-28T21:16:12.472+05:30") == utc(2026, 7, 28, 15, 46, 12, 472));
    CHECK(parse_iso8601("2026-07-28T21:16:12.472+0530") == utc(2026, 7, 28, 15, 46, 12, 472));
    CHECK(parse_iso8601("2026-07-28T07:46:12-08:00") == utc(2026, 7, 28, 15, 46, 12));
    CHECK(parse_iso8601("2026-07-28T07:46:12-0800") == utc(2026, 7, 28, 15, 46, 12));
    CHECK(parse_iso8601("2026-07-28T15:46:12+00:00") == utc(2026, 7, 28, 15, 46, 12));
    CHECK(parse_iso8601("2026-01-01T01:00:00+02:00") == utc(2025, 12, 31, 23));  // across a year

    // The calendar, leap years included; 24:00:00 is the end of the day.
    CHECK(parse_iso8601("2024-02-29") == utc(2024, 2, 29));
    CHECK(parse_iso8601("2000-02-29T12:00:00Z") == utc(2000, 2, 29, 12));
    CHECK(parse_iso8601("2026-07-28T24:00:00Z") == utc(2026, 7, 29));
    CHECK(parse_iso8601("2026-12-31T23:59:59.999Z") == utc(2026, 12, 31, 23, 59, 59, 999));
    CHECK(parse_iso8601("1969-12-31T23:59:59.999Z") == timestamp{std::chrono::milliseconds{-1}});
    CHECK(parse_iso8601("0000-01-01T00:00:00Z") == utc(0, 1, 1));
    CHECK(parse_iso8601("9999-12-31T23:59:59.999Z") == utc(9999, 12, 31, 23, 59, 59, 999));
  }

  TEST_CASE("parse_iso8601 rejects what is not a valid time stamp") {
    using atoms::parse_iso8601;
    char const* const invalid[] = {
        "",
        "2026",
        "2026-07",
        "2026-7-28",
        "26-07-28",
        "2026/07/28",
        "2026-02-30",  // 30 February
        "2025-02-29",  // not a leap year
        "1900-02-29",  // not a leap year either
        "2026-04-31",
        "2026-13-01",
        "2026-00-10",
        "2026-07-00",
        "2026-07-32",
        "2026-07-28T24:00:01Z",  // past the end of the day
        "2026-07-28T24:01:00Z",
        "2026-07-28T24:00:00.001Z",
        "2026-07-28T25:00:00Z",
        "2026-07-28T15:60:00Z",
        "2026-07-28T15:46:60Z",  // leap seconds are not representable
        "2026-07-28T15:46Z",     // seconds are required
        "2026-07-28T15:46:1Z",
        "2026-07-28T15:46:12.Z",  // a fraction needs a digit
        "2026-07-28T15:46:12,472Z",
        "2026-07-28T15:46:12+05",  // offsets need minutes
        "2026-07-28T15:46:12+5:30",
        "2026-07-28T15:46:12+05:3",
        "2026-07-28T15:46:12+24:00",
        "2026-07-28T15:46:12+05:60",
        "2026-07-28T15:46:12+05:30Z",
        "2026-07-28T15:46:12ZZ",
        "2026-07-28T15:46:12Zjunk",
        "2026-07-28T15:46:12.472Z ",  // trailing space
        " 2026-07-28T15:46:12Z",      // leading space
        "2026-07-28Z",                // a zone needs a time
        "2026-07-28X15:46:12Z",
        "2026-07-28T",
        "-2026-07-28",
        "+2026-07-28",
        "2026-07-28T15:46:12UTC",
        "a026-07-28",
    };
    for (char const* s : invalid) {
      CAPTURE(s);
      CHECK_FALSE(parse_iso8601(s).has_value());
    }
  }

  TEST_CASE("format_iso8601 writes the service's form and round-trips") {
    using atoms::format_iso8601;
    using atoms::parse_iso8601;
    CHECK(format_iso8601(utc(2026, 7, 28, 15, 46, 12, 472)) == "2026-07-28T15:46:12.472Z");
    CHECK(format_iso8601(utc(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05.000Z");
    CHECK(format_iso8601(timestamp{}) == "1970-01-01T00:00:00.000Z");
    CHECK(format_iso8601(timestamp{std::chrono::milliseconds{-1}}) == "1969-12-31T23:59:59.999Z");
    CHECK(format_iso8601(utc(9, 3, 4)) == "0009-03-04T00:00:00.000Z");

    for (char const* s : {"2026-07-28T15:46:12.472Z", "2024-02-29T23:59:59.999Z", "1970-01-01T00:00:00.000Z",
                          "1901-12-13T20:45:52.001Z", "2999-06-15T12:00:00.500Z"}) {
      CAPTURE(s);
      auto const t = parse_iso8601(s);
      REQUIRE(t);
      CHECK(format_iso8601(*t) == s);
    }
    for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1785253572472}, std::int64_t{-86400001},
                            std::int64_t{253402300799999}, std::int64_t{-62167219200000}}) {
      CAPTURE(ms);
      timestamp const t{std::chrono::milliseconds{ms}};
      CHECK(parse_iso8601(format_iso8601(t)) == t);
    }
    // Other spellings come back in the canonical one.
    CHECK(format_iso8601(*parse_iso8601("2026-07-28 21:16:12.4729+05:30")) == "2026-07-28T15:46:12.472Z");
  }

  // ---- open_enum and the enumerations -------------------------------------------------------------

  TEST_CASE("open_enum compares with its enum and keeps an unknown spelling") {
    auto const completed = atoms::open_enum<call_status>::parse("completed");
    CHECK(completed == call_status::completed);
    CHECK(call_status::completed == completed);
    CHECK(completed != call_status::failed);
    CHECK(completed.known());
    CHECK(completed.raw == "completed");
    CHECK(completed.name() == "completed");

    auto const voicemail = atoms::open_enum<call_status>::parse("voicemail");
    CHECK(voicemail == call_status::unknown);
    CHECK_FALSE(voicemail.known());
    CHECK(voicemail.raw == "voicemail");
    CHECK(voicemail.name() == "voicemail");
    CHECK(voicemail != atoms::open_enum<call_status>::parse("machine_detected"));
    CHECK(voicemail == atoms::open_enum<call_status>::parse("voicemail"));

    // The same value spelt as other parts of the service spell it.
    CHECK(atoms::open_enum<call_status>::parse("IN_QUEUE") == call_status::in_queue);
    CHECK(atoms::open_enum<call_status>::parse("in-progress") == call_status::in_progress);
    CHECK(atoms::open_enum<call_type>::parse("telephonyOutbound") == call_type::telephony_outbound);
    CHECK(atoms::open_enum<metric_type>::parse("ENUM") == metric_type::enumeration);
    CHECK(atoms::open_enum<metric_type>::parse("boolean") == metric_type::boolean);
    CHECK(atoms::open_enum<call_status>::parse("IN_QUEUE") ==
          atoms::open_enum<call_status>::parse("in_queue"));
    CHECK(atoms::open_enum<call_status>::parse("") == call_status::unknown);
    CHECK(atoms::open_enum<call_status>::parse("complete") == call_status::unknown);
    CHECK(atoms::open_enum<call_status>::parse("completed_") == call_status::completed);

    atoms::open_enum<call_status> const unset;
    CHECK(unset == call_status::unknown);
    CHECK(unset.name() == "unknown");
    atoms::open_enum<call_type> const made{call_type::webcall};
    CHECK(made.name() == "webcall");
    CHECK(made.raw.empty());
    atoms::open_enum<call_status> assigned;
    assigned = call_status::failed;
    CHECK(assigned == call_status::failed);

    CHECK(atoms::to_string(voicemail) == "voicemail");
    CHECK(atoms::to_string(completed) == "completed");
    std::ostringstream os;
    os << voicemail << ' ' << made;
    CHECK(os.str() == "voicemail webcall");
  }

  TEST_CASE("to_string gives the service's spelling") {
    CHECK(atoms::to_string(call_status::unknown) == "unknown");
    CHECK(atoms::to_string(call_status::in_progress) == "in_progress");
    CHECK(atoms::to_string(call_status::no_answer) == "no_answer");
    CHECK(atoms::to_string(call_status::cancelled) == "cancelled");
    CHECK(atoms::to_string(call_status::busy) == "busy");
    CHECK(atoms::to_string(call_type::telephony_inbound) == "telephony_inbound");
    CHECK(atoms::to_string(call_type::chat) == "chat");
    CHECK(atoms::to_string(speaker_role::agent) == "agent");
    CHECK(atoms::to_string(speaker_role::user) == "user");
    CHECK(atoms::to_string(metric_type::string) == "STRING");
    CHECK(atoms::to_string(metric_type::enumeration) == "ENUM");
    CHECK(atoms::to_string(metric_type::datetime) == "DATETIME");
    CHECK(atoms::to_string(metric_type::unknown) == "unknown");
    // Every spelling parses back to its enumerator.
    for (int i = 1; i <= static_cast<int>(call_status::cancelled); ++i) {
      auto const s = static_cast<call_status>(i);
      CHECK(atoms::parse_enum<call_status>(atoms::to_string(s)) == s);
    }
  }

  // ---- the decoding toolkit -----------------------------------------------------------------------

  TEST_CASE("json readers accept integers written as 120.0 and reject lies") {
    namespace d = atoms::detail;
    using boost::json::parse;
    CHECK(d::decode_json<std::int64_t>(parse("120")) == 120);
    CHECK(d::decode_json<std::int64_t>(parse("120.0")) == 120);
    CHECK(d::decode_json<std::int64_t>(parse("-7.0")) == -7);
    CHECK(d::decode_json<std::int64_t>(parse("1.2e2")) == 120);
    CHECK(d::decode_json<double>(parse("120")) == 120.0);
    CHECK(d::decode_json<double>(parse("120.5")) == 120.5);
    CHECK(d::decode_json<double>(parse("18446744073709551615")) == doctest::Approx(1.8446744073709552e19));
    CHECK(d::decode_json<bool>(parse("false")) == false);
    CHECK(d::decode_json<std::string>(parse(R"("x")")) == "x");
    CHECK(d::decode_json<std::optional<double>>(parse("null")) == std::nullopt);
    CHECK(d::decode_json<std::optional<double>>(parse("3")) == 3.0);
    CHECK(d::decode_json<std::vector<std::int64_t>>(parse("[1, 2.0, 3]")) ==
          std::vector<std::int64_t>{1, 2, 3});

    CHECK_THROWS_WITH_AS(d::decode_json<std::int64_t>(parse("120.5")), "$: expected an integer, got 120.5",
                         json_decode_error);
    CHECK_THROWS_WITH_AS(d::decode_json<std::int64_t>(parse("18446744073709551615")),
                         "$: integer out of range: 18446744073709551615", json_decode_error);
    CHECK_THROWS_WITH_AS(d::decode_json<std::int64_t>(parse("1e19")), doctest::Contains("out of range"),
                         json_decode_error);
    CHECK_THROWS_WITH_AS(d::decode_json<std::int64_t>(parse(R"("120")")),
                         "$: expected an integer, got a string", json_decode_error);
    CHECK_THROWS_WITH_AS(d::decode_json<double>(parse("true")), "$: expected a number, got a boolean",
                         json_decode_error);
    CHECK_THROWS_WITH_AS(d::decode_json<bool>(parse("1")), "$: expected a boolean, got a number",
                         json_decode_error);
    CHECK_THROWS_WITH_AS(d::decode_json<std::string>(parse("null")), "$: expected a string, got null",
                         json_decode_error);
    CHECK_THROWS_WITH_AS(d::decode_json<std::vector<double>>(parse("{}")),
                         "$: expected an array, got an object", json_decode_error);
    CHECK_THROWS_WITH_AS(d::decode_json<std::vector<std::vector<double>>>(parse(R"([[1], [2, "3"]])"), "$.x"),
                         "$.x[1][1]: expected a number, got a string", json_decode_error);
    CHECK_THROWS_WITH_AS(d::decode_json<boost::json::object>(parse("[]")),
                         "$: expected an object, got an array", json_decode_error);
  }

  TEST_CASE("json_decode_error carries the path and the problem apart") {
    json_decode_error e("expected a number, got a string");
    e.prepend_key("confidence");
    e.prepend_index(1);
    e.prepend_key("dispositionMetrics");
    e.prepend_key("needs follow-up");  // not an identifier: bracketed and quoted
    e.prepend_key("a\"b");
    CHECK(e.path() == R"($["a\"b"]["needs follow-up"].dispositionMetrics[1].confidence)");
    CHECK(e.problem() == "expected a number, got a string");
    e.set_root("$.data");
    CHECK(
        std::string(e.what()) ==
        R"($.data["a\"b"]["needs follow-up"].dispositionMetrics[1].confidence: expected a number, got a string)");
  }

  // ---- metric values ------------------------------------------------------------------------------

  TEST_CASE("metric_value accessors") {
    metric_value const null;
    CHECK(null.is_null());
    CHECK(null.kind() == metric_value_kind::null);
    CHECK(null.to_string() == "");
    CHECK_FALSE(null.as_string());
    CHECK_FALSE(null.as_bool());
    CHECK_FALSE(null.as_integer());
    CHECK_FALSE(null.as_number());
    CHECK_FALSE(null.as_datetime());

    metric_value const yes{"yes"};
    CHECK(yes.kind() == metric_value_kind::string);
    CHECK(yes.as_string() == "yes");
    CHECK(yes.as_bool() == true);
    CHECK_FALSE(yes.as_integer());
    CHECK_FALSE(yes.as_number());
    CHECK(yes.to_string() == "yes");
    CHECK(metric_value{"No"}.as_bool() == false);
    CHECK(metric_value{"TRUE"}.as_bool() == true);
    CHECK(metric_value{" false\n"}.as_bool() == false);
    CHECK_FALSE(metric_value{"unclear"}.as_bool());
    CHECK_FALSE(metric_value{"y"}.as_bool());

    metric_value const seven{"7"};
    CHECK(seven.as_integer() == 7);
    CHECK(seven.as_number() == 7.0);
    CHECK_FALSE(seven.as_bool());
    CHECK(metric_value{"-3"}.as_integer() == -3);
    CHECK(metric_value{"+7"}.as_integer() == 7);
    CHECK(metric_value{" 7\n"}.as_integer() == 7);
    CHECK_FALSE(metric_value{"7.0"}.as_integer());
    CHECK_FALSE(metric_value{"7 apples"}.as_integer());
    CHECK_FALSE(metric_value{"+-7"}.as_integer());
    CHECK_FALSE(metric_value{"99999999999999999999"}.as_integer());
    CHECK(metric_value{"4.5"}.as_number() == 4.5);
    CHECK_FALSE(metric_value{"inf"}.as_number());
    CHECK_FALSE(metric_value{"nan"}.as_number());
    CHECK_FALSE(metric_value{""}.as_number());
    CHECK(metric_value{"0"}.as_bool() == std::nullopt);  // strings: only true/false/yes/no

    metric_value const forty_two{42};
    CHECK(forty_two.kind() == metric_value_kind::number);
    CHECK(forty_two.as_integer() == 42);
    CHECK(forty_two.as_number() == 42.0);
    CHECK_FALSE(forty_two.as_string());
    CHECK_FALSE(forty_two.as_bool());
    CHECK(forty_two.to_string() == "42");

    metric_value const integral_double{42.0};
    CHECK(integral_double.as_integer() == 42);
    CHECK(integral_double.to_string() == "42");  // no ".0"
    metric_value const fractional{4.5};
    CHECK_FALSE(fractional.as_integer());
    CHECK(fractional.as_number() == 4.5);
    CHECK(fractional.to_string() == "4.5");
    CHECK(metric_value{-0.25}.to_string() == "-0.25");
    CHECK(metric_value{0.1}.to_string() == "0.1");
    CHECK(metric_value{1e300}.to_string() == "1e+300");
    CHECK_FALSE(metric_value{1e300}.as_integer());
    CHECK(metric_value{std::uint64_t{18446744073709551615u}}.kind() == metric_value_kind::number);
    CHECK(metric_value{1}.as_bool() == true);
    CHECK(metric_value{0.0}.as_bool() == false);
    CHECK_FALSE(metric_value{2}.as_bool());

    // Only real booleans and numbers: a character or a pointer is not a metric value.
    static_assert(!std::is_constructible_v<metric_value, char>);
    static_assert(!std::is_constructible_v<metric_value, int*>);
    static_assert(std::is_constructible_v<metric_value, unsigned short>);

    metric_value const t{true};
    CHECK(t.kind() == metric_value_kind::boolean);
    CHECK(t.as_bool() == true);
    CHECK(t.to_string() == "true");
    CHECK(metric_value{false}.to_string() == "false");
    CHECK_FALSE(t.as_integer());
    CHECK_FALSE(t.as_number());
    CHECK_FALSE(t.as_string());

    metric_value const when{"2026-07-28T15:46:12.472Z"};
    CHECK(when.as_datetime() == utc(2026, 7, 28, 15, 46, 12, 472));
    CHECK(metric_value{"2026-07-29"}.as_datetime() == utc(2026, 7, 29));
    CHECK_FALSE(metric_value{"tomorrow at noon"}.as_datetime());
    CHECK_FALSE(metric_value{1785253572472}.as_datetime());
  }

  TEST_CASE("metric values decode as string, number, boolean and null") {
    auto const jv = boost::json::parse(R"([ "yes", 3, 3.0, 0.75, true, false, null, -12 ])");
    auto const v = atoms::detail::decode_json<std::vector<metric_value>>(jv);
    REQUIRE(v.size() == 8);
    CHECK(v[0].as_string() == "yes");
    CHECK(v[1].as_integer() == 3);
    CHECK(v[2].as_integer() == 3);
    CHECK(v[2].to_string() == "3");
    CHECK(v[3].as_number() == 0.75);
    CHECK(v[4].as_bool() == true);
    CHECK(v[5].as_bool() == false);
    CHECK(v[6].is_null());
    CHECK(v[7].as_integer() == -12);
    CHECK(boost::json::value_to<metric_value>(boost::json::parse(R"("John")")).to_string() == "John");
    CHECK_THROWS_WITH_AS(
        atoms::detail::decode_json<std::vector<metric_value>>(boost::json::parse(R"([1, ["a"]])")),
        "$[1]: expected a string, a number, a boolean or null, got an array", json_decode_error);
    CHECK_THROWS_WITH_AS(boost::json::value_to<metric_value>(boost::json::parse("{}")),
                         "$: expected a string, a number, a boolean or null, got an object",
                         json_decode_error);
  }

  TEST_CASE("disposition metrics: typed values by declared type, flat and nested") {
    // The service's flat spelling (WebhookEventAnalyticsMetric) and the page's nested one.
    auto const jv = boost::json::parse(R"json([
      {"identifier": "user_interested", "value": "yes", "confidence": 1, "reasoning": "The user explicitly stated 'I am interested'.",
       "dispositionMetricPrompt": "Was the user interested? yes, no, or unclear", "dispositionMetricType": "ENUM", "choices": ["yes", "no", "unclear"]},
      {"identifier": "user_name", "value": "John", "dispositionMetricPrompt": "What is the user's name?", "dispositionValues": {"type": "STRING"}},
      {"identifier": "escalation_needed", "value": false, "confidence": 0.9, "dispositionMetricType": "BOOLEAN"},
      {"identifier": "agreed_to_follow_up", "value": "Yes", "dispositionValues": {"type": "BOOLEAN"}},
      {"identifier": "satisfaction", "value": 4, "dispositionMetricType": "INTEGER"},
      {"identifier": "rating_as_text", "value": "5", "dispositionMetricType": "INTEGER"},
      {"identifier": "rating_as_float", "value": 4.0, "dispositionMetricType": "INTEGER"},
      {"identifier": "rating_unfit", "value": "about five", "dispositionMetricType": "INTEGER"},
      {"identifier": "callback_at", "value": "2026-07-29T10:00:00+05:30", "dispositionMetricType": "DATETIME"},
      {"identifier": "callback_unfit", "value": "tomorrow", "dispositionMetricType": "DATETIME"},
      {"identifier": "turn_taking_balance", "value": 3, "confidence": 1, "dispositionMetricType": "STRING"},
      {"identifier": "email", "value": null, "dispositionMetricType": "STRING"},
      {"identifier": "no_type_string", "value": "true"},
      {"identifier": "no_type_bool", "value": true},
      {"identifier": "no_type_int", "value": 12.0},
      {"identifier": "no_type_fraction", "value": 0.5},
      {"identifier": "new_type", "value": 2.5, "dispositionMetricType": "FLOAT"},
      {"identifier": "both_spellings", "value": "7", "dispositionMetricType": "INTEGER", "dispositionValues": {"type": "STRING"}},
      {"identifier": "no_value"}
    ])json");
    auto const ms = atoms::detail::decode_json<std::vector<atoms::disposition_metric>>(jv);
    REQUIRE(ms.size() == 19);
    using typed = atoms::disposition_metric::typed_value;

    CHECK(ms[0].identifier == "user_interested");
    REQUIRE(ms[0].type);
    CHECK(*ms[0].type == metric_type::enumeration);
    CHECK(ms[0].prompt == "Was the user interested? yes, no, or unclear");
    CHECK(ms[0].choices == std::vector<std::string>{"yes", "no", "unclear"});
    CHECK(ms[0].confidence == 1.0);
    CHECK(ms[0].reasoning == "The user explicitly stated 'I am interested'.");
    CHECK(ms[0].typed() == typed{std::string("yes")});
    CHECK(ms[0].extra.empty());

    REQUIRE(ms[1].type);
    CHECK(*ms[1].type == metric_type::string);  // nested spelling
    CHECK(ms[1].typed() == typed{std::string("John")});
    CHECK(ms[1].extra.empty());  // {"type": …} was consumed
    CHECK_FALSE(ms[1].confidence);
    CHECK_FALSE(ms[1].reasoning);

    CHECK(ms[2].typed() == typed{false});
    CHECK(ms[2].confidence == 0.9);
    CHECK(ms[3].typed() == typed{true});
    CHECK(ms[4].typed() == typed{std::int64_t{4}});
    CHECK(ms[5].typed() == typed{std::int64_t{5}});
    CHECK(ms[6].typed() == typed{std::int64_t{4}});
    CHECK(std::holds_alternative<std::monostate>(ms[7].typed()));
    CHECK(ms[8].typed() == typed{utc(2026, 7, 29, 4, 30)});
    CHECK(std::holds_alternative<std::monostate>(ms[9].typed()));
    CHECK(ms[10].typed() == typed{std::string("3")});  // text asked for: the number as text
    CHECK(ms[10].value.kind() == metric_value_kind::number);
    CHECK(std::holds_alternative<std::monostate>(ms[11].typed()));
    CHECK(ms[11].value.is_null());

    CHECK_FALSE(ms[12].type);
    CHECK(ms[12].typed() == typed{std::string("true")});  // no guessing from text
    CHECK(ms[13].typed() == typed{true});
    CHECK(ms[14].typed() == typed{std::int64_t{12}});
    CHECK(std::holds_alternative<std::monostate>(ms[15].typed()));
    CHECK(ms[15].value.as_number() == 0.5);

    REQUIRE(ms[16].type);
    CHECK(*ms[16].type == metric_type::unknown);
    CHECK(ms[16].type->raw == "FLOAT");
    CHECK(std::holds_alternative<std::monostate>(ms[16].typed()));  // falls back to the kind: 2.5 fits none

    REQUIRE(ms[17].type);
    CHECK(*ms[17].type == metric_type::integer);  // the flat spelling wins
    CHECK(ms[17].typed() == typed{std::int64_t{7}});

    CHECK(ms[18].value.is_null());
    CHECK(std::holds_alternative<std::monostate>(ms[18].typed()));
  }

  TEST_CASE("disposition metrics keep what they do not know") {
    auto const m = boost::json::value_to<atoms::disposition_metric>(boost::json::parse(R"json(
      {"identifier": "plan", "value": "gold", "dispositionValues": {"type": "ENUM", "choices": ["gold", "silver"]},
       "evaluatedBy": "reasoning-model"}
    )json"));
    REQUIRE(m.type);
    CHECK(*m.type == metric_type::enumeration);
    CHECK(m.extra.at("evaluatedBy") == "reasoning-model");
    CHECK(m.extra.at("dispositionValues").at("choices").as_array().size() == 2);

    CHECK_THROWS_WITH_AS(
        boost::json::value_to<atoms::disposition_metric>(boost::json::parse(R"({"value": "yes"})")),
        "$.identifier: required member is missing", json_decode_error);
    CHECK_THROWS_WITH_AS(boost::json::value_to<atoms::disposition_metric>(
                             boost::json::parse(R"({"identifier": "x", "dispositionValues": {"type": 3}})")),
                         "$.dispositionValues.type: expected a string, got a number", json_decode_error);
    CHECK_THROWS_WITH_AS(boost::json::value_to<atoms::disposition_metric>(
                             boost::json::parse(R"({"identifier": "x", "choices": ["a", 1]})")),
                         "$.choices[1]: expected a string, got a number", json_decode_error);
  }

  // ---- call details -------------------------------------------------------------------------------

  TEST_CASE("a full call as the document shows it, and the extras the service sends") {
    call_details const d = decode_call(full_call);

    CHECK(d.id == "60d0fe4f5311236168a109ca");
    CHECK(d.call_id == "CALL-1737000000000-abc123");
    REQUIRE(d.agent);
    CHECK(d.agent->id == "696e655577e1d88ff54b4fbf");
    CHECK(d.agent->name == "Sales Agent 1768842500");
    CHECK(d.agent->description == "Testing disposition metrics");
    CHECK(d.agent->extra.at("backgroundSound") == "office");
    CHECK(d.agent->extra.at("workflowType") == "workflow_graph");
    CHECK(d.agent->extra.size() == 3);
    CHECK(d.status == call_status::completed);
    CHECK(d.status.raw == "completed");
    CHECK(d.duration == 300.0);
    CHECK(d.recording_url == "https://storage.example.com/recordings/call-123.mp3");
    CHECK(d.recording_dual_url == "https://storage.example.com/recordings/call-123-dual.mp3");
    CHECK(d.from == "+15551234567");
    CHECK(d.to == "+15559876543");
    CHECK(d.type == call_type::telephony_outbound);

    REQUIRE(d.transcript.size() == 4);
    CHECK(d.transcript[0].role == speaker_role::agent);
    CHECK(d.transcript[0].content ==
          "Hi, this is Nisha from Smallest. Do you have a minute to talk about our AI products?");
    CHECK(d.transcript[0].timestamp == utc(2026, 7, 28, 15, 46, 12, 472));
    CHECK(d.transcript[1].role == speaker_role::user);
    CHECK(d.transcript[1].content == "Sure, I am interested.");
    CHECK(d.transcript[3].timestamp == utc(2026, 7, 28, 15, 46, 23, 300));

    CHECK(d.variables.size() == 3);
    CHECK(d.variables.at("customer_name") == "Rahul Sharma");
    CHECK(d.variables.at("due_amount") == "29000");
    REQUIRE(d.events.size() == 2);
    CHECK(d.events[0].at("event") == "call_started");
    CHECK(d.events[1].at("reason") == "user_hangup");

    CHECK(d.call_cost == 2.75);
    CHECK(d.call_failure_reason == "");
    CHECK(d.retry_call_id == "CALL-1737000000001-abc124");
    CHECK(d.disconnection_reason == atoms::disconnect_reason::user_hangup);

    REQUIRE(d.post_call_analytics);
    auto const& pca = *d.post_call_analytics;
    CHECK(pca.summary ==
          "The call involved an agent reaching out to discuss AI products. The user expressed "
          "interest and provided their name.");
    REQUIRE(pca.disposition_metrics.size() == 2);
    CHECK(pca.disposition_metrics[1].reasoning == "The user provided their name directly.");
    CHECK(pca.extra.at("successMetrics").as_array().empty());
    REQUIRE(pca.find("user_name"));
    CHECK(pca.find("user_name")->value.as_string() == "John");
    CHECK(pca.find("user_name") == &pca.disposition_metrics[1]);
    CHECK(pca.find("nothing_like_it") == nullptr);

    REQUIRE(d.turn_latency_metrics);
    auto const& lm = *d.turn_latency_metrics;
    CHECK(lm.turns == 4.0);
    CHECK(lm.avg_latency == 812.5);
    CHECK(lm.median_latency == 790.0);
    CHECK(lm.min_latency == 640.0);
    CHECK(lm.max_latency == 1030.0);
    CHECK(lm.latencies == std::vector<double>{640, 790, 1030, 790});
    REQUIRE(lm.transitions.size() == 2);
    CHECK(lm.transitions[0].turn == 1.0);
    CHECK(lm.transitions[0].user_end == 1785253578105.0);
    CHECK(lm.transitions[0].bot_start == 1785253578895.0);
    CHECK(lm.transitions[1].latency == 1030.0);
    CHECK(lm.processed_at == utc(2026, 7, 28, 15, 47, 2));

    REQUIRE(d.voice_config_used);
    CHECK(d.voice_config_used->model == "lightning-v2");
    CHECK(d.voice_config_used->voice_id == "emily");
    CHECK(d.voice_config_used->gender == "female");
    CHECK(d.slm_model_used == "electron-v2");

    CHECK(d.average_transcriber_latency == 210.4);
    CHECK(d.average_agent_latency == 480.0);
    CHECK(d.average_synthesizer_latency == 120.0);
    CHECK(d.created_at == utc(2026, 7, 28, 15, 46));
    CHECK(d.updated_at == utc(2026, 7, 28, 15, 47, 2, 123));

    // Nothing is lost: the members the document does not list, exactly as sent.
    CHECK(d.extra.size() == 3);
    CHECK(d.extra.at("disconnectDetails") == boost::json::parse(R"({"initiator": "user", "sipCode": 200})"));
    CHECK(d.extra.at("usage") == boost::json::parse(R"({"llmTokens": 1234, "ttsCharacters": 560})"));
    CHECK(d.extra.at("costBreakdown") ==
          boost::json::parse(R"({"telephony": 1.25, "llm": 0.5, "tts": 1.0})"));

    // value_to works the same as decode_json.
    auto const jv = boost::json::parse(full_call);
    auto const same = boost::json::value_to<call_details>(jv.at("data"));
    CHECK(same.call_id == d.call_id);
    CHECK(same.transcript.size() == 4);
  }

  TEST_CASE("the product page's example output") {
    // What post-call-analytics.txt prints for its sales call, from the service's JSON.
    call_details const d = decode_call(full_call);
    REQUIRE(d.post_call_analytics);
    std::string out = "Summary: " + d.post_call_analytics->summary.value_or("") + "\n";
    for (auto const& m : d.post_call_analytics->disposition_metrics) {
      out += m.identifier + ": " + m.value.to_string() + "\n";
      out += "  Confidence: " + metric_value(m.confidence.value_or(0)).to_string() + "\n";
      out += "  Reasoning: " + m.reasoning.value_or("") + "\n";
    }
    CHECK(out ==
          "Summary: The call involved an agent reaching out to discuss AI products. The user expressed "
          "interest and provided their name.\n"
          "user_interested: yes\n"
          "  Confidence: 1\n"
          "  Reasoning: The user explicitly stated 'I am interested'.\n"
          "user_name: John\n"
          "  Confidence: 1\n"
          "  Reasoning: The user provided their name directly.\n");

    auto const* interested = d.post_call_analytics->find("user_interested");
    REQUIRE(interested);
    CHECK(interested->value.as_bool() == true);
    using typed = atoms::disposition_metric::typed_value;
    CHECK(interested->typed() == typed{std::string("yes")});
    CHECK(d.post_call_analytics->find("user_name")->typed() == typed{std::string("John")});
  }

  TEST_CASE("a minimal call: everything but callId may be missing") {
    call_details const d =
        decode_call(R"({"status": true, "data": {"callId": "CALL-1768842587790-69eb58"}})");
    CHECK(d.call_id == "CALL-1768842587790-69eb58");
    CHECK(d.id.empty());
    CHECK_FALSE(d.agent);
    CHECK(d.status == call_status::unknown);
    CHECK(d.status.raw.empty());
    CHECK(d.type == call_type::unknown);
    CHECK_FALSE(d.duration);
    CHECK_FALSE(d.recording_url);
    CHECK(d.transcript.empty());
    CHECK(d.variables.empty());
    CHECK(d.events.empty());
    CHECK_FALSE(d.post_call_analytics);
    CHECK_FALSE(d.turn_latency_metrics);
    CHECK_FALSE(d.created_at);
    CHECK(d.extra.empty());
  }

  TEST_CASE("null means nothing, for every kind of member") {
    call_details const d = decode_call(R"json({"status": true, "data": {
      "_id": null, "callId": "CALL-1768842587790-69eb58", "agent": null, "status": null, "duration": null,
      "recordingUrl": null, "recordingDualUrl": null, "from": null, "to": null, "type": null, "transcript": null,
      "variables": null, "events": null, "callCost": null, "callFailureReason": null, "retryCallId": null,
      "disconnectionReason": null, "postCallAnalytics": null, "turnLatencyMetrics": null, "voiceConfigUsed": null,
      "slmModelUsed": null, "average_transcriber_latency": null, "average_agent_latency": null,
      "average_synthesizer_latency": null, "createdAt": null, "updatedAt": null, "usage": null}})json");
    CHECK(d.id.empty());
    CHECK_FALSE(d.agent);
    CHECK(d.status == call_status::unknown);
    CHECK_FALSE(d.duration);
    CHECK_FALSE(d.recording_url);
    CHECK(d.type == call_type::unknown);
    CHECK(d.transcript.empty());
    CHECK(d.variables.empty());
    CHECK(d.events.empty());
    CHECK_FALSE(d.post_call_analytics);
    CHECK_FALSE(d.average_agent_latency);
    CHECK_FALSE(d.updated_at);
    CHECK(d.extra.size() == 1);
    CHECK(d.extra.at("usage").is_null());

    call_details const inner = decode_call(R"json({"data": {"callId": "C",
      "transcript": [{"role": null, "content": null, "timestamp": null}],
      "postCallAnalytics": {"summary": null, "dispositionMetrics": null},
      "turnLatencyMetrics": {"turns": null, "avgLatency": null, "latencies": [640, null, 790], "transitions": null,
                             "processedAt": null},
      "voiceConfigUsed": {"model": null, "voiceId": null, "gender": null},
      "agent": {"_id": null, "name": null}}})json");
    REQUIRE(inner.transcript.size() == 1);
    CHECK(inner.transcript[0].role == speaker_role::unknown);
    CHECK(inner.transcript[0].content.empty());
    CHECK_FALSE(inner.transcript[0].timestamp);
    REQUIRE(inner.post_call_analytics);
    CHECK_FALSE(inner.post_call_analytics->summary);
    CHECK(inner.post_call_analytics->disposition_metrics.empty());
    REQUIRE(inner.turn_latency_metrics);
    REQUIRE(inner.turn_latency_metrics->latencies.size() == 3);  // null keeps its place, as NaN
    CHECK(std::isnan(inner.turn_latency_metrics->latencies[1]));
    CHECK(inner.turn_latency_metrics->latencies[2] == 790.0);
    REQUIRE(inner.voice_config_used);
    CHECK_FALSE(inner.voice_config_used->model);
    REQUIRE(inner.agent);
    CHECK(inner.agent->id.empty());
  }

  TEST_CASE("integers written as 120.0") {
    call_details const d = decode_call(R"json({"data": {"callId": "C", "duration": 120.0, "callCost": 3,
      "turnLatencyMetrics": {"turns": 6.0, "latencies": [700.0, 650]},
      "postCallAnalytics": {"dispositionMetrics": [
        {"identifier": "rating", "value": 4.0, "confidence": 1.0, "dispositionMetricType": "INTEGER"}]}}})json");
    CHECK(d.duration == 120.0);
    CHECK(d.call_cost == 3.0);
    CHECK(d.turn_latency_metrics->turns == 6.0);
    CHECK(d.turn_latency_metrics->latencies == std::vector<double>{700, 650});
    auto const& m = d.post_call_analytics->disposition_metrics.at(0);
    CHECK(m.value.as_integer() == 4);
    CHECK(m.value.to_string() == "4");
    CHECK(m.typed() == atoms::disposition_metric::typed_value{std::int64_t{4}});
    CHECK(m.confidence == 1.0);
  }

  TEST_CASE("transcript time stamps as ISO strings and as numbers") {
    call_details const d = decode_call(R"json({"data": {"callId": "C", "transcript": [
      {"role": "agent", "content": "Hello", "timestamp": "2026-07-28T15:46:12.472Z"},
      {"role": "user", "content": "Hi", "timestamp": 1785253572472},
      {"role": "agent", "content": "How are you?", "timestamp": 1785253572},
      {"role": "user", "content": "Fine", "timestamp": 1785253572.472},
      {"role": "agent", "content": "Good", "timestamp": "2026-07-28T21:16:12.472+05:30"},
      {"role": "user", "content": "Bye", "timestamp": ""},
      {"role": "agent", "content": "Bye"},
      {"role": "user", "content": "1973", "timestamp": 100000000000},
      {"role": "user", "content": "5138", "timestamp": 99999999999}
    ]}})json");
    REQUIRE(d.transcript.size() == 9);
    CHECK(d.transcript[0].timestamp == utc(2026, 7, 28, 15, 46, 12, 472));
    CHECK(d.transcript[1].timestamp == utc(2026, 7, 28, 15, 46, 12, 472));  // milliseconds
    CHECK(d.transcript[2].timestamp == utc(2026, 7, 28, 15, 46, 12));       // seconds
    CHECK(d.transcript[3].timestamp == utc(2026, 7, 28, 15, 46, 12, 472));  // seconds with a fraction
    CHECK(d.transcript[4].timestamp == utc(2026, 7, 28, 15, 46, 12, 472));
    CHECK_FALSE(d.transcript[5].timestamp);  // "" is absent
    CHECK_FALSE(d.transcript[6].timestamp);
    CHECK(d.transcript[7].timestamp == timestamp{std::chrono::milliseconds{100000000000}});
    CHECK(d.transcript[8].timestamp == timestamp{std::chrono::seconds{99999999999}});

    CHECK(decode_error(
              R"({"data": {"callId": "C", "transcript": [{"role": "user", "timestamp": "yesterday"}]}})") ==
          R"($.data.transcript[0].timestamp: expected an ISO-8601 time stamp, got "yesterday")");
    CHECK(
        decode_error(R"({"data": {"callId": "C", "transcript": [{"role": "user", "timestamp": 1e300}]}})") ==
        "$.data.transcript[0].timestamp: time stamp out of range: 1.0000000000000001e+300");
    CHECK(decode_error(R"({"data": {"callId": "C", "transcript": [{"role": "user", "timestamp": true}]}})") ==
          "$.data.transcript[0].timestamp: expected a time stamp (a string or a number), got a boolean");
    CHECK(
        decode_error(
            R"({"data": {"callId": "C", "updatedAt": "the day after the day after the day after tomorrow"}})") ==
        R"($.data.updatedAt: expected an ISO-8601 time stamp, got "the day after the day after the day afte"...)");
    CHECK(decode_error(R"({"data": {"callId": "C", "createdAt": "2026-02-30T00:00:00Z"}})") ==
          R"($.data.createdAt: expected an ISO-8601 time stamp, got "2026-02-30T00:00:00Z")");
  }

  TEST_CASE("a status, type or role the service adds later keeps its raw string") {
    call_details const d = decode_call(R"json({"data": {"callId": "C", "status": "voicemail_detected",
      "type": "sip_trunk", "transcript": [{"role": "system", "content": "call transferred"}]}})json");
    CHECK(d.status == call_status::unknown);
    CHECK(d.status.raw == "voicemail_detected");
    CHECK(d.status.name() == "voicemail_detected");
    CHECK(d.type == call_type::unknown);
    CHECK(d.type.raw == "sip_trunk");
    CHECK(d.transcript.at(0).role == speaker_role::unknown);
    CHECK(d.transcript.at(0).role.raw == "system");

    // Statuses from the product page and other endpoints' spellings.
    CHECK(decode_call(R"({"data": {"callId": "C", "status": "busy"}})").status == call_status::busy);
    CHECK(decode_call(R"({"data": {"callId": "C", "status": "no_answer"}})").status ==
          call_status::no_answer);
    CHECK(decode_call(R"({"data": {"callId": "C", "status": "IN_QUEUE"}})").status == call_status::in_queue);
    CHECK(decode_call(R"({"data": {"callId": "C", "type": "chat"}})").type == call_type::chat);
    CHECK(decode_call(R"({"data": {"callId": "C", "type": "webcall"}})").type == call_type::webcall);
  }

  TEST_CASE("agent as an object or as a bare id") {
    auto const by_id = decode_call(R"({"data": {"callId": "C", "agent": "696ddd281ea16a73cb8aafbe"}})");
    REQUIRE(by_id.agent);
    CHECK(by_id.agent->id == "696ddd281ea16a73cb8aafbe");
    CHECK_FALSE(by_id.agent->name);
    CHECK(by_id.agent->extra.empty());

    CHECK(decode_error(R"({"data": {"callId": "C", "agent": 42}})") ==
          "$.data.agent: expected an object or a string, got a number");
    CHECK(decode_error(R"({"data": {"callId": "C", "agent": {"_id": ["x"]}}})") ==
          "$.data.agent._id: expected a string, got an array");
  }

  TEST_CASE("recording URLs: an empty string means not available yet, and is kept") {
    auto const d = decode_call(
        R"({"data": {"callId": "C", "status": "completed", "recordingUrl": "", "recordingDualUrl": ""}})");
    REQUIRE(d.recording_url);
    CHECK(d.recording_url->empty());
    REQUIRE(d.recording_dual_url);
    CHECK(d.recording_dual_url->empty());
  }

  TEST_CASE("dispositionMetrics in the call-log listing's object form") {
    auto const d = decode_call(R"json({"data": {"callId": "C", "postCallAnalytics": {
      "dispositionMetrics": {"interested": "yes", "follow_up_needed": "no", "score": 8}}}})json");
    auto const& ms = d.post_call_analytics->disposition_metrics;
    REQUIRE(ms.size() == 3);
    CHECK(d.post_call_analytics->find("interested")->value.as_bool() == true);
    CHECK(d.post_call_analytics->find("follow_up_needed")->value.as_string() == "no");
    CHECK(d.post_call_analytics->find("score")->value.as_integer() == 8);
    CHECK(
        decode_error(
            R"({"data": {"callId": "C", "postCallAnalytics": {"dispositionMetrics": {"needs follow-up": [1]}}}})") ==
        R"($.data.postCallAnalytics.dispositionMetrics["needs follow-up"]: expected a string, a number, a boolean or null, got an array)");
  }

  TEST_CASE("missing or mistyped callId is an error") {
    CHECK(decode_error(
              R"({"status": true, "data": {"_id": "60d0fe4f5311236168a109ca", "status": "completed"}})") ==
          "$.data.callId: required member is missing");
    CHECK(decode_error(R"({"data": {"callId": 1737000000000}})") ==
          "$.data.callId: expected a string, got a number");
    CHECK(decode_error(R"({"data": {"callId": null}})") == "$.data.callId: expected a string, got null");
    CHECK(decode_error(R"({"data": "CALL-1"})") == "$.data: expected an object, got a string");

    // Through value_to the root is "$".
    CHECK_THROWS_WITH_AS(
        boost::json::value_to<call_details>(boost::json::parse(R"({"status": "completed"})")),
        "$.callId: required member is missing", json_decode_error);
    try {
      (void)decode_call(R"({"data": {}})");
      FAIL("no error");
    } catch (json_decode_error const& e) {
      CHECK(e.path() == "$.data.callId");
      CHECK(e.problem() == "required member is missing");
    }
  }

  TEST_CASE("a wrong type at depth names the exact path") {
    // The call of the document, with one lie each.
    CHECK(decode_error(R"json({"data": {"callId": "C", "postCallAnalytics": {"dispositionMetrics": [
            {"identifier": "user_interested", "value": "yes", "confidence": 1},
            {"identifier": "user_name", "value": "John", "confidence": "high"}]}}})json") ==
          "$.data.postCallAnalytics.dispositionMetrics[1].confidence: expected a number, got a string");
    CHECK(decode_error(R"json({"data": {"callId": "C", "transcript": [
            {"role": "agent", "content": "a"}, {"role": "user", "content": "b"}, {"role": 1, "content": "c"}]}})json") ==
          "$.data.transcript[2].role: expected a string, got a number");
    CHECK(decode_error(
              R"({"data": {"callId": "C", "transcript": [{"role": "agent", "content": {"text": "a"}}]}})") ==
          "$.data.transcript[0].content: expected a string, got an object");
    CHECK(decode_error(R"({"data": {"callId": "C", "transcript": {"role": "agent"}}})") ==
          "$.data.transcript: expected an array, got an object");
    CHECK(decode_error(R"({"data": {"callId": "C", "transcript": ["hello"]}})") ==
          "$.data.transcript[0]: expected an object, got a string");
    CHECK(decode_error(R"({"data": {"callId": "C", "turnLatencyMetrics": {"latencies": [640, "790"]}}})") ==
          "$.data.turnLatencyMetrics.latencies[1]: expected a number, got a string");
    CHECK(
        decode_error(
            R"({"data": {"callId": "C", "turnLatencyMetrics": {"transitions": [{"turn": 1}, {"bot_start": "x"}]}}})") ==
        "$.data.turnLatencyMetrics.transitions[1].bot_start: expected a number, got a string");
    CHECK(
        decode_error(
            R"({"data": {"callId": "C", "turnLatencyMetrics": {"processedAt": 5 , "avgLatency": false}}})") ==
        "$.data.turnLatencyMetrics.avgLatency: expected a number, got a boolean");
    CHECK(decode_error(R"({"data": {"callId": "C", "duration": "300"}})") ==
          "$.data.duration: expected a number, got a string");
    CHECK(decode_error(R"({"data": {"callId": "C", "status": 3}})") ==
          "$.data.status: expected a string, got a number");
    CHECK(decode_error(R"({"data": {"callId": "C", "variables": []}})") ==
          "$.data.variables: expected an object, got an array");
    CHECK(decode_error(R"({"data": {"callId": "C", "events": {}}})") ==
          "$.data.events: expected an array, got an object");
    CHECK(decode_error(R"({"data": {"callId": "C", "voiceConfigUsed": {"voiceId": 7}}})") ==
          "$.data.voiceConfigUsed.voiceId: expected a string, got a number");
    CHECK(decode_error(R"({"data": {"callId": "C", "postCallAnalytics": {"summary": ["a"]}}})") ==
          "$.data.postCallAnalytics.summary: expected a string, got an array");
    CHECK(
        decode_error(
            R"({"data": {"callId": "C", "postCallAnalytics": {"dispositionMetrics": [{"value": "yes"}]}}})") ==
        "$.data.postCallAnalytics.dispositionMetrics[0].identifier: required member is missing");
    CHECK(
        decode_error(
            R"({"data": {"callId": "C", "postCallAnalytics": {"dispositionMetrics": [{"identifier": "x", "dispositionMetricType": true}]}}})") ==
        "$.data.postCallAnalytics.dispositionMetrics[0].dispositionMetricType: expected a string, got a "
        "boolean");
    CHECK(decode_error(R"({"data": {"callId": "C", "postCallAnalytics": "none"}})") ==
          "$.data.postCallAnalytics: expected an object, got a string");
    // Members nobody reads are not judged: they are kept as sent.
    CHECK(decode_error(R"({"data": {"callId": "C", "usage": "whatever", "costBreakdown": [1, "2"]}})") ==
          "(no error)");
  }

}  // TEST_SUITE

// ---- encoding ---------------------------------------------------------------------------------

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using atoms::open_enum;

double number_of(boost::json::value const& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.get_double();
}

// Where `got` (our encoding) differs from `want` (the service's JSON), or "" where it does not.
// Two differences are none, because every reader, our decoders included, reads both sides
// alike: a number equals the same number of another kind (120 and 120.0: a double field is
// written as a double whatever the service sent; that integer fields stay integers is
// checked on its own), and a member that is null in `want` may be absent from `got` (null and
// absent both mean "nothing", and the encoders leave an absent optional out). Nothing else is
// forgiven: a member added, lost or changed is a difference.
std::string json_difference(boost::json::value const& want, boost::json::value const& got,
                            std::string const& path = "$") {
  if (want.is_number() && got.is_number())
    return number_of(want) == number_of(got) ? "" : path + ": the number changed";
  if (want.is_object() && got.is_object()) {
    for (auto const& kv : want.get_object()) {
      std::string const at = path + "." + std::string(kv.key());
      if (auto const* g = got.get_object().if_contains(kv.key())) {
        if (auto d = json_difference(kv.value(), *g, at); !d.empty()) return d;
      } else if (!kv.value().is_null())
        return at + ": lost";
    }
    for (auto const& kv : got.get_object())
      if (!want.get_object().contains(kv.key())) return path + "." + std::string(kv.key()) + ": added";
    return "";
  }
  if (want.is_array() && got.is_array()) {
    auto const &w = want.get_array(), &g = got.get_array();
    if (w.size() != g.size())
      return path + ": " + std::to_string(w.size()) + " elements became " + std::to_string(g.size());
    for (std::size_t i = 0; i < w.size(); ++i)
      if (auto d = json_difference(w[i], g[i], path + "[" + std::to_string(i) + "]"); !d.empty()) return d;
    return "";
  }
  return want == got ? ""
                     : path + ": " + boost::json::serialize(want) + " became " + boost::json::serialize(got);
}

// What the encoder writes by design for a call (details or list item) that differs from what
// the service sent: each analysed metric carries its type under both keys (DESIGN.md: write
// both, read either), and a transcript time stamp sent as a number comes back in the
// service's ISO-8601 form, as its other time stamps are.
void as_encoded(boost::json::object& call) {
  if (auto* pca = call.if_contains("postCallAnalytics"); pca && pca->is_object())
    if (auto* metrics = pca->get_object().if_contains("dispositionMetrics"); metrics && metrics->is_array())
      for (auto& m : metrics->get_array()) {
        auto& o = m.get_object();
        if (auto const* flat = o.if_contains("dispositionMetricType")) {
          boost::json::value const type = *flat;
          if (!o.contains("dispositionValues")) o["dispositionValues"] = boost::json::object{{"type", type}};
        } else if (auto const* nested = o.if_contains("dispositionValues")) {
          boost::json::value const type = nested->at("type");
          o["dispositionMetricType"] = type;
        }
      }
  if (auto* transcript = call.if_contains("transcript"); transcript && transcript->is_array())
    for (auto& turn : transcript->get_array())
      if (auto* t = turn.get_object().if_contains("timestamp"); t && t->is_number())
        *t = atoms::format_iso8601(atoms::detail::read_timestamp(*t));
}

// Decodes `service` as a T and checks that encoding the result gives `want`.
template <class T>
void check_round_trip(boost::json::value const& service, boost::json::value const& want) {
  boost::json::value const got = boost::json::value_from(boost::json::value_to<T>(service));
  INFO("got: ", boost::json::serialize(got));
  std::string const difference = json_difference(want, got);
  CHECK_MESSAGE(difference.empty(), difference);
}

// The `data` of an answer of `emu` (plain HTTP), as it sent it.
boost::json::value emulator_data(atoms::testing::emulator const& emu, http::verb method, std::string target,
                                 std::string body = {}) {
  http::response<http::string_body> res;
  atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(10));
    co_await stream.async_connect({asio::ip::make_address("127.0.0.1"), emu.port()}, asio::use_awaitable);
    http::request<http::string_body> req{method, "/atoms/v1" + target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + emu.api_key());
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    co_await http::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  });
  REQUIRE(res.result_int() == 200);
  return boost::json::parse(res.body()).at("data");
}

boost::json::value encode_call(std::string_view response) {
  return boost::json::value_from(decode_call(response));
}

}  // namespace

TEST_SUITE("models.encode") {
  TEST_CASE("encode: the document's call and page come back as the service sent them") {
    boost::json::value const call = boost::json::parse(full_call).at("data");
    boost::json::value want = call;
    as_encoded(want.as_object());
    check_round_trip<call_details>(call, want);

    boost::json::value const page = boost::json::parse(atoms_test::full_page).at("data");
    want = page;
    for (auto& log : want.at("logs").as_array()) {
      as_encoded(log.as_object());
      // The document's second item leaves out the two members the listing computes for every
      // item (empty for this unanswered call); the list item is written with them.
      log.as_object().emplace("dispositionMetrics", boost::json::object());
      log.as_object().emplace("agentDispositionConfig", boost::json::array());
    }
    check_round_trip<call_page>(page, want);

    // Integer fields stay integers, double fields are doubles, time stamps the service's form.
    boost::json::value const got = boost::json::value_from(boost::json::value_to<call_page>(page));
    auto const& log = got.at("logs").at(0);
    CHECK(got.at("pagination").at("total").is_int64());
    CHECK(got.at("pagination").at("hasMore").is_bool());
    CHECK(log.at("retryCount").is_int64());
    CHECK(log.at("retryAttemptNumber").is_int64());
    CHECK(log.at("duration").is_double());
    CHECK(log.at("callCost").is_double());
    CHECK(log.at("dispositionMetrics").at("score").is_int64());
    CHECK(log.at("createdAt") == "2025-01-15T10:30:00.000Z");
    CHECK(log.at("agentDispositionConfig").at(0) ==
          boost::json::parse(R"({"identifier": "interested", "type": "ENUM"})"));
  }

  TEST_CASE("encode: the emulator's calls, list page and search result come back as it sent them") {
    atoms::testing::emulator emu({.tls = false});
    std::vector<std::string> const ids = emu.call_ids();
    REQUIRE(ids.size() == 20);
    for (auto const& id : ids) {
      CAPTURE(id);
      boost::json::value const call = *emu.call(id);
      boost::json::value want = call;
      as_encoded(want.as_object());
      check_round_trip<call_details>(call, want);
    }

    boost::json::value const page = emulator_data(emu, http::verb::get, "/conversation?limit=20");
    REQUIRE(page.at("logs").as_array().size() == 20);
    boost::json::value want = page;
    for (auto& log : want.at("logs").as_array()) as_encoded(log.as_object());
    check_round_trip<call_page>(page, want);

    boost::json::array call_ids;
    for (auto const& id : ids) call_ids.emplace_back(id);
    boost::json::value const found =
        emulator_data(emu, http::verb::post, "/conversation/search",
                      boost::json::serialize(boost::json::object{{"callIds", call_ids}}));
    REQUIRE(found.at("logs").as_array().size() == 20);
    want = found;
    for (auto& log : want.at("logs").as_array()) as_encoded(log.as_object());
    check_round_trip<search_result>(found, want);
  }

  TEST_CASE("encode: members we do not model survive, and a typed field wins over extra") {
    boost::json::value const got = encode_call(R"json({"data": {"callId": "C", "campaignId": null,
      "futureFlag": {"a": [1, 2.5, "x", null]},
      "agent": {"_id": "A", "name": "N", "workflowType": "workflow_graph"},
      "postCallAnalytics": {"summary": "s", "successMetrics": [], "dispositionMetrics": [
        {"identifier": "m", "value": "yes", "weight": 2,
         "dispositionValues": {"type": "ENUM", "labels": ["yes", "no"]}}]}}})json");
    CHECK(got.at("campaignId").is_null());
    CHECK(got.at("futureFlag") == boost::json::parse(R"({"a": [1, 2.5, "x", null]})"));
    CHECK(got.at("agent") ==
          boost::json::parse(R"({"_id": "A", "name": "N", "workflowType": "workflow_graph"})"));
    auto const& pca = got.at("postCallAnalytics");
    CHECK(pca.at("successMetrics") == boost::json::array());
    auto const& m = pca.at("dispositionMetrics").at(0);
    CHECK(m.at("weight") == 2);
    CHECK(m.at("dispositionValues") == boost::json::parse(R"({"type": "ENUM", "labels": ["yes", "no"]})"));
    CHECK(m.at("dispositionMetricType") == "ENUM");

    boost::json::value const page = boost::json::parse(R"json({"nextCursor": "x",
      "logs": [{"callId": "C", "organization": "o", "campaignId": null,
                "agentDispositionConfig": [{"identifier": "m", "type": "ENUM", "color": "red"}]}],
      "pagination": {"total": 1}, "dispositionMetricsConfig": [{"identifier": "m", "type": "ENUM", "order": 1}]})json");
    check_round_trip<call_page>(page, boost::json::parse(R"json({"nextCursor": "x",
      "logs": [{"callId": "C", "organization": "o", "campaignId": null, "dispositionMetrics": {},
                "agentDispositionConfig": [{"identifier": "m", "type": "ENUM", "color": "red"}]}],
      "pagination": {"total": 1}, "dispositionMetricsConfig": [{"identifier": "m", "type": "ENUM", "order": 1}]})json"));
    boost::json::value const found =
        boost::json::parse(R"({"logs": [{"callId": "C", "x": 1}], "total": 1, "note": "n"})");
    check_round_trip<search_result>(found, found);

    // `missing` is ours, not the service's.
    search_result r;
    r.missing = {"CALL-1"};
    CHECK(boost::json::value_from(r) == boost::json::parse(R"({"logs": []})"));

    call_details d;
    d.call_id = "C";
    d.duration = 7;
    d.extra["callId"] = "not this one";
    d.extra["duration"] = "nor this";
    d.extra["kept"] = true;
    boost::json::value const mine = boost::json::value_from(d);
    CHECK(mine.at("callId") == "C");
    CHECK(mine.at("duration") == 7.0);
    CHECK(mine.at("kept") == true);
  }

  TEST_CASE("encode: a metric is written with both type keys") {
    for (char const* text : {R"({"identifier": "n", "value": 3, "dispositionMetricType": "INTEGER"})",
                             R"({"identifier": "n", "value": 3, "dispositionValues": {"type": "INTEGER"}})",
                             R"({"identifier": "n", "value": 3, "dispositionMetricType": "INTEGER",
                                 "dispositionValues": {"type": "INTEGER"}})"}) {
      CAPTURE(text);
      boost::json::value const v =
          boost::json::value_from(boost::json::value_to<atoms::disposition_metric>(boost::json::parse(text)));
      CHECK(v == boost::json::parse(
                     R"({"identifier": "n", "value": 3, "dispositionMetricType": "INTEGER",
                         "dispositionValues": {"type": "INTEGER"}})"));
    }
    // A type we do not know is written as sent, under both keys; no type, no key.
    atoms::disposition_metric m;
    m.identifier = "p";
    m.value = 0.5;
    m.type = open_enum<metric_type>::parse("PERCENT");
    CHECK(boost::json::value_from(m) ==
          boost::json::parse(R"({"identifier": "p", "value": 0.5, "dispositionMetricType": "PERCENT",
                                 "dispositionValues": {"type": "PERCENT"}})"));
    m.type.reset();
    m.value = nullptr;
    CHECK(boost::json::value_from(m) == boost::json::parse(R"({"identifier": "p", "value": null})"));
    // A type set in code is written in the service's spelling.
    m.type = metric_type::boolean;
    CHECK(boost::json::value_from(m).at("dispositionMetricType") == "BOOLEAN");
  }

  TEST_CASE("encode: an open_enum keeps a value we do not know, and the spelling sent") {
    CHECK(boost::json::value_from(open_enum<call_status>::parse("voicemail_detected")) ==
          "voicemail_detected");
    CHECK(boost::json::value_from(open_enum<call_status>::parse("IN_QUEUE")) == "IN_QUEUE");
    CHECK(boost::json::value_from(open_enum<call_status>(call_status::completed)) == "completed");
    boost::json::value const got = encode_call(R"json({"data": {"callId": "C", "status": "voicemail_detected",
      "type": "sms", "disconnectionReason": "carrier_blocked",
      "transcript": [{"role": "system", "content": "hold music"}]}})json");
    CHECK(got.at("status") == "voicemail_detected");
    CHECK(got.at("type") == "sms");
    CHECK(got.at("disconnectionReason") == "carrier_blocked");
    CHECK(got.at("transcript") == boost::json::parse(R"([{"role": "system", "content": "hold music"}])"));
    // Unset (absent, null or ""): left out.
    boost::json::value const bare = encode_call(R"({"data": {"callId": "C", "status": null, "type": ""}})");
    CHECK(bare == boost::json::parse(R"({"callId": "C", "transcript": [], "variables": {}, "events": []})"));
  }

  TEST_CASE("encode: time stamps, numbers and the agent as the service writes them") {
    boost::json::value const got =
        encode_call(R"json({"data": {"callId": "C", "agent": "696ddd281ea16a73cb8aafbe",
      "createdAt": "2026-01-19T17:09:47.79Z", "updatedAt": "2026-01-19T18:09:47+01:00",
      "transcript": [{"role": "user", "content": "hi", "timestamp": 1768842587.79},
                     {"role": "agent", "content": "hello", "timestamp": 1768842588790}],
      "turnLatencyMetrics": {"latencies": [640, null], "turns": 2},
      "postCallAnalytics": {"dispositionMetrics": [
        {"identifier": "i", "value": 3}, {"identifier": "d", "value": 3.5}, {"identifier": "b", "value": false},
        {"identifier": "s", "value": "3"}]}}})json");
    CHECK(got.at("agent") == "696ddd281ea16a73cb8aafbe");
    CHECK(got.at("createdAt") == "2026-01-19T17:09:47.790Z");
    CHECK(got.at("updatedAt") == "2026-01-19T17:09:47.000Z");
    CHECK(got.at("transcript").at(0).at("timestamp") == "2026-01-19T17:09:47.790Z");
    CHECK(got.at("transcript").at(1).at("timestamp") == "2026-01-19T17:09:48.790Z");
    // A null latency is read as NaN, which JSON cannot carry: written as null again.
    CHECK(got.at("turnLatencyMetrics").at("latencies") == boost::json::parse("[640.0, null]"));
    CHECK(got.at("turnLatencyMetrics").at("turns").is_double());
    auto const& metrics = got.at("postCallAnalytics").at("dispositionMetrics");
    CHECK(metrics.at(0).at("value").is_int64());
    CHECK(metrics.at(1).at("value") == 3.5);
    CHECK(metrics.at(2).at("value") == false);
    CHECK(metrics.at(3).at("value") == "3");
  }
}  // TEST_SUITE
