// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_DATASET_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_DATASET_HPP

// What the emulated account holds. Each store has its own mutex, so route handlers on any
// server thread and the test's own thread can use it at once. New resources (agents,
// campaigns, ...) become new stores here.

#include <smallest/atoms/testing/detail/call_store.hpp>
#include <smallest/atoms/testing/detail/json_text.hpp>
#include <smallest/atoms/testing/detail/platform_store.hpp>
#include <smallest/atoms/testing/detail/webhook_store.hpp>
#include <smallest/atoms/testing/emulator_options.hpp>

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace smallest::atoms::testing::detail {

// One write to a branch's open draft (PUT .../draft): the Revision row it made, and what it
// changed, for the draft's edit history and the expectedRevision conflict check.
struct draft_edit {
  boost::json::object revision;  // Revision, status "draft", draftRevision = its 1-based index
  std::vector<std::string>
      paths;  // leaf paths written: "globalPrompt", "postCallAnalyticsConfig.dispositionMetrics"
  std::vector<std::string> sections;  // config-block sections touched: "workflow_prompt", "analytics"
};

// A branch's single open draft: only the fields written since it was opened, merged (a
// publish merges them into the live configuration).
struct draft_record {
  std::string id;
  boost::json::object config;  // {"globalPrompt": ..., "postCallAnalyticsConfig": {only the keys written}}
  boost::json::object blocks;  // VersionBlocks: the head's, with a new block for each section written
  std::vector<draft_edit> edits;
};

// An agent's branch (the document's AgentBranch) and its chain of committed revisions.
struct branch_record {
  std::string id;
  std::string name;
  bool is_default = false;
  std::string created_at;
  std::string updated_at;
  std::vector<boost::json::object> revisions;  // Revision rows, oldest first; back() is the head
  std::optional<draft_record> draft;
};

// An agent of the account: what GET /agent/{id}, the post-call analytics routes and the
// branch routes need.
struct agent_record {
  std::string id;
  std::string name;
  std::string description;
  // {"summaryPrompt": "...", "dispositionMetrics": [{identifier, dispositionMetricPrompt,
  // dispositionMetricType, dispositionValues: {type}, choices?}]}, as the service returns it,
  // and successMetrics, useInternalAnalyticsModel, useReasoningModel once a branch publishes them.
  boost::json::object post_call_config;
  std::vector<std::pair<std::string, std::int64_t>> versions;  // versionId, versionNumber
  // Every branch; the default one ("main") is the live one, whose published fields are the
  // agent's configuration: post_call_config, and `config` for the other fields.
  std::vector<branch_record> branches;
  // Versioned fields other than postCallAnalyticsConfig published through a branch
  // (globalPrompt, firstMessage, ...), kept as given and served in _resolvedConfig.
  boost::json::object config;
};

class agent_store {
 public:
  void put(agent_record a) {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = by_id_.try_emplace(a.id);
    if (inserted) order_.push_back(a.id);
    it->second = std::move(a);
  }

  std::optional<agent_record> get(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return it->second;
  }

  // False if the agent is unknown.
  bool set_post_call_config(const std::string& id, boost::json::object config) {
    std::lock_guard lock(mutex_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return false;
    it->second.post_call_config = std::move(config);
    return true;
  }

  // f(agent_record&) under the store's lock, for changes that must be seen whole (a publish
  // moves a branch's head and the agent's configuration together); nullopt for an unknown
  // agent. Keep f short.
  template <class F>
  auto update(const std::string& id, F&& f) -> std::optional<decltype(f(std::declval<agent_record&>()))> {
    std::lock_guard lock(mutex_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return f(it->second);
  }

  std::vector<agent_record> all() const {
    std::lock_guard lock(mutex_);
    std::vector<agent_record> out;
    for (const auto& id : order_) out.push_back(by_id_.at(id));
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> order_;
  std::unordered_map<std::string, agent_record> by_id_;
};

// The second origin that serves recordings ("presigned" URLs), and what it has seen.
struct recording_origin {
  std::string base_url;  // "https://127.0.0.1:PORT" or "http://127.0.0.1:PORT"; set before serving
  std::chrono::milliseconds url_ttl{300'000};
  std::uint64_t size = 0;    // bytes of every recording
  std::uint64_t secret = 0;  // signs the URLs

  std::atomic<std::size_t> requests{0};
  std::atomic<std::size_t> authorization_seen{0};
  std::atomic<std::uint64_t> bytes_sent{0};
};

// How GET /conversation behaves beyond the document (emulator_options::touch_per_list and
// pagination_lie), and what it has served.
struct conversation_listing {
  std::size_t touch_per_list = 0;
  pagination_lie lie = pagination_lie::none;
  std::uint64_t seed = 0;  // chooses the calls touched

  std::atomic<std::size_t> logs_listed{0};   // log items in every answer so far
  std::atomic<std::uint64_t> answers{0};     // 200 answers so far
  std::atomic<std::int64_t> last_total{-1};  // pagination.total last answered (total_shrinks)
};

struct dataset {
  call_store calls;
  agent_store agents;
  recording_origin recordings;
  conversation_listing listing;
  platform_store platform;  // phone numbers, audiences, campaigns, agents' archive state
  webhook_store webhooks;   // webhooks, subscriptions, deliveries
};

}  // namespace smallest::atoms::testing::detail

#endif
