// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_ERROR_HPP
#define SMALLEST_ATOMS_ERROR_HPP

// The error model. Every failure is a boost::system::error_code:
//  - transport and TLS failures keep the codes Asio, Beast and OpenSSL give them;
//  - an HTTP status the service answered with is a code in http_category(), value = status;
//  - an HTTP proxy's refusal to open a tunnel is a code in proxy_category(), value = status;
//  - failures found on our side are atoms::errc codes.
// Portable questions are error_conditions: `ec == atoms::condition::not_found`.
// What a code cannot carry (the service's own message, the request, the request id) goes
// into `diagnostics`; `api_error` is an exception built from both.

#include <smallest/atoms/detail/config.hpp>

#include <boost/system/system_error.hpp>

#include <iosfwd>
#include <string>
#include <type_traits>

namespace smallest::atoms {

/// Failures detected by the client itself.
enum class errc {
  invalid_argument = 1,  ///< a caller's argument was rejected before anything was sent
  missing_api_key,       ///< no API key configured
  decode_error,          ///< the response is not the JSON the API documents
  unexpected_response,   ///< a success status with a body that says it failed, or no body at all
  connection_closed,     ///< the server closed the connection before a complete response
  timeout,               ///< connect or request timeout expired
  internal,              ///< an unexpected exception inside the client: please report it
};

/// Portable questions about any error_code the client produces.
enum class condition {
  not_found = 1,    ///< HTTP 404
  unauthenticated,  ///< HTTP 401, or no API key configured
  forbidden,        ///< HTTP 403
  invalid_request,  ///< HTTP 400/422, or a caller's argument rejected before sending
  rate_limited,     ///< HTTP 429
  server_error,     ///< HTTP 5xx
  timeout,          ///< a timeout: ours, the socket's, or HTTP 408/504
  retryable,        ///< transient: connection failures, timeouts, 408, 429, 500, 502, 503, 504
  tls_error,        ///< TLS handshake or certificate verification failed
};

ATOMS_DECL const boost::system::error_category& client_category() noexcept;
ATOMS_DECL const boost::system::error_category& http_category() noexcept;
ATOMS_DECL const boost::system::error_category& condition_category() noexcept;
/// The statuses an HTTP proxy answered a CONNECT with: 407 (credentials), 403 (its rules), …
ATOMS_DECL const boost::system::error_category& proxy_category() noexcept;

inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), client_category()}; }
inline boost::system::error_condition make_error_condition(condition c) noexcept {
  return {static_cast<int>(c), condition_category()};
}

/// The error_code for an HTTP status the service answered with.
inline error_code make_http_error(unsigned status) noexcept {
  return {static_cast<int>(status), http_category()};
}

/// The error_code for the status a proxy refused a tunnel with (a 403 here is the proxy's
/// rule, not the service's). 500, 502, 503 and 504 are retryable: the proxy could not reach the service.
inline error_code make_proxy_error(unsigned status) noexcept {
  return {static_cast<int>(status), proxy_category()};
}

/// The standard reason phrase of an HTTP status ("Not Found"), or "" when it has none.
ATOMS_DECL const char* http_reason(unsigned status) noexcept;

/// What an error_code cannot carry. Filled by the operations that take a `diagnostics&`;
/// cleared at the start of each. Never contains the API key or request bodies.
struct diagnostics {
  unsigned http_status = 0;  ///< 0 when no response was received
  std::string message;       ///< the service's own words (errors[] joined with "; "), or ours
  std::string error_type;    ///< machine-readable discriminator the service sent (`error_type`/`code`)
  std::string method;        ///< e.g. "GET"
  std::string path;          ///< request path without the query string, e.g. "/atoms/v1/conversation/CALL-1"
  std::string request_id;    ///< the `x-request-id` response header, for the service's support
  std::string body_excerpt;  ///< the first bytes of an error body the decoder could not read
  unsigned attempts = 0;     ///< number of HTTP exchanges tried
  /// On failure, why it was not tried again: "HTTP 404 is not transient",
  /// "retry.max_attempts (3) reached", "the next attempt would pass the deadline", …
  std::string retry_note;

  void clear() { *this = diagnostics{}; }
};

/// "GET /atoms/v1/conversation/X: HTTP 404 Not Found: Conversation log not found (request id r-1)".
ATOMS_DECL std::string describe(const error_code& ec, const diagnostics& diag);

ATOMS_DECL std::ostream& operator<<(std::ostream& os, const diagnostics& diag);

/// The exception for those who prefer to throw: the code and the diagnostics together.
/// `what()` is `describe(code(), diag())`; `catch (boost::system::system_error&)` catches it.
class api_error : public boost::system::system_error {
 public:
  api_error(error_code ec, diagnostics diag)
      : boost::system::system_error(ec), diag_(std::move(diag)), what_(describe(ec, diag_)) {}

  const char* what() const noexcept override { return what_.c_str(); }
  const diagnostics& diag() const noexcept { return diag_; }
  unsigned http_status() const noexcept { return diag_.http_status; }

 private:
  diagnostics diag_;
  std::string what_;
};

/// Throws api_error if `ec` is an error; for code that wants exceptions with the service's message:
///   auto [ec, d] = co_await client.async_get_call(id, diag, asio::as_tuple(asio::deferred));
///   atoms::throw_if(ec, diag);
inline void throw_if(const error_code& ec, const diagnostics& diag) {
  if (ec) throw api_error(ec, diag);
}

}  // namespace smallest::atoms

namespace boost::system {
template <>
struct is_error_code_enum<smallest::atoms::errc> : std::true_type {};
template <>
struct is_error_condition_enum<smallest::atoms::condition> : std::true_type {};
}  // namespace boost::system

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/error.ipp>
#endif

#endif
