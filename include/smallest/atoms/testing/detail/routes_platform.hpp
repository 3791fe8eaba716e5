// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_PLATFORM_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_PLATFORM_HPP

// The platform's endpoints: agents (create, list, archive), phone numbers, audiences (a
// multipart CSV upload) and campaigns, and the dialing a started campaign does.
//
// Dialing runs on no timer: advance_campaigns() moves every campaign to "now" under the
// platform's lock, and the server calls it before each request is routed (the emulator's
// accessors too). A campaign started at t is "processing" until t + start_delay, then
// "running"; it calls one member every call_interval, each call stored COMPLETED at once
// without postCallAnalytics and given them analytics_delay later; once every member's call
// has them the campaign is "completed". So a test sees each step in order, however slowly
// it polls, and nothing happens between two requests that a request could not see.

#include <smallest/atoms/testing/detail/agent_branches.hpp>
#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/json_text.hpp>
#include <smallest/atoms/testing/detail/multipart.hpp>
#include <smallest/atoms/testing/detail/platform_store.hpp>
#include <smallest/atoms/testing/detail/record_fields.hpp>
#include <smallest/atoms/testing/detail/recordings.hpp>
#include <smallest/atoms/testing/detail/router.hpp>
#include <smallest/atoms/testing/detail/routes_branches.hpp>
#include <smallest/atoms/testing/detail/synthetic_calls.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smallest::atoms::testing::detail {

// ---------------------------------------------------------------------------------------
// Shared helpers

inline http_answer json_answer(unsigned status, const boost::json::object& body) {
  return {status, to_json_text(body)};
}

// A positive integer query parameter (page, offset), `fallback` when absent; nullopt when
// present but not a positive integer.
inline std::optional<std::int64_t> positive_query(const route_request& req, std::string_view name,
                                                  std::int64_t fallback) {
  const auto v = req.query_param(name);
  if (!v) return fallback;
  if (v->empty() || v->size() > 9) return std::nullopt;
  std::int64_t n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n < 1) return std::nullopt;
  return n;
}

inline std::string lowered(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

inline bool contains_folded(std::string_view text, std::string_view needle) {
  return lowered(text).find(lowered(needle)) != std::string::npos;
}

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return b <= 0 ? 0 : (a + b - 1) / b; }

// ---------------------------------------------------------------------------------------
// Agents

// AgentDTO's top level (no _resolvedConfig): the agent_record's fields, then what the
// create request set.
inline boost::json::object agent_dto(const agent_record& a, const agent_meta* meta) {
  const std::string created = meta && !meta->created_at.empty()
                                  ? meta->created_at
                                  : (a.branches.empty() ? std::string() : a.branches.front().created_at);
  const std::string updated = meta && !meta->updated_at.empty() ? meta->updated_at : created;
  boost::json::object o{{"_id", a.id},
                        {"name", a.name},
                        {"description", a.description},
                        {"organization", emulated_organization_id},
                        {"workflowType", "single_prompt"},
                        {"createdBy", emulated_user_id},
                        {"archived", meta != nullptr && meta->archived},
                        {"createdAt", created},
                        {"updatedAt", updated}};
  if (meta)
    for (const auto& [k, v] : meta->fields) o[k] = v;
  return o;
}

// The active states: a campaign in one of them keeps its agent from being archived.
inline bool campaign_holds_agent(std::string_view status) {
  return status == "draft" || status == "scheduled" || status == "processing" || status == "running" ||
         status == "paused";
}

// POST /agent (CreateAgentRequest): 201 {"status":true,"data":"<id>"}. The agent is a full
// agent of the account: a "main" branch with one published revision (the initial version
// the service creates) and an empty post-call analytics configuration. name is required;
// prompt is kept as the active version's prompt (_resolvedConfig.prompt); description and
// the other top-level fields of the request (language, backgroundSound, synthesizer,
// slmModel, globalKnowledgeBaseId, defaultVariables) are kept as given; unknown keys are
// ignored, as Express does.
inline http_answer create_agent(const route_request& req, dataset& data) {
  const auto body = req.json_object();
  if (!body) return error_answer(400, "The body must be a JSON object");
  std::vector<std::string> errors;
  const auto* name = body->if_contains("name");
  if (name == nullptr || !name->is_string() || name->get_string().empty())
    errors.emplace_back("name is required");
  const auto string_field = [&](std::string_view key) -> std::string {
    const auto* v = body->if_contains(key);
    if (v == nullptr || v->is_null()) return {};
    if (!v->is_string()) {
      errors.push_back(std::string(key) + " must be a string");
      return {};
    }
    return std::string(v->get_string());
  };
  const std::string description = string_field("description");
  const std::string prompt = string_field("prompt");
  agent_meta meta;
  static constexpr std::pair<std::string_view, boost::json::kind> top_fields[] = {
      {"language", boost::json::kind::object},
      {"synthesizer", boost::json::kind::object},
      {"backgroundSound", boost::json::kind::string},
      {"slmModel", boost::json::kind::string},
      {"globalKnowledgeBaseId", boost::json::kind::string},
      {"defaultVariables", boost::json::kind::object}};
  for (const auto& [key, kind] : top_fields) {
    const auto* v = body->if_contains(key);
    if (v == nullptr || v->is_null()) continue;
    if (v->kind() != kind)
      errors.push_back(std::string(key) +
                       (kind == boost::json::kind::object ? " must be an object" : " must be a string"));
    else
      meta.fields[key] = *v;
  }
  if (!errors.empty()) return errors_answer(400, errors);

  const std::string id = object_id();
  const std::string at = now_iso8601();
  meta.created_at = at;
  meta.updated_at = at;
  branch_record main{object_id(), "main", true, at, at, {}, {}};
  boost::json::object row = revision_row(object_id(), id, main.id, "published", at);
  row["revisionNumber"] = 1;
  row["versionNumber"] = 1;
  row["publishedBy"] = emulated_user_id;
  row["publishedAt"] = at;
  row["publishedByName"] = emulated_user_name;
  boost::json::object blocks;
  for (auto section : version_block_sections) blocks[section] = object_id();
  row["blocks"] = std::move(blocks);
  row["isActive"] = true;
  row["activatedBy"] = emulated_user_id;
  row["activatedAt"] = at;
  const std::string version = std::string(row.at("_id").get_string());
  main.revisions.push_back(std::move(row));
  boost::json::object config;
  if (!prompt.empty()) config["prompt"] = prompt;
  {
    std::lock_guard lock(data.platform.mutex);
    data.agents.put(agent_record{id,
                                 std::string(name->get_string()),
                                 description,
                                 boost::json::object{{"dispositionMetrics", boost::json::array{}}},
                                 {{version, 1}},
                                 {std::move(main)},
                                 std::move(config)});
    data.platform.agents[id] = std::move(meta);
  }
  std::string out = R"({"status":true,"data":)";
  write_json_string(out, id);
  out += '}';
  return {201, std::move(out)};
}

// GET /agent?page=&offset=&search=&archived=: {"agents":[AgentDTO],"total":N}, the newest
// (last created; the seeded agents are the oldest) first.
// offset is the page size (default 10), as the document says; archived=true lists only the
// archived agents, otherwise only the others.
inline http_answer list_agents(const route_request& req, dataset& data) {
  const auto page = positive_query(req, "page", 1);
  const auto size = positive_query(req, "offset", 10);
  if (!page) return error_answer(400, "page must be a positive integer");
  if (!size) return error_answer(400, "offset must be a positive integer");
  const std::string search(req.query_param("search").value_or(""));
  const bool archived = req.query_param("archived").value_or("false") == "true";
  std::vector<boost::json::object> rows;
  {
    std::lock_guard lock(data.platform.mutex);
    auto all = data.agents.all();
    std::reverse(all.begin(), all.end());
    for (const auto& a : all) {
      const auto it = data.platform.agents.find(a.id);
      const agent_meta* meta = it == data.platform.agents.end() ? nullptr : &it->second;
      if ((meta != nullptr && meta->archived) != archived) continue;
      if (!search.empty() && !contains_folded(a.name, search)) continue;
      rows.push_back(agent_dto(a, meta));
    }
  }
  boost::json::array agents;
  const auto first = static_cast<std::size_t>((*page - 1) * *size);
  for (std::size_t i = first; i < rows.size() && i < first + static_cast<std::size_t>(*size); ++i)
    agents.push_back(std::move(rows[i]));
  return data_answer(
      to_json_text(boost::json::object{{"agents", std::move(agents)}, {"total", rows.size()}}));
}

// DELETE /agent/{id}/archive[?on=false]: archives (or restores) the agent. 409 when it is
// already so, or while a campaign in an active state (draft, scheduled, processing, running,
// paused) uses it, with the document's messages; 404 for an unknown agent (the only agent
// route that says 404, as the document has it).
inline http_answer archive_agent(const route_request& req, dataset& data) {
  const std::string& id = req.param("id");
  const bool on = req.query_param("on").value_or("true") != "false";
  std::lock_guard lock(data.platform.mutex);
  const auto agent = data.agents.get(id);
  if (!agent) return error_answer(404, "Agent not found");
  agent_meta& meta = data.platform.agents[id];
  if (meta.archived == on)
    return error_answer(409, on ? "Agent is already archived" : "Agent is already active");
  if (on)
    for (const auto& c : data.platform.campaigns)
      if (c.agent_id == id && campaign_holds_agent(c.status)) {
        std::string message = "Agent is associated with the " + c.status + " campaign \"" + c.name +
                              "\". Complete or remove the campaign before archiving.";
        return error_answer(409, message);
      }
  meta.archived = on;
  meta.updated_at = now_iso8601();
  return data_answer(
      to_json_text(boost::json::object{{"message", on ? "Agent archived" : "Agent unarchived"}}));
}

// ---------------------------------------------------------------------------------------
// Phone numbers

// GET /product/phone-numbers: the organisation's numbers, `data` a bare array.
inline http_answer list_phone_numbers(const route_request&, dataset& data) {
  std::lock_guard lock(data.platform.mutex);
  return data_answer(to_json_text(data.platform.phone_numbers));
}

// ---------------------------------------------------------------------------------------
// Audiences

inline constexpr std::string_view duplicate_numbers_message =
    "Some phone numbers in your CSV already exist in this audience. Please remove duplicate entries and try "
    "again.";

inline boost::json::object audience_json(const audience_record& a) {
  boost::json::object o{{"_id", a.id},
                        {"name", a.name},
                        {"description", a.description},
                        {"phoneNumberColumnName", a.phone_column},
                        {"organization", emulated_organization_id},
                        {"createdBy", emulated_user_id},
                        {"createdAt", a.created_at},
                        {"updatedAt", a.updated_at}};
  if (!a.identifier_column.empty()) o["identifierColumnName"] = a.identifier_column;
  return o;
}

// A GET /audience item: the audience with memberCount and the campaigns that use it.
inline boost::json::object audience_list_item(const platform_store& p, const audience_record& a) {
  boost::json::object o = audience_json(a);
  boost::json::array campaigns;
  for (const auto& c : p.campaigns)
    if (c.audience_id == a.id)
      campaigns.push_back(boost::json::object{
          {"_id", c.id}, {"name", c.name}, {"status", c.status}, {"createdAt", c.created_at}});
  o["memberCount"] = a.members.size();
  o["hasCampaigns"] = !campaigns.empty();
  o["campaigns"] = std::move(campaigns);
  return o;
}

// POST /audience, multipart/form-data: name, phoneNumberColumnName, description?,
// identifierColumnName?, file (CSV with a header row). 200 with the audience. Each CSV row
// becomes a member {"_id", "data": {header: value}} with its empty fields left out. 400 for
// a body that is not a valid form, no file ("CSV file is required", the document's words),
// a missing name or phoneNumberColumnName, CSV that is not RFC 4180, a header without the
// phone column, a row that is not E.164 in it (named by its data row, 1-based), and
// numbers that repeat (the document's message).
inline http_answer create_audience(const route_request& req, dataset& data) {
  const auto boundary = multipart_boundary(req.content_type);
  if (!boundary) return error_answer(400, "CSV file is required");
  const multipart_form form = parse_multipart(req.body, *boundary);
  if (!form.error.empty()) return error_answer(400, "Malformed multipart body: " + form.error);
  const multipart_part* file = form.find("file");
  if (file == nullptr || !file->filename) return error_answer(400, "CSV file is required");
  const auto text_field = [&](std::string_view name) -> std::string {
    const multipart_part* p = form.find(name);
    return p && !p->filename ? p->body : std::string();
  };
  const std::string name = text_field("name");
  const std::string column = text_field("phoneNumberColumnName");
  if (name.empty()) return error_answer(400, "name is required");
  if (column.empty()) return error_answer(400, "phoneNumberColumnName is required");
  const std::string identifier = text_field("identifierColumnName");

  const csv_table csv = read_csv(file->body);
  if (!csv.error.empty()) return error_answer(400, "Invalid CSV: " + csv.error);
  if (csv.rows.empty()) return error_answer(400, "The CSV file is empty");
  const auto& header = csv.rows.front();
  const auto phone_at = std::find(header.begin(), header.end(), column);
  if (phone_at == header.end())
    return error_answer(400, "Column \"" + column + "\" (phoneNumberColumnName) not found in the CSV header");
  const auto phone_index = static_cast<std::size_t>(phone_at - header.begin());
  if (!identifier.empty() && std::find(header.begin(), header.end(), identifier) == header.end())
    return error_answer(400,
                        "Column \"" + identifier + "\" (identifierColumnName) not found in the CSV header");

  audience_record a;
  std::set<std::string> seen;
  for (std::size_t r = 1; r < csv.rows.size(); ++r) {
    const auto& row = csv.rows[r];
    if (row.size() != header.size())
      return error_answer(400, "Row " + std::to_string(r) + " has " + std::to_string(row.size()) +
                                   " fields; the header has " + std::to_string(header.size()));
    const std::string& phone = row[phone_index];
    if (!e164(phone))
      return error_answer(400, "Row " + std::to_string(r) + ": invalid phone number \"" + phone +
                                   "\" (E.164: + and 8 to 15 digits)");
    if (!seen.insert(phone).second) return error_answer(400, duplicate_numbers_message);
    boost::json::object fields;
    for (std::size_t k = 0; k < header.size(); ++k)
      if (!row[k].empty()) fields[header[k]] = row[k];
    a.members.push_back(boost::json::object{{"_id", object_id()}, {"data", std::move(fields)}});
  }
  a.id = object_id();
  a.name = name;
  a.description = text_field("description");
  a.phone_column = column;
  a.identifier_column = identifier;
  a.created_at = a.updated_at = now_iso8601();
  boost::json::object out = audience_json(a);
  std::lock_guard lock(data.platform.mutex);
  data.platform.audiences.push_back(std::move(a));
  return data_answer(to_json_text(out));
}

// GET /audience: `data` is a bare array, each item with memberCount, hasCampaigns, campaigns.
inline http_answer list_audiences(const route_request&, dataset& data) {
  std::lock_guard lock(data.platform.mutex);
  boost::json::array out;
  for (const auto& a : data.platform.audiences) out.push_back(audience_list_item(data.platform, a));
  return data_answer(to_json_text(out));
}

// GET /audience/{id}: 404 "Audience not found" for an unknown id.
inline http_answer get_audience(const route_request& req, dataset& data) {
  std::lock_guard lock(data.platform.mutex);
  const audience_record* a = data.platform.audience(req.param("id"));
  if (a == nullptr) return error_answer(404, "Audience not found");
  return data_answer(to_json_text(audience_json(*a)));
}

// DELETE /audience/{id}: data []; 400 (the document's message) while any campaign uses it.
inline http_answer delete_audience(const route_request& req, dataset& data) {
  const std::string& id = req.param("id");
  std::lock_guard lock(data.platform.mutex);
  auto& list = data.platform.audiences;
  const auto it = std::find_if(list.begin(), list.end(), [&](const auto& a) { return a.id == id; });
  if (it == list.end()) return error_answer(404, "Audience not found");
  for (const auto& c : data.platform.campaigns)
    if (c.audience_id == id)
      return error_answer(400, "can't delete audience, campaign with this audience " + id + " exists");
  list.erase(it);
  return data_answer("[]");
}

// GET /audience/{id}/members?page=&offset=: offset is the page size (default 5).
// {members, totalCount, totalPages, hasMore}.
inline http_answer list_audience_members(const route_request& req, dataset& data) {
  const auto page = positive_query(req, "page", 1);
  const auto size = positive_query(req, "offset", 5);
  if (!page) return error_answer(400, "page must be a positive integer");
  if (!size) return error_answer(400, "offset must be a positive integer");
  std::lock_guard lock(data.platform.mutex);
  const audience_record* a = data.platform.audience(req.param("id"));
  if (a == nullptr) return error_answer(404, "Audience not found");
  const auto total = static_cast<std::int64_t>(a->members.size());
  const std::int64_t pages = ceil_div(total, *size);
  boost::json::array members;
  for (std::int64_t i = (*page - 1) * *size; i < total && i < *page * *size; ++i)
    members.push_back(a->members[static_cast<std::size_t>(i)]);
  return data_answer(to_json_text(boost::json::object{{"members", std::move(members)},
                                                      {"totalCount", total},
                                                      {"totalPages", pages},
                                                      {"hasMore", *page < pages}}));
}

// POST /audience/{id}/members {"members":[{<phone column>: "+...", ...}]}: 200 data
// [{message, data {added, skipped}}]. 400 "Each member must have a <column> field", for a
// number that is not E.164 (named by its index), and for one already in the audience or
// given twice (the create route's duplicate message); nothing is added then.
inline http_answer add_audience_members(const route_request& req, dataset& data) {
  const auto body = req.json_object();
  const auto* list = body ? body->if_contains("members") : nullptr;
  if (list == nullptr || !list->is_array() || list->get_array().empty())
    return error_answer(400, "members must be a non-empty array");
  std::lock_guard lock(data.platform.mutex);
  audience_record* a = data.platform.audience(req.param("id"));
  if (a == nullptr) return error_answer(404, "Audience not found");
  std::set<std::string> seen;
  for (const auto& m : a->members)
    if (const auto* p = m.at("data").get_object().if_contains(a->phone_column); p && p->is_string())
      seen.insert(std::string(p->get_string()));
  std::vector<boost::json::object> added;
  std::size_t index = 0;
  for (const auto& m : list->get_array()) {
    const auto* phone = m.is_object() ? m.get_object().if_contains(a->phone_column) : nullptr;
    if (phone == nullptr || !phone->is_string() || phone->get_string().empty())
      return error_answer(400, "Each member must have a " + a->phone_column + " field");
    const std::string number(phone->get_string());
    if (!e164(number))
      return error_answer(400, "members[" + std::to_string(index) + "]: invalid phone number \"" + number +
                                   "\" (E.164: + and 8 to 15 digits)");
    if (!seen.insert(number).second) return error_answer(400, duplicate_numbers_message);
    boost::json::object fields;
    for (const auto& [k, v] : m.get_object())
      if (!v.is_null() && !(v.is_string() && v.get_string().empty())) fields[k] = v;
    added.push_back(boost::json::object{{"_id", object_id()}, {"data", std::move(fields)}});
    ++index;
  }
  const std::size_t n = added.size();
  for (auto& m : added) a->members.push_back(std::move(m));
  a->updated_at = now_iso8601();
  boost::json::array out{boost::json::object{{"message", std::to_string(n) + " members added successfully"},
                                             {"data", boost::json::object{{"added", n}, {"skipped", 0}}}}};
  return data_answer(to_json_text(out));
}

// ---------------------------------------------------------------------------------------
// Campaigns

inline constexpr std::string_view campaign_statuses[] = {"draft",  "scheduled", "processing", "running",
                                                         "paused", "completed", "failed"};

inline void add_campaign_event(campaign_record& c, std::string_view action, std::string_view source = "api") {
  const std::string at = now_iso8601();
  c.events.push_back(boost::json::object{{"_id", object_id()},
                                         {"triggerSource", source},
                                         {"eventAction", action},
                                         {"createdAt", at},
                                         {"updatedAt", at}});
  c.updated_at = at;
}

// The fields both campaign shapes share.
inline boost::json::object campaign_common(const campaign_record& c) {
  boost::json::object o{{"_id", c.id},
                        {"name", c.name},
                        {"description", c.description},
                        {"organization", emulated_organization_id},
                        {"createdBy", emulated_user_id},
                        {"participantsCount", c.participants},
                        {"status", c.status},
                        {"maxRetries", c.max_retries},
                        {"retryDelay", c.retry_delay},
                        {"retryAttempts", 0},
                        {"cancelledCallsCount", c.cancelled_calls},
                        {"createdAt", c.created_at},
                        {"updatedAt", c.updated_at}};
  boost::json::array numbers;
  for (const auto& n : c.phone_number_ids) numbers.emplace_back(n);
  o["phoneNumberIds"] = std::move(numbers);
  if (!c.scheduled_at.empty()) o["scheduledAt"] = c.scheduled_at;
  if (!c.paused_at.empty()) o["pausedAt"] = c.paused_at;
  return o;
}

// As GET answers it: `agent` and `audience` nested (populated) objects.
inline boost::json::object campaign_populated(dataset& data, const campaign_record& c) {
  boost::json::object o = campaign_common(c);
  const auto agent = data.agents.get(c.agent_id);
  o["agent"] = boost::json::object{
      {"_id", c.agent_id}, {"name", agent ? agent->name : std::string()}, {"workflowType", "single_prompt"}};
  const audience_record* a = data.platform.audience(c.audience_id);
  o["audience"] = boost::json::object{{"_id", c.audience_id}, {"name", a ? a->name : std::string()}};
  return o;
}

// POST /campaign: 201 with the raw document (agentId and audienceId plain strings), status
// "draft", or "scheduled" with a scheduledAt in the future. 400, one error per rule broken:
// a missing name, agentId or audienceId; an unknown (or archived) agent, audience or phone
// number id; a scheduledAt that is not ISO 8601 or not in the future; maxRetries outside
// 0..10, retryDelay outside 1..1440 (both integers).
inline http_answer create_campaign(const route_request& req, dataset& data) {
  const auto body = req.json_object();
  if (!body) return error_answer(400, "The body must be a JSON object");
  std::vector<std::string> errors;
  const auto text = [&](std::string_view key, bool required) -> std::string {
    const auto* v = body->if_contains(key);
    if (v == nullptr || v->is_null() || (v->is_string() && v->get_string().empty())) {
      if (required) errors.push_back(std::string(key) + " is required");
      return {};
    }
    if (!v->is_string()) {
      errors.push_back(std::string(key) + " must be a string");
      return {};
    }
    return std::string(v->get_string());
  };
  const auto integer = [&](std::string_view key, std::int64_t fallback, std::int64_t lo, std::int64_t hi) {
    const auto* v = body->if_contains(key);
    if (v == nullptr || v->is_null()) return fallback;
    if (!v->is_int64() || v->get_int64() < lo || v->get_int64() > hi) {
      errors.push_back(std::string(key) + " must be an integer from " + std::to_string(lo) + " to " +
                       std::to_string(hi));
      return fallback;
    }
    return v->get_int64();
  };
  campaign_record c;
  c.name = text("name", true);
  c.description = text("description", false);
  c.agent_id = text("agentId", true);
  c.audience_id = text("audienceId", true);
  c.max_retries = integer("maxRetries", 3, 0, 10);
  c.retry_delay = integer("retryDelay", 15, 1, 1440);
  const std::string scheduled = text("scheduledAt", false);
  if (!scheduled.empty()) {
    const auto ms = parse_iso8601_ms(scheduled);
    if (!ms)
      errors.emplace_back("scheduledAt must be an ISO 8601 date-time");
    else if (*ms <= epoch_ms_now())
      errors.emplace_back("scheduledAt must be in the future");
    else
      c.scheduled_at = iso8601(*ms);
  }
  if (const auto* ids = body->if_contains("phoneNumberIds"); ids && !ids->is_null()) {
    if (!ids->is_array())
      errors.emplace_back("phoneNumberIds must be an array of strings");
    else
      for (const auto& id : ids->get_array()) {
        if (!id.is_string()) {
          errors.emplace_back("phoneNumberIds must be an array of strings");
          break;
        }
        c.phone_number_ids.emplace_back(id.get_string());
      }
  }
  std::lock_guard lock(data.platform.mutex);
  if (!c.agent_id.empty()) {
    const auto it = data.platform.agents.find(c.agent_id);
    if (!data.agents.get(c.agent_id))
      errors.push_back("Agent " + c.agent_id + " not found");
    else if (it != data.platform.agents.end() && it->second.archived)
      errors.push_back("Agent " + c.agent_id + " is archived");
  }
  const audience_record* audience = c.audience_id.empty() ? nullptr : data.platform.audience(c.audience_id);
  if (!c.audience_id.empty() && audience == nullptr)
    errors.push_back("Audience " + c.audience_id + " not found");
  for (const auto& id : c.phone_number_ids) {
    const bool known =
        std::any_of(data.platform.phone_numbers.begin(), data.platform.phone_numbers.end(),
                    [&](const auto& n) { return std::string_view(n.at("_id").get_string()) == id; });
    if (!known) errors.push_back("Phone number " + id + " not found");
  }
  if (!errors.empty()) return errors_answer(400, errors);
  c.id = object_id();
  c.status = c.scheduled_at.empty() ? "draft" : "scheduled";
  assert(audience != nullptr);  // audienceId is required: without one, `errors` said so
  c.participants = static_cast<std::int64_t>(audience->members.size());
  c.created_at = now_iso8601();
  add_campaign_event(c, "created");
  c.updated_at = c.created_at;
  boost::json::object out = campaign_common(c);
  out["agentId"] = c.agent_id;
  out["audienceId"] = c.audience_id;
  out["__v"] = 0;
  data.platform.campaigns.push_back(std::move(c));
  return json_answer(201, boost::json::object{{"status", true}, {"data", std::move(out)}});
}

// GET /campaign?page=&offset=&status=&search=: newest first, offset the page size (default
// 5). {campaigns (agent and audience nested), pagination {total, page, offset, hasMore,
// totalPages}, totalCampaignCount (unfiltered)}; 400 for an unknown status.
inline http_answer list_campaigns(const route_request& req, dataset& data) {
  const auto page = positive_query(req, "page", 1);
  const auto size = positive_query(req, "offset", 5);
  if (!page) return error_answer(400, "page must be a positive integer");
  if (!size) return error_answer(400, "offset must be a positive integer");
  const auto status = req.query_param("status");
  if (status && std::find(std::begin(campaign_statuses), std::end(campaign_statuses), *status) ==
                    std::end(campaign_statuses))
    return error_answer(
        400, "status must be one of draft, scheduled, processing, running, paused, completed, failed");
  const std::string search(req.query_param("search").value_or(""));
  std::lock_guard lock(data.platform.mutex);
  std::vector<const campaign_record*> matched;
  for (auto it = data.platform.campaigns.rbegin(); it != data.platform.campaigns.rend(); ++it)
    if ((!status || it->status == *status) && (search.empty() || contains_folded(it->name, search)))
      matched.push_back(&*it);
  const auto total = static_cast<std::int64_t>(matched.size());
  const std::int64_t pages = ceil_div(total, *size);
  boost::json::array campaigns;
  for (std::int64_t i = (*page - 1) * *size; i < total && i < *page * *size; ++i)
    campaigns.push_back(campaign_populated(data, *matched[static_cast<std::size_t>(i)]));
  return data_answer(
      to_json_text(boost::json::object{{"campaigns", std::move(campaigns)},
                                       {"pagination", boost::json::object{{"total", total},
                                                                          {"page", *page},
                                                                          {"offset", *size},
                                                                          {"hasMore", *page < pages},
                                                                          {"totalPages", pages}}},
                                       {"totalCampaignCount", data.platform.campaigns.size()}}));
}

// Every campaign path answers 404 "Campaign not found" for an unknown id: the document
// lists 404 for delete and start, and GET /campaign/{id} is taken to behave the same.
inline http_answer campaign_not_found() { return error_answer(404, "Campaign not found"); }

// GET /campaign/{id}: {campaign, events, metrics {total_participants, contacts_called,
// contacts_connected}}. Every dialed member counts as called and connected: the emulator's
// campaign calls all complete.
inline http_answer get_campaign(const route_request& req, dataset& data) {
  std::lock_guard lock(data.platform.mutex);
  const campaign_record* c = data.platform.campaign(req.param("id"));
  if (c == nullptr) return campaign_not_found();
  const audience_record* a = data.platform.audience(c->audience_id);
  const auto participants = a ? static_cast<std::int64_t>(a->members.size()) : c->participants;
  return data_answer(to_json_text(
      boost::json::object{{"campaign", campaign_populated(data, *c)},
                          {"events", c->events},
                          {"metrics", boost::json::object{{"total_participants", participants},
                                                          {"contacts_called", c->dials.size()},
                                                          {"contacts_connected", c->dials.size()}}}}));
}

// DELETE /campaign/{id}: {"status":true} with no `data`, as the document says. Its calls stay.
inline http_answer delete_campaign(const route_request& req, dataset& data) {
  const std::string& id = req.param("id");
  std::lock_guard lock(data.platform.mutex);
  auto& list = data.platform.campaigns;
  const auto it = std::find_if(list.begin(), list.end(), [&](const auto& c) { return c.id == id; });
  if (it == list.end()) return campaign_not_found();
  list.erase(it);
  return {200, R"({"status":true})"};
}

// POST /campaign/{id}/start: 202 {message, taskId, campaignId}. A draft or scheduled campaign
// goes "processing" now and "running" after start_delay; a paused one resumes ("running" at
// once, dialing the members it had not called). 400 for one already processing, running or
// completed (or failed), saying which.
inline http_answer start_campaign(const route_request& req, dataset& data) {
  std::lock_guard lock(data.platform.mutex);
  campaign_record* c = data.platform.campaign(req.param("id"));
  if (c == nullptr) return campaign_not_found();
  const auto now = std::chrono::steady_clock::now();
  if (c->status == "processing" || c->status == "running")
    return error_answer(400, "Campaign is already " + c->status);
  if (c->status == "completed") return error_answer(400, "Campaign is already completed");
  if (c->status == "failed") return error_answer(400, "Campaign has failed and cannot be started");
  if (c->status == "paused") {
    c->status = "running";
    c->paused_at.clear();
    c->cancelled_calls = 0;
    c->next_dial_at = now + data.platform.call_interval;
    add_campaign_event(*c, "resumed");
  } else {
    c->status = "processing";
    c->running_at = now + data.platform.start_delay;
    add_campaign_event(*c, "started");
  }
  return json_answer(
      202, boost::json::object{{"status", true},
                               {"data", boost::json::object{{"message", "Campaign is being processed"},
                                                            {"taskId", object_id()},
                                                            {"campaignId", c->id}}}});
}

// POST /campaign/{id}/pause: {"status":true} with no `data`; the campaign stops dialing
// (members not called yet are counted in cancelledCallsCount) until started again. 400 for
// a campaign that is neither processing nor running.
inline http_answer pause_campaign(const route_request& req, dataset& data) {
  std::lock_guard lock(data.platform.mutex);
  campaign_record* c = data.platform.campaign(req.param("id"));
  if (c == nullptr) return campaign_not_found();
  if (c->status != "processing" && c->status != "running")
    return error_answer(400,
                        "Campaign is " + c->status + "; only a processing or running campaign can be paused");
  const audience_record* a = data.platform.audience(c->audience_id);
  const std::size_t members = a ? a->members.size() : 0;
  c->status = "paused";
  c->paused_at = now_iso8601();
  c->cancelled_calls = static_cast<std::int64_t>(members > c->next_member ? members - c->next_member : 0);
  add_campaign_event(*c, "paused");
  return {200, R"({"status":true})"};
}

// ---------------------------------------------------------------------------------------
// Dialing

// The member's first name, if the audience knows it: a "firstName" column, else the first
// word of the identifier column.
inline std::string member_first_name(const audience_record& a, const boost::json::object& member) {
  const auto& fields = member.at("data").get_object();
  if (const auto* f = fields.if_contains("firstName"); f && f->is_string())
    return std::string(f->get_string());
  if (!a.identifier_column.empty())
    if (const auto* f = fields.if_contains(a.identifier_column); f && f->is_string()) {
      const std::string_view s = f->get_string();
      return std::string(s.substr(0, s.find(' ')));
    }
  return {};
}

// The number a campaign calls from: its phone numbers in turn, else the organisation's first.
inline std::string caller_number(const platform_store& p, const campaign_record& c, std::size_t turn) {
  std::string_view id =
      c.phone_number_ids.empty() ? std::string_view{} : c.phone_number_ids[turn % c.phone_number_ids.size()];
  for (const auto& n : p.phone_numbers)
    if (id.empty() || std::string_view(n.at("_id").get_string()) == id)
      return std::string(n.at("attributes").at("phoneNumber").get_string());
  return "+15551234567";
}

// A completed outbound call of the campaign, shaped as the seeded completed calls are, without
// postCallAnalytics (added when analysed). `ended_ms` is when the call ended (the dial time).
inline boost::json::object campaign_call(const platform_store& p, const campaign_record& c,
                                         const agent_record& agent, const audience_record& a,
                                         std::size_t member, std::int64_t ended_ms) {
  const boost::json::object& m = a.members[member];
  const std::string to(m.at("data").get_object().at(a.phone_column).get_string());
  const std::string from = caller_number(p, c, c.dials.size());
  const std::string first = member_first_name(a, m);
  rng r(fnv1a(c.id + to) ^ static_cast<std::uint64_t>(ended_ms));
  const bool interested = r.chance(0.6);
  const std::int64_t duration_s = r.between(25, 95);
  const std::int64_t answered_ms = ended_ms - duration_s * 1000;
  const std::int64_t created_ms = answered_ms - r.between(4000, 12000);
  const std::string call_id = call_id_for(created_ms, r.hex(6));
  const std::string who = first.empty() ? std::string("there") : first;
  const std::vector<std::pair<std::string_view, std::string>> lines = {
      {"agent", "Hi " + who + ", this is " + agent.name + ". Do you have a minute?"},
      {"user", "Sure, go ahead."},
      {"agent", "We have a new plan that could lower your monthly bill. Would you be interested?"},
      {"user", interested ? "Yes, I am interested. Tell me more." : "No, thank you, I'm not interested."},
      {"agent", interested ? "Great, " + who + ". I'll send you the details today. Have a good day!"
                           : "No problem, " + who + ". Thank you for your time. Goodbye!"}};
  boost::json::array transcript;
  std::int64_t t = answered_ms + 500;
  const std::int64_t step = (ended_ms - answered_ms - 1000) / static_cast<std::int64_t>(lines.size());
  std::int64_t characters = 0;
  for (const auto& [role, text] : lines) {
    transcript.push_back(boost::json::object{{"role", role}, {"content", text}, {"timestamp", iso8601(t)}});
    if (role == "agent") characters += static_cast<std::int64_t>(text.size());
    t += step;
  }
  const std::string recording = "https://storage.example.com/recordings/" + call_id;
  const std::int64_t minutes = (duration_s + 59) / 60;
  const double llm = round_to(static_cast<double>(minutes) * 0.35, 2);
  const double tts = round_to(static_cast<double>(characters) / 1000.0 * 0.12, 2);
  const double stt = round_to(static_cast<double>(minutes) * 0.1, 2);
  const double telephony = round_to(static_cast<double>(minutes) * 0.6, 2);
  const double total = round_to(llm + tts + stt + telephony, 2);
  std::string version;
  if (!agent.branches.empty() && !agent.branches.front().revisions.empty())
    version = std::string(agent.branches.front().revisions.back().at("_id").get_string());
  boost::json::object o;
  o["_id"] = object_id();
  o["callId"] = call_id;
  o["agent"] =
      boost::json::object{{"_id", agent.id}, {"name", agent.name}, {"description", agent.description}};
  o["status"] = "completed";
  o["duration"] = duration_s;
  o["recordingUrl"] = recording + ".mp3";
  o["recordingDualUrl"] = recording + "-dual.mp3";
  o["from"] = from;
  o["to"] = to;
  o["type"] = "telephony_outbound";
  o["transcript"] = std::move(transcript);
  o["variables"] = boost::json::object{{"customer_name", first}, {"isTest", false}};
  o["events"] = boost::json::array{
      boost::json::object{{"type", "call_initiated"}, {"timestamp", created_ms}},
      boost::json::object{{"type", "call_answered"}, {"timestamp", answered_ms}},
      boost::json::object{{"type", "call_ended"},
                          {"timestamp", ended_ms},
                          {"data", boost::json::object{{"reason", "agent_hangup"}, {"sipCode", 200}}}}};
  o["callCost"] = total;
  o["callFailureReason"] = nullptr;
  o["retryCallId"] = nullptr;
  o["voiceConfigUsed"] =
      boost::json::object{{"model", "lightning-v2"}, {"voiceId", "emily"}, {"gender", "female"}};
  o["slmModelUsed"] = "electron-v2";
  o["disconnectionReason"] = "agent_hangup";
  o["createdAt"] = iso8601(created_ms);
  o["updatedAt"] = iso8601(ended_ms);
  o["disconnectDetails"] = boost::json::object{{"reason", "agent_hangup"},
                                               {"initiatedBy", "agent"},
                                               {"sipCode", 200},
                                               {"timestamp", iso8601(ended_ms)}};
  o["usage"] = boost::json::object{{"llmInputTokens", r.between(2000, 6000)},
                                   {"llmOutputTokens", characters / 4},
                                   {"ttsCharacters", characters},
                                   {"sttSeconds", duration_s / 2},
                                   {"telephonyMinutes", minutes}};
  o["costBreakdown"] =
      boost::json::object{{"llm", llm},     {"tts", tts},           {"stt", stt}, {"telephony", telephony},
                          {"total", total}, {"currency", "credits"}};
  o["campaignId"] = c.id;
  o["versionId"] = version.empty() ? boost::json::value(nullptr) : boost::json::value(version);
  o["retryAttemptNumber"] = 0;
  o["retryCount"] = 0;
  o["isTest"] = false;
  return o;
}

// The type of a configured metric, from either spelling.
inline std::string metric_type(const boost::json::object& m) {
  if (const auto* t = m.if_contains("dispositionMetricType"); t && t->is_string())
    return std::string(t->get_string());
  if (const auto* v = m.if_contains("dispositionValues"); v && v->is_object())
    if (const auto* t = v->get_object().if_contains("type"); t && t->is_string())
      return std::string(t->get_string());
  return "STRING";
}

// postCallAnalytics for a campaign call from the agent's configuration now: a summary, and one
// disposition metric per configured metric with a value of its type (an ENUM's one of its
// choices), a confidence in 0..1 and a reasoning, in the seeded calls' shape.
inline boost::json::object campaign_analytics(const boost::json::object& call,
                                              const boost::json::object& config, std::int64_t analysed_ms) {
  const std::string call_id(call.at("callId").get_string());
  rng r(fnv1a(call_id));
  const std::string first(call.at("variables").at("customer_name").get_string());
  const auto& transcript = call.at("transcript").get_array();
  const bool interested = std::string_view(transcript.at(3).at("content").get_string()).starts_with("Yes");
  boost::json::array metrics;
  if (const auto* list = config.if_contains("dispositionMetrics"); list && list->is_array())
    for (const auto& entry : list->get_array()) {
      if (!entry.is_object()) continue;
      const auto& m = entry.get_object();
      const std::string type = metric_type(m);
      const auto* id_value = m.if_contains("identifier");
      const std::string identifier(
          id_value && id_value->is_string() ? std::string_view(id_value->get_string()) : std::string_view{});
      boost::json::value value;
      std::string reasoning;
      if (type == "ENUM") {
        std::vector<std::string> choices;
        if (const auto* c = m.if_contains("choices"); c && c->is_array())
          for (const auto& x : c->get_array())
            if (x.is_string()) choices.emplace_back(x.get_string());
        std::string pick = choices.empty() ? std::string() : choices[r.next() % choices.size()];
        for (const auto& want : {interested ? "yes" : "no", interested ? "interested" : "not_interested"})
          if (std::find(choices.begin(), choices.end(), want) != choices.end()) pick = want;
        value = pick;
        reasoning = "Chosen from the configured choices by the customer's answer to the offer.";
      } else if (type == "BOOLEAN") {
        value = interested;
        reasoning =
            interested ? "The customer said they were interested." : "The customer declined the offer.";
      } else if (type == "INTEGER") {
        value = r.between(1, 5);
        reasoning = "Rated from the tone of the conversation.";
      } else if (type == "DATETIME") {
        value = iso8601(analysed_ms + 86400000);
        reasoning = "The agent promised to follow up the next day.";
      } else if (identifier.find("name") != std::string::npos) {
        value = first.empty() ? std::string("unknown") : first;
        reasoning =
            first.empty() ? "The customer did not give a name." : "The agent greeted the customer by name.";
      } else {
        value = interested ? "Interested in the new plan." : "Not interested in the new plan.";
        reasoning = "Taken from the customer's answer to the offer.";
      }
      boost::json::object metric{{"identifier", identifier},
                                 {"value", std::move(value)},
                                 {"confidence", round_to(0.6 + r.unit() * 0.4, 2)},
                                 {"reasoning", reasoning},
                                 {"dispositionMetricType", type}};
      if (const auto* p = m.if_contains("dispositionMetricPrompt")) metric["dispositionMetricPrompt"] = *p;
      if (const auto* c = m.if_contains("choices")) metric["choices"] = *c;
      metrics.push_back(std::move(metric));
    }
  const std::string who = first.empty() ? std::string("the customer") : first;
  std::string summary = "The agent called " + who + " about a new plan; " + who +
                        (interested ? " was interested and asked for details." : " was not interested.");
  return boost::json::object{{"summary", std::move(summary)}, {"dispositionMetrics", std::move(metrics)}};
}

// Moves every campaign to `now`: see the header comment. Takes the platform's lock, then
// the agent and call stores'.
inline void advance_campaigns(dataset& data,
                              std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
  std::lock_guard lock(data.platform.mutex);
  platform_store& p = data.platform;
  const std::int64_t wall_now = epoch_ms_now();
  const auto wall = [&](std::chrono::steady_clock::time_point t) {
    return wall_now - std::chrono::duration_cast<std::chrono::milliseconds>(now - t).count();
  };
  for (auto& c : p.campaigns) {
    if (c.status == "processing" && now >= c.running_at) {
      c.status = "running";
      c.next_dial_at = c.running_at + p.call_interval;
      add_campaign_event(c, "running", "system");
    }
    const audience_record* a = p.audience(c.audience_id);
    if (c.status == "running" && a != nullptr) {
      const auto agent = data.agents.get(c.agent_id);
      while (agent && c.next_member < a->members.size() && c.next_dial_at <= now) {
        dial_record d;
        d.member = c.next_member;
        d.record = campaign_call(p, c, *agent, *a, c.next_member, wall(c.next_dial_at));
        d.call_id = std::string(d.record.at("callId").get_string());
        d.analytics_at = c.next_dial_at + p.analytics_delay;
        data.calls.put(d.record);
        emit_call_ended(data.webhooks, d.record);
        c.dials.push_back(std::move(d));
        ++c.next_member;
        c.next_dial_at += p.call_interval;
      }
    }
    bool all_analysed = true;
    for (auto& d : c.dials) {
      if (!d.analysed && d.analytics_at <= now) {
        const auto agent = data.agents.get(c.agent_id);
        const std::int64_t at = wall(d.analytics_at);
        d.record["postCallAnalytics"] =
            campaign_analytics(d.record, agent ? agent->post_call_config : boost::json::object{}, at);
        d.record["updatedAt"] = iso8601(at);
        d.analysed = true;
        data.calls.put(d.record);
        emit_call_analysed(data.webhooks, d.record);
      }
      all_analysed = all_analysed && d.analysed;
    }
    if (c.status == "running" && all_analysed && (a == nullptr || c.next_member >= a->members.size())) {
      c.status = "completed";
      add_campaign_event(c, "completed", "system");
    }
  }
}

// Adds a completed outbound call of `spec.agent_id` ended now, shaped as a campaign's (no
// campaignId), and sends its events: pre-conversation and post-conversation, then, with
// analytics, analytics-completed. Returns its callId; std::invalid_argument for an unknown
// agent.
inline std::string complete_call(dataset& data, const completed_call& spec) {
  static std::atomic<std::uint64_t> injected{0};
  const auto agent = data.agents.get(spec.agent_id);
  if (!agent)
    throw std::invalid_argument("smallest::atoms::testing::emulator::complete_call: unknown agent \"" +
                                spec.agent_id + "\"");
  boost::json::object record;
  {
    std::lock_guard lock(data.platform.mutex);
    audience_record a;
    a.id = "injected";
    a.phone_column = "phoneNumber";
    boost::json::object fields{{"phoneNumber", spec.to}};
    if (!spec.customer_name.empty()) fields["firstName"] = spec.customer_name;
    a.members.push_back(boost::json::object{{"_id", object_id()}, {"data", std::move(fields)}});
    campaign_record c;
    c.id = "injected-" + std::to_string(injected.fetch_add(1));  // seeds the call's draws
    record = campaign_call(data.platform, c, *agent, a, 0, epoch_ms_now());
  }
  record["campaignId"] = nullptr;
  std::string call_id(record.at("callId").get_string());
  data.calls.put(record);
  emit_call_ended(data.webhooks, record);
  if (spec.with_analytics) {
    const std::int64_t at = epoch_ms_now();
    record["postCallAnalytics"] = campaign_analytics(record, agent->post_call_config, at);
    record["updatedAt"] = iso8601(at);
    data.calls.put(record);
    emit_call_analysed(data.webhooks, record);
  }
  return call_id;
}

inline void add_platform_routes(router& r) {
  r.add("POST", "/agent", create_agent);
  r.add("GET", "/agent", list_agents);
  r.add("DELETE", "/agent/{id}/archive", archive_agent);
  r.add("GET", "/product/phone-numbers", list_phone_numbers);
  r.add("POST", "/audience", create_audience);
  r.add("GET", "/audience", list_audiences);
  r.add("GET", "/audience/{id}", get_audience);
  r.add("DELETE", "/audience/{id}", delete_audience);
  r.add("GET", "/audience/{id}/members", list_audience_members);
  r.add("POST", "/audience/{id}/members", add_audience_members);
  r.add("POST", "/campaign", create_campaign);
  r.add("GET", "/campaign", list_campaigns);
  r.add("GET", "/campaign/{id}", get_campaign);
  r.add("DELETE", "/campaign/{id}", delete_campaign);
  r.add("POST", "/campaign/{id}/start", start_campaign);
  r.add("POST", "/campaign/{id}/pause", pause_campaign);
}

}  // namespace smallest::atoms::testing::detail

#endif
