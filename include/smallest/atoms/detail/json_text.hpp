// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_JSON_TEXT_HPP
#define SMALLEST_ATOMS_DETAIL_JSON_TEXT_HPP

// A JSON writer whose numbers read as people and services write them. Boost.JSON 1.81's
// serialize writes doubles in exponent form ("1.2E2", "4.213E-1"); this one writes the
// shortest decimal form ("120", "0.4213"), and, on request, keeps ".0" on an integral double
// ("120.0") as services written in Python do. Strings are escaped as JSON requires and UTF-8
// passes through.

#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

namespace smallest::atoms::detail {

/// How an integral double is written: "120" (bare) or "120.0" (with_point).
enum class json_doubles { bare, with_point };

inline void write_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // s[plain, i) needs no escape: appended in one go
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += hex[(static_cast<unsigned char>(c) >> 4) & 0xf];
        out += hex[static_cast<unsigned char>(c) & 0xf];
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

template <class Number>
void write_json_number(std::string& out, Number n) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

inline void write_json_double(std::string& out, double d, json_doubles mode) {
  if (!std::isfinite(d)) {
    out += "null";  // what JSON.stringify does with NaN and Infinity
    return;
  }
  const std::size_t start = out.size();
  write_json_number(out, d);
  if (mode == json_doubles::with_point && out.find_first_of(".eE", start) == std::string::npos) out += ".0";
}

inline void write_json(std::string& out, const boost::json::value& v, json_doubles mode) {
  switch (v.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: write_json_number(out, v.get_int64()); break;
    case boost::json::kind::uint64: write_json_number(out, v.get_uint64()); break;
    case boost::json::kind::double_: write_json_double(out, v.get_double(), mode); break;
    case boost::json::kind::string: write_json_string(out, v.get_string()); break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write_json(out, e, mode);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        write_json_string(out, kv.key());
        out += ':';
        write_json(out, kv.value(), mode);
      }
      out += '}';
      break;
    }
  }
}

inline std::string to_json_text(const boost::json::value& v, json_doubles mode) {
  std::string out;
  write_json(out, v, mode);
  return out;
}

}  // namespace smallest::atoms::detail

#endif
