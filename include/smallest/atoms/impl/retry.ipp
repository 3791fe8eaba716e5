// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_RETRY_IPP
#define SMALLEST_ATOMS_IMPL_RETRY_IPP

#include <smallest/atoms/detail/retry.hpp>

#include <boost/asio/error.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <random>
#include <thread>

namespace smallest::atoms::detail {

ATOMS_DECL std::string why_not_retry(const attempt_outcome& o) {
  if (!o.ec) return "it succeeded";
  if (o.ec == asio::error::operation_aborted) return "cancelled";
  const bool http = o.ec.category() == http_category();
  if (!(o.ec == condition::retryable)) {
    if (http) return "HTTP " + std::to_string(o.ec.value()) + " is not transient";
    return "'" + o.ec.message() + "' is not transient";
  }
  if (http && o.ec.value() == 504 && o.full_scan_query)
    return "a 504 on a query with dateFrom, dateTo or sortBy=createdAt would time out again";
  if (!o.idempotent && o.request_sent)
    return "the request creates something and reached the server: sending it twice could create it twice";
  return {};
}

ATOMS_DECL std::chrono::milliseconds backoff(const retry_policy& p, unsigned next, double u) noexcept {
  using ms = std::chrono::milliseconds;
  const ms cap = std::max(p.max_backoff, ms{0});
  ms b = std::max(p.initial_backoff, ms{0});
  for (unsigned i = 2; i < next && b < cap; ++i) b *= 2;
  b = std::min(b, cap);
  const double j = std::clamp(p.jitter, 0.0, 1.0) * std::clamp(u, 0.0, 1.0);
  return ms{static_cast<ms::rep>(static_cast<double>(b.count()) * (1.0 - j))};
}

// Whole seconds, digits only; absurd values are clamped to a day, which any cap undercuts.
inline std::optional<std::int64_t> hint_seconds(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  // delta-seconds is 1*DIGIT (RFC 9110): no sign, so "-0" is not 0 (from_chars would take it).
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// From now until `t`, at most a day, in milliseconds; computed in seconds first so that no
// time a server can write overflows (system_clock's nanoseconds end in 2262).
inline std::chrono::milliseconds hint_until(std::chrono::sys_seconds t,
                                            std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  const sys_seconds now_s = floor<seconds>(now);
  if (t <= now_s) return milliseconds{0};
  const seconds ahead = std::min(t - now_s, seconds{86'401});  // small enough for milliseconds
  return std::min(duration_cast<milliseconds>(ahead) - duration_cast<milliseconds>(now - now_s),
                  milliseconds{86'400'000});
}

ATOMS_DECL std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view s) noexcept {
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  using namespace std::chrono;
  if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT" || s[7] != ' ' || s[11] != ' ' ||
      s[16] != ' ' || s[19] != ':' || s[22] != ':')
    return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t n) -> int {
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto m = std::find(months.begin(), months.end(), s.substr(8, 3));
  const int d = num(5, 2), y = num(12, 4), hh = num(17, 2), mm = num(20, 2), ss = num(23, 2);
  if (m == months.end() || d < 1 || y < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
    return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m - months.begin() + 1)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd} + hours{hh} + minutes{mm} + seconds{ss};
}

ATOMS_DECL std::optional<std::chrono::milliseconds> server_retry_hint(
    const http::response& res, std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  if (auto it = res.find(boost::beast::http::field::retry_after); it != res.end()) {
    if (auto secs = hint_seconds(it->value()))
      return milliseconds{std::min<std::int64_t>(*secs, 86'400) * 1000};
    if (auto date = parse_http_date(it->value())) return hint_until(*date, now);
  }
  if (auto it = res.find("x-ratelimit-reset"); it != res.end()) {
    if (auto v = hint_seconds(it->value())) {
      // Epoch seconds from some services, seconds from now from others: a value before
      // 2001 cannot be a date.
      if (*v >= 1'000'000'000) return hint_until(sys_seconds{seconds{*v}}, now);
      return milliseconds{std::min<std::int64_t>(*v, 86'400) * 1000};
    }
  }
  const std::string& body = res.body();
  if (body.empty() || body.size() > (64u << 10) || body.front() != '{') return std::nullopt;
  error_code ec;
  const boost::json::value v = boost::json::parse(body, ec);
  const boost::json::object* o = ec ? nullptr : v.if_object();
  if (!o) return std::nullopt;
  auto seconds_of = [](const boost::json::value* x) -> std::optional<milliseconds> {
    if (!x) return std::nullopt;
    double s = -1;
    if (x->is_int64())
      s = static_cast<double>(x->get_int64());
    else if (x->is_uint64())
      s = static_cast<double>(x->get_uint64());
    else if (x->is_double())
      s = x->get_double();
    if (!(s >= 0)) return std::nullopt;  // also rejects NaN
    return milliseconds{static_cast<milliseconds::rep>(std::min(s, 86'400.0) * 1000)};
  };
  if (auto h = seconds_of(o->if_contains("retry_after"))) return h;
  if (auto* rl = o->if_contains("rateLimit"); rl && rl->is_object())
    return seconds_of(rl->get_object().if_contains("retryAfterSec"));
  return std::nullopt;
}

ATOMS_DECL bool is_full_scan_query(std::string_view q) noexcept {
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view p = q.substr(0, amp);
    if (p.starts_with("dateFrom=") || p.starts_with("dateTo=") || p == "sortBy=createdAt") return true;
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return false;
}

ATOMS_DECL std::string redacted_target(std::string_view path, std::string_view q) {
  std::string t(path);
  char sep = '?';
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view p = q.substr(0, amp);
    t += sep;
    sep = '&';
    if (p.starts_with("search="))
      t += "search=***";
    else
      t += p;
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return t;
}

ATOMS_DECL double jitter_draw() noexcept {
  // Seeded from the clock and the thread: distinct across threads and processes, and no
  // std::random_device, which may throw.
  thread_local std::minstd_rand gen{static_cast<std::uint_fast32_t>(
      std::chrono::steady_clock::now().time_since_epoch().count() ^
      static_cast<long long>(std::hash<std::thread::id>{}(std::this_thread::get_id())))};
  return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
}

}  // namespace smallest::atoms::detail

#endif
