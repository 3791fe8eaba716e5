// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_WEBHOOK_MODEL_IPP
#define SMALLEST_ATOMS_IMPL_WEBHOOK_MODEL_IPP

// The mappings of models/webhook.hpp (impl/webhook.ipp is webhook.hpp's: signatures).

#include <smallest/atoms/models/detail/json_encode.hpp>
#include <smallest/atoms/models/webhook.hpp>

namespace smallest::atoms {

ATOMS_DECL std::string_view to_string(webhook_event_type v) noexcept { return enum_name(v); }
ATOMS_DECL std::string_view to_string(webhook_status v) noexcept { return enum_name(v); }

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                           webhook_event_subscription const& s) {
  auto& o = jv.emplace_object();
  detail::put(o, "agentId", s.agent_id);
  o.emplace("eventType", enum_name(s.event_type));
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                           webhook_create_request const& r) {
  auto& o = jv.emplace_object();
  detail::put(o, "endpoint", r.endpoint);
  detail::put(o, "description", r.description);
  boost::json::array events(o.storage());
  for (const auto& e : r.events) events.push_back(boost::json::value_from(e, o.storage()));
  o.emplace("events", std::move(events));
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, webhook_update const& u) {
  auto& o = jv.emplace_object();
  detail::put(o, "endpoint", u.endpoint);
  detail::put(o, "description", u.description);
  if (u.headers) {
    boost::json::object h(o.storage());
    for (const auto& [name, value] : *u.headers) h.emplace(name, value);
    o.emplace("headers", std::move(h));
  }
}

ATOMS_DECL webhook_agent tag_invoke(boost::json::value_to_tag<webhook_agent>, boost::json::value const& jv) {
  webhook_agent a;
  boost::json::object extra;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id")
      detail::read_nullable(v, a.id);
    else if (key == "name")
      a.name = detail::read_optional<std::string>(v);
    else if (key == "description")
      a.description = detail::read_optional<std::string>(v);
    else
      extra.emplace(key, v);
  });
  a.extra = std::move(extra);
  return a;
}

ATOMS_DECL webhook_subscription tag_invoke(boost::json::value_to_tag<webhook_subscription>,
                                           boost::json::value const& jv) {
  using detail::read_optional;
  webhook_subscription s;
  bool have_id = false;
  boost::json::object extra;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id") {
      s.id = detail::read_string(v);
      have_id = true;
    } else if (key == "webhookId")
      s.webhook_id = read_optional<std::string>(v);
    else if (key == "agentId") {
      if (v.is_object()) {
        s.agent = detail::read<webhook_agent>(v);
        s.agent_id = s.agent->id;
      } else {
        s.agent_id = read_optional<std::string>(v);
      }
    } else if (key == "eventType")
      detail::read_nullable(v, s.event_type);
    else if (key == "createdAt")
      s.created_at = read_optional<timestamp>(v);
    else if (key == "updatedAt")
      s.updated_at = read_optional<timestamp>(v);
    else
      extra.emplace(key, v);
  });
  if (!have_id) throw detail::missing_member("_id");
  s.extra = std::move(extra);
  return s;
}

ATOMS_DECL webhook tag_invoke(boost::json::value_to_tag<webhook>, boost::json::value const& jv) {
  using detail::read_optional;
  webhook w;
  bool have_id = false;
  boost::json::object extra;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id") {
      w.id = detail::read_string(v);
      have_id = true;
    } else if (key == "url")
      detail::read_nullable(v, w.url);
    else if (key == "description")
      w.description = read_optional<std::string>(v);
    else if (key == "status")
      detail::read_nullable(v, w.status);
    else if (key == "organizationId")
      w.organization_id = read_optional<std::string>(v);
    else if (key == "createdBy")
      w.created_by = read_optional<std::string>(v);
    else if (key == "subscriptions")
      detail::read_nullable(v, w.subscriptions);
    else if (key == "decryptedSecretKey")
      detail::read_nullable(v, w.secret);
    else if (key == "createdAt")
      w.created_at = read_optional<timestamp>(v);
    else if (key == "updatedAt")
      w.updated_at = read_optional<timestamp>(v);
    else
      extra.emplace(key, v);
  });
  if (!have_id) throw detail::missing_member("_id");
  w.extra = std::move(extra);
  return w;
}

}  // namespace smallest::atoms

#endif
