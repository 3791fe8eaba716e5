// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HTTP_IMPL_URL_IPP
#define SMALLEST_ATOMS_HTTP_IMPL_URL_IPP

#include <smallest/atoms/http/url.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

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
    if (u.port().empty() || u.port_number() == 0) {
      why = std::string(name) + " has an invalid port";
      return false;
    }
    e.port = std::to_string(u.port_number());
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

}  // namespace smallest::atoms::http

#endif
