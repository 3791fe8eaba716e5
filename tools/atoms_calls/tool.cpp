#include "tool.hpp"

#include "output.hpp"
#include "progress.hpp"
#include "staged_file.hpp"
#include "stats.hpp"

#include <smallest/atoms.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace atoms_calls {

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
namespace fs = std::filesystem;
using atoms::error_code;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// One line that says what went wrong and what to do; describe() never holds the key.
std::string failure(const error_code& ec, const atoms::diagnostics& diag) {
  if (ec == atoms::condition::unauthenticated && diag.http_status == 401) {
    std::string line = "the service refused the API key (" + diag.method + ' ' + diag.path + ": HTTP 401";
    if (!diag.message.empty()) line += ": " + diag.message;
    if (!diag.request_id.empty()) line += ", request id " + diag.request_id;
    return line + "): check SMALLEST_API_KEY or --api-key";
  }
  std::string what = atoms::describe(ec, diag);
  if (ec == atoms::condition::forbidden) return what + " (the API key is not allowed to do this)";
  if (ec == atoms::condition::tls_error) return what + " (for a private CA, pass --ca-file)";
  if (ec == asio::error::operation_aborted) return "interrupted";
  return what;
}

struct context {
  const invocation& inv;
  const streams& io;
  atoms::client& client;

  int fail(const std::string& line) const {
    io.err << "atoms-calls: " << line << '\n' << std::flush;
    return 1;
  }
  int fail(const error_code& ec, const atoms::diagnostics& diag) const { return fail(failure(ec, diag)); }
};

// The range options that carry a selection: our own createdAt bounds, and the walk's early
// end when the default order proves that nothing later can match.
atoms::range_options walk_options(const selection& s, std::size_t page_size, std::optional<std::size_t> max) {
  atoms::range_options o{.page_size = page_size, .max_items = max};
  if (!s.server_dates && (s.since || s.until)) {
    o.keep = [s](const atoms::call_log& log) { return s.keeps(log.created_at); };
    if (s.since && s.default_order())
      o.stop = [since = *s.since](const atoms::call_log& log) {
        return log.updated_at && *log.updated_at < since;
      };
  }
  return o;
}

// True once SIGINT or SIGTERM asked the command to stop: checked between steps, because an
// operation started after the signal would not see it.
asio::awaitable<bool> interrupted() {
  asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
  co_return cs.cancelled() != asio::cancellation_type::none;
}

// Failures that are the same for every call (the key, the permission, an interruption) are
// said once.
bool says_it_all(const error_code& ec) {
  return ec == atoms::condition::unauthenticated || ec == atoms::condition::forbidden ||
         ec == asio::error::operation_aborted;
}

asio::awaitable<int> get(context c) {
  atoms::bulk_options bulk{.concurrency = c.inv.concurrency};
  std::vector<std::string> ids = c.inv.ids;
  auto [ec, results] = co_await c.client.async_get_calls_details(std::move(ids), bulk, tuple_awaitable);
  auto writer = make_call_writer(c.inv.format, c.io.out, true);
  int status = 0;
  for (const auto& r : results) {
    if (!r.ec) {
      writer->write(r.details);
      continue;
    }
    if (says_it_all(r.ec)) {
      writer->finish();
      co_return c.fail(r.ec, r.diag);
    }
    status = c.fail(r.call_id + ": " + failure(r.ec, r.diag));
  }
  writer->finish();
  if (results.empty() && ec) co_return c.fail(ec, {});
  co_return status;
}

asio::awaitable<int> search(context c) {
  atoms::diagnostics diag;
  std::vector<std::string> ids = c.inv.ids;
  auto [ec, found] = co_await c.client.async_search_calls(std::move(ids), diag, tuple_awaitable);
  if (ec) co_return c.fail(ec, diag);
  auto writer = make_call_writer(c.inv.format, c.io.out, false);
  for (const auto& log : found.logs) writer->write(log);
  writer->finish();
  if (found.missing.empty()) co_return 0;
  std::vector<std::string> asked = c.inv.ids;
  std::sort(asked.begin(), asked.end());
  asked.erase(std::unique(asked.begin(), asked.end()), asked.end());
  std::string list;
  constexpr std::size_t named = 10;
  for (std::size_t i = 0; i < found.missing.size() && i < named; ++i)
    list += (i ? ", " : "") + found.missing[i];
  if (found.missing.size() > named) list += " and " + std::to_string(found.missing.size() - named) + " more";
  co_return c.fail(std::to_string(found.missing.size()) + " of " + std::to_string(asked.size()) +
                   " calls not found: " + list);
}

asio::awaitable<int> list(context c) {
  // A filter of our own may drop most of a page: ask for full pages then.
  const bool filtered = !c.inv.select.server_dates && (c.inv.select.since || c.inv.select.until);
  const std::size_t page_size = filtered ? 500 : (c.inv.all && !c.inv.limit_given ? 100 : c.inv.limit);
  const std::optional<std::size_t> max = c.inv.all ? c.inv.max : std::optional<std::size_t>(c.inv.limit);
  atoms::call_range calls = c.client.calls(c.inv.select.service, walk_options(c.inv.select, page_size, max));
  auto writer = make_call_writer(c.inv.format, c.io.out, false);
  for (;;) {
    if (co_await interrupted()) {
      writer->finish();
      co_return c.fail("interrupted");
    }
    atoms::diagnostics diag;
    auto [ec, page] = co_await calls.async_next_page(diag, tuple_awaitable);
    if (ec) {
      writer->finish();
      co_return c.fail(ec, diag);
    }
    if (!page) break;
    for (const auto& log : *page) writer->write(log);
  }
  writer->finish();
  if (calls.yielded() == 0 && c.inv.format == format::table) c.io.err << "atoms-calls: no calls match\n";
  co_return 0;
}

progress_counts counts_of(const atoms::call_range& walk, std::size_t kept, std::size_t skipped = 0) {
  const auto total = walk.total_reported();
  return {.kept = kept,
          .scanned = kept + skipped + walk.filtered_out(),
          .skipped = skipped,
          .total = total > 0 ? std::optional<std::size_t>(static_cast<std::size_t>(total)) : std::nullopt};
}

asio::awaitable<int> stats(context c) {
  atoms::call_range calls =
      c.client.calls(c.inv.select.service, walk_options(c.inv.select, 500, std::nullopt));
  call_stats totals;
  progress shown(c.io.err, "stats", c.io.err_is_terminal, c.inv.progress);
  for (;;) {
    if (co_await interrupted()) {
      shown.finish();
      co_return c.fail("interrupted");
    }
    atoms::diagnostics diag;
    auto [ec, page] = co_await calls.async_next_page(diag, tuple_awaitable);
    if (ec) {
      shown.finish();
      co_return c.fail(ec, diag);
    }
    if (!page) break;
    for (const auto& log : *page) totals.add(log);
    shown.update(counts_of(calls, totals.count()));
  }
  shown.finish();
  totals.print(c.io.out, c.inv.format);
  co_return 0;
}

asio::awaitable<int> export_calls(context c) {
  staged_file file{fs::path(c.inv.out)};
  if (!file.open_error().empty()) co_return c.fail(file.open_error());
  auto writer = make_call_writer(c.inv.format, file.stream(), c.inv.details);
  progress shown(c.io.err, "export", c.io.err_is_terminal, c.inv.progress);
  auto give_up = [&](const std::string& why) {
    shown.finish();
    return c.fail(why + "; no file written");
  };
  std::size_t written = 0, vanished = 0;
  const atoms::range_options walk = walk_options(c.inv.select, 500, std::nullopt);
  if (!c.inv.details) {
    atoms::call_range calls = c.client.calls(c.inv.select.service, walk);
    for (;;) {
      if (co_await interrupted()) co_return give_up("interrupted");
      atoms::diagnostics diag;
      auto [ec, page] = co_await calls.async_next_page(diag, tuple_awaitable);
      if (ec) co_return give_up(failure(ec, diag));
      if (!page) break;
      for (const auto& log : *page) writer->write(log);
      written += page->size();
      if (std::string why = file.write_error(); !why.empty()) co_return give_up(why);
      shown.update(counts_of(calls, written));
    }
  } else {
    atoms::call_details_range calls = c.client.calls_with_details(
        c.inv.select.service, walk, atoms::bulk_options{.concurrency = c.inv.concurrency});
    for (;;) {
      if (co_await interrupted()) co_return give_up("interrupted");
      atoms::diagnostics diag;
      auto [ec, result] = co_await calls.async_next(diag, tuple_awaitable);
      if (ec) co_return give_up(failure(ec, diag));
      if (!result) break;
      if (result->ec == atoms::condition::not_found) {
        ++vanished;  // listed, then deleted before its details were asked for
      } else if (result->ec) {
        co_return give_up(says_it_all(result->ec)
                              ? failure(result->ec, result->diag)
                              : result->call_id + ": " + failure(result->ec, result->diag));
      } else {
        writer->write(result->details);
        ++written;
        if (std::string why = file.write_error(); !why.empty()) co_return give_up(why);
      }
      shown.update(counts_of(calls.logs(), written, vanished));
    }
  }
  writer->finish();
  shown.finish();
  if (std::string why = file.commit(); !why.empty()) co_return c.fail(why + "; no file written");
  c.io.err << "atoms-calls: exported " << written << (written == 1 ? " call" : " calls") << " to "
           << c.inv.out;
  if (vanished) c.io.err << " (" << vanished << " listed calls were gone before their details were read)";
  c.io.err << '\n';
  co_return 0;
}

asio::awaitable<int> config_get(context c) {
  atoms::diagnostics diag;
  std::string agent = c.inv.ids.front();
  auto [ec, config] = co_await c.client.async_get_post_call_config(std::move(agent), diag, tuple_awaitable);
  if (ec) co_return c.fail(ec, diag);
  print_config(c.io.out, c.inv.format, config);
  co_return 0;
}

// The configuration in `path`, or why it cannot be sent.
std::variant<atoms::post_call_config, std::string> read_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return path + ": cannot read it";
  std::string text;
  constexpr std::size_t limit = 1 << 20;
  text.resize(limit + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > limit) return path + ": larger than 1 MiB; not a configuration";
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) return path + ": not JSON (" + ec.message() + ")";
  if (!v.is_object()) return path + ": expected a JSON object with summaryPrompt and dispositionMetrics";
  atoms::post_call_config config;
  try {
    config = boost::json::value_to<atoms::post_call_config>(v);
  } catch (const std::exception& e) {
    return path + ": " + e.what();
  }
  if (auto problem = atoms::validate(config)) return path + ": " + *problem;
  return config;
}

asio::awaitable<int> config_set(context c) {
  auto read = read_config(c.inv.config_file);
  if (auto* why = std::get_if<std::string>(&read)) co_return c.fail(*why + "; nothing was sent");
  atoms::diagnostics diag;
  std::string agent = c.inv.ids.front();
  atoms::post_call_config config = std::get<atoms::post_call_config>(std::move(read));
  const std::size_t metrics = config.disposition_metrics.size();
  auto [ec, saved] = co_await c.client.async_set_post_call_config(std::move(agent), std::move(config), diag,
                                                                  tuple_awaitable);
  if (ec) co_return c.fail(ec, diag);
  print_config(c.io.out, c.inv.format, saved);
  c.io.err << "atoms-calls: saved the post-call analytics configuration of agent " << c.inv.ids.front()
           << " (" << metrics << (metrics == 1 ? " metric" : " metrics") << ")\n";
  co_return 0;
}

asio::awaitable<int> dispatch(context c) {
  switch (c.inv.command) {
    case command::get: return get(c);
    case command::search: return search(c);
    case command::list: return list(c);
    case command::stats: return stats(c);
    case command::export_calls: return export_calls(c);
    case command::config_get: return config_get(c);
    case command::config_set: return config_set(c);
    case command::help: break;
  }
  return config_get(c);  // not reached: help is answered before any client exists
}

asio::awaitable<int> execute(context c) {
  // An interruption is seen by the operation in flight, or by interrupted() between steps;
  // never as an exception from the next co_await.
  co_await asio::this_coro::throw_if_cancelled(false);
  co_return co_await dispatch(c);
}

atoms::client_options options_of(const invocation& inv) {
  atoms::client_options o;
  if (!inv.base_url.empty()) o.base_url = inv.base_url;
  o.api_key = inv.api_key;
  if (o.base_url.starts_with("https://")) {  // like curl: https_proxy is for https:// URLs
    o.proxy = inv.proxy;
    o.no_proxy = inv.no_proxy;
  }
  if (!inv.ca_file.empty()) {
    o.ca_file = inv.ca_file;
    o.use_system_ca = false;  // like curl --cacert: these CAs instead of the system's
  }
  if (inv.timeout_seconds) {
    o.request_timeout = std::chrono::milliseconds(static_cast<long long>(*inv.timeout_seconds * 1000));
    o.connect_timeout = std::min(o.connect_timeout, o.request_timeout);
  }
  o.bulk_concurrency = inv.concurrency;
  o.max_connections = std::max(o.max_connections, inv.concurrency + 1);  // the walk's own, too
  o.user_agent = "atoms-calls/0.1.0 " + o.user_agent;
  o.single_threaded = true;  // run() runs the io_context on this thread alone
  return o;
}

}  // namespace

int run(std::span<const std::string> args, const environment& env, const streams& io) {
  auto parsed = parse(args, env);
  if (auto* bad = std::get_if<usage_error>(&parsed)) {
    io.err << "atoms-calls: " << bad->message << '\n' << std::flush;
    return 2;
  }
  const invocation& inv = std::get<invocation>(parsed);
  if (inv.command == command::help) {
    io.out << usage() << std::flush;
    return 0;
  }
  asio::io_context ioc;
  std::optional<atoms::client> client;
  try {
    client.emplace(ioc.get_executor(), options_of(inv));
  } catch (const std::exception& e) {
    // The options' own words (never the key), in the tool's terms.
    std::string why = e.what();
    for (auto [library, ours] :
         {std::pair<std::string_view, std::string_view>{"client_options::base_url", "--base-url"},
          {"client_options::ca_file", "--ca-file"}})
      if (auto at = why.find(library); at != std::string::npos) why.replace(at, library.size(), ours);
    io.err << "atoms-calls: " << why << '\n' << std::flush;
    return 2;
  }

  int status = 1;
  asio::cancellation_signal interrupt;
  asio::signal_set signals(ioc);
  if (io.handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      interrupt.emit(asio::cancellation_type::terminal);
      boost::system::error_code ignored;
      signals.clear(ignored);  // a second one ends the program at once, as it would without us
    });
  }
  context c{inv, io, *client};
  asio::co_spawn(ioc, execute(c),
                 asio::bind_cancellation_slot(interrupt.slot(), [&](std::exception_ptr e, int result) {
                   signals.cancel();
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       result = c.fail(ex.what());
                     } catch (...) {
                       result = c.fail("an unexpected exception");
                     }
                   }
                   status = result;
                 }));
  ioc.run();
  io.out.flush();
  if (!io.out) {
    io.err << "atoms-calls: cannot write to standard output\n" << std::flush;
    return 1;
  }
  return status;
}

}  // namespace atoms_calls
