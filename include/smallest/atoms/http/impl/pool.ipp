// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HTTP_IMPL_POOL_IPP
#define SMALLEST_ATOMS_HTTP_IMPL_POOL_IPP

#include <smallest/atoms/http/pool.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace smallest::atoms::http {

ATOMS_DECL pool::pool(asio::any_io_executor io, endpoint ep, pool_options opts,
                      std::shared_ptr<asio::ssl::context> tls)
    : io_(std::move(io)), ep_(std::move(ep)), opts_(opts), tls_(std::move(tls)), watchdog_(io_) {
  if (opts_.max_connections == 0) opts_.max_connections = 1;
  idle_.reserve(opts_.max_connections);  // release() never allocates for it
  busy_.reserve(opts_.max_connections);
  const auto shortest = std::min(opts_.limits.connect_timeout, opts_.limits.request_timeout);
  tick_ = std::clamp<std::chrono::steady_clock::duration>(shortest / 8, std::chrono::milliseconds(1),
                                                          std::chrono::seconds(1));
}

ATOMS_DECL pool::~pool() = default;

// Called on `x->ex` by a cancellation, or dispatched there by the watchdog.
ATOMS_DECL void pool::abort(const std::shared_ptr<exchange_state>& x, abort_reason why) {
  asio::dispatch(x->ex, [x, why] {
    if (x->active && !x->aborted) {
      x->aborted = true;
      x->conn->abort(why);
    }
  });
}

ATOMS_DECL void pool::watch(std::shared_ptr<exchange_state> x) {
  std::lock_guard lk(mu_);
  busy_.push_back(std::move(x));
  if (!watching_) arm_watchdog();
}

ATOMS_DECL void pool::unwatch(const std::shared_ptr<exchange_state>& x) noexcept {
  std::lock_guard lk(mu_);
  if (auto it = std::find(busy_.begin(), busy_.end(), x); it != busy_.end()) {
    *it = std::move(busy_.back());
    busy_.pop_back();
  }
  // Nothing left to watch: the timer must not keep the io_context's run() going.
  if (busy_.empty() && watching_) {
    watching_ = false;
    watchdog_.cancel();
  }
}

// While an exchange runs: watched by the watchdog, and aborted by a cancellation (when the
// caller can cancel: the slot is disconnected otherwise). Ends with the exchange, however it ends.
ATOMS_DECL pool::watched::watched(pool& p, std::shared_ptr<exchange_state> s, asio::cancellation_slot cs)
    : owner(p), x(std::move(s)), slot(cs) {
  if (slot.is_connected()) slot.assign(cancel_exchange{x});
  owner.watch(x);
}

ATOMS_DECL pool::watched::~watched() {
  owner.unwatch(x);
  if (slot.is_connected()) slot.clear();
}

ATOMS_DECL void pool::arm_watchdog() {
  watching_ = true;
  watchdog_.expires_after(tick_);
  watchdog_.async_wait([self = weak_from_this()](error_code ec) {
    if (ec) return;  // cancelled: nothing is in progress any more
    if (auto p = self.lock()) p->on_tick();
  });
}

ATOMS_DECL void pool::on_tick() {
  std::vector<std::shared_ptr<exchange_state>> late;
  {
    std::lock_guard lk(mu_);
    // A tick that fired just as the last exchange ended, or a chain another has replaced.
    if (!watching_ || busy_.empty()) return;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& x : busy_)
      if (!x->expired && x->conn->deadline() <= now) {
        x->expired = true;
        late.push_back(x);
      }
    arm_watchdog();
  }
  for (const auto& x : late) abort(x, abort_reason::timeout);
}

ATOMS_DECL std::size_t pool::open_connections() const {
  std::lock_guard lk(mu_);
  return open_;
}

ATOMS_DECL std::size_t pool::idle_connections() const {
  std::lock_guard lk(mu_);
  return idle_.size();
}

ATOMS_DECL void pool::release(std::unique_ptr<connection> c, bool reusable) noexcept {
  std::shared_ptr<waiter> wake;
  {
    std::lock_guard lk(mu_);
    if (c && reusable && c->is_open()) {
      if (!waiters_.empty()) {
        wake = std::move(waiters_.front());
        waiters_.pop_front();
        wake->conn = std::move(c);
      } else {
        c->idle_since = std::chrono::steady_clock::now();
        idle_.push_back(std::move(c));
      }
    } else if (!waiters_.empty()) {
      // The connection is gone but its slot is not: the first waiter opens a new one.
      wake = std::move(waiters_.front());
      waiters_.pop_front();
      wake->slot = true;
    } else {
      --open_;
    }
  }
  // The waiter's timer lives on the waiting operation's strand: wake it there.
  if (wake) asio::post(wake->timer.get_executor(), [wake] { wake->timer.cancel(); });
  // `c`, if still owned, closes here, outside the lock.
}

ATOMS_DECL void pool::drop_idle() {
  std::vector<std::unique_ptr<connection>> idle;  // closed outside the lock
  std::lock_guard lk(mu_);
  idle.reserve(idle_.size());
  for (auto& c : idle_) idle.push_back(std::move(c));
  open_ -= idle_.size();
  idle_.clear();  // keeps its capacity: release() must not allocate
}

// A connection for a slot already counted in open_; the slot is given back if making it throws.
ATOMS_DECL pool::lease pool::new_connection() {
  try {
    return lease(shared_from_this(), std::make_unique<connection>(io_, tls_.get()));
  } catch (...) {
    release(nullptr, false);
    throw;
  }
}

ATOMS_DECL asio::awaitable<std::tuple<error_code, pool::lease>> pool::acquire() {
  const asio::any_io_executor self = co_await asio::this_coro::executor;
  std::shared_ptr<waiter> w;
  std::vector<std::unique_ptr<connection>> stale;  // closed outside the lock
  bool open_new = false;
  {
    std::lock_guard lk(mu_);
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
      open_new = true;
    } else {
      w = std::make_shared<waiter>(self);
      w->timer.expires_at(asio::steady_timer::time_point::max());
      waiters_.push_back(w);
    }
  }
  stale.clear();
  if (open_new) co_return std::tuple{error_code{}, new_connection()};

  auto [ec] = co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;  // woken by release(), or by the operation's own cancellation

  {
    std::lock_guard lk(mu_);
    if (w->conn) co_return std::tuple{error_code{}, lease(shared_from_this(), std::move(w->conn))};
    if (!w->slot) {
      // Handed neither a connection nor a slot: the operation was cancelled.
      if (auto it = std::find(waiters_.begin(), waiters_.end(), w); it != waiters_.end()) waiters_.erase(it);
      co_return std::tuple{error_code(asio::error::operation_aborted), lease{}};
    }
  }
  co_return std::tuple{error_code{}, new_connection()};
}

template <class Target>
asio::awaitable<exchange_result> pool::run_on(connection& c, request& req, Target& out, exchange_state& x) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  exchange_result r;
  if (!x.aborted && !c.is_open()) {
    r.ec = co_await c.async_open(ep_, opts_.limits);
    if (r.ec) c.close();
  }
  if (!r.ec && !x.aborted) r = co_await c.async_exchange(req, out, opts_.limits);
  x.active = false;
  if (x.aborted) {
    // Without an error: aborted before the open or the exchange began, or between the last
    // read's completion and this coroutine's resumption. Either way the abort wins.
    if (!r.ec) r.ec = asio::error::operation_aborted;
    r.reusable = false;
    c.close();
  }
  co_return r;
}

template <class Target>
asio::awaitable<exchange_result> pool::exchange(request& req, Target& out, unsigned& attempts,
                                                bool replayable) {
  asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
  const asio::any_io_executor self = co_await asio::this_coro::executor;
  bool retried = false;
  for (;;) {
    auto [ec, l] = co_await acquire();
    if (ec) co_return exchange_result{ec};
    connection& c = l.conn();
    if (cs.cancelled() != asio::cancellation_type::none) {
      l.end(c.is_open());  // untouched: an open connection goes back as it came
      co_return exchange_result{asio::error::operation_aborted};
    }
    const bool reused = c.is_open();
    ++attempts;

    // The connection's I/O runs on this operation's strand, as a coroutine of its own started
    // there (at once: no hop) that never sees a cancellation: a cancellation of ours, or the
    // watchdog past the connection's deadline, aborts the connection on this strand instead,
    // which closes its socket, so whatever is pending ends at once, whatever Beast's composed
    // operations make of per-operation cancellation.
    exchange_result r;
    {
      const watched w(*this, std::make_shared<exchange_state>(self, c), cs.slot());
      r = co_await asio::co_spawn(
          self, run_on(c, req, out, *w.x),
          asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable));
    }
    const std::size_t limit = opts_.max_requests_per_connection;
    l.end(!r.ec && r.reusable && (limit == 0 || c.requests < limit));
    if (!r.ec) co_return r;

    // A reused connection that fails before any byte of the response was most likely closed
    // by the server while idle: the request did not reach it. Send it once more, on another
    // connection, if that cannot do harm twice. Never after a timeout (the server may be
    // working on it) nor after a cancellation.
    const bool stale = reused && !retried && !r.response_started && (replayable || !r.request_sent) &&
                       r.ec != beast::error::timeout && r.ec != asio::error::operation_aborted;
    if (!stale) co_return r;
    retried = true;
    drop_idle();  // the server probably closed them all
  }
}

ATOMS_DECL asio::awaitable<exchange_result> pool::async_exchange(request& req, response& res,
                                                                 unsigned& attempts, bool replayable) {
  return exchange(req, res, attempts, replayable);
}

ATOMS_DECL asio::awaitable<exchange_result> pool::async_exchange(request& req, file_download& out,
                                                                 unsigned& attempts, bool replayable) {
  return exchange(req, out, attempts, replayable);
}

}  // namespace smallest::atoms::http

#endif
