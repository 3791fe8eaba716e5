// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_OPTIONS_IPP
#define SMALLEST_ATOMS_IMPL_OPTIONS_IPP

#include <smallest/atoms/options.hpp>

#include <cstdlib>
#include <string>

namespace smallest::atoms {

ATOMS_DECL client_options client_options::from_env() {
  client_options o;
  if (const char* k = std::getenv("SMALLEST_API_KEY"); k && *k) o.api_key = k;
  if (const char* u = std::getenv("SMALLEST_BASE_URL"); u && *u) o.base_url = u;
  auto env = [](const char* lower, const char* upper) {
    const char* v = std::getenv(lower);
    if (!v || !*v) v = std::getenv(upper);
    return std::string(v ? v : "");
  };
  // Like curl, https_proxy governs https:// URLs only: a local http:// server is reached directly.
  if (o.base_url.rfind("https://", 0) == 0) {
    o.proxy = env("https_proxy", "HTTPS_PROXY");
    o.no_proxy = env("no_proxy", "NO_PROXY");
  }
  return o;
}

}  // namespace smallest::atoms

#endif
