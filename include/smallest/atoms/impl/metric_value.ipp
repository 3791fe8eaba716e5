// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_METRIC_VALUE_IPP
#define SMALLEST_ATOMS_IMPL_METRIC_VALUE_IPP

#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/detail/json_encode.hpp>
#include <smallest/atoms/models/metric_value.hpp>

#include <charconv>
#include <cmath>
#include <system_error>

namespace smallest::atoms {

namespace detail {

inline std::string_view trim_ascii_space(std::string_view s) noexcept {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

inline bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// An optional '+', then what std::from_chars accepts, and nothing else.
template <class T>
std::optional<T> parse_whole_number(std::string_view s) noexcept {
  s = trim_ascii_space(s);
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  T v{};
  auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// An integral double in the range of int64_t.
inline std::optional<std::int64_t> integral_double(double d) noexcept {
  if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d)
    return static_cast<std::int64_t>(d);
  return std::nullopt;
}

}  // namespace detail

ATOMS_DECL metric_value_kind metric_value::kind() const noexcept {
  switch (data_.index()) {
    case 1: return metric_value_kind::string;
    case 2:
    case 3: return metric_value_kind::number;
    case 4: return metric_value_kind::boolean;
    default: return metric_value_kind::null;
  }
}

ATOMS_DECL std::optional<std::string> metric_value::as_string() const {
  if (auto const* s = if_string()) return *s;
  return std::nullopt;
}

ATOMS_DECL std::optional<bool> metric_value::as_bool() const noexcept {
  if (auto const* b = std::get_if<bool>(&data_)) return *b;
  if (auto const* s = if_string()) {
    auto const t = detail::trim_ascii_space(*s);
    if (detail::iequals_ascii(t, "true") || detail::iequals_ascii(t, "yes")) return true;
    if (detail::iequals_ascii(t, "false") || detail::iequals_ascii(t, "no")) return false;
    return std::nullopt;
  }
  if (auto n = as_number()) {
    if (*n == 0) return false;
    if (*n == 1) return true;
  }
  return std::nullopt;
}

ATOMS_DECL std::optional<std::int64_t> metric_value::as_integer() const noexcept {
  if (auto const* i = std::get_if<std::int64_t>(&data_)) return *i;
  if (auto const* d = std::get_if<double>(&data_)) return detail::integral_double(*d);
  if (auto const* s = if_string()) return detail::parse_whole_number<std::int64_t>(*s);
  return std::nullopt;
}

ATOMS_DECL std::optional<double> metric_value::as_number() const noexcept {
  if (auto const* i = std::get_if<std::int64_t>(&data_)) return static_cast<double>(*i);
  if (auto const* d = std::get_if<double>(&data_)) return *d;
  if (auto const* s = if_string()) {
    auto const d = detail::parse_whole_number<double>(*s);
    if (d && std::isfinite(*d)) return d;
  }
  return std::nullopt;
}

ATOMS_DECL std::optional<timestamp> metric_value::as_datetime() const noexcept {
  if (auto const* s = if_string()) return parse_iso8601(detail::trim_ascii_space(*s));
  return std::nullopt;
}

ATOMS_DECL std::string metric_value::to_string() const {
  switch (data_.index()) {
    case 1: return std::get<std::string>(data_);
    case 2: return std::to_string(std::get<std::int64_t>(data_));
    case 3: {
      double const d = std::get<double>(data_);
      if (auto i = detail::integral_double(d)) return std::to_string(*i);
      char buf[32];
      auto const r = std::to_chars(buf, buf + sizeof buf, d);
      return std::string(buf, r.ptr);
    }
    case 4: return std::get<bool>(data_) ? "true" : "false";
    default: return {};
  }
}

ATOMS_DECL metric_value tag_invoke(boost::json::value_to_tag<metric_value>, boost::json::value const& jv) {
  switch (jv.kind()) {
    case boost::json::kind::null: return {};
    case boost::json::kind::string:
      return metric_value(std::string(jv.get_string().data(), jv.get_string().size()));
    case boost::json::kind::bool_: return metric_value(jv.get_bool());
    case boost::json::kind::int64: return metric_value(jv.get_int64());
    case boost::json::kind::uint64: return metric_value(jv.get_uint64());
    case boost::json::kind::double_: return metric_value(jv.get_double());
    default: detail::throw_unexpected("a string, a number, a boolean or null", jv);
  }
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, metric_value const& v) {
  switch (v.data_.index()) {
    case 1: jv = std::string_view(std::get<std::string>(v.data_)); break;
    case 2: jv = std::get<std::int64_t>(v.data_); break;
    case 3: jv = detail::write_number(std::get<double>(v.data_), jv.storage()); break;
    case 4: jv = std::get<bool>(v.data_); break;
    default: jv = nullptr; break;
  }
}

}  // namespace smallest::atoms

#endif
