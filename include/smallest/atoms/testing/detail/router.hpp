// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_ROUTER_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_ROUTER_HPP

// The emulator's route table, matched the way the service's Express router matches:
//
// - a pattern is a path under the base path with {placeholders} for whole segments;
// - the raw (still percent-encoded) path is split on '/' first and each placeholder segment
//   is percent-decoded afterwards, so "a%2Fb" is one segment whose value is "a/b";
// - a trailing slash is ignored, a placeholder never matches an empty segment;
// - a segment that is not valid percent-encoding answers 400 "Failed to decode param";
// - no match, or a match for another method, answers 404 "Cannot GET /atoms/v1/nope"
//   (Express has no 405), in the service's error shape {status: false, errors: [...]}.

#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/json_text.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smallest::atoms::testing::detail {

// What a handler answers: a status and a JSON body.
struct http_answer {
  unsigned status = 200;
  std::string body;
};

// {"status":false,"errors":["..."]}: the service's error shape (UnauthorizedErrorResponse,
// BadRequestErrorResponse, NotFoundErrorResponse, ... in the OpenAPI document).
inline http_answer error_answer(unsigned status, std::string_view message) {
  std::string body = R"({"status":false,"errors":[)";
  write_json_string(body, message);
  body += "]}";
  return {status, std::move(body)};
}

// {"status":true,"data":<data>} around JSON text that is already serialised.
inline http_answer data_answer(std::string_view data_json) {
  std::string body;
  body.reserve(data_json.size() + 32);
  body += R"({"status":true,"data":)";
  body += data_json;
  body += '}';
  return {200, std::move(body)};
}

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// decodeURIComponent: nullopt for a '%' not followed by two hex digits. `plus_is_space` for
// query strings (application/x-www-form-urlencoded, as Express's query parser reads them).
inline std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = false) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_digit(s[i + 1]);
      const int lo = hex_digit(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

// A request as a handler sees it.
struct route_request {
  std::string_view method;
  std::string_view path;                                    // raw path, without the query
  std::vector<std::pair<std::string, std::string>> params;  // {placeholder} name, decoded value
  std::vector<std::pair<std::string, std::string>> query;   // decoded, in order
  std::string_view body;
  std::string_view content_type;  // the request's Content-Type header, "" without one

  // The decoded value of a {placeholder}; "" if the pattern has none of that name.
  const std::string& param(std::string_view name) const {
    static const std::string none;
    for (const auto& [k, v] : params)
      if (k == name) return v;
    return none;
  }

  // The first value of a query parameter.
  std::optional<std::string_view> query_param(std::string_view name) const {
    for (const auto& [k, v] : query)
      if (k == name) return std::string_view(v);
    return std::nullopt;
  }

  // The body as a JSON object; nullopt when it is not JSON or not an object.
  std::optional<boost::json::object> json_object() const {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.get_object());
  }
};

using route_handler = std::function<http_answer(const route_request&, dataset&)>;

class router {
 public:
  explicit router(std::string base_path) : base_(std::move(base_path)) {}

  const std::string& base_path() const noexcept { return base_; }

  // `pattern` is relative to the base path, e.g. "/conversation/{id}".
  void add(std::string method, std::string_view pattern, route_handler handler) {
    route r{std::move(method), {}, std::move(handler)};
    for (auto& segment : split(pattern)) r.segments.emplace_back(segment);
    routes_.push_back(std::move(r));
  }

  // Whether `path` (raw, without query) is under the base path, where every route
  // requires authentication.
  bool owns(std::string_view path) const {
    return path.substr(0, base_.size()) == base_ &&
           (path.size() == base_.size() || path[base_.size()] == '/');
  }

  http_answer dispatch(std::string_view method, std::string_view target, std::string_view body, dataset& data,
                       std::string_view content_type = {}) const {
    const auto q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    http_answer not_found = error_answer(404, "Cannot " + std::string(method) + " " + std::string(path));
    if (!owns(path)) return not_found;
    const auto segments = split(path.substr(base_.size()));
    for (const route& r : routes_) {
      if (r.method != method || r.segments.size() != segments.size()) continue;
      route_request req{method, path, {}, {}, body, content_type};
      bool match = true;
      for (std::size_t i = 0; i < segments.size() && match; ++i) {
        const std::string& want = r.segments[i];
        if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
          if (segments[i].empty()) {
            match = false;
          } else if (auto value = percent_decode(segments[i])) {
            req.params.emplace_back(want.substr(1, want.size() - 2), std::move(*value));
          } else {
            return error_answer(400, "Failed to decode param '" + std::string(segments[i]) + "'");
          }
        } else {
          match = want == segments[i];
        }
      }
      if (!match) continue;
      if (!parse_query(query, req.query)) return error_answer(400, "Failed to decode query string");
      return r.handler(req, data);
    }
    return not_found;
  }

 private:
  struct route {
    std::string method;
    std::vector<std::string> segments;
    route_handler handler;
  };

  // "/a/b/" -> {"a", "b"}; "" and "/" -> {}.
  static std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> out;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (path.empty()) return out;
    for (std::size_t start = 0;;) {
      const auto slash = path.find('/', start);
      out.push_back(path.substr(start, slash - start));
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
    return out;
  }

  static bool parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>& out) {
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view item = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
      if (item.empty()) continue;
      const auto eq = item.find('=');
      auto key = percent_decode(item.substr(0, eq), true);
      auto value =
          percent_decode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1), true);
      if (!key || !value) return false;
      out.emplace_back(std::move(*key), std::move(*value));
    }
    return true;
  }

  std::string base_;
  std::vector<route> routes_;
};

}  // namespace smallest::atoms::testing::detail

#endif
