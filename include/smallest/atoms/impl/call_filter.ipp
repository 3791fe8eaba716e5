// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_CALL_FILTER_IPP
#define SMALLEST_ATOMS_IMPL_CALL_FILTER_IPP

#include <smallest/atoms/call_filter.hpp>
#include <smallest/atoms/detail/query.hpp>

namespace smallest::atoms::detail {

// Ids travel comma-joined in one parameter: an empty id or one holding a comma would change
// which ids the service sees.
inline bool valid_ids(const std::vector<std::string>& ids, const char* name, std::string& why) {
  for (const auto& id : ids) {
    if (id.empty() || id.find(',') != std::string::npos) {
      why = std::string("call_filter::") + name + ": an id is empty or contains ','";
      return false;
    }
  }
  return true;
}

template <class E>
bool known_values(const std::vector<E>& values, const char* name, std::string& why) {
  for (E v : values) {
    if (v == E::unknown) {
      why = std::string("call_filter::") + name + ": 'unknown' is not a value the service filters by";
      return false;
    }
  }
  return true;
}

ATOMS_DECL bool call_query(const call_filter& f, std::string& query, std::string& why) {
  if (f.page && *f.page < 1) return why = "call_filter::page must be 1 or more", false;
  if (f.limit && (*f.limit < 1 || *f.limit > 500))
    return why = "call_filter::limit must be between 1 and 500 (the service's maximum)", false;
  // ISO-8601 as the service reads it has four-digit years.
  auto writable = [](const std::optional<timestamp>& t) {
    using namespace std::chrono;
    return !t ||
           (*t >= timestamp{sys_days{year{0} / 1 / 1}} && *t < timestamp{sys_days{year{10000} / 1 / 1}});
  };
  if (!writable(f.date_from) || !writable(f.date_to))
    return why = "call_filter: date_from and date_to must lie within the years 0000 to 9999", false;
  if (f.date_from && f.date_to && *f.date_from > *f.date_to)
    return why = "call_filter::date_from is after date_to", false;
  if ((f.sort_by && *f.sort_by == sort_field::unknown) || (f.order && *f.order == sort_order::unknown))
    return why = "call_filter: sort_by and order cannot be 'unknown'", false;
  if (!valid_ids(f.agent_ids, "agent_ids", why) || !valid_ids(f.campaign_ids, "campaign_ids", why) ||
      !valid_ids(f.version_ids, "version_ids", why) || !known_values(f.call_types, "call_types", why) ||
      !known_values(f.statuses, "statuses", why) ||
      !known_values(f.disconnect_reasons, "disconnect_reasons", why) ||
      !known_values(f.call_attempts, "call_attempts", why) || !known_values(f.durations, "durations", why))
    return false;

  auto same = [](const std::string& s) -> std::string_view { return s; };
  auto spelt = [](auto e) { return to_string(e); };
  query_builder q;
  if (f.page) q.add("page", std::to_string(*f.page));
  if (f.limit) q.add("limit", std::to_string(*f.limit));
  q.add_list("agentIds", f.agent_ids, same);
  q.add_list("campaignIds", f.campaign_ids, same);
  q.add_list("callTypes", f.call_types, spelt);
  q.add_list("statusFilter", f.statuses, spelt);
  q.add_list("disconnectReasonFilter", f.disconnect_reasons, spelt);
  q.add_list("callAttemptFilter", f.call_attempts, spelt);
  q.add_list("durationFilter", f.durations, spelt);
  if (f.sort_by) q.add("sortBy", to_string(*f.sort_by));
  if (f.order) q.add("sortOrder", to_string(*f.order));
  if (f.date_from) q.add("dateFrom", format_iso8601(*f.date_from));
  if (f.date_to) q.add("dateTo", format_iso8601(*f.date_to));
  q.add_list("versionFilter", f.version_ids, same);
  if (f.search) q.add("search", *f.search);
  query = std::move(q).str();
  return true;
}

}  // namespace smallest::atoms::detail

#endif
