// Walks every call log a server lists with client.calls() (or, with --details, every call's
// details with client.calls_with_details()) and prints one JSON line: items per second and
// this process's CPU time and peak RSS. benchmarks/run.sh runs it against nginx serving
// make_data's files, over 100,000 logs next to 1,000, in a fresh process each time, so each
// peak RSS is that walk's alone.
//
//     range --base-url URL [--ca-file CA.pem] [--page-size N] [--details] [--concurrency N]
//           [--expect N]
//
// Exits non-zero if the walk fails, or sees a number of items other than --expect.
#include <smallest/atoms.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;

namespace {

struct settings {
  std::string base_url, ca_file;
  std::size_t page_size = 500;
  std::size_t concurrency = 16;
  bool details = false;
  std::optional<std::size_t> expect;
};

struct outcome {
  std::size_t items = 0;
  std::size_t errors = 0;
  bool finished = false;
};

asio::awaitable<void> walk_logs(const atoms::client& client, const settings& cfg, outcome& o) {
  auto calls = client.calls({}, {.page_size = cfg.page_size});
  while (auto log = co_await calls.async_next()) ++o.items;
  o.finished = true;
}

asio::awaitable<void> walk_details(const atoms::client& client, const settings& cfg, outcome& o) {
  auto calls = client.calls_with_details({}, {.page_size = cfg.page_size}, {.concurrency = cfg.concurrency});
  while (auto r = co_await calls.async_next()) {
    if (r->ec)
      ++o.errors;
    else
      ++o.items;
  }
  o.finished = true;
}

void report(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    std::cerr << "range: the walk failed: " << x.what() << '\n';
  }
}

double cpu_seconds(const rusage& ru) {
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

bool parse(int argc, char** argv, settings& cfg) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--details")
      cfg.details = true;
    else if (flag == "--base-url" && has_value)
      cfg.base_url = argv[++i];
    else if (flag == "--ca-file" && has_value)
      cfg.ca_file = argv[++i];
    else if (flag == "--page-size" && has_value)
      cfg.page_size = std::stoul(argv[++i]);
    else if (flag == "--concurrency" && has_value)
      cfg.concurrency = std::stoul(argv[++i]);
    else if (flag == "--expect" && has_value)
      cfg.expect = std::stoul(argv[++i]);
    else
      return false;
  }
  return !cfg.base_url.empty() && cfg.concurrency > 0;
}

}  // namespace

int main(int argc, char** argv) {
  settings cfg;
  try {
    if (!parse(argc, argv, cfg)) {
      std::cerr << "usage: range --base-url URL [--ca-file CA.pem] [--page-size N] [--details]\n"
                   "             [--concurrency N] [--expect N]\n";
      return 2;
    }
  } catch (const std::exception&) {
    std::cerr << "range: the values must be numbers\n";
    return 2;
  }
  outcome o;
  asio::io_context io;
  std::chrono::steady_clock::time_point start;
  try {
    atoms::client client{io.get_executor(),
                         {.base_url = cfg.base_url,
                          .api_key = "benchmark",
                          .max_connections = cfg.concurrency + 1,
                          .ca_file = cfg.ca_file,
                          .use_system_ca = cfg.ca_file.empty(),
                          .single_threaded = true}};
    start = std::chrono::steady_clock::now();
    if (cfg.details)
      asio::co_spawn(io, walk_details(client, cfg, o), report);
    else
      asio::co_spawn(io, walk_logs(client, cfg, o), report);
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "range: " << e.what() << '\n';
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  const bool complete = o.finished && (!cfg.expect || *cfg.expect == o.items);
  std::printf(
      "{\"peer\":\"atoms\",\"scenario\":\"%s\",\"page_size\":%zu,\"concurrency\":%zu,\"items\":%zu,"
      "\"errors\":%zu,\"complete\":%s,\"seconds\":%.6f,\"items_per_second\":%.1f,\"cpu_seconds\":%.6f,"
      "\"peak_rss_kib\":%ld}\n",
      cfg.details ? "details" : "logs", cfg.page_size, cfg.details ? cfg.concurrency : std::size_t{1},
      o.items, o.errors, complete ? "true" : "false", seconds,
      seconds > 0 ? static_cast<double>(o.items) / seconds : 0.0, cpu_seconds(ru), ru.ru_maxrss);
  if (!complete)
    std::cerr << "range: saw " << o.items << " items" << (o.finished ? "" : " before the walk failed")
              << '\n';
  return complete && o.errors == 0 ? 0 : 1;
}
