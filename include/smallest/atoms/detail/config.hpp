// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_CONFIG_HPP
#define SMALLEST_ATOMS_DETAIL_CONFIG_HPP

// One place for the build mode and for the Asio names whose spelling depends on the
// Boost version.
//
// Header-only is the default: every non-template definition in impl/*.ipp is `inline`.
// Define ATOMS_SEPARATE_COMPILATION in every translation unit, and include
// <smallest/atoms/src.hpp> in exactly one of them, to compile those definitions once.

// Light on purpose: the models include it and depend on Boost.JSON alone.
#include <boost/system/error_code.hpp>

#ifdef ATOMS_SEPARATE_COMPILATION
#define ATOMS_DECL
#else
#define ATOMS_DECL inline
#endif

namespace boost::asio {}

namespace smallest::atoms {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

}  // namespace smallest::atoms

#endif
