// atoms-calls export: progress on stderr. On a terminal, a live bar redrawn in place at most
// ten times a second; otherwise (a log, a pipe) one line every `interval`.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>

namespace atoms_calls {

class progress {
 public:
  using clock = std::chrono::steady_clock;

  progress(std::ostream& err, bool terminal, bool enabled,
           std::chrono::milliseconds interval = std::chrono::seconds(5));

  /// `total` is what the service reported (an estimate when calls are filtered on our side).
  void update(std::size_t done, std::size_t failed, std::optional<std::size_t> total);
  /// Ends the bar's line; the caller then prints its own summary.
  void finish();

 private:
  std::string status(std::size_t done, std::size_t failed, std::optional<std::size_t> total, bool bar) const;

  std::ostream& err_;
  bool terminal_;
  bool enabled_;
  std::chrono::milliseconds interval_;
  clock::time_point start_ = clock::now();
  clock::time_point last_{};
  bool drawn_ = false;
};

}  // namespace atoms_calls
