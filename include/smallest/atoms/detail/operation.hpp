// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_OPERATION_HPP
#define SMALLEST_ATOMS_DETAIL_OPERATION_HPP

// How every public operation runs, whatever the completion token: its body is a coroutine
// returning std::tuple<error_code, T>, started by co_spawn on a strand of its own (so the
// cancellation signal, which co_spawn delivers through that strand, never races the body),
// and the caller's handler is completed with void(error_code, T) on its associated
// executor. co_spawn never calls the handler inside the initiating function.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/error.hpp>

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/strand.hpp>

#include <exception>
#include <memory>
#include <new>
#include <tuple>
#include <type_traits>

namespace smallest::atoms::detail {

/// Boost 1.81 has no default completion token of its own; ours is named once, here.
using default_token = asio::deferred_t;

template <class T>
using op_result = std::tuple<error_code, T>;

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

// Adapts co_spawn's void(exception_ptr, op_result<T>) to the caller's void(error_code, T),
// keeping the caller's executor, cancellation slot and allocator associated.
template <class T, class Handler, class Executor>
class op_completion {
 public:
  using executor_type = Executor;
  using cancellation_slot_type = asio::associated_cancellation_slot_t<Handler>;
  using allocator_type = asio::associated_allocator_t<Handler>;

  op_completion(Handler h, Executor ex) : handler_(std::move(h)), ex_(std::move(ex)) {}

  executor_type get_executor() const noexcept { return ex_; }
  cancellation_slot_type get_cancellation_slot() const noexcept {
    return asio::get_associated_cancellation_slot(handler_);
  }
  allocator_type get_allocator() const noexcept { return asio::get_associated_allocator(handler_); }

  void operator()(std::exception_ptr ep, op_result<T> r) {
    if (ep) std::get<0>(r) = error_from_exception(ep);
    std::move(handler_)(std::get<0>(r), std::move(std::get<1>(r)));
  }

 private:
  Handler handler_;
  Executor ex_;
};

/// The one initiation object of every operation: `Body(state, args...)` makes the coroutine.
/// Named per operation through an alias (`initiate_get_call`), so async_initiate sees a
/// distinct, stateless-but-for-the-client initiation type for each.
template <class State, class T, auto Body>
struct initiation {
  std::shared_ptr<State> state;

  template <class Handler, class... Args>
  void operator()(Handler&& handler, Args&&... args) const {
    const asio::any_io_executor& io = state->executor();
    auto ex = asio::get_associated_executor(handler, io);
    asio::co_spawn(
        asio::make_strand(io), Body(state, std::forward<Args>(args)...),
        op_completion<T, std::decay_t<Handler>, decltype(ex)>(std::forward<Handler>(handler), std::move(ex)));
  }
};

}  // namespace smallest::atoms::detail

#endif
