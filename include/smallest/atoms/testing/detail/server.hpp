// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_SERVER_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_SERVER_HPP

// The emulator's HTTP/1.1 server: an acceptor and one coroutine session per connection,
// each on a strand of the emulator's own io_context, run by the emulator's own threads.
//
// Shared state (data set, recorded requests, interceptor, faults, session registry) is behind
// mutexes or atomics; everything a session owns is touched only on its strand, and the
// public members reach a session only by posting to that strand.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/testing/certificate.hpp>
#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/faults.hpp>
#include <smallest/atoms/testing/detail/recordings.hpp>
#include <smallest/atoms/testing/detail/router.hpp>
#include <smallest/atoms/testing/detail/routes_v1.hpp>
#include <smallest/atoms/testing/detail/synthetic_calls.hpp>
#include <smallest/atoms/testing/detail/webhook_delivery.hpp>
#include <smallest/atoms/testing/emulator_options.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace smallest::atoms::testing::detail {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using interceptor_fn = std::function<std::optional<reply>(const recorded_request&)>;

// Limits and timeouts. A dead client can hold a session for read_timeout at most; Node's
// defaults are close to these (16 KB of headers; Express's JSON body parser takes 100 KB,
// ours more so that large searches fit).
inline constexpr std::size_t header_limit = 16 * 1024;
inline constexpr std::size_t body_limit = 1024 * 1024;
inline constexpr std::chrono::seconds handshake_timeout{10};
inline constexpr std::chrono::seconds read_timeout{60};
inline constexpr std::chrono::seconds write_timeout{30};
inline constexpr std::size_t max_recorded_requests = 10'000;

// Everything the sessions share with the emulator's public members.
struct server_state {
  explicit server_state(emulator_options o)
      : options(std::move(o)), routes("/atoms/v1"), faults(std::make_shared<fault_state>(options.faults)) {
    add_v1_routes(routes, options);
    seed_calls(data.calls, options.calls, options.seed);
    for (auto& agent : make_agents()) data.agents.put(std::move(agent));
    data.listing.touch_per_list = options.touch_per_list;
    data.listing.lie = options.pagination_lie;
    data.listing.seed = options.seed;
    data.platform.start_delay = options.campaign_start_delay;
    data.platform.call_interval = options.campaign_call_interval;
    data.platform.analytics_delay = options.analytics_delay;
    data.platform.phone_numbers = seeded_phone_numbers();
    std::random_device rd;
    request_id_seed = (std::uint64_t{rd()} << 32) ^ rd();
    data.recordings.url_ttl = options.recording_url_ttl;
    data.recordings.size = options.recording_size;
    data.recordings.secret = (std::uint64_t{rd()} << 32) ^ rd();
    data.webhooks.set_faults(options.delivery_faults);
    data.webhooks.timeout = options.delivery_timeout;
  }

  const emulator_options options;
  router routes;
  dataset data;

  std::atomic<std::size_t> connections_accepted{0};
  std::atomic<std::size_t> open_connections{0};
  std::atomic<std::size_t> requests_served{0};
  std::atomic<std::size_t> requests_in_flight{0};
  std::atomic<std::size_t> max_requests_in_flight{0};

  void request_started() {
    const std::size_t now = requests_in_flight.fetch_add(1) + 1;
    std::size_t max = max_requests_in_flight.load();
    while (max < now && !max_requests_in_flight.compare_exchange_weak(max, now)) {
    }
  }
  void request_ended() { requests_in_flight.fetch_sub(1); }
  // The highest count from now on starts at the requests being handled now.
  void reset_max_requests_in_flight() { max_requests_in_flight.store(requests_in_flight.load()); }

  void record(const recorded_request& r) {
    std::lock_guard lock(mutex);
    if (requests.size() == max_recorded_requests) requests.pop_front();
    requests.push_back(r);
  }

  std::vector<recorded_request> recorded() const {
    std::lock_guard lock(mutex);
    return {requests.begin(), requests.end()};
  }

  void set_interceptor(interceptor_fn f) {
    std::lock_guard lock(mutex);
    interceptor = std::move(f);
  }

  // A copy, so it runs outside the lock and may call the emulator's members.
  interceptor_fn current_interceptor() const {
    std::lock_guard lock(mutex);
    return interceptor;
  }

  // Takes effect for the requests read from now on, with counters at 0.
  void set_faults(fault_plan plan) {
    auto next = std::make_shared<fault_state>(std::move(plan));  // may throw: outside the lock
    std::lock_guard lock(mutex);
    faults = std::move(next);
  }

  std::shared_ptr<fault_state> current_faults() const {
    std::lock_guard lock(mutex);
    return faults;
  }

  // The path of a request target under the base path; nullopt outside it.
  std::optional<std::string_view> path_under_base(std::string_view target) const {
    const std::string_view path = target.substr(0, target.find('?'));
    if (!routes.owns(path)) return std::nullopt;
    return path.substr(routes.base_path().size());
  }

  // Unique within the process run; shaped like the service's (a UUID).
  std::string next_request_id() {
    rng r(request_id_seed + request_counter.fetch_add(1, std::memory_order_relaxed));
    std::string h = r.hex(32);
    h[12] = '4';
    return h.substr(0, 8) + '-' + h.substr(8, 4) + '-' + h.substr(12, 4) + '-' + h.substr(16, 4) + '-' +
           h.substr(20, 12);
  }

  bool authorized(std::string_view authorization) const {
    constexpr std::string_view scheme = "bearer ";
    if (authorization.size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
      const char c = authorization[i];
      if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c) != scheme[i]) return false;
    }
    std::string_view key = authorization.substr(scheme.size());
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    return !options.api_key.empty() && key == options.api_key;
  }

  // Authentication, then the route table. Handlers that throw answer 500, as Express's
  // error handler does. Campaigns are moved to now first (see routes_platform.hpp), so every
  // answer sees the dialing done by its time.
  http_answer answer(std::string_view method, std::string_view target, std::string_view authorization,
                     std::string_view body, std::string_view content_type = {}) {
    const std::string_view path = target.substr(0, target.find('?'));
    if (routes.owns(path) && !authorized(authorization))
      return error_answer(401, "Unauthorized: User not found");
    try {
      advance_campaigns(data);
      return routes.dispatch(method, target, body, data, content_type);
    } catch (const std::exception&) {
      return error_answer(500, "Internal server error");
    }
  }

 private:
  mutable std::mutex mutex;
  std::deque<recorded_request> requests;
  interceptor_fn interceptor;
  std::shared_ptr<fault_state> faults;
  std::uint64_t request_id_seed = 0;
  std::atomic<std::uint64_t> request_counter{0};
};

// Counts a request among those being handled (server_state::requests_in_flight) from its
// construction until release() or its destruction, whichever comes first.
class in_flight_request {
 public:
  explicit in_flight_request(server_state& state) : state_(&state) { state.request_started(); }
  ~in_flight_request() { release(); }
  in_flight_request(const in_flight_request&) = delete;
  in_flight_request& operator=(const in_flight_request&) = delete;

  void release() {
    if (state_ != nullptr) state_->request_ended();
    state_ = nullptr;
  }

 private:
  server_state* state_;
};

class session_base {
 public:
  virtual ~session_base() = default;
  virtual void start() = 0;
  // Closes the connection now if it is waiting for its next request, or when it next
  // waits for one if it is busy with a handshake or a response; a stalled connection is
  // left alone. `done` is set once the connection is closed (or left alone).
  virtual void close_if_idle(std::shared_ptr<std::promise<void>> done) = 0;
  // Closes the connection whatever it is doing.
  virtual void stop() = 0;
};

template <class Stream>
class session final : public session_base, public std::enable_shared_from_this<session<Stream>> {
  static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;
  using use_tuple_t = asio::as_tuple_t<asio::use_awaitable_t<>>;
  static constexpr use_tuple_t use_tuple{};

  enum class next { keep_alive, close_gracefully, abort, reset };

 public:
  template <class... Args>
  session(server_state& state, std::function<void()> on_finish, Args&&... stream_args)
      : state_(state),
        on_finish_(std::move(on_finish)),
        stream_(std::forward<Args>(stream_args)...),
        idle_timer_(stream_.get_executor()),
        latency_timer_(stream_.get_executor()) {}

  void start() override {
    asio::co_spawn(stream_.get_executor(), run(this->shared_from_this()), asio::detached);
  }

  void close_if_idle(std::shared_ptr<std::promise<void>> done) override {
    asio::post(stream_.get_executor(),
               [self = this->shared_from_this(), done]() mutable { self->begin_close(std::move(done)); });
  }

  void stop() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stopped_ = true;
      self->idle_timer_.cancel();
      self->latency_timer_.cancel();
      beast::get_lowest_layer(self->stream_).close();
    });
  }

 private:
  auto& socket() { return beast::get_lowest_layer(stream_).socket(); }

  // On the strand. A connection waiting for a request is closed now (its read is cancelled
  // and serve() closes it); one still busy with a handshake or a response is closed when it
  // would next wait for a request. Its server thread may not have re-armed the read yet
  // when the client, holding its response, already sees the connection as idle, so "busy"
  // must count as "about to be idle". A stalled connection is never idle.
  void begin_close(std::shared_ptr<std::promise<void>> done) {
    if (phase_ == phase::finished || phase_ == phase::stalled) {
      if (done) done->set_value();
      return;
    }
    if (done) waiters_.push_back(std::move(done));
    if (!closing_) {
      closing_ = true;
      if (phase_ == phase::reading) {
        idle_timer_.cancel();
        beast::get_lowest_layer(stream_).cancel();
      }
    }
  }

  void release_waiters() {
    for (auto& w : waiters_) w->set_value();
    waiters_.clear();
  }

  // As nginx closes a keep-alive connection: close_notify (over TLS) and FIN, without
  // waiting for the peer. The socket is made non-blocking so the synchronous SSL shutdown
  // writes our close_notify and returns (would_block) instead of waiting for the peer's.
  void close_gracefully() {
    error_code ec;
    if constexpr (is_tls) {
      socket().non_blocking(true, ec);
      stream_.shutdown(ec);
    }
    socket().shutdown(tcp::socket::shutdown_both, ec);
    socket().close(ec);
  }

  // As a crashed process or a dropped proxy connection: FIN, no close_notify.
  void abort() {
    error_code ec;
    socket().shutdown(tcp::socket::shutdown_both, ec);
    socket().close(ec);
  }

  // As a process killed mid-answer: SO_LINGER 0 makes the close an RST, and bytes not yet
  // sent are dropped.
  void reset() {
    error_code ec;
    socket().set_option(asio::socket_base::linger(true, 0), ec);
    socket().close(ec);
  }

  void finish() {
    phase_ = phase::finished;
    idle_timer_.cancel();
    error_code ec;
    socket().close(ec);
    // Counted out before the waiters wake, so close_idle_connections() returns with
    // open_connections() already down.
    state_.open_connections.fetch_sub(1);
    if (on_finish_) on_finish_();
    release_waiters();
  }

  void arm_idle_timer() {
    const auto idle = state_.options.idle_timeout;
    if (idle <= std::chrono::milliseconds::zero()) return;
    idle_timer_.expires_after(idle);
    idle_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec && self->phase_ == phase::reading) self->begin_close(nullptr);
    });
  }

  asio::awaitable<void> run(std::shared_ptr<session> self) {
    (void)self;  // keeps the session alive while the coroutine runs
    try {
      co_await serve();
    } catch (...) {
      // Whatever went wrong, the connection ends and is counted out.
    }
    finish();
  }

  asio::awaitable<void> serve() {
    if constexpr (is_tls) {
      beast::get_lowest_layer(stream_).expires_after(handshake_timeout);
      if (const auto faults = state_.current_faults(); faults->plan().tls_handshake_failure) {
        faults->count_injected();
        co_await refuse_handshake();
        co_return;
      }
      auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, use_tuple);
      if (ec) co_return;
    }
    beast::flat_buffer buffer;
    for (;;) {
      if (stopped_) co_return;
      if (closing_) {
        close_gracefully();
        co_return;
      }
      http::request_parser<http::string_body> parser;
      parser.header_limit(header_limit);
      parser.body_limit(body_limit);

      phase_ = phase::reading;
      arm_idle_timer();
      beast::get_lowest_layer(stream_).expires_after(read_timeout);
      auto [ec, n] = co_await http::async_read(stream_, buffer, parser, use_tuple);
      phase_ = phase::busy;
      idle_timer_.cancel();

      if (stopped_) co_return;
      if (closing_) {        // close_idle_connections or the idle timeout, even if a request
        close_gracefully();  // slipped in: the race a client must survive
        co_return;
      }
      if (ec) {
        if (ec == http::error::header_limit)
          co_await answer_error(431, "Request Header Fields Too Large");
        else if (ec == http::error::body_limit)
          co_await answer_error(413, "request entity too large");
        else if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
                 ec != http::error::end_of_stream && ec != http::error::partial_message)
          co_await answer_error(400, "Bad Request");
        co_return;
      }
      auto request = parser.release();
      switch (co_await handle(request)) {
        case next::keep_alive: break;
        case next::close_gracefully: close_gracefully(); co_return;
        case next::abort: abort(); co_return;
        case next::reset: reset(); co_return;
      }
    }
  }

  // fault_plan::tls_handshake_failure, as a server that shares no cipher with the client:
  // reads the ClientHello record whole (a close with unread bytes would be an RST, which
  // could destroy the alert before the client reads it), answers a fatal handshake_failure
  // alert, and closes.
  asio::awaitable<void> refuse_handshake() {
    auto& tcp = beast::get_lowest_layer(stream_);
    unsigned char header[5];
    if (auto [ec, n] = co_await asio::async_read(tcp, asio::buffer(header), use_tuple); ec) co_return;
    std::vector<unsigned char> hello(std::size_t{header[3]} << 8 | header[4]);
    if (auto [ec, n] = co_await asio::async_read(tcp, asio::buffer(hello), use_tuple); ec) co_return;
    static constexpr unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
    (void)co_await asio::async_write(tcp, asio::buffer(alert), use_tuple);
    abort();
  }

  // An answer to a request that could not be read; the connection closes after it.
  asio::awaitable<void> answer_error(unsigned status, std::string_view message) {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.set("x-request-id", state_.next_request_id());
    res.body() = error_answer(status, message).body;
    res.keep_alive(false);
    res.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(write_timeout);
    auto [ec, n] = co_await http::async_write(stream_, res, use_tuple);
    if (!ec) close_gracefully();
  }

  asio::awaitable<next> handle(http::request<http::string_body>& req) {
    in_flight_request in_flight(state_);  // counted before recorded: a test that sees it sees both
    recorded_request rec;
    rec.method = std::string(req.method_string());
    rec.target = std::string(req.target());
    for (const auto& field : req)
      rec.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    rec.body = req.body();
    state_.record(rec);
    ++requests_read_;

    // Decided as the request is read, under the plan in force then; a slow fault is only a
    // longer wait.
    const std::shared_ptr<fault_state> faults = state_.current_faults();
    const std::optional<std::string_view> path = state_.path_under_base(req.target());
    const fault* f = faults->pick(path);
    auto wait = state_.options.latency;
    if (f != nullptr && f->what == fault::kind::slow) {
      wait += f->delay;
      f = nullptr;
    }

    // emulator_options::latency (and a slow fault's delay): the session waits, its thread
    // serves others meanwhile.
    if (wait > std::chrono::milliseconds::zero()) {
      latency_timer_.expires_after(wait);
      (void)co_await latency_timer_.async_wait(use_tuple);
      if (stopped_) co_return next::abort;
    }

    // A fault comes first: a request that gets one never reaches the interceptor.
    std::optional<reply> intercepted;
    if (f == nullptr) {
      if (auto interceptor = state_.current_interceptor()) {
        try {
          intercepted = interceptor(rec);
        } catch (...) {
          intercepted.emplace();
          intercepted->status = 500;
          intercepted->body = error_answer(500, "Internal server error").body;
        }
      }
    }
    const bool stall_it = (f != nullptr && f->what == fault::kind::stall) ||
                          (intercepted && intercepted->act == reply::action::stall);
    const bool close_it = (f != nullptr && f->what == fault::kind::close) ||
                          (intercepted && intercepted->act == reply::action::close);
    if (stall_it) {
      in_flight.release();
      co_await stall();
      co_return next::abort;
    }
    if (close_it) co_return next::abort;

    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set("x-request-id", state_.next_request_id());
    res.keep_alive(req.keep_alive());
    bool own_length = false;  // the interceptor's Content-Length, kept even when chunking
    if (f != nullptr && f->what == fault::kind::status) {
      res.result(f->status);
      res.set(http::field::content_type, "application/json; charset=utf-8");
      res.body() = fault_status_body(*f, path);
      if (!f->retry_after.empty()) res.set(http::field::retry_after, f->retry_after);
      if (!f->rate_limit_reset.empty()) res.set("X-RateLimit-Reset", f->rate_limit_reset);
      res.prepare_payload();
    } else if (intercepted) {
      res.result(intercepted->status);
      res.set(http::field::content_type, intercepted->content_type);
      res.body() = std::move(intercepted->body);
      res.prepare_payload();
      for (const auto& [name, value] : intercepted->headers) {
        res.set(name, value);
        own_length = own_length || beast::iequals(name, "Content-Length");
      }
    } else {
      // Also the routed answer that reset_mid_body, short_body and malformed_json cut.
      http_answer a = state_.answer(req.method_string(), req.target(), req[http::field::authorization],
                                    req.body(), req[http::field::content_type]);
      res.result(a.status);
      res.set(http::field::content_type, "application/json; charset=utf-8");
      res.body() = std::move(a.body);
      if (f != nullptr && f->what == fault::kind::malformed_json) {
        res.result(http::status::ok);
        res.body().resize(res.body().size() / 2);
      }
      res.prepare_payload();
    }
    const bool cut =
        f != nullptr && (f->what == fault::kind::reset_mid_body || f->what == fault::kind::short_body);
    if (const std::size_t max = faults->plan().max_requests_per_connection;
        !cut && max > 0 && requests_read_ >= max && res.keep_alive()) {
      res.keep_alive(false);
      faults->count_injected();
    }
    if (res.keep_alive() && state_.options.idle_timeout > std::chrono::milliseconds::zero() &&
        res.find(http::field::keep_alive) == res.end()) {
      // Node announces its keepAliveTimeout so clients can retire connections in time.
      const auto seconds = (state_.options.idle_timeout.count() + 999) / 1000;
      res.set(http::field::keep_alive, "timeout=" + std::to_string(seconds));
    }
    if (stopped_) res.keep_alive(false);

    in_flight.release();
    state_.requests_served.fetch_add(1);
    beast::get_lowest_layer(stream_).expires_after(write_timeout);
    if (f != nullptr && f->what == fault::kind::reset_mid_body) {
      // Nagle's algorithm would hold the body back behind the unacknowledged header, and the
      // reset would drop it unsent.
      error_code ignored;
      socket().set_option(tcp::no_delay(true), ignored);
      co_await write_cut(res, res.body().size() / 2);
      co_return next::reset;
    }
    if (f != nullptr && f->what == fault::kind::short_body) {
      const std::size_t sent = res.body().size();
      res.content_length(2 * sent);
      co_await write_cut(res, sent);
      co_return next::close_gracefully;
    }
    error_code ec;
    if (faults->plan().chunked && req.version() == 11 && !own_length)
      ec = co_await write_chunked(res);
    else
      std::tie(ec, std::ignore) = co_await http::async_write(stream_, res, use_tuple);
    if (ec) co_return next::abort;
    co_return res.keep_alive() ? next::keep_alive : next::close_gracefully;
  }

  // The header of `res`, then the first `n` bytes of its body whatever its Content-Length
  // says; the connection is to end after it, so a failure needs no report.
  asio::awaitable<void> write_cut(const http::response<http::string_body>& res, std::size_t n) {
    http::response<http::empty_body> head{res.base()};
    http::response_serializer<http::empty_body> sr{head};
    if (auto [ec, w] = co_await http::async_write_header(stream_, sr, use_tuple); ec) co_return;
    (void)co_await asio::async_write(stream_, asio::buffer(res.body().data(), n), use_tuple);
  }

  // fault_plan::chunked: the header without Content-Length, then the body in three chunks,
  // so that a reader meets chunk boundaries inside JSON tokens.
  asio::awaitable<error_code> write_chunked(const http::response<http::string_body>& res) {
    http::response<http::empty_body> head{res.base()};
    head.erase(http::field::content_length);
    head.chunked(true);
    http::response_serializer<http::empty_body> sr{head};
    if (auto [ec, w] = co_await http::async_write_header(stream_, sr, use_tuple); ec) co_return ec;
    const std::string& body = res.body();
    const std::size_t piece = (body.size() + 2) / 3;
    for (std::size_t at = 0; at < body.size(); at += piece) {
      const auto chunk = http::make_chunk(asio::buffer(body.data() + at, std::min(piece, body.size() - at)));
      if (auto [ec, w] = co_await asio::async_write(stream_, chunk, use_tuple); ec) co_return ec;
    }
    const auto last = http::make_chunk_last();
    auto [ec, w] = co_await asio::async_write(stream_, last, use_tuple);
    co_return ec;
  }

  // Reads and discards until the client goes or the emulator stops.
  asio::awaitable<void> stall() {
    phase_ = phase::stalled;
    release_waiters();
    beast::get_lowest_layer(stream_).expires_never();
    char sink[1024];
    for (;;) {
      auto [ec, n] = co_await stream_.async_read_some(asio::buffer(sink), use_tuple);
      if (ec || stopped_) co_return;
    }
  }

  server_state& state_;
  std::function<void()> on_finish_;
  Stream stream_;
  asio::steady_timer idle_timer_;
  asio::steady_timer latency_timer_;
  enum class phase { busy, reading, stalled, finished };
  phase phase_ = phase::busy;      // reading = waiting for the next request
  bool closing_ = false;           // close when next waiting for a request
  bool stopped_ = false;           // the emulator is stopping
  std::size_t requests_read_ = 0;  // on this connection (fault_plan::max_requests_per_connection)
  std::vector<std::shared_ptr<std::promise<void>>> waiters_;
};

// A connection to the second origin, the recordings' "object store": GET
// /recordings/{callId}.mp3?...&Expires=<epoch ms>&Signature=<hex> streams the recording in
// chunks. Like S3 it wants the URL's signature and nothing else: a request with an
// Authorization header answers 401, an expired or altered URL 403, and errors are XML.
template <class Stream>
class recording_session final : public session_base,
                                public std::enable_shared_from_this<recording_session<Stream>> {
  static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;
  using use_tuple_t = asio::as_tuple_t<asio::use_awaitable_t<>>;
  static constexpr use_tuple_t use_tuple{};
  static constexpr std::size_t chunk_size = 64 * 1024;

 public:
  template <class... Args>
  recording_session(server_state& state, std::function<void()> on_finish, Args&&... stream_args)
      : state_(state), on_finish_(std::move(on_finish)), stream_(std::forward<Args>(stream_args)...) {}

  void start() override {
    asio::co_spawn(stream_.get_executor(), run(this->shared_from_this()), asio::detached);
  }
  void close_if_idle(std::shared_ptr<std::promise<void>> done) override {
    if (done) done->set_value();  // the API's connections only
  }
  void stop() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stopped_ = true;
      beast::get_lowest_layer(self->stream_).close();
    });
  }

 private:
  asio::awaitable<void> run(std::shared_ptr<recording_session> self) {
    (void)self;
    try {
      co_await serve();
    } catch (...) {
    }
    error_code ec;
    beast::get_lowest_layer(stream_).socket().close(ec);
    if (on_finish_) on_finish_();
  }

  asio::awaitable<void> serve() {
    if constexpr (is_tls) {
      beast::get_lowest_layer(stream_).expires_after(handshake_timeout);
      auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, use_tuple);
      if (ec) co_return;
    }
    beast::flat_buffer buffer;
    while (!stopped_) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(header_limit);
      parser.body_limit(64 * 1024);
      beast::get_lowest_layer(stream_).expires_after(read_timeout);
      auto [ec, n] = co_await http::async_read(stream_, buffer, parser, use_tuple);
      if (ec || stopped_) co_return;
      if (!co_await answer(parser.get())) co_return;
    }
  }

  // False when the connection must end.
  asio::awaitable<bool> answer(const http::request<http::string_body>& req) {
    recording_origin& origin = state_.data.recordings;
    origin.requests.fetch_add(1);
    if (req.find(http::field::authorization) != req.end()) {
      origin.authorization_seen.fetch_add(1);
      co_return co_await error(req, 401, "InvalidArgument", "Only one auth mechanism allowed");
    }
    if (req.method() != http::verb::get && req.method() != http::verb::head)
      co_return co_await error(req, 405, "MethodNotAllowed", "The specified method is not allowed");

    const std::string_view target = req.target();
    const auto q = target.find('?');
    const std::string_view path = target.substr(0, q);
    std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    constexpr std::string_view prefix = "/recordings/", suffix = ".mp3";
    std::optional<std::string> call_id;
    if (path.size() > prefix.size() + suffix.size() && path.substr(0, prefix.size()) == prefix &&
        path.substr(path.size() - suffix.size()) == suffix)
      call_id = percent_decode(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
    if (!call_id) co_return co_await error(req, 404, "NoSuchKey", "The specified key does not exist.");
    std::string expires, signature;
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view item = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
      const auto eq = item.find('=');
      if (eq == std::string_view::npos) continue;
      if (item.substr(0, eq) == "Expires") expires = std::string(item.substr(eq + 1));
      if (item.substr(0, eq) == "Signature") signature = std::string(item.substr(eq + 1));
    }
    if (expires.empty() || signature.empty())
      co_return co_await error(req, 403, "AccessDenied",
                               "Query-string authentication requires Expires and Signature");
    if (signature != recording_signature(origin, *call_id, expires))
      co_return co_await error(
          req, 403, "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided.");
    const auto expiry = std::strtoll(expires.c_str(), nullptr, 10);
    if (epoch_ms_now() >= expiry) co_return co_await error(req, 403, "AccessDenied", "Request has expired");
    if (!state_.data.calls.contains(*call_id))
      co_return co_await error(req, 404, "NoSuchKey", "The specified key does not exist.");

    http::response<http::empty_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "audio/mpeg");
    res.set(http::field::etag, "\"" + hex64(fnv1a(*call_id)) + "\"");
    res.set("x-amz-request-id", state_.next_request_id());
    res.content_length(origin.size);
    res.keep_alive(req.keep_alive() && !stopped_);
    http::response_serializer<http::empty_body> sr{res};
    beast::get_lowest_layer(stream_).expires_after(write_timeout);
    if (auto [ec, n] = co_await http::async_write_header(stream_, sr, use_tuple); ec) co_return false;
    if (req.method() == http::verb::get) {
      std::vector<char> chunk(chunk_size);
      for (std::uint64_t sent = 0; sent < origin.size;) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size, origin.size - sent));
        recording_bytes(*call_id, sent, chunk.data(), n);
        beast::get_lowest_layer(stream_).expires_after(write_timeout);
        auto [ec, written] = co_await asio::async_write(stream_, asio::buffer(chunk.data(), n), use_tuple);
        if (ec || stopped_) co_return false;
        sent += n;
        origin.bytes_sent.fetch_add(n);
      }
    }
    co_return res.keep_alive();
  }

  asio::awaitable<bool> error(const http::request<http::string_body>& req, unsigned status,
                              std::string_view code, std::string_view message) {
    http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
    res.set(http::field::content_type, "application/xml");
    res.set("x-amz-request-id", state_.next_request_id());
    res.body() = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + std::string(code) +
                 "</Code><Message>" + std::string(message) + "</Message></Error>";
    res.keep_alive(req.keep_alive() && !stopped_);
    res.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(write_timeout);
    auto [ec, n] = co_await http::async_write(stream_, res, use_tuple);
    co_return !ec && res.keep_alive();
  }

  server_state& state_;
  std::function<void()> on_finish_;
  Stream stream_;
  bool stopped_ = false;
};

// Owns the io_context, its threads, the acceptor and the registry of live sessions.
class server {
 public:
  explicit server(emulator_options options)
      : state_(std::move(options)), acceptor_(asio::make_strand(ioc_)), work_(asio::make_work_guard(ioc_)) {
    if (state_.options.tls) {
      certificate_authority ca;
      const issued_certificate leaf = ca.issue(state_.options.certificate_hosts);
      ca_pem_ = ca.cert_pem();
      tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1);
      tls_->use_certificate_chain(asio::buffer(leaf.cert_pem));
      tls_->use_private_key(asio::buffer(leaf.key_pem), asio::ssl::context::pem);
    }
    const tcp::endpoint endpoint{asio::ip::make_address_v4("127.0.0.1"), 0};
    const tcp::endpoint api_endpoint{endpoint.address(), state_.options.port};
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    // SO_REUSEADDR lets a fixed port be taken again while old connections linger in
    // TIME_WAIT, never while another socket listens on it: that is EADDRINUSE, said plainly.
    error_code ec;
    acceptor_.bind(api_endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::system_error(ec,
                              "emulator: cannot listen on 127.0.0.1:" + std::to_string(api_endpoint.port()));
    port_ = acceptor_.local_endpoint().port();
    state_.data.webhooks.set_sink([this](delivery_job job) { deliveries_.start(std::move(job)); });
    recording_acceptor_.open(endpoint.protocol());
    recording_acceptor_.set_option(tcp::acceptor::reuse_address(true));
    recording_acceptor_.bind(endpoint);
    recording_acceptor_.listen(asio::socket_base::max_listen_connections);
    state_.data.recordings.base_url = std::string(tls_ ? "https://" : "http://") + "127.0.0.1:" +
                                      std::to_string(recording_acceptor_.local_endpoint().port());

    asio::co_spawn(acceptor_.get_executor(),
                   accept_loop(acceptor_, sessions_,
                               [this](tcp::socket s, std::function<void()> f) {
                                 return make_session(std::move(s), std::move(f));
                               }),
                   asio::detached);
    asio::co_spawn(recording_acceptor_.get_executor(),
                   accept_loop(recording_acceptor_, recording_sessions_,
                               [this](tcp::socket s, std::function<void()> f) {
                                 return make_recording_session(std::move(s), std::move(f));
                               }),
                   asio::detached);
    const unsigned n = state_.options.threads == 0 ? 1 : state_.options.threads;
    threads_.reserve(n);
    try {
      for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { run_thread(); });
    } catch (...) {
      ioc_.stop();
      for (auto& t : threads_) t.join();
      throw;
    }
  }

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Closes the acceptor and every connection, lets the sessions finish, joins the threads.
  // Must not run on one of the emulator's own threads (e.g. inside an interceptor).
  ~server() {
    std::vector<std::shared_ptr<session_base>> live;
    {
      std::lock_guard lock(sessions_mutex_);
      stopping_ = true;
      live = snapshot_locked();
    }
    asio::post(acceptor_.get_executor(), [this] {
      error_code ec;
      acceptor_.close(ec);
    });
    asio::post(recording_acceptor_.get_executor(), [this] {
      error_code ec;
      recording_acceptor_.close(ec);
    });
    for (auto& s : live) s->stop();
    live.clear();
    deliveries_.stop();
    work_.reset();
    for (auto& t : threads_) t.join();
  }

  server_state& state() noexcept { return state_; }
  const server_state& state() const noexcept { return state_; }
  std::uint16_t port() const noexcept { return port_; }
  const std::string& ca_pem() const noexcept { return ca_pem_; }

  void close_idle_connections() {
    std::vector<std::shared_ptr<session_base>> live;
    {
      std::lock_guard lock(sessions_mutex_);
      live = snapshot_locked(false);
    }
    std::vector<std::future<void>> closed;
    for (auto& s : live) {
      auto done = std::make_shared<std::promise<void>>();
      closed.push_back(done->get_future());
      s->close_if_idle(std::move(done));
    }
    live.clear();
    // From an interceptor (an emulator thread) waiting could deadlock: the closes
    // happen once it returns.
    if (ioc_.get_executor().running_in_this_thread()) return;
    for (auto& f : closed) f.wait();
  }

 private:
  void run_thread() {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception&) {
        // A handler threw; keep serving.
      }
    }
  }

  // With `with_recordings`, the recording origin's sessions too.
  std::vector<std::shared_ptr<session_base>> snapshot_locked(bool with_recordings = true) {
    std::vector<std::shared_ptr<session_base>> out;
    out.reserve(sessions_.size());
    for (auto& [id, weak] : sessions_)
      if (auto s = weak.lock()) out.push_back(std::move(s));
    if (with_recordings)
      for (auto& [id, weak] : recording_sessions_)
        if (auto s = weak.lock()) out.push_back(std::move(s));
    return out;
  }

  using session_registry = std::unordered_map<std::uint64_t, std::weak_ptr<session_base>>;

  // Accepts connections on `acceptor` until it closes. Each is served by the session that
  // `make(socket, on_finish)` builds, and listed in `registry` while it lives.
  template <class Make>
  asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, session_registry& registry, Make make) {
    asio::steady_timer backoff(co_await asio::this_coro::executor);
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::any_io_executor(asio::make_strand(ioc_)),
                                                         asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        // Out of descriptors, say: try again shortly rather than spin.
        backoff.expires_after(std::chrono::milliseconds(10));
        co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      std::shared_ptr<session_base> s;
      {
        std::lock_guard lock(sessions_mutex_);
        if (stopping_) co_return;
        const std::uint64_t id = next_session_id_++;
        s = make(std::move(socket), [this, &registry, id] {
          std::lock_guard lock(sessions_mutex_);
          registry.erase(id);
        });
        registry.emplace(id, s);
      }
      s->start();
    }
  }

  // A session of the API's origin, counted for connections_accepted()/open_connections().
  std::shared_ptr<session_base> make_session(tcp::socket socket, std::function<void()> on_finish) {
    state_.connections_accepted.fetch_add(1);
    state_.open_connections.fetch_add(1);
    if (tls_)
      return std::make_shared<session<beast::ssl_stream<beast::tcp_stream>>>(state_, std::move(on_finish),
                                                                             std::move(socket), *tls_);
    return std::make_shared<session<beast::tcp_stream>>(state_, std::move(on_finish), std::move(socket));
  }

  // A session of the recordings' origin.
  std::shared_ptr<session_base> make_recording_session(tcp::socket socket, std::function<void()> on_finish) {
    if (tls_)
      return std::make_shared<recording_session<beast::ssl_stream<beast::tcp_stream>>>(
          state_, std::move(on_finish), std::move(socket), *tls_);
    return std::make_shared<recording_session<beast::tcp_stream>>(state_, std::move(on_finish),
                                                                  std::move(socket));
  }

  server_state state_;  // first: outlives the io_context and every session
  std::string ca_pem_;
  std::unique_ptr<asio::ssl::context> tls_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  tcp::acceptor recording_acceptor_{asio::make_strand(ioc_)};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  delivery_runner deliveries_{ioc_, state_.data.webhooks};
  std::uint16_t port_ = 0;

  std::mutex sessions_mutex_;
  session_registry sessions_;
  session_registry recording_sessions_;
  std::uint64_t next_session_id_ = 0;
  bool stopping_ = false;

  std::vector<std::thread> threads_;  // last: joined in the destructor, before the rest goes
};

}  // namespace smallest::atoms::testing::detail

#endif
