// Test helpers: run a coroutine on a fresh io_context with a deadline, so a test that would
// hang fails with "did not finish" instead; build expected time stamps.
#pragma once

#include <doctest/doctest.h>
#include <smallest/atoms/models/time.hpp>
#include <smallest/atoms/options.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>

namespace atoms_test {

namespace asio = boost::asio;

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

/// Options for a client of `emu`, trusting its CA and nothing else.
inline smallest::atoms::client_options options_for(const smallest::atoms::testing::emulator& emu) {
  return {
      .base_url = emu.base_url(), .api_key = emu.api_key(), .ca_pem = emu.ca_pem(), .use_system_ca = false};
}

/// A UTC time stamp, to the millisecond, for expected values in decoding tests.
inline smallest::atoms::timestamp utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0,
                                      int ms = 0) {
  using namespace std::chrono;
  return smallest::atoms::timestamp{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} +
         seconds{s} + milliseconds{ms};
}

}  // namespace atoms_test
