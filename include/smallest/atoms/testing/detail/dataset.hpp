// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_DATASET_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_DATASET_HPP

// What the emulated account holds. Each store has its own mutex, so route handlers on any
// server thread and the test's own thread can use it at once. New resources (agents,
// campaigns, ...) become new stores here.

#include <smallest/atoms/testing/detail/json_text.hpp>

#include <boost/json/object.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace smallest::atoms::testing::detail {

// Conversation records keyed by "callId", in insertion order, each kept with its JSON text
// so a GET copies a string instead of serialising 10 KB again.
class call_store {
 public:
  struct entry {
    boost::json::object call;
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
    it->second = entry{std::move(call), std::move(text)};
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
    return it->second.call;
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

struct dataset {
  call_store calls;
};

}  // namespace smallest::atoms::testing::detail

#endif
