// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_ANALYTICS_FEED_HPP
#define SMALLEST_ATOMS_ANALYTICS_FEED_HPP

// Every completed call's post-call analytics, handed to the user once: from the service's
// analytics-completed webhook deliveries as they come (push), and from a periodic walk over
// `GET /conversation` (reconciliation) that picks up what a lost delivery missed. The service
// never retries a delivery, so the walk is the only way back to a call whose delivery failed.
//
//     atoms::analytics_feed feed(client, {.filter = {.agent_ids = {agent}}},
//                                [](atoms::analytics_item a) -> asio::awaitable<void> { ... });
//     atoms::webhook_receiver rx(ex, {.secret = secret, .path = "/atoms/webhook"}, feed.webhook_handler());
//     rx.listen(endpoint);
//     co_await feed.async_run();   // walks every staleness / 2 until feed.stop()

#include <smallest/atoms/call_filter.hpp>
#include <smallest/atoms/call_range.hpp>
#include <smallest/atoms/client.hpp>
#include <smallest/atoms/detail/operation.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/models/time.hpp>
#include <smallest/atoms/models/webhook_event.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace smallest::atoms {

/// Where an analytics_item came from.
enum class analytics_source {
  push,           ///< an analytics-completed webhook delivery
  reconciliation  ///< the walk over `GET /conversation`
};

/// "push" or "reconciliation".
ATOMS_DECL std::string_view to_string(analytics_source s) noexcept;

/// One call's post-call analytics, as the feed hands it over: the same type from both sources.
struct analytics_item {
  std::string call_id{};
  std::optional<std::string> agent_id{};
  /// The summary and the disposition metrics (each metric's `typed()` reads its value by its
  /// declared type); a delivery's `successMetrics` (and any other member) are kept in `extra`,
  /// under the key the service sent them with (each metric as value_from writes a
  /// disposition_metric: read them back with value_to).
  call_analytics analytics{};
  analytics_source source = analytics_source::push;
  /// The call's `updatedAt` as listed (nullopt when the listing does not send it); nullopt for
  /// a push (a delivery does not carry it).
  std::optional<timestamp> updated_at{};
};

/// How a feed works. Checked by the feed's constructor (std::invalid_argument).
struct analytics_feed_options {
  /// The calls the walk lists (e.g. `agent_ids`), checked as client::async_get_calls checks
  /// it. The walk relies on the default order (updatedAt, newest first), so `page`, `limit`,
  /// `sort_by`, `order`, `date_from` and `date_to` must be unset. Pushes are not filtered.
  call_filter filter{};
  /// A call whose analytics the service lists at time t is handed over by t + staleness, as
  /// long as the service answers and handler slots are free: async_run starts a walk every
  /// staleness / 2, and one walk is expected to take less than staleness / 2. At least 2 ms.
  std::chrono::milliseconds staleness{std::chrono::minutes(2)};
  /// How far back, by `updatedAt`, each walk goes: the listing is newest first, so the walk
  /// ends at the first listed call updated before now − lookback and costs pages in proportion
  /// to the calls updated in that window, not to the account's history. The OpenAPI document's
  /// list item has no `updatedAt`: when it is missing, `createdAt` (never later) stands in, the
  /// calls created before the boundary are skipped, and a page's worth of them in a row ends
  /// the walk (one call created long ago and updated just now cannot end it). So lookback
  /// must cover a call's creation to its analysis (its duration plus the analysis delay), and
  /// be at least staleness; it also absorbs clock skew between the service and this machine.
  std::chrono::milliseconds lookback{std::chrono::hours(1)};
  /// How far back the first walk goes (the backfill after a start); lookback when unset.
  std::optional<std::chrono::milliseconds> backfill{};
  /// Calls per page of the walk: 1–500.
  std::size_t page_size = 100;
  /// The ids remembered to drop duplicates, those whose handler is running included; the
  /// oldest handled one is forgotten first. The walk never goes below the time of the newest
  /// one forgotten (see analytics_feed): keep it above the number of calls in one lookback
  /// window.
  std::size_t max_seen = 100'000;
  /// Handlers running at once, pushes and walk together: 1 to max_seen. A walk waits for a
  /// slot; so does a push.
  std::size_t max_in_flight = 16;
  /// When the walk lists a completed call without analytics, fetch its details
  /// (`GET /conversation/{id}`) and use theirs, for a service whose listing leaves them out.
  /// Off by default: the listing carries `postCallAnalytics`, and this costs a request per such
  /// call per walk.
  bool fetch_missing_details = false;
  /// Ids handled in an earlier run (the `seen()` of the last one, or ids recorded through
  /// `on_handled`): never handed over while remembered. The last max_seen are kept.
  std::vector<std::string> initial_seen{};
  /// Called with each id whose handler finished without an exception, on the feed's strand:
  /// to persist the set as it grows. Must be quick; an exception it throws is ignored.
  std::function<void(const std::string&)> on_handled{};
  /// The wall clock the walk's boundary is computed from; the system clock when empty.
  std::function<timestamp()> clock{};
};

/// What one walk did (async_reconcile_once).
struct analytics_walk {
  std::size_t pages = 0;             ///< pages of `GET /conversation` answered
  std::size_t listed = 0;            ///< calls listed above the boundary
  std::size_t handed_over = 0;       ///< items handed to the handler
  std::size_t already_seen = 0;      ///< completed calls with analytics already handled (or running)
  std::size_t not_ready = 0;         ///< completed calls without analytics yet: a later walk takes them
  std::size_t handler_failures = 0;  ///< of the handlers this walk started
};

/// Counts since construction; each a snapshot.
struct analytics_feed_stats {
  std::size_t pushed = 0;              ///< items handed over from deliveries
  std::size_t reconciled = 0;          ///< items handed over by walks
  std::size_t duplicates_dropped = 0;  ///< deliveries of calls already handled or running
  std::size_t ignored_events = 0;      ///< deliveries that are not analytics-completed
  std::size_t handler_failures = 0;    ///< handlers that threw: the id is forgotten, a walk retries it
  std::size_t in_flight = 0;           ///< handlers running now
  std::size_t seen = 0;                ///< ids remembered now (never above max_seen)
  std::size_t forgotten = 0;           ///< ids dropped from the seen-set to keep it bounded
  std::size_t walks = 0;               ///< walks that went to their end
  std::size_t failed_walks = 0;        ///< walks ended by an error; the next one starts over
  std::size_t pages = 0;               ///< pages listed, over all walks
  error_code last_walk_error{};        ///< {} when the last walk went to its end
  std::string last_walk_message{};     ///< its diagnostics' message (never a secret)
  /// The newest time among the forgotten ids (listed `updatedAt`, else `createdAt`, else when
  /// the push arrived): walks stop there (see analytics_feed).
  std::optional<timestamp> forgotten_until{};
};

class analytics_feed;

namespace detail {

class feed_state : public std::enable_shared_from_this<feed_state> {
 public:
  using handler_type = std::function<asio::awaitable<void>(analytics_item)>;

  ATOMS_DECL feed_state(client c, analytics_feed_options opts, handler_type handler);

  const asio::any_io_executor& executor() const noexcept { return ex_; }
  const asio::strand<asio::any_io_executor>& strand() const noexcept { return strand_; }

  // Each on strand().
  ATOMS_DECL asio::awaitable<op_result<analytics_walk>> walk(diagnostics& diag);
  ATOMS_DECL asio::awaitable<op_result<void>> run();
  ATOMS_DECL asio::awaitable<bool> push(webhook_event e);
  ATOMS_DECL void stop();

  ATOMS_DECL analytics_feed_stats stats() const;
  ATOMS_DECL std::vector<std::string> seen() const;

 private:
  struct entry {
    bool running = true;              // claimed, its handler not finished
    std::optional<timestamp> mark{};  // what the walk's boundary rises to when it is forgotten
  };
  struct tally;

  ATOMS_DECL bool claim(const std::string& id, std::optional<timestamp> mark);
  ATOMS_DECL void finish(const std::string& id, bool ok, const std::shared_ptr<tally>& t);
  ATOMS_DECL bool known(const std::string& id, const std::optional<timestamp>& updated_at);
  ATOMS_DECL void count(std::size_t analytics_feed_stats::*counter);
  static ATOMS_DECL asio::awaitable<bool> run_handler(std::shared_ptr<feed_state> self, analytics_item item);
  ATOMS_DECL asio::awaitable<bool> wait_for_slot();
  ATOMS_DECL void start_handler(analytics_item item, std::shared_ptr<tally> t);
  // Waits for notify(); true when the coroutine was cancelled meanwhile.
  ATOMS_DECL asio::awaitable<bool> wait_change();
  void notify() { changed_.cancel(); }
  ATOMS_DECL timestamp now() const;

  client client_;
  analytics_feed_options opts_;
  handler_type handler_;
  asio::any_io_executor ex_;
  asio::strand<asio::any_io_executor> strand_;
  asio::steady_timer changed_;  // never expires: cancel() wakes everyone waiting for a change
  asio::steady_timer sleep_;    // async_run's wait between walks
  bool stopped_ = false;
  bool walking_ = false;
  bool running_ = false;
  bool first_walk_ = true;
  call_range* range_ = nullptr;  // the walk's range, closed by stop()

  // Read by stats() and seen() from any thread; written on the strand.
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> seen_;  // every remembered id
  std::list<std::string_view> handled_;          // the handled ones, oldest first (keys of seen_)
  analytics_feed_stats stats_{};
};

ATOMS_DECL asio::awaitable<op_result<analytics_walk>> feed_walk(std::shared_ptr<feed_state> s,
                                                                diagnostics* diag);
using initiate_feed_walk = initiation<feed_state, analytics_walk, &feed_walk, false>;
// The diagnostics* is unused: an initiation wants at least one argument.
ATOMS_DECL asio::awaitable<op_result<void>> feed_run(std::shared_ptr<feed_state> s, diagnostics* unused);
ATOMS_DECL asio::awaitable<bool> feed_push(std::shared_ptr<feed_state> s, webhook_event e);
using initiate_feed_run = initiation<feed_state, void, &feed_run, false>;

}  // namespace detail

/// Delivers every completed call's post-call analytics to one handler, once, from webhook
/// deliveries (push) and from a periodic walk over `client.calls()` (reconciliation).
///
/// Guarantees and decisions:
/// - **Once per call id while it is remembered.** Pushes and walks claim an id on the feed's
///   strand, so a delivery, its duplicate and a walk meeting the same call at the same time
///   hand it over once. An id whose handler is running is claimed: another arrival is dropped.
/// - **A handler that throws** is counted (`handler_failures`) and its id forgotten, so the
///   next walk hands the call over again (at least once on failure). A duplicate dropped while
///   it ran is not kept: the walk is what brings the call back.
/// - **Reconciliation** hands over the listed calls whose status is `completed` and whose
///   `postCallAnalytics` are present; a completed call without them yet is counted `not_ready`
///   and taken by a later walk. The walk ends at the lookback boundary (see
///   analytics_feed_options::lookback) or at `forgotten_until`. A walk's error (a 503 the
///   client's retries did not get past, a timeout) ends that walk only: it is recorded in
///   stats() and the next period starts over.
/// - **Bounded memory.** At most max_seen ids are remembered (those whose handler runs
///   included). When one is forgotten, walks skip everything at or below its time: the
///   boundary rises to its listed `updatedAt` (or `createdAt`; for a push the walk has not
///   listed yet, the time it arrived), so a forgotten id inside the lookback window is not
///   handed over again. The price: once that mark reaches into the lookback window, a call
///   below it that was never handed over is not reconciled any more. Choose max_seen above the
///   number of calls in one lookback window and the mark stays below the window.
/// - **Staleness.** Analytics the service lists at time t are handed over by t + staleness, as
///   long as the service answers and a walk takes under staleness / 2.
/// - **Threads.** Safe on a multi-threaded io_context: the feed's state lives on a strand.
///   Handlers run on the client's executor, several at once (max_in_flight).
/// - **Stopping.** stop() (and the destructor) ends async_run and a walk promptly, and
///   pushes after it are dropped; handlers already running finish.
class analytics_feed {
 public:
  /// Runs once per call, on the client's executor; several may run at once. Throwing is
  /// counted, and the call is handed over again by a later walk.
  using handler_type = std::function<asio::awaitable<void>(analytics_item)>;

  /// Copies `c` (copies share its connections). Throws std::invalid_argument for options
  /// out of range, a filter async_get_calls would refuse or one that sets the order, paging or
  /// dates, and an empty handler. Does no I/O.
  ATOMS_DECL analytics_feed(client c, analytics_feed_options options, handler_type handler);
  /// stop(): nothing more is handed over, except by handlers already running.
  ATOMS_DECL ~analytics_feed();
  analytics_feed(const analytics_feed&) = delete;
  analytics_feed& operator=(const analytics_feed&) = delete;

  /// A handler for webhook_receiver (its handler_type): analytics-completed deliveries go to
  /// push(), others are counted in `ignored_events`. It keeps the feed's state alive, and does
  /// nothing once the feed is stopped or destroyed.
  ATOMS_DECL std::function<asio::awaitable<void>(webhook_event)> webhook_handler() const;

  /// Hands an analytics-completed event over (unless its call was handed over already or is
  /// being handled) and returns once its handler has finished: true when this call handed it
  /// over. Other events, and any event after stop(), give false. Never throws for a handler's
  /// exception (it is counted). Awaiting it from any executor is safe. Not cancellable: stop()
  /// ends its wait for a handler slot or for its handler.
  ATOMS_DECL asio::awaitable<bool> push(webhook_event e);

  /// One walk (see the class comment); completes once the handlers it started have finished.
  ///
  /// - Completion signature: `void(error_code, analytics_walk)`; the error is the walk's (a
  ///   listing that failed), with the details in `diag`; errc::invalid_argument when a walk
  ///   is already running; asio::error::operation_aborted after stop().
  /// - Lifetimes: `diag` must outlive the operation; the feed may be destroyed meanwhile (the
  ///   walk then ends as after stop()).
  /// - Executor: the handler runs on its associated executor (the client's by default), never
  ///   inside this call.
  /// - Cancellation: terminal. The walk ends at once (its handlers keep running) with
  ///   operation_aborted.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, analytics_walk))
                CompletionToken = detail::default_token>
  auto async_reconcile_once(diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, analytics_walk)>(
        detail::initiate_feed_walk{state_}, token, &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, analytics_walk))
                CompletionToken = detail::default_token>
  auto async_reconcile_once(CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, analytics_walk)>(
        detail::initiate_feed_walk{state_}, token, static_cast<diagnostics*>(nullptr));
  }

  /// Walks now and then every staleness / 2 until stop() or cancellation. A walk's error is
  /// recorded in stats() and never ends the run.
  ///
  /// - Completion signature: `void(error_code)`: {} after stop(); operation_aborted when
  ///   cancelled; errc::invalid_argument when async_run is already running.
  /// - Lifetimes: the feed may be destroyed meanwhile (the run then ends as after stop()).
  /// - Executor: as async_reconcile_once.
  /// - Cancellation: terminal; ends the run promptly, as stop() does but for this run only.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_run(CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(detail::initiate_feed_run{state_}, token,
                                                                   static_cast<diagnostics*>(nullptr));
  }

  /// Ends async_run and any walk promptly; later pushes and walks do nothing. Idempotent,
  /// thread-safe.
  ATOMS_DECL void stop() noexcept;

  /// Counts since construction.
  ATOMS_DECL analytics_feed_stats stats() const;

  /// The ids remembered now, oldest first: handled ones (and initial_seen), then those whose
  /// handler is running. To persist, give them to the next feed's `initial_seen`.
  ATOMS_DECL std::vector<std::string> seen() const;

 private:
  std::shared_ptr<detail::feed_state> state_;
};

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/analytics_feed.ipp>
#endif

#endif
