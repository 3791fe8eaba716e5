// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_V1_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_V1_HPP

// The endpoints the emulator serves, one handler per operation of the OpenAPI document,
// registered in one table. A new endpoint is a handler here and one line in add_v1_routes.

#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/router.hpp>

namespace smallest::atoms::testing::detail {

// GET /conversation/{id}: 200 {"status":true,"data":{...}}; an unknown id answers 404
// (the document gives no body; the service sends its usual error shape).
inline http_answer get_conversation(const route_request& req, dataset& data) {
  if (auto text = data.calls.text(req.param("id"))) return data_answer(*text);
  return error_answer(404, "Conversation log not found");
}

inline void add_v1_routes(router& r) { r.add("GET", "/conversation/{id}", get_conversation); }

}  // namespace smallest::atoms::testing::detail

#endif
