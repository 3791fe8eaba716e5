// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_TIME_HPP
#define SMALLEST_ATOMS_MODELS_TIME_HPP

// Time stamps as the service writes them: ISO-8601 strings in UTC, millisecond precision
// ("2026-07-28T15:46:12.472Z"). libstdc++ 12 has no std::chrono::parse, hence a parser of ours.

#include <smallest/atoms/detail/config.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace smallest::atoms {

/// A point in time, UTC, with the service's precision (milliseconds).
using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// Parses an ISO-8601 / RFC 3339 time stamp; returns nullopt for anything else.
///
/// Accepted, and nothing more (no leading or trailing characters):
///  - `YYYY-MM-DD` (midnight UTC);
///  - `YYYY-MM-DDTHH:MM:SS`, where `T` may also be `t` or a space;
///  - an optional fraction of any length after the seconds (`.4`, `.472`, `.472123456`),
///    truncated to milliseconds;
///  - an optional zone: `Z`/`z`, `+HH:MM`, `-HH:MM`, `+HHMM`, `-HHMM`. Without one the time
///    is taken as UTC, which is what the service means.
///
/// Every field is range-checked against the calendar (no 30 February, 29 February only in
/// leap years; hours 00–23, minutes and seconds 00–59, offsets up to ±23:59). `24:00:00`
/// (with no fraction) is ISO-8601's end of the day and means the next midnight; a leap second
/// (`:60`) is rejected, since a `sys_time` cannot represent it and the service never sends one.
ATOMS_DECL std::optional<timestamp> parse_iso8601(std::string_view text) noexcept;

/// Formats `t` the way the service does: `2026-07-28T15:46:12.472Z` (always UTC, always
/// three fraction digits). `parse_iso8601(format_iso8601(t)) == t` for years 0000–9999.
ATOMS_DECL std::string format_iso8601(timestamp t);

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/time.ipp>
#endif

#endif
