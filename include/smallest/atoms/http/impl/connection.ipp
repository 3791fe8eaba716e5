// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HTTP_IMPL_CONNECTION_IPP
#define SMALLEST_ATOMS_HTTP_IMPL_CONNECTION_IPP

#include <smallest/atoms/http/connection.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/socket.h>
#include <cerrno>
#endif

#include <memory>

namespace smallest::atoms::http {

namespace detail {
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A lookup in progress. Asio resolves with a blocking getaddrinfo on a thread of its own,
// which cancel() cannot interrupt once it has started, so the connection does not await the
// resolve itself: it waits on `wake`, which the lookup's completion, the connect deadline or
// abort() ends, and abandons a lookup that is late (this state outlives it). A
// namespace-scope type: g++ 12 cannot mangle a class local to a coroutine in a PCH.
struct resolving {
  explicit resolving(const asio::any_io_executor& ex) : resolver(ex), wake(ex) {}
  asio::ip::tcp::resolver resolver;
  asio::steady_timer wake;
  asio::ip::tcp::resolver::results_type results;
  error_code ec;
  bool done = false;
};
}  // namespace detail

ATOMS_DECL connection::connection(const asio::any_io_executor& io, asio::ssl::context* tls)
    : strand_(asio::make_strand(io)) {
  if (tls)
    tls_.emplace(strand_, *tls);
  else
    plain_.emplace(strand_);
}

ATOMS_DECL asio::awaitable<error_code> connection::async_open(const endpoint& ep,
                                                              const connection_limits& lim) {
  // One deadline for resolve, connect and handshake together.
  const auto deadline = std::chrono::steady_clock::now() + lim.connect_timeout;
  auto st = std::make_shared<detail::resolving>(strand_);
  resolving_ = st;
  st->wake.expires_at(deadline);
  st->resolver.async_resolve(ep.host, ep.port, [st](error_code ec, asio::ip::tcp::resolver::results_type r) {
    st->ec = ec;
    st->results = std::move(r);
    st->done = true;
    st->wake.cancel();
  });
  (void)co_await st->wake.async_wait(detail::use_tuple);
  resolving_.reset();
  if (!st->done) {
    st->resolver.cancel();
    co_return error_code(beast::error::timeout);
  }
  if (st->ec) co_return st->ec;
  const auto& results = st->results;

  beast::tcp_stream& s = tcp();
  s.expires_at(deadline);
  auto [cec, connected] = co_await s.async_connect(results, detail::use_tuple);
  (void)connected;
  if (cec) co_return cec;
  error_code ignored;
  s.socket().set_option(asio::ip::tcp::no_delay(true), ignored);  // a latency hint; failing it is harmless

  if (tls_) {
    // SNI names the host (never for an IP literal, which RFC 6066 forbids); the peer's
    // chain must verify and its certificate must name the host we asked for.
    if (!is_ip_literal(ep.host) && !SSL_set_tlsext_host_name(tls_->native_handle(), ep.host.c_str()))
      co_return error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
    tls_->set_verify_mode(asio::ssl::verify_peer);
    tls_->set_verify_callback(asio::ssl::host_name_verification(ep.host));
    auto [hec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, detail::use_tuple);
    if (hec) co_return hec;
  }
  s.expires_never();
  open_ = true;
  co_return error_code{};
}

template <class Stream>
asio::awaitable<exchange_result> connection::exchange_on(Stream& s, request& req, response& res,
                                                         const connection_limits& lim) {
  exchange_result r;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(lim.max_body);
  parser.header_limit(static_cast<std::uint32_t>(lim.max_header));

  // One deadline for the whole exchange; if it fires, Beast closes the socket.
  tcp().expires_after(lim.request_timeout);
  auto [wec, wn] = co_await beast::http::async_write(s, req, detail::use_tuple);
  (void)wn;
  r.request_sent = !wec;
  if (!wec) {
    auto [rec, rn] = co_await beast::http::async_read(s, buffer_, parser, detail::use_tuple);
    (void)rn;
    r.ec = rec;
  } else {
    r.ec = wec;
  }
  r.response_started = parser.got_some();
  if (r.ec) {
    close();
    co_return r;
  }
  tcp().expires_never();
  // The parser's keep_alive() also knows a body delimited by the end of the stream.
  r.reusable = parser.keep_alive() && buffer_.size() == 0;
  res = parser.release();
  ++requests;
  if (!r.reusable) close();
  co_return r;
}

ATOMS_DECL asio::awaitable<exchange_result> connection::async_exchange(request& req, response& res,
                                                                       const connection_limits& lim) {
  if (tls_) co_return co_await exchange_on(*tls_, req, res, lim);
  co_return co_await exchange_on(*plain_, req, res, lim);
}

ATOMS_DECL bool connection::idle_and_alive() const noexcept {
  if (!open_ || !tcp().socket().is_open()) return false;
#if defined(__unix__) || defined(__APPLE__)
  // An HTTP/1.1 server sends nothing on an idle connection but a close: a FIN (recv
  // returns 0), a TLS close_notify or an error response (recv returns > 0), or a reset.
  char byte;
  auto fd = const_cast<beast::tcp_stream&>(tcp()).socket().native_handle();
  ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
#else
  return true;
#endif
}

ATOMS_DECL void connection::abort() noexcept {
  if (auto st = resolving_.lock()) st->wake.cancel();
  close();
}

ATOMS_DECL void connection::close() noexcept {
  open_ = false;
  error_code ignored;
  tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  tcp().socket().close(ignored);
}

}  // namespace smallest::atoms::http

#endif
