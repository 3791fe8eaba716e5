// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_OPEN_ENUM_HPP
#define SMALLEST_ATOMS_MODELS_OPEN_ENUM_HPP

// An enumeration the service may extend at any time (it adds call statuses, for one): a strong
// enum for the values we know, and the string as sent, so a value we do not know yet is kept
// rather than lost or turned into an error.

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace smallest::atoms {

/// Specialize for each strong enum used with `open_enum`:
///
///     template <> struct enum_spelling<call_status> {
///         static constexpr std::string_view names[] = {"unknown", "pending", ...};
///     };
///
/// `names[i]` is the service's spelling of the enumerator whose value is `i`; the enum's first
/// enumerator is `unknown` (value 0), spelt "unknown".
template <class Enum>
struct enum_spelling;

namespace detail {

constexpr bool is_enum_separator(char c) noexcept { return c == '_' || c == '-' || c == ' '; }

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Equal ignoring ASCII case and the separators '_', '-' and ' ': the service spells the same
// value "in_queue" in one place and "IN_QUEUE" in another, a call type "telephony_outbound"
// in call logs and "telephonyOutbound" in webhooks.
constexpr bool enum_name_equal(std::string_view a, std::string_view b) noexcept {
  std::size_t i = 0, j = 0;
  for (;;) {
    while (i < a.size() && is_enum_separator(a[i])) ++i;
    while (j < b.size() && is_enum_separator(b[j])) ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size();
    if (ascii_lower(a[i]) != ascii_lower(b[j])) return false;
    ++i;
    ++j;
  }
}

}  // namespace detail

/// The service's spelling of `e` ("unknown" for the unknown value or one out of range).
template <class Enum>
constexpr std::string_view enum_name(Enum e) noexcept {
  constexpr auto& names = enum_spelling<Enum>::names;
  auto const i = static_cast<std::size_t>(static_cast<std::underlying_type_t<Enum>>(e));
  return i < std::size(names) ? names[i] : names[0];
}

/// The enumerator spelt `text`, ignoring ASCII case and the separators `_`, `-` and space
/// ("in_queue", "IN_QUEUE" and "inQueue" all name `call_status::in_queue`); nullopt if none is.
template <class Enum>
constexpr std::optional<Enum> parse_enum(std::string_view text) noexcept {
  constexpr auto& names = enum_spelling<Enum>::names;
  for (std::size_t i = 1; i < std::size(names); ++i)  // the service's own spelling: the usual case
    if (text == names[i]) return static_cast<Enum>(i);
  for (std::size_t i = 1; i < std::size(names); ++i)
    if (detail::enum_name_equal(text, names[i])) return static_cast<Enum>(i);
  return std::nullopt;
}

/// A value of a strong enum the service may extend: `value` is the enumerator, `Enum::unknown`
/// when the service sent a spelling we do not know (or nothing); `raw` is the string exactly as
/// the service sent it (empty when it sent none), so a new status is kept, not lost.
///
///     if (d.status == call_status::completed) …
///     else if (d.status == call_status::unknown) log("new status: ", d.status.raw);
template <class Enum>
struct open_enum {
  static_assert(std::is_enum_v<Enum>, "open_enum is for strong enums with an `unknown` value");

  using enum_type = Enum;

  Enum value = Enum::unknown;
  std::string raw;

  open_enum() = default;
  /// A known value, as code writes it (`d.status = call_status::completed`): `raw` is empty.
  constexpr open_enum(Enum v) noexcept : value(v) {}
  open_enum(Enum v, std::string spelling) noexcept : value(v), raw(std::move(spelling)) {}

  /// The enumerator `text` names (see `parse_enum`), keeping `text` in `raw` either way.
  static open_enum parse(std::string_view text) {
    return open_enum{parse_enum<Enum>(text).value_or(Enum::unknown), std::string(text)};
  }

  /// True unless the value is `Enum::unknown`.
  constexpr bool known() const noexcept { return value != Enum::unknown; }

  /// A name for display: the raw string for a value we do not know (when there is one),
  /// the service's spelling of the enumerator otherwise.
  std::string_view name() const noexcept {
    return value == Enum::unknown && !raw.empty() ? std::string_view(raw) : enum_name(value);
  }

  friend constexpr bool operator==(open_enum const& a, Enum b) noexcept { return a.value == b; }

  /// Writes `name()`.
  template <class Char, class Traits>
  friend std::basic_ostream<Char, Traits>& operator<<(std::basic_ostream<Char, Traits>& os,
                                                      open_enum const& e) {
    return os << e.name();
  }

  /// Known values compare by enumerator (whatever their spelling); unknown ones by `raw`.
  friend bool operator==(open_enum const& a, open_enum const& b) noexcept {
    return a.value == b.value && (a.value != Enum::unknown || a.raw == b.raw);
  }
};

/// `e.name()`: the service's spelling, or the raw string of a value we do not know.
template <class Enum>
std::string_view to_string(open_enum<Enum> const& e) noexcept {
  return e.name();
}

/// `boost::json::value_from`: the string as the service sent it (`raw`) when there is one,
/// whatever its case ("IN_QUEUE" stays "IN_QUEUE"), else the service's spelling of `value`
/// ("completed" for `call_status::completed` set in code; "unknown" for an unset one).
template <class Enum>
void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, open_enum<Enum> const& e) {
  jv = e.raw.empty() ? enum_name(e.value) : std::string_view(e.raw);
}

}  // namespace smallest::atoms

#endif
