// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_RECORDINGS_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_RECORDINGS_HPP

// Recordings on the emulator's second origin: "presigned" URLs (a call id, an expiry time
// and a signature over both) and the bytes of a recording, generated from the call id and
// the offset so a recording of any size costs no memory.

#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/record_fields.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace smallest::atoms::testing::detail {

inline std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

inline std::string hex64(std::uint64_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 0xf];
  return s;
}

inline std::string recording_signature(const recording_origin& o, std::string_view call_id,
                                       std::string_view expires_ms) {
  return hex64(fnv1a(expires_ms, fnv1a(call_id, fnv1a(hex64(o.secret)))));
}

// Unreserved characters pass, everything else is %XX.
inline std::string percent_encode(std::string_view s) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 0xf];
    }
  }
  return out;
}

// "<origin>/recordings/<callId>.mp3?X-Amz-Expires=<seconds>&Expires=<epoch ms>&Signature=<hex>"
inline std::string presigned_url(const recording_origin& o, std::string_view call_id) {
  const std::string expires = std::to_string(epoch_ms_now() + o.url_ttl.count());
  return o.base_url + "/recordings/" + percent_encode(call_id) +
         ".mp3?X-Amz-Expires=" + std::to_string((o.url_ttl.count() + 999) / 1000) + "&Expires=" + expires +
         "&Signature=" + recording_signature(o, call_id, expires);
}

// Bytes [offset, offset + n) of the recording of `call_id` into `out`: an ID3 tag header,
// then a deterministic stream (splitmix64 of the call id and the position).
inline void recording_bytes(std::string_view call_id, std::uint64_t offset, char* out, std::size_t n) {
  static constexpr unsigned char id3[10] = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0};
  const std::uint64_t seed = fnv1a(call_id);
  std::uint64_t word_index = ~std::uint64_t{0};
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t at = offset + i;
    if (at < sizeof id3) {
      out[i] = static_cast<char>(id3[at]);
      continue;
    }
    if (at / 8 != word_index) {
      word_index = at / 8;
      std::uint64_t z = seed + (word_index + 1) * 0x9e3779b97f4a7c15ULL;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
    out[i] = static_cast<char>((word >> ((at % 8) * 8)) & 0xff);
  }
}

}  // namespace smallest::atoms::testing::detail

#endif
