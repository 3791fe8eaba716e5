// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_CALL_DETAILS_IPP
#define SMALLEST_ATOMS_IMPL_CALL_DETAILS_IPP

#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/detail/json_encode.hpp>

#include <limits>

namespace smallest::atoms {

ATOMS_DECL std::string_view to_string(call_status v) noexcept { return enum_name(v); }
ATOMS_DECL std::string_view to_string(call_type v) noexcept { return enum_name(v); }
ATOMS_DECL std::string_view to_string(speaker_role v) noexcept { return enum_name(v); }
ATOMS_DECL std::string_view to_string(metric_type v) noexcept { return enum_name(v); }
ATOMS_DECL std::string_view to_string(disconnect_reason v) noexcept { return enum_name(v); }

namespace detail {

// An optional time stamp: null, and the empty string some services write for "not yet", are
// absent; anything else must be a time stamp.
inline std::optional<timestamp> read_optional_timestamp(boost::json::value const& v) {
  if (v.is_null()) return std::nullopt;
  if (auto const* s = v.if_string(); s && s->empty()) return std::nullopt;
  return read_timestamp(v);
}

}  // namespace detail

// Each mapping makes one pass over the object's members and dispatches on the key; unknown keys
// are ignored or, where the struct has one, copied into `extra`.

ATOMS_DECL transcript_turn tag_invoke(boost::json::value_to_tag<transcript_turn>,
                                      boost::json::value const& jv) {
  transcript_turn t;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "role")
      detail::read_nullable(v, t.role);
    else if (key == "content")
      detail::read_nullable(v, t.content);
    else if (key == "timestamp")
      t.timestamp = detail::read_optional_timestamp(v);
  });
  return t;
}

ATOMS_DECL disposition_metric::typed_value disposition_metric::typed() const {
  metric_type const declared = type ? type->value : metric_type::unknown;
  auto or_none = [](auto const& opt) -> typed_value {
    if (opt) return *opt;
    return std::monostate{};
  };
  if (value.is_null()) return std::monostate{};
  switch (declared) {
    case metric_type::string:
    case metric_type::enumeration: return value.to_string();
    case metric_type::boolean: return or_none(value.as_bool());
    case metric_type::integer: return or_none(value.as_integer());
    case metric_type::datetime: return or_none(value.as_datetime());
    case metric_type::unknown: break;
  }
  switch (value.kind()) {
    case metric_value_kind::string: return *value.if_string();
    case metric_value_kind::boolean: return or_none(value.as_bool());
    case metric_value_kind::number: return or_none(value.as_integer());
    case metric_value_kind::null: break;
  }
  return std::monostate{};
}

ATOMS_DECL disposition_metric tag_invoke(boost::json::value_to_tag<disposition_metric>,
                                         boost::json::value const& jv) {
  disposition_metric m;
  bool have_identifier = false;
  std::optional<open_enum<metric_type>> nested_type;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "identifier") {
      m.identifier = detail::read_string(v);
      have_identifier = true;
    } else if (key == "value")
      m.value = detail::read<metric_value>(v);
    else if (key == "confidence")
      m.confidence = detail::read_optional<double>(v);
    else if (key == "reasoning")
      m.reasoning = detail::read_optional<std::string>(v);
    else if (key == "dispositionMetricType")
      m.type = detail::read_optional<open_enum<metric_type>>(v);
    else if (key == "dispositionMetricPrompt")
      m.prompt = detail::read_optional<std::string>(v);
    else if (key == "choices")
      detail::read_nullable(v, m.choices);
    else if (key == "dispositionValues") {
      // The legacy nesting, {"type": "ENUM"}. Anything else in it (or a shape we do not
      // know) is kept in `extra` rather than dropped or rejected.
      auto const* o = v.if_object();
      bool only_type = o != nullptr;
      if (o) {
        for (auto const& kv : *o) {
          if (kv.key() == "type")
            nested_type = detail::at_key(
                "type", [&] { return detail::read_optional<open_enum<metric_type>>(kv.value()); });
          else
            only_type = false;
        }
      }
      if (!only_type) m.extra.emplace(key, v);
    } else
      m.extra.emplace(key, v);
  });
  if (!have_identifier) throw detail::missing_member("identifier");
  if (!m.type) m.type = std::move(nested_type);
  return m;
}

ATOMS_DECL disposition_metric const* call_analytics::find(std::string_view identifier) const noexcept {
  return detail::find_metric(disposition_metrics, identifier);
}

ATOMS_DECL call_analytics tag_invoke(boost::json::value_to_tag<call_analytics>,
                                     boost::json::value const& jv) {
  call_analytics a;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "summary")
      a.summary = detail::read_optional<std::string>(v);
    else if (key == "dispositionMetrics") {
      if (auto const* o = v.if_object()) {
        // The call-log listing's form: {"interested": "yes", …}.
        a.disposition_metrics.reserve(o->size());
        for (auto const& kv : *o) {
          disposition_metric m;
          m.identifier.assign(kv.key().data(), kv.key().size());
          m.value = detail::at_key(kv.key(), [&] { return detail::read<metric_value>(kv.value()); });
          a.disposition_metrics.push_back(std::move(m));
        }
      } else
        detail::read_nullable(v, a.disposition_metrics);
    } else
      a.extra.emplace(key, v);
  });
  return a;
}

ATOMS_DECL turn_transition tag_invoke(boost::json::value_to_tag<turn_transition>,
                                      boost::json::value const& jv) {
  turn_transition t;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "turn")
      t.turn = detail::read_optional<double>(v);
    else if (key == "user_end")
      t.user_end = detail::read_optional<double>(v);
    else if (key == "bot_start")
      t.bot_start = detail::read_optional<double>(v);
    else if (key == "latency")
      t.latency = detail::read_optional<double>(v);
  });
  return t;
}

ATOMS_DECL latency_metrics tag_invoke(boost::json::value_to_tag<latency_metrics>,
                                      boost::json::value const& jv) {
  latency_metrics l;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "turns")
      l.turns = detail::read_optional<double>(v);
    else if (key == "avgLatency")
      l.avg_latency = detail::read_optional<double>(v);
    else if (key == "medianLatency")
      l.median_latency = detail::read_optional<double>(v);
    else if (key == "minLatency")
      l.min_latency = detail::read_optional<double>(v);
    else if (key == "maxLatency")
      l.max_latency = detail::read_optional<double>(v);
    else if (key == "latencies") {
      if (v.is_null()) return;
      auto const& a = detail::expect_array(v);
      l.latencies.reserve(a.size());
      for (std::size_t i = 0; i < a.size(); ++i)
        l.latencies.push_back(a[i].is_null()
                                  ? std::numeric_limits<double>::quiet_NaN()
                                  : detail::at_index(i, [&] { return detail::read_number(a[i]); }));
    } else if (key == "transitions")
      detail::read_nullable(v, l.transitions);
    else if (key == "processedAt")
      l.processed_at = detail::read_optional_timestamp(v);
  });
  return l;
}

ATOMS_DECL voice_config tag_invoke(boost::json::value_to_tag<voice_config>, boost::json::value const& jv) {
  voice_config c;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "model")
      c.model = detail::read_optional<std::string>(v);
    else if (key == "voiceId")
      c.voice_id = detail::read_optional<std::string>(v);
    else if (key == "gender")
      c.gender = detail::read_optional<std::string>(v);
  });
  return c;
}

ATOMS_DECL agent_ref tag_invoke(boost::json::value_to_tag<agent_ref>, boost::json::value const& jv) {
  agent_ref a;
  if (auto const* s = jv.if_string()) {
    a.id.assign(s->data(), s->size());
    return a;
  }
  if (!jv.is_object()) detail::throw_unexpected("an object or a string", jv);
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id")
      detail::read_nullable(v, a.id);
    else if (key == "name")
      a.name = detail::read_optional<std::string>(v);
    else if (key == "description")
      a.description = detail::read_optional<std::string>(v);
    else
      a.extra.emplace(key, v);
  });
  return a;
}

ATOMS_DECL call_details tag_invoke(boost::json::value_to_tag<call_details>, boost::json::value const& jv) {
  using detail::read_nullable;
  using detail::read_optional;
  call_details d;
  bool have_call_id = false;
  // Keys in the order the service writes them, so the common case finds its match early.
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id")
      read_nullable(v, d.id);
    else if (key == "callId") {
      d.call_id = detail::read_string(v);
      have_call_id = true;
    } else if (key == "agent")
      d.agent = read_optional<agent_ref>(v);
    else if (key == "status")
      read_nullable(v, d.status);
    else if (key == "duration")
      d.duration = read_optional<double>(v);
    else if (key == "recordingUrl")
      d.recording_url = read_optional<std::string>(v);
    else if (key == "recordingDualUrl")
      d.recording_dual_url = read_optional<std::string>(v);
    else if (key == "from")
      d.from = read_optional<std::string>(v);
    else if (key == "to")
      d.to = read_optional<std::string>(v);
    else if (key == "type")
      read_nullable(v, d.type);
    else if (key == "transcript")
      read_nullable(v, d.transcript);
    else if (key == "variables")
      read_nullable(v, d.variables);
    else if (key == "events")
      read_nullable(v, d.events);
    else if (key == "callCost")
      d.call_cost = read_optional<double>(v);
    else if (key == "callFailureReason")
      d.call_failure_reason = read_optional<std::string>(v);
    else if (key == "retryCallId")
      d.retry_call_id = read_optional<std::string>(v);
    else if (key == "disconnectionReason")
      detail::read_nullable(v, d.disconnection_reason);
    else if (key == "postCallAnalytics")
      d.post_call_analytics = read_optional<call_analytics>(v);
    else if (key == "turnLatencyMetrics")
      d.turn_latency_metrics = read_optional<latency_metrics>(v);
    else if (key == "voiceConfigUsed")
      d.voice_config_used = read_optional<voice_config>(v);
    else if (key == "slmModelUsed")
      d.slm_model_used = read_optional<std::string>(v);
    else if (key == "average_transcriber_latency")
      d.average_transcriber_latency = read_optional<double>(v);
    else if (key == "average_agent_latency")
      d.average_agent_latency = read_optional<double>(v);
    else if (key == "average_synthesizer_latency")
      d.average_synthesizer_latency = read_optional<double>(v);
    else if (key == "createdAt")
      d.created_at = detail::read_optional_timestamp(v);
    else if (key == "updatedAt")
      d.updated_at = detail::read_optional_timestamp(v);
    else
      d.extra.emplace(key, v);
  });
  if (!have_call_id) throw detail::missing_member("callId");
  return d;
}

// ---- encoders: the keys of the decoders above, in the order the service writes them -----------

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, transcript_turn const& t) {
  auto& o = jv.emplace_object();
  o.reserve(3);
  detail::put_enum(o, "role", t.role);
  detail::put(o, "content", t.content);
  detail::put(o, "timestamp", t.timestamp);
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, disposition_metric const& m) {
  auto& o = jv.emplace_object();
  o.reserve(8 + m.extra.size());
  detail::put(o, "identifier", m.identifier);
  detail::put(o, "value", m.value);
  detail::put(o, "confidence", m.confidence);
  detail::put(o, "reasoning", m.reasoning);
  if (m.type) {
    boost::json::value const type = boost::json::value_from(*m.type, o.storage());
    o.emplace("dispositionMetricType", type);
    // The decoder keeps in `extra` a `dispositionValues` that held more than the type: keep
    // that, with the type set.
    boost::json::object nested(o.storage());
    if (auto const* kept = m.extra.if_contains("dispositionValues"); kept && kept->is_object())
      nested = kept->get_object();
    nested["type"] = type;
    o.emplace("dispositionValues", std::move(nested));
  }
  detail::put(o, "dispositionMetricPrompt", m.prompt);
  if (!m.choices.empty()) detail::put(o, "choices", m.choices);
  detail::put_extra(o, m.extra);
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, call_analytics const& a) {
  auto& o = jv.emplace_object();
  o.reserve(2 + a.extra.size());
  detail::put(o, "summary", a.summary);
  detail::put(o, "dispositionMetrics", a.disposition_metrics);
  detail::put_extra(o, a.extra);
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, turn_transition const& t) {
  auto& o = jv.emplace_object();
  o.reserve(4);
  detail::put(o, "turn", t.turn);
  detail::put(o, "user_end", t.user_end);
  detail::put(o, "bot_start", t.bot_start);
  detail::put(o, "latency", t.latency);
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, latency_metrics const& l) {
  auto& o = jv.emplace_object();
  o.reserve(8);
  detail::put(o, "turns", l.turns);
  detail::put(o, "avgLatency", l.avg_latency);
  detail::put(o, "medianLatency", l.median_latency);
  detail::put(o, "minLatency", l.min_latency);
  detail::put(o, "maxLatency", l.max_latency);
  detail::put(o, "latencies", l.latencies);
  detail::put(o, "transitions", l.transitions);
  detail::put(o, "processedAt", l.processed_at);
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, voice_config const& c) {
  auto& o = jv.emplace_object();
  o.reserve(3);
  detail::put(o, "model", c.model);
  detail::put(o, "voiceId", c.voice_id);
  detail::put(o, "gender", c.gender);
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, agent_ref const& a) {
  if (!a.name && !a.description && a.extra.empty()) {
    jv = std::string_view(a.id);
    return;
  }
  auto& o = jv.emplace_object();
  o.reserve(3 + a.extra.size());
  detail::put(o, "_id", a.id);
  detail::put(o, "name", a.name);
  detail::put(o, "description", a.description);
  detail::put_extra(o, a.extra);
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, call_details const& d) {
  auto& o = jv.emplace_object();
  o.reserve(28 + d.extra.size());
  detail::put_nonempty(o, "_id", d.id);
  detail::put(o, "callId", d.call_id);
  detail::put(o, "agent", d.agent);
  detail::put_enum(o, "status", d.status);
  detail::put(o, "duration", d.duration);
  detail::put(o, "recordingUrl", d.recording_url);
  detail::put(o, "recordingDualUrl", d.recording_dual_url);
  detail::put(o, "from", d.from);
  detail::put(o, "to", d.to);
  detail::put_enum(o, "type", d.type);
  detail::put(o, "transcript", d.transcript);
  detail::put(o, "variables", d.variables);
  detail::put(o, "events", d.events);
  detail::put(o, "callCost", d.call_cost);
  detail::put(o, "callFailureReason", d.call_failure_reason);
  detail::put(o, "retryCallId", d.retry_call_id);
  detail::put(o, "postCallAnalytics", d.post_call_analytics);
  detail::put(o, "turnLatencyMetrics", d.turn_latency_metrics);
  detail::put(o, "voiceConfigUsed", d.voice_config_used);
  detail::put(o, "slmModelUsed", d.slm_model_used);
  detail::put_enum(o, "disconnectionReason", d.disconnection_reason);
  detail::put(o, "average_transcriber_latency", d.average_transcriber_latency);
  detail::put(o, "average_agent_latency", d.average_agent_latency);
  detail::put(o, "average_synthesizer_latency", d.average_synthesizer_latency);
  detail::put(o, "createdAt", d.created_at);
  detail::put(o, "updatedAt", d.updated_at);
  detail::put_extra(o, d.extra);
}

}  // namespace smallest::atoms

#endif
