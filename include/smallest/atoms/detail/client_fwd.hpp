// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_CLIENT_FWD_HPP
#define SMALLEST_ATOMS_DETAIL_CLIENT_FWD_HPP

// The client's shared state as the public headers see it. Header-only, its definition
// (detail/client_state.hpp). With ATOMS_SEPARATE_COMPILATION, a declaration only: the pool,
// the connection and Beast's HTTP and TLS stay in the library's compiled part, and the
// initiations learn what they need of it from the functions below (impl/client.ipp).

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/detail/operation.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/options.hpp>

#ifdef ATOMS_SEPARATE_COMPILATION

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>

namespace smallest::atoms::detail {

class client_state;

// What initiation<client_state, …> asks of the state (see state_executor in operation.hpp).
ATOMS_DECL const asio::any_io_executor& state_executor(const client_state& s) noexcept;
ATOMS_DECL std::chrono::milliseconds state_deadline(const client_state& s) noexcept;
ATOMS_DECL const asio::strand<asio::any_io_executor>* state_strand(const client_state& s) noexcept;
ATOMS_DECL bool state_serial(const client_state& s) noexcept;

}  // namespace smallest::atoms::detail

#else
#include <smallest/atoms/detail/client_state.hpp>
#endif

#endif
