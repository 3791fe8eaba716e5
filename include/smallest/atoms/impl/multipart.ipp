// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_MULTIPART_IPP
#define SMALLEST_ATOMS_IMPL_MULTIPART_IPP

#include <smallest/atoms/detail/multipart.hpp>

#include <cstdint>
#include <random>

namespace smallest::atoms::detail {

ATOMS_DECL void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

ATOMS_DECL std::string choose_boundary(const std::vector<form_part>& parts) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  for (;;) {
    std::string b = "atoms-";
    for (int half = 0; half < 2; ++half) {
      std::uint64_t bits = rng();
      for (int i = 0; i < 16; ++i, bits >>= 4) b.push_back(hex[bits & 0xf]);
    }
    bool clash = false;
    for (const auto& p : parts) clash = clash || p.body.find(b) != std::string::npos;
    if (!clash) return b;
  }
}

ATOMS_DECL std::string encode_multipart(const std::vector<form_part>& parts, std::string_view boundary) {
  std::string out;
  std::size_t size = 8 + boundary.size();
  for (const auto& p : parts) size += 128 + boundary.size() + p.body.size();
  out.reserve(size);
  for (const auto& p : parts) {
    out.append("--").append(boundary).append("\r\n");
    out.append("Content-Disposition: form-data; name=\"").append(p.name).append("\"");
    if (!p.filename.empty()) out.append("; filename=\"").append(p.filename).append("\"");
    out.append("\r\n");
    if (!p.content_type.empty()) out.append("Content-Type: ").append(p.content_type).append("\r\n");
    out.append("\r\n").append(p.body).append("\r\n");
  }
  out.append("--").append(boundary).append("--\r\n");
  return out;
}

}  // namespace smallest::atoms::detail

#endif
