// atoms-calls as a function, so that main() is one line and the tests run the tool itself,
// in-process, against the emulator.
#pragma once

#include "cli.hpp"

#include <ostream>
#include <span>
#include <string>

namespace atoms_calls {

struct streams {
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;  // progress as a live bar instead of periodic lines
  bool handle_signals = false;   // SIGINT and SIGTERM cancel the command (the program sets it)
};

/// Runs one command line (without the program name). Returns the exit status: 0 success,
/// 1 failure (one line on `err` says why), 2 usage error.
int run(std::span<const std::string> args, const environment& env, const streams& io);

}  // namespace atoms_calls
