// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAILS_RANGE_HPP
#define SMALLEST_ATOMS_DETAILS_RANGE_HPP

// Bulk fetches of call details: their options and results, and the export pipeline that walks
// a call_range and fetches each log's details with bounded concurrency, in order.

#include <smallest/atoms/call_range.hpp>
#include <smallest/atoms/detail/calls.hpp>
#include <smallest/atoms/detail/client_fwd.hpp>
#include <smallest/atoms/detail/operation.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/models/call_details.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace smallest::atoms {

/// How a bulk operation runs.
struct bulk_options {
  /// Requests in flight at once; 0 means client_options::bulk_concurrency. Also bounded by
  /// the pool's max_connections, whose connections the whole job reuses.
  std::size_t concurrency = 0;
};

/// One id's outcome in a bulk fetch: its details, or the error for it alone.
struct call_result {
  std::string call_id;
  error_code ec;
  diagnostics diag;      ///< why, when `ec` is set
  call_details details;  ///< when `ec` is not set
};

namespace detail {

class details_state : public std::enable_shared_from_this<details_state> {
 public:
  ATOMS_DECL details_state(std::shared_ptr<client_state> client, call_range calls, bulk_options opts);

  ATOMS_DECL const asio::any_io_executor& executor() const noexcept;
  const asio::strand<asio::any_io_executor>& strand() const noexcept { return strand_; }

  // On strand(), one at a time.
  ATOMS_DECL asio::awaitable<op_result<std::optional<call_result>>> next(diagnostics& diag);
  ATOMS_DECL void close();

  call_range calls;

 private:
  struct slot {
    call_result result;
    bool done = false;
    asio::cancellation_signal cancel;
  };
  ATOMS_DECL void start(call_log log);

  std::shared_ptr<client_state> client_;
  std::size_t width_;
  asio::strand<asio::any_io_executor> strand_;
  asio::steady_timer wake_;
  std::deque<std::shared_ptr<slot>> window_;  // in the walk's order
  bool walk_done_ = false;
  bool busy_ = false;
  bool closed_ = false;
};

ATOMS_DECL asio::awaitable<op_result<std::optional<call_result>>> details_next(
    std::shared_ptr<details_state> s, diagnostics* diag);
using initiate_details_next = initiation<details_state, std::optional<call_result>, &details_next>;

}  // namespace detail

/// The details of every call a filter matches, in the walk's order, fetched `concurrency` at a
/// time ahead of the caller (`client::calls_with_details`). Exporting 100,000 calls with their
/// transcripts holds at most the window's details and the range's two pages of logs.
///
///     auto details = client.calls_with_details(filter, {.page_size = 500}, {.concurrency = 16});
///     while (auto r = co_await details.async_next()) {
///       if (r->ec) log_failure(r->call_id, r->diag); else write(r->details);
///     }
///
/// - A call whose details fail (a 404: deleted since it was listed) is yielded with its
///   error; the walk goes on. An error of the walk itself (a page that failed) completes the
///   operation with it, as call_range does, and the next operation resumes.
/// - One operation at a time; cancellation and destruction as call_range (the details in
///   flight are cancelled too).
class call_details_range {
 public:
  call_details_range(std::shared_ptr<detail::client_state> client, call_range calls, bulk_options opts)
      : state_(std::make_shared<detail::details_state>(std::move(client), std::move(calls), opts)) {}
  call_details_range(call_details_range&&) noexcept = default;
  call_details_range& operator=(call_details_range&& o) noexcept {
    if (this != &o) {
      close();
      state_ = std::move(o.state_);
    }
    return *this;
  }
  call_details_range(const call_details_range&) = delete;
  call_details_range& operator=(const call_details_range&) = delete;
  ~call_details_range() { close(); }

  /// The next call's details (or its error), or nullopt at the end.
  /// Completion signature: `void(error_code, std::optional<call_result>)`.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::optional<call_result>))
                CompletionToken = detail::default_token>
  auto async_next(diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::optional<call_result>)>(
        detail::initiate_details_next{state_}, token, &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::optional<call_result>))
                CompletionToken = detail::default_token>
  auto async_next(CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::optional<call_result>)>(
        detail::initiate_details_next{state_}, token, static_cast<diagnostics*>(nullptr));
  }

  /// The walk underneath, for its counters (between operations).
  const call_range& logs() const noexcept { return state_->calls; }

 private:
  ATOMS_DECL void close() noexcept;
  std::shared_ptr<detail::details_state> state_;
};

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/details_range.ipp>
#endif

#endif
