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

progress::progress(std::ostream& err, bool terminal, bool enabled, std::chrono::milliseconds interval)
    : err_(err), terminal_(terminal), enabled_(enabled), interval_(interval) {}

std::string progress::status(std::size_t done, std::size_t failed, std::optional<std::size_t> total,
                             bool bar) const {
  const double elapsed = std::chrono::duration<double>(clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  std::string s;
  if (total && *total > 0) {
    const std::size_t shown_total = std::max(*total, done);
    if (bar) {
      const auto filled =
          static_cast<std::size_t>(24.0 * static_cast<double>(done) / static_cast<double>(shown_total));
      s += '[' + std::string(filled, '#') + std::string(24 - filled, '.') + "] ";
    }
    s += std::to_string(done) + '/' + std::to_string(shown_total) + " calls";
  } else {
    s += std::to_string(done) + " calls";
  }
  if (failed) s += ", " + std::to_string(failed) + " failed";
  s += ", " + std::to_string(static_cast<long long>(std::llround(rate))) + "/s";
  if (total && *total > done && rate > 0)
    s += ", ETA " + clock_text(static_cast<double>(*total - done) / rate);
  return s;
}

void progress::update(std::size_t done, std::size_t failed, std::optional<std::size_t> total) {
  if (!enabled_) return;
  const auto now = clock::now();
  const auto every = terminal_ ? std::chrono::milliseconds(100) : interval_;
  if (drawn_ && now - last_ < every) return;
  if (!drawn_ && !terminal_ && now - start_ < interval_) return;  // quick exports say nothing until done
  last_ = now;
  drawn_ = true;
  if (terminal_)
    err_ << "\r\x1b[K" << status(done, failed, total, true) << std::flush;
  else
    err_ << "export: " << status(done, failed, total, false) << '\n' << std::flush;
}

void progress::finish() {
  if (enabled_ && terminal_ && drawn_) err_ << "\r\x1b[K" << std::flush;
}

}  // namespace atoms_calls
