// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_ANALYTICS_FEED_IPP
#define SMALLEST_ATOMS_IMPL_ANALYTICS_FEED_IPP

#include <smallest/atoms/analytics_feed.hpp>
#include <smallest/atoms/detail/client_state.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value_from.hpp>

#include <stdexcept>
#include <utility>
#include <variant>

namespace smallest::atoms {

ATOMS_DECL std::string_view to_string(analytics_source s) noexcept {
  return s == analytics_source::push ? "push" : "reconciliation";
}

namespace detail {

// The handlers one walk or one push started and has not seen finish.
struct feed_state::tally {
  std::size_t pending = 0;
  std::size_t failures = 0;
};

inline void check_feed_options(const analytics_feed_options& o) {
  auto refuse = [](const std::string& why) { throw std::invalid_argument("analytics_feed: " + why); };
  if (o.staleness < std::chrono::milliseconds(2)) refuse("options.staleness must be at least 2 ms");
  if (o.lookback < o.staleness) refuse("options.lookback must be at least options.staleness");
  if (o.backfill && *o.backfill < o.lookback) refuse("options.backfill must be at least options.lookback");
  if (o.page_size < 1 || o.page_size > 500) refuse("options.page_size must be 1–500");
  if (o.max_in_flight < 1) refuse("options.max_in_flight must be at least 1");
  if (o.max_seen < o.max_in_flight) refuse("options.max_seen must be at least options.max_in_flight");
  const call_filter& f = o.filter;
  if (f.page || f.limit || f.sort_by || f.order || f.date_from || f.date_to)
    refuse(
        "options.filter must leave page, limit, sort_by, order, date_from and date_to unset: the walk "
        "pages itself, newest updatedAt first (set options.page_size and options.lookback instead)");
  std::string query, why;
  if (!call_query(f, query, why)) refuse("options.filter: " + why);
}

ATOMS_DECL feed_state::feed_state(client c, analytics_feed_options opts, handler_type handler)
    : client_(std::move(c)),
      opts_(std::move(opts)),
      handler_(std::move(handler)),
      ex_(client_.get_executor()),
      strand_(asio::make_strand(ex_)),
      changed_(strand_, asio::steady_timer::time_point::max()),
      sleep_(strand_) {
  if (!handler_) throw std::invalid_argument("analytics_feed: the handler is empty");
  check_feed_options(opts_);
  const auto& ids = opts_.initial_seen;
  const std::size_t skip = ids.size() > opts_.max_seen ? ids.size() - opts_.max_seen : 0;
  for (std::size_t i = skip; i < ids.size(); ++i) {
    if (ids[i].empty()) continue;
    auto [it, inserted] = seen_.try_emplace(ids[i], entry{false, std::nullopt});
    if (inserted) handled_.push_back(it->first);
  }
  opts_.initial_seen.clear();
  opts_.initial_seen.shrink_to_fit();
}

ATOMS_DECL timestamp feed_state::now() const {
  if (opts_.clock) return opts_.clock();
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

ATOMS_DECL void feed_state::count(std::size_t analytics_feed_stats::*counter) {
  std::lock_guard lock(mutex_);
  ++(stats_.*counter);
}

ATOMS_DECL bool feed_state::known(const std::string& id, const std::optional<timestamp>& updated_at) {
  std::lock_guard lock(mutex_);
  auto it = seen_.find(id);
  if (it == seen_.end()) return false;
  if (updated_at) it->second.mark = updated_at;  // the listing's time is better than a push's
  return true;
}

ATOMS_DECL bool feed_state::claim(const std::string& id, std::optional<timestamp> mark) {
  std::lock_guard lock(mutex_);
  if (!seen_.try_emplace(id, entry{true, mark}).second) return false;
  // Forget the oldest handled ids; the running ones (at most max_in_flight <= max_seen) stay,
  // so there is always a handled one to forget while over the bound.
  while (seen_.size() > opts_.max_seen && !handled_.empty()) {
    auto old = seen_.find(std::string(handled_.front()));
    handled_.pop_front();
    if (old == seen_.end()) continue;
    if (old->second.mark && (!stats_.forgotten_until || *stats_.forgotten_until < *old->second.mark))
      stats_.forgotten_until = old->second.mark;
    seen_.erase(old);
    ++stats_.forgotten;
  }
  return true;
}

ATOMS_DECL void feed_state::finish(const std::string& id, bool ok, const std::shared_ptr<tally>& t) {
  {
    std::lock_guard lock(mutex_);
    --stats_.in_flight;
    --t->pending;
    auto it = seen_.find(id);
    if (!ok) {
      ++stats_.handler_failures;
      ++t->failures;
      if (it != seen_.end()) seen_.erase(it);  // forgotten: the next walk hands it over again
    } else if (it != seen_.end()) {
      it->second.running = false;
      handled_.push_back(it->first);
    }
  }
  if (ok && opts_.on_handled) {
    try {
      opts_.on_handled(id);
    } catch (...) {
      // The user's persistence failed; the id is remembered here all the same.
    }
  }
  notify();
}

ATOMS_DECL asio::awaitable<bool> feed_state::wait_change() {
  auto [ec] = co_await changed_.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;  // woken by notify() (operation_aborted) or by a cancellation of this coroutine
  asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
  co_return cs.cancelled() != asio::cancellation_type::none;
}

// True once a handler slot is free (on the strand, so the caller can take it before anything
// else runs); false when the feed was stopped or the coroutine cancelled meanwhile.
ATOMS_DECL asio::awaitable<bool> feed_state::wait_for_slot() {
  for (;;) {
    if (stopped_) co_return false;
    {
      std::lock_guard lock(mutex_);
      if (stats_.in_flight < opts_.max_in_flight) co_return true;
    }
    if (co_await wait_change()) co_return false;
  }
}

ATOMS_DECL asio::awaitable<bool> feed_state::run_handler(std::shared_ptr<feed_state> self,
                                                         analytics_item item) {
  try {
    co_await self->handler_(std::move(item));
    co_return true;
  } catch (...) {
    co_return false;
  }
}

ATOMS_DECL void feed_state::start_handler(analytics_item item, std::shared_ptr<tally> t) {
  {
    std::lock_guard lock(mutex_);
    ++stats_.in_flight;
    ++t->pending;
    ++(item.source == analytics_source::push ? stats_.pushed : stats_.reconciled);
  }
  std::string id = item.call_id;
  asio::co_spawn(
      ex_, run_handler(shared_from_this(), std::move(item)),
      asio::bind_executor(strand_, [self = shared_from_this(), id = std::move(id), t = std::move(t)](
                                       std::exception_ptr e, bool ok) { self->finish(id, ok && !e, t); }));
}

// When the walk takes a listed call to have been updated: `updatedAt`, or else `createdAt`,
// which is never later (the OpenAPI document's list item has only createdAt).
inline std::optional<timestamp> walk_time(const call_log& l) {
  return l.updated_at ? l.updated_at : l.created_at;
}

// Whether a listed call lies beyond the walk's boundary: updated before now − lookback, or at
// or below the time of the newest id forgotten. (Named types, not lambdas: a coroutine frame
// holding a lambda trips g++ 12's -Wsubobject-linkage in separate compilation.)
struct walk_boundary {
  timestamp boundary;
  std::optional<timestamp> floor;
  bool operator()(const call_log& l) const {
    const std::optional<timestamp> t = walk_time(l);
    return t && (*t < boundary || (floor && *t <= *floor));
  }
};

// range_options::stop of a walk. With updatedAt listed, the first call beyond the boundary
// ends the walk (the order proves the rest are older). With createdAt standing in, one call
// created long ago may have been updated just now: only a page's worth of them in a row ends
// the walk.
struct walk_stop {
  walk_boundary beyond;
  std::size_t limit = 1;
  std::size_t run = 0;
  bool operator()(const call_log& l) {
    if (!beyond(l)) {
      run = 0;
      return false;
    }
    return l.updated_at || ++run >= limit;
  }
};

// The delivery's analytics in the listing's type: successMetrics (and any other member) in
// `extra`, each metric as our encoder writes it.
inline call_analytics from_delivery(webhook_analytics&& w) {
  call_analytics a;
  a.summary = std::move(w.summary);
  a.disposition_metrics = std::move(w.disposition_metrics);
  a.extra = std::move(w.extra);
  boost::json::array success;
  success.reserve(w.success_metrics.size());
  for (const auto& m : w.success_metrics) success.push_back(boost::json::value_from(m));
  a.extra["successMetrics"] = std::move(success);
  return a;
}

// A listed metric without a declared type takes the one the agent's configuration gives it.
inline void type_metrics(call_analytics& a, const std::vector<metric_config>& config) {
  for (auto& m : a.disposition_metrics) {
    if (m.type && m.type->known()) continue;
    for (const auto& c : config)
      if (c.identifier == m.identifier && c.type.known()) m.type = c.type;
  }
}

ATOMS_DECL asio::awaitable<bool> feed_state::push(webhook_event e) {
  auto* ev = std::get_if<analytics_completed_event>(&e);
  if (ev == nullptr) {
    count(&analytics_feed_stats::ignored_events);
    co_return false;
  }
  if (stopped_) co_return false;
  if (known(ev->call_id, std::nullopt)) {
    count(&analytics_feed_stats::duplicates_dropped);
    co_return false;
  }
  if (!co_await wait_for_slot()) co_return false;
  if (!claim(ev->call_id, now())) {  // claimed while this one waited for a slot
    count(&analytics_feed_stats::duplicates_dropped);
    co_return false;
  }
  analytics_item item{
      .call_id = ev->call_id,
      .agent_id = ev->agent_id.empty() ? std::nullopt : std::optional<std::string>(ev->agent_id),
      .analytics = from_delivery(std::move(ev->analytics)),
      .source = analytics_source::push,
      .updated_at = std::nullopt};
  auto t = std::make_shared<tally>();
  start_handler(std::move(item), t);
  while (t->pending > 0 && !stopped_)
    if (co_await wait_change()) break;
  co_return true;
}

ATOMS_DECL asio::awaitable<op_result<analytics_walk>> feed_state::walk(diagnostics& diag) {
  using result = op_result<analytics_walk>;
  if (stopped_) co_return result{asio::error::operation_aborted, analytics_walk{}};
  if (walking_) {
    diag.message = "analytics_feed: a walk is already running; wait for it to complete";
    co_return result{errc::invalid_argument, analytics_walk{}};
  }
  walking_ = true;
  asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
  analytics_walk w;
  auto t = std::make_shared<tally>();

  const timestamp boundary = now() - (first_walk_ ? opts_.backfill.value_or(opts_.lookback) : opts_.lookback);
  std::optional<timestamp> floor;
  {
    std::lock_guard lock(mutex_);
    floor = stats_.forgotten_until;
  }
  const walk_boundary beyond{boundary, floor};
  range_options ro{.page_size = opts_.page_size,
                   .prefetch = false,
                   .deduplicate = true,
                   .stop = walk_stop{beyond, opts_.page_size}};
  call_range range = client_.calls(opts_.filter, std::move(ro));
  range_ = &range;
  error_code ec;
  bool aborted = false;
  for (bool more = true; more;) {
    auto [e, page] = co_await range.async_next_page(diag, asio::as_tuple(asio::use_awaitable));
    if (stopped_ || cs.cancelled() != asio::cancellation_type::none) {
      aborted = true;
      break;
    }
    if (e) {
      ec = e;
      break;
    }
    if (!page) break;
    for (call_log& log : *page) {
      if (beyond(log)) continue;  // one of a run that may end the walk
      ++w.listed;
      if (log.status != call_status::completed) continue;
      if (known(log.call_id, walk_time(log))) {
        ++w.already_seen;
        continue;
      }
      std::optional<call_analytics> a = std::move(log.post_call_analytics);
      if (!a && opts_.fetch_missing_details) {
        auto [de, details] =
            co_await client_.async_get_call(log.call_id, diag, asio::as_tuple(asio::use_awaitable));
        if (stopped_ || cs.cancelled() != asio::cancellation_type::none) {
          aborted = true;
          more = false;
          break;
        }
        if (de) {
          ec = de;
          more = false;
          break;
        }
        a = std::move(details.post_call_analytics);
      }
      if (!a) {
        ++w.not_ready;
        continue;
      }
      if (!co_await wait_for_slot()) {
        aborted = true;
        more = false;
        break;
      }
      if (!claim(log.call_id, walk_time(log))) {  // a push took it while the walk waited
        ++w.already_seen;
        continue;
      }
      type_metrics(*a, log.agent_disposition_config);
      ++w.handed_over;
      start_handler(analytics_item{.call_id = std::move(log.call_id),
                                   .agent_id = std::move(log.agent_id),
                                   .analytics = std::move(*a),
                                   .source = analytics_source::reconciliation,
                                   .updated_at = log.updated_at},
                    t);
    }
  }
  range_ = nullptr;
  w.pages = range.pages_fetched();
  range.close();
  // The walk is done once the handlers it started are (not when it is being stopped).
  if (!aborted)
    while (t->pending > 0 && !stopped_)
      if (co_await wait_change()) break;
  if (stopped_ || cs.cancelled() != asio::cancellation_type::none) aborted = true;
  w.handler_failures = t->failures;
  {
    std::lock_guard lock(mutex_);
    stats_.pages += w.pages;
    if (!aborted) {
      ++(ec ? stats_.failed_walks : stats_.walks);
      stats_.last_walk_error = ec;
      stats_.last_walk_message = ec ? diag.message : std::string();
    }
  }
  if (!aborted && !ec) first_walk_ = false;
  walking_ = false;
  notify();
  if (aborted) ec = asio::error::operation_aborted;
  co_return result{ec, std::move(w)};
}

ATOMS_DECL asio::awaitable<op_result<void>> feed_state::run() {
  if (running_) co_return op_result<void>{errc::invalid_argument};
  running_ = true;
  asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
  error_code result;
  while (!stopped_) {
    // Walks start every staleness / 2 (or as soon as the last one ends, if it took longer).
    const auto started = asio::steady_timer::clock_type::now();
    diagnostics diag;
    auto [ec, w] = co_await walk(diag);  // a failed walk is in stats(); the next period retries
    (void)w;
    (void)ec;
    if (cs.cancelled() != asio::cancellation_type::none) {
      result = asio::error::operation_aborted;
      break;
    }
    if (stopped_) break;
    sleep_.expires_at(started + opts_.staleness / 2);
    auto [sec] = co_await sleep_.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)sec;  // the period passed, stop() woke it, or the run was cancelled
    if (cs.cancelled() != asio::cancellation_type::none) {
      result = asio::error::operation_aborted;
      break;
    }
  }
  running_ = false;
  co_return op_result<void>{result};
}

ATOMS_DECL void feed_state::stop() {
  stopped_ = true;
  if (range_) range_->close();
  sleep_.cancel();
  notify();
}

ATOMS_DECL analytics_feed_stats feed_state::stats() const {
  std::lock_guard lock(mutex_);
  analytics_feed_stats s = stats_;
  s.seen = seen_.size();
  return s;
}

ATOMS_DECL std::vector<std::string> feed_state::seen() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  out.reserve(seen_.size());
  for (auto id : handled_) out.emplace_back(id);
  for (const auto& [id, e] : seen_)
    if (e.running) out.push_back(id);
  return out;
}

ATOMS_DECL asio::awaitable<op_result<analytics_walk>> feed_walk(std::shared_ptr<feed_state> s,
                                                                diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  co_return co_await s->walk(*diag);
}

ATOMS_DECL asio::awaitable<op_result<void>> feed_run(std::shared_ptr<feed_state> s, diagnostics*) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  co_return co_await s->run();
}

ATOMS_DECL asio::awaitable<bool> feed_push(std::shared_ptr<feed_state> s, webhook_event e) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  co_return co_await s->push(std::move(e));
}

// The push, on the feed's strand, from whatever executor awaits it. Not cancellable: co_spawn
// is given no cancellation slot (Boost 1.81's co_spawn can use a freed signal when a
// cancellation races its completion; see detail/operation.hpp); stop() ends its waits.
inline asio::awaitable<bool> feed_push_from(std::shared_ptr<feed_state> s, webhook_event e) {
  auto strand = s->strand();
  auto token = asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable);
  co_return co_await asio::co_spawn(strand, feed_push(std::move(s), std::move(e)), std::move(token));
}
inline asio::awaitable<void> feed_push_discard(std::shared_ptr<feed_state> s, webhook_event e) {
  (void)co_await feed_push_from(std::move(s), std::move(e));
}

}  // namespace detail

ATOMS_DECL analytics_feed::analytics_feed(client c, analytics_feed_options options, handler_type handler)
    : state_(std::make_shared<detail::feed_state>(std::move(c), std::move(options), std::move(handler))) {}

ATOMS_DECL analytics_feed::~analytics_feed() { stop(); }

ATOMS_DECL std::function<asio::awaitable<void>(webhook_event)> analytics_feed::webhook_handler() const {
  return [s = state_](webhook_event e) { return detail::feed_push_discard(s, std::move(e)); };
}

ATOMS_DECL asio::awaitable<bool> analytics_feed::push(webhook_event e) {
  return detail::feed_push_from(state_, std::move(e));
}

ATOMS_DECL void analytics_feed::stop() noexcept {
  try {
    asio::dispatch(state_->strand(), [s = state_] { s->stop(); });
  } catch (...) {
    // Out of memory posting the stop: the walk ends at its next page and the run at its period.
  }
}

ATOMS_DECL analytics_feed_stats analytics_feed::stats() const { return state_->stats(); }

ATOMS_DECL std::vector<std::string> analytics_feed::seen() const { return state_->seen(); }

}  // namespace smallest::atoms

#endif
