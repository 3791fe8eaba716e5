// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_CONVERSATION_QUERY_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_CONVERSATION_QUERY_HPP

// What GET /conversation and POST /conversation/search do with the emulator's records:
// the filters, the sort orders and the shapes of the list and search items, as the OpenAPI
// document describes them (key names spelt here by hand, in the document's order).

#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/router.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace smallest::atoms::testing::detail {

// "a, b,,c" -> {"a", "b", "c"}: the service's comma-separated query parameters.
inline std::set<std::string> split_csv(std::string_view s) {
  std::set<std::string> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace(item);
  }
  return out;
}

inline std::optional<std::int64_t> parse_integer(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Milliseconds since the epoch from "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with an
// optional "Z" or "+hh:mm" (what JavaScript's Date accepts of ISO 8601; a date alone is UTC).
inline std::optional<std::int64_t> parse_iso8601_ms(std::string_view s) {
  auto digits = [&s](std::size_t at, std::size_t n) -> std::optional<std::int64_t> {
    if (at + n > s.size()) return std::nullopt;
    std::int64_t v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  if (!y || !mo || !d || s[4] != '-' || s[7] != '-' || *mo < 1 || *mo > 12 || *d < 1 || *d > 31)
    return std::nullopt;
  std::int64_t h = 0, mi = 0, sec = 0, ms = 0, offset_min = 0;
  std::size_t at = 10;
  if (at < s.size()) {
    if (s[at] != 'T' && s[at] != ' ') return std::nullopt;
    const auto hh = digits(at + 1, 2), mm = digits(at + 4, 2);
    if (!hh || !mm || s[at + 3] != ':' || *hh > 23 || *mm > 59) return std::nullopt;
    h = *hh, mi = *mm, at += 6;
    if (at < s.size() && s[at] == ':') {
      const auto ss = digits(at + 1, 2);
      if (!ss || *ss > 59) return std::nullopt;
      sec = *ss, at += 3;
      if (at < s.size() && s[at] == '.') {
        std::size_t n = 0;
        std::int64_t scale = 100;
        for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, ++n, scale /= 10)
          ms += (s[at] - '0') * scale;
        if (n == 0) return std::nullopt;
      }
    }
    if (at < s.size() && s[at] == 'Z') {
      ++at;
    } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
      const auto oh = digits(at + 1, 2), om = digits(at + 4, 2);
      if (!oh || !om || s[at + 3] != ':') return std::nullopt;
      offset_min = (s[at] == '-' ? -1 : 1) * (*oh * 60 + *om);
      at += 6;
    }
    if (at != s.size()) return std::nullopt;
  }
  // Howard Hinnant's days_from_civil.
  const std::int64_t yy = *y - (*mo <= 2 ? 1 : 0);
  const std::int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  const std::int64_t yoe = yy - era * 400;
  const std::int64_t doy = (153 * (*mo + (*mo > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + doe - 719468;
  return ((days * 86400 + h * 3600 + mi * 60 + sec) - offset_min * 60) * 1000 + ms;
}

inline const boost::json::value* member(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && !v->is_null() ? v : nullptr;
}

inline std::string_view string_member(const boost::json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

inline std::optional<double> number_member(const boost::json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  return std::nullopt;
}

// The agent of a record: "agent._id" in the details; "agentId" in a record a test wrote so.
inline std::string_view agent_id_of(const boost::json::object& call) {
  if (const auto* a = member(call, "agent"); a && a->is_object())
    return string_member(a->get_object(), "_id");
  return string_member(call, "agentId");
}

// [{identifier, type}] of an agent's configured metrics: the list's agentDispositionConfig.
inline boost::json::array disposition_config(const boost::json::object& post_call_config) {
  boost::json::array out;
  if (const auto* metrics = member(post_call_config, "dispositionMetrics"); metrics && metrics->is_array())
    for (const auto& m : metrics->get_array())
      if (m.is_object())
        out.push_back(boost::json::object{{"identifier", string_member(m.get_object(), "identifier")},
                                          {"type", string_member(m.get_object(), "dispositionMetricType")}});
  return out;
}

// A list item (`enriched`, as GET /conversation returns it) or a search item (without
// dispositionMetrics, agentDispositionConfig and versionNumber), from a record. Keys the
// record lacks are left out.
inline boost::json::object conversation_item(const boost::json::object& call, const agent_store& agents,
                                             bool enriched) {
  boost::json::object o;
  auto copy = [&](std::string_view key) {
    if (const auto* v = call.if_contains(key)) o[key] = *v;
  };
  std::optional<agent_record> agent;
  if (const auto id = agent_id_of(call); !id.empty()) agent = agents.get(std::string(id));

  for (const char* key : {"_id", "callId", "status", "duration", "from", "to", "type"}) copy(key);
  if (const auto id = agent_id_of(call); !id.empty()) o["agentId"] = id;
  for (const char* key :
       {"recordingUrl", "recordingDualUrl", "disconnectionReason", "retryCount", "createdAt"})
    copy(key);
  if (enriched) {
    boost::json::object metrics;
    if (const auto* pca = member(call, "postCallAnalytics"); pca && pca->is_object())
      if (const auto* list = member(pca->get_object(), "dispositionMetrics"); list && list->is_array())
        for (const auto& m : list->get_array())
          if (m.is_object())
            if (const auto id = string_member(m.get_object(), "identifier"); !id.empty())
              metrics[id] = m.get_object().contains("value") ? m.get_object().at("value") : nullptr;
    o["dispositionMetrics"] = std::move(metrics);
    o["agentDispositionConfig"] = agent ? disposition_config(agent->post_call_config) : boost::json::array{};
  }
  for (const char* key : {"callFailureReason", "callCost", "versionId"}) copy(key);
  if (enriched && agent) {
    const auto version = string_member(call, "versionId");
    for (const auto& [id, number] : agent->versions)
      if (id == version) o["versionNumber"] = number;
  }
  for (const char* key :
       {"isTest", "retryCallId", "retryAttemptNumber", "postCallAnalytics", "turnLatencyMetrics"})
    copy(key);
  return o;
}

// GET /conversation over the records: every filter of the document, then sort and page.
inline http_answer list_conversations(const route_request& req, dataset& data) {
  std::int64_t page = 1;
  std::int64_t limit = 5;
  if (auto p = req.query_param("page")) {
    auto v = parse_integer(*p);
    if (!v || *v < 1) return error_answer(400, "page must be a positive integer");
    page = *v;
  }
  if (auto l = req.query_param("limit")) {
    auto v = parse_integer(*l);
    if (!v || *v < 1) return error_answer(400, "limit must be a positive integer");
    limit = std::min<std::int64_t>(*v, 500);  // silently clamped, as the document says
  }
  const std::string sort_by(req.query_param("sortBy").value_or("updatedAt"));
  if (sort_by != "createdAt" && sort_by != "updatedAt" && sort_by != "callDuration" &&
      sort_by != "avgLatency")
    return error_answer(400, "sortBy must be one of createdAt, updatedAt, callDuration, avgLatency");
  const std::string sort_order(req.query_param("sortOrder").value_or("desc"));
  if (sort_order != "asc" && sort_order != "desc") return error_answer(400, "sortOrder must be asc or desc");
  std::optional<std::int64_t> date_from, date_to;
  if (auto d = req.query_param("dateFrom"); d && !d->empty())
    if (!(date_from = parse_iso8601_ms(*d))) return error_answer(400, "dateFrom must be an ISO 8601 date");
  if (auto d = req.query_param("dateTo"); d && !d->empty())
    if (!(date_to = parse_iso8601_ms(*d))) return error_answer(400, "dateTo must be an ISO 8601 date");

  auto csv = [&req](std::string_view name) { return split_csv(req.query_param(name).value_or("")); };
  const auto agent_ids = csv("agentIds"), campaign_ids = csv("campaignIds"), call_types = csv("callTypes"),
             statuses = csv("statusFilter"), reasons = csv("disconnectReasonFilter"),
             attempts = csv("callAttemptFilter"), durations = csv("durationFilter"),
             versions = csv("versionFilter");
  std::string search(req.query_param("search").value_or(""));
  auto lower = [](std::string s) {
    for (auto& c : s) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    return s;
  };
  search = lower(search);

  auto in = [](const std::set<std::string>& set, std::string_view v) {
    return set.empty() || set.count(std::string(v)) > 0;
  };
  auto matches = [&](const boost::json::object& c) {
    if (!in(agent_ids, agent_id_of(c)) || !in(campaign_ids, string_member(c, "campaignId")) ||
        !in(call_types, string_member(c, "type")) || !in(statuses, string_member(c, "status")) ||
        !in(reasons, string_member(c, "disconnectionReason")) || !in(versions, string_member(c, "versionId")))
      return false;
    if (!attempts.empty() && !attempts.count("all")) {
      const bool retry = number_member(c, "retryAttemptNumber").value_or(0) > 0;
      if (!attempts.count(retry ? "retry" : "initial")) return false;
    }
    if (!durations.empty()) {
      const double d = number_member(c, "duration").value_or(0);
      const bool hit = (durations.count("0-30") && d < 30) ||
                       (durations.count("30-60") && d >= 30 && d < 60) ||
                       (durations.count("1-5") && d >= 60 && d < 300) || (durations.count("5+") && d >= 300);
      if (!hit) return false;
    }
    if (date_from || date_to) {
      const auto created = parse_iso8601_ms(string_member(c, "createdAt"));
      if (!created || (date_from && *created < *date_from) || (date_to && *created > *date_to)) return false;
    }
    if (!search.empty()) {
      bool hit = false;
      for (const char* key : {"callId", "from", "to"})
        hit = hit || lower(std::string(string_member(c, key))).find(search) != std::string::npos;
      if (!hit) return false;
    }
    return true;
  };

  // Missing values sort first ascending and last descending, as MongoDB orders null.
  auto sort_key = [&sort_by](const boost::json::object& c) -> double {
    constexpr double missing = -std::numeric_limits<double>::infinity();
    if (sort_by == "callDuration") return number_member(c, "duration").value_or(missing);
    if (sort_by == "avgLatency") {
      const auto* m = member(c, "turnLatencyMetrics");
      return m && m->is_object() ? number_member(m->get_object(), "avgLatency").value_or(missing) : missing;
    }
    const auto t = parse_iso8601_ms(string_member(c, sort_by));
    return t ? static_cast<double>(*t) : missing;
  };

  std::vector<std::pair<double, std::shared_ptr<const boost::json::object>>> hits;
  for (auto& c : data.calls.snapshot())
    if (matches(*c)) hits.emplace_back(sort_key(*c), std::move(c));
  const bool ascending = sort_order == "asc";
  std::stable_sort(hits.begin(), hits.end(), [ascending](const auto& a, const auto& b) {
    return ascending ? a.first < b.first : a.first > b.first;
  });

  const auto total = static_cast<std::int64_t>(hits.size());
  boost::json::array logs;
  for (std::int64_t i = (page - 1) * limit; i < total && i < page * limit; ++i)
    logs.push_back(conversation_item(*hits[static_cast<std::size_t>(i)].second, data.agents, true));

  // The configured metrics of the agents asked for (of every agent without agentIds).
  boost::json::array config;
  std::set<std::string> seen;
  for (const auto& agent : data.agents.all())
    if (in(agent_ids, agent.id))
      for (auto& m : disposition_config(agent.post_call_config))
        if (seen.insert(std::string(m.at("identifier").as_string())).second) config.push_back(std::move(m));

  boost::json::object out{{"logs", std::move(logs)},
                          {"pagination", boost::json::object{{"total", total},
                                                             {"page", page},
                                                             {"limit", limit},
                                                             {"hasMore", page * limit < total},
                                                             {"totalPages", (total + limit - 1) / limit}}},
                          {"dispositionMetricsConfig", std::move(config)}};
  return data_answer(to_json_text(out));
}

// POST /conversation/search {"callIds": [...]}: 1 to 100 ids; unknown ones are dropped; each
// known call once, in the order of its first id.
inline http_answer search_conversations(const route_request& req, dataset& data) {
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(req.body, ec);
  const auto* ids = !ec && body.is_object() ? body.get_object().if_contains("callIds") : nullptr;
  if (ids == nullptr || !ids->is_array()) return error_answer(400, "callIds must be an array of strings");
  for (const auto& id : ids->get_array())
    if (!id.is_string()) return error_answer(400, "callIds must be an array of strings");
  if (ids->get_array().empty()) return error_answer(400, "callIds must contain at least 1 item");
  if (ids->get_array().size() > 100) return error_answer(400, "callIds must contain at most 100 items");

  boost::json::array logs;
  std::set<std::string> seen;
  for (const auto& id : ids->get_array()) {
    std::string key(id.get_string());
    if (!seen.insert(key).second) continue;
    if (auto call = data.calls.find(key)) logs.push_back(conversation_item(*call, data.agents, false));
  }
  const auto found = static_cast<std::int64_t>(logs.size());
  boost::json::object out{{"logs", std::move(logs)},
                          {"total", found},
                          {"requestedCount", static_cast<std::int64_t>(ids->get_array().size())}};
  return data_answer(to_json_text(out));
}

}  // namespace smallest::atoms::testing::detail

#endif
