// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_CALL_RANGE_IPP
#define SMALLEST_ATOMS_IMPL_CALL_RANGE_IPP

#include <smallest/atoms/call_range.hpp>
#include <smallest/atoms/detail/client_state.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <string_view>

namespace smallest::atoms {

namespace detail {

// FNV-1a, 64 bits: the walk remembers calls by this. Two of a million ids collide with a
// probability of about 3e-8.
inline std::uint64_t id_hash(std::string_view id) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

ATOMS_DECL const asio::any_io_executor& range_state::executor() const noexcept { return client_->executor(); }

ATOMS_DECL range_state::range_state(std::shared_ptr<client_state> client, call_filter filter,
                                    range_options opts)
    : client_(std::move(client)),
      filter_(std::move(filter)),
      opts_(std::move(opts)),
      strand_(asio::make_strand(client_->executor())),
      wake_(strand_) {
  next_page_ = filter_.page.value_or(1);
  std::string query, why;
  if (opts_.page_size < 1 || opts_.page_size > 500) {
    invalid_ = "range_options::page_size must be 1–500";
  } else {
    filter_.limit = static_cast<int>(opts_.page_size);
    if (!call_query(filter_, query, why)) invalid_ = std::move(why);
  }
}

ATOMS_DECL bool range_state::admit(const call_log& log) {
  if (!opts_.deduplicate) return true;
  if (seen_.insert(id_hash(log.call_id)).second) return true;
  ++duplicates;
  return false;
}

ATOMS_DECL void range_state::start_fetch() {
  fetching_ = true;
  call_filter f = filter_;
  f.page = next_page_;
  auto out = std::make_shared<fetched_page>();
  asio::co_spawn(
      strand_, get_calls(client_, std::move(f), &out->diag),
      asio::bind_cancellation_slot(fetch_cancel_.slot(), [self = shared_from_this(), out](
                                                             std::exception_ptr e, op_result<call_page> r) {
        // On strand_: co_spawn completes through the executor it ran on.
        self->fetching_ = false;
        self->fetch_cancel_.slot().clear();
        out->ec = e ? error_from_exception(e) : std::get<0>(r);
        out->page = std::move(std::get<1>(r));
        if (!self->closed_) self->fetched_ = std::move(*out);
        self->wake_.cancel();
      }));
}

ATOMS_DECL error_code range_state::take(fetched_page& f, diagnostics& diag) {
  diag = std::move(f.diag);
  if (f.ec) return f.ec;  // next_page_ stays: the next operation asks for it again
  const int p = next_page_;
  const pagination& pg = f.page.pagination;
  auto contradiction = [&](std::string why) {
    done_ = true;
    diag.message = std::move(why);
    return error_code(errc::unexpected_response);
  };
  if (pg.page && *pg.page != p)
    return contradiction("asked for page " + std::to_string(p) + ", the service answered page " +
                         std::to_string(*pg.page) + "; the walk stops");
  ++pages;
  ++next_page_;
  const std::size_t size = f.page.logs.size();
  const bool more = pg.has_more ? *pg.has_more : size >= opts_.page_size;
  if (pg.total) max_total_ = std::max(max_total_, *pg.total);
  std::size_t fresh = 0;
  bool stopped = false;
  for (auto& log : f.page.logs) {
    if (opts_.stop && opts_.stop(log)) {
      stopped = true;
      break;
    }
    if (!admit(log)) continue;
    ++fresh;
    if (opts_.keep && !opts_.keep(log)) {
      ++filtered;
      continue;
    }
    buffer_.push_back(std::move(log));
  }
  if (!more || stopped) {
    done_ = true;
    return {};
  }
  if (size == 0)
    return contradiction("page " + std::to_string(p) + " is empty but the service says more calls follow");
  if (fresh == 0)
    return contradiction("page " + std::to_string(p) +
                         " holds only calls already yielded, yet the service "
                         "says more follow");
  if (max_total_ > 0 &&
      static_cast<std::int64_t>(p - filter_.page.value_or(1)) * static_cast<std::int64_t>(opts_.page_size) >=
          max_total_ + static_cast<std::int64_t>(opts_.page_size))
    return contradiction("page " + std::to_string(p) + " lies past the " + std::to_string(max_total_) +
                         " calls the service reported, yet it says more follow");
  if (opts_.max_items && yielded + buffer_.size() >= *opts_.max_items) return {};  // enough in hand
  if (opts_.prefetch) start_fetch();
  return {};
}

ATOMS_DECL asio::awaitable<error_code> range_state::fill(diagnostics& diag) {
  asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
  while (buffer_.empty()) {
    if (closed_) co_return asio::error::operation_aborted;
    if (done_) co_return error_code{};
    if (fetched_) {
      fetched_page f = std::move(*fetched_);
      fetched_.reset();
      if (error_code ec = take(f, diag)) co_return ec;
      continue;
    }
    if (!fetching_) start_fetch();
    wake_.expires_at(asio::steady_timer::time_point::max());
    auto [ec] = co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;  // woken by the fetch, by close(), or by this operation's cancellation
    if (cs.cancelled() != asio::cancellation_type::none) co_return asio::error::operation_aborted;
  }
  co_return error_code{};
}

// The start of every operation: one at a time, and not on a refused filter.
inline error_code range_admission(bool busy, const std::optional<std::string>& invalid, diagnostics& diag) {
  if (busy) {
    diag.message =
        "a call_range runs one operation at a time; this one was started while another was pending";
    return errc::invalid_argument;
  }
  if (invalid) {
    diag.message = *invalid;
    return errc::invalid_argument;
  }
  return {};
}

ATOMS_DECL asio::awaitable<op_result<std::optional<call_log>>> range_state::next(diagnostics& diag) {
  using result = op_result<std::optional<call_log>>;
  if (error_code ec = range_admission(busy_, invalid_, diag)) co_return result{ec, std::nullopt};
  if (opts_.max_items && yielded >= *opts_.max_items) co_return result{error_code{}, std::nullopt};
  busy_ = true;
  error_code ec = co_await fill(diag);
  busy_ = false;
  if (ec || buffer_.empty()) co_return result{ec, std::nullopt};
  call_log log = std::move(buffer_.front());
  buffer_.pop_front();
  ++yielded;
  if (opts_.max_items && yielded >= *opts_.max_items) close();  // nothing more will be asked
  co_return result{error_code{}, std::move(log)};
}

ATOMS_DECL asio::awaitable<op_result<std::optional<std::vector<call_log>>>> range_state::next_page(
    diagnostics& diag) {
  using result = op_result<std::optional<std::vector<call_log>>>;
  if (error_code ec = range_admission(busy_, invalid_, diag)) co_return result{ec, std::nullopt};
  if (opts_.max_items && yielded >= *opts_.max_items) co_return result{error_code{}, std::nullopt};
  busy_ = true;
  error_code ec = co_await fill(diag);
  busy_ = false;
  if (ec || buffer_.empty()) co_return result{ec, std::nullopt};
  std::size_t n = buffer_.size();
  if (opts_.max_items) n = std::min(n, *opts_.max_items - yielded);
  std::vector<call_log> page;
  page.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    page.push_back(std::move(buffer_.front()));
    buffer_.pop_front();
  }
  yielded += n;
  if (opts_.max_items && yielded >= *opts_.max_items) close();
  co_return result{error_code{}, std::move(page)};
}

ATOMS_DECL void range_state::close() {
  if (closed_) return;
  closed_ = true;
  done_ = true;
  buffer_.clear();
  fetched_.reset();
  if (fetching_) fetch_cancel_.emit(asio::cancellation_type::terminal);  // on strand_: forwarded inline
  wake_.cancel();
}

ATOMS_DECL asio::awaitable<op_result<std::optional<call_log>>> range_next(std::shared_ptr<range_state> s,
                                                                          diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  co_return co_await s->next(*diag);
}

ATOMS_DECL asio::awaitable<op_result<std::optional<std::vector<call_log>>>> range_next_page(
    std::shared_ptr<range_state> s, diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  co_return co_await s->next_page(*diag);
}

}  // namespace detail

ATOMS_DECL void call_range::close() noexcept {
  if (!state_) return;
  try {
    asio::dispatch(state_->strand(), [s = state_] { s->close(); });
  } catch (...) {
    // Out of memory posting the close: the fetch in flight ends by its own timeout instead.
  }
}

}  // namespace smallest::atoms

#endif
