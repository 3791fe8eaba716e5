// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_OPERATION_HPP
#define SMALLEST_ATOMS_DETAIL_OPERATION_HPP

// How every public operation runs, whatever the completion token: its body is a coroutine
// returning std::tuple<error_code, T> (std::tuple<error_code> when T is void), started by
// co_spawn on a strand of its own (so a cancellation, delivered through that strand, never
// races the body), and the caller's handler is completed with void(error_code, T) (or
// void(error_code)) on its associated executor. co_spawn never calls the handler inside the
// initiating function.
//
// The initiation only makes the body's frame and erases the handler's type
// (asio::any_completion_handler); launch<T> does the rest. So co_spawn and the awaitable
// machinery are instantiated once per result type T, not once per operation and token, and,
// with ATOMS_SEPARATE_COMPILATION, only in the library's compiled part (impl/operation.ipp).

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <new>
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

/// The completion signature of an operation yielding T: void(error_code, T), or
/// void(error_code) for T = void.
template <class T>
struct op_signature_of {
  using type = void(error_code, T);
};
template <>
struct op_signature_of<void> {
  using type = void(error_code);
};
template <class T>
using op_signature = typename op_signature_of<T>::type;

/// The caller's handler, whatever the token made of it. It keeps the handler's associated
/// executor (as an any_completion_executor), cancellation slot and allocator.
template <class T>
using op_handler = asio::any_completion_handler<op_signature<T>>;

/// Starts an operation's body, one function per T whatever the operation and the token: on
/// `*strand`; or, when `strand` is null, on `io` itself if `serial` (its handlers never run
/// concurrently: a strand, or an io_context run by one thread), else on a fresh strand of `io`;
/// under the deadline `limit`
/// unless it is zero (the note about it goes into `diag`, if not null); `handler` is completed
/// with the result on its associated executor (`io` when it has none), never inside this call.
/// Terminal cancellation through the handler's slot stops the body.
///
/// Header-only, it is defined in impl/operation.ipp; with ATOMS_SEPARATE_COMPILATION, src.hpp
/// instantiates it for the T of every operation, so a user's translation unit never
/// instantiates co_spawn.
template <class T>
void launch(const asio::any_io_executor& io, const asio::strand<asio::any_io_executor>* strand, bool serial,
            std::chrono::milliseconds limit, diagnostics* diag, asio::awaitable<op_result<T>> body,
            op_handler<T> handler);

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

// What an initiation asks of its State: its executor; the strand its operations share, if it
// has one; whether its executor already runs one handler at a time (else each operation runs
// on a fresh strand); its deadline, if it has one. Found by ADL, so a
// State known only by its declaration (client_state, with ATOMS_SEPARATE_COMPILATION)
// provides non-template overloads next to that declaration (detail/client_fwd.hpp).
template <class State>
const asio::any_io_executor& state_executor(const State& s) noexcept {
  return s.executor();
}
template <class State>
const asio::strand<asio::any_io_executor>* state_strand(const State& s) noexcept {
  if constexpr (requires { s.strand(); })
    return &s.strand();
  else
    return nullptr;
}
template <class State>
bool state_serial(const State& s) noexcept {
  if constexpr (requires { s.serial(); })
    return s.serial();
  else
    return false;
}
template <class State>
std::chrono::milliseconds state_deadline(const State& s) noexcept {
  if constexpr (requires { s.deadline(); })
    return s.deadline();
  else
    return std::chrono::milliseconds{0};
}

/// The one initiation object of every operation: `Body(state, args...)` makes the coroutine,
/// which runs on `state->strand()` when State has one, on the state's executor when
/// `state->serial()` says it runs one handler at a time, else on a fresh strand; and under the
/// deadline `state->deadline()` when State has one, it is not zero and `Bounded` is true.
/// Named per operation through an alias (`initiate_get_call`), so async_initiate sees a
/// distinct initiation type for each.
template <class State, class T, auto Body, bool Bounded = true>
struct initiation {
  std::shared_ptr<State> state;

  template <class Handler, class... Args>
  void operator()(Handler&& handler, Args&&... args) const {
    // An object whose operations must not overlap (a range) runs them all on its own strand.
    const asio::strand<asio::any_io_executor>* strand = state_strand(*state);
    std::chrono::milliseconds limit{0};
    if constexpr (Bounded) limit = state_deadline(*state);
    diagnostics* diag = find_diag(args...);
    // The body is lazy: this only makes its frame. Everything else is launch<T>'s.
    launch<T>(state_executor(*state), strand, state_serial(*state), limit, diag,
              Body(state, std::forward<Args>(args)...), op_handler<T>(std::forward<Handler>(handler)));
  }
};

}  // namespace smallest::atoms::detail

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/operation.ipp>
#endif

#endif
