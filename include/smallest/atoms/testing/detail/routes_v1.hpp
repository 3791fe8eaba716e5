// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_V1_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_V1_HPP

// The endpoints the emulator serves, one handler per operation of the OpenAPI document,
// registered in one table. A new endpoint is a handler here and one line in add_v1_routes.

#include <smallest/atoms/testing/detail/conversation_query.hpp>
#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/recordings.hpp>
#include <smallest/atoms/testing/detail/router.hpp>
#include <smallest/atoms/testing/detail/synthetic_calls.hpp>

#include <boost/json/parse.hpp>

#include <set>
#include <string>
#include <vector>

namespace smallest::atoms::testing::detail {

// GET /conversation/{id}: 200 {"status":true,"data":{...}}; an unknown id answers 404
// (the document gives no body; the service sends its usual error shape).
inline http_answer get_conversation(const route_request& req, dataset& data) {
  if (auto text = data.calls.text(req.param("id"))) return data_answer(*text);
  return error_answer(404, "Conversation log not found");
}

// GET /conversation/{callId}/recording/download-url: {"presignedUrl": "..."} on the second
// origin; 400 for an id that is not a callId (a Mongo _id, say), 404 for an unknown call or
// one without a recording.
inline http_answer get_recording_url(const route_request& req, dataset& data) {
  const std::string& id = req.param("callId");
  if (id.rfind("CALL-", 0) != 0) return error_answer(400, "Invalid call ID format");
  const auto call = data.calls.find(id);
  if (!call) return error_answer(404, "Conversation log not found");
  if (string_member(*call, "recordingUrl").empty())
    return error_answer(404, "No recording found for this call");
  boost::json::object out{{"presignedUrl", presigned_url(data.recordings, id)}};
  return data_answer(to_json_text(out));
}

// GET /agent/{id}/post-call-analytics: the agent's configuration, every metric with both
// dispositionMetricType and dispositionValues.type. An unknown agent answers 400, as
// GET /agent/{id} does.
inline http_answer get_post_call_config(const route_request& req, dataset& data) {
  const auto agent = data.agents.get(req.param("id"));
  if (!agent) return error_answer(400, "No agent found");
  return data_answer(to_json_text(agent->post_call_config));
}

// The service-side validation of a configuration; each message names the metric.
inline std::vector<std::string> validate_metrics(const boost::json::array& metrics, boost::json::array& out) {
  std::vector<std::string> errors;
  std::set<std::string> identifiers;
  static const std::set<std::string, std::less<>> types = {"STRING", "BOOLEAN", "INTEGER", "ENUM",
                                                           "DATETIME"};
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    std::string name = "dispositionMetrics[" + std::to_string(i) + "]";
    if (!metrics[i].is_object()) {
      errors.push_back(name + ": must be an object");
      continue;
    }
    const auto& m = metrics[i].get_object();
    const auto* id = m.if_contains("identifier");
    const std::string identifier = id && id->is_string() ? std::string(id->get_string()) : std::string();
    if (!identifier.empty()) name += " (" + identifier + ")";
    if (identifier.empty()) {
      errors.push_back(name + ": identifier is required");
    } else if (identifier.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
      errors.push_back(name + ": identifier must match ^[a-z0-9_]+$");
    } else if (!identifiers.insert(identifier).second) {
      errors.push_back(name + ": identifier must be unique");
    }
    const auto prompt = string_member(m, "dispositionMetricPrompt");
    if (prompt.find_first_not_of(" \t\r\n") == std::string_view::npos)
      errors.push_back(name + ": dispositionMetricPrompt must not be empty");

    std::string_view flat = string_member(m, "dispositionMetricType");
    std::string_view nested;
    if (const auto* dv = member(m, "dispositionValues"); dv && dv->is_object())
      nested = string_member(dv->get_object(), "type");
    const std::string_view type = flat.empty() ? nested : flat;
    if (type.empty()) {
      errors.push_back(name + ": dispositionMetricType (or dispositionValues.type) is required");
    } else if (!types.count(type)) {
      errors.push_back(name + ": type must be one of STRING, BOOLEAN, INTEGER, ENUM, DATETIME");
    } else if (!flat.empty() && !nested.empty() && flat != nested) {
      errors.push_back(name + ": dispositionMetricType and dispositionValues.type differ");
    }

    boost::json::array choices;
    bool choices_ok = true;
    if (const auto* c = member(m, "choices")) {
      if (!c->is_array()) choices_ok = false;
      for (const auto& choice : c->is_array() ? c->get_array() : boost::json::array{})
        if (!choice.is_string() || choice.get_string().empty())
          choices_ok = false;
        else
          choices.push_back(choice);
    }
    if (!choices_ok) errors.push_back(name + ": choices must be non-empty strings");
    if (type == "ENUM" && choices.empty()) errors.push_back(name + ": ENUM needs at least one choice");
    if (type != "ENUM" && !choices.empty()) errors.push_back(name + ": choices are allowed only on ENUM");
    if (errors.empty()) out.push_back(config_metric(identifier, prompt, type, choices));
  }
  return errors;
}

// POST /agent/{id}/post-call-analytics {"summaryPrompt": "...", "dispositionMetrics": [...]}:
// validates, then replaces the fields given; answers with the stored configuration.
inline http_answer set_post_call_config(const route_request& req, dataset& data) {
  auto agent = data.agents.get(req.param("id"));
  if (!agent) return error_answer(400, "No agent found");
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(req.body, ec);
  if (ec || !body.is_object()) return error_answer(400, "The body must be a JSON object");
  const auto& in = body.get_object();
  boost::json::object config = agent->post_call_config;
  std::vector<std::string> errors;
  if (const auto* s = in.if_contains("summaryPrompt")) {
    if (s->is_string())
      config["summaryPrompt"] = *s;
    else
      errors.push_back("summaryPrompt must be a string");
  }
  if (const auto* m = in.if_contains("dispositionMetrics")) {
    boost::json::array metrics;
    if (!m->is_array())
      errors.push_back("dispositionMetrics must be an array");
    else
      for (auto& e : validate_metrics(m->get_array(), metrics)) errors.push_back(std::move(e));
    config["dispositionMetrics"] = std::move(metrics);
  }
  if (!errors.empty()) {
    boost::json::array list;
    for (const auto& e : errors) list.emplace_back(e);
    return {400, to_json_text(boost::json::object{{"status", false}, {"errors", std::move(list)}})};
  }
  if (!data.agents.set_post_call_config(agent->id, config)) return error_answer(400, "No agent found");
  return data_answer(to_json_text(config));
}

// GET /agent/{id}: an AgentDTO subset, with the configuration under
// _resolvedConfig.postCallAnalyticsConfig (flat metric types only, as the document's
// DispositionMetric has them). 400 "No agent found" for an unknown agent.
inline http_answer get_agent(const route_request& req, dataset& data) {
  const auto agent = data.agents.get(req.param("id"));
  if (!agent) return error_answer(400, "No agent found");
  boost::json::object pca = agent->post_call_config;
  if (auto* metrics = pca.if_contains("dispositionMetrics"); metrics && metrics->is_array())
    for (auto& m : metrics->get_array())
      if (m.is_object()) m.get_object().erase("dispositionValues");
  pca["useInternalAnalyticsModel"] = true;
  pca["useReasoningModel"] = false;
  boost::json::object out{
      {"_id", agent->id},
      {"name", agent->name},
      {"description", agent->description},
      {"_resolvedConfig", boost::json::object{{"postCallAnalyticsConfig", std::move(pca)}}}};
  return data_answer(to_json_text(out));
}

inline void add_v1_routes(router& r) {
  r.add("GET", "/conversation", list_conversations);
  r.add("POST", "/conversation/search", search_conversations);
  r.add("GET", "/conversation/{id}", get_conversation);
  r.add("GET", "/conversation/{callId}/recording/download-url", get_recording_url);
  r.add("GET", "/agent/{id}", get_agent);
  r.add("GET", "/agent/{id}/post-call-analytics", get_post_call_config);
  r.add("POST", "/agent/{id}/post-call-analytics", set_post_call_config);
}

}  // namespace smallest::atoms::testing::detail

#endif
