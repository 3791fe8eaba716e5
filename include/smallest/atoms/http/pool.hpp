// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HTTP_POOL_HPP
#define SMALLEST_ATOMS_HTTP_POOL_HPP

// Transport layer: the keep-alive connections to one origin, shared by every operation of a
// client. At most `max_connections` are open; an operation that finds none idle and the cap
// reached waits, in FIFO order, for one to come back. Thread-safe: operations may run on any
// thread of a multi-threaded io_context.
//
// Timeouts cost one timer per pool, not one per read or write: each connection in use
// publishes its deadline, and a watchdog timer, which runs only while some exchange is in
// progress, ticks every eighth of the shortest timeout (at most 1 s) and aborts, on the
// operation's strand, each exchange whose deadline has passed. So a timeout ends its exchange
// at most one tick late.

#include <smallest/atoms/http/connection.hpp>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace smallest::atoms::http {

struct pool_options {
  connection_limits limits;
  std::size_t max_connections = 16;
  std::chrono::milliseconds idle_timeout{50'000};
  std::size_t max_requests_per_connection = 0;  // then closed instead of reused; 0: no limit
};

class pool : public std::enable_shared_from_this<pool> {
 public:
  /// `tls` is null for http://.
  ATOMS_DECL pool(asio::any_io_executor io, endpoint ep, pool_options opts,
                  std::shared_ptr<asio::ssl::context> tls);
  ATOMS_DECL ~pool();
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  const endpoint& target() const noexcept { return ep_; }

  /// Sends `req` on a pooled connection (opening one if needed) and reads the response into
  /// `res`. If a reused connection turns out to have been closed by the server while idle,
  /// before any byte of the response, the request goes once more on another connection:
  /// if it is `replayable` (idempotent), or if it was not even written whole. A request some
  /// response bytes arrived for is never sent twice. `attempts` counts the exchanges tried.
  /// Runs in the caller's coroutine, which must run on a strand (or a one-thread executor);
  /// honours its cancellation, after which the connection is closed, never reused.
  ATOMS_DECL asio::awaitable<exchange_result> async_exchange(request& req, response& res, unsigned& attempts,
                                                             bool replayable);
  /// As above, with the response's body streamed to a file (see connection::file_download).
  ATOMS_DECL asio::awaitable<exchange_result> async_exchange(request& req, file_download& out,
                                                             unsigned& attempts, bool replayable);

  /// Connections open now, idle or in use.
  ATOMS_DECL std::size_t open_connections() const;
  /// Connections idle in the pool now.
  ATOMS_DECL std::size_t idle_connections() const;

 private:
  struct waiter {
    explicit waiter(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    std::unique_ptr<connection> conn;  // handed over by release()
    bool slot = false;                 // or: permission to open a new connection
  };

  // A connection checked out of the pool; goes back (or is closed) when the lease ends.
  class lease {
   public:
    lease() = default;
    lease(std::shared_ptr<pool> p, std::unique_ptr<connection> c)
        : pool_(std::move(p)), conn_(std::move(c)) {}
    lease(lease&&) = default;
    lease& operator=(lease&& o) noexcept {
      end(false);
      pool_ = std::move(o.pool_);
      conn_ = std::move(o.conn_);
      return *this;
    }
    ~lease() { end(false); }
    connection& conn() const noexcept { return *conn_; }
    void end(bool reusable) noexcept {
      if (auto p = std::move(pool_)) p->release(std::move(conn_), reusable);
    }

   private:
    std::shared_ptr<pool> pool_;
    std::unique_ptr<connection> conn_;
  };

  // An exchange in progress, shared by the operation running it (on its strand, `ex`) and
  // whoever may abort it (a cancellation, the watchdog), who dispatch to that strand.
  struct exchange_state {
    exchange_state(asio::any_io_executor e, connection& c) : ex(std::move(e)), conn(&c) {}
    asio::any_io_executor ex;
    connection* conn;      // valid while `active`
    bool active = true;    // on `ex` only: the exchange has not finished
    bool aborted = false;  // on `ex` only
    bool expired = false;  // under mu_: the watchdog has sent its abort
  };
  ATOMS_DECL static void abort(const std::shared_ptr<exchange_state>& x, abort_reason why);
  struct cancel_exchange {
    std::shared_ptr<exchange_state> x;
    void operator()(asio::cancellation_type) const { abort(x, abort_reason::cancelled); }
  };
  struct watched {
    ATOMS_DECL watched(pool& p, std::shared_ptr<exchange_state> s, asio::cancellation_slot cs);
    ATOMS_DECL ~watched();
    watched(const watched&) = delete;
    watched& operator=(const watched&) = delete;
    pool& owner;
    std::shared_ptr<exchange_state> x;
    asio::cancellation_slot slot;
  };

  ATOMS_DECL asio::awaitable<std::tuple<error_code, lease>> acquire();
  ATOMS_DECL lease new_connection();
  template <class Target>
  asio::awaitable<exchange_result> exchange(request& req, Target& out, unsigned& attempts, bool replayable);
  template <class Target>
  asio::awaitable<exchange_result> run_on(connection& c, request& req, Target& out, exchange_state& x);
  ATOMS_DECL void watch(std::shared_ptr<exchange_state> x);
  ATOMS_DECL void unwatch(const std::shared_ptr<exchange_state>& x) noexcept;
  ATOMS_DECL void arm_watchdog();  // under mu_
  ATOMS_DECL void on_tick();
  ATOMS_DECL void release(std::unique_ptr<connection> c, bool reusable) noexcept;
  ATOMS_DECL void drop_idle();

  asio::any_io_executor io_;
  endpoint ep_;
  pool_options opts_;
  std::shared_ptr<asio::ssl::context> tls_;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<connection>> idle_;  // most recently used last
  std::deque<std::shared_ptr<waiter>> waiters_;
  std::size_t open_ = 0;                               // idle + in use + being opened
  std::vector<std::shared_ptr<exchange_state>> busy_;  // the exchanges the watchdog watches
  asio::steady_timer watchdog_;                        // waits only while busy_ is not empty
  bool watching_ = false;
  std::chrono::steady_clock::duration tick_{};
};

}  // namespace smallest::atoms::http

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/http/impl/pool.ipp>
#endif

#endif
