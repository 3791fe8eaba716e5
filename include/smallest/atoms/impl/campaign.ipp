// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_CAMPAIGN_IPP
#define SMALLEST_ATOMS_IMPL_CAMPAIGN_IPP

#include <smallest/atoms/models/campaign.hpp>
#include <smallest/atoms/models/detail/json_encode.hpp>

namespace smallest::atoms {

ATOMS_DECL std::string_view to_string(campaign_status v) noexcept { return enum_name(v); }

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                           campaign_create_request const& r) {
  auto& o = jv.emplace_object();
  o.reserve(8);
  detail::put(o, "name", r.name);
  detail::put(o, "agentId", r.agent_id);
  detail::put(o, "audienceId", r.audience_id);
  if (!r.phone_number_ids.empty()) detail::put(o, "phoneNumberIds", r.phone_number_ids);
  detail::put(o, "description", r.description);
  detail::put(o, "maxRetries", r.max_retries);
  if (r.retry_delay) detail::put(o, "retryDelay", static_cast<std::int64_t>(r.retry_delay->count()));
  detail::put(o, "scheduledAt", r.scheduled_at);
}

namespace detail {

inline std::optional<std::chrono::minutes> read_minutes(boost::json::value const& v) {
  if (v.is_null()) return std::nullopt;
  return std::chrono::minutes{read_integer(v)};
}

// `agent` / `audience` of a GET: {_id, name, …}; a bare id string is read too.
inline void read_reference(boost::json::value const& v, std::optional<std::string>& id,
                           std::optional<std::string>& name) {
  if (v.is_null()) return;
  if (v.is_string()) {
    id = read_string(v);
    return;
  }
  for_each_member(v, [&](std::string_view key, boost::json::value const& m) {
    if (key == "_id")
      id = read_optional<std::string>(m);
    else if (key == "name")
      name = read_optional<std::string>(m);
  });
}

}  // namespace detail

ATOMS_DECL campaign tag_invoke(boost::json::value_to_tag<campaign>, boost::json::value const& jv) {
  using detail::read_optional;
  campaign c;
  bool have_id = false;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id") {
      c.id = detail::read_string(v);
      have_id = true;
    } else if (key == "name")
      detail::read_nullable(v, c.name);
    else if (key == "description")
      c.description = read_optional<std::string>(v);
    else if (key == "status")
      detail::read_nullable(v, c.status);
    else if (key == "agent")
      detail::read_reference(v, c.agent_id, c.agent_name);
    else if (key == "agentId")
      c.agent_id = read_optional<std::string>(v);
    else if (key == "audience")
      detail::read_reference(v, c.audience_id, c.audience_name);
    else if (key == "audienceId")
      c.audience_id = read_optional<std::string>(v);
    else if (key == "participantsCount")
      c.participants_count = read_optional<std::int64_t>(v);
    else if (key == "maxRetries")
      c.max_retries = read_optional<std::int64_t>(v);
    else if (key == "retryDelay")
      c.retry_delay = detail::read_minutes(v);
    else if (key == "retryAttempts")
      c.retry_attempts = read_optional<std::int64_t>(v);
    else if (key == "scheduledAt")
      c.scheduled_at = read_optional<timestamp>(v);
    else if (key == "pausedAt")
      c.paused_at = read_optional<timestamp>(v);
    else if (key == "cancelledCallsCount")
      c.cancelled_calls_count = read_optional<std::int64_t>(v);
    else if (key == "error")
      c.error = read_optional<std::string>(v);
    else if (key == "failedAt")
      c.failed_at = read_optional<timestamp>(v);
    else if (key == "createdAt")
      c.created_at = read_optional<timestamp>(v);
    else if (key == "updatedAt")
      c.updated_at = read_optional<timestamp>(v);
  });
  if (!have_id) throw detail::missing_member("_id");
  c.raw = detail::read_object(jv);
  return c;
}

ATOMS_DECL campaign_event tag_invoke(boost::json::value_to_tag<campaign_event>,
                                     boost::json::value const& jv) {
  using detail::read_optional;
  campaign_event e;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id")
      e.id = read_optional<std::string>(v);
    else if (key == "triggerSource")
      e.trigger_source = read_optional<std::string>(v);
    else if (key == "eventAction")
      e.event_action = read_optional<std::string>(v);
    else if (key == "createdAt")
      e.created_at = read_optional<timestamp>(v);
    else if (key == "updatedAt")
      e.updated_at = read_optional<timestamp>(v);
  });
  e.raw = detail::read_object(jv);
  return e;
}

ATOMS_DECL campaign_metrics tag_invoke(boost::json::value_to_tag<campaign_metrics>,
                                       boost::json::value const& jv) {
  using detail::read_optional;
  campaign_metrics m;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "total_participants")
      m.total_participants = read_optional<std::int64_t>(v);
    else if (key == "contacts_called")
      m.contacts_called = read_optional<std::int64_t>(v);
    else if (key == "contacts_connected")
      m.contacts_connected = read_optional<std::int64_t>(v);
  });
  return m;
}

ATOMS_DECL campaign_details tag_invoke(boost::json::value_to_tag<campaign_details>,
                                       boost::json::value const& jv) {
  campaign_details d;
  bool have_campaign = false;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "campaign") {
      d.campaign = detail::read<campaign>(v);
      have_campaign = true;
    } else if (key == "events")
      detail::read_nullable(v, d.events);
    else if (key == "metrics")
      detail::read_nullable(v, d.metrics);
  });
  if (!have_campaign) throw detail::missing_member("campaign");
  return d;
}

ATOMS_DECL campaign_pagination tag_invoke(boost::json::value_to_tag<campaign_pagination>,
                                          boost::json::value const& jv) {
  using detail::read_optional;
  campaign_pagination p;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "total")
      p.total = read_optional<std::int64_t>(v);
    else if (key == "page")
      p.page = read_optional<std::int64_t>(v);
    else if (key == "offset")
      p.offset = read_optional<std::int64_t>(v);
    else if (key == "hasMore")
      p.has_more = read_optional<bool>(v);
    else if (key == "totalPages")
      p.total_pages = read_optional<std::int64_t>(v);
  });
  return p;
}

ATOMS_DECL campaign_page tag_invoke(boost::json::value_to_tag<campaign_page>, boost::json::value const& jv) {
  campaign_page p;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "campaigns")
      detail::read_nullable(v, p.campaigns);
    else if (key == "pagination")
      detail::read_nullable(v, p.pagination);
    else if (key == "totalCampaignCount")
      p.total_campaign_count = detail::read_optional<std::int64_t>(v);
  });
  return p;
}

ATOMS_DECL campaign_start tag_invoke(boost::json::value_to_tag<campaign_start>,
                                     boost::json::value const& jv) {
  using detail::read_optional;
  campaign_start s;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "message")
      s.message = read_optional<std::string>(v);
    else if (key == "taskId")
      s.task_id = read_optional<std::string>(v);
    else if (key == "campaignId")
      s.campaign_id = read_optional<std::string>(v);
  });
  return s;
}

}  // namespace smallest::atoms

#endif
