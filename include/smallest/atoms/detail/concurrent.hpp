// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_CONCURRENT_HPP
#define SMALLEST_ATOMS_DETAIL_CONCURRENT_HPP

// Bounded concurrency inside one operation: tasks.run(i) for every i in [0, n), at most `width`
// at a time, all on the operation's strand (so the tasks share state without locks). The
// first failure stops new tasks from starting and cancels the running ones; a cancellation of
// the operation does the same. Nothing outlives the call: it returns once every task is done.

#include <smallest/atoms/detail/operation.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace smallest::atoms::detail {

/// How a concurrent run ended: success, or the first failure and the task it came from
/// (`no_task` for a cancellation of the whole run).
struct concurrent_outcome {
  static constexpr std::size_t no_task = static_cast<std::size_t>(-1);
  error_code ec;
  std::size_t failed_task = no_task;
};

struct concurrent_run {
  concurrent_run(const asio::any_io_executor& ex, std::size_t width) : wake(ex), workers(width) {}

  struct worker {
    asio::cancellation_signal signal;
    bool running = false;
  };

  asio::steady_timer wake;  // the caller sleeps on it; a finishing worker wakes it
  std::vector<worker> workers;
  std::size_t next = 0;     // the next task to start
  std::size_t running = 0;  // workers not finished
  bool stopping = false;
  concurrent_outcome outcome;

  void stop(error_code ec, std::size_t task) {
    if (stopping) return;
    stopping = true;
    outcome = {ec, task};
    // Runs on the strand the workers run on, so co_spawn forwards each emit inline.
    for (auto& w : workers)
      if (w.running) w.signal.emit(asio::cancellation_type::terminal);
  }
};

template <class Tasks>
asio::awaitable<void> concurrent_worker(std::shared_ptr<concurrent_run> run, std::size_t n, Tasks& tasks) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  while (!run->stopping && run->next < n) {
    const std::size_t i = run->next++;
    error_code ec = co_await tasks.run(i);
    if (ec) run->stop(ec, i);
  }
}

/// Runs `tasks.run(i)` (returning asio::awaitable<error_code>) for i in [0, n), at most
/// `width` at once, on the calling coroutine's executor, which must be a strand. `tasks` is
/// an object of the caller's (a named type: g++ 12 cannot have a lambda coroutine here).
template <class Tasks>
asio::awaitable<concurrent_outcome> for_each_concurrently(std::size_t n, std::size_t width, Tasks& tasks) {
  const asio::any_io_executor ex = co_await asio::this_coro::executor;
  const std::size_t workers = width < n ? width : n;
  auto run = std::make_shared<concurrent_run>(ex, workers);
  run->wake.expires_at(asio::steady_timer::time_point::max());
  for (std::size_t w = 0; w < workers; ++w) {
    run->workers[w].running = true;
    ++run->running;
    asio::co_spawn(
        ex, concurrent_worker(run, n, tasks),
        asio::bind_cancellation_slot(run->workers[w].signal.slot(), [run, w](std::exception_ptr e) {
          run->workers[w].running = false;
          run->workers[w].signal.slot().clear();
          if (e) run->stop(error_from_exception(e), concurrent_outcome::no_task);
          --run->running;
          run->wake.cancel();
        }));
  }
  asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
  while (run->running > 0) {
    auto [ec] = co_await run->wake.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;  // woken by a worker, or by the caller's cancellation
    if (cs.cancelled() != asio::cancellation_type::none)
      run->stop(asio::error::operation_aborted, concurrent_outcome::no_task);
  }
  co_return run->outcome;
}

}  // namespace smallest::atoms::detail

#endif
