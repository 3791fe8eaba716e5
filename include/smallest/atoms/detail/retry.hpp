// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_RETRY_HPP
#define SMALLEST_ATOMS_DETAIL_RETRY_HPP

// The retry layer's decisions, kept apart from the I/O that follows them so each can be
// tested alone: is a failure worth another attempt, how long to wait first (our backoff, or
// what the service asked for), and the client-wide pacing of requests.

#include <smallest/atoms/error.hpp>
#include <smallest/atoms/http/connection.hpp>
#include <smallest/atoms/options.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace smallest::atoms::detail {

/// What the first attempts of a request found, for the decision about the next one.
struct attempt_outcome {
  error_code ec;                 // the transport's error, or the HTTP status as an error
  bool request_sent = false;     // the whole request reached the socket
  bool idempotent = false;       // sending it twice does no harm
  bool full_scan_query = false;  // the query uses dateFrom, dateTo or sortBy=createdAt
};

/// Empty when the failure is worth another attempt; otherwise why not, for diagnostics.
ATOMS_DECL std::string why_not_retry(const attempt_outcome& o);

/// The wait before attempt `next` (2 for the first retry) by the policy alone; `u` in [0, 1)
/// draws the jitter.
ATOMS_DECL std::chrono::milliseconds backoff(const retry_policy& p, unsigned next, double u) noexcept;

/// The wait the service asked for: `Retry-After` (delta-seconds or IMF-fixdate),
/// `X-RateLimit-Reset` (epoch seconds, or seconds from now when small), or the error body's
/// `retry_after` / `rateLimit.retryAfterSec`; the first present wins. `now` is the wall
/// clock, for the dates.
ATOMS_DECL std::optional<std::chrono::milliseconds> server_retry_hint(
    const http::response& res, std::chrono::system_clock::time_point now);

/// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the form HTTP senders must use; in
/// seconds, so any four-digit year is representable.
ATOMS_DECL std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view s) noexcept;

/// True when `query` sends dateFrom, dateTo or sortBy=createdAt: on a large account these
/// force the full scan the OpenAPI document warns of.
ATOMS_DECL bool is_full_scan_query(std::string_view query) noexcept;

/// The request target as the observability hook may see it: the value of `search` (phone
/// numbers) replaced by `***`.
ATOMS_DECL std::string redacted_target(std::string_view path, std::string_view query);

/// A uniform draw in [0, 1) for the jitter, from a per-thread generator.
ATOMS_DECL double jitter_draw() noexcept;

/// At most R requests per second across a client: each request reserves the next free slot,
/// 1/R after the one before, and waits for it.
class rate_limiter {
 public:
  explicit rate_limiter(double per_second)
      : interval_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(1.0 / per_second))) {}

  /// When the caller's request may leave.
  std::chrono::steady_clock::time_point reserve() {
    std::lock_guard lk(mu_);
    const auto now = std::chrono::steady_clock::now();
    const auto slot = next_ > now ? next_ : now;
    next_ = slot + interval_;
    return slot;
  }

 private:
  std::mutex mu_;
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace smallest::atoms::detail

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/retry.ipp>
#endif

#endif
