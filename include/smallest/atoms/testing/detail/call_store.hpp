// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_CALL_STORE_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_CALL_STORE_HPP

// The account's conversation records. A record given by a test (put) is kept whole, with its
// JSON text. A seeded record is not kept at all: the store holds only the keys GET
// /conversation filters and sorts on (a few hundred bytes a call), and the generator makes
// the record again, identical, whenever one is served. So 100,000 calls cost tens of MB
// instead of gigabytes, and starting costs one cheap pass of the generator.

#include <smallest/atoms/testing/detail/json_text.hpp>
#include <smallest/atoms/testing/detail/record_fields.hpp>

#include <boost/json/object.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace smallest::atoms::testing::detail {

// How much of a record to make: all of it (GET /conversation/{id}); what a list or search
// item copies (no transcript, no events); or only what call_keys reads.
enum class record_detail { full, listed, keys };

// Makes the seeded record `index` at the detail asked; called from any thread at once.
using call_generator = std::function<boost::json::object(std::size_t index, record_detail)>;

// What GET /conversation filters and sorts on, read once from a record. The string views
// point at strings interned in the store, which live as long as it does.
struct call_keys {
  std::string call_id;
  std::string_view agent_id, campaign_id, type, status, disconnection_reason, version_id;
  std::string from, to;
  std::optional<std::int64_t> created_ms, updated_ms;
  std::optional<double> duration, avg_latency;
  bool retry = false;  // retryAttemptNumber > 0
};

class call_store {
 public:
  // Installs the generator of the seeded records, before any is added or served.
  void set_generator(call_generator g) { generator_ = std::move(g); }

  // Adds the seeded record `index`, read from `skeleton`: that record made at
  // record_detail::keys or more.
  void add_seeded(std::size_t index, const boost::json::object& skeleton) {
    std::lock_guard lock(mutex_);
    entry e{keys_of(skeleton), nullptr, nullptr, index, false};
    const auto [it, inserted] = by_id_.try_emplace(e.keys.call_id, entries_.size());
    note_updated(e.keys.updated_ms);
    if (inserted)
      entries_.push_back(std::move(e));
    else
      entries_[it->second] = std::move(e);
  }

  void reserve(std::size_t n) {
    std::lock_guard lock(mutex_);
    entries_.reserve(n);
    by_id_.reserve(n);
  }

  // Adds the record, or replaces the one with the same "callId" in place.
  void put(boost::json::object call) {
    const auto* id = call.if_contains("callId");
    if (id == nullptr || !id->is_string())
      throw std::invalid_argument(
          "smallest::atoms::testing::emulator::put_call: the record needs a string \"callId\"");
    auto text = std::make_shared<const std::string>(to_json_text(call));
    auto shared = std::make_shared<const boost::json::object>(std::move(call));
    std::lock_guard lock(mutex_);
    entry e{keys_of(*shared), std::move(shared), std::move(text), 0, false};
    const auto [it, inserted] = by_id_.try_emplace(e.keys.call_id, entries_.size());
    note_updated(e.keys.updated_ms);
    if (inserted)
      entries_.push_back(std::move(e));
    else
      entries_[it->second] = std::move(e);
  }

  // The record's JSON text, as GET /conversation/{id} serves it in `data`; null if unknown.
  std::shared_ptr<const std::string> text(const std::string& id) const {
    const std::optional<source> found = lookup(id);
    if (!found) return nullptr;
    const source& s = *found;
    if (s.text) return s.text;
    return std::make_shared<const std::string>(to_json_text(generate(s, record_detail::full)));
  }

  std::optional<boost::json::object> get(const std::string& id) const {
    auto call = find(id);
    if (!call) return std::nullopt;
    return *call;
  }

  // The record, at least at `detail`, shared and immutable (a put replaces it, never changes
  // it); null if unknown.
  std::shared_ptr<const boost::json::object> find(const std::string& id,
                                                  record_detail detail = record_detail::full) const {
    const std::optional<source> found = lookup(id);
    if (!found) return nullptr;
    const source& s = *found;
    if (s.call) return s.call;
    return std::make_shared<const boost::json::object>(generate(s, detail));
  }

  // The record at `position` in insertion order (as for_each numbers them), at least at
  // `detail`: a copy, or made anew for a seeded one, for the caller to take apart.
  boost::json::object at(std::size_t position, record_detail detail) const {
    source s;
    {
      std::lock_guard lock(mutex_);
      s = source_of(entries_.at(position));
    }
    if (s.call) return *s.call;
    return generate(s, detail);
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

  bool contains(const std::string& id) const {
    std::lock_guard lock(mutex_);
    return by_id_.count(id) > 0;
  }

  std::vector<std::string> ids() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& e : entries_) out.push_back(e.keys.call_id);
    return out;
  }

  // f(position, const call_keys&) for every record in insertion order, under the lock: keep
  // f short (no calls into the store).
  template <class F>
  void for_each(F&& f) const {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < entries_.size(); ++i) f(i, entries_[i].keys);
  }

  // Moves the updatedAt of the records at `positions` to "now": the wall clock, or 1 ms
  // after the newest updatedAt of the account if that is later (a large seeded data set
  // reaches years ahead), so in updatedAt desc order they come first, as a call the service
  // has just updated does.
  void touch(const std::vector<std::size_t>& positions) {
    std::lock_guard lock(mutex_);
    const std::int64_t now = std::max(epoch_ms_now(), newest_updated_ms_ + 1);
    for (const std::size_t p : positions) {
      entry& e = entries_.at(p);
      e.keys.updated_ms = now;
      if (e.call) {
        boost::json::object copy = *e.call;
        copy["updatedAt"] = iso8601(now);
        e.text = std::make_shared<const std::string>(to_json_text(copy));
        e.call = std::make_shared<const boost::json::object>(std::move(copy));
      } else {
        e.touched = true;
      }
    }
    note_updated(now);
  }

 private:
  struct entry {
    call_keys keys;
    std::shared_ptr<const boost::json::object> call;  // a record a test put; null if seeded
    std::shared_ptr<const std::string> text;          // its JSON text
    std::size_t seeded = 0;                           // the seeded record's index
    bool touched = false;                             // a seeded record's updatedAt is keys.updated_ms
  };

  // What makes an entry's record, copied under the lock so the record is made outside it.
  struct source {
    std::shared_ptr<const boost::json::object> call;
    std::shared_ptr<const std::string> text;
    std::size_t seeded = 0;
    std::optional<std::int64_t> updated_ms;  // set when touched
  };

  // What `id` is made from, taken under the lock (the making happens outside it).
  std::optional<source> lookup(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return source_of(entries_[it->second]);
  }

  static source source_of(const entry& e) {
    return {e.call, e.text, e.seeded, e.touched ? e.keys.updated_ms : std::nullopt};
  }

  // A seeded record.
  boost::json::object generate(const source& s, record_detail detail) const {
    boost::json::object o = generator_(s.seeded, detail);
    if (s.updated_ms) o["updatedAt"] = iso8601(*s.updated_ms);
    return o;
  }

  void note_updated(std::optional<std::int64_t> ms) {
    if (ms) newest_updated_ms_ = std::max(newest_updated_ms_, *ms);
  }

  std::string_view intern(std::string_view s) {
    auto it = interned_.find(s);
    if (it == interned_.end()) it = interned_.emplace(s).first;
    return *it;
  }

  // Under the lock.
  call_keys keys_of(const boost::json::object& c) {
    call_keys k;
    k.call_id = std::string(string_member(c, "callId"));
    k.agent_id = intern(agent_id_of(c));
    k.campaign_id = intern(string_member(c, "campaignId"));
    k.type = intern(string_member(c, "type"));
    k.status = intern(string_member(c, "status"));
    k.disconnection_reason = intern(string_member(c, "disconnectionReason"));
    k.version_id = intern(string_member(c, "versionId"));
    k.from = std::string(string_member(c, "from"));
    k.to = std::string(string_member(c, "to"));
    k.created_ms = parse_iso8601_ms(string_member(c, "createdAt"));
    k.updated_ms = parse_iso8601_ms(string_member(c, "updatedAt"));
    k.duration = number_member(c, "duration");
    if (const auto* m = member(c, "turnLatencyMetrics"); m && m->is_object())
      k.avg_latency = number_member(m->get_object(), "avgLatency");
    k.retry = number_member(c, "retryAttemptNumber").value_or(0) > 0;
    return k;
  }

  mutable std::mutex mutex_;
  call_generator generator_;
  std::vector<entry> entries_;                          // insertion order
  std::unordered_map<std::string, std::size_t> by_id_;  // callId -> position in entries_
  std::set<std::string, std::less<>> interned_;         // nodes never move: views stay valid
  std::int64_t newest_updated_ms_ = 0;
};

}  // namespace smallest::atoms::testing::detail

#endif
