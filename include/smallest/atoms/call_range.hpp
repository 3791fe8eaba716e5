// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_CALL_RANGE_HPP
#define SMALLEST_ATOMS_CALL_RANGE_HPP

// A lazy, asynchronous walk over every call log a filter matches, page after page.

#include <smallest/atoms/call_filter.hpp>
#include <smallest/atoms/detail/calls.hpp>
#include <smallest/atoms/detail/client_fwd.hpp>
#include <smallest/atoms/detail/operation.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/models/call_log.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_set>
#include <vector>

namespace smallest::atoms {

/// How a call_range walks.
struct range_options {
  /// Logs per request: 1–500 (the service's maximum).
  std::size_t page_size = 100;
  /// Fetch page n+1 while the caller works through page n (never more than one page ahead).
  bool prefetch = true;
  /// Never yield the same callId twice. The service orders by `updatedAt` by default, so a call
  /// updated during the walk moves and the pages after it shift: without this, the calls at a
  /// page boundary come again. Costs 8 bytes per call seen.
  bool deduplicate = true;
  /// Stop after this many logs.
  std::optional<std::size_t> max_items{};
  /// Filters of the caller's own, applied to each log as its page arrives (on the range's
  /// strand, before the log is yielded or, in calls_with_details(), its details fetched).
  /// They must not throw. `keep`: yield only the logs for which it returns true (max_items
  /// counts those); empty keeps every log.
  std::function<bool(const call_log&)> keep{};
  /// End the walk at the first log for which it returns true: that log and all after it are
  /// not yielded, and no further page is asked for. For bounds the order proves: in the
  /// default order (updatedAt, newest first), a call updated before T means every call after
  /// it was created before T. Empty never ends the walk early.
  std::function<bool(const call_log&)> stop{};
};

namespace detail {

class range_state : public std::enable_shared_from_this<range_state> {
 public:
  ATOMS_DECL range_state(std::shared_ptr<client_state> client, call_filter filter, range_options opts);

  ATOMS_DECL const asio::any_io_executor& executor() const noexcept;
  const asio::strand<asio::any_io_executor>& strand() const noexcept { return strand_; }

  // Each runs on strand(), one at a time.
  ATOMS_DECL asio::awaitable<op_result<std::optional<call_log>>> next(diagnostics& diag);
  ATOMS_DECL asio::awaitable<op_result<std::optional<std::vector<call_log>>>> next_page(diagnostics& diag);
  /// Cancels the page being fetched and ends the walk: a pending operation completes with
  /// operation_aborted, later ones yield nothing. Runs on strand().
  ATOMS_DECL void close();

  std::size_t duplicates = 0;  // dropped by deduplication
  std::size_t yielded = 0;
  std::size_t pages = 0;     // answered pages taken in
  std::size_t filtered = 0;  // dropped by range_options::keep
  std::int64_t reported_total() const noexcept { return max_total_; }

 private:
  struct fetched_page {
    error_code ec;
    call_page page;
    diagnostics diag;
  };

  ATOMS_DECL asio::awaitable<error_code> fill(diagnostics& diag);
  ATOMS_DECL void start_fetch();
  ATOMS_DECL error_code take(fetched_page& f, diagnostics& diag);
  ATOMS_DECL bool admit(const call_log& log);

  std::shared_ptr<client_state> client_;
  call_filter filter_;
  range_options opts_;
  asio::strand<asio::any_io_executor> strand_;
  asio::steady_timer wake_;  // a waiting operation sleeps on it; a fetched page wakes it

  std::deque<call_log> buffer_;  // the current page, not yet yielded
  int next_page_ = 1;            // the page to ask for next
  bool fetching_ = false;
  asio::cancellation_signal fetch_cancel_;
  std::optional<fetched_page> fetched_;  // page next_page_, arrived and not yet taken
  bool busy_ = false;                    // an operation is running
  bool done_ = false;                    // nothing more to fetch
  bool closed_ = false;
  std::optional<std::string> invalid_;  // why the filter or options are refused
  std::int64_t max_total_ = 0;          // the largest `total` the service reported
  std::unordered_set<std::uint64_t> seen_;
};

ATOMS_DECL asio::awaitable<op_result<std::optional<call_log>>> range_next(std::shared_ptr<range_state> s,
                                                                          diagnostics* diag);
using initiate_range_next = initiation<range_state, std::optional<call_log>, &range_next>;
ATOMS_DECL asio::awaitable<op_result<std::optional<std::vector<call_log>>>> range_next_page(
    std::shared_ptr<range_state> s, diagnostics* diag);
using initiate_range_next_page =
    initiation<range_state, std::optional<std::vector<call_log>>, &range_next_page>;

}  // namespace detail

/// Every call log a filter matches, fetched a page at a time, as the caller asks for them
/// (`client::calls`). No I/O happens until the first `async_next`. Memory stays at about two
/// pages (the one being yielded and, with prefetch, the next), plus 8 bytes per call for
/// deduplication, however many calls there are.
///
///     auto calls = client.calls(filter);
///     while (auto log = co_await calls.async_next()) { … }
///
/// - The walk ends when the service says `hasMore: false`, at `max_items`, or when the service
///   contradicts itself: a page number other than the one asked for, an empty page that claims
///   more, a page holding only calls already seen, or a page past the `total` it reported.
///   Those complete one operation with errc::unexpected_response (the reason in
///   `diag.message`); the walk is over after that.
/// - Any other error (a timeout, a 503) completes that operation with it, and the walk can be
///   resumed: the next operation asks for the same page again.
/// - One operation at a time: a second one started while one is pending fails with
///   errc::invalid_argument. Cancelling a pending operation (terminal) completes it with
///   operation_aborted and leaves the page being fetched to arrive for the next call.
/// - Destroying the range cancels the page being fetched and completes a pending operation
///   with operation_aborted; the connection in use is closed, never leaked.
/// - The counters are for between operations, not while one is pending.
class call_range {
 public:
  call_range(std::shared_ptr<detail::client_state> client, call_filter filter, range_options opts)
      : state_(std::make_shared<detail::range_state>(std::move(client), std::move(filter), std::move(opts))) {
  }
  call_range(call_range&&) noexcept = default;
  call_range& operator=(call_range&& o) noexcept {
    if (this != &o) {
      close();
      state_ = std::move(o.state_);
    }
    return *this;
  }
  call_range(const call_range&) = delete;
  call_range& operator=(const call_range&) = delete;
  ~call_range() { close(); }

  /// The next call log, or nullopt at the end.
  /// Completion signature: `void(error_code, std::optional<call_log>)`.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::optional<call_log>))
                CompletionToken = detail::default_token>
  auto async_next(diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::optional<call_log>)>(
        detail::initiate_range_next{state_}, token, &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::optional<call_log>))
                CompletionToken = detail::default_token>
  auto async_next(CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::optional<call_log>)>(
        detail::initiate_range_next{state_}, token, static_cast<diagnostics*>(nullptr));
  }

  /// The logs not yet yielded of the current page, else the whole next page (deduplicated, so
  /// possibly shorter than page_size, never empty); nullopt at the end. Mixes with async_next.
  /// Completion signature: `void(error_code, std::optional<std::vector<call_log>>)`.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::optional<std::vector<call_log>>))
                CompletionToken = detail::default_token>
  auto async_next_page(diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::optional<std::vector<call_log>>)>(
        detail::initiate_range_next_page{state_}, token, &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::optional<std::vector<call_log>>))
                CompletionToken = detail::default_token>
  auto async_next_page(CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::optional<std::vector<call_log>>)>(
        detail::initiate_range_next_page{state_}, token, static_cast<diagnostics*>(nullptr));
  }

  /// Logs yielded so far.
  std::size_t yielded() const noexcept { return state_ ? state_->yielded : 0; }
  /// Logs dropped because their callId had been yielded already.
  std::size_t duplicates_dropped() const noexcept { return state_ ? state_->duplicates : 0; }
  /// Pages received and taken in.
  std::size_t pages_fetched() const noexcept { return state_ ? state_->pages : 0; }
  /// Logs dropped by range_options::keep.
  std::size_t filtered_out() const noexcept { return state_ ? state_->filtered : 0; }
  /// The largest `total` the service reported for the filter so far (0 before the first
  /// page): what a progress display can count towards. Like the counters above, read it
  /// between operations.
  std::int64_t total_reported() const noexcept { return state_ ? state_->reported_total() : 0; }

  /// Ends the walk now: the page being fetched is cancelled, a pending operation completes
  /// with operation_aborted, later ones yield nothing. The destructor does this.
  ATOMS_DECL void close() noexcept;

 private:
  std::shared_ptr<detail::range_state> state_;
};

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/call_range.ipp>
#endif

#endif
