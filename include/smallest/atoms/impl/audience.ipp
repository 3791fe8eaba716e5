// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_AUDIENCE_IPP
#define SMALLEST_ATOMS_IMPL_AUDIENCE_IPP

#include <smallest/atoms/models/audience.hpp>
#include <smallest/atoms/models/detail/json_encode.hpp>

namespace smallest::atoms {

ATOMS_DECL bool is_e164(std::string_view number) noexcept {
  if (number.size() < 9 || number.size() > 16 || number[0] != '+' || number[1] == '0') return false;
  for (char c : number.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, audience_member const& m) {
  auto& o = jv.emplace_object();
  detail::put(o, "phoneNumber", m.phone_number);
  detail::put(o, "firstName", m.first_name);
  detail::put(o, "lastName", m.last_name);
}

ATOMS_DECL audience_campaign tag_invoke(boost::json::value_to_tag<audience_campaign>,
                                        boost::json::value const& jv) {
  audience_campaign c;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id")
      detail::read_nullable(v, c.id);
    else if (key == "name")
      detail::read_nullable(v, c.name);
    else if (key == "status")
      detail::read_nullable(v, c.status);
    else if (key == "createdAt")
      c.created_at = detail::read_optional<timestamp>(v);
  });
  return c;
}

ATOMS_DECL audience tag_invoke(boost::json::value_to_tag<audience>, boost::json::value const& jv) {
  using detail::read_optional;
  audience a;
  bool have_id = false;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id") {
      a.id = detail::read_string(v);
      have_id = true;
    } else if (key == "name")
      detail::read_nullable(v, a.name);
    else if (key == "description")
      a.description = read_optional<std::string>(v);
    else if (key == "phoneNumberColumnName")
      a.phone_number_column_name = read_optional<std::string>(v);
    else if (key == "identifierColumnName")
      a.identifier_column_name = read_optional<std::string>(v);
    else if (key == "memberCount")
      a.member_count = read_optional<std::int64_t>(v);
    else if (key == "hasCampaigns")
      a.has_campaigns = read_optional<bool>(v);
    else if (key == "campaigns")
      detail::read_nullable(v, a.campaigns);
    else if (key == "createdAt")
      a.created_at = read_optional<timestamp>(v);
    else if (key == "updatedAt")
      a.updated_at = read_optional<timestamp>(v);
  });
  if (!have_id) throw detail::missing_member("_id");
  a.raw = detail::read_object(jv);
  return a;
}

ATOMS_DECL audience_member_record tag_invoke(boost::json::value_to_tag<audience_member_record>,
                                             boost::json::value const& jv) {
  audience_member_record m;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id")
      detail::read_nullable(v, m.id);
    else if (key == "data" && !v.is_null()) {
      m.data = detail::read_object(v);
      // Other columns of the row may hold anything; only ours must be strings.
      detail::for_each_member(v, [&](std::string_view dkey, boost::json::value const& dv) {
        if (dkey == "phoneNumber")
          detail::read_nullable(dv, m.phone_number);
        else if (dkey == "firstName")
          m.first_name = detail::read_optional<std::string>(dv);
        else if (dkey == "lastName")
          m.last_name = detail::read_optional<std::string>(dv);
      });
    }
  });
  return m;
}

ATOMS_DECL audience_member_page tag_invoke(boost::json::value_to_tag<audience_member_page>,
                                           boost::json::value const& jv) {
  audience_member_page p;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "members")
      detail::read_nullable(v, p.members);
    else if (key == "totalCount")
      p.total_count = detail::read_optional<std::int64_t>(v);
    else if (key == "totalPages")
      p.total_pages = detail::read_optional<std::int64_t>(v);
    else if (key == "hasMore")
      p.has_more = detail::read_optional<bool>(v);
  });
  return p;
}

}  // namespace smallest::atoms

#endif
