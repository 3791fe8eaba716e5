// atoms-calls: progress of a long walk (export, stats) on stderr. On a terminal, a live bar
// redrawn in place at most ten times a second; otherwise (a log, a pipe) one line every
// `interval`, and nothing at all for a walk shorter than that.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>

namespace atoms_calls {

struct progress_counts {
  std::size_t kept = 0;                // calls written or counted
  std::size_t scanned = 0;             // calls walked: kept, plus those our own filters dropped
  std::size_t skipped = 0;             // calls listed but gone before their details were read
  std::optional<std::size_t> total{};  // what the service reported for the walk
};

class progress {
 public:
  using clock = std::chrono::steady_clock;

  progress(std::ostream& err, std::string label, bool terminal, bool enabled,
           std::chrono::milliseconds interval = std::chrono::seconds(5));

  void update(const progress_counts& counts);
  /// Clears the bar's line; the caller then prints its own summary.
  void finish();

 private:
  std::string status(const progress_counts& counts, bool bar) const;

  std::ostream& err_;
  std::string label_;
  bool terminal_;
  bool enabled_;
  std::chrono::milliseconds interval_;
  clock::time_point start_ = clock::now();
  clock::time_point last_{};
  bool drawn_ = false;
};

}  // namespace atoms_calls
