// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_WEBHOOK_STORE_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_WEBHOOK_STORE_HPP

// The account's webhooks and agents' subscriptions, and the deliveries of their events.
//
// An event (pre-conversation when a call starts, post-conversation when it ends,
// analytics-completed when its analytics are attached) becomes one delivery per webhook the
// call's agent is subscribed to for that type: the body shaped as the document's
// WebhookEventEnvelope and per-event metadata, signed (`X-Signature`: hex HMAC-SHA256 of the
// body, keyed by the webhook's secret) with OpenSSL directly (the emulator does not use the
// client library, so the library's verification is checked against a signer of its own), the
// webhook's custom headers added. The delivery faults are decided here, under the store's
// lock, from its seeded RNG; the POST itself is made by the server (webhook_delivery.hpp),
// through the sink it installs. Only http:// URLs of a loopback host (127.0.0.1, localhost,
// [::1]) are contacted; any other is counted undeliverable and never contacted.
//
// Lock order: the platform's mutex, then this one (advance_campaigns emits under its lock).

#include <smallest/atoms/testing/detail/json_text.hpp>
#include <smallest/atoms/testing/detail/record_fields.hpp>
#include <smallest/atoms/testing/detail/rng.hpp>
#include <smallest/atoms/testing/emulator_options.hpp>

#include <boost/json/object.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smallest::atoms::testing::detail {

inline constexpr std::string_view webhook_event_types[] = {"pre-conversation", "post-conversation",
                                                           "analytics-completed"};

inline bool known_webhook_event_type(std::string_view t) {
  for (auto k : webhook_event_types)
    if (k == t) return true;
  return false;
}

// A Mongo ObjectId: 24 lower- or upper-case hex digits.
inline bool is_object_id(std::string_view id) {
  if (id.size() != 24) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

struct webhook_record {
  std::string id;
  std::string url;
  std::string description;
  std::string secret;  // 64 hex digits (32 random bytes)
  std::string status = "enabled";
  std::string created_at;
  std::string updated_at;
  std::vector<std::pair<std::string, std::string>> headers;  // custom delivery headers, as set
};

struct subscription_record {
  std::string id;
  std::string webhook_id;
  std::string agent_id;
  std::string event_type;
  std::string created_at;
  std::string updated_at;
};

// A fresh ObjectId-shaped id (24 hex digits): seconds, then random digits.
inline std::string fresh_object_id() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t process = std::random_device{}();
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  static constexpr char digits[] = "0123456789abcdef";
  std::string id(8, '0');
  for (int i = 7; i >= 0; --i)
    id[static_cast<std::size_t>(7 - i)] = digits[(static_cast<std::uint64_t>(seconds) >> (4 * i)) & 0xf];
  rng r(process ^ (counter.fetch_add(1) * 0x9e3779b97f4a7c15ULL));
  return id + r.hex(16);
}

// Where a delivery goes: an http:// URL of a loopback host.
struct delivery_target {
  std::string address;  // "127.0.0.1" or "::1"
  std::uint16_t port = 80;
  std::string target;       // path and query, "/" at least
  std::string host_header;  // as in the URL
};

// nullopt unless `url` is http:// to 127.0.0.1, localhost or [::1] (with an optional port).
inline std::optional<delivery_target> loopback_target(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.size() < scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = url[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != scheme[i]) return std::nullopt;
  }
  std::string_view rest = url.substr(scheme.size());
  const std::size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view target = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;
  delivery_target t;
  t.host_header = std::string(authority);
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host == "127.0.0.1" || host == "localhost" || host == "LOCALHOST")
    t.address = "127.0.0.1";
  else if (host == "[::1]")
    t.address = "::1";
  else
    return std::nullopt;
  if (!port.empty()) {
    if (port.size() > 5) return std::nullopt;
    unsigned n = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (n == 0 || n > 65535) return std::nullopt;
    t.port = static_cast<std::uint16_t>(n);
  }
  t.target = target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
  return t;
}

// Hex HMAC-SHA256 of `body` keyed by `secret`.
inline std::string hmac_sha256_hex(std::string_view body, std::string_view secret) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  static const unsigned char empty = 0;
  const auto* data = body.empty() ? &empty : reinterpret_cast<const unsigned char*>(body.data());
  if (!::HMAC(::EVP_sha256(), secret.data(), static_cast<int>(secret.size()), data, body.size(), out, &n))
    throw std::runtime_error("emulator: HMAC-SHA256 failed in OpenSSL");
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * n);
  for (unsigned i = 0; i < n; ++i) {
    hex += digits[out[i] >> 4];
    hex += digits[out[i] & 0xf];
  }
  return hex;
}

// One POST to make.
struct delivery_job {
  delivery_target to;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // X-Signature, then the custom ones
  std::chrono::milliseconds delay{0};
};

// Counts since the emulator started; see emulator::delivery_stats().
struct delivery_counters {
  std::atomic<std::size_t> scheduled{0};      // deliveries decided: events × subscribed webhooks
  std::atomic<std::size_t> attempted{0};      // POSTs started (duplicates included)
  std::atomic<std::size_t> delivered{0};      // answered 2xx
  std::atomic<std::size_t> failed{0};         // answered otherwise, or no answer
  std::atomic<std::size_t> dropped{0};        // never sent (fault)
  std::atomic<std::size_t> duplicated{0};     // second copies sent (fault)
  std::atomic<std::size_t> delayed{0};        // sent late (fault)
  std::atomic<std::size_t> corrupted{0};      // sent with a signature that does not verify (fault)
  std::atomic<std::size_t> undeliverable{0};  // a URL that is not http:// to a loopback host
};

inline void validate(const delivery_fault_plan& p) {
  for (double share : {p.drop, p.duplicate, p.delay, p.corrupt})
    if (!(share >= 0 && share <= 1))
      throw std::invalid_argument(
          "delivery_fault_plan: drop, duplicate, delay and corrupt must be within [0, 1]");
  if (p.delay_min.count() < 0 || p.delay_min > p.delay_max)
    throw std::invalid_argument("delivery_fault_plan: need 0 <= delay_min <= delay_max");
}

class webhook_store {
 public:
  // Guards webhooks, subscriptions and the fault plan with its RNG.
  mutable std::mutex mutex;
  std::vector<webhook_record> webhooks;            // in creation order
  std::vector<subscription_record> subscriptions;  // in creation order
  delivery_counters counters;
  std::chrono::milliseconds timeout{30'000};

  webhook_record* find(std::string_view id) {
    for (auto& w : webhooks)
      if (w.id == id) return &w;
    return nullptr;
  }

  void set_faults(delivery_fault_plan plan) {
    validate(plan);
    std::lock_guard lock(mutex);
    faults_ = plan;
    rng_ = rng(plan.seed);
  }

  // Installed by the server before it serves; called outside the lock with each POST to make.
  void set_sink(std::function<void(delivery_job)> sink) { sink_ = std::move(sink); }

  // A fresh secret: 32 random bytes, in hex.
  static std::string new_secret() {
    std::random_device rd;
    rng r((std::uint64_t{rd()} << 32) ^ rd());
    return r.hex(64);
  }

  // Delivers an event of `event_type` about a call of `agent_id` to every webhook subscribed
  // for it; `metadata` is the event's metadata (eventType included).
  void emit(const std::string& agent_id, std::string_view event_type, const boost::json::object& metadata) {
    std::vector<delivery_job> jobs;
    {
      std::lock_guard lock(mutex);
      for (const auto& s : subscriptions) {
        if (s.agent_id != agent_id || s.event_type != event_type) continue;
        const webhook_record* w = find(s.webhook_id);
        if (w == nullptr || w->status != "enabled") continue;
        counters.scheduled.fetch_add(1);
        auto to = loopback_target(w->url);
        if (!to) {
          counters.undeliverable.fetch_add(1);
          continue;
        }
        boost::json::object body{{"url", w->url},
                                 {"description", w->description},
                                 {"event", agent_id + "." + std::string(event_type)},
                                 {"id", fresh_object_id()},
                                 {"metadata", metadata}};
        delivery_job job;
        job.to = std::move(*to);
        job.body = to_json_text(body);
        std::string signature = hmac_sha256_hex(job.body, w->secret);
        if (rng_.chance(faults_.drop)) {
          counters.dropped.fetch_add(1);
          continue;
        }
        if (rng_.chance(faults_.corrupt)) {
          if (corrupt_turn_++ % 2 == 0)
            signature[0] = signature[0] == '0' ? '1' : '0';
          else
            job.body.back() = job.body.back() == '}' ? ' ' : '}';
          counters.corrupted.fetch_add(1);
        }
        if (rng_.chance(faults_.delay)) {
          job.delay =
              std::chrono::milliseconds(rng_.between(faults_.delay_min.count(), faults_.delay_max.count()));
          counters.delayed.fetch_add(1);
        }
        job.headers.emplace_back("X-Signature", std::move(signature));
        for (const auto& h : w->headers) job.headers.push_back(h);
        const bool twice = rng_.chance(faults_.duplicate);
        if (twice) {
          counters.duplicated.fetch_add(1);
          jobs.push_back(job);
        }
        jobs.push_back(std::move(job));
      }
      std::lock_guard pending_lock(pending_mutex_);
      pending_ += jobs.size();
    }
    for (auto& j : jobs) {
      counters.attempted.fetch_add(1);
      if (sink_)
        sink_(std::move(j));
      else
        finished(false);
    }
  }

  // A POST of emit() has ended: answered 2xx (`ok`) or not.
  void finished(bool ok) {
    (ok ? counters.delivered : counters.failed).fetch_add(1);
    std::lock_guard lock(pending_mutex_);
    if (pending_ > 0 && --pending_ == 0) idle_.notify_all();
  }

  std::size_t pending() const {
    std::lock_guard lock(pending_mutex_);
    return pending_;
  }

  // True once no POST is queued, waiting or in flight; false if `timeout` passed first.
  bool wait_idle(std::chrono::milliseconds timeout_) {
    std::unique_lock lock(pending_mutex_);
    return idle_.wait_for(lock, timeout_, [&] { return pending_ == 0; });
  }

 private:
  delivery_fault_plan faults_{};
  rng rng_{1};
  std::size_t corrupt_turn_ = 0;
  std::function<void(delivery_job)> sink_;
  mutable std::mutex pending_mutex_;
  std::condition_variable idle_;
  std::size_t pending_ = 0;
};

// ---- event bodies, from a conversation record --------------------------------------------------

// "telephony_outbound" → "telephonyOutbound", as the events spell a call's type.
inline std::string conversation_type(std::string_view type) {
  std::string out;
  bool upper = false;
  for (char c : type) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
    upper = false;
  }
  return out;
}

inline std::string record_string(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

inline std::string record_agent_id(const boost::json::object& call) {
  if (const auto* a = call.if_contains("agent"); a && a->is_object())
    return record_string(a->get_object(), "_id");
  return record_string(call, "agentId");
}

// The ms time stamp of the record's event of this type, else nullopt.
inline std::optional<std::int64_t> record_event_ms(const boost::json::object& call, std::string_view type) {
  if (const auto* ev = call.if_contains("events"); ev && ev->is_array())
    for (const auto& e : ev->get_array())
      if (e.is_object() && record_string(e.get_object(), "type") == type)
        if (const auto* t = e.get_object().if_contains("timestamp"); t && t->is_int64())
          return t->get_int64();
  return std::nullopt;
}

// WebhookEventCallData.
inline boost::json::object event_call_data(const boost::json::object& call, bool with_direction) {
  const auto answered = record_event_ms(call, "call_answered");
  const auto ended = record_event_ms(call, "call_ended");
  double duration = 0;
  if (const auto* d = call.if_contains("duration"); d && d->is_number()) duration = d->to_number<double>();
  boost::json::object o{{"fromNumber", record_string(call, "from")},
                        {"toNumber", record_string(call, "to")},
                        {"callDuration", duration},
                        {"callStatus", record_string(call, "status")}};
  if (with_direction) o["callDirection"] = record_string(call, "type");
  o["answerTime"] = answered ? iso8601(*answered) : record_string(call, "createdAt");
  o["endTime"] = ended ? iso8601(*ended) : record_string(call, "updatedAt");
  return o;
}

inline boost::json::object pre_conversation_metadata(const boost::json::object& call) {
  return {{"agentId", record_agent_id(call)},
          {"eventType", "pre-conversation"},
          {"conversationType", conversation_type(record_string(call, "type"))},
          {"toPhone", record_string(call, "to")},
          {"fromPhone", record_string(call, "from")},
          {"callId", record_string(call, "callId")}};
}

inline boost::json::object post_conversation_metadata(const boost::json::object& call) {
  boost::json::array transcript;
  if (const auto* t = call.if_contains("transcript"); t && t->is_array())
    for (const auto& turn : t->get_array())
      if (turn.is_object())
        transcript.push_back(
            boost::json::object{{"role", record_string(turn.get_object(), "role")},
                                {"content", record_string(turn.get_object(), "content")},
                                {"timestamp", record_string(turn.get_object(), "timestamp")}});
  boost::json::object variables;
  if (const auto* v = call.if_contains("variables"); v && v->is_object()) variables = v->get_object();
  return {{"agentId", record_agent_id(call)},
          {"eventType", "post-conversation"},
          {"conversationType", conversation_type(record_string(call, "type"))},
          {"callId", record_string(call, "callId")},
          {"recordingUrl", record_string(call, "recordingUrl")},
          {"callData", event_call_data(call, true)},
          {"transcript", std::move(transcript)},
          {"variables", std::move(variables)}};
}

// WebhookEventAnalyticsMetric items from a record's metrics.
inline boost::json::array event_metrics(const boost::json::value* list) {
  boost::json::array out;
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& entry : list->get_array()) {
    if (!entry.is_object()) continue;
    const auto& m = entry.get_object();
    std::string type = record_string(m, "dispositionMetricType");
    if (type.empty())
      if (const auto* dv = m.if_contains("dispositionValues"); dv && dv->is_object())
        type = record_string(dv->get_object(), "type");
    const auto* value = m.if_contains("value");
    const auto* confidence = m.if_contains("confidence");
    out.push_back(
        boost::json::object{{"identifier", record_string(m, "identifier")},
                            {"value", value ? *value : boost::json::value("")},
                            {"confidence", confidence ? *confidence : boost::json::value(1)},
                            {"reasoning", record_string(m, "reasoning")},
                            {"dispositionMetricPrompt", record_string(m, "dispositionMetricPrompt")},
                            {"dispositionMetricType", type.empty() ? "STRING" : type}});
  }
  return out;
}

// nullopt for a record without postCallAnalytics.
inline std::optional<boost::json::object> analytics_completed_metadata(const boost::json::object& call) {
  const auto* pca = call.if_contains("postCallAnalytics");
  if (pca == nullptr || !pca->is_object()) return std::nullopt;
  const auto& a = pca->get_object();
  boost::json::object analytics{{"summary", record_string(a, "summary")},
                                {"dispositionMetrics", event_metrics(a.if_contains("dispositionMetrics"))},
                                {"successMetrics", event_metrics(a.if_contains("successMetrics"))}};
  return boost::json::object{{"agentId", record_agent_id(call)},
                             {"eventType", "analytics-completed"},
                             {"conversationType", conversation_type(record_string(call, "type"))},
                             {"callId", record_string(call, "callId")},
                             {"analytics", std::move(analytics)},
                             {"callData", event_call_data(call, false)}};
}

// The events of a call's start and end.
inline void emit_call_ended(webhook_store& hooks, const boost::json::object& call) {
  const std::string agent = record_agent_id(call);
  hooks.emit(agent, "pre-conversation", pre_conversation_metadata(call));
  hooks.emit(agent, "post-conversation", post_conversation_metadata(call));
}

// The event of a call's analytics, if it has them.
inline void emit_call_analysed(webhook_store& hooks, const boost::json::object& call) {
  if (auto m = analytics_completed_metadata(call))
    hooks.emit(record_agent_id(call), "analytics-completed", *m);
}

}  // namespace smallest::atoms::testing::detail

#endif
