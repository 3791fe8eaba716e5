// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_WEBHOOK_RECEIVER_HPP
#define SMALLEST_ATOMS_WEBHOOK_RECEIVER_HPP

// An endpoint for the service's webhook deliveries, to embed in an asynchronous program. The
// service waits 30 seconds for a 2xx and never retries, so the receiver answers as soon as a
// delivery is verified and decoded, and only then hands the event to the user's coroutine:
//
//     atoms::webhook_receiver rx(io.get_executor(), {.secret = secret, .path = "/atoms/webhook"},
//                                [](atoms::webhook_event e) -> asio::awaitable<void> { ... });
//     unsigned short port = rx.listen({asio::ip::make_address("127.0.0.1"), 8443});
//
// or, from an HTTP server of the user's own, `auto res = rx.answer(req);` for each request.
//
// Answers: 200 for a delivery handed over; 401 for a missing or wrong X-Signature; 400 for a
// signed body that is not an event; 413 for a body over `max_body`; 404 for another path;
// 405 for another method; 503 while `max_pending` events are still being handled. Plain HTTP:
// put TLS in front of it (a reverse proxy), as the service delivers to an https:// URL.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/webhook.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace smallest::atoms {

struct webhook_receiver_options {
  /// The webhook's signing secret (`decryptedSecretKey`). Required.
  std::string secret{};
  /// The path deliveries are POSTed to; any other gets 404.
  std::string path{"/"};
  /// Largest body read; a larger one gets 413 without being read.
  std::size_t max_body = default_max_webhook_body;
  /// Connections served at once by listen(); more are closed as they are accepted.
  std::size_t max_connections = 1024;
  /// Time to read one request, from its first byte or from the connection's opening.
  std::chrono::milliseconds request_timeout{10'000};
  /// Events handed over whose handler has not finished; past it deliveries get 503.
  std::size_t max_pending = 10'000;
};

/// Counts since construction; each a snapshot.
struct webhook_receiver_stats {
  std::size_t delivered = 0;         ///< events handed to the handler
  std::size_t bad_signature = 0;     ///< 401s
  std::size_t bad_body = 0;          ///< 400s and 413s
  std::size_t overloaded = 0;        ///< 503s
  std::size_t handler_failures = 0;  ///< handlers that ended with an exception
  std::size_t pending = 0;           ///< handlers running now
  std::size_t open_connections = 0;  ///< connections listen() is serving now
};

class webhook_receiver {
 public:
  using response = boost::beast::http::response<boost::beast::http::string_body>;
  using request = boost::beast::http::request<boost::beast::http::string_body>;
  /// Runs once per delivered event, on the receiver's executor, after the delivery has been
  /// answered; several may run at once. An exception it throws is counted and swallowed.
  using handler_type = std::function<asio::awaitable<void>(webhook_event)>;

  /// Throws std::invalid_argument for an empty secret or a path that does not start with '/'.
  ATOMS_DECL webhook_receiver(asio::any_io_executor ex, webhook_receiver_options options,
                              handler_type handler);
  /// Stops listening and closes the connections; handlers already running finish.
  ATOMS_DECL ~webhook_receiver();
  webhook_receiver(const webhook_receiver&) = delete;
  webhook_receiver& operator=(const webhook_receiver&) = delete;

  /// The answer to one request, for a server of the user's own: verifies and decodes it and,
  /// for a delivery, starts the handler (not awaited).
  ATOMS_DECL response answer(const request& req);

  /// Accepts connections on `where` (port 0 picks one) until stop(); returns the port.
  /// Throws boost::system::system_error when it cannot listen.
  ATOMS_DECL unsigned short listen(const asio::ip::tcp::endpoint& where);

  /// Stops accepting and closes every connection. Idempotent.
  ATOMS_DECL void stop();

  ATOMS_DECL webhook_receiver_stats stats() const noexcept;

  struct state;  // shared with the connections and handlers it starts

 private:
  std::shared_ptr<state> state_;
};

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/webhook_receiver.ipp>
#endif

#endif
