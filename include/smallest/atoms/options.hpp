// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_OPTIONS_HPP
#define SMALLEST_ATOMS_OPTIONS_HPP

#include <smallest/atoms/detail/config.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace smallest::atoms {

/// The server of the Atoms API's OpenAPI document.
inline constexpr std::string_view default_base_url = "https://api.smallest.ai/atoms/v1";
/// The older host the product pages and the Python SDK's first releases use; still answers.
inline constexpr std::string_view legacy_base_url = "https://atoms.smallest.ai/api/v1";

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

  /// Requests one operation keeps in flight at once when it needs several (a search for more
  /// than 100 ids); still bounded by max_connections.
  std::size_t bulk_concurrency = 8;
  /// Largest recording async_download_recording writes; a longer one fails with beast's
  /// body_limit error and leaves no file behind.
  std::uint64_t max_download_size = std::uint64_t(4) << 30;

  /// Defaults, with `api_key` from SMALLEST_API_KEY and `base_url` from SMALLEST_BASE_URL
  /// when they are set and not empty.
  ATOMS_DECL static client_options from_env();
};

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/options.ipp>
#endif

#endif
