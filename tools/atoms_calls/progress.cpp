#include "progress.hpp"

#include <algorithm>
#include <cmath>

namespace atoms_calls {

namespace {

std::string clock_text(double seconds) {
  auto s = static_cast<long long>(std::llround(seconds));
  std::string ss = std::to_string(s % 60);
  return std::to_string(s / 60) + ':' + (ss.size() < 2 ? "0" : "") + ss;
}

}  // namespace

progress::progress(std::ostream& err, std::string label, bool terminal, bool enabled,
                   std::chrono::milliseconds interval)
    : err_(err), label_(std::move(label)), terminal_(terminal), enabled_(enabled), interval_(interval) {}

std::string progress::status(const progress_counts& n, bool bar) const {
  const double elapsed = std::chrono::duration<double>(clock::now() - start_).count();
  const std::size_t walked = std::max(n.scanned, n.kept + n.skipped);
  const double rate = elapsed > 0 ? static_cast<double>(walked) / elapsed : 0;
  const bool filtered = walked > n.kept + n.skipped;
  std::string s;
  const std::size_t total = n.total ? std::max(*n.total, walked) : 0;
  if (bar && total > 0) {
    const auto filled =
        static_cast<std::size_t>(24.0 * static_cast<double>(walked) / static_cast<double>(total));
    s += '[' + std::string(filled, '#') + std::string(24 - filled, '.') + "] ";
  }
  if (filtered) {
    s += std::to_string(n.kept) + " kept of " + std::to_string(walked);
    s += total ? '/' + std::to_string(total) + " calls walked" : std::string(" calls walked");
  } else {
    s += std::to_string(n.kept);
    s += total ? '/' + std::to_string(total) + " calls" : std::string(" calls");
  }
  if (n.skipped) s += ", " + std::to_string(n.skipped) + " skipped (gone)";
  s += ", " + std::to_string(static_cast<long long>(std::llround(rate))) + "/s";
  if (total > walked && rate > 0) s += ", ETA " + clock_text(static_cast<double>(total - walked) / rate);
  return s;
}

void progress::update(const progress_counts& counts) {
  if (!enabled_) return;
  const auto now = clock::now();
  const auto every = terminal_ ? std::chrono::milliseconds(100) : interval_;
  if (drawn_ && now - last_ < every) return;
  if (!drawn_ && !terminal_ && now - start_ < interval_) return;
  last_ = now;
  drawn_ = true;
  if (terminal_)
    err_ << "\r\x1b[K" << label_ << ": " << status(counts, true) << std::flush;
  else
    err_ << label_ << ": " << status(counts, false) << '\n' << std::flush;
}

void progress::finish() {
  if (enabled_ && terminal_ && drawn_) err_ << "\r\x1b[K" << std::flush;
}

}  // namespace atoms_calls
