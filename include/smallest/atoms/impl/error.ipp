// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_ERROR_IPP
#define SMALLEST_ATOMS_IMPL_ERROR_IPP

#include <smallest/atoms/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <ostream>

namespace smallest::atoms {
namespace detail {

// Boost's error_category has a protected destructor: no category is ever deleted through a
// base pointer.
// NOLINTNEXTLINE(cppcoreguidelines-virtual-class-destructor)
class client_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "atoms"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::invalid_argument:
        return "invalid argument: the request was not sent (diagnostics names the argument)";
      case errc::missing_api_key: return "no API key: set SMALLEST_API_KEY or client_options::api_key";
      case errc::decode_error:
        return "the response is not the JSON the Atoms API documents (diagnostics says where)";
      case errc::unexpected_response:
        return "the service answered with a success status but not with a success body";
      case errc::connection_closed: return "the server closed the connection before a complete response";
      case errc::timeout:
        return "the request timed out: check the network, or raise client_options::request_timeout";
      case errc::internal: return "an unexpected failure inside the client: please report it";
    }
    return "unknown atoms error " + std::to_string(ev);
  }
};

// NOLINTNEXTLINE(cppcoreguidelines-virtual-class-destructor): see client_category_impl.
class http_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "atoms.http"; }
  std::string message(int ev) const override {
    std::string m = "HTTP " + std::to_string(ev);
    if (const char* r = http_reason(static_cast<unsigned>(ev)); *r) (m += ' ') += r;
    switch (ev) {
      case 400: return m + ": the service rejected the request's parameters";
      case 401: return m + ": the API key was rejected; check SMALLEST_API_KEY or client_options::api_key";
      case 403: return m + ": the API key is not allowed to do this";
      case 404: return m + ": no such resource in the API key's organisation";
      case 409: return m + ": the resource's current state does not allow this";
      case 429: return m + ": rate limited; slow down and retry later";
      default: break;
    }
    if (ev >= 500 && ev < 600) return m + ": the service failed; retry later";
    return m;
  }
};

// Says "the proxy" first: a 403 here is the proxy's rule, not the service's answer.
// NOLINTNEXTLINE(cppcoreguidelines-virtual-class-destructor): see client_category_impl.
class proxy_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "atoms.proxy"; }
  std::string message(int ev) const override {
    std::string m = "the proxy answered CONNECT with HTTP " + std::to_string(ev);
    if (const char* r = http_reason(static_cast<unsigned>(ev)); *r) (m += ' ') += r;
    if (ev >= 200 && ev < 300) return m + " but then sent bytes of its own into the tunnel";
    if (ev == 407 || ev == 401)  // 401: what tinyproxy 1.11 answers to wrong credentials
      return m + ": check the user and password of client_options::proxy (or HTTPS_PROXY)";
    if (ev == 403 || ev == 405)
      return m +
             ": its rules do not allow a tunnel to the API's host and port (or set client_options::no_proxy)";
    if (ev == 500 || (ev >= 502 && ev <= 504)) return m + ": it could not reach the service; retry later";
    return m + ": it refused the tunnel to the API";
  }
};

inline bool is_http(const error_code& ec, int lo, int hi) {
  return ec.category() == http_category() && ec.value() >= lo && ec.value() <= hi;
}

inline bool is_timeout(const error_code& ec) {
  return ec == errc::timeout || ec == boost::beast::error::timeout || ec == asio::error::timed_out ||
         is_http(ec, 408, 408) || is_http(ec, 504, 504);
}

inline bool is_retryable(const error_code& ec) {
  if (ec.category() == http_category()) {
    switch (ec.value()) {
      case 408:
      case 429:
      case 500:
      case 502:
      case 503:
      case 504: return true;
      default: return false;
    }
  }
  if (ec.category() == proxy_category()) return ec.value() == 500 || (ec.value() >= 502 && ec.value() <= 504);
  return is_timeout(ec) || ec == errc::connection_closed || ec == asio::error::connection_reset ||
         ec == asio::error::connection_refused || ec == asio::error::connection_aborted ||
         ec == asio::error::broken_pipe || ec == asio::error::eof || ec == asio::error::network_unreachable ||
         ec == asio::error::host_unreachable || ec == asio::error::network_down ||
         ec == asio::error::try_again || ec == asio::error::host_not_found_try_again ||
         ec == boost::beast::http::error::end_of_stream || ec == boost::beast::http::error::partial_message ||
         ec == asio::ssl::error::stream_truncated;
}

// NOLINTNEXTLINE(cppcoreguidelines-virtual-class-destructor): see client_category_impl.
class condition_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "atoms.condition"; }
  std::string message(int ev) const override {
    switch (static_cast<condition>(ev)) {
      case condition::not_found: return "not found";
      case condition::unauthenticated: return "unauthenticated";
      case condition::forbidden: return "forbidden";
      case condition::invalid_request: return "invalid request";
      case condition::rate_limited: return "rate limited";
      case condition::server_error: return "server error";
      case condition::timeout: return "timeout";
      case condition::retryable: return "retryable";
      case condition::tls_error: return "TLS error";
    }
    return "unknown atoms condition " + std::to_string(ev);
  }
  bool equivalent(const error_code& ec, int cond) const noexcept override {
    switch (static_cast<condition>(cond)) {
      case condition::not_found: return is_http(ec, 404, 404);
      case condition::unauthenticated: return is_http(ec, 401, 401) || ec == errc::missing_api_key;
      case condition::forbidden: return is_http(ec, 403, 403);
      case condition::invalid_request:
        return is_http(ec, 400, 400) || is_http(ec, 422, 422) || ec == errc::invalid_argument;
      case condition::rate_limited: return is_http(ec, 429, 429);
      case condition::server_error: return is_http(ec, 500, 599);
      case condition::timeout: return is_timeout(ec);
      case condition::retryable: return is_retryable(ec);
      case condition::tls_error: return ec.category() == asio::error::get_ssl_category();
    }
    return false;
  }
};

}  // namespace detail

ATOMS_DECL const boost::system::error_category& client_category() noexcept {
  static const detail::client_category_impl c;
  return c;
}
ATOMS_DECL const boost::system::error_category& http_category() noexcept {
  static const detail::http_category_impl c;
  return c;
}
ATOMS_DECL const boost::system::error_category& condition_category() noexcept {
  static const detail::condition_category_impl c;
  return c;
}

ATOMS_DECL const boost::system::error_category& proxy_category() noexcept {
  static const detail::proxy_category_impl c;
  return c;
}

ATOMS_DECL const char* http_reason(unsigned status) noexcept {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

ATOMS_DECL std::string describe(const error_code& ec, const diagnostics& diag) {
  std::string s;
  if (!diag.method.empty()) s.append(diag.method).append(" ").append(diag.path).append(": ");
  s += ec ? ec.message() : std::string("success");
  if (!diag.message.empty()) s.append(": ").append(diag.message);
  if (!diag.error_type.empty()) s.append(" [").append(diag.error_type).append("]");
  if (!diag.request_id.empty()) s.append(" (request id ").append(diag.request_id).append(")");
  if (diag.attempts > 1) s.append(" after ").append(std::to_string(diag.attempts)).append(" attempts");
  if (ec && !diag.retry_note.empty()) s.append(" (retry: ").append(diag.retry_note).append(")");
  return s;
}

ATOMS_DECL std::ostream& operator<<(std::ostream& os, const diagnostics& diag) {
  os << "{status=" << diag.http_status;
  if (!diag.method.empty()) os << ", request=" << diag.method << ' ' << diag.path;
  if (!diag.message.empty()) os << ", message=\"" << diag.message << '"';
  if (!diag.error_type.empty()) os << ", error_type=" << diag.error_type;
  if (!diag.request_id.empty()) os << ", request_id=" << diag.request_id;
  os << ", attempts=" << diag.attempts;
  if (!diag.retry_note.empty()) os << ", retry=\"" << diag.retry_note << '"';
  os << '}';
  return os;
}

}  // namespace smallest::atoms

#endif
