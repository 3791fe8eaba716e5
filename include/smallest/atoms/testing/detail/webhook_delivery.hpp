// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_WEBHOOK_DELIVERY_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_WEBHOOK_DELIVERY_HPP

// The POSTs of webhook deliveries (webhook_store.hpp decides them), made on the emulator's
// own io_context: each on a connection of its own ("Connection: close"), after its fault's
// delay, within the delivery timeout (connection included), never retried. stop() cancels
// those in flight, so the emulator's destructor never waits for a receiver.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/testing/detail/webhook_store.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <utility>

namespace smallest::atoms::testing::detail {

class delivery_runner {
 public:
  delivery_runner(asio::io_context& ioc, webhook_store& store) : ioc_(ioc), store_(store) {}

  // Thread-safe; called by webhook_store::emit, outside its lock.
  void start(delivery_job job) {
    auto o = std::make_shared<op>(asio::make_strand(ioc_), std::move(job));
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        store_.finished(false);
        return;
      }
      live_.insert(o);
    }
    asio::co_spawn(o->strand, run(o), asio::detached);
  }

  // Cancels every delivery in flight; later ones fail at once.
  void stop() {
    std::set<std::shared_ptr<op>> live;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      live = live_;
    }
    for (const auto& o : live)
      asio::post(o->strand, [o] {
        o->timer.cancel();
        o->stream.cancel();
      });
  }

 private:
  struct op {
    op(asio::strand<asio::io_context::executor_type> s, delivery_job j)
        : strand(s), stream(s), timer(s), job(std::move(j)) {}
    asio::strand<asio::io_context::executor_type> strand;
    boost::beast::tcp_stream stream;
    asio::steady_timer timer;
    delivery_job job;
  };

  asio::awaitable<void> run(std::shared_ptr<op> o) {
    namespace http = boost::beast::http;
    constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
    bool ok = false;
    bool go = true;
    if (o->job.delay.count() > 0) {
      o->timer.expires_after(o->job.delay);
      auto [ec] = co_await o->timer.async_wait(tuple);
      go = !ec;
    }
    if (go) {
      error_code aec;
      const auto address = asio::ip::make_address(o->job.to.address, aec);
      o->stream.expires_after(store_.timeout);
      auto [ec] = co_await o->stream.async_connect(asio::ip::tcp::endpoint(address, o->job.to.port), tuple);
      if (!ec && !aec) {
        http::request<http::string_body> req{http::verb::post, o->job.to.target, 11};
        req.set(http::field::host, o->job.to.host_header);
        req.set(http::field::user_agent, "atoms-emulator-webhooks");
        req.set(http::field::content_type, "application/json");
        for (const auto& [name, value] : o->job.headers) req.set(name, value);
        req.keep_alive(false);
        req.body() = std::move(o->job.body);
        req.prepare_payload();
        auto [wec, written] = co_await http::async_write(o->stream, req, tuple);
        if (!wec) {
          boost::beast::flat_buffer buffer;
          http::response<http::string_body> res;
          auto [rec, read] = co_await http::async_read(o->stream, buffer, res, tuple);
          ok = !rec && res.result_int() >= 200 && res.result_int() < 300;
        }
      }
      error_code ignored;
      o->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
      o->stream.close();
    }
    {
      std::lock_guard lock(mutex_);
      live_.erase(o);
    }
    store_.finished(ok);
  }

  asio::io_context& ioc_;
  webhook_store& store_;
  std::mutex mutex_;
  bool stopping_ = false;
  std::set<std::shared_ptr<op>> live_;
};

}  // namespace smallest::atoms::testing::detail

#endif
