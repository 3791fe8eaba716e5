// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HTTP_CONNECTION_HPP
#define SMALLEST_ATOMS_HTTP_CONNECTION_HPP

// Transport layer: one HTTP/1.1 connection, plain or TLS. Resolve → connect → TLS handshake
// (SNI, peer and host-name verification) → write → read, each phase under a deadline.
// An https:// connection may run through an HTTP proxy's CONNECT tunnel.
// A connection belongs to one operation at a time (the pool sees to it) and does its I/O in
// that operation's coroutine, on that operation's strand, so a multi-threaded io_context never
// touches it from two threads. It keeps no timer of its own: it publishes the deadline of what
// it is doing (deadline()), and whoever watches it (the pool's watchdog) calls
// abort(abort_reason::timeout) on the operation's strand once that deadline has passed.

#include <smallest/atoms/http/url.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
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

/// Why a connection's work was abandoned: abort() closes the socket, and what was pending
/// fails with operation_aborted, or with beast::error::timeout after a deadline.
enum class abort_reason { cancelled, timeout };

class connection {
 public:
  using clock = std::chrono::steady_clock;

  /// `tls` is null for http://; otherwise it must outlive the connection.
  ATOMS_DECL connection(const asio::any_io_executor& io, asio::ssl::context* tls);

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  bool is_open() const noexcept { return open_; }

  /// Resolve, connect (through a CONNECT tunnel when `lim.proxy` says so) and, for https,
  /// handshake with `ep`'s host, all before `connect_timeout` passes. A proxy's refusal is a
  /// proxy_category() code. Runs in the coroutine of the operation holding the connection.
  ATOMS_DECL asio::awaitable<error_code> async_open(const endpoint& ep, const connection_limits& lim);

  /// Write `req`, read the response into `res`, before `request_timeout` passes.
  ATOMS_DECL asio::awaitable<exchange_result> async_exchange(request& req, response& res,
                                                             const connection_limits& lim);

  /// Write `req`, then read the response's header and, for a 2xx status, stream its body
  /// into `out.path`. `request_timeout` bounds the header and each wait for more body bytes,
  /// not the whole transfer.
  ATOMS_DECL asio::awaitable<exchange_result> async_exchange(request& req, file_download& out,
                                                             const connection_limits& lim);

  /// When what the connection is doing must be over; clock::time_point::max() when idle.
  /// Read from any thread (by a watchdog); written only by the operation holding it.
  clock::time_point deadline() const noexcept {
    return clock::time_point(clock::duration(deadline_.load(std::memory_order_relaxed)));
  }

  /// True when the peer has not closed the idle connection and sent nothing unasked.
  /// Cheap (one non-blocking peek); only for a connection no operation is using.
  ATOMS_DECL bool idle_and_alive() const noexcept;

  /// Close the socket now (no TLS close_notify: the connection is being abandoned).
  ATOMS_DECL void close() noexcept;

  /// Abandon whatever is in progress: a pending resolve, connect, handshake, write or read
  /// completes at once with an error (beast::error::timeout for abort_reason::timeout), and
  /// the connection is closed. Must run where the operation holding the connection runs.
  ATOMS_DECL void abort(abort_reason why) noexcept;

  std::chrono::steady_clock::time_point idle_since{};
  std::size_t requests = 0;

 private:
  using socket = asio::ip::tcp::socket;
  socket& tcp() noexcept { return tls_ ? tls_->next_layer() : *plain_; }
  const socket& tcp() const noexcept { return tls_ ? tls_->next_layer() : *plain_; }
  void watch_until(clock::time_point at) noexcept {
    deadline_.store(at.time_since_epoch().count(), std::memory_order_relaxed);
  }
  void watch_for(clock::duration d) noexcept { watch_until(clock::now() + d); }
  void unwatch() noexcept { watch_until(clock::time_point::max()); }
  // `ec`, or beast::error::timeout when the deadline was the reason of the failure.
  error_code failure(error_code ec) const noexcept;
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

  std::optional<beast::ssl_stream<socket>> tls_;
  std::optional<socket> plain_;
  beast::flat_buffer buffer_;
  std::weak_ptr<detail::resolving> resolving_;  // the lookup in progress, if any
  std::atomic<clock::rep> deadline_{clock::time_point::max().time_since_epoch().count()};
  bool open_ = false;
  bool aborted_ = false;    // abort() ended what was in progress: the connection is done
  bool timed_out_ = false;  // ... and the reason was its deadline
};

}  // namespace smallest::atoms::http

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/http/impl/connection.ipp>
#endif

#endif
