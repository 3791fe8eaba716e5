// A program outside the tree that uses atoms-cpp the way a user would: it includes the
// umbrella header, co_awaits async_get_call against the emulator, and exits 0 on success.
#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

static_assert(ATOMS_VERSION >= 100, "the umbrella header carries the version macros");

namespace atoms = smallest::atoms;
namespace asio = boost::asio;

int main() {
  atoms::testing::emulator emu;
  asio::io_context io;
  int status = 1;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        atoms::client client{io.get_executor(),
                             {.base_url = emu.base_url(),
                              .api_key = emu.api_key(),
                              .ca_pem = emu.ca_pem(),
                              .use_system_ca = false}};
        atoms::call_details d = co_await client.async_get_call(emu.call_ids().front());
        std::cout << "consumer: atoms-cpp " << ATOMS_VERSION_STRING << " fetched " << d.call_id << " with "
                  << d.transcript.size() << " turns\n";
        status = d.call_id == emu.call_ids().front() ? 0 : 1;
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  return status;
}
