// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_CALL_LOG_IPP
#define SMALLEST_ATOMS_IMPL_CALL_LOG_IPP

#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/models/detail/json_encode.hpp>

#include <utility>

namespace smallest::atoms {

ATOMS_DECL std::string_view to_string(call_attempt v) noexcept { return enum_name(v); }
ATOMS_DECL std::string_view to_string(duration_range v) noexcept { return enum_name(v); }
ATOMS_DECL std::string_view to_string(sort_field v) noexcept { return enum_name(v); }
ATOMS_DECL std::string_view to_string(sort_order v) noexcept { return enum_name(v); }

namespace detail {

// As for the details: null, and the empty string some services write for "not yet", are
// absent; anything else must be a time stamp.
inline std::optional<timestamp> read_log_timestamp(boost::json::value const& v) {
  if (v.is_null()) return std::nullopt;
  if (auto const* s = v.if_string(); s && s->empty()) return std::nullopt;
  return read_timestamp(v);
}

// `dispositionMetrics` of a listed call: the document's {identifier: value} object, or the
// details' [{identifier, value, …}] array.
inline disposition_values read_disposition_values(boost::json::value const& v) {
  disposition_values out;
  if (v.is_null()) return out;
  if (auto const* o = v.if_object()) {
    for (auto const& kv : *o) {
      std::string_view const key = kv.key();
      out.insert_or_assign(std::string(key), at_key(key, [&] { return read<metric_value>(kv.value()); }));
    }
    return out;
  }
  if (v.is_array()) {
    for (auto& m : read_vector<disposition_metric>(v))
      out.insert_or_assign(std::move(m.identifier), std::move(m.value));
    return out;
  }
  throw_unexpected("an object or an array", v);
}

}  // namespace detail

ATOMS_DECL std::optional<disposition_metric> call_log::metric(std::string_view identifier) const {
  disposition_metric const* analysed = post_call_analytics ? post_call_analytics->find(identifier) : nullptr;
  disposition_metric m;
  if (auto it = disposition_metrics.find(identifier); it != disposition_metrics.end())
    m.value = it->second;
  else if (analysed)
    m = *analysed;
  else
    return std::nullopt;
  m.identifier.assign(identifier.data(), identifier.size());
  for (auto const& c : agent_disposition_config) {
    if (c.identifier == identifier && c.type.known()) {
      m.type = c.type;
      return m;
    }
  }
  if (analysed && analysed->type) m.type = analysed->type;
  return m;
}

ATOMS_DECL call_log tag_invoke(boost::json::value_to_tag<call_log>, boost::json::value const& jv) {
  using detail::read_nullable;
  using detail::read_optional;
  call_log l;
  bool have_call_id = false;
  // Keys in the order of the document, which is the order the service writes them.
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id")
      read_nullable(v, l.id);
    else if (key == "callId") {
      l.call_id = detail::read_string(v);
      have_call_id = true;
    } else if (key == "status")
      read_nullable(v, l.status);
    else if (key == "duration")
      l.duration = read_optional<double>(v);
    else if (key == "from")
      l.from = read_optional<std::string>(v);
    else if (key == "to")
      l.to = read_optional<std::string>(v);
    else if (key == "type")
      read_nullable(v, l.type);
    else if (key == "agentId")
      l.agent_id = read_optional<std::string>(v);
    else if (key == "recordingUrl")
      l.recording_url = read_optional<std::string>(v);
    else if (key == "recordingDualUrl")
      l.recording_dual_url = read_optional<std::string>(v);
    else if (key == "disconnectionReason")
      read_nullable(v, l.disconnection_reason);
    else if (key == "retryCount")
      l.retry_count = read_optional<std::int64_t>(v);
    else if (key == "createdAt")
      l.created_at = detail::read_log_timestamp(v);
    else if (key == "updatedAt")
      l.updated_at = detail::read_log_timestamp(v);
    else if (key == "dispositionMetrics")
      l.disposition_metrics = detail::read_disposition_values(v);
    else if (key == "agentDispositionConfig")
      read_nullable(v, l.agent_disposition_config);
    else if (key == "callFailureReason")
      l.call_failure_reason = read_optional<std::string>(v);
    else if (key == "callCost")
      l.call_cost = read_optional<double>(v);
    else if (key == "versionId")
      l.version_id = read_optional<std::string>(v);
    else if (key == "versionNumber")
      l.version_number = read_optional<double>(v);
    else if (key == "isTest")
      l.is_test = read_optional<bool>(v);
    else if (key == "retryCallId")
      l.retry_call_id = read_optional<std::string>(v);
    else if (key == "retryAttemptNumber")
      l.retry_attempt_number = read_optional<std::int64_t>(v);
    else if (key == "postCallAnalytics")
      l.post_call_analytics = read_optional<call_analytics>(v);
    else if (key == "turnLatencyMetrics")
      l.turn_latency_metrics = read_optional<latency_metrics>(v);
    else
      l.extra.emplace(key, v);
  });
  if (!have_call_id) throw detail::missing_member("callId");
  return l;
}

ATOMS_DECL pagination tag_invoke(boost::json::value_to_tag<pagination>, boost::json::value const& jv) {
  using detail::read_optional;
  pagination p;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "total")
      p.total = read_optional<std::int64_t>(v);
    else if (key == "page")
      p.page = read_optional<std::int64_t>(v);
    else if (key == "limit")
      p.limit = read_optional<std::int64_t>(v);
    else if (key == "hasMore")
      p.has_more = read_optional<bool>(v);
    else if (key == "totalPages")
      p.total_pages = read_optional<std::int64_t>(v);
  });
  return p;
}

ATOMS_DECL call_page tag_invoke(boost::json::value_to_tag<call_page>, boost::json::value const& jv) {
  call_page p;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "logs")
      detail::read_nullable(v, p.logs);
    else if (key == "pagination")
      detail::read_nullable(v, p.pagination);
    else if (key == "dispositionMetricsConfig")
      detail::read_nullable(v, p.disposition_metrics_config);
    else
      p.extra.emplace(key, v);
  });
  return p;
}

ATOMS_DECL search_result tag_invoke(boost::json::value_to_tag<search_result>, boost::json::value const& jv) {
  search_result r;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "logs")
      detail::read_nullable(v, r.logs);
    else if (key == "total")
      r.total = detail::read_optional<std::int64_t>(v);
    else if (key == "requestedCount")
      r.requested_count = detail::read_optional<std::int64_t>(v);
    else
      r.extra.emplace(key, v);
  });
  return r;
}

// ---- encoders -----------------------------------------------------------------------------------

namespace detail {

// `agentDispositionConfig` / `dispositionMetricsConfig`: the listing's {identifier, type} for
// each metric, not metric_config's own encoding (which writes the configuration's keys).
inline boost::json::array write_listed_metric_configs(std::vector<metric_config> const& configs,
                                                      boost::json::storage_ptr const& sp) {
  boost::json::array a(sp);
  a.reserve(configs.size());
  for (auto const& c : configs) {
    boost::json::object o(sp);
    o.reserve(4 + c.extra.size());
    put(o, "identifier", c.identifier);
    put_enum(o, "type", c.type);
    if (!c.prompt.empty()) put(o, "dispositionMetricPrompt", c.prompt);
    if (!c.choices.empty()) put(o, "choices", c.choices);
    put_extra(o, c.extra);
    a.push_back(std::move(o));
  }
  return a;
}

// A list item, or with `listed` false a search item, which leaves out `dispositionMetrics` and
// `agentDispositionConfig` when they are empty (the search does not send them; the list always
// does).
inline void write_call_log(boost::json::object& o, call_log const& l, bool listed) {
  o.reserve(26 + l.extra.size());
  put_nonempty(o, "_id", l.id);
  put(o, "callId", l.call_id);
  put_enum(o, "status", l.status);
  put(o, "duration", l.duration);
  put(o, "from", l.from);
  put(o, "to", l.to);
  put_enum(o, "type", l.type);
  put(o, "agentId", l.agent_id);
  put(o, "recordingUrl", l.recording_url);
  put(o, "recordingDualUrl", l.recording_dual_url);
  put_enum(o, "disconnectionReason", l.disconnection_reason);
  put(o, "retryCount", l.retry_count);
  put(o, "createdAt", l.created_at);
  put(o, "updatedAt", l.updated_at);
  if (listed || !l.disposition_metrics.empty()) {
    boost::json::object metrics(o.storage());
    for (auto const& [identifier, value] : l.disposition_metrics)
      metrics.emplace(identifier, boost::json::value_from(value, o.storage()));
    o.emplace("dispositionMetrics", std::move(metrics));
  }
  if (listed || !l.agent_disposition_config.empty())
    o.emplace("agentDispositionConfig", write_listed_metric_configs(l.agent_disposition_config, o.storage()));
  put(o, "callFailureReason", l.call_failure_reason);
  put(o, "callCost", l.call_cost);
  put(o, "versionId", l.version_id);
  put(o, "versionNumber", l.version_number);
  put(o, "isTest", l.is_test);
  put(o, "retryCallId", l.retry_call_id);
  put(o, "retryAttemptNumber", l.retry_attempt_number);
  put(o, "postCallAnalytics", l.post_call_analytics);
  put(o, "turnLatencyMetrics", l.turn_latency_metrics);
  put_extra(o, l.extra);
}

}  // namespace detail

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, call_log const& l) {
  detail::write_call_log(jv.emplace_object(), l, true);
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, pagination const& p) {
  auto& o = jv.emplace_object();
  o.reserve(5);
  detail::put(o, "total", p.total);
  detail::put(o, "page", p.page);
  detail::put(o, "limit", p.limit);
  detail::put(o, "hasMore", p.has_more);
  detail::put(o, "totalPages", p.total_pages);
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, call_page const& p) {
  auto& o = jv.emplace_object();
  o.reserve(3 + p.extra.size());
  detail::put(o, "logs", p.logs);
  o.emplace("pagination", boost::json::value_from(p.pagination, o.storage()));
  o.emplace("dispositionMetricsConfig",
            detail::write_listed_metric_configs(p.disposition_metrics_config, o.storage()));
  detail::put_extra(o, p.extra);
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, search_result const& r) {
  auto& o = jv.emplace_object();
  o.reserve(3 + r.extra.size());
  boost::json::array logs(o.storage());
  logs.reserve(r.logs.size());
  for (auto const& l : r.logs)
    detail::write_call_log(logs.emplace_back(boost::json::object_kind).get_object(), l, false);
  o.emplace("logs", std::move(logs));
  detail::put(o, "total", r.total);
  detail::put(o, "requestedCount", r.requested_count);
  detail::put_extra(o, r.extra);
}

}  // namespace smallest::atoms

#endif
