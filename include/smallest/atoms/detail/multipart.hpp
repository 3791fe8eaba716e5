// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_MULTIPART_HPP
#define SMALLEST_ATOMS_DETAIL_MULTIPART_HPP

// The two encodings of an upload: CSV (RFC 4180) for the file, multipart/form-data (RFC 7578)
// for the form that carries it. CRLF everywhere, as both RFCs say.

#include <smallest/atoms/detail/config.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace smallest::atoms::detail {

/// Appends `field` to `out` as one CSV field: quoted when it holds a comma, a quote, CR or LF
/// (its quotes doubled), as it is otherwise. Bytes are copied unchanged (UTF-8 stays UTF-8).
ATOMS_DECL void append_csv_field(std::string& out, std::string_view field);

/// One part of a form. `name` and `filename` are ours (ASCII, no quote, no CR or LF): they go
/// into a header unescaped.
struct form_part {
  std::string name{};
  std::string filename{};      ///< Empty: a plain field; otherwise a file.
  std::string content_type{};  ///< Empty: none (a plain field is text/plain by default).
  std::string body{};
};

/// A random boundary ("atoms-" and 32 hex digits) that occurs in no part's body: drawn again
/// until it does not, so a body can never end the part early.
ATOMS_DECL std::string choose_boundary(const std::vector<form_part>& parts);

/// The multipart/form-data body of `parts`, delimited by `boundary` (which must not occur in
/// any part). Send with `Content-Type: multipart/form-data; boundary=<boundary>`.
ATOMS_DECL std::string encode_multipart(const std::vector<form_part>& parts, std::string_view boundary);

}  // namespace smallest::atoms::detail

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/multipart.ipp>
#endif

#endif
