// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_CONFIG_HPP
#define SMALLEST_ATOMS_DETAIL_CONFIG_HPP

// One place for the build mode and for the Asio names whose spelling depends on the
// Boost version.
//
// Header-only is the default: every non-template definition in impl/*.ipp is `inline`.
// Define ATOMS_SEPARATE_COMPILATION in every translation unit, and include
// <smallest/atoms/src.hpp> in exactly one of them, to compile those definitions once.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/system/error_code.hpp>

#ifdef ATOMS_SEPARATE_COMPILATION
#define ATOMS_DECL
#else
#define ATOMS_DECL inline
#endif

namespace smallest::atoms {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

namespace detail {
// Boost 1.81 has no default completion token of its own; ours is named once, here.
using default_token = asio::deferred_t;
} // namespace detail

} // namespace smallest::atoms

#endif
