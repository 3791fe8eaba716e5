// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HTTP_IMPL_CONNECTION_IPP
#define SMALLEST_ATOMS_HTTP_IMPL_CONNECTION_IPP

#include <smallest/atoms/http/connection.hpp>

#include <smallest/atoms/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
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
// resolve itself: it waits on `wake`, which the lookup's completion or abort() ends, and
// abandons a lookup that is late (this state outlives it). A namespace-scope type: g++ 12
// cannot mangle a class local to a coroutine in a PCH.
struct resolving {
  explicit resolving(const asio::any_io_executor& ex) : resolver(ex), wake(ex) {}
  asio::ip::tcp::resolver resolver;
  asio::steady_timer wake;
  asio::ip::tcp::resolver::results_type results;
  error_code ec;
  bool done = false;
};
}  // namespace detail

ATOMS_DECL connection::connection(const asio::any_io_executor& io, asio::ssl::context* tls) {
  if (tls)
    tls_.emplace(io, *tls);
  else
    plain_.emplace(io);
}

ATOMS_DECL error_code connection::failure(error_code ec) const noexcept {
  if (timed_out_) return beast::error::timeout;
  if (aborted_) return asio::error::operation_aborted;
  return ec;
}

ATOMS_DECL asio::awaitable<error_code> connection::async_open(const endpoint& ep,
                                                              const connection_limits& lim) {
  // One deadline for resolve, connect and handshake together.
  watch_for(lim.connect_timeout);
  // The proxy carries https:// only, through a CONNECT tunnel (see client_options::proxy).
  const proxy_endpoint* proxy = ep.tls && lim.proxy && !lim.proxy->excludes(ep) ? lim.proxy.get() : nullptr;
  auto st = std::make_shared<detail::resolving>(co_await asio::this_coro::executor);
  resolving_ = st;
  st->wake.expires_at(asio::steady_timer::time_point::max());
  const std::string& host = proxy ? proxy->host : ep.host;
  const std::string& port = proxy ? proxy->port : ep.port;
  st->resolver.async_resolve(host, port, [st](error_code ec, asio::ip::tcp::resolver::results_type r) {
    st->ec = ec;
    st->results = std::move(r);
    st->done = true;
    st->wake.cancel();
  });
  if (!st->done && !aborted_) (void)co_await st->wake.async_wait(detail::use_tuple);
  resolving_.reset();
  if (!st->done) {
    st->resolver.cancel();
    co_return failure(asio::error::operation_aborted);
  }
  if (st->ec) co_return st->ec;

  // Each address in turn until one answers; an abort ends the attempts, not just the current one.
  error_code cec = asio::error::host_not_found;
  for (const auto& entry : st->results) {
    if (aborted_) break;
    error_code ignored;
    tcp().close(ignored);
    auto [e] = co_await tcp().async_connect(entry.endpoint(), detail::use_tuple);
    cec = e;
    if (!cec) break;
  }
  if (cec || aborted_) co_return failure(cec);
  error_code ignored;
  tcp().set_option(asio::ip::tcp::no_delay(true), ignored);  // a latency hint; failing it is harmless
  if (proxy)
    if (error_code tec = co_await tunnel(ep, *proxy); tec) co_return failure(tec);

  if (tls_) {
    // SNI names the host (never for an IP literal, which RFC 6066 forbids); the peer's
    // chain must verify and its certificate must name the host we asked for.
    if (!is_ip_literal(ep.host) && !SSL_set_tlsext_host_name(tls_->native_handle(), ep.host.c_str()))
      co_return error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
    tls_->set_verify_mode(asio::ssl::verify_peer);
    tls_->set_verify_callback(asio::ssl::host_name_verification(ep.host));
    auto [hec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, detail::use_tuple);
    if (hec || aborted_) co_return failure(hec);
  }
  unwatch();
  open_ = true;
  co_return error_code{};
}

// Asks the proxy for a tunnel to `ep` (RFC 9110 9.3.6), under the deadline async_open set.
ATOMS_DECL asio::awaitable<error_code> connection::tunnel(const endpoint& ep, const proxy_endpoint& proxy) {
  namespace bhttp = beast::http;
  const std::string target = authority(ep.host, ep.port);
  bhttp::request<bhttp::empty_body> req{bhttp::verb::connect, target, 11};
  req.set(bhttp::field::host, target);
  if (!proxy.authorization.empty()) req.set(bhttp::field::proxy_authorization, proxy.authorization);
  auto [wec, wn] = co_await bhttp::async_write(tcp(), req, detail::use_tuple);
  (void)wn;
  if (wec) co_return wec;
  bhttp::response_parser<bhttp::empty_body> res;
  res.skip(true);  // a 2xx to CONNECT has no body: the tunnel starts after the header
  auto [rec, rn] = co_await bhttp::async_read_header(tcp(), buffer_, res, detail::use_tuple);
  (void)rn;
  if (rec) co_return rec;
  const unsigned status = res.get().result_int();
  // The proxy's error page is never read: it is not the service's, and the connection is dropped.
  // Bytes after a 2xx header would be in buffer_, not in the TLS stream: refused too.
  if (status / 100 != 2 || buffer_.size() != 0) co_return make_proxy_error(status);
  co_return error_code{};
}

template <class Stream, class Target>
asio::awaitable<exchange_result> connection::exchange_on(Stream& s, request& req, Target& out,
                                                         const connection_limits& lim) {
  exchange_result r;
  // The deadline covers the write and the response's header; past it, the watchdog aborts
  // the connection. Each read_response decides how long the body may take.
  watch_for(lim.request_timeout);
  auto [wec, wn] = co_await beast::http::async_write(s, req, detail::use_tuple);
  (void)wn;
  r.request_sent = !wec && !aborted_;
  if (!r.request_sent)
    r.ec = wec ? wec : asio::error::operation_aborted;
  else
    r.ec = co_await read_response(s, out, lim, r);
  if (r.ec || aborted_) {
    r.ec = failure(r.ec);
    close();
    co_return r;
  }
  unwatch();
  ++requests;
  if (!r.reusable) close();
  co_return r;
}

template <class Stream>
asio::awaitable<error_code> connection::read_response(Stream& s, response& res, const connection_limits& lim,
                                                      exchange_result& r) {
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(lim.max_body);
  parser.header_limit(static_cast<std::uint32_t>(lim.max_header));
  auto [ec, n] = co_await beast::http::async_read(s, buffer_, parser, detail::use_tuple);
  (void)n;
  r.response_started = parser.got_some();
  if (ec) co_return ec;
  // The parser's keep_alive() also knows a body delimited by the end of the stream.
  r.reusable = parser.keep_alive() && buffer_.size() == 0;
  res = parser.release();
  co_return error_code{};
}

template <class Stream>
asio::awaitable<error_code> connection::read_response(Stream& s, file_download& out,
                                                      const connection_limits& lim, exchange_result& r) {
  namespace bhttp = beast::http;
  bhttp::response_parser<bhttp::empty_body> head;
  head.header_limit(static_cast<std::uint32_t>(lim.max_header));
  head.body_limit(out.max_bytes);  // a Content-Length is checked against it with the header
  auto [hec, hn] = co_await bhttp::async_read_header(s, buffer_, head, detail::use_tuple);
  (void)hn;
  r.response_started = head.got_some();
  if (hec) co_return hec;
  out.status = head.get().result_int();

  if (out.status < 200 || out.status >= 300) {
    // An error page: read it whole, small, into memory.
    bhttp::response_parser<bhttp::string_body> err(std::move(head));
    err.body_limit(64 * 1024);
    auto [eec, en] = co_await bhttp::async_read(s, buffer_, err, detail::use_tuple);
    (void)en;
    if (eec) co_return eec;
    r.reusable = err.keep_alive() && buffer_.size() == 0;
    out.error_body = std::move(err.get().body());
    co_return error_code{};
  }

  bhttp::response_parser<bhttp::file_body> body(std::move(head));
  body.body_limit(out.max_bytes);
  error_code fec;
  body.get().body().open(out.path.c_str(), beast::file_mode::write, fec);
  if (fec) co_return fec;
  // However long the transfer, each wait for more bytes has request_timeout to end.
  while (!body.is_done()) {
    watch_for(lim.request_timeout);
    auto [rec, rn] = co_await bhttp::async_read_some(s, buffer_, body, detail::use_tuple);
    (void)rn;
    if (rec) co_return rec;
  }
  out.bytes = body.get().body().file().pos(fec);
  body.get().body().close();
  r.reusable = body.keep_alive() && buffer_.size() == 0;
  co_return error_code{};
}

ATOMS_DECL asio::awaitable<exchange_result> connection::async_exchange(request& req, response& res,
                                                                       const connection_limits& lim) {
  if (tls_) co_return co_await exchange_on(*tls_, req, res, lim);
  co_return co_await exchange_on(*plain_, req, res, lim);
}

ATOMS_DECL asio::awaitable<exchange_result> connection::async_exchange(request& req, file_download& out,
                                                                       const connection_limits& lim) {
  if (tls_) co_return co_await exchange_on(*tls_, req, out, lim);
  co_return co_await exchange_on(*plain_, req, out, lim);
}

ATOMS_DECL bool connection::idle_and_alive() const noexcept {
  if (!open_ || !tcp().is_open()) return false;
#if defined(__unix__) || defined(__APPLE__)
  // An HTTP/1.1 server sends nothing on an idle connection but a close: a FIN (recv
  // returns 0), a TLS close_notify or an error response (recv returns > 0), or a reset.
  char byte;
  auto fd = const_cast<socket&>(tcp()).native_handle();
  ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
#else
  return true;
#endif
}

ATOMS_DECL void connection::abort(abort_reason why) noexcept {
  aborted_ = true;
  if (why == abort_reason::timeout) timed_out_ = true;
  if (auto st = resolving_.lock()) st->wake.cancel();
  close();
}

ATOMS_DECL void connection::close() noexcept {
  open_ = false;
  unwatch();
  error_code ignored;
  tcp().shutdown(socket::shutdown_both, ignored);
  tcp().close(ignored);
}

}  // namespace smallest::atoms::http

#endif
