// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_CONVERSATION_QUERY_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_CONVERSATION_QUERY_HPP

// What GET /conversation and POST /conversation/search do with the emulator's records:
// the filters, the sort orders and the shapes of the list and search items, as the OpenAPI
// document describes them (key names spelt here by hand, in the document's order), and what
// the emulator makes GET /conversation do beyond it (emulator_options::touch_per_list and
// pagination_lie).
//
// A list request filters and sorts the store's call_keys (no record is read for that), picks
// the page's records with a partial sort, and makes only those: its cost is a pass over the
// keys plus the page.

#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/json_text.hpp>
#include <smallest/atoms/testing/detail/record_fields.hpp>
#include <smallest/atoms/testing/detail/router.hpp>
#include <smallest/atoms/testing/detail/synthetic_calls.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace smallest::atoms::testing::detail {

// "a, b,,c" -> {"a", "b", "c"}: the service's comma-separated query parameters.
inline std::set<std::string, std::less<>> split_csv(std::string_view s) {
  std::set<std::string, std::less<>> out;
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

inline const agent_record* find_agent(const std::vector<agent_record>& agents, std::string_view id) {
  for (const auto& a : agents)
    if (!id.empty() && a.id == id) return &a;
  return nullptr;
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
// dispositionMetrics, agentDispositionConfig and versionNumber), from a record, taken apart,
// and its agent (null if unknown). Keys the record lacks are left out.
inline boost::json::object conversation_item(boost::json::object call, const agent_record* agent,
                                             bool enriched) {
  boost::json::object o;
  o.reserve(24);
  auto take = [&](std::string_view key) {
    if (auto* v = call.if_contains(key)) o[key] = std::move(*v);
  };
  std::optional<std::int64_t> version_number;
  if (enriched && agent) {
    const auto version = string_member(call, "versionId");
    for (const auto& [id, number] : agent->versions)
      if (id == version) version_number = number;
  }
  const std::string agent_id(agent_id_of(call));

  for (const char* key : {"_id", "callId", "status", "duration", "from", "to", "type"}) take(key);
  if (!agent_id.empty()) o["agentId"] = agent_id;
  for (const char* key :
       {"recordingUrl", "recordingDualUrl", "disconnectionReason", "retryCount", "createdAt"})
    take(key);
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
  for (const char* key : {"callFailureReason", "callCost", "versionId"}) take(key);
  if (version_number) o["versionNumber"] = *version_number;
  for (const char* key :
       {"isTest", "retryCallId", "retryAttemptNumber", "postCallAnalytics", "turnLatencyMetrics"})
    take(key);
  return o;
}

// One record a list request matched: its sort key, its key in the default order (updatedAt
// desc) and its position in the store, which breaks ties (as a stable sort would).
struct list_hit {
  double key;
  double default_key;
  std::size_t position;
};

// Missing values sort first ascending and last descending, as MongoDB orders null.
inline constexpr double missing_sort_key = -std::numeric_limits<double>::infinity();

inline double time_sort_key(const std::optional<std::int64_t>& ms) {
  return ms ? static_cast<double>(*ms) : missing_sort_key;
}

// Chooses up to `k` of `candidates` (store positions), deterministically for `seed`.
inline std::vector<std::size_t> choose(std::vector<std::size_t> candidates, std::size_t k,
                                       std::uint64_t seed) {
  std::sort(candidates.begin(), candidates.end());
  if (candidates.size() <= k) return candidates;
  rng r(seed);
  for (std::size_t i = 0; i < k; ++i)
    std::swap(candidates[i], candidates[i + static_cast<std::size_t>(r.next() % (candidates.size() - i))]);
  candidates.resize(k);
  return candidates;
}

// The "total" of a total_shrinks answer: the true one first, then half the last one's.
inline std::int64_t shrinking_total(conversation_listing& listing, std::int64_t total) {
  std::int64_t last = listing.last_total.load();
  std::int64_t next = 0;
  do {
    next = last < 0 ? total : last / 2;
  } while (!listing.last_total.compare_exchange_weak(last, next));
  return next;
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
  for (auto& c : search) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  // Whether `text` contains `search`, ignoring ASCII case.
  auto has = [&search](std::string_view text) {
    auto low = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    for (std::size_t at = 0; at + search.size() <= text.size(); ++at) {
      std::size_t i = 0;
      while (i < search.size() && low(text[at + i]) == search[i]) ++i;
      if (i == search.size()) return true;
    }
    return false;
  };

  auto in = [](const std::set<std::string, std::less<>>& set, std::string_view v) {
    return set.empty() || set.count(v) > 0;
  };
  auto matches = [&](const call_keys& c) {
    if (!in(agent_ids, c.agent_id) || !in(campaign_ids, c.campaign_id) || !in(call_types, c.type) ||
        !in(statuses, c.status) || !in(reasons, c.disconnection_reason) || !in(versions, c.version_id))
      return false;
    if (!attempts.empty() && !attempts.count("all") && !attempts.count(c.retry ? "retry" : "initial"))
      return false;
    if (!durations.empty()) {
      const double d = c.duration.value_or(0);
      const bool hit = (durations.count("0-30") && d < 30) ||
                       (durations.count("30-60") && d >= 30 && d < 60) ||
                       (durations.count("1-5") && d >= 60 && d < 300) || (durations.count("5+") && d >= 300);
      if (!hit) return false;
    }
    if (date_from || date_to) {
      if (!c.created_ms || (date_from && *c.created_ms < *date_from) || (date_to && *c.created_ms > *date_to))
        return false;
    }
    if (!search.empty() && !has(c.call_id) && !has(c.from) && !has(c.to)) return false;
    return true;
  };
  auto sort_key = [&sort_by](const call_keys& c) -> double {
    if (sort_by == "callDuration") return c.duration.value_or(missing_sort_key);
    if (sort_by == "avgLatency") return c.avg_latency.value_or(missing_sort_key);
    return time_sort_key(sort_by == "createdAt" ? c.created_ms : c.updated_ms);
  };

  std::vector<list_hit> hits;
  hits.reserve(data.calls.size());
  data.calls.for_each([&](std::size_t position, const call_keys& c) {
    if (matches(c)) hits.push_back({sort_key(c), time_sort_key(c.updated_ms), position});
  });
  const bool ascending = sort_order == "asc";
  auto before = [ascending](const list_hit& a, const list_hit& b) {
    if (a.key != b.key) return ascending ? a.key < b.key : a.key > b.key;
    return a.position < b.position;
  };

  conversation_listing& listing = data.listing;
  const pagination_lie lie = listing.lie;
  const std::int64_t served_page = lie == pagination_lie::page_stuck ? 1 : page;
  const auto total = static_cast<std::int64_t>(hits.size());
  // [lo, hi) of the sorted hits; no product that could overflow for a page far past the end.
  const std::int64_t lo = served_page - 1 < (total + limit - 1) / limit ? (served_page - 1) * limit : total;
  const std::int64_t hi = std::min(lo + limit, total);
  const auto first = hits.begin() + lo, last = hits.begin() + hi;
  if (lo < hi) {
    if (lo > 0) std::nth_element(hits.begin(), first, hits.end(), before);
    std::partial_sort(first, last, hits.end(), before);
  }

  // The touched calls: among those ranked after the whole page in the default order.
  if (listing.touch_per_list > 0 && lo < hi) {
    auto default_before = [](const list_hit& a, const list_hit& b) {
      if (a.default_key != b.default_key) return a.default_key > b.default_key;
      return a.position < b.position;
    };
    const list_hit* page_last = &*first;
    for (auto it = first; it != last; ++it)
      if (default_before(*page_last, *it)) page_last = &*it;
    std::vector<std::size_t> candidates;
    for (auto it = hits.begin(); it != hits.end(); ++it)
      if ((it < first || it >= last) && default_before(*page_last, *it)) candidates.push_back(it->position);
    const std::uint64_t answer = listing.answers.load();
    data.calls.touch(choose(std::move(candidates), listing.touch_per_list,
                            listing.seed ^ (0x70c4ed70c4ed70c4ULL + answer * 0x9e3779b97f4a7c15ULL)));
  }

  std::int64_t reported_total = total;
  bool has_more = hi < total;
  switch (lie) {
    case pagination_lie::none: break;
    case pagination_lie::more_after_end:
    case pagination_lie::page_stuck: has_more = true; break;
    case pagination_lie::total_shrinks:
      reported_total = shrinking_total(listing, total);
      has_more = true;
      break;
  }

  // The page's records, made outside the store's lock; each agent read once.
  const std::vector<agent_record> agents = data.agents.all();
  std::string body = R"({"status":true,"data":{"logs":[)";
  body.reserve(static_cast<std::size_t>(hi - lo) * 4096 + 4096);
  for (auto it = first; it != last; ++it) {
    if (it != first) body += ',';
    boost::json::object call = data.calls.at(it->position, record_detail::listed);
    const agent_record* agent = find_agent(agents, agent_id_of(call));
    write_json(body, conversation_item(std::move(call), agent, true));
  }
  body += R"(],"pagination":)";
  write_json(body, boost::json::object{{"total", reported_total},
                                       {"page", served_page},
                                       {"limit", limit},
                                       {"hasMore", has_more},
                                       {"totalPages", (reported_total + limit - 1) / limit}});

  // The configured metrics of the agents asked for (of every agent without agentIds).
  boost::json::array config;
  std::set<std::string> seen;
  for (const auto& agent : agents)
    if (in(agent_ids, agent.id))
      for (auto& m : disposition_config(agent.post_call_config))
        if (seen.insert(std::string(m.at("identifier").as_string())).second) config.push_back(std::move(m));
  body += R"(,"dispositionMetricsConfig":)";
  write_json(body, config);
  body += "}}";

  listing.answers.fetch_add(1);
  listing.logs_listed.fetch_add(static_cast<std::size_t>(hi - lo));
  return {200, std::move(body)};
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
  const std::vector<agent_record> agents = data.agents.all();
  for (const auto& id : ids->get_array()) {
    std::string key(id.get_string());
    if (!seen.insert(key).second) continue;
    if (auto call = data.calls.find(key, record_detail::listed))
      logs.push_back(conversation_item(*call, find_agent(agents, agent_id_of(*call)), false));
  }
  const auto found = static_cast<std::int64_t>(logs.size());
  boost::json::object out{{"logs", std::move(logs)},
                          {"total", found},
                          {"requestedCount", static_cast<std::int64_t>(ids->get_array().size())}};
  return data_answer(to_json_text(out));
}

}  // namespace smallest::atoms::testing::detail

#endif
