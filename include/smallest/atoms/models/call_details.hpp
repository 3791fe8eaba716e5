// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_CALL_DETAILS_HPP
#define SMALLEST_ATOMS_MODELS_CALL_DETAILS_HPP

// One call as `GET /conversation/{id}` returns it (the `data` of the response): status,
// transcript, recordings, post-call analytics, latency metrics.
//
// Decoding (`boost::json::value_to<call_details>(jv)`, or `detail::decode_json`) is tolerant of
// what the service really does — unknown keys (kept in `extra`), `null` for "nothing"
// (nullopt, empty, or `unknown`), integers written as `120.0`, missing optional members — and
// strict about what would be a lie: a member of the wrong type throws
// `detail::json_decode_error`, whose `what()` names the JSON path
// (`$.postCallAnalytics.dispositionMetrics[1].confidence: expected a number, got a string`).

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/metric_value.hpp>
#include <smallest/atoms/models/open_enum.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace smallest::atoms {

// ---- enumerations ----------------------------------------------------------------------------
// Each is read with `open_enum`: a value the service adds later is `unknown`, its spelling kept.

/// `status` of a call. The OpenAPI document lists pending … cancelled; the product page adds busy.
enum class call_status {
  unknown,
  pending,
  in_progress,
  in_queue,
  processing,
  active,
  completed,
  failed,
  no_answer,
  busy,
  cancelled
};

/// `type` of a call. The OpenAPI document lists the telephony types and webcall; the product
/// page adds chat.
enum class call_type { unknown, telephony_inbound, telephony_outbound, webcall, chat };

/// `role` of a transcript turn.
enum class speaker_role { unknown, agent, user };

/// The declared type of a disposition metric (`dispositionMetricType`), spelt STRING, BOOLEAN,
/// INTEGER, ENUM, DATETIME by the service.
enum class metric_type { unknown, string, boolean, integer, enumeration, datetime };

/// Why a call ended (`disconnectionReason`; `disconnectReasonFilter`). The OpenAPI document
/// lists user_hangup … transfer_complete; the service also sends dial_no_answer.
enum class disconnect_reason {
  unknown,
  user_hangup,
  agent_hangup,
  connection_error,
  timeout,
  system_error,
  transfer_complete,
  dial_no_answer
};

template <>
struct enum_spelling<disconnect_reason> {
  static constexpr std::string_view names[] = {"unknown",           "user_hangup",   "agent_hangup",
                                               "connection_error",  "timeout",       "system_error",
                                               "transfer_complete", "dial_no_answer"};
};
template <>
struct enum_spelling<call_status> {
  static constexpr std::string_view names[] = {"unknown",    "pending", "in_progress", "in_queue",
                                               "processing", "active",  "completed",   "failed",
                                               "no_answer",  "busy",    "cancelled"};
};
template <>
struct enum_spelling<call_type> {
  static constexpr std::string_view names[] = {"unknown", "telephony_inbound", "telephony_outbound",
                                               "webcall", "chat"};
};
template <>
struct enum_spelling<speaker_role> {
  static constexpr std::string_view names[] = {"unknown", "agent", "user"};
};
template <>
struct enum_spelling<metric_type> {
  static constexpr std::string_view names[] = {"unknown", "STRING", "BOOLEAN", "INTEGER", "ENUM", "DATETIME"};
};

/// The service's spelling ("completed", "telephony_outbound", "agent", "ENUM"); "unknown" for
/// the unknown value.
ATOMS_DECL std::string_view to_string(call_status v) noexcept;
ATOMS_DECL std::string_view to_string(call_type v) noexcept;
ATOMS_DECL std::string_view to_string(speaker_role v) noexcept;
ATOMS_DECL std::string_view to_string(metric_type v) noexcept;
ATOMS_DECL std::string_view to_string(disconnect_reason v) noexcept;

// ---- transcript -------------------------------------------------------------------------------

/// One turn of the reconstructed transcript.
struct transcript_turn {
  open_enum<speaker_role> role;
  std::string content;
  /// When the turn began. Sent as an ISO-8601 string ("2026-07-28T15:46:12.472Z") or as a
  /// number since 1970: a number n with |n| >= 1e11 is milliseconds, a smaller one seconds
  /// (1e11 s is the year 5138, 1e11 ms is March 1973). An empty string is read as absent.
  std::optional<smallest::atoms::timestamp> timestamp;
};

// ---- post-call analytics ----------------------------------------------------------------------

/// One evaluated disposition metric (`postCallAnalytics.dispositionMetrics[i]`).
struct disposition_metric {
  /// `value` read by the metric's declared type; see `typed()`.
  using typed_value = std::variant<std::monostate, std::string, bool, std::int64_t, timestamp>;

  std::string identifier;            ///< Required: a metric without one is a decode error.
  metric_value value;                ///< As sent: string, number, boolean, or null when absent.
  std::optional<double> confidence;  ///< 0–1.
  std::optional<std::string> reasoning;
  /// The declared type: the flat `dispositionMetricType` (how the service stores it now) or
  /// the nested `dispositionValues.type` (how the product page writes it); the flat one wins
  /// when both are present.
  std::optional<open_enum<metric_type>> type;
  std::optional<std::string> prompt;  ///< `dispositionMetricPrompt`
  std::vector<std::string> choices;   ///< The allowed values of an ENUM metric, when sent.
  boost::json::object extra;          ///< Every other member, as sent.

  /// `value` as its declared type says, or monostate when it does not fit that type:
  ///  - STRING, ENUM → the string; a number or a boolean is rendered as `value.to_string()`
  ///    ("42", "true") since text is what the metric asks for. ENUM values are not checked
  ///    against `choices` (a call keeps the analytics of the configuration it ran with).
  ///  - BOOLEAN  → `value.as_bool()` (true/false, "yes"/"no", 0/1).
  ///  - INTEGER  → `value.as_integer()` (7, 7.0, "7"; not 7.5).
  ///  - DATETIME → `value.as_datetime()` (an ISO-8601 string).
  /// With no declared type, or one this library does not know, the value's own kind decides:
  /// a string stays a string (no guessing dates or booleans from text), a boolean a boolean,
  /// an integral number an integer; a fractional number fits none of the declared types and
  /// gives monostate (read it with `value.as_number()`). Null is always monostate.
  typed_value typed() const;
};

namespace detail {
/// The metric of `metrics` named `identifier`, or nullptr (call_analytics::find and
/// webhook_analytics::find).
inline disposition_metric const* find_metric(const std::vector<disposition_metric>& metrics,
                                             std::string_view identifier) noexcept {
  for (auto const& m : metrics)
    if (m.identifier == identifier) return &m;
  return nullptr;
}
}  // namespace detail

/// `postCallAnalytics`: the summary and the evaluated metrics.
struct call_analytics {
  std::optional<std::string> summary;
  /// In the order sent. Also read from the `{identifier: value}` object form that call-log
  /// listings use for `dispositionMetrics`.
  std::vector<disposition_metric> disposition_metrics;
  boost::json::object extra;  ///< Every other member (`successMetrics`, …), as sent.

  /// The metric named `identifier`, or nullptr.
  disposition_metric const* find(std::string_view identifier) const noexcept;
};

// ---- latency ----------------------------------------------------------------------------------

/// `turnLatencyMetrics.transitions[i]`: timings of one turn, in milliseconds.
struct turn_transition {
  std::optional<double> turn, user_end, bot_start, latency;
};

/// `turnLatencyMetrics`: per-turn latency statistics, in milliseconds.
struct latency_metrics {
  std::optional<double> turns, avg_latency, median_latency, min_latency, max_latency;
  /// One per turn; a `null` entry (what JavaScript writes for NaN) reads as NaN, so the
  /// indices still line up with the turns.
  std::vector<double> latencies;
  std::vector<turn_transition> transitions;
  std::optional<timestamp> processed_at;
};

// ---- configuration used ----------------------------------------------------------------------

/// `voiceConfigUsed`: the voice actually used for the call.
struct voice_config {
  std::optional<std::string> model, voice_id, gender;
};

/// `agent`: the agent that handled the call. The service sends the agent object (AgentDTO, of
/// which `_id`, `name` and `description` are read) or, unpopulated, just its id as a string.
struct agent_ref {
  std::string id;  ///< `_id`
  std::optional<std::string> name, description;
  boost::json::object extra;  ///< Every other member of the agent object, as sent.
};

// ---- the call ---------------------------------------------------------------------------------

/// One call, as `GET /conversation/{id}` returns it in `data`.
struct call_details {
  std::string id;       ///< `_id`, the database id.
  std::string call_id;  ///< `callId` ("CALL-1737000000000-abc123"). Required.
  std::optional<agent_ref> agent;
  open_enum<call_status> status;
  std::optional<double> duration;  ///< Seconds.
  /// Recording URLs. The service sends an empty string until the recording exists (the
  /// product page says to check that it is non-empty): that is kept as given, so test
  /// `url && !url->empty()` before using one.
  std::optional<std::string> recording_url, recording_dual_url;
  std::optional<std::string> from, to;  ///< Phone numbers.
  open_enum<call_type> type;
  std::vector<transcript_turn> transcript;
  boost::json::object variables;  ///< Free-form by contract: the agent's runtime variables.
  boost::json::array events;      ///< Free-form by contract: the relay's raw event stream.
  std::optional<double> call_cost;
  std::optional<std::string> call_failure_reason, retry_call_id;
  /// `disconnectionReason`; `unknown` with an empty `raw` when not sent (or sent empty).
  open_enum<disconnect_reason> disconnection_reason;
  std::optional<call_analytics> post_call_analytics;
  std::optional<latency_metrics> turn_latency_metrics;
  std::optional<voice_config> voice_config_used;
  std::optional<std::string> slm_model_used;
  /// Milliseconds. Deprecated by the service in favour of `turn_latency_metrics`, still sent.
  std::optional<double> average_transcriber_latency, average_agent_latency, average_synthesizer_latency;
  std::optional<timestamp> created_at, updated_at;
  /// Every member the service sent that has no field above (`disconnectDetails`, `usage`,
  /// `costBreakdown`, …), as sent: nothing is lost.
  boost::json::object extra;
};

// ---- JSON mappings (Boost.JSON `value_to` and `value_from`) -----------------------------------
// Each `value_to` throws detail::json_decode_error on a value of the wrong type.
//
// Each `value_from` gives back the service's JSON: every field under the key it is read from,
// then every member of `extra` as it is (a typed field wins over a member of `extra` with the
// same key). An absent optional is left out, not written as null (the decoders read both
// alike); integer fields are written as integers, double fields as doubles, time stamps in the
// service's ISO-8601 form ("2026-01-19T17:09:47.790Z"), an `open_enum` as its `raw` spelling
// when it has one.

ATOMS_DECL transcript_turn tag_invoke(boost::json::value_to_tag<transcript_turn>,
                                      boost::json::value const& jv);
/// `role` (when set), `content` (always), `timestamp` (when set; a number sent for it comes
/// back in the ISO-8601 form).
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, transcript_turn const& t);
ATOMS_DECL disposition_metric tag_invoke(boost::json::value_to_tag<disposition_metric>,
                                         boost::json::value const& jv);
/// `identifier`, `value` (always, null included), and the type under both keys,
/// `dispositionMetricType` and `dispositionValues: {type}` (DESIGN: write both, read either;
/// anything else the service put in `dispositionValues` is kept beside the type).
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, disposition_metric const& m);
ATOMS_DECL call_analytics tag_invoke(boost::json::value_to_tag<call_analytics>, boost::json::value const& jv);
/// `dispositionMetrics` always in the details' array form (also when it was read from the
/// listing's {identifier: value} object).
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, call_analytics const& a);
ATOMS_DECL turn_transition tag_invoke(boost::json::value_to_tag<turn_transition>,
                                      boost::json::value const& jv);
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, turn_transition const& t);
ATOMS_DECL latency_metrics tag_invoke(boost::json::value_to_tag<latency_metrics>,
                                      boost::json::value const& jv);
/// `latencies` and `transitions` always (the service sends both, empty or not); a NaN latency
/// (read from null) is written as null.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, latency_metrics const& l);
ATOMS_DECL voice_config tag_invoke(boost::json::value_to_tag<voice_config>, boost::json::value const& jv);
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, voice_config const& c);
/// Accepts the agent object or a bare id string.
ATOMS_DECL agent_ref tag_invoke(boost::json::value_to_tag<agent_ref>, boost::json::value const& jv);
/// The bare id string when nothing but the id is known (how the service sends an unpopulated
/// agent), otherwise the object.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, agent_ref const& a);
/// `jv` is the `data` member of the response. A missing or non-string `callId` is an error.
ATOMS_DECL call_details tag_invoke(boost::json::value_to_tag<call_details>, boost::json::value const& jv);
/// The `data` object again: `transcript`, `variables` and `events` always (the service sends
/// them on every call, empty or not); `_id`, `status`, `type` and `disconnectionReason` when set.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, call_details const& d);

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/call_details.ipp>
#endif

#endif
