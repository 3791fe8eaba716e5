// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_TIME_IPP
#define SMALLEST_ATOMS_IMPL_TIME_IPP

#include <smallest/atoms/models/time.hpp>

#include <cstddef>
#include <cstdint>

namespace smallest::atoms {

namespace detail {

// Two decimal digits at p (the caller checked that they are there); -1 if either is not one.
constexpr int iso_digits2(char const* p) noexcept {
  unsigned const a = static_cast<unsigned char>(p[0]) - unsigned('0');
  unsigned const b = static_cast<unsigned char>(p[1]) - unsigned('0');
  return (a > 9 || b > 9) ? -1 : static_cast<int>(a * 10 + b);
}

}  // namespace detail

ATOMS_DECL std::optional<timestamp> parse_iso8601(std::string_view s) noexcept {
  using namespace std::chrono;
  using detail::iso_digits2;
  // Called once per transcript turn: fixed offsets, no loops but the fraction's.
  std::size_t const n = s.size();
  char const* const p = s.data();

  // YYYY-MM-DD
  if (n < 10 || p[4] != '-' || p[7] != '-') return std::nullopt;
  int const y_hi = iso_digits2(p), y_lo = iso_digits2(p + 2);
  int const mo = iso_digits2(p + 5), d = iso_digits2(p + 8);
  if (y_hi < 0 || y_lo < 0 || mo < 0 || d < 0) return std::nullopt;
  year_month_day const ymd{year{y_hi * 100 + y_lo}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  timestamp t{sys_days{ymd}};
  if (n == 10) return t;  // date only

  // [Tt ]HH:MM:SS
  if (n < 19 || (p[10] != 'T' && p[10] != 't' && p[10] != ' ') || p[13] != ':' || p[16] != ':')
    return std::nullopt;
  int const hh = iso_digits2(p + 11), mi = iso_digits2(p + 14), ss = iso_digits2(p + 17);
  if (hh < 0 || mi < 0 || ss < 0 || hh > 24 || mi > 59 || ss > 59) return std::nullopt;

  // .fraction of any length, truncated to milliseconds
  std::size_t pos = 19;
  int ms = 0;
  bool nonzero_fraction = false;
  if (pos < n && p[pos] == '.') {
    std::size_t const first = ++pos;
    for (; pos < n && p[pos] >= '0' && p[pos] <= '9'; ++pos) {
      int const digit = p[pos] - '0';
      if (pos - first < 3) ms = ms * 10 + digit;  // later digits add nothing: truncation
      nonzero_fraction = nonzero_fraction || digit != 0;
    }
    std::size_t const digits = pos - first;
    if (digits == 0) return std::nullopt;  // "12." has no fraction
    ms *= digits == 1 ? 100 : digits == 2 ? 10 : 1;
  }
  if (hh == 24 && (mi != 0 || ss != 0 || nonzero_fraction)) return std::nullopt;
  t += hours{hh} + minutes{mi} + seconds{ss} + milliseconds{ms};

  // Z, ±HH:MM, ±HHMM, or nothing (UTC)
  if (pos == n) return t;
  char const z = p[pos++];
  if (z == 'Z' || z == 'z') return pos == n ? std::optional<timestamp>{t} : std::nullopt;
  if (z != '+' && z != '-') return std::nullopt;
  std::size_t const rest = n - pos;
  bool const colon = rest == 5 && p[pos + 2] == ':';
  if (rest != 4 && !colon) return std::nullopt;
  int const oh = iso_digits2(p + pos), om = iso_digits2(p + pos + (colon ? 3 : 2));
  if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::nullopt;
  minutes const offset{oh * 60 + om};
  // Local time = UTC + offset, so UTC = local - offset.
  return z == '+' ? t - offset : t + offset;
}

ATOMS_DECL std::string format_iso8601(timestamp t) {
  using namespace std::chrono;
  sys_days const midnight = floor<days>(t);
  year_month_day const ymd{midnight};
  auto const in_day = t - midnight;  // [0, 24h), also before 1970
  auto const h = duration_cast<hours>(in_day);
  auto const m = duration_cast<minutes>(in_day - h);
  auto const s = duration_cast<seconds>(in_day - h - m);
  auto const ms = in_day - h - m - s;

  char buf[40];
  std::size_t n = 0;
  auto put = [&](long long v, int width) {
    char tmp[24];
    int len = 0;
    do {
      tmp[len++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0 || len < width);
    while (len > 0) buf[n++] = tmp[--len];
  };
  int y = static_cast<int>(ymd.year());
  if (y < 0) {
    buf[n++] = '-';
    y = -y;
  }
  put(y, 4);
  buf[n++] = '-';
  put(static_cast<unsigned>(ymd.month()), 2);
  buf[n++] = '-';
  put(static_cast<unsigned>(ymd.day()), 2);
  buf[n++] = 'T';
  put(h.count(), 2);
  buf[n++] = ':';
  put(m.count(), 2);
  buf[n++] = ':';
  put(s.count(), 2);
  buf[n++] = '.';
  put(ms.count(), 3);
  buf[n++] = 'Z';
  return std::string(buf, n);
}

}  // namespace smallest::atoms

#endif
