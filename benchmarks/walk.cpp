// Walks every call log of a local server with call_range, and every call's details with
// calls_with_details, and prints items per second and the client's peak RSS for a large data
// set next to the same walks over a small one. The claim it checks: memory stays bounded by
// the pages and the window, whatever the number of calls (peak RSS for 100,000 within 1.5× of
// that for 1,000).
//
//     walk [--calls N] [--small N] [--page-size N] [--concurrency N]
//
// The server (the emulator, over TLS on 127.0.0.1) runs in a child process, and each walk in
// a child process of its own, so each peak RSS is that walk's client alone.
#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;

namespace {

struct settings {
  std::size_t calls = 100'000;
  std::size_t small = 1'000;
  std::size_t page_size = 500;
  std::size_t concurrency = 16;
};

struct server_info {
  std::string base_url, api_key, ca_pem;
};

struct outcome {
  std::size_t items = 0;
  double seconds = 0;
  long peak_rss_kib = 0;
  bool ok = false;
};

// Writes all of `s` to `fd`.
void put(int fd, const std::string& s) {
  for (std::size_t done = 0; done < s.size();) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// Reads `fd` to its end.
std::string take(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

// Starts an emulator with `calls` calls in a child process; returns its pid and address.
pid_t start_server(std::size_t calls, server_info& info) {
  int ready[2], hold[2];
  if (::pipe(ready) != 0 || ::pipe(hold) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    ::close(hold[1]);
    atoms::testing::emulator emu({.calls = calls, .threads = 1});
    put(ready[1], emu.base_url() + '\n' + emu.api_key() + '\n' + emu.ca_pem());
    ::close(ready[1]);
    char c;
    while (::read(hold[0], &c, 1) > 0) {
    }  // until the parent closes its end (or dies)
    std::_Exit(0);
  }
  ::close(ready[1]);
  ::close(hold[0]);
  const std::string text = take(ready[0]);
  ::close(ready[0]);
  const auto a = text.find('\n'), b = text.find('\n', a + 1);
  info = {text.substr(0, a), text.substr(a + 1, b - a - 1), text.substr(b + 1)};
  // hold[1] stays open in this process: the server lives as long as the benchmark.
  return pid;
}

// Runs `walk` in a child process and returns what it measured.
template <class Walk>
outcome measure(Walk walk) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    outcome o = walk();
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    o.peak_rss_kib = ru.ru_maxrss;
    put(fds[1], std::to_string(o.ok) + ' ' + std::to_string(o.items) + ' ' + std::to_string(o.seconds) + ' ' +
                    std::to_string(o.peak_rss_kib));
    std::_Exit(0);
  }
  ::close(fds[1]);
  const std::string text = take(fds[0]);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status))
    std::cerr << "walk: the client process died of signal " << WTERMSIG(status) << '\n';
  outcome o;
  int ok = 0;
  if (std::sscanf(text.c_str(), "%d %zu %lf %ld", &ok, &o.items, &o.seconds, &o.peak_rss_kib) == 4) o.ok = ok;
  return o;
}

atoms::client_options options_for(const server_info& s, std::size_t connections) {
  return {.base_url = s.base_url,
          .api_key = s.api_key,
          .max_connections = connections,
          .ca_pem = s.ca_pem,
          .use_system_ca = false,
          .single_threaded = true};
}

// One walk, in the calling (child) process.
outcome walk(const server_info& server, const settings& cfg, bool details) {
  outcome o;
  asio::io_context io;
  atoms::client client{io.get_executor(), options_for(server, cfg.concurrency + 1)};
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        atoms::range_options range{.page_size = cfg.page_size};
        if (details) {
          auto calls = client.calls_with_details({}, range, {.concurrency = cfg.concurrency});
          while (auto r = co_await calls.async_next())
            if (!r->ec) ++o.items;
        } else {
          auto calls = client.calls({}, range);
          while (auto log = co_await calls.async_next()) ++o.items;
        }
        o.ok = true;
      },
      [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          std::cerr << "walk failed: " << x.what() << '\n';
        }
      });
  io.run();
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return o;
}

bool parse(int argc, char** argv, settings& cfg) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::size_t value = std::stoul(argv[i + 1]);
    if (flag == "--calls")
      cfg.calls = value;
    else if (flag == "--small")
      cfg.small = value;
    else if (flag == "--page-size")
      cfg.page_size = value;
    else if (flag == "--concurrency")
      cfg.concurrency = value;
    else
      return false;
  }
  return argc % 2 == 1;
}

}  // namespace

int main(int argc, char** argv) {
  settings cfg;
  try {
    if (!parse(argc, argv, cfg)) {
      std::cerr << "usage: walk [--calls N] [--small N] [--page-size N] [--concurrency N]\n";
      return 2;
    }
  } catch (const std::exception&) {
    std::cerr << "walk: the values must be numbers\n";
    return 2;
  }
  server_info small_server, large_server;
  const pid_t a = start_server(cfg.small, small_server);
  const pid_t b = start_server(cfg.calls, large_server);
  if (a <= 0 || b <= 0) {
    std::cerr << "walk: cannot start the servers\n";
    return 1;
  }

  std::printf("%-22s %10s %12s %14s %10s\n", "walk", "calls", "items/s", "peak RSS KiB", "RSS ratio");
  bool all_ok = true;
  double worst = 0;
  for (bool details : {false, true}) {
    const char* name = details ? "logs with details" : "logs";
    const outcome s = measure([&] { return walk(small_server, cfg, details); });
    const outcome l = measure([&] { return walk(large_server, cfg, details); });
    const double ratio = s.peak_rss_kib ? static_cast<double>(l.peak_rss_kib) / s.peak_rss_kib : 0;
    std::printf("%-22s %10zu %12.0f %14ld %10s\n", name, s.items, s.items / s.seconds, s.peak_rss_kib,
                "1.00");
    std::printf("%-22s %10zu %12.0f %14ld %10.2f\n", name, l.items, l.items / l.seconds, l.peak_rss_kib,
                ratio);
    all_ok = all_ok && s.ok && l.ok && s.items == cfg.small && l.items == cfg.calls;
    worst = std::max(worst, ratio);
  }
  std::printf("peak RSS, %zu calls over %zu: %.2fx (goal: at most 1.5x)%s\n", cfg.calls, cfg.small, worst,
              all_ok ? "" : "  [a walk did not see every call]");
  ::kill(a, SIGTERM);
  ::kill(b, SIGTERM);
  ::waitpid(a, nullptr, 0);
  ::waitpid(b, nullptr, 0);
  return all_ok && worst <= 1.5 ? 0 : 1;
}
