// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HTTP_IMPL_URL_IPP
#define SMALLEST_ATOMS_HTTP_IMPL_URL_IPP

#include <smallest/atoms/http/url.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>

namespace smallest::atoms::http {

namespace detail {

// The origin of `url` into `e`; `name` is what messages call the URL (never its text: user
// info, a presigned signature or a token may be in it).
inline bool parse_origin(const boost::urls::url_view& u, std::string_view name, endpoint& e,
                         std::string& why) {
  if (u.scheme_id() == boost::urls::scheme::https)
    e.tls = true;
  else if (u.scheme_id() == boost::urls::scheme::http)
    e.tls = false;
  else {
    why = std::string(name) + " must start with https:// (or http:// for a local server)";
    return false;
  }
  if (!u.has_authority() || u.encoded_host().empty()) {
    why = std::string(name) + " has no host";
    return false;
  }
  if (u.has_userinfo()) {
    why = std::string(name) + " must not contain user:password@";
    return false;
  }
  // The host the resolver and TLS see must be the host written: no percent-encoding (a %00
  // would cut it short) and no IPvFuture literal (Boost.URL would hand over its inside as a name).
  if (u.encoded_host().find('%') != std::string_view::npos ||
      u.host_type() == boost::urls::host_type::ipvfuture) {
    why = std::string(name) + " has a host that is not a plain name or IP address";
    return false;
  }
  // Boost.URL 1.81 ends the authority where its host or port rule stops and takes the rest as
  // the path ("https://h:443x/p", "http://1.2.3.4.example/p"): a path must start with '/'.
  if (!u.encoded_path().empty() && u.encoded_path().front() != '/') {
    why = std::string(name) + " has an invalid host or port";
    return false;
  }
  e.host = u.host_address();
  if (u.host_type() == boost::urls::host_type::ipv6) {
    // host_address() keeps the brackets of an IP-literal in Boost 1.81; the resolver wants none.
    if (e.host.size() > 1 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
  }
  if (u.has_port()) {
    // port_number() of Boost.URL 1.81 wraps a port above 65535 around (99999 becomes 34463).
    unsigned long port = 0;
    for (char c : u.port()) port = port > 65535 || c < '0' || c > '9' ? 65536 : port * 10 + (c - '0');
    if (port == 0 || port > 65535) {
      why = std::string(name) + " has an invalid port";
      return false;
    }
    e.port = std::to_string(port);
  } else {
    e.port = e.tls ? "443" : "80";
  }
  e.host_header = std::string(u.encoded_host_and_port());
  return true;
}

}  // namespace detail

ATOMS_DECL bool parse_endpoint(std::string_view url, endpoint& out, std::string& why) {
  auto r = boost::urls::parse_absolute_uri(url);
  if (!r) {
    why =
        "base_url is not an absolute URL (expected e.g. "
        "https://api.smallest.ai/atoms/v1)";
    return false;
  }
  const boost::urls::url_view& u = *r;
  endpoint e;
  if (!detail::parse_origin(u, "base_url", e, why)) {
    if (u.has_userinfo()) why += "; pass the key in client_options::api_key";
    return false;
  }
  if (u.has_query() || u.has_fragment()) {
    why = "base_url must not have a query or a fragment";
    return false;
  }
  std::string_view path = u.encoded_path();
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  e.base_path = std::string(path);
  out = std::move(e);
  return true;
}

ATOMS_DECL bool parse_resource_url(std::string_view url, std::string_view name, endpoint& out,
                                   std::string& target, std::string& why) {
  auto r = boost::urls::parse_uri(url);  // a fragment, if any, is never sent
  if (!r) {
    why = std::string(name) + " is not an absolute http(s) URL";
    return false;
  }
  const boost::urls::url_view& u = *r;
  endpoint e;
  if (!detail::parse_origin(u, name, e, why)) return false;
  target = u.encoded_path().empty() ? std::string("/") : std::string(u.encoded_path());
  if (u.has_query()) target.append("?").append(u.encoded_query());
  out = std::move(e);
  return true;
}

namespace detail {

inline std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

inline std::string base64(std::string_view in) {
  static constexpr char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, in.size() - i);
    unsigned v = 0;
    for (std::size_t k = 0; k < 3; ++k) v = v << 8 | (k < n ? static_cast<unsigned char>(in[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out.push_back(k <= n ? digits[(v >> (18 - 6 * k)) & 63] : '=');
  }
  return out;
}

}  // namespace detail

ATOMS_DECL bool parse_proxy(std::string_view url, std::string_view no_proxy, proxy_endpoint& out,
                            std::string& why) {
  // Like curl, a proxy written without a scheme ("proxy.corp:3128", common in HTTPS_PROXY) is http.
  std::string text =
      url.find("://") == std::string_view::npos ? "http://" + std::string(url) : std::string(url);
  auto r = boost::urls::parse_uri(text);
  if (!r) {
    why = "proxy is not a URL (expected http://[user:password@]host:port)";
    return false;
  }
  const boost::urls::url_view& u = *r;
  if (u.scheme_id() == boost::urls::scheme::https) {
    why = "proxy must be an http:// URL: a proxy reached over TLS (https://) is not supported";
    return false;
  }
  if (u.scheme_id() != boost::urls::scheme::http) {
    why = "proxy must be an http:// URL (expected http://[user:password@]host:port)";
    return false;
  }
  if ((!u.encoded_path().empty() && u.encoded_path() != "/") || u.has_query() || u.has_fragment()) {
    why = "proxy must be only http://[user:password@]host:port, without a path or a query";
    return false;
  }
  // parse_origin refuses user info: judge the origin without it, the credentials apart.
  boost::urls::url origin(u);
  origin.remove_userinfo();
  endpoint e;
  if (!detail::parse_origin(origin, "proxy", e, why)) return false;
  proxy_endpoint p;
  p.host = std::move(e.host);
  p.port = std::move(e.port);
  if (u.has_userinfo()) p.authorization = "Basic " + detail::base64(u.user() + ':' + u.password());
  for (std::size_t i = 0; i < no_proxy.size();) {
    const std::size_t end = std::min(no_proxy.find_first_of(", \t", i), no_proxy.size());
    if (end > i) p.no_proxy.push_back(detail::lower(no_proxy.substr(i, end - i)));
    i = end + 1;
  }
  out = std::move(p);
  return true;
}

ATOMS_DECL bool proxy_endpoint::excludes(const endpoint& ep) const {
  const std::string host = detail::lower(ep.host);
  const bool host_is_ip = is_ip_literal(host);
  for (std::string_view entry : no_proxy) {
    if (entry == "*") return true;
    std::string_view name = entry, port;
    if (entry.front() == '[') {  // [v6] or [v6]:port
      const auto close = entry.find(']');
      if (close == std::string_view::npos) continue;
      name = entry.substr(1, close - 1);
      if (entry.size() > close + 2 && entry[close + 1] == ':') port = entry.substr(close + 2);
    } else if (const auto colon = entry.find(':');
               colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
      name = entry.substr(0, colon);  // host:port; more than one colon is a bare IPv6 address
      port = entry.substr(colon + 1);
    }
    if (!port.empty() && port != ep.port) continue;
    if (name.size() > 1 && name.substr(0, 2) == "*.") name.remove_prefix(1);
    if (name == host) return true;
    if (host_is_ip || name.empty()) continue;
    // "example.com" and ".example.com" both match a.example.com; only the first example.com.
    const std::string suffix = name.front() == '.' ? std::string(name) : "." + std::string(name);
    if (host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0)
      return true;
  }
  return false;
}

ATOMS_DECL void append_encoded(std::string& out, std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : value) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
}

ATOMS_DECL std::string encode_component(std::string_view value) {
  std::string out;
  out.reserve(value.size() + value.size() / 2);
  append_encoded(out, value);
  return out;
}

ATOMS_DECL bool is_ip_literal(std::string_view host) {
  error_code ec;
  (void)asio::ip::make_address(std::string(host), ec);
  return !ec;
}

ATOMS_DECL std::string authority(std::string_view host, std::string_view port) {
  std::string s;
  s.reserve(host.size() + port.size() + 3);
  const bool v6 = host.find(':') != std::string_view::npos;
  if (v6) s += '[';
  s += host;
  if (v6) s += ']';
  return s.append(":").append(port);
}

}  // namespace smallest::atoms::http

#endif
