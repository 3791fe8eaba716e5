// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HTTP_IMPL_POOL_IPP
#define SMALLEST_ATOMS_HTTP_IMPL_POOL_IPP

#include <smallest/atoms/error.hpp>
#include <smallest/atoms/http/pool.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace smallest::atoms::http {

ATOMS_DECL pool::pool(asio::any_io_executor io, endpoint ep, pool_options opts,
                      std::shared_ptr<asio::ssl::context> tls)
    : io_(std::move(io)), ep_(std::move(ep)), opts_(opts), tls_(std::move(tls)) {
  if (opts_.max_connections == 0) opts_.max_connections = 1;
}

ATOMS_DECL std::size_t pool::open_connections() const {
  std::lock_guard lk(mu_);
  return open_;
}

ATOMS_DECL std::size_t pool::idle_connections() const {
  std::lock_guard lk(mu_);
  return idle_.size();
}

ATOMS_DECL void pool::close() {
  std::vector<std::unique_ptr<connection>> idle;
  std::deque<std::shared_ptr<waiter>> waiters;
  {
    std::lock_guard lk(mu_);
    closed_ = true;
    open_ -= idle_.size();
    idle.swap(idle_);
    waiters.swap(waiters_);
  }
  for (auto& w : waiters) asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
  // `idle` closes its sockets here, outside the lock: no operation uses them.
}

ATOMS_DECL void pool::release(std::unique_ptr<connection> c, bool reusable) noexcept {
  std::shared_ptr<waiter> wake;
  {
    std::lock_guard lk(mu_);
    if (c && reusable && c->is_open() && !closed_) {
      if (!waiters_.empty()) {
        wake = std::move(waiters_.front());
        waiters_.pop_front();
        wake->conn = std::move(c);
      } else {
        c->idle_since = std::chrono::steady_clock::now();
        idle_.push_back(std::move(c));
      }
    } else if (!waiters_.empty() && !closed_) {
      // The connection is gone but its slot is not: the first waiter opens a new one.
      wake = std::move(waiters_.front());
      waiters_.pop_front();
      wake->slot = true;
    } else {
      --open_;
    }
  }
  // The waiter's timer lives on the waiting operation's executor: wake it there.
  if (wake) asio::post(wake->timer.get_executor(), [wake] { wake->timer.cancel(); });
  // `c`, if still owned, closes here, outside the lock.
}

ATOMS_DECL asio::awaitable<std::tuple<error_code, pool::lease>> pool::acquire() {
  const asio::any_io_executor self = co_await asio::this_coro::executor;
  std::shared_ptr<waiter> w;
  std::vector<std::unique_ptr<connection>> stale;  // closed outside the lock
  {
    std::lock_guard lk(mu_);
    if (closed_) co_return std::tuple{error_code(errc::client_closed), lease{}};
    auto now = std::chrono::steady_clock::now();
    while (!idle_.empty()) {
      std::unique_ptr<connection> c = std::move(idle_.back());
      idle_.pop_back();
      if (now - c->idle_since < opts_.idle_timeout && c->idle_and_alive())
        co_return std::tuple{error_code{}, lease(shared_from_this(), std::move(c))};
      --open_;
      stale.push_back(std::move(c));
    }
    if (open_ < opts_.max_connections) {
      ++open_;
      co_return std::tuple{error_code{},
                           lease(shared_from_this(), std::make_unique<connection>(io_, tls_.get()))};
    }
    w = std::make_shared<waiter>(self);
    w->timer.expires_at(asio::steady_timer::time_point::max());
    waiters_.push_back(w);
  }
  stale.clear();

  auto [ec] = co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;  // woken by release() or close() (operation_aborted), or by our own cancellation

  std::lock_guard lk(mu_);
  if (w->conn) co_return std::tuple{error_code{}, lease(shared_from_this(), std::move(w->conn))};
  if (w->slot) {
    co_return std::tuple{error_code{},
                         lease(shared_from_this(), std::make_unique<connection>(io_, tls_.get()))};
  }
  // Neither handed a connection nor a slot: the operation was cancelled or the pool closed.
  if (auto it = std::find(waiters_.begin(), waiters_.end(), w); it != waiters_.end()) waiters_.erase(it);
  co_return std::tuple{closed_ ? error_code(errc::client_closed) : error_code(asio::error::operation_aborted),
                       lease{}};
}

ATOMS_DECL asio::awaitable<exchange_result> pool::run_on(connection& c, request& req, response& res) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  if (!c.is_open()) {
    if (error_code ec = co_await c.async_open(ep_, opts_.limits)) {
      c.close();
      co_return exchange_result{ec};
    }
  }
  co_return co_await c.async_exchange(req, res, opts_.limits);
}

ATOMS_DECL asio::awaitable<exchange_result> pool::async_exchange(request& req, response& res,
                                                                 unsigned& attempts) {
  for (;;) {
    auto [ec, l] = co_await acquire();
    if (ec) co_return exchange_result{ec};
    connection& c = l.conn();
    const bool reused = c.is_open();
    ++attempts;
    // All I/O of a connection runs on its own strand, whichever operation holds it.
    exchange_result r = co_await asio::co_spawn(c.strand(), run_on(c, req, res), asio::use_awaitable);
    l.end(!r.ec && r.reusable);
    if (!r.ec) co_return r;
    // A reused connection that fails before any byte of the response was most likely closed
    // by the server while idle: the request did not reach it, so it is safe to send again.
    // Not after a timeout (the server may be working on it) nor after a cancellation.
    const bool stale = reused && !r.response_started && r.ec != beast::error::timeout &&
                       r.ec != asio::error::operation_aborted;
    if (!stale) co_return r;
  }
}

}  // namespace smallest::atoms::http

#endif
