// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_DATASET_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_DATASET_HPP

// What the emulated account holds. Each store has its own mutex, so route handlers on any
// server thread and the test's own thread can use it at once. New resources (agents,
// campaigns, ...) become new stores here.

#include <smallest/atoms/testing/detail/json_text.hpp>

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

// Conversation records keyed by "callId", in insertion order, each kept with its JSON text
// so a GET copies a string instead of serialising 10 KB again.
class call_store {
 public:
  struct entry {
    std::shared_ptr<const boost::json::object> call;
    std::shared_ptr<const std::string> text;
  };

  // Adds the record, or replaces the one with the same "callId" in place.
  void put(boost::json::object call) {
    const auto* id = call.if_contains("callId");
    if (id == nullptr || !id->is_string())
      throw std::invalid_argument(
          "smallest::atoms::testing::emulator::put_call: the record needs a string \"callId\"");
    std::string key(id->get_string());
    auto text = std::make_shared<const std::string>(to_json_text(call));
    std::lock_guard lock(mutex_);
    auto [it, inserted] = by_id_.try_emplace(key);
    if (inserted) order_.push_back(key);
    it->second = entry{std::make_shared<const boost::json::object>(std::move(call)), std::move(text)};
  }

  std::shared_ptr<const std::string> text(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second.text;
  }

  std::optional<boost::json::object> get(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return *it->second.call;
  }

  // The record, shared and immutable (a put replaces it, never changes it); null if unknown.
  std::shared_ptr<const boost::json::object> find(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second.call;
  }

  // Every record in insertion order, without copying any of them.
  std::vector<std::shared_ptr<const boost::json::object>> snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<const boost::json::object>> out;
    out.reserve(order_.size());
    for (const auto& id : order_) out.push_back(by_id_.at(id).call);
    return out;
  }

  std::vector<std::string> ids() const {
    std::lock_guard lock(mutex_);
    return order_;
  }

  // f(const entry&) for every record in insertion order, under the lock: keep f short.
  template <class F>
  void for_each(F&& f) const {
    std::lock_guard lock(mutex_);
    for (const auto& id : order_) f(by_id_.at(id));
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> order_;
  std::unordered_map<std::string, entry> by_id_;
};

// An agent of the account: what GET /agent/{id} and the post-call analytics routes need.
struct agent_record {
  std::string id;
  std::string name;
  std::string description;
  // {"summaryPrompt": "...", "dispositionMetrics": [{identifier, dispositionMetricPrompt,
  // dispositionMetricType, dispositionValues: {type}, choices?}]}, as the service returns it.
  boost::json::object post_call_config;
  std::vector<std::pair<std::string, std::int64_t>> versions;  // versionId, versionNumber
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

struct dataset {
  call_store calls;
  agent_store agents;
  recording_origin recordings;
};

}  // namespace smallest::atoms::testing::detail

#endif
