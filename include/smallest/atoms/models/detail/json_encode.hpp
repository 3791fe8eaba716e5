// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_DETAIL_JSON_ENCODE_HPP
#define SMALLEST_ATOMS_MODELS_DETAIL_JSON_ENCODE_HPP

// Helpers for the `tag_invoke(value_from_tag, value&, T const&)` of the models: the
// counterparts of json_decode.hpp's readers, so that each encoder is a list of
// `put(o, "serviceKey", field)` lines followed by `put_extra(o, extra)`.
//
// Defined inline in the header, as the readers are: small, and called once per JSON value.

#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/open_enum.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace smallest::atoms::detail {

/// A double as JSON: the number, or null for a NaN or an infinity, which JSON cannot carry
/// (`JSON.stringify` writes null for them too; a `latencies` entry read from null is a NaN).
inline boost::json::value write_number(double d, boost::json::storage_ptr sp) {
  if (!std::isfinite(d)) return boost::json::value(nullptr, std::move(sp));
  return boost::json::value(d, std::move(sp));
}

/// The JSON for a `T`, the counterpart of `read<T>`: std::string; double (a JSON double,
/// see `write_number`); std::int64_t (a JSON integer); bool; timestamp (its ISO-8601 form,
/// `format_iso8601`, as the service writes time stamps); std::optional<U> (null when empty:
/// `put` leaves an empty one out instead); std::vector<U> (an array); boost::json::object /
/// array / value (copied as they are); anything else through its `value_from` mapping
/// (`open_enum`, `metric_value`, the models).
template <class T>
boost::json::value write(T const& x, boost::json::storage_ptr const& sp) {
  if constexpr (std::is_same_v<T, std::string>)
    return boost::json::value(std::string_view(x), sp);
  else if constexpr (std::is_same_v<T, double>)
    return write_number(x, sp);
  else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, bool>)
    return boost::json::value(x, sp);
  else if constexpr (std::is_same_v<T, timestamp>)
    // A timestamp is a std::chrono type: a value_from mapping of ours would not be found by
    // argument-dependent lookup, so it is written here.
    return boost::json::value(format_iso8601(x), sp);
  else if constexpr (is_optional<T>::value) {
    if (!x) return boost::json::value(nullptr, sp);
    return write(*x, sp);
  } else if constexpr (is_vector<T>::value) {
    boost::json::array a(sp);
    a.reserve(x.size());
    for (auto const& e : x) a.push_back(write(e, sp));
    return a;
  } else if constexpr (std::is_same_v<T, boost::json::object> || std::is_same_v<T, boost::json::array> ||
                       std::is_same_v<T, boost::json::value>)
    return boost::json::value(x, sp);
  else {
    static_assert(!std::is_arithmetic_v<T>, "write<T>: use double, std::int64_t or bool");
    return boost::json::value_from(x, sp);
  }
}

/// Writes `key: write(x)` into `o`; an empty `std::optional` is left out (the decoders read an
/// absent member and a null one alike, so absent is what is written).
template <class T>
void put(boost::json::object& o, std::string_view key, T const& x) {
  if constexpr (is_optional<T>::value) {
    if (!x) return;
  }
  o.emplace(key, write(x, o.storage()));
}

/// Writes an `open_enum` member unless it is unset (`unknown` with no spelling): the decoders
/// leave it so when the member was absent, null or "".
template <class E>
void put_enum(boost::json::object& o, std::string_view key, open_enum<E> const& e) {
  if (e.known() || !e.raw.empty()) put(o, key, e);
}

/// Writes a string member unless it is empty (for `_id`, which the decoders leave empty when it
/// is absent or null).
inline void put_nonempty(boost::json::object& o, std::string_view key, std::string const& s) {
  if (!s.empty()) put(o, key, s);
}

/// Writes every member of `extra` whose key `o` does not have yet, as it is: written after the
/// typed fields, so a typed field wins over a member of `extra` with the same key.
inline void put_extra(boost::json::object& o, boost::json::object const& extra) {
  o.reserve(o.size() + extra.size());
  for (auto const& kv : extra) o.emplace(kv.key(), kv.value());
}

}  // namespace smallest::atoms::detail

#endif
