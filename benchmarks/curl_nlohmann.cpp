// The `curl_nlohmann` peer of the benchmark (see peer_common.hpp for the command line and the
// result line): the usual hand-rolled C++ binding. libcurl's multi interface with N easy
// handles, each reused for request after request so its keep-alive connection is too
// (HTTP/1.1, the peer verified against the given CA), each body collected into a std::string
// by a write callback, then `nlohmann::json::parse` and `from_json` into plain structs with
// the fields atoms::call_details has (models/call_details.hpp): what someone writing their
// own binding would do. Timestamps and enumerations stay strings, members it has no field for
// are dropped, `variables` and `events` are kept as JSON: less than our decoder does, not more.
//
//     curl_nlohmann --base-url URL --ca-file CA.pem --ids IDS.txt --concurrency N --requests M
#include "peer_common.hpp"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace binding {

using json = nlohmann::json;

struct transcript_turn {
  std::string role, content;
  /// The service sends an ISO-8601 string or a number (seconds or milliseconds since 1970).
  std::variant<std::monostate, std::string, double> timestamp;
};

struct disposition_metric {
  std::string identifier;
  std::variant<std::monostate, std::string, std::int64_t, double, bool> value;
  std::optional<double> confidence;
  std::optional<std::string> reasoning, type, prompt;
  std::vector<std::string> choices;
};

struct call_analytics {
  std::optional<std::string> summary;
  std::vector<disposition_metric> disposition_metrics;
};

struct turn_transition {
  std::optional<double> turn, user_end, bot_start, latency;
};

struct latency_metrics {
  std::optional<double> turns, avg_latency, median_latency, min_latency, max_latency;
  std::vector<double> latencies;
  std::vector<turn_transition> transitions;
  std::optional<std::string> processed_at;
};

struct voice_config {
  std::optional<std::string> model, voice_id, gender;
};

struct agent_ref {
  std::string id;
  std::optional<std::string> name, description;
};

struct call_details {
  std::string id, call_id;
  std::optional<agent_ref> agent;
  std::string status;
  std::optional<double> duration;
  std::optional<std::string> recording_url, recording_dual_url, from, to;
  std::string type;
  std::vector<transcript_turn> transcript;
  json variables, events;
  std::optional<double> call_cost;
  std::optional<std::string> call_failure_reason, retry_call_id, disconnection_reason;
  std::optional<call_analytics> post_call_analytics;
  std::optional<latency_metrics> turn_latency_metrics;
  std::optional<voice_config> voice_config_used;
  std::optional<std::string> slm_model_used;
  std::optional<double> average_transcriber_latency, average_agent_latency, average_synthesizer_latency;
  std::optional<std::string> created_at, updated_at;
};

// A member that may be missing or null.
template <class T>
void optional_member(const json& j, const char* key, std::optional<T>& out) {
  const auto it = j.find(key);
  if (it != j.end() && !it->is_null())
    out = it->template get<T>();
  else
    out.reset();
}

template <class T>
void member(const json& j, const char* key, T& out) {
  const auto it = j.find(key);
  if (it != j.end() && !it->is_null()) it->get_to(out);
}

void from_json(const json& j, transcript_turn& t) {
  member(j, "role", t.role);
  member(j, "content", t.content);
  if (const auto ts = j.find("timestamp"); ts != j.end()) {
    if (ts->is_string())
      t.timestamp = ts->get<std::string>();
    else if (ts->is_number())
      t.timestamp = ts->get<double>();
    else if (!ts->is_null())
      throw std::runtime_error("timestamp: expected a string or a number");
  }
}

void from_json(const json& j, disposition_metric& m) {
  j.at("identifier").get_to(m.identifier);
  if (const auto v = j.find("value"); v != j.end()) {
    if (v->is_string())
      m.value = v->get<std::string>();
    else if (v->is_boolean())
      m.value = v->get<bool>();
    else if (v->is_number_integer())
      m.value = v->get<std::int64_t>();
    else if (v->is_number())
      m.value = v->get<double>();
    else if (!v->is_null())
      throw std::runtime_error("value: expected a string, a number or a boolean");
  }
  optional_member(j, "confidence", m.confidence);
  optional_member(j, "reasoning", m.reasoning);
  optional_member(j, "dispositionMetricType", m.type);
  if (!m.type)
    if (const auto dv = j.find("dispositionValues"); dv != j.end() && dv->is_object())
      optional_member(*dv, "type", m.type);
  optional_member(j, "dispositionMetricPrompt", m.prompt);
  member(j, "choices", m.choices);
}

void from_json(const json& j, call_analytics& a) {
  optional_member(j, "summary", a.summary);
  member(j, "dispositionMetrics", a.disposition_metrics);
}

void from_json(const json& j, turn_transition& t) {
  optional_member(j, "turn", t.turn);
  optional_member(j, "user_end", t.user_end);
  optional_member(j, "bot_start", t.bot_start);
  optional_member(j, "latency", t.latency);
}

void from_json(const json& j, latency_metrics& l) {
  optional_member(j, "turns", l.turns);
  optional_member(j, "avgLatency", l.avg_latency);
  optional_member(j, "medianLatency", l.median_latency);
  optional_member(j, "minLatency", l.min_latency);
  optional_member(j, "maxLatency", l.max_latency);
  member(j, "latencies", l.latencies);
  member(j, "transitions", l.transitions);
  optional_member(j, "processedAt", l.processed_at);
}

void from_json(const json& j, voice_config& v) {
  optional_member(j, "model", v.model);
  optional_member(j, "voiceId", v.voice_id);
  optional_member(j, "gender", v.gender);
}

void from_json(const json& j, agent_ref& a) {
  if (j.is_string()) {
    j.get_to(a.id);
    return;
  }
  member(j, "_id", a.id);
  optional_member(j, "name", a.name);
  optional_member(j, "description", a.description);
}

void from_json(const json& j, call_details& d) {
  member(j, "_id", d.id);
  j.at("callId").get_to(d.call_id);
  optional_member(j, "agent", d.agent);
  member(j, "status", d.status);
  optional_member(j, "duration", d.duration);
  optional_member(j, "recordingUrl", d.recording_url);
  optional_member(j, "recordingDualUrl", d.recording_dual_url);
  optional_member(j, "from", d.from);
  optional_member(j, "to", d.to);
  member(j, "type", d.type);
  member(j, "transcript", d.transcript);
  member(j, "variables", d.variables);
  member(j, "events", d.events);
  optional_member(j, "callCost", d.call_cost);
  optional_member(j, "callFailureReason", d.call_failure_reason);
  optional_member(j, "retryCallId", d.retry_call_id);
  optional_member(j, "disconnectionReason", d.disconnection_reason);
  optional_member(j, "postCallAnalytics", d.post_call_analytics);
  optional_member(j, "turnLatencyMetrics", d.turn_latency_metrics);
  optional_member(j, "voiceConfigUsed", d.voice_config_used);
  optional_member(j, "slmModelUsed", d.slm_model_used);
  optional_member(j, "average_transcriber_latency", d.average_transcriber_latency);
  optional_member(j, "average_agent_latency", d.average_agent_latency);
  optional_member(j, "average_synthesizer_latency", d.average_synthesizer_latency);
  optional_member(j, "createdAt", d.created_at);
  optional_member(j, "updatedAt", d.updated_at);
}

// The envelope {"status": true, "data": {...}}.
call_details decode(const std::string& body) {
  const json envelope = json::parse(body);
  return envelope.at("data").get<call_details>();
}

}  // namespace binding

namespace {

struct transfer {
  CURL* easy = nullptr;
  std::string body;
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<transfer*>(user)->body.append(data, size * count);
  return size * count;
}

struct run_state {
  const peer::settings& cfg;
  std::size_t next = 0;
  std::size_t finished = 0;  // transfers that ended, well or not
  std::uint64_t bytes = 0;
  peer::error_tally errors{"curl_nlohmann"};
};

// Points `t` at the next request and hands it to `multi`; false when all are taken.
bool start_next(CURLM* multi, transfer& t, run_state& st) {
  if (st.next >= st.cfg.requests) return false;
  const std::string url = st.cfg.base_url + "/conversation/" + st.cfg.ids[st.next++ % st.cfg.ids.size()];
  t.body.clear();
  curl_easy_setopt(t.easy, CURLOPT_URL, url.c_str());
  curl_multi_add_handle(multi, t.easy);
  return true;
}

// One finished transfer: counts its bytes and decodes it.
void finish(transfer& t, CURLcode code, run_state& st) {
  ++st.finished;
  if (code != CURLE_OK) {
    st.errors.failed(curl_easy_strerror(code));
    return;
  }
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  st.bytes += t.body.size();
  if (status != 200) {
    st.errors.failed("HTTP " + std::to_string(status));
    return;
  }
  try {
    const binding::call_details d = binding::decode(t.body);
    if (d.call_id.empty()) st.errors.failed("no callId");
  } catch (const std::exception& e) {
    st.errors.failed(e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto cfg = peer::parse(argc, argv, "curl_nlohmann");
  if (!cfg) return 2;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::cerr << "curl_nlohmann: curl_global_init failed\n";
    return 1;
  }
  run_state st{*cfg};
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(cfg->concurrency));
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
  headers = curl_slist_append(headers, "Authorization: Bearer benchmark");
  std::vector<transfer> transfers(cfg->concurrency);
  for (auto& t : transfers) {
    t.easy = curl_easy_init();
    curl_easy_setopt(t.easy, CURLOPT_CAINFO, cfg->ca_file.c_str());
    curl_easy_setopt(t.easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(t.easy, CURLOPT_USERAGENT, "curl_nlohmann");
    curl_easy_setopt(t.easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t.easy, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(t.easy, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(t.easy, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(t.easy, CURLOPT_PRIVATE, &t);
  }

  const auto start = std::chrono::steady_clock::now();
  for (auto& t : transfers)
    if (!start_next(multi, t, st)) break;
  for (int running = 1; running > 0;) {
    if (curl_multi_perform(multi, &running) != CURLM_OK) break;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      char* p = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p);
      auto& t = *reinterpret_cast<transfer*>(p);
      const CURLcode code = msg->data.result;  // `msg` is invalid once the handle is removed
      curl_multi_remove_handle(multi, t.easy);
      finish(t, code, st);
      if (start_next(multi, t, st)) running = std::max(running, 1);
    }
    if (running > 0) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  const double seconds = peer::seconds_since(start);
  if (st.finished < cfg->requests) {  // the multi handle failed: what never ended failed too
    st.errors.failed("curl_multi_perform failed");
    st.errors.count += cfg->requests - st.finished - 1;
  }

  for (auto& t : transfers) curl_easy_cleanup(t.easy);
  curl_slist_free_all(headers);
  curl_multi_cleanup(multi);
  curl_global_cleanup();
  peer::print_result({.peer = "curl_nlohmann",
                      .concurrency = cfg->concurrency,
                      .requests = cfg->requests,
                      .errors = st.errors.count,
                      .seconds = seconds,
                      .bytes = st.bytes});
  return st.errors.count == 0 ? 0 : 1;
}
