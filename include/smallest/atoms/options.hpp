// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_OPTIONS_HPP
#define SMALLEST_ATOMS_OPTIONS_HPP

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace smallest::atoms {

/// The server of the Atoms API's OpenAPI document.
inline constexpr std::string_view default_base_url = "https://api.smallest.ai/atoms/v1";
/// The older host the product pages and the Python SDK's first releases use; still answers.
inline constexpr std::string_view legacy_base_url = "https://atoms.smallest.ai/api/v1";

/// When a failed request is sent again, and how long an operation may take in all.
///
/// Retried: connection failures, resets and truncated answers before a full response,
/// timeouts, and HTTP 408, 429, 500, 502, 503 and 504 (`ec == condition::retryable`).
/// Never retried: any other status (409 included), a body that does not decode, a TLS
/// verification failure, a host name that does not resolve, a cancellation. A request that
/// creates something (a POST that is not a read or an overwrite) is sent again only when it
/// never reached the server (the connection or the write failed before it was sent whole).
///
/// The wait before attempt n+1 is `initial_backoff * 2^(n-1)`, at most `max_backoff`, less a
/// random share of up to `jitter` of it (so clients that failed together do not retry
/// together). A wait the service asks for (`Retry-After` in seconds or as an HTTP date,
/// `X-RateLimit-Reset`, or `retry_after` / `rateLimit.retryAfterSec` in the error body)
/// replaces it, also capped by `max_backoff`. No attempt starts that could not begin before
/// the deadline.
struct retry_policy {
  /// Attempts in all, the first included; 1 turns retrying off.
  unsigned max_attempts = 3;
  std::chrono::milliseconds initial_backoff{250};
  std::chrono::milliseconds max_backoff{10'000};
  /// 0 waits exactly the backoff; 0.5 waits between half of it and all of it.
  double jitter = 0.5;
  /// The whole operation, every attempt and wait included (an operation that sends several
  /// requests, such as a search for 1,000 ids, shares one deadline); past it the operation
  /// fails with errc::timeout and the request in flight is abandoned, its connection closed.
  /// Zero means none. async_download_recording is bounded by request_timeout per read instead.
  std::chrono::milliseconds deadline{120'000};
};

/// What the observability hook (`client_options::on_attempt`) is told after each HTTP
/// exchange. Never holds the API key, the Authorization header, a request body or the value
/// of the `search` parameter (phone numbers are personal data): `target` shows it as `***`.
struct attempt_info {
  std::string_view method;               ///< "GET"
  std::string_view target;               ///< path and query, e.g. "/atoms/v1/conversation?page=2&limit=100"
  unsigned attempt = 0;                  ///< 1 for the first
  unsigned status = 0;                   ///< the HTTP status, 0 when no response arrived
  error_code ec;                         ///< the attempt's outcome (an HTTP error status included)
  std::chrono::microseconds latency{0};  ///< from the request's turn in the pool to the full response
  /// When the request will be sent again: after this wait. Zero when it will not.
  std::chrono::milliseconds retry_in{0};
};

/// Everything a client is configured with. An aggregate: set what you need with designated
/// initialisers; the client's constructor validates it once and throws
/// std::invalid_argument with a message saying which member is wrong.
///
/// The API key is a secret: it is written into the Authorization header and nowhere else;
/// no log, diagnostics, exception or error message of this library contains it.
struct client_options {
  /// Scheme, host, optional port and path prefix of the API. `http://` is accepted because
  /// a URL asked for it (local servers, the emulator); `https://` always verifies the peer.
  std::string base_url = std::string(default_base_url);

  /// Bearer key from the Atoms console. An empty key is not an error until the first
  /// request, which then fails with errc::missing_api_key without reaching the network.
  std::string api_key{};

  /// Resolve + TCP connect + TLS handshake of one new connection.
  std::chrono::milliseconds connect_timeout{10'000};
  /// Writing one request and reading its whole response.
  std::chrono::milliseconds request_timeout{30'000};
  /// Connections kept open to the API's origin, shared by all concurrent operations;
  /// operations beyond it wait for a connection to come free.
  std::size_t max_connections = 16;
  /// An idle keep-alive connection older than this is closed instead of reused
  /// (servers and load balancers drop idle connections after about a minute).
  std::chrono::milliseconds idle_timeout{50'000};

  /// The User-Agent header.
  std::string user_agent = "atoms-cpp/0.1.0";

  /// Extra trust anchors for https, added to the system's (which honour SSL_CERT_FILE and
  /// SSL_CERT_DIR): a PEM file and/or PEM text.
  std::string ca_file{};
  std::string ca_pem{};
  /// Trust the system's certificate store as well; false trusts only ca_file/ca_pem.
  bool use_system_ca = true;

  /// Largest response body accepted; a larger one fails with beast's body_limit error
  /// instead of growing memory without bound.
  std::size_t max_response_body = 64u << 20;
  /// Largest response header block accepted.
  std::size_t max_response_header = 64u << 10;

  /// After this many requests a keep-alive connection is closed and a new one opened, as
  /// servers do (nginx's keepalive_requests); zero for no limit.
  std::size_t max_requests_per_connection = 1000;

  /// Retries, backoff and the operation deadline; `client::with_retry` overrides it for some calls.
  retry_policy retry{};

  /// The io_context is run by one thread: each operation then runs on the client's executor
  /// directly instead of on a strand of its own, which saves a dispatch through that strand at
  /// every step (about a tenth of the CPU per call). Set it only when that is true: with several
  /// threads running the io_context, an operation's timer and I/O would race. A client given a
  /// strand as its executor runs its operations on that strand without being told.
  bool single_threaded = false;

  /// Zero, or at most this many requests per second leave the client, across all its
  /// operations and copies (retries included), evenly spaced: a bulk job then stays under the
  /// service's rate limit instead of bouncing off 429s.
  double max_requests_per_second = 0;

  /// Called after every HTTP exchange with the API (retries included), on the thread that
  /// runs the operation, possibly several at once: it must be thread-safe and quick. An
  /// exception it throws is swallowed. See attempt_info for what it is never given.
  std::function<void(const attempt_info&)> on_attempt{};

  /// An HTTP proxy for https:// connections, `http://[user:password@]host:port` (user and
  /// password percent-encoded; no scheme means http://). Each connection is a `CONNECT
  /// host:port` tunnel, with `Proxy-Authorization: Basic` when credentials are given, and TLS
  /// inside it runs end to end with the service: SNI and certificate checks name the
  /// service's host, never the proxy's. The credentials are secrets, like the API key. An
  /// https:// proxy (TLS to the proxy itself) is refused, and so is an http:// base_url that
  /// no_proxy does not exempt: plain http:// is never sent through the proxy. Empty: direct.
  std::string proxy{};
  /// Hosts reached without the proxy, separated by commas or spaces: "example.com" (that host
  /// and its subdomains), ".example.com" or "*.example.com" (subdomains only), "*" (every
  /// host), "host:port" or "[::1]:port" (that port only). IP addresses match exactly.
  std::string no_proxy{};

  /// Requests one operation keeps in flight at once when it needs several (a search for more
  /// than 100 ids); still bounded by max_connections.
  std::size_t bulk_concurrency = 8;
  /// Largest recording async_download_recording writes; a longer one fails with beast's
  /// body_limit error and leaves no file behind.
  std::uint64_t max_download_size = std::uint64_t(4) << 30;

  /// Defaults, with `api_key` from SMALLEST_API_KEY and `base_url` from SMALLEST_BASE_URL
  /// when they are set and not empty; for an https:// base_url, `proxy` from https_proxy or
  /// HTTPS_PROXY and `no_proxy` from no_proxy or NO_PROXY (the lower-case name first).
  /// HTTP_PROXY is never read: plain http:// goes direct.
  ATOMS_DECL static client_options from_env();
};

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/options.ipp>
#endif

#endif
