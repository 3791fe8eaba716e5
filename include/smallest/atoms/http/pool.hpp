// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HTTP_POOL_HPP
#define SMALLEST_ATOMS_HTTP_POOL_HPP

// Transport layer: the keep-alive connections to one origin, shared by every operation of a
// client. At most `max_connections` are open; an operation that finds none idle and the cap
// reached waits, in FIFO order, for one to come back. Thread-safe: operations may run on any
// thread of a multi-threaded io_context.

#include <smallest/atoms/http/connection.hpp>

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

  // An exchange's cancellation state, shared by the waiting operation and the connection's
  // strand; touched only on that strand.
  struct abort_token {
    bool active = true;  // the exchange has not finished: the connection may be touched
    bool aborted = false;
  };

  ATOMS_DECL asio::awaitable<std::tuple<error_code, lease>> acquire();
  ATOMS_DECL lease new_connection();
  template <class Target>
  asio::awaitable<exchange_result> exchange(request& req, Target& out, unsigned& attempts, bool replayable);
  template <class Target>
  asio::awaitable<exchange_result> run_on(connection& c, request& req, Target& out,
                                          std::shared_ptr<abort_token> token);
  ATOMS_DECL void release(std::unique_ptr<connection> c, bool reusable) noexcept;
  ATOMS_DECL void drop_idle();

  asio::any_io_executor io_;
  endpoint ep_;
  pool_options opts_;
  std::shared_ptr<asio::ssl::context> tls_;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<connection>> idle_;  // most recently used last
  std::deque<std::shared_ptr<waiter>> waiters_;
  std::size_t open_ = 0;  // idle + in use + being opened
};

}  // namespace smallest::atoms::http

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/http/impl/pool.ipp>
#endif

#endif
