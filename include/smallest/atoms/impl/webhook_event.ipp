// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_WEBHOOK_EVENT_IPP
#define SMALLEST_ATOMS_IMPL_WEBHOOK_EVENT_IPP

#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/webhook_event.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <utility>

namespace smallest::atoms {

namespace detail {

// The members a schema requires, ticked off as the one pass over an object meets them.
class required_members {
 public:
  explicit required_members(std::initializer_list<std::string_view> names) : names_(names) {}
  void saw(std::string_view key) noexcept {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == key) seen_ |= std::uint32_t(1) << i;
  }
  // Throws for the first one not met.
  void check() const {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (!(seen_ & (std::uint32_t(1) << i))) throw missing_member(names_[i]);
  }

 private:
  std::vector<std::string_view> names_;
  std::uint32_t seen_ = 0;
};

// The members of the metadata every event shares; false for any other key.
template <class Event>
bool read_common_metadata(Event& e, std::string_view key, boost::json::value const& v) {
  if (key == "agentId")
    e.agent_id = read_string(v);
  else if (key == "callId")
    e.call_id = read_string(v);
  else if (key == "conversationType")
    e.conversation_type = read_string(v);
  else if (key == "eventType")
    ;  // chose the alternative already
  else
    return false;
  return true;
}

inline webhook_envelope read_envelope_members(boost::json::value const& jv) {
  webhook_envelope env;
  required_members req{"url", "description", "event", "id", "metadata"};
  for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    req.saw(key);
    if (key == "url")
      env.url = read_string(v);
    else if (key == "description")
      env.description = read_string(v);
    else if (key == "event")
      env.event = read_string(v);
    else if (key == "id")
      env.id = read_string(v);
  });
  req.check();
  return env;
}

}  // namespace detail

ATOMS_DECL webhook_call_data tag_invoke(boost::json::value_to_tag<webhook_call_data>,
                                        boost::json::value const& jv) {
  webhook_call_data d;
  detail::required_members req{"fromNumber", "toNumber",   "callDuration",
                               "callStatus", "answerTime", "endTime"};
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    req.saw(key);
    if (key == "fromNumber")
      d.from_number = detail::read_string(v);
    else if (key == "toNumber")
      d.to_number = detail::read_string(v);
    else if (key == "callDuration")
      d.duration = detail::read_number(v);
    else if (key == "callStatus")
      d.status = detail::read<open_enum<call_status>>(v);
    else if (key == "callDirection")
      d.direction = detail::read_optional<open_enum<call_type>>(v);
    else if (key == "answerTime")
      d.answer_time = detail::read_optional<timestamp>(v);
    else if (key == "endTime")
      d.end_time = detail::read_optional<timestamp>(v);
    else
      d.extra.emplace(key, v);
  });
  req.check();
  return d;
}

ATOMS_DECL disposition_metric const* webhook_analytics::find(std::string_view identifier) const noexcept {
  return detail::find_metric(disposition_metrics, identifier);
}

ATOMS_DECL webhook_analytics tag_invoke(boost::json::value_to_tag<webhook_analytics>,
                                        boost::json::value const& jv) {
  webhook_analytics a;
  detail::required_members req{"summary", "dispositionMetrics", "successMetrics"};
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    req.saw(key);
    if (key == "summary")
      a.summary = detail::read_string(v);
    else if (key == "dispositionMetrics")
      a.disposition_metrics = detail::read<std::vector<disposition_metric>>(v);
    else if (key == "successMetrics")
      a.success_metrics = detail::read<std::vector<disposition_metric>>(v);
    else
      a.extra.emplace(key, v);
  });
  req.check();
  return a;
}

namespace detail {

inline pre_conversation_event read_pre_conversation(boost::json::value const& md) {
  pre_conversation_event e;
  required_members req{"agentId", "eventType", "conversationType", "toPhone", "fromPhone", "callId"};
  for_each_member(md, [&](std::string_view key, boost::json::value const& v) {
    req.saw(key);
    if (read_common_metadata(e, key, v)) return;
    if (key == "toPhone")
      e.to_phone = read_string(v);
    else if (key == "fromPhone")
      e.from_phone = read_string(v);
    else
      e.extra.emplace(key, v);
  });
  req.check();
  return e;
}

inline post_conversation_event read_post_conversation(boost::json::value const& md) {
  post_conversation_event e;
  required_members req{"agentId",      "eventType", "conversationType", "callId",
                       "recordingUrl", "callData",  "transcript",       "variables"};
  for_each_member(md, [&](std::string_view key, boost::json::value const& v) {
    req.saw(key);
    if (read_common_metadata(e, key, v)) return;
    if (key == "recordingUrl")
      e.recording_url = read_string(v);
    else if (key == "callData")
      e.call_data = read<webhook_call_data>(v);
    else if (key == "transcript")
      e.transcript = read<std::vector<transcript_turn>>(v);
    else if (key == "variables")
      e.variables = read_object(v);
    else
      e.extra.emplace(key, v);
  });
  req.check();
  return e;
}

inline analytics_completed_event read_analytics_completed(boost::json::value const& md) {
  analytics_completed_event e;
  required_members req{"agentId", "eventType", "conversationType", "callId", "analytics", "callData"};
  for_each_member(md, [&](std::string_view key, boost::json::value const& v) {
    req.saw(key);
    if (read_common_metadata(e, key, v)) return;
    if (key == "analytics")
      e.analytics = read<webhook_analytics>(v);
    else if (key == "callData")
      e.call_data = read<webhook_call_data>(v);
    else
      e.extra.emplace(key, v);
  });
  req.check();
  return e;
}

}  // namespace detail

ATOMS_DECL webhook_event tag_invoke(boost::json::value_to_tag<webhook_event>, boost::json::value const& jv) {
  webhook_envelope env = detail::read_envelope_members(jv);
  boost::json::value const& md = jv.as_object().at("metadata");  // present: checked above
  std::string type = detail::at_key("metadata", [&] {
    auto const& o = detail::expect_object(md);
    auto const* t = o.if_contains("eventType");
    if (!t) throw detail::missing_member("eventType");
    return detail::at_key("eventType", [&] { return detail::read_string(*t); });
  });
  return detail::at_key("metadata", [&]() -> webhook_event {
    if (type == "pre-conversation") {
      auto e = detail::read_pre_conversation(md);
      e.envelope = std::move(env);
      return e;
    }
    if (type == "post-conversation") {
      auto e = detail::read_post_conversation(md);
      e.envelope = std::move(env);
      return e;
    }
    if (type == "analytics-completed") {
      auto e = detail::read_analytics_completed(md);
      e.envelope = std::move(env);
      return e;
    }
    return detail::at_key("eventType", [&]() -> webhook_event {
      throw detail::unknown_webhook_event("unknown event type \"" + type + "\"");
    });
  });
}

ATOMS_DECL std::string_view event_type_name(const webhook_event& e) noexcept {
  constexpr std::string_view names[] = {"pre-conversation", "post-conversation", "analytics-completed"};
  return names[e.index()];
}

ATOMS_DECL const std::string& event_call_id(const webhook_event& e) noexcept {
  return std::visit([](const auto& x) -> const std::string& { return x.call_id; }, e);
}

}  // namespace smallest::atoms

#endif
