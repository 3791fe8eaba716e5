// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_OPTIONS_IPP
#define SMALLEST_ATOMS_IMPL_OPTIONS_IPP

#include <smallest/atoms/options.hpp>

#include <cstdlib>

namespace smallest::atoms {

ATOMS_DECL client_options client_options::from_env() {
  client_options o;
  if (const char* k = std::getenv("SMALLEST_API_KEY"); k && *k) o.api_key = k;
  if (const char* u = std::getenv("SMALLEST_BASE_URL"); u && *u) o.base_url = u;
  return o;
}

}  // namespace smallest::atoms

#endif
