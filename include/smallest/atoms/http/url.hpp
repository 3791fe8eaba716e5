// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HTTP_URL_HPP
#define SMALLEST_ATOMS_HTTP_URL_HPP

// Transport layer: where a base URL points, and how a value becomes one path segment.
// Knows nothing about the Atoms API.

#include <smallest/atoms/detail/config.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace smallest::atoms::http {

/// The origin and path prefix a base URL names.
struct endpoint {
  bool tls = true;
  std::string host;         ///< for resolving, SNI and certificate checks (IPv6 without brackets)
  std::string port;         ///< numeric service, "443" when the URL has none
  std::string host_header;  ///< the Host header: host as written, with the port when not default
  std::string base_path;    ///< e.g. "/atoms/v1", never ending in '/'

  /// "https://host:port" — what connections are pooled by.
  std::string origin() const { return (tls ? "https://" : "http://") + host_header; }
};

/// Parses `url` (http or https, no query, fragment or user info). On failure returns false
/// and says why in `why`, in words that name the option to fix.
ATOMS_DECL bool parse_endpoint(std::string_view url, endpoint& out, std::string& why);

/// Parses an absolute http(s) URL given by the service (a presigned download link) into its
/// origin and its request-target: the path and query exactly as written, so a signature over
/// them still holds. Messages call the URL `name` and never quote it: it may carry a signature.
ATOMS_DECL bool parse_resource_url(std::string_view url, std::string_view name, endpoint& out,
                                   std::string& target, std::string& why);

/// An HTTP proxy that tunnels https:// with CONNECT, and the hosts it is not used for.
struct proxy_endpoint {
  std::string host;           ///< to resolve (IPv6 without brackets)
  std::string port;           ///< numeric, "80" when the URL has none
  std::string authorization;  ///< "Basic …" for Proxy-Authorization, or empty. A secret: never printed.
  std::vector<std::string> no_proxy;  ///< lower-case entries of the no_proxy list

  /// True when no_proxy names `ep`'s host (and port). An entry matches a host equal to it and, for a name,
  /// every subdomain ("example.com"); a leading "." or "*." matches subdomains only; "*" matches every host;
  /// an entry with a port ("host:8443", "[::1]:443") only that port. IP addresses match exactly (no CIDR).
  ATOMS_DECL bool excludes(const endpoint& ep) const;
};

/// Parses `url`, `[http://][user:password@]host[:port][/]` (user and password
/// percent-encoded), and `no_proxy`, a list separated by commas or spaces. On failure says why
/// in `why`, naming "proxy" and never quoting the URL: it may carry a password.
ATOMS_DECL bool parse_proxy(std::string_view url, std::string_view no_proxy, proxy_endpoint& out,
                            std::string& why);

/// Percent-encodes everything but RFC 3986 unreserved characters, so the result is exactly
/// one path segment (or one query value) whatever `value` holds: '/', '?', '#', '%' included.
ATOMS_DECL std::string encode_component(std::string_view value);
ATOMS_DECL void append_encoded(std::string& out, std::string_view value);

/// True if `host` is an IPv4 or IPv6 literal (no SNI is sent for those).
ATOMS_DECL bool is_ip_literal(std::string_view host);

/// "host:port", an IPv6 address in brackets: RFC 3986's authority, without user information.
ATOMS_DECL std::string authority(std::string_view host, std::string_view port);

}  // namespace smallest::atoms::http

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/http/impl/url.ipp>
#endif

#endif
