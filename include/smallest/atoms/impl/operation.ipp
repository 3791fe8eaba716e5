// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_OPERATION_IPP
#define SMALLEST_ATOMS_IMPL_OPERATION_IPP

// launch<T>: what runs an operation once its initiation has made the body and erased the
// handler's type (see detail/operation.hpp).

#include <smallest/atoms/detail/operation.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>

#include <string>

namespace smallest::atoms::detail {

// Boost 1.81's co_spawn forwards a cancellation by dispatching a raw pointer to a signal
// that its own completion may destroy first: a cancel racing a completion is a
// use-after-free (later Asio keeps that signal in a shared_ptr). So co_spawn never sees the
// caller's slot. It is given a signal of ours, kept alive by this forwarder in the handler's
// slot (the one any_completion_handler connects to the caller's), which emits it on the
// operation's strand; there co_spawn's own dispatch runs inline and leaves nothing queued
// behind.
class cancellation_forwarder {
 public:
  cancellation_forwarder(std::shared_ptr<asio::cancellation_signal> sig, asio::any_io_executor strand)
      : sig_(std::move(sig)), strand_(std::move(strand)) {}

  void operator()(asio::cancellation_type type) const {
    asio::dispatch(strand_, [sig = sig_, type] { sig->emit(type); });
  }

 private:
  std::shared_ptr<asio::cancellation_signal> sig_;
  asio::any_io_executor strand_;  // the operation's: a strand, or an executor as serial as one
};

// Adapts co_spawn's void(exception_ptr, op_result<T>) to the caller's void(error_code, T)
// (void(error_code) for T = void), keeping the caller's executor and allocator associated;
// cancellation arrives through the forwarder above.
template <class T>
class op_completion {
 public:
  using executor_type = asio::any_completion_executor;
  using cancellation_slot_type = asio::cancellation_slot;
  using allocator_type = typename op_handler<T>::allocator_type;

  op_completion(op_handler<T> h, executor_type ex, std::shared_ptr<asio::cancellation_signal> sig)
      : handler_(std::move(h)), ex_(std::move(ex)), sig_(std::move(sig)) {}

  executor_type get_executor() const noexcept { return ex_; }
  cancellation_slot_type get_cancellation_slot() const noexcept {
    return sig_ ? sig_->slot() : asio::cancellation_slot();
  }
  allocator_type get_allocator() const noexcept { return handler_.get_allocator(); }

  void operator()(std::exception_ptr ep, op_result<T> r) {
    if (ep) std::get<0>(r) = error_from_exception(ep);
    // The operation is over: take the forwarder out of the handler's slot.
    if (sig_) asio::get_associated_cancellation_slot(handler_).clear();
    std::apply(std::move(handler_), std::move(r));
  }

 private:
  op_handler<T> handler_;
  executor_type ex_;
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

template <class T>
void launch(const asio::any_io_executor& io, const asio::strand<asio::any_io_executor>* own, bool serial,
            std::chrono::milliseconds limit, diagnostics* diag, asio::awaitable<op_result<T>> body,
            op_handler<T> handler) {
  // A strand of its own costs a dispatch through it at every step of the operation: skipped
  // when `io` already runs one handler at a time.
  asio::any_io_executor strand = own ? asio::any_io_executor(*own) : serial ? io : asio::make_strand(io);
  asio::any_completion_executor ex = asio::get_associated_executor(handler, io);
  // The slot of the handler's own: any_completion_handler forwards the caller's slot to it.
  std::shared_ptr<asio::cancellation_signal> sig;
  auto slot = asio::get_associated_cancellation_slot(handler);
  if (slot.is_connected() || limit.count() > 0) sig = std::make_shared<asio::cancellation_signal>();
  if (slot.is_connected()) slot.template emplace<cancellation_forwarder>(sig, strand);
  op_completion<T> done(std::move(handler), std::move(ex), sig);
  if (limit.count() > 0)
    asio::co_spawn(strand, under_deadline<T>(std::move(body), limit, sig, diag), std::move(done));
  else
    asio::co_spawn(strand, std::move(body), std::move(done));
}

}  // namespace smallest::atoms::detail

#ifdef ATOMS_SEPARATE_COMPILATION
// launch<T> for the T of every operation, once for the program; a user's translation unit
// sees only its declaration.
#include <smallest/atoms.hpp>

#include <cstdint>
#include <optional>
#include <vector>

#define ATOMS_INSTANTIATE_LAUNCH(...)                                                                      \
  template void smallest::atoms::detail::launch<__VA_ARGS__>(                                              \
      const boost::asio::any_io_executor&, const boost::asio::strand<boost::asio::any_io_executor>*, bool, \
      std::chrono::milliseconds, smallest::atoms::diagnostics*,                                            \
      boost::asio::awaitable<smallest::atoms::detail::op_result<__VA_ARGS__>>,                             \
      smallest::atoms::detail::op_handler<__VA_ARGS__>);
ATOMS_INSTANTIATE_LAUNCH(void)
ATOMS_INSTANTIATE_LAUNCH(std::string)
ATOMS_INSTANTIATE_LAUNCH(std::uint64_t)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::call_details)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::call_page)
ATOMS_INSTANTIATE_LAUNCH(std::vector<smallest::atoms::call_result>)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::search_result)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::post_call_config)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::agent)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::agent_page)
ATOMS_INSTANTIATE_LAUNCH(std::vector<smallest::atoms::phone_number>)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::audience)
ATOMS_INSTANTIATE_LAUNCH(std::vector<smallest::atoms::audience>)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::audience_member_page)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::campaign)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::campaign_details)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::campaign_page)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::campaign_start)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::webhook)
ATOMS_INSTANTIATE_LAUNCH(std::vector<smallest::atoms::webhook>)
ATOMS_INSTANTIATE_LAUNCH(std::vector<smallest::atoms::webhook_subscription>)
ATOMS_INSTANTIATE_LAUNCH(std::optional<smallest::atoms::call_log>)
ATOMS_INSTANTIATE_LAUNCH(std::optional<std::vector<smallest::atoms::call_log>>)
ATOMS_INSTANTIATE_LAUNCH(std::optional<smallest::atoms::call_result>)
ATOMS_INSTANTIATE_LAUNCH(smallest::atoms::analytics_walk)
#undef ATOMS_INSTANTIATE_LAUNCH
#endif

#endif
