// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_JSON_TEXT_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_JSON_TEXT_HPP

// The emulator's JSON writer: the library's (detail/json_text.hpp), keeping ".0" on integral
// doubles as services written in Python do, so that a field that is sometimes an integer and
// sometimes "120.0" reaches the client as such, and the emulator's text looks like a real
// service's rather than Boost.JSON's "1.2E2".

#include <smallest/atoms/detail/json_text.hpp>

#include <boost/json/value.hpp>

#include <string>

namespace smallest::atoms::testing::detail {

using ::smallest::atoms::detail::write_json_number;
using ::smallest::atoms::detail::write_json_string;

inline void write_json_double(std::string& out, double d) {
  ::smallest::atoms::detail::write_json_double(out, d, ::smallest::atoms::detail::json_doubles::with_point);
}

inline void write_json(std::string& out, const boost::json::value& v) {
  ::smallest::atoms::detail::write_json(out, v, ::smallest::atoms::detail::json_doubles::with_point);
}

inline std::string to_json_text(const boost::json::value& v) {
  return ::smallest::atoms::detail::to_json_text(v, ::smallest::atoms::detail::json_doubles::with_point);
}

}  // namespace smallest::atoms::testing::detail

#endif
