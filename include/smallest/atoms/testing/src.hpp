// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_SRC_HPP
#define SMALLEST_ATOMS_TESTING_SRC_HPP

// With ATOMS_SEPARATE_COMPILATION, a program that uses the emulator includes this file in
// exactly one .cpp (next to <smallest/atoms/src.hpp>; CMake's separately compiled library has
// it already): the emulator's server is compiled there, once. Header-only, it does nothing.

#ifdef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/testing/impl/emulator.ipp>
#endif

#endif
