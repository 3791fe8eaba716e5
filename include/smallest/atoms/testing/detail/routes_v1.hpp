// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_V1_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_V1_HPP

// The endpoints the emulator serves, one handler per operation of the OpenAPI document,
// registered in one table. A new endpoint is a handler here (or in a header of its own for a
// family of them, as routes_branches.hpp) and one line in add_v1_routes.

#include <smallest/atoms/testing/detail/conversation_query.hpp>
#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/post_call_config.hpp>
#include <smallest/atoms/testing/detail/recordings.hpp>
#include <smallest/atoms/testing/detail/router.hpp>
#include <smallest/atoms/testing/detail/routes_branches.hpp>
#include <smallest/atoms/testing/detail/routes_platform.hpp>
#include <smallest/atoms/testing/detail/routes_webhooks.hpp>
#include <smallest/atoms/testing/detail/synthetic_calls.hpp>
#include <smallest/atoms/testing/emulator_options.hpp>

#include <boost/json/parse.hpp>

#include <mutex>
#include <optional>
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
  const auto call = data.calls.find(id, record_detail::listed);
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

// GET /agent/{id}: an AgentDTO subset (agent_dto: archived agents too), with the live
// configuration under _resolvedConfig:
// postCallAnalyticsConfig (flat metric types only, as the document's DispositionMetric has
// them; the two model flags at their defaults until a branch publishes them), and the other
// fields a branch has published (globalPrompt, firstMessage, ...). 400 "No agent found" for
// an unknown agent.
inline http_answer get_agent(const route_request& req, dataset& data) {
  std::optional<agent_record> agent;
  std::optional<agent_meta> meta;
  {
    std::lock_guard lock(data.platform.mutex);
    agent = data.agents.get(req.param("id"));
    if (const auto it = data.platform.agents.find(req.param("id")); it != data.platform.agents.end())
      meta = it->second;
  }
  if (!agent) return error_answer(400, "No agent found");
  boost::json::object pca = agent->post_call_config;
  if (auto* metrics = pca.if_contains("dispositionMetrics"); metrics && metrics->is_array())
    for (auto& m : metrics->get_array())
      if (m.is_object()) m.get_object().erase("dispositionValues");
  if (!pca.contains("useInternalAnalyticsModel")) pca["useInternalAnalyticsModel"] = true;
  if (!pca.contains("useReasoningModel")) pca["useReasoningModel"] = false;
  boost::json::object resolved = agent->config;
  resolved["postCallAnalyticsConfig"] = std::move(pca);
  boost::json::object out = agent_dto(*agent, meta ? &*meta : nullptr);
  out["_resolvedConfig"] = std::move(resolved);
  return data_answer(to_json_text(out));
}

inline void add_v1_routes(router& r, const emulator_options& options) {
  r.add("GET", "/conversation", list_conversations);
  r.add("POST", "/conversation/search", search_conversations);
  r.add("GET", "/conversation/{id}", get_conversation);
  r.add("GET", "/conversation/{callId}/recording/download-url", get_recording_url);
  r.add("GET", "/agent/{id}", get_agent);
  if (options.post_call_analytics_route) {
    r.add("GET", "/agent/{id}/post-call-analytics", get_post_call_config);
    r.add("POST", "/agent/{id}/post-call-analytics", set_post_call_config);
  }
  r.add("GET", "/agent/{id}/branches", list_branches);
  r.add("GET", "/agent/{id}/branches/{branchId}", get_branch);
  r.add("PUT", "/agent/{id}/branches/{branchId}/draft", put_branch_draft);
  r.add("GET", "/agent/{id}/branches/{branchId}/draft", get_branch_draft);
  r.add("DELETE", "/agent/{id}/branches/{branchId}/draft", discard_branch_draft);
  r.add("POST", "/agent/{id}/branches/{branchId}/draft/publish",
        [scanning = options.publish_scanning](const route_request& req, dataset& data) {
          return publish_branch_draft(req, data, scanning);
        });
  r.add("GET", "/agent/{id}/branches/{branchId}/revisions", list_branch_revisions);
  add_platform_routes(r);
  add_webhook_routes(r);
}

}  // namespace smallest::atoms::testing::detail

#endif
