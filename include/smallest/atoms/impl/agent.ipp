// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_AGENT_IPP
#define SMALLEST_ATOMS_IMPL_AGENT_IPP

#include <smallest/atoms/models/agent.hpp>
#include <smallest/atoms/models/detail/json_encode.hpp>

namespace smallest::atoms {

ATOMS_DECL agent_language tag_invoke(boost::json::value_to_tag<agent_language>,
                                     boost::json::value const& jv) {
  agent_language l;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "default")
      detail::read_nullable(v, l.default_language);
    else if (key == "supported")
      detail::read_nullable(v, l.supported);
  });
  return l;
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, agent_language const& l) {
  auto& o = jv.emplace_object();
  if (!l.default_language.empty()) detail::put(o, "default", l.default_language);
  detail::put(o, "supported", l.supported);
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                           agent_create_request const& r) {
  auto& o = jv.emplace_object();
  o.reserve(10 + r.extra.size());
  detail::put(o, "name", r.name);
  detail::put(o, "description", r.description);
  detail::put(o, "language", r.language);
  detail::put(o, "slmModel", r.slm_model);
  detail::put(o, "workflowType", r.workflow_type);
  detail::put(o, "firstMessage", r.first_message);
  detail::put(o, "globalPrompt", r.global_prompt);
  if (!r.telephony_product_ids.empty()) detail::put(o, "telephonyProductId", r.telephony_product_ids);
  if (!r.default_variables.empty()) detail::put(o, "defaultVariables", r.default_variables);
  detail::put(o, "allowInboundCall", r.allow_inbound_call);
  detail::put_extra(o, r.extra);
}

ATOMS_DECL agent tag_invoke(boost::json::value_to_tag<agent>, boost::json::value const& jv) {
  using detail::read_optional;
  agent a;
  bool have_id = false;
  std::optional<std::string> resolved_first_message;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id") {
      a.id = detail::read_string(v);
      have_id = true;
    } else if (key == "name")
      detail::read_nullable(v, a.name);
    else if (key == "description")
      a.description = read_optional<std::string>(v);
    else if (key == "workflowType")
      a.workflow_type = read_optional<std::string>(v);
    else if (key == "slmModel")
      a.slm_model = read_optional<std::string>(v);
    else if (key == "firstMessage")
      a.first_message = read_optional<std::string>(v);
    else if (key == "language")
      a.language = read_optional<agent_language>(v);
    else if (key == "archived")
      a.archived = read_optional<bool>(v);
    else if (key == "archivedAt")
      a.archived_at = read_optional<timestamp>(v);
    else if (key == "totalCalls")
      a.total_calls = read_optional<std::int64_t>(v);
    else if (key == "activeVersionId" || (key == "versionId" && !a.active_version_id))
      a.active_version_id = read_optional<std::string>(v);
    else if (key == "phoneNumber")
      detail::read_nullable(v, a.phone_numbers);
    else if (key == "createdAt")
      a.created_at = read_optional<timestamp>(v);
    else if (key == "updatedAt")
      a.updated_at = read_optional<timestamp>(v);
    else if (key == "_resolvedConfig" && !v.is_null()) {
      detail::for_each_member(v, [&](std::string_view rkey, boost::json::value const& rv) {
        if (rkey == "prompt")
          a.prompt = read_optional<std::string>(rv);
        else if (rkey == "firstMessage")
          resolved_first_message = read_optional<std::string>(rv);
      });
    }
  });
  if (!have_id) throw detail::missing_member("_id");
  if (!a.first_message) a.first_message = std::move(resolved_first_message);
  a.raw = detail::read_object(jv);
  return a;
}

ATOMS_DECL agent_page tag_invoke(boost::json::value_to_tag<agent_page>, boost::json::value const& jv) {
  agent_page p;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "agents")
      detail::read_nullable(v, p.agents);
    else if (key == "total")
      p.total = detail::read_optional<std::int64_t>(v);
  });
  return p;
}

}  // namespace smallest::atoms

#endif
