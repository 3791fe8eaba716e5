// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_CLIENT_HPP
#define SMALLEST_ATOMS_CLIENT_HPP

#include <smallest/atoms/call_filter.hpp>
#include <smallest/atoms/detail/client_state.hpp>
#include <smallest/atoms/detail/operation.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/options.hpp>

#include <boost/asio/async_result.hpp>

#include <memory>
#include <string>

namespace smallest::atoms {

namespace detail {
ATOMS_DECL asio::awaitable<op_result<call_details>> get_call(std::shared_ptr<client_state> s,
                                                             std::string call_id, diagnostics* diag);
using initiate_get_call = initiation<client_state, call_details, &get_call>;
ATOMS_DECL asio::awaitable<op_result<call_page>> get_calls(std::shared_ptr<client_state> s,
                                                           call_filter filter, diagnostics* diag);
using initiate_get_calls = initiation<client_state, call_page, &get_calls>;
}  // namespace detail

/// A client of the Atoms API.
///
/// Constructing one does no I/O; it validates the options (std::invalid_argument otherwise).
/// Copies share one connection pool. Every operation is an Asio asynchronous operation:
/// any completion token, `asio::deferred` by default, so inside an `asio::awaitable`
/// a plain `co_await client.async_x(...)` returns the result and throws
/// boost::system::system_error on failure, while `asio::as_tuple(asio::deferred)` never throws.
/// Safe to use from several threads of one io_context at once.
class client {
 public:
  using executor_type = asio::any_io_executor;

  /// Operations run on `ex` (and on strands of it); handlers run on their associated
  /// executor, `ex` by default.
  ATOMS_DECL client(executor_type ex, client_options opts);

  executor_type get_executor() const noexcept { return state_->executor(); }
  const client_options& options() const noexcept { return state_->options(); }

  /// Connections open to the API now (idle or in use).
  std::size_t open_connections() const { return state_->pool().open_connections(); }

  /// Fetches one call: status, duration, numbers, transcript, recordings, cost, latency and
  /// post-call analytics (`GET /conversation/{id}`).
  ///
  /// - Completion signature: `void(error_code, call_details)`.
  /// - Lifetimes: arguments are taken by value; `diag` must outlive the operation. The client
  ///   object itself may be destroyed while the operation runs.
  /// - Executor: the handler runs on its associated executor (the client's by default),
  ///   never inside this call.
  /// - Cancellation: terminal. The connection in use is closed, never reused, and the handler
  ///   gets asio::error::operation_aborted.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..` (nothing is sent);
  ///   errc::missing_api_key; HTTP statuses (`ec == condition::not_found` for an unknown id);
  ///   transport and TLS codes; errc::decode_error with the JSON path in `diag.message`.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, call_details))
                CompletionToken = detail::default_token>
  auto async_get_call(std::string call_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, call_details)>(
        detail::initiate_get_call{state_}, token, std::move(call_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, call_details))
                CompletionToken = detail::default_token>
  auto async_get_call(std::string call_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, call_details)>(
        detail::initiate_get_call{state_}, token, std::move(call_id), static_cast<diagnostics*>(nullptr));
  }

  /// Lists one page of call logs (`GET /conversation`): the logs, the pagination
  /// (`total`, `page`, `limit`, `has_more`, `total_pages`) and the organisation's
  /// disposition metrics configuration.
  ///
  /// - Completion signature: `void(error_code, call_page)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument, with the rule in `diag.message`, for a filter the
  ///   service would refuse or misread (limit outside 1–500, page < 1, an empty id or one
  ///   holding ',', date_from after date_to); nothing is sent. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, call_page))
                CompletionToken = detail::default_token>
  auto async_get_calls(call_filter filter, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, call_page)>(
        detail::initiate_get_calls{state_}, token, std::move(filter), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, call_page))
                CompletionToken = detail::default_token>
  auto async_get_calls(call_filter filter, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, call_page)>(
        detail::initiate_get_calls{state_}, token, std::move(filter), static_cast<diagnostics*>(nullptr));
  }

 private:
  std::shared_ptr<detail::client_state> state_;
};

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/client.ipp>
#endif

#endif
