// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_WEBHOOKS_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_WEBHOOKS_HPP

// The webhook endpoints: /webhook, /webhook/{id} and /agent/{agentId}/webhook-subscriptions,
// with the document's statuses and messages. The deliveries are webhook_store.hpp's.

#include <smallest/atoms/testing/detail/agent_branches.hpp>
#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/json_text.hpp>
#include <smallest/atoms/testing/detail/record_fields.hpp>
#include <smallest/atoms/testing/detail/router.hpp>
#include <smallest/atoms/testing/detail/webhook_store.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smallest::atoms::testing::detail {

inline constexpr std::string_view webhook_in_use_message =
    "Cannot delete webhook: It is currently assigned to one or more agents. Please remove all agent "
    "assignments first.";
inline constexpr std::string_view webhook_duplicate_message =
    "A webhook with this URL has already been registered";
inline constexpr std::string_view webhook_invalid_id_message = "The provided Webhook ID is invalid.";

inline http_answer webhook_json_answer(unsigned status, boost::json::value data) {
  return {status, to_json_text(boost::json::object{{"status", true}, {"data", std::move(data)}})};
}

// "http(s)://host..." with a host: what the service's URL validation accepts, roughly.
inline bool valid_webhook_url(std::string_view url) {
  std::string_view rest;
  if (url.substr(0, 7) == "http://")
    rest = url.substr(7);
  else if (url.substr(0, 8) == "https://")
    rest = url.substr(8);
  else
    return false;
  const std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.empty() || host.front() == ':') return false;
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  return true;
}

inline bool header_token(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

// JavaScript's length of a UTF-8 string: UTF-16 units.
inline std::size_t js_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
  return n;
}

// The custom headers of PATCH /webhook/{id}, or the 400 that refuses them.
inline std::optional<http_answer> read_webhook_headers(
    const boost::json::value& v, std::vector<std::pair<std::string, std::string>>& out) {
  static constexpr std::array<std::string_view, 6> reserved = {
      "x-signature", "host", "content-length", "content-type", "connection", "transfer-encoding"};
  if (!v.is_object()) return error_answer(400, "headers must be an object");
  const auto& o = v.get_object();
  if (o.size() > 10) return error_answer(400, "headers: a webhook can have at most 10 custom headers");
  for (const auto& kv : o) {
    const std::string_view name = kv.key();
    if (!header_token(name))
      return error_answer(400, "headers: \"" + std::string(name) + "\" is not a valid header name");
    for (auto r : reserved)
      if (lower_ascii(name) == r)
        return error_answer(400, "headers: \"" + std::string(name) + "\" is reserved");
    if (!kv.value().is_string())
      return error_answer(400, "headers: the value of \"" + std::string(name) + "\" must be a string");
    const std::string_view value = kv.value().get_string();
    if (js_length(value) > 1024)
      return error_answer(400, "headers: the value of \"" + std::string(name) + "\" exceeds 1024 characters");
    out.emplace_back(std::string(name), std::string(value));
  }
  return std::nullopt;
}

inline boost::json::object webhook_subscription_json(const subscription_record& s) {
  return {{"_id", s.id},
          {"webhookId", s.webhook_id},
          {"agentId", s.agent_id},
          {"eventType", s.event_type},
          {"createdAt", s.created_at},
          {"updatedAt", s.updated_at}};
}

// The document's Webhook: subscriptions populated (agentId a WebhookAgent, or null for an
// agent that is gone), the secret decrypted.
inline boost::json::object webhook_json(dataset& data, const webhook_record& w) {
  boost::json::array subs;
  for (const auto& s : data.webhooks.subscriptions) {
    if (s.webhook_id != w.id) continue;
    boost::json::object o = webhook_subscription_json(s);
    if (auto a = data.agents.get(s.agent_id))
      o["agentId"] = boost::json::object{{"_id", a->id}, {"name", a->name}, {"description", a->description}};
    else
      o["agentId"] = nullptr;
    subs.push_back(std::move(o));
  }
  return {{"_id", w.id},
          {"url", w.url},
          {"description", w.description},
          {"status", w.status},
          {"organizationId", emulated_organization_id},
          {"createdBy", emulated_user_id},
          {"subscriptions", std::move(subs)},
          {"decryptedSecretKey", w.secret},
          {"createdAt", w.created_at},
          {"updatedAt", w.updated_at}};
}

inline http_answer webhook_not_found() { return error_answer(404, "Webhook not found"); }
inline http_answer agent_not_found_for_webhooks() { return error_answer(404, "Agent not found"); }

// Adds a subscription unless the same one exists. Under the store's lock.
inline void add_subscription(webhook_store& store, const std::string& webhook_id, const std::string& agent_id,
                             std::string_view type, const std::string& now) {
  for (const auto& s : store.subscriptions)
    if (s.webhook_id == webhook_id && s.agent_id == agent_id && s.event_type == type) return;
  store.subscriptions.push_back({fresh_object_id(), webhook_id, agent_id, std::string(type), now, now});
}

// GET /webhook[?webhookId=]: every webhook of the organisation, or one (400 for an id that
// is not an ObjectId, 404 for an unknown one).
inline http_answer get_webhooks_route(const route_request& req, dataset& data) {
  std::lock_guard lock(data.webhooks.mutex);
  if (const auto id = req.query_param("webhookId")) {
    if (!is_object_id(*id)) return error_answer(400, webhook_invalid_id_message);
    const webhook_record* w = data.webhooks.find(*id);
    if (w == nullptr) return webhook_not_found();
    return webhook_json_answer(200, webhook_json(data, *w));
  }
  boost::json::array all;
  for (const auto& w : data.webhooks.webhooks) all.push_back(webhook_json(data, w));
  return webhook_json_answer(200, all);
}

// POST /webhook: {endpoint, description, events: [{agentId, eventType}]} → 201 the id.
inline http_answer create_webhook_route(const route_request& req, dataset& data) {
  const auto body = req.json_object();
  if (!body) return error_answer(400, "Request body must be a JSON object");
  const auto* endpoint = body->if_contains("endpoint");
  if (endpoint == nullptr || !endpoint->is_string() || endpoint->get_string().empty())
    return error_answer(400, "endpoint is required");
  if (!valid_webhook_url(endpoint->get_string())) return error_answer(400, "endpoint must be a valid URL");
  const auto* description = body->if_contains("description");
  if (description == nullptr || !description->is_string())
    return error_answer(400, "description is required");
  const auto* events = body->if_contains("events");
  if (events == nullptr || !events->is_array()) return error_answer(400, "events must be an array");
  std::vector<std::pair<std::string, std::string>> wanted;  // agentId, eventType
  for (std::size_t i = 0; i < events->get_array().size(); ++i) {
    const auto& e = events->get_array()[i];
    const std::string at = "events[" + std::to_string(i) + "]";
    if (!e.is_object()) return error_answer(400, at + " must be an object");
    const auto* agent = e.get_object().if_contains("agentId");
    const auto* type = e.get_object().if_contains("eventType");
    if (agent == nullptr || !agent->is_string() || agent->get_string().empty())
      return error_answer(400, at + ".agentId is required");
    if (type == nullptr || !type->is_string() || !known_webhook_event_type(type->get_string()))
      return error_answer(
          400, at + ".eventType must be one of pre-conversation, post-conversation, analytics-completed");
    if (!data.agents.get(std::string(agent->get_string()))) return agent_not_found_for_webhooks();
    wanted.emplace_back(std::string(agent->get_string()), std::string(type->get_string()));
  }
  std::lock_guard lock(data.webhooks.mutex);
  for (const auto& w : data.webhooks.webhooks)
    if (w.url == endpoint->get_string()) return error_answer(400, webhook_duplicate_message);
  const std::string now = iso8601(epoch_ms_now());
  webhook_record w{.id = fresh_object_id(),
                   .url = std::string(endpoint->get_string()),
                   .description = std::string(description->get_string()),
                   .secret = webhook_store::new_secret(),
                   .status = "enabled",
                   .created_at = now,
                   .updated_at = now,
                   .headers = {}};
  for (const auto& [agent, type] : wanted) add_subscription(data.webhooks, w.id, agent, type, now);
  const std::string id = w.id;
  data.webhooks.webhooks.push_back(std::move(w));
  return webhook_json_answer(201, boost::json::string(id));
}

// PATCH /webhook/{id}: {endpoint?, description?, headers?}, at least one.
inline http_answer update_webhook_route(const route_request& req, dataset& data) {
  const std::string& id = req.param("id");
  if (!is_object_id(id)) return error_answer(400, webhook_invalid_id_message);
  const auto body = req.json_object();
  if (!body) return error_answer(400, "Request body must be a JSON object");
  const auto* endpoint = body->if_contains("endpoint");
  const auto* description = body->if_contains("description");
  const auto* headers = body->if_contains("headers");
  if (endpoint == nullptr && description == nullptr && headers == nullptr)
    return error_answer(400, "At least one of endpoint, description or headers must be provided");
  if (endpoint && (!endpoint->is_string() || !valid_webhook_url(endpoint->get_string())))
    return error_answer(400, "endpoint must be a valid URL");
  if (description && !description->is_string()) return error_answer(400, "description must be a string");
  std::vector<std::pair<std::string, std::string>> new_headers;
  if (headers)
    if (auto refused = read_webhook_headers(*headers, new_headers)) return *refused;
  std::lock_guard lock(data.webhooks.mutex);
  webhook_record* w = data.webhooks.find(id);
  if (w == nullptr) return webhook_not_found();
  if (endpoint) {
    for (const auto& other : data.webhooks.webhooks)
      if (other.id != id && other.url == endpoint->get_string())
        return error_answer(400, webhook_duplicate_message);
    w->url = std::string(endpoint->get_string());
  }
  if (description) w->description = std::string(description->get_string());
  if (headers) w->headers = std::move(new_headers);
  w->updated_at = iso8601(epoch_ms_now());
  return webhook_json_answer(200, boost::json::string(id));
}

// DELETE /webhook/{id}: refused while any subscription points at it.
inline http_answer delete_webhook_route(const route_request& req, dataset& data) {
  const std::string& id = req.param("id");
  if (!is_object_id(id)) return error_answer(400, webhook_invalid_id_message);
  std::lock_guard lock(data.webhooks.mutex);
  auto& all = data.webhooks.webhooks;
  const auto it = std::find_if(all.begin(), all.end(), [&](const webhook_record& w) { return w.id == id; });
  if (it == all.end()) return webhook_not_found();
  for (const auto& s : data.webhooks.subscriptions)
    if (s.webhook_id == id) return error_answer(400, webhook_in_use_message);
  all.erase(it);
  return webhook_json_answer(200, "Webhook deleted successfully");
}

// GET /agent/{agentId}/webhook-subscriptions
inline http_answer get_subscriptions_route(const route_request& req, dataset& data) {
  const std::string& agent = req.param("id");
  if (!data.agents.get(agent)) return agent_not_found_for_webhooks();
  std::lock_guard lock(data.webhooks.mutex);
  boost::json::array out;
  for (const auto& s : data.webhooks.subscriptions)
    if (s.agent_id == agent) out.push_back(webhook_subscription_json(s));
  return webhook_json_answer(200, out);
}

// POST /agent/{agentId}/webhook-subscriptions {eventTypes, webhookId}: REPLACES the agent's
// subscriptions, whatever their webhook.
inline http_answer set_subscriptions_route(const route_request& req, dataset& data) {
  const std::string& agent = req.param("id");
  if (!data.agents.get(agent)) return agent_not_found_for_webhooks();
  const auto body = req.json_object();
  if (!body) return error_answer(400, "Request body must be a JSON object");
  const auto* types = body->if_contains("eventTypes");
  const auto* webhook_id = body->if_contains("webhookId");
  if (types == nullptr || !types->is_array() || types->get_array().empty())
    return error_answer(400, "eventTypes must be a non-empty array");
  for (const auto& t : types->get_array())
    if (!t.is_string() || !known_webhook_event_type(t.get_string()))
      return error_answer(
          400, "eventTypes must contain only pre-conversation, post-conversation, analytics-completed");
  if (webhook_id == nullptr || !webhook_id->is_string()) return error_answer(400, "webhookId is required");
  if (!is_object_id(webhook_id->get_string())) return error_answer(400, webhook_invalid_id_message);
  std::lock_guard lock(data.webhooks.mutex);
  if (data.webhooks.find(webhook_id->get_string()) == nullptr) return webhook_not_found();
  auto& subs = data.webhooks.subscriptions;
  subs.erase(std::remove_if(subs.begin(), subs.end(),
                            [&](const subscription_record& s) { return s.agent_id == agent; }),
             subs.end());
  const std::string now = iso8601(epoch_ms_now());
  for (const auto& t : types->get_array())
    add_subscription(data.webhooks, std::string(webhook_id->get_string()), agent, t.get_string(), now);
  return webhook_json_answer(201, "Subscriptions created successfully");
}

// DELETE /agent/{agentId}/webhook-subscriptions: all of the agent's.
inline http_answer delete_subscriptions_route(const route_request& req, dataset& data) {
  const std::string& agent = req.param("id");
  if (!data.agents.get(agent)) return agent_not_found_for_webhooks();
  std::lock_guard lock(data.webhooks.mutex);
  auto& subs = data.webhooks.subscriptions;
  subs.erase(std::remove_if(subs.begin(), subs.end(),
                            [&](const subscription_record& s) { return s.agent_id == agent; }),
             subs.end());
  return webhook_json_answer(200, "Subscriptions deleted successfully");
}

inline void add_webhook_routes(router& r) {
  r.add("GET", "/webhook", get_webhooks_route);
  r.add("POST", "/webhook", create_webhook_route);
  r.add("PATCH", "/webhook/{id}", update_webhook_route);
  r.add("DELETE", "/webhook/{id}", delete_webhook_route);
  r.add("GET", "/agent/{id}/webhook-subscriptions", get_subscriptions_route);
  r.add("POST", "/agent/{id}/webhook-subscriptions", set_subscriptions_route);
  r.add("DELETE", "/agent/{id}/webhook-subscriptions", delete_subscriptions_route);
}

}  // namespace smallest::atoms::testing::detail

#endif
