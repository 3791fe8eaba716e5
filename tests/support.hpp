// Test helpers: run a coroutine on a fresh io_context with a deadline, so a test that would
// hang fails with "did not finish" instead; build expected time stamps.
#pragma once

#include <doctest/doctest.h>
#include <smallest/atoms/models/time.hpp>
#include <smallest/atoms/options.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

namespace atoms_test {

namespace asio = boost::asio;

/// `co_await op(..., tuple)`: the operation's results as a tuple, never throwing.
inline constexpr auto tuple = asio::as_tuple(asio::deferred);

/// The product page's example call, which the emulator serves.
inline constexpr const char* page_call = "CALL-1768842587790-69eb58";

/// Runs `make(io)` (returning an awaitable<void>) to completion on its own io_context, with
/// `threads` threads, failing the test if it has not finished within `limit`.
template <class Make>
void run(Make make, std::chrono::seconds limit = std::chrono::seconds(30)) {
  asio::io_context io;
  bool done = false;
  std::exception_ptr error;
  asio::co_spawn(io, make(io), [&](std::exception_ptr e) {
    done = true;
    error = e;
  });
  io.run_for(limit);
  REQUIRE_MESSAGE(done, "did not finish within " << limit.count() << " s");
  if (error) std::rethrow_exception(error);
}

/// Resident memory now, and at its peak since the last reset_peak_rss(), in KiB (Linux;
/// 0 elsewhere).
inline std::size_t proc_status_kib(const char* key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind(key, 0) == 0) return std::stoul(line.substr(std::strlen(key)));
  return 0;
}
inline std::size_t rss_kib() { return proc_status_kib("VmRSS:"); }
inline std::size_t peak_rss_kib() { return proc_status_kib("VmHWM:"); }
inline bool reset_peak_rss() { return static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5"); }

/// File descriptors open in this process now (Linux; 0 elsewhere).
inline std::size_t open_fds() {
  std::error_code ec;
  std::size_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec))
    ++n;
  return n;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool sanitized = true;  // their allocators keep freed memory resident by design
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool sanitized = true;
#else
inline constexpr bool sanitized = false;
#endif
#else
inline constexpr bool sanitized = false;
#endif

/// Options for a client of `emu`, trusting its CA and nothing else.
inline smallest::atoms::client_options options_for(const smallest::atoms::testing::emulator& emu) {
  return {
      .base_url = emu.base_url(), .api_key = emu.api_key(), .ca_pem = emu.ca_pem(), .use_system_ca = false};
}

/// options_for(emu) with retries whose waits are short and exact (3 attempts, 20 ms then
/// 40 ms, no jitter, a 20 s deadline), so retry tests are quick and their timing clear.
inline smallest::atoms::client_options quick_retries(const smallest::atoms::testing::emulator& emu) {
  using namespace std::chrono_literals;
  auto o = options_for(emu);
  o.retry = {.max_attempts = 3, .initial_backoff = 20ms, .max_backoff = 2s, .jitter = 0, .deadline = 20s};
  return o;
}

/// A UTC time stamp, to the millisecond, for expected values in decoding tests.
inline smallest::atoms::timestamp utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0,
                                      int ms = 0) {
  using namespace std::chrono;
  return smallest::atoms::timestamp{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} +
         seconds{s} + milliseconds{ms};
}

}  // namespace atoms_test
