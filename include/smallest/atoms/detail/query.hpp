// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_QUERY_HPP
#define SMALLEST_ATOMS_DETAIL_QUERY_HPP

// A query string, built one parameter at a time: every value percent-encoded, lists joined
// with a literal ',' (the service splits `agentIds=a,b` on commas after decoding, so a
// value holding a comma could never be told from two values: the caller refuses those).

#include <smallest/atoms/http/url.hpp>

#include <string>
#include <string_view>

namespace smallest::atoms::detail {

class query_builder {
 public:
  void add(std::string_view key, std::string_view value) {
    start(key);
    http::append_encoded(q_, value);
  }

  template <class Range, class Spell>
  void add_list(std::string_view key, const Range& values, Spell spell) {
    if (values.begin() == values.end()) return;
    start(key);
    bool first = true;
    for (const auto& v : values) {
      if (!first) q_.push_back(',');
      first = false;
      http::append_encoded(q_, spell(v));
    }
  }

  std::string str() && { return std::move(q_); }

 private:
  void start(std::string_view key) {
    if (!q_.empty()) q_.push_back('&');
    http::append_encoded(q_, key);
    q_.push_back('=');
  }
  std::string q_;
};

}  // namespace smallest::atoms::detail

#endif
