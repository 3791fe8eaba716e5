// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_CALLS_HPP
#define SMALLEST_ATOMS_DETAIL_CALLS_HPP

// The bodies of the two reads everything else builds on, one call and one page of calls:
// the client's operations, the ranges' fetches and the bulk fetches all run them.

#include <smallest/atoms/call_filter.hpp>
#include <smallest/atoms/detail/client_fwd.hpp>
#include <smallest/atoms/detail/operation.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace smallest::atoms::detail {

/// True for a value that is one path segment: not empty, `.` or `..`.
ATOMS_DECL bool valid_segment(std::string_view id);

ATOMS_DECL asio::awaitable<op_result<call_details>> get_call(std::shared_ptr<client_state> s,
                                                             std::string call_id, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<call_page>> get_calls(std::shared_ptr<client_state> s,
                                                           call_filter filter, diagnostics* diag);

}  // namespace smallest::atoms::detail

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/calls.ipp>
#endif

#endif
