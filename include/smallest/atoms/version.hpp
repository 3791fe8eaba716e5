// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_VERSION_HPP
#define SMALLEST_ATOMS_VERSION_HPP

// The library's version, for preprocessor checks (`#if ATOMS_VERSION >= 100`) and for logs.
// Semantic versioning: while the major version is 0, a new minor version may break the API;
// a patch version never does. CMake's configure step fails if these numbers and the
// project(VERSION) of CMakeLists.txt disagree, so the two cannot drift apart.

#define ATOMS_VERSION_MAJOR 0
#define ATOMS_VERSION_MINOR 1
#define ATOMS_VERSION_PATCH 0

// MAJOR * 100000 + MINOR * 100 + PATCH, as BOOST_VERSION is: 0.1.0 is 100, 1.2.3 is 100203.
#define ATOMS_VERSION 100

#define ATOMS_VERSION_STRING "0.1.0"

static_assert(ATOMS_VERSION == ATOMS_VERSION_MAJOR * 100000 + ATOMS_VERSION_MINOR * 100 + ATOMS_VERSION_PATCH,
              "ATOMS_VERSION must be MAJOR * 100000 + MINOR * 100 + PATCH");

#endif
