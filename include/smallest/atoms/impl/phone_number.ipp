// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_PHONE_NUMBER_IPP
#define SMALLEST_ATOMS_IMPL_PHONE_NUMBER_IPP

#include <smallest/atoms/models/phone_number.hpp>

namespace smallest::atoms {

ATOMS_DECL phone_number tag_invoke(boost::json::value_to_tag<phone_number>, boost::json::value const& jv) {
  using detail::read_optional;
  phone_number n;
  bool have_id = false;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "_id") {
      n.id = detail::read_string(v);
      have_id = true;
    } else if (key == "productType")
      n.product_type = read_optional<std::string>(v);
    else if (key == "isActive")
      n.is_active = read_optional<bool>(v);
    else if (key == "agentId")
      n.agent_id = read_optional<std::string>(v);
    else if (key == "attributes" && !v.is_null()) {
      detail::for_each_member(v, [&](std::string_view akey, boost::json::value const& av) {
        if (akey == "phoneNumber")
          detail::read_nullable(av, n.number);
        else if (akey == "provider")
          n.provider = read_optional<std::string>(av);
        else if (akey == "countryCode")
          n.country_code = read_optional<std::string>(av);
        else if (akey == "areaCode")
          n.area_code = read_optional<std::string>(av);
      });
    } else if (key == "createdAt")
      n.created_at = read_optional<timestamp>(v);
    else if (key == "updatedAt")
      n.updated_at = read_optional<timestamp>(v);
  });
  if (!have_id) throw detail::missing_member("_id");
  n.raw = detail::read_object(jv);
  return n;
}

}  // namespace smallest::atoms

#endif
