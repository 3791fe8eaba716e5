// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_METRIC_VALUE_HPP
#define SMALLEST_ATOMS_MODELS_METRIC_VALUE_HPP

// The value of a post-call disposition metric. The service sends it as a string, a number or a
// boolean (OpenAPI: `oneOf: [integer, string, boolean]`, and `null` when the model found
// nothing), whatever type the metric declares: a BOOLEAN metric may well arrive as "yes".
// So the value is kept as sent, and read through accessors that convert where that is safe.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace smallest::atoms {

/// What a `metric_value` holds, as the service sent it.
enum class metric_value_kind { null, string, number, boolean };

/// A disposition metric's value: null, a string, a number or a boolean, exactly as sent.
///
/// The accessors convert only where nothing is guessed: `as_bool()` reads "yes"/"no", but
/// `as_string()` never turns a number into text (that is `to_string()`, for display).
/// Strings are read with surrounding ASCII white space ignored ("7\n" is the integer 7).
class metric_value {
 public:
  /// Null: the service found nothing (or sent nothing).
  metric_value() noexcept = default;
  metric_value(std::nullptr_t) noexcept {}
  metric_value(std::string s) noexcept : data_(std::move(s)) {}
  metric_value(char const* s) : data_(std::string(s)) {}
  /// Only a `bool` itself: a pointer or a character does not turn into one.
  template <std::same_as<bool> B>
  metric_value(B b) noexcept : data_(b) {}

  // Characters are not numbers: metric_value('y') does not compile.
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char> && !std::same_as<I, wchar_t> &&
           !std::same_as<I, char8_t> && !std::same_as<I, char16_t> && !std::same_as<I, char32_t>)
      metric_value(I i)
  noexcept {
    if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(std::int64_t)) {
      if (i > static_cast<std::uint64_t>(INT64_MAX)) {
        data_ = static_cast<double>(i);
        return;
      }
    }
    data_ = static_cast<std::int64_t>(i);
  }

  template <std::floating_point F>
  metric_value(F d) noexcept : data_(static_cast<double>(d)) {}

  bool is_null() const noexcept { return data_.index() == 0; }
  metric_value_kind kind() const noexcept;

  /// The string, if the value is one (no conversion: a number is not a string).
  std::optional<std::string> as_string() const;

  /// The string, if the value is one, without a copy; null otherwise.
  std::string const* if_string() const noexcept { return std::get_if<std::string>(&data_); }

  /// A boolean; the strings "true"/"false"/"yes"/"no" (any case); the numbers 0 and 1.
  std::optional<bool> as_bool() const noexcept;

  /// An integral number (`7`, `7.0`), or a string holding an integer literal ("7", "-3",
  /// "+7"); nullopt for `7.5`, "7.0", "seven", booleans and out-of-range values.
  std::optional<std::int64_t> as_integer() const noexcept;

  /// A number, or a string holding a finite decimal number ("4.5").
  std::optional<double> as_number() const noexcept;

  /// A string holding an ISO-8601 time stamp (see `parse_iso8601`). Numbers are not read as
  /// time stamps: a DATETIME metric is text written by a language model, not an epoch count.
  std::optional<timestamp> as_datetime() const noexcept;

  /// The value for display: the string as is; "true"/"false"; a number in its shortest
  /// form, integral ones without ".0" ("42", "4.5"); "" for null.
  std::string to_string() const;

 private:
  // Writes an integer as an integer and a double as a double, which `kind()` does not tell apart.
  friend void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, metric_value const& v);

  std::variant<std::monostate, std::string, std::int64_t, double, bool> data_;
};

/// Reads null, a string, a number or a boolean; an array or an object is a `json_decode_error`.
ATOMS_DECL metric_value tag_invoke(boost::json::value_to_tag<metric_value>, boost::json::value const& jv);

/// Writes the value as it was read: null, the string, the integer, the double (null for a NaN
/// or an infinity, which JSON cannot carry), the boolean.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, metric_value const& v);

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/metric_value.ipp>
#endif

#endif
