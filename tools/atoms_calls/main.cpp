// atoms-calls: call logs, transcripts and post-call analytics from the Atoms API, on the
// command line. See `atoms-calls --help` and the README.
#include "tool.hpp"

#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return atoms_calls::run(args, atoms_calls::environment::from_process(),
                          {std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1, true});
}
