// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HTTP_CONNECTION_HPP
#define SMALLEST_ATOMS_HTTP_CONNECTION_HPP

// Transport layer: one HTTP/1.1 connection, plain or TLS. Resolve → connect → TLS handshake
// (SNI, peer and host-name verification) → write → read, each phase under a timeout.
// An https:// connection may run through an HTTP proxy's CONNECT tunnel.
// A connection belongs to one operation at a time (the pool sees to it) and does all its
// I/O on its own strand, so a multi-threaded io_context never touches it from two threads.

#include <smallest/atoms/http/url.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace smallest::atoms::http {

namespace beast = boost::beast;
using request = beast::http::request<beast::http::string_body>;
using response = beast::http::response<beast::http::string_body>;

/// Limits and timeouts a connection applies; the pool's options, filled from client_options.
struct connection_limits {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{30'000};
  std::size_t max_body = 64u << 20;
  std::size_t max_header = 64u << 10;
  /// Null, or the proxy that https:// connections tunnel through (unless it bypasses them).
  std::shared_ptr<const proxy_endpoint> proxy{};
};

/// What one exchange found out, beyond its error code.
struct exchange_result {
  error_code ec;
  bool request_sent = false;      ///< the whole request was written to the socket
  bool response_started = false;  ///< some bytes of a response arrived
  bool reusable = false;          ///< complete response, keep-alive, nothing left over
};

/// A response whose body goes to a file instead of memory (recordings): the socket's bytes
/// are written out as they arrive, so memory stays at one read buffer whatever the size.
struct file_download {
  std::string path;                                  ///< created (or truncated) only for a 2xx answer
  std::uint64_t max_bytes = std::uint64_t(1) << 32;  ///< more fails with http::error::body_limit
  unsigned status = 0;                               ///< the answer's status
  std::uint64_t bytes = 0;                           ///< body bytes written to `path`
  std::string error_body;                            ///< a non-2xx answer's body, up to 64 KiB
};

namespace detail {
struct resolving;
}  // namespace detail

class connection {
 public:
  using strand_type = asio::strand<asio::any_io_executor>;

  /// `tls` is null for http://; otherwise it must outlive the connection.
  ATOMS_DECL connection(const asio::any_io_executor& io, asio::ssl::context* tls);

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  const strand_type& strand() const noexcept { return strand_; }
  bool is_open() const noexcept { return open_; }

  /// Resolve, connect (through a CONNECT tunnel when `lim.proxy` says so) and, for https,
  /// handshake with `ep`'s host. A proxy's refusal is a proxy_category() code. Must run on strand().
  ATOMS_DECL asio::awaitable<error_code> async_open(const endpoint& ep, const connection_limits& lim);

  /// Write `req`, read the response into `res`. Must run on strand().
  ATOMS_DECL asio::awaitable<exchange_result> async_exchange(request& req, response& res,
                                                             const connection_limits& lim);

  /// Write `req`, then read the response's header and, for a 2xx status, stream its body
  /// into `out.path`. `request_timeout` bounds the header and each wait for more body bytes,
  /// not the whole transfer. Must run on strand().
  ATOMS_DECL asio::awaitable<exchange_result> async_exchange(request& req, file_download& out,
                                                             const connection_limits& lim);

  /// True when the peer has not closed the idle connection and sent nothing unasked.
  /// Cheap (one non-blocking peek); only for a connection no operation is using.
  ATOMS_DECL bool idle_and_alive() const noexcept;

  /// Close the socket now (no TLS close_notify: the connection is being abandoned).
  ATOMS_DECL void close() noexcept;

  /// Abandon whatever is in progress: a pending resolve, connect, handshake, write or read
  /// completes at once with an error, and the connection is closed. Must run on strand().
  ATOMS_DECL void abort() noexcept;

  std::chrono::steady_clock::time_point idle_since{};
  std::size_t requests = 0;

 private:
  beast::tcp_stream& tcp() noexcept { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }
  const beast::tcp_stream& tcp() const noexcept { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }
  asio::awaitable<error_code> tunnel(const endpoint& ep, const proxy_endpoint& proxy);
  template <class Stream, class Target>
  asio::awaitable<exchange_result> exchange_on(Stream& s, request& req, Target& out,
                                               const connection_limits& lim);
  template <class Stream>
  asio::awaitable<error_code> read_response(Stream& s, response& res, const connection_limits& lim,
                                            exchange_result& r);
  template <class Stream>
  asio::awaitable<error_code> read_response(Stream& s, file_download& out, const connection_limits& lim,
                                            exchange_result& r);

  strand_type strand_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  std::optional<beast::tcp_stream> plain_;
  beast::flat_buffer buffer_;
  std::weak_ptr<detail::resolving> resolving_;  // the lookup in progress, if any
  bool open_ = false;
};

}  // namespace smallest::atoms::http

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/http/impl/connection.ipp>
#endif

#endif
