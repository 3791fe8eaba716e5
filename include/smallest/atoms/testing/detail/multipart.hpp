// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_MULTIPART_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_MULTIPART_HPP

// What POST /audience reads: a multipart/form-data body (RFC 7578 over RFC 2046) and the CSV
// file in it (RFC 4180). Both are strict where a sloppy client would otherwise pass unseen: a
// body without its closing delimiter, a part without a name, a stray quote in a CSV field
// are errors, not guesses. What the RFCs allow is accepted: a quoted or bare boundary, a
// preamble and an epilogue, parts in any order, header names in any case, LF line ends in
// the CSV, bytes kept as they came (UTF-8 is never re-encoded).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smallest::atoms::testing::detail {

inline bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The parameters after the first ';' of a header value (Content-Type, Content-Disposition):
// names lowered, values unquoted (a quoted-string's backslash escapes undone). nullopt for
// a parameter that is not name=value or a quoted string left open.
inline std::optional<std::vector<std::pair<std::string, std::string>>> header_parameters(
    std::string_view value) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;  // past ';'
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    if (i == value.size()) break;
    const std::size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    std::string name(trim_ows(value.substr(i, eq - i)));
    for (auto& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (name.empty()) return std::nullopt;
    i = eq + 1;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    std::string v;
    if (i < value.size() && value[i] == '"') {
      bool closed = false;
      for (++i; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) {
          v += value[++i];
        } else if (value[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          v += value[i];
        }
      }
      if (!closed) return std::nullopt;
      while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
      if (i < value.size() && value[i] != ';') return std::nullopt;
    } else {
      const std::size_t end = value.find(';', i);
      v = std::string(trim_ows(value.substr(i, end == std::string_view::npos ? end : end - i)));
      i = end;
      out.emplace_back(std::move(name), std::move(v));
      continue;
    }
    out.emplace_back(std::move(name), std::move(v));
  }
  return out;
}

// The boundary of a "multipart/form-data; boundary=..." Content-Type (quoted or not);
// nullopt for another media type, no boundary, or one RFC 2046 forbids (empty, over 70
// characters).
inline std::optional<std::string> multipart_boundary(std::string_view content_type) {
  const std::string_view type = trim_ows(content_type.substr(0, content_type.find(';')));
  if (!ascii_iequals(type, "multipart/form-data")) return std::nullopt;
  const auto params = header_parameters(content_type);
  if (!params) return std::nullopt;
  for (const auto& [name, value] : *params)
    if (name == "boundary") {
      if (value.empty() || value.size() > 70) return std::nullopt;
      return value;
    }
  return std::nullopt;
}

struct multipart_part {
  std::string name;                     // Content-Disposition's name
  std::optional<std::string> filename;  // Content-Disposition's filename, for a file
  std::string content_type;             // "" when the part has none (text/plain, per RFC 7578)
  std::string body;                     // bytes as sent
};

struct multipart_form {
  std::vector<multipart_part> parts;
  std::string error;  // non-empty: the body is not a valid form, and why

  const multipart_part* find(std::string_view name) const {
    for (const auto& p : parts)
      if (p.name == name) return &p;
    return nullptr;
  }
};

// Splits `body` at "--<boundary>" delimiters, each at the start of the body or after CRLF.
// Every part needs a Content-Disposition of type form-data with a name, and the body must
// end with the close delimiter "--<boundary>--" (what follows it is an epilogue, ignored).
inline multipart_form parse_multipart(std::string_view body, std::string_view boundary) {
  multipart_form form;
  const std::string dash = "--" + std::string(boundary);
  const std::string delimiter = "\r\n" + dash;
  std::size_t pos;
  if (body.substr(0, dash.size()) == dash) {
    pos = dash.size();
  } else {
    const std::size_t first = body.find(delimiter);
    if (first == std::string_view::npos) {
      form.error = "no multipart boundary found";
      return form;
    }
    pos = first + delimiter.size();
  }
  for (;;) {
    // After a delimiter: "--" closes the body; otherwise optional padding and CRLF.
    if (body.substr(pos, 2) == "--") return form;
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") {
      form.error = body.size() <= pos ? "unexpected end of the multipart body (no closing boundary)"
                                      : "a multipart boundary is not followed by CRLF";
      return form;
    }
    pos += 2;
    const std::size_t headers_end = body.substr(pos, 2) == "\r\n" ? pos : body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) {
      form.error = "unexpected end of the multipart body (in a part's headers)";
      return form;
    }
    multipart_part part;
    bool named = false;
    for (std::string_view headers = body.substr(pos, headers_end - pos); !headers.empty();) {
      const std::size_t eol = headers.find("\r\n");
      const std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        form.error = "a multipart part has a malformed header line";
        return form;
      }
      const std::string_view field = line.substr(0, colon);
      const std::string_view value = trim_ows(line.substr(colon + 1));
      if (ascii_iequals(field, "Content-Disposition")) {
        if (!ascii_iequals(trim_ows(value.substr(0, value.find(';'))), "form-data")) {
          form.error = "a multipart part's Content-Disposition is not form-data";
          return form;
        }
        const auto params = header_parameters(value);
        if (!params) {
          form.error = "a multipart part has a malformed Content-Disposition";
          return form;
        }
        for (const auto& [k, v] : *params) {
          if (k == "name") {
            part.name = v;
            named = true;
          } else if (k == "filename") {
            part.filename = v;
          }
        }
      } else if (ascii_iequals(field, "Content-Type")) {
        part.content_type = std::string(value);
      }
    }
    if (!named || part.name.empty()) {
      form.error = "a multipart part has no name (Content-Disposition: form-data; name=\"...\")";
      return form;
    }
    const std::size_t content = headers_end + 4 - (headers_end == pos ? 2 : 0);
    const std::size_t next = body.find(delimiter, content);
    if (next == std::string_view::npos) {
      form.error = "unexpected end of the multipart body (no closing boundary)";
      return form;
    }
    part.body = std::string(body.substr(content, next - content));
    form.parts.push_back(std::move(part));
    pos = next + delimiter.size();
  }
}

struct csv_table {
  std::vector<std::vector<std::string>> rows;  // the header first
  std::string error;                           // non-empty: not valid CSV, and where
};

// RFC 4180, as lenient as CSV writers make it necessary and no more: records end with CRLF
// or LF (or the end of the text, with or without a final line end); a field that starts with
// '"' is quoted, may hold commas, CR, LF and "" for a quote, and must close before a comma or
// a line end; a quote inside an unquoted field is an error. Empty lines are skipped, a UTF-8
// byte order mark at the start is dropped, every other byte is kept as it is.
inline csv_table read_csv(std::string_view text) {
  csv_table t;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string> row;
  std::string field;
  std::size_t line = 1;
  bool row_has_content = false;  // a field seen (so an empty line is not a record)
  const auto end_row = [&] {
    if (row_has_content) {
      row.push_back(std::move(field));
      t.rows.push_back(std::move(row));
    }
    row.clear();
    field.clear();
    row_has_content = false;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' && field.empty()) {
      const std::size_t opened = line;
      bool closed = false;
      for (++i; i < text.size(); ++i) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            ++i;
          } else {
            closed = true;
            ++i;
            break;
          }
        } else {
          if (text[i] == '\n') ++line;
          field += text[i];
        }
      }
      if (!closed) {
        t.error = "a quoted field opened on line " + std::to_string(opened) + " is never closed";
        return t;
      }
      row_has_content = true;
      if (i < text.size() && text[i] != ',' && text[i] != '\n' &&
          !(text[i] == '\r' && text.substr(i, 2) == "\r\n")) {
        t.error =
            "line " + std::to_string(line) + ": a quoted field is followed by something other than a comma";
        return t;
      }
      continue;
    }
    if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      row_has_content = true;
      ++i;
    } else if (c == '\n' || (c == '\r' && text.substr(i, 2) == "\r\n")) {
      end_row();
      i += c == '\r' ? 2 : 1;
      ++line;
    } else if (c == '"') {
      t.error = "line " + std::to_string(line) + ": a quote inside an unquoted field";
      return t;
    } else {
      field += c;
      row_has_content = true;
      ++i;
    }
  }
  end_row();
  return t;
}

// '+' then 8 to 15 digits, the first not 0: what the service (and the client) take as E.164.
inline bool e164(std::string_view s) {
  if (s.size() < 9 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
  for (std::size_t i = 1; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace smallest::atoms::testing::detail

#endif
