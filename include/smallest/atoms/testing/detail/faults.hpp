// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_FAULTS_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_FAULTS_HPP

// The fault plan in force (see fault_plan in emulator_options.hpp) and its counters. A new
// plan is a new fault_state: a session keeps the one it read a request under, so replacing
// the plan never races with a request being answered, and the counters start again at 0.

#include <smallest/atoms/testing/detail/json_text.hpp>
#include <smallest/atoms/testing/detail/router.hpp>
#include <smallest/atoms/testing/emulator_options.hpp>

#include <boost/beast/http/status.hpp>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smallest::atoms::testing::detail {

class fault_state {
 public:
  explicit fault_state(fault_plan plan) : plan_(std::move(plan)), reached_(plan_.faults.size(), 0) {
    for (const fault& f : plan_.faults) {
      if (f.first == 0 && f.every == 0)
        throw std::invalid_argument("emulator fault: set `first` or `every`, or it never applies");
      if (f.what == fault::kind::status && (f.status < 400 || f.status > 599))
        throw std::invalid_argument("emulator fault: `status` must be an error status, 400 to 599");
    }
  }

  const fault_plan& plan() const noexcept { return plan_; }

  // The fault a request gets, counted as injected; nullptr for none. `path` is the request's
  // path under the base path, nullopt for a path outside it (which only "" matches).
  const fault* pick(std::optional<std::string_view> path) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < plan_.faults.size(); ++i) {
      const fault& f = plan_.faults[i];
      if (!f.path_prefix.empty() && (!path || path->substr(0, f.path_prefix.size()) != f.path_prefix))
        continue;
      const std::size_t n = ++reached_[i];
      if (n <= f.first || (f.every > 0 && n % f.every == 0)) {
        injected_.fetch_add(1);
        return &f;
      }
    }
    return nullptr;
  }

  // A fault of the plan itself (a handshake failed, a connection retired) was applied.
  void count_injected() noexcept { injected_.fetch_add(1); }
  std::size_t injected() const noexcept { return injected_.load(); }

 private:
  const fault_plan plan_;
  std::mutex mutex_;
  std::vector<std::size_t> reached_;  // requests that reached each fault
  std::atomic<std::size_t> injected_{0};
};

// The body of a fault::kind::status answer to a request whose path under the base path is
// `path` (nullopt outside it).
inline std::string fault_status_body(const fault& f, std::optional<std::string_view> path) {
  if (f.status == 429 && f.body_retry_after_sec >= 0) {
    // The document's 429 shape; its routeClass names the first segment of the path
    // ("prompt-scoring" for /prompt-scoring/score).
    std::string_view route_class = path.value_or("");
    if (!route_class.empty() && route_class.front() == '/') route_class.remove_prefix(1);
    route_class = route_class.substr(0, route_class.find('/'));
    std::string body = R"({"message":"Rate limit exceeded","rateLimit":{"routeClass":)";
    write_json_string(body, route_class);
    body += R"(,"limit":10,"retryAfterSec":)" + std::to_string(f.body_retry_after_sec) + "}}";
    return body;
  }
  // 429 says what express-rate-limit says by default, 500 what the routes' own 500 says.
  namespace http = boost::beast::http;
  std::string_view message;
  switch (f.status) {
    case 429: message = "Too many requests, please try again later."; break;
    case 500: message = "Internal server error"; break;
    case 503: message = "Service temporarily unavailable"; break;
    default: message = http::obsolete_reason(static_cast<http::status>(f.status));
  }
  return error_answer(f.status, message).body;
}

}  // namespace smallest::atoms::testing::detail

#endif
