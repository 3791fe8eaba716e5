// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_DETAIL_JSON_DECODE_HPP
#define SMALLEST_ATOMS_MODELS_DETAIL_JSON_DECODE_HPP

// The toolkit behind every hand-written `tag_invoke(value_to_tag<T>, value const&)` of the
// models: readers that accept what the service really sends (integers written as `120.0`,
// `null` for "nothing") and throw `json_decode_error` for what would be a lie (a string where
// a number belongs).
//
// The JSON path in the error is built on the way out: a reader throws with an empty path, and
// each enclosing member or element catches, prepends its key or `[i]`, and rethrows the same
// exception. The happy path does no string work at all.
//
// Everything here is small and called once per JSON value, so it is defined inline in the
// header (also with ATOMS_SEPARATE_COMPILATION): the compiler inlines it into the mappings.

#include <smallest/atoms/models/detail/text.hpp>
#include <smallest/atoms/models/open_enum.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace smallest::atoms::detail {

/// Thrown when a JSON document does not have the shape a model requires.
/// `what()` is "<path>: <problem>", e.g.
/// `$.data.transcript[2].role: expected a string, got a number`.
class json_decode_error : public std::runtime_error {
 public:
  /// `problem` at `path` (relative to the root, e.g. ".callId"; empty for the root itself).
  explicit json_decode_error(std::string problem, std::string path = {})
      : std::runtime_error(problem), problem_(std::move(problem)), relative_(std::move(path)) {
    rebuild();
  }

  /// The JSON path of the offending value, from the root: `$.data.postCallAnalytics…`.
  std::string const& path() const noexcept { return path_; }

  /// What is wrong there, without the path: `expected a string, got a number`.
  std::string const& problem() const noexcept { return problem_; }

  char const* what() const noexcept override { return what_.c_str(); }

  /// Prepends `.key` (or `["key"]` for a key that is not an identifier) to the path.
  void prepend_key(std::string_view key) {
    std::string p;
    if (is_identifier(key)) {
      p.reserve(1 + key.size() + relative_.size());
      p += '.';
      p += key;
    } else {
      p += "[\"";
      for (char c : key) {
        if (c == '"' || c == '\\') p += '\\';
        p += c;
      }
      p += "\"]";
    }
    p += relative_;
    relative_ = std::move(p);
    rebuild();
  }

  /// Prepends `[index]` to the path.
  void prepend_index(std::size_t index) {
    // Written by hand: `"[" + std::to_string(i)` trips g++ 12's false -Wrestrict at -O3.
    char buf[24];
    char* p = buf + sizeof buf;
    *--p = ']';
    do {
      *--p = static_cast<char>('0' + index % 10);
      index /= 10;
    } while (index != 0);
    *--p = '[';
    relative_.insert(0, p, static_cast<std::size_t>(buf + sizeof buf - p));
    rebuild();
  }

  /// Sets the name of the root ("$" unless told otherwise; "$.data" for an envelope's data).
  void set_root(std::string_view root) {
    root_.assign(root.data(), root.size());
    rebuild();
  }

 private:
  static bool is_identifier(std::string_view key) noexcept {
    if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
    for (char c : key)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '$'))
        return false;
    return true;
  }

  void rebuild() {
    path_ = root_ + relative_;
    what_ = path_ + ": " + problem_;
  }

  std::string problem_;
  std::string relative_;
  std::string root_ = "$";
  std::string path_;
  std::string what_;
};

/// "a string", "a number", "an object", … for error messages.
inline char const* json_kind_name(boost::json::value const& v) noexcept {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "an unknown kind of value";
}

/// Throws `expected <what>, got <kind of v>`.
[[noreturn]] inline void throw_unexpected(char const* what, boost::json::value const& v) {
  throw json_decode_error(std::string("expected ") + what + ", got " + json_kind_name(v));
}

/// Runs `f()`; if it throws `json_decode_error`, prepends `.key` to its path.
template <class F>
decltype(auto) at_key(std::string_view key, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (json_decode_error& e) {
    e.prepend_key(key);
    throw;
  }
}

/// Runs `f()`; if it throws `json_decode_error`, prepends `[index]` to its path.
template <class F>
decltype(auto) at_index(std::size_t index, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (json_decode_error& e) {
    e.prepend_index(index);
    throw;
  }
}

// ---- scalar readers ------------------------------------------------------------------------

inline boost::json::object const& expect_object(boost::json::value const& v) {
  if (auto const* o = v.if_object()) return *o;
  throw_unexpected("an object", v);
}

inline boost::json::array const& expect_array(boost::json::value const& v) {
  if (auto const* a = v.if_array()) return *a;
  throw_unexpected("an array", v);
}

inline std::string_view expect_string(boost::json::value const& v) {
  if (auto const* s = v.if_string()) return std::string_view(s->data(), s->size());
  throw_unexpected("a string", v);
}

inline std::string read_string(boost::json::value const& v) { return std::string(expect_string(v)); }

/// Any JSON number, as a double.
inline double read_number(boost::json::value const& v) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      // Boost.JSON reads 1e400 as infinity and 0e400 as NaN: no quantity the service means.
      if (!std::isfinite(v.get_double()))
        throw json_decode_error("expected a finite number, got one beyond the range of a double");
      return v.get_double();
    case boost::json::kind::int64: return static_cast<double>(v.get_int64());
    case boost::json::kind::uint64: return static_cast<double>(v.get_uint64());
    default: throw_unexpected("a number", v);
  }
}

/// An integer: `120` or `120.0` (JavaScript writes integers that way at times), not `120.5`.
inline std::int64_t read_integer(boost::json::value const& v) {
  switch (v.kind()) {
    case boost::json::kind::int64: return v.get_int64();
    case boost::json::kind::uint64:
      if (v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v.get_uint64());
      throw json_decode_error("integer out of range: " + std::to_string(v.get_uint64()));
    case boost::json::kind::double_: {
      double const d = v.get_double();
      // [-2^63, 2^63): both bounds are exact doubles.
      if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d)
        return static_cast<std::int64_t>(d);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      throw json_decode_error(std::trunc(d) == d ? std::string("integer out of range: ") + buf
                                                 : std::string("expected an integer, got ") + buf);
    }
    default: throw_unexpected("an integer", v);
  }
}

inline bool read_bool(boost::json::value const& v) {
  if (auto const* b = v.if_bool()) return *b;
  throw_unexpected("a boolean", v);
}

/// A number of seconds or milliseconds since 1970: `n` with |n| >= 1e11 is milliseconds, a
/// smaller one is seconds (1e11 s is the year 5138, 1e11 ms is March 1973, so the two readings
/// only collide for milliseconds before 1973). Rounded to the nearest millisecond, so that
/// seconds with a fraction (1785253572.472) are not cut short by binary floating point.
inline timestamp timestamp_from_epoch_number(double n) {
  double const ms = std::fabs(n) >= 1e11 ? n : n * 1000.0;
  // Years 0000–9999, as for the strings.
  if (!(ms >= -62167219200000.0 && ms < 253402300800000.0)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", n);
    throw json_decode_error(std::string("time stamp out of range: ") + buf);
  }
  return timestamp{std::chrono::milliseconds{std::llround(ms)}};
}

/// A time stamp: an ISO-8601 string (see `parse_iso8601`) or a number since the epoch (see
/// `timestamp_from_epoch_number`).
inline timestamp read_timestamp(boost::json::value const& v) {
  if (auto const* s = v.if_string()) {
    if (auto t = parse_iso8601(std::string_view(s->data(), s->size()))) return *t;
    // Quote at most 40 characters of what was sent: enough to recognise, never a flood.
    std::string_view const sent(s->data(), s->size());
    throw json_decode_error("expected an ISO-8601 time stamp, got \"" + std::string(utf8_prefix(sent, 40)) +
                            (sent.size() > 40 ? "\"..." : "\""));
  }
  if (v.is_number()) return timestamp_from_epoch_number(read_number(v));
  throw_unexpected("a time stamp (a string or a number)", v);
}

// ---- generic reader --------------------------------------------------------------------------

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

template <class T>
struct is_open_enum : std::false_type {};
template <class E>
struct is_open_enum<open_enum<E>> : std::true_type {};

template <class T>
T read(boost::json::value const& v);

/// `null` → nullopt; anything else must be a `T`. (A missing key never reaches a reader: the
/// field keeps its default, nullopt.)
template <class T>
std::optional<T> read_optional(boost::json::value const& v) {
  if (v.is_null()) return std::nullopt;
  return read<T>(v);
}

/// An array whose every element is a `T`; an element's error names its `[i]`.
template <class T>
std::vector<T> read_vector(boost::json::value const& v) {
  auto const& a = expect_array(v);
  std::vector<T> out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) at_index(i, [&] { out.push_back(read<T>(a[i])); });
  return out;
}

/// A copy of a free-form object in the default memory resource: the document it comes from
/// may live in an arena that is freed once the response is decoded (a plain copy would keep
/// the source's resource).
inline boost::json::object read_object(boost::json::value const& v) {
  return boost::json::object(expect_object(v), boost::json::storage_ptr());
}

/// A string naming an enumerator; one we do not know keeps its spelling in `raw`.
template <class E>
open_enum<E> read_open_enum(boost::json::value const& v) {
  return open_enum<E>::parse(expect_string(v));
}

/// Reads a `T`: std::string, double (any number), std::int64_t (integral number), bool,
/// timestamp, std::optional<U>, std::vector<U>, open_enum<E>, boost::json::object / array /
/// value (copied as they are, into the default memory resource), or any model with a
/// `tag_invoke(value_to_tag<T>, value const&)`.
template <class T>
T read(boost::json::value const& v) {
  if constexpr (std::is_same_v<T, std::string>)
    return read_string(v);
  else if constexpr (std::is_same_v<T, double>)
    return read_number(v);
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return read_integer(v);
  else if constexpr (std::is_same_v<T, bool>)
    return read_bool(v);
  else if constexpr (std::is_same_v<T, timestamp>)
    return read_timestamp(v);
  else if constexpr (is_optional<T>::value)
    return read_optional<typename T::value_type>(v);
  else if constexpr (is_vector<T>::value)
    return read_vector<typename T::value_type>(v);
  else if constexpr (is_open_enum<T>::value)
    return read_open_enum<typename T::enum_type>(v);
  else if constexpr (std::is_same_v<T, boost::json::object>)
    return read_object(v);
  else if constexpr (std::is_same_v<T, boost::json::array>)
    return boost::json::array(expect_array(v), boost::json::storage_ptr());
  else if constexpr (std::is_same_v<T, boost::json::value>)
    return boost::json::value(v, boost::json::storage_ptr());
  else {
    // Boost's own conversions of other arithmetic types would throw system_error, not
    // json_decode_error, and accept less (no 120.0 for an int): name a type above instead.
    static_assert(!std::is_arithmetic_v<T>, "read<T>: use double, std::int64_t or bool");
    return boost::json::value_to<T>(v);
  }
}

/// Reads a member that the service may also send as `null`: `null` leaves `out` as it is (its
/// default: nullopt, empty, unknown); anything else must be a `T`.
template <class T>
void read_nullable(boost::json::value const& v, T& out) {
  if (!v.is_null()) out = read<T>(v);
}

/// Calls `f(key, value)` for each member of the object `v`, prepending the key to the path of
/// any `json_decode_error` thrown from `f`. One pass over the members, dispatching on the key,
/// is cheaper than a lookup per field, and lets unknown keys land in an `extra` object.
template <class F>
void for_each_member(boost::json::value const& v, F&& f) {
  for (auto const& kv : expect_object(v)) {
    std::string_view const key = kv.key();
    try {
      f(key, kv.value());
    } catch (json_decode_error& e) {
      e.prepend_key(key);
      throw;
    }
  }
}

/// The error for a required member that is absent: its path names the member.
inline json_decode_error missing_member(std::string_view key) {
  json_decode_error e("required member is missing");
  e.prepend_key(key);
  return e;
}

/// Decodes a whole document as a `T`; a `json_decode_error` carries the full path from `root`
/// (`$` by default; say "$.data" when `jv` is the `data` of the service's envelope).
template <class T>
T decode_json(boost::json::value const& jv, std::string_view root = "$") {
  try {
    return read<T>(jv);
  } catch (json_decode_error& e) {
    e.set_root(root);
    throw;
  }
}

}  // namespace smallest::atoms::detail

#endif
