// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_WEBHOOK_RECEIVER_IPP
#define SMALLEST_ATOMS_IMPL_WEBHOOK_RECEIVER_IPP

#include <smallest/atoms/webhook_receiver.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace smallest::atoms {

struct webhook_receiver::state : std::enable_shared_from_this<state> {
  state(asio::any_io_executor e, webhook_receiver_options o, handler_type h)
      : ex(std::move(e)), opts(std::move(o)), handler(std::move(h)) {}

  const asio::any_io_executor ex;
  const webhook_receiver_options opts;
  const handler_type handler;

  std::atomic<std::size_t> delivered{0}, bad_signature{0}, bad_body{0}, overloaded{0}, handler_failures{0},
      pending{0}, open{0};

  std::mutex mu;  // the acceptor's existence, the list of connections, `stopped`
  std::optional<asio::ip::tcp::acceptor> acceptor;
  std::list<std::weak_ptr<boost::beast::tcp_stream>> connections;
  bool stopped = false;

  response answer(const request& req);
};

namespace detail {

namespace bhttp = boost::beast::http;
inline constexpr auto receiver_tuple = asio::as_tuple(asio::use_awaitable);

inline webhook_receiver::response receiver_reply(const webhook_receiver::request& req, bhttp::status s,
                                                 std::string_view error) {
  webhook_receiver::response r{s, req.version()};
  r.set(bhttp::field::content_type, "application/json");
  if (error.empty()) {
    r.body() = R"({"status":"ok"})";
  } else {
    r.body() = R"({"error":)";
    r.body() += boost::json::serialize(boost::json::string(error));
    r.body() += '}';
  }
  r.keep_alive(req.keep_alive());
  r.prepare_payload();
  return r;
}

// The user's handler, after the delivery has been answered.
inline asio::awaitable<void> run_webhook_handler(std::shared_ptr<webhook_receiver::state> st,
                                                 webhook_event e) {
  try {
    co_await st->handler(std::move(e));
  } catch (...) {
    ++st->handler_failures;
  }
  --st->pending;
}

// One connection: requests in turn (keep-alive), each read within request_timeout.
inline asio::awaitable<void> serve_webhook_connection(
    std::shared_ptr<webhook_receiver::state> st, std::shared_ptr<boost::beast::tcp_stream> stream,
    std::list<std::weak_ptr<boost::beast::tcp_stream>>::iterator self) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(st->opts.max_body);
    stream->expires_after(st->opts.request_timeout);
    auto [rec, rn] = co_await bhttp::async_read(*stream, buffer, parser, receiver_tuple);
    (void)rn;
    if (rec == bhttp::error::body_limit) {
      ++st->bad_body;
      webhook_receiver::response res = receiver_reply(parser.get(), bhttp::status::payload_too_large,
                                                      "the body is over the receiver's limit");
      res.keep_alive(false);
      (void)co_await bhttp::async_write(*stream, res, receiver_tuple);
      break;
    }
    if (rec) break;  // closed, timed out, or not HTTP
    webhook_receiver::response res = st->answer(parser.get());
    stream->expires_after(st->opts.request_timeout);
    auto [wec, wn] = co_await bhttp::async_write(*stream, res, receiver_tuple);
    (void)wn;
    if (wec || !res.keep_alive()) break;
  }
  error_code ignored;
  stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream->close();
  {
    std::lock_guard lock(st->mu);
    st->connections.erase(self);
  }
  --st->open;
}

inline asio::awaitable<void> accept_webhook_connections(std::shared_ptr<webhook_receiver::state> st) {
  asio::ip::tcp::acceptor& acceptor = *st->acceptor;  // lives as long as `st`
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(st->ex), receiver_tuple);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors, say: wait a little rather than spin.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      (void)co_await pause.async_wait(receiver_tuple);
      continue;
    }
    if (st->open.load() >= st->opts.max_connections) {
      error_code ignored;
      socket.close(ignored);
      continue;
    }
    auto stream = std::make_shared<boost::beast::tcp_stream>(std::move(socket));
    std::list<std::weak_ptr<boost::beast::tcp_stream>>::iterator self;
    {
      std::lock_guard lock(st->mu);
      if (st->stopped) co_return;
      self = st->connections.insert(st->connections.end(), stream);
    }
    ++st->open;
    asio::co_spawn(stream->get_executor(), serve_webhook_connection(st, stream, self), asio::detached);
  }
}

}  // namespace detail

ATOMS_DECL webhook_receiver::response webhook_receiver::state::answer(const request& req) {
  namespace bhttp = boost::beast::http;
  if (req.method() != bhttp::verb::post) {
    response r = detail::receiver_reply(req, bhttp::status::method_not_allowed, "deliveries are POSTed");
    r.set(bhttp::field::allow, "POST");
    return r;
  }
  std::string_view target = req.target();
  target = target.substr(0, target.find('?'));
  if (target != opts.path) return detail::receiver_reply(req, bhttp::status::not_found, "no webhook here");

  std::optional<std::string_view> signature;
  if (auto it = req.find("X-Signature"); it != req.end()) signature = it->value();
  webhook_delivery d = read_webhook(req.body(), signature, opts.secret, opts.max_body);
  if (d.ec == webhook_errc::missing_signature || d.ec == webhook_errc::bad_signature) {
    ++bad_signature;
    return detail::receiver_reply(req, bhttp::status::unauthorized, d.ec.message());
  }
  if (d.ec == webhook_errc::body_too_large) {
    ++bad_body;
    return detail::receiver_reply(req, bhttp::status::payload_too_large, d.message);
  }
  if (d.ec) {
    ++bad_body;
    return detail::receiver_reply(req, bhttp::status::bad_request, d.message);
  }
  if (pending.load() >= opts.max_pending) {
    ++overloaded;
    return detail::receiver_reply(req, bhttp::status::service_unavailable, "too many events being handled");
  }
  ++pending;
  ++delivered;
  asio::co_spawn(ex, detail::run_webhook_handler(shared_from_this(), std::move(*d.event)), asio::detached);
  return detail::receiver_reply(req, bhttp::status::ok, {});
}

ATOMS_DECL webhook_receiver::webhook_receiver(asio::any_io_executor ex, webhook_receiver_options options,
                                              handler_type handler) {
  if (options.secret.empty())
    throw std::invalid_argument("webhook_receiver_options::secret is empty: deliveries cannot be verified");
  if (options.path.empty() || options.path.front() != '/')
    throw std::invalid_argument("webhook_receiver_options::path must start with '/'");
  if (!handler) throw std::invalid_argument("webhook_receiver: the handler is empty");
  state_ = std::make_shared<state>(std::move(ex), std::move(options), std::move(handler));
}

ATOMS_DECL webhook_receiver::~webhook_receiver() { stop(); }

ATOMS_DECL webhook_receiver::response webhook_receiver::answer(const request& req) {
  return state_->answer(req);
}

ATOMS_DECL unsigned short webhook_receiver::listen(const asio::ip::tcp::endpoint& where) {
  unsigned short port = 0;
  {
    std::lock_guard lock(state_->mu);
    if (state_->acceptor) throw std::logic_error("webhook_receiver::listen: already listening");
    if (state_->stopped) throw std::logic_error("webhook_receiver::listen: stopped");
    state_->acceptor.emplace(asio::make_strand(state_->ex), where);  // throws system_error
    port = state_->acceptor->local_endpoint().port();
  }
  asio::co_spawn(state_->acceptor->get_executor(), detail::accept_webhook_connections(state_),
                 asio::detached);
  return port;
}

ATOMS_DECL void webhook_receiver::stop() {
  std::lock_guard lock(state_->mu);
  state_->stopped = true;
  if (state_->acceptor)
    asio::post(state_->acceptor->get_executor(), [st = state_] {
      error_code ignored;
      st->acceptor->close(ignored);
    });
  for (const auto& weak : state_->connections)
    if (auto stream = weak.lock())
      asio::post(stream->get_executor(), [stream] {
        error_code ignored;
        stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        stream->socket().close(ignored);
      });
}

ATOMS_DECL webhook_receiver_stats webhook_receiver::stats() const noexcept {
  const state& s = *state_;
  return {s.delivered.load(),        s.bad_signature.load(), s.bad_body.load(), s.overloaded.load(),
          s.handler_failures.load(), s.pending.load(),       s.open.load()};
}

}  // namespace smallest::atoms

#endif
