// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_OPERATION_HPP
#define SMALLEST_ATOMS_DETAIL_OPERATION_HPP

// How every public operation runs, whatever the completion token: its body is a coroutine
// returning std::tuple<error_code, T> (std::tuple<error_code> when T is void), started by
// co_spawn on a strand of its own (so a cancellation, delivered through that strand, never
// races the body), and the caller's handler is completed with void(error_code, T) (or
// void(error_code)) on its associated executor. co_spawn never calls the handler inside the
// initiating function.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/error.hpp>

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <tuple>
#include <type_traits>

namespace smallest::atoms::detail {

/// Boost 1.81 has no default completion token of its own; ours is named once, here.
using default_token = asio::deferred_t;

/// What an operation's body returns: the error and the value; only the error for T = void.
template <class T>
using op_result = std::conditional_t<std::is_void_v<T>, std::tuple<error_code>, std::tuple<error_code, T>>;

/// A failed result: `ec` and, unless T is void, a default T.
template <class T>
op_result<T> failed(error_code ec) {
  if constexpr (std::is_void_v<T>)
    return op_result<T>{ec};
  else
    return op_result<T>{ec, T{}};
}

/// The error_code an escaped exception stands for. Bodies report failures as codes; what
/// escapes is a cancellation Asio threw, an allocation failure, or a bug.
inline error_code error_from_exception(std::exception_ptr ep) noexcept {
  try {
    std::rethrow_exception(ep);
  } catch (const boost::system::system_error& e) {
    return e.code();
  } catch (const std::bad_alloc&) {
    return make_error_code(boost::system::errc::not_enough_memory);
  } catch (...) {
    return errc::internal;
  }
}

// Boost 1.81's co_spawn forwards a cancellation by dispatching a raw pointer to a signal
// that its own completion may destroy first: a cancel racing a completion is a
// use-after-free (later Asio keeps that signal in a shared_ptr). So co_spawn never sees the
// caller's slot. It is given a signal of ours, kept alive by this forwarder in the caller's
// slot, which emits it on the operation's strand; there co_spawn's own dispatch runs inline
// and leaves nothing queued behind.
class cancellation_forwarder {
 public:
  cancellation_forwarder(std::shared_ptr<asio::cancellation_signal> sig,
                         asio::strand<asio::any_io_executor> strand)
      : sig_(std::move(sig)), strand_(std::move(strand)) {}

  void operator()(asio::cancellation_type type) const {
    asio::dispatch(strand_, [sig = sig_, type] { sig->emit(type); });
  }

 private:
  std::shared_ptr<asio::cancellation_signal> sig_;
  asio::strand<asio::any_io_executor> strand_;
};

// Adapts co_spawn's void(exception_ptr, op_result<T>) to the caller's void(error_code, T)
// (void(error_code) for T = void),
// keeping the caller's executor and allocator associated; cancellation arrives through the
// forwarder above.
template <class T, class Handler, class Executor>
class op_completion {
 public:
  using executor_type = Executor;
  using cancellation_slot_type = asio::cancellation_slot;
  using allocator_type = asio::associated_allocator_t<Handler>;

  op_completion(Handler h, Executor ex, std::shared_ptr<asio::cancellation_signal> sig)
      : handler_(std::move(h)), ex_(std::move(ex)), sig_(std::move(sig)) {}

  executor_type get_executor() const noexcept { return ex_; }
  cancellation_slot_type get_cancellation_slot() const noexcept {
    return sig_ ? sig_->slot() : asio::cancellation_slot();
  }
  allocator_type get_allocator() const noexcept { return asio::get_associated_allocator(handler_); }

  void operator()(std::exception_ptr ep, op_result<T> r) {
    if (ep) std::get<0>(r) = error_from_exception(ep);
    // The operation is over: take the forwarder out of the caller's slot.
    if (sig_) asio::get_associated_cancellation_slot(handler_).clear();
    std::apply(std::move(handler_), std::move(r));
  }

 private:
  Handler handler_;
  Executor ex_;
  std::shared_ptr<asio::cancellation_signal> sig_;
};

// The deadline of one operation: a timer on the operation's strand that, when it expires
// before the body is done, cancels the body (terminal) through the operation's signal.
struct deadline_state {
  explicit deadline_state(const asio::any_io_executor& strand) : timer(strand) {}
  asio::steady_timer timer;
  bool done = false;   // the body has finished: a late expiry does nothing
  bool fired = false;  // the deadline cancelled the body
};

// The first `diagnostics*` among an operation's arguments, where the deadline's note goes.
template <class... Args>
diagnostics* find_diag(const Args&... args) noexcept {
  diagnostics* found = nullptr;
  auto pick = [&found](const auto& a) {
    if constexpr (std::is_same_v<std::decay_t<decltype(a)>, diagnostics*>)
      if (!found) found = a;
  };
  (pick(args), ...);
  return found;
}

// Runs `body` under a deadline: whatever it was doing when the deadline passed is abandoned
// (its connection closed by the pool) and the operation fails with errc::timeout.
// Started on the operation's strand, where the timer and the flags live.
template <class T>
asio::awaitable<op_result<T>> under_deadline(asio::awaitable<op_result<T>> body,
                                             std::chrono::milliseconds limit,
                                             std::shared_ptr<asio::cancellation_signal> sig,
                                             diagnostics* diag) {
  auto d = std::make_shared<deadline_state>(co_await asio::this_coro::executor);
  d->timer.expires_after(limit);
  d->timer.async_wait([d, sig](error_code ec) {
    if (ec || d->done) return;
    d->fired = true;
    sig->emit(asio::cancellation_type::terminal);
  });
  op_result<T> r{};
  std::exception_ptr ep;
  try {
    r = co_await std::move(body);
  } catch (...) {
    ep = std::current_exception();
  }
  d->done = true;
  d->timer.cancel();
  if (d->fired && (ep || std::get<0>(r))) {
    if (diag)
      diag->retry_note =
          "the operation's deadline passed (retry.deadline = " + std::to_string(limit.count()) + " ms)";
    co_return failed<T>(errc::timeout);
  }
  if (ep) std::rethrow_exception(ep);
  co_return r;
}

/// The one initiation object of every operation: `Body(state, args...)` makes the coroutine,
/// which runs on a fresh strand, or on `state->strand()` when State has one, and under the
/// deadline `state->deadline()` when State has one, it is not zero and `Bounded` is true.
/// Named per operation through an alias (`initiate_get_call`), so async_initiate sees a
/// distinct initiation type for each.
template <class State, class T, auto Body, bool Bounded = true>
struct initiation {
  std::shared_ptr<State> state;

  template <class Handler, class... Args>
  void operator()(Handler&& handler, Args&&... args) const {
    const asio::any_io_executor& io = state->executor();
    auto ex = asio::get_associated_executor(handler, io);
    // An object whose operations must not overlap (a range) runs them all on its own strand.
    asio::strand<asio::any_io_executor> strand = [&] {
      if constexpr (requires { state->strand(); })
        return state->strand();
      else
        return asio::make_strand(io);
    }();
    std::chrono::milliseconds limit{0};
    if constexpr (Bounded && requires { state->deadline(); }) limit = state->deadline();
    std::shared_ptr<asio::cancellation_signal> sig;
    auto slot = asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected() || limit.count() > 0) sig = std::make_shared<asio::cancellation_signal>();
    if (slot.is_connected()) slot.template emplace<cancellation_forwarder>(sig, strand);
    op_completion<T, std::decay_t<Handler>, decltype(ex)> done(std::forward<Handler>(handler), std::move(ex),
                                                               sig);
    if (limit.count() > 0) {
      diagnostics* diag = find_diag(args...);
      asio::co_spawn(strand, under_deadline<T>(Body(state, std::forward<Args>(args)...), limit, sig, diag),
                     std::move(done));
    } else {
      asio::co_spawn(strand, Body(state, std::forward<Args>(args)...), std::move(done));
    }
  }
};

}  // namespace smallest::atoms::detail

#endif
