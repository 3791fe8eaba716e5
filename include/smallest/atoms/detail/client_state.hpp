// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_CLIENT_STATE_HPP
#define SMALLEST_ATOMS_DETAIL_CLIENT_STATE_HPP

// What a client shares with its operations (they hold it by shared_ptr, so a client can be
// destroyed while they run): the options, the parsed endpoint, the TLS context and the pool.
// `call` is the one path every API request takes: HTTP exchange → status check → envelope.

#include <smallest/atoms/detail/operation.hpp>
#include <smallest/atoms/detail/retry.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/http/pool.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/options.hpp>

#include <boost/beast/http/verb.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace smallest::atoms::detail {

/// One request to the API, relative to the base URL. `path` is already percent-encoded.
struct api_request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string path{};
  std::string query{};
  std::string body{};  // JSON text unless content_type says otherwise; empty for none
  // The body's Content-Type; empty means application/json.
  std::string content_type{};
  // A POST that reads or overwrites, so sending it twice does no harm (search, set config).
  bool idempotent = false;
  // A 2xx envelope without `data` is a success, `data` then left null: `DELETE /campaign/{id}`
  // and `POST /campaign/{id}/pause` answer just {"status": true}.
  bool data_optional = false;
  // The answer may carry a secret the client cannot know in advance (a webhook's signing
  // secret): no excerpt of its body goes into diagnostics, whatever its status or shape.
  bool secret_in_answer = false;
};

class client_state {
 public:
  /// Validates `opts`; throws std::invalid_argument naming the member that is wrong.
  ATOMS_DECL client_state(asio::any_io_executor ex, client_options opts);
  /// The same client (pools, TLS context, rate limit) with another retry policy; validated.
  ATOMS_DECL client_state(const client_state& base, retry_policy policy);

  const asio::any_io_executor& executor() const noexcept { return ex_; }
  const client_options& options() const noexcept { return opts_; }
  http::pool& pool() noexcept { return *pool_; }
  const http::endpoint& endpoint() const noexcept { return ep_; }
  /// The executor runs one handler at a time (client_options::single_threaded, or it is a
  /// strand): operations run on it directly instead of each on a strand of its own.
  bool serial() const noexcept { return serial_; }
  /// Every operation's deadline (retry.deadline); zero for none.
  std::chrono::milliseconds deadline() const noexcept { return opts_.retry.deadline; }

  /// The pool for another origin (where recordings are downloaded from): no key is ever sent
  /// on it. Made on first use; a few origins are remembered, the oldest dropped beyond that.
  ATOMS_DECL std::shared_ptr<http::pool> origin_pool(const http::endpoint& ep);

  /// Sends `r` and, on a 2xx answer whose body is `{"status": true, "data": ...}`, moves the
  /// `data` member into `data` (which stays null when `r.data_optional` and the envelope has
  /// none): `send`, `read_status`, then `read_envelope`.
  ATOMS_DECL asio::awaitable<error_code> call(const api_request& r, diagnostics& diag,
                                              boost::json::value& data);

  /// `send`, then the `data` member decoded into T (decode_body).
  template <class T>
  asio::awaitable<op_result<T>> fetch(api_request r, diagnostics& diag);

  /// Sends `r` until `res` holds the answer to give: retries by the policy, paced by the rate
  /// limit, each attempt told to the observability hook. Fills `diag` (method, path,
  /// attempts, and why retrying stopped). An error only for a failure without an answer.
  ATOMS_DECL asio::awaitable<error_code> send(const api_request& r, diagnostics& diag, http::response& res);

  /// The answer `send` gave to `r`: an HTTP error status as an error with the service's
  /// message in `diag`; the status and request id recorded in `diag` either way.
  ATOMS_DECL error_code read_status(const api_request& r, const http::response& res, diagnostics& diag) const;

 private:
  asio::any_io_executor ex_;
  client_options opts_;
  bool serial_ = false;
  http::endpoint ep_;
  std::string via_proxy_;      // "host:port" of the proxy the API is reached through, if any
  std::string authorization_;  // "Bearer <key>": the one place the key is written
  std::shared_ptr<asio::ssl::context> tls_;
  std::shared_ptr<http::pool> pool_;
  struct origin_cache {
    std::mutex mu;
    std::vector<std::shared_ptr<http::pool>> pools;  // oldest first
  };
  std::shared_ptr<origin_cache> origins_;
  std::shared_ptr<rate_limiter> limiter_;  // null without a rate limit
};

/// With `r.secret_in_answer`, replaces any body excerpt in `diag` by a note that it was withheld.
inline void withhold_excerpt(const api_request& r, diagnostics& diag) {
  if (r.secret_in_answer && !diag.body_excerpt.empty())
    diag.body_excerpt = "(withheld: this answer may carry a webhook's signing secret)";
}

/// Reads an error body of any shape into `diag`: `errors[]` (joined with "; "), else
/// `message`, `error` or `detail`; `error_type` or `code` as the discriminator. Never
/// fails: an empty, HTML or otherwise unreadable body leaves a short, printable excerpt
/// (with `secret` masked, should a server ever echo it).
ATOMS_DECL void read_error_body(std::string_view body, std::string_view secret, diagnostics& diag);

/// A short, printable excerpt of text from outside for a human: `secret` masked (before the
/// cut, so no part of it survives there), cut to `max` bytes at a UTF-8 boundary, control
/// characters turned into spaces.
ATOMS_DECL std::string body_excerpt(std::string_view body, std::string_view secret, std::size_t max = 200);

/// Decodes `data` into T; a mismatch becomes errc::decode_error with the JSON path in `diag`
/// (the message quotes what the service sent, with `secret` masked should it echo it).
template <class T>
op_result<T> decode_data(const boost::json::value& data, diagnostics& diag, std::string_view secret) {
  try {
    return {error_code{}, decode_json<T>(data, "$.data")};
  } catch (const json_decode_error& e) {
    diag.message = body_excerpt(e.what(), secret, 4096);
    return {errc::decode_error, T{}};
  }
}

/// A 2xx body `{"status": true, "data": ...}`: its `data` moved into `data`, parsed in `data`'s
/// memory resource (null when `data_optional` and the envelope has none); a body that is not
/// such an envelope, or says `"status": false`, is an error with the reason in `diag`.
ATOMS_DECL error_code read_envelope(std::string_view body, bool data_optional, std::string_view secret,
                                    diagnostics& diag, boost::json::value& data);

/// A 2xx body decoded into T: the whole path of a response from its bytes, the document
/// parsed into an arena sized for the body and freed as soon as T is decoded.
template <class T>
op_result<T> decode_body(std::string_view body, bool data_optional, std::string_view secret,
                         diagnostics& diag) {
  // Twice the body holds the document of a typical answer in one block; a larger one grows.
  boost::json::monotonic_resource arena(2 * body.size() + 1024);
  boost::json::value data(&arena);
  if (error_code ec = read_envelope(body, data_optional, secret, diag, data)) return failed<T>(ec);
  return decode_data<T>(data, diag, secret);
}

template <class T>
asio::awaitable<op_result<T>> client_state::fetch(api_request r, diagnostics& diag) {
  http::response res;
  error_code ec = co_await send(r, diag, res);
  if (!ec) ec = read_status(r, res, diag);
  if (ec) {
    withhold_excerpt(r, diag);
    co_return failed<T>(ec);
  }
  auto out = decode_body<T>(res.body(), r.data_optional, opts_.api_key, diag);
  withhold_excerpt(r, diag);
  co_return out;
}

/// The usual way an operation starts: a diagnostics of its own unless the caller gave one.
struct diag_ref {
  explicit diag_ref(diagnostics* given) : p(given ? given : &own) { p->clear(); }
  diag_ref(const diag_ref&) = delete;
  diagnostics& operator*() noexcept { return *p; }
  diagnostics own;
  diagnostics* p;
};

}  // namespace smallest::atoms::detail

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/client_state.ipp>
#endif

#endif
