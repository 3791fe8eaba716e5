// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_RECORD_FIELDS_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_RECORD_FIELDS_HPP

// Reading the fields of a conversation record (a null member reads as a missing one, as the
// service's queries treat them), and the ISO 8601 timestamps records carry, both ways.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smallest::atoms::testing::detail {

inline const boost::json::value* member(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && !v->is_null() ? v : nullptr;
}

inline std::string_view string_member(const boost::json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

inline std::optional<double> number_member(const boost::json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  return std::nullopt;
}

// The agent of a record: "agent._id" in the details; "agentId" in a record a test wrote so.
inline std::string_view agent_id_of(const boost::json::object& call) {
  if (const auto* a = member(call, "agent"); a && a->is_object())
    return string_member(a->get_object(), "_id");
  return string_member(call, "agentId");
}

// Milliseconds since the epoch from "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with an
// optional "Z" or "+hh:mm" (what JavaScript's Date accepts of ISO 8601; a date alone is UTC).
inline std::optional<std::int64_t> parse_iso8601_ms(std::string_view s) {
  auto digits = [&s](std::size_t at, std::size_t n) -> std::optional<std::int64_t> {
    if (at + n > s.size()) return std::nullopt;
    std::int64_t v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  if (!y || !mo || !d || s[4] != '-' || s[7] != '-' || *mo < 1 || *mo > 12 || *d < 1 || *d > 31)
    return std::nullopt;
  std::int64_t h = 0, mi = 0, sec = 0, ms = 0, offset_min = 0;
  std::size_t at = 10;
  if (at < s.size()) {
    if (s[at] != 'T' && s[at] != ' ') return std::nullopt;
    const auto hh = digits(at + 1, 2), mm = digits(at + 4, 2);
    if (!hh || !mm || s[at + 3] != ':' || *hh > 23 || *mm > 59) return std::nullopt;
    h = *hh, mi = *mm, at += 6;
    if (at < s.size() && s[at] == ':') {
      const auto ss = digits(at + 1, 2);
      if (!ss || *ss > 59) return std::nullopt;
      sec = *ss, at += 3;
      if (at < s.size() && s[at] == '.') {
        std::size_t n = 0;
        std::int64_t scale = 100;
        for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, ++n, scale /= 10)
          ms += (s[at] - '0') * scale;
        if (n == 0) return std::nullopt;
      }
    }
    if (at < s.size() && s[at] == 'Z') {
      ++at;
    } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
      const auto oh = digits(at + 1, 2), om = digits(at + 4, 2);
      if (!oh || !om || s[at + 3] != ':') return std::nullopt;
      offset_min = (s[at] == '-' ? -1 : 1) * (*oh * 60 + *om);
      at += 6;
    }
    if (at != s.size()) return std::nullopt;
  }
  // Howard Hinnant's days_from_civil.
  const std::int64_t yy = *y - (*mo <= 2 ? 1 : 0);
  const std::int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  const std::int64_t yoe = yy - era * 400;
  const std::int64_t doy = (153 * (*mo + (*mo > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + doe - 719468;
  return ((days * 86400 + h * 3600 + mi * 60 + sec) - offset_min * 60) * 1000 + ms;
}

// "2026-01-19T17:09:47.790Z" from milliseconds since the epoch (proleptic Gregorian, UTC).
inline std::string iso8601(std::int64_t ms) {
  auto floor_div = [](std::int64_t a, std::int64_t b) { return a / b - ((a % b) < 0 ? 1 : 0); };
  const std::int64_t secs = floor_div(ms, 1000);
  const std::int64_t millis = ms - secs * 1000;
  std::int64_t days = floor_div(secs, 86400);
  const std::int64_t sod = secs - days * 86400;
  // Howard Hinnant's civil_from_days.
  days += 719468;
  const std::int64_t era = floor_div(days, 146097);
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);

  char buf[64];
  char* out = buf;
  auto put = [&out](std::int64_t v, int width) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
    for (auto n = end - digits; n < width; ++n) *out++ = '0';
    for (const char* d = digits; d != end; ++d) *out++ = *d;
  };
  put(year, 4), *out++ = '-', put(month, 2), *out++ = '-', put(day, 2), *out++ = 'T';
  put(sod / 3600, 2), *out++ = ':', put(sod / 60 % 60, 2), *out++ = ':', put(sod % 60, 2);
  *out++ = '.', put(millis, 3), *out++ = 'Z';
  return std::string(buf, out);
}

inline std::int64_t epoch_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace smallest::atoms::testing::detail

#endif
