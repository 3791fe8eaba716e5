// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_DETAILS_RANGE_IPP
#define SMALLEST_ATOMS_IMPL_DETAILS_RANGE_IPP

#include <smallest/atoms/detail/client_state.hpp>
#include <smallest/atoms/details_range.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace smallest::atoms {

namespace detail {

ATOMS_DECL const asio::any_io_executor& details_state::executor() const noexcept {
  return client_->executor();
}

ATOMS_DECL details_state::details_state(std::shared_ptr<client_state> client, call_range walk,
                                        bulk_options opts)
    : calls(std::move(walk)),
      client_(std::move(client)),
      width_(opts.concurrency ? opts.concurrency : client_->options().bulk_concurrency),
      strand_(asio::make_strand(client_->executor())),
      wake_(strand_) {}

ATOMS_DECL void details_state::start(call_log log) {
  auto s = std::make_shared<slot>();
  s->result.call_id = std::move(log.call_id);
  window_.push_back(s);
  asio::co_spawn(
      strand_, get_call(client_, s->result.call_id, &s->result.diag),
      asio::bind_cancellation_slot(
          s->cancel.slot(), [self = shared_from_this(), s](std::exception_ptr e, op_result<call_details> r) {
            // On strand_, where co_spawn ran it.
            s->cancel.slot().clear();
            s->result.ec = e ? error_from_exception(e) : std::get<0>(r);
            s->result.details = std::move(std::get<1>(r));
            s->done = true;
            self->wake_.cancel();
          }));
}

ATOMS_DECL asio::awaitable<op_result<std::optional<call_result>>> details_state::next(diagnostics& diag) {
  using result = op_result<std::optional<call_result>>;
  if (busy_) {
    diag.message =
        "a call_details_range runs one operation at a time; this one was started while another was pending";
    co_return result{errc::invalid_argument, std::nullopt};
  }
  busy_ = true;
  asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
  error_code ec;
  std::optional<call_result> out;
  while (!closed_) {
    // Keep the window full: the walk's next logs, their details fetched in the background.
    while (!walk_done_ && window_.size() < width_) {
      auto [wec, log] = co_await calls.async_next(diag, asio::as_tuple(asio::use_awaitable));
      if (wec) {
        ec = wec;  // the walk's own error: the next operation resumes it
        break;
      }
      if (closed_) break;
      if (!log) {
        walk_done_ = true;
        break;
      }
      start(std::move(*log));
    }
    if (ec || closed_) break;
    if (!window_.empty() && window_.front()->done) {
      out = std::move(window_.front()->result);
      window_.pop_front();
      break;
    }
    if (window_.empty()) {
      if (!walk_done_) ec = error_code(errc::internal);  // unreachable: the walk ended or failed above
      break;
    }
    wake_.expires_at(asio::steady_timer::time_point::max());
    auto [wait_ec] = co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)wait_ec;  // woken by a finished fetch, close(), or this operation's cancellation
    if (cs.cancelled() != asio::cancellation_type::none) {
      ec = asio::error::operation_aborted;
      break;
    }
  }
  busy_ = false;
  if (closed_ && !out) ec = asio::error::operation_aborted;
  co_return result{ec, std::move(out)};
}

ATOMS_DECL void details_state::close() {
  if (closed_) return;
  closed_ = true;
  for (auto& s : window_)
    if (!s->done) s->cancel.emit(asio::cancellation_type::terminal);  // on strand_: forwarded inline
  window_.clear();
  calls.close();
  wake_.cancel();
}

ATOMS_DECL asio::awaitable<op_result<std::optional<call_result>>> details_next(
    std::shared_ptr<details_state> s, diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  co_return co_await s->next(*diag);
}

}  // namespace detail

ATOMS_DECL void call_details_range::close() noexcept {
  if (!state_) return;
  try {
    asio::dispatch(state_->strand(), [s = state_] { s->close(); });
  } catch (...) {
    // Out of memory posting the close: the fetches in flight end by their own timeouts.
  }
}

}  // namespace smallest::atoms

#endif
