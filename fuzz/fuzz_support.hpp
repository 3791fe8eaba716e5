// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef ATOMS_FUZZ_SUPPORT_HPP
#define ATOMS_FUZZ_SUPPORT_HPP

// What both libFuzzer targets share: a check that aborts (libFuzzer then keeps the input as a
// crash-* file) and small, independent readers of what the library writes, so an invariant is
// checked against code that is not the code under test.

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

/// Aborts with `what` and the source line when `cond` is false. Always on (no NDEBUG).
#define FUZZ_CHECK(cond, what)                                        \
  do {                                                                \
    if (!(cond)) ::atoms_fuzz::fail(__FILE__, __LINE__, #cond, what); \
  } while (false)

namespace atoms_fuzz {

[[noreturn]] inline void fail(char const* file, int line, char const* cond, std::string_view what) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n  %.*s\n", file, line, cond,
               static_cast<int>(what.size()), what.data());
  std::abort();
}

/// RFC 3986 unreserved: what the library's percent-encoder leaves as it is.
constexpr bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/// True if `s` is what the encoder may write: unreserved characters and `%XX` with upper-case
/// hex digits, where XX is a byte that is not unreserved (nothing is encoded twice, nothing
/// needlessly).
inline bool is_strictly_encoded(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto const c = static_cast<unsigned char>(s[i]);
    if (is_unreserved(c)) continue;
    if (c != '%' || i + 2 >= s.size()) return false;
    char const h = s[i + 1], l = s[i + 2];
    if (!((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F')) ||
        !((l >= '0' && l <= '9') || (l >= 'A' && l <= 'F')))
      return false;
    if (is_unreserved(static_cast<unsigned char>(hex_value(h) * 16 + hex_value(l)))) return false;
    i += 2;
  }
  return true;
}

/// Percent-decodes `s`; nullopt for a '%' not followed by two hex digits.
inline std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int const h = hex_value(s[i + 1]), l = hex_value(s[i + 2]);
    if (h < 0 || l < 0) return std::nullopt;
    out.push_back(static_cast<char>(h * 16 + l));
    i += 2;
  }
  return out;
}

/// True for a byte that may appear as itself in an HTTP/1.1 request-target (RFC 9112 origin-form
/// and absolute-form: RFC 3986 pchar, '/', '?', and '%' of a percent-encoding). No control
/// character, space, '#', '"', '<', '>', '\\', '^', '`', '{', '|', '}' or byte above 0x7E.
constexpr bool is_target_char(unsigned char c) noexcept {
  if (is_unreserved(c)) return true;
  switch (c) {
    case '%':
    case '/':
    case '?':
    case ':':
    case '@':
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
    case '[':  // only inside an IP-literal host of an absolute-form target
    case ']': return true;
    default: return false;
  }
}

/// The first byte of `s` that cannot be part of a request-target, or npos.
inline std::size_t bad_target_char(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!is_target_char(static_cast<unsigned char>(s[i]))) return i;
  return std::string_view::npos;
}

/// True if `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
inline bool is_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    auto const c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    unsigned cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      auto const d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

/// `s` shortened for a message, with bytes outside printable ASCII as \xNN.
inline std::string printable(std::string_view s, std::size_t max = 200) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    auto const c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

}  // namespace atoms_fuzz

#endif
