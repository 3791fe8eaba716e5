// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_DETAIL_TEXT_HPP
#define SMALLEST_ATOMS_MODELS_DETAIL_TEXT_HPP

// Cutting text that came from outside (a server, a user) for a message.

#include <cstddef>
#include <string_view>

namespace smallest::atoms::detail {

/// The longest prefix of `s` of at most `max` bytes that does not end inside a UTF-8
/// character, so a quoted excerpt stays valid UTF-8 if `s` was.
inline std::string_view utf8_prefix(std::string_view s, std::size_t max) noexcept {
  if (s.size() <= max) return s;
  std::size_t cut = max;
  // s[cut] is the first byte left out: while it continues a character, that character
  // started before the cut and goes too.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

}  // namespace smallest::atoms::detail

#endif
