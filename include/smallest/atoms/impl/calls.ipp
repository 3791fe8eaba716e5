// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_CALLS_IPP
#define SMALLEST_ATOMS_IMPL_CALLS_IPP

#include <smallest/atoms/detail/calls.hpp>
#include <smallest/atoms/detail/client_state.hpp>

#include <boost/asio/this_coro.hpp>

namespace smallest::atoms::detail {

// An id is one path segment: percent-encoding keeps '/', '?' and '%' inside it, but "." and
// ".." are dot-segments a server or proxy may resolve, and "" names the list.
ATOMS_DECL bool valid_segment(std::string_view id) { return !id.empty() && id != "." && id != ".."; }

ATOMS_DECL asio::awaitable<op_result<call_details>> get_call(std::shared_ptr<client_state> s,
                                                             std::string call_id, diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(call_id)) {
    (*diag).message = "call_id must be a call id such as CALL-1737000000000-abc123, not empty, '.' or '..'";
    co_return op_result<call_details>{errc::invalid_argument, {}};
  }
  // Named, not a temporary: g++ 12 destroys temporaries of a co_await expression twice.
  api_request request{.path = "/conversation/" + http::encode_component(call_id)};
  co_return co_await s->fetch<call_details>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<call_page>> get_calls(std::shared_ptr<client_state> s,
                                                           call_filter filter, diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  api_request request{.path = "/conversation"};
  if (std::string why; !call_query(filter, request.query, why)) {
    (*diag).message = std::move(why);
    co_return op_result<call_page>{errc::invalid_argument, {}};
  }
  co_return co_await s->fetch<call_page>(std::move(request), *diag);
}

}  // namespace smallest::atoms::detail

#endif
