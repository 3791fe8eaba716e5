#include "stats.hpp"

#include "output.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <cmath>

namespace atoms_calls {

namespace atoms = smallest::atoms;

namespace {

// A count's label: the service's spelling, the raw string of a value we do not know, or "(none)".
template <class Enum>
std::string label_of(const atoms::open_enum<Enum>& e) {
  if (e.value == Enum::unknown) return e.raw.empty() ? std::string("(none)") : e.raw;
  return std::string(atoms::to_string(e.value));
}

std::string share(std::size_t part, std::size_t whole) {
  if (whole == 0) return "-";
  return number(std::round(1000.0 * static_cast<double>(part) / static_cast<double>(whole)) / 10) + "%";
}

std::string seconds(double s) {
  auto total = static_cast<long long>(std::llround(s));
  if (total < 60) return number(std::round(s * 10) / 10) + "s";
  std::string sec = std::to_string(total % 60);
  return std::to_string(total / 60) + "m" + (sec.size() < 2 ? "0" : "") + sec + "s";
}

// Entries by count, largest first, ties by name.
std::vector<std::pair<std::string, std::size_t>> ranked(const std::map<std::string, std::size_t>& m) {
  std::vector<std::pair<std::string, std::size_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return v;
}

std::string breakdown(const std::map<std::string, std::size_t>& m, std::size_t whole) {
  std::string s;
  for (const auto& [name, n] : ranked(m))
    s += (s.empty() ? "" : ", ") + name + ' ' + std::to_string(n) + " (" + share(n, whole) + ')';
  return s.empty() ? "-" : s;
}

std::string minute(const atoms::timestamp& t) {
  std::string s = atoms::format_iso8601(t);
  if (s.size() >= 16) {
    s[10] = ' ';
    s.resize(16);
  }
  return s;
}

boost::json::object counts(const std::map<std::string, std::size_t>& m) {
  boost::json::object o;
  for (const auto& [name, n] : ranked(m)) o[name] = n;
  return o;
}

}  // namespace

void call_stats::add(const atoms::call_log& log) {
  ++count_;
  ++by_status_[label_of(log.status)];
  ++by_type_[label_of(log.type)];
  if (log.duration) durations_.push_back(*log.duration);
  if (log.call_cost) {
    cost_ += *log.call_cost;
    ++costed_;
  }
  if (log.created_at) {
    if (!first_ || *log.created_at < *first_) first_ = log.created_at;
    if (!last_ || *log.created_at > *last_) last_ = log.created_at;
  }
  auto metric_named = [&](const std::string& id) -> metric& {
    auto [it, fresh] = metrics_.try_emplace(id);
    if (fresh) metric_order_.push_back(id);
    return it->second;
  };
  for (const auto& config : log.agent_disposition_config) {
    metric& m = metric_named(config.identifier);
    if (m.type.empty()) m.type = config.type.raw;
  }
  if (log.post_call_analytics)
    for (const auto& dm : log.post_call_analytics->disposition_metrics)
      if (dm.type && !dm.type->raw.empty()) {
        metric& m = metric_named(dm.identifier);
        if (m.type.empty()) m.type = dm.type->raw;
      }
  for (const auto& [id, value] : metrics_of(log)) {
    if (value->is_null()) continue;
    metric& m = metric_named(std::string(id));
    ++m.with_value;
    std::string v = value->to_string();
    if (auto it = m.values.find(v); it != m.values.end())
      ++it->second;
    else if (m.values.size() < max_distinct_)
      m.values.emplace(std::move(v), 1);
    else
      ++m.other;
  }
}

call_stats::duration_summary call_stats::durations() const {
  duration_summary d;
  d.count = durations_.size();
  if (d.count == 0) return d;
  std::vector<double> sorted = durations_;
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (double v : sorted) sum += v;
  d.mean = sum / static_cast<double>(d.count);
  d.median = d.count % 2 ? sorted[d.count / 2] : (sorted[d.count / 2 - 1] + sorted[d.count / 2]) / 2;
  // Nearest rank: the smallest value with at least 95% of the values at or below it.
  auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(d.count)));
  d.p95 = sorted[std::max<std::size_t>(rank, 1) - 1];
  return d;
}

const call_stats::metric* call_stats::find_metric(const std::string& identifier) const {
  auto it = metrics_.find(identifier);
  return it == metrics_.end() ? nullptr : &it->second;
}

void call_stats::print(std::ostream& out, format f) const {
  const duration_summary d = durations();
  if (f == format::jsonl) {
    boost::json::object o;
    o["count"] = count_;
    if (first_) o["createdFrom"] = atoms::format_iso8601(*first_);
    if (last_) o["createdTo"] = atoms::format_iso8601(*last_);
    o["status"] = counts(by_status_);
    o["type"] = counts(by_type_);
    boost::json::object dur{{"count", d.count}};
    if (d.count) {
      dur["mean"] = d.mean;
      dur["median"] = d.median;
      dur["p95"] = d.p95;
    }
    o["duration"] = std::move(dur);
    // Rounded to a millionth: a sum of thousands of decimal prices carries binary noise.
    auto millionths = [](double v) { return std::round(v * 1e6) / 1e6; };
    boost::json::object cost{{"count", costed_}, {"total", millionths(cost_)}};
    if (costed_) cost["mean"] = millionths(cost_ / static_cast<double>(costed_));
    o["cost"] = std::move(cost);
    boost::json::object metrics;
    for (const auto& id : metric_order_) {
      const metric& m = metrics_.at(id);
      boost::json::object jm{{"type", m.type}, {"count", m.with_value}, {"values", counts(m.values)}};
      if (m.other) jm["otherValues"] = m.other;
      metrics[id] = std::move(jm);
    }
    o["metrics"] = std::move(metrics);
    out << to_json(o) << '\n';
    return;
  }
  if (f == format::csv) {
    out << "section,key,value,count,share\r\n";
    auto row = [&](std::string_view section, std::string_view key, std::string_view value, std::size_t n,
                   std::string_view part) {
      out << csv_field(section) << ',' << csv_field(key) << ',' << csv_field(value) << ',' << n << ','
          << csv_field(part) << "\r\n";
    };
    auto fraction = [](std::size_t part, std::size_t whole) {
      return whole ? number(static_cast<double>(part) / static_cast<double>(whole)) : std::string();
    };
    row("calls", "count", "", count_, "");
    for (const auto& [name, n] : ranked(by_status_)) row("status", name, "", n, fraction(n, count_));
    for (const auto& [name, n] : ranked(by_type_)) row("type", name, "", n, fraction(n, count_));
    if (d.count) {
      row("duration", "mean", number(d.mean), d.count, "");
      row("duration", "median", number(d.median), d.count, "");
      row("duration", "p95", number(d.p95), d.count, "");
    }
    row("cost", "total", number(std::round(cost_ * 1e6) / 1e6), costed_, "");
    for (const auto& id : metric_order_) {
      const metric& m = metrics_.at(id);
      for (const auto& [value, n] : ranked(m.values)) row("metric", id, value, n, fraction(n, m.with_value));
      if (m.other) row("metric", id, "(other)", m.other, fraction(m.other, m.with_value));
    }
    return;
  }

  out << "Calls      " << count_;
  if (first_ && last_) out << "  (created " << minute(*first_) << " to " << minute(*last_) << " UTC)";
  out << "\nStatus     " << breakdown(by_status_, count_) << "\nType       " << breakdown(by_type_, count_)
      << "\nDuration   ";
  if (d.count)
    out << "mean " << seconds(d.mean) << ", median " << seconds(d.median) << ", p95 " << seconds(d.p95)
        << " (" << d.count << " calls with a duration)";
  else
    out << '-';
  out << "\nCost       ";
  if (costed_)
    out << number(std::round(cost_ * 100) / 100) << " in total, "
        << number(std::round(cost_ / static_cast<double>(costed_) * 100) / 100) << " a call (" << costed_
        << " calls with a cost)";
  else
    out << '-';
  out << '\n';
  if (metric_order_.empty()) return;
  out << "\nDisposition metrics\n";
  for (const auto& id : metric_order_) {
    const metric& m = metrics_.at(id);
    out << "  " << id << (m.type.empty() ? "" : "  " + m.type) << "  (" << m.with_value
        << " calls with a value)\n";
    auto values = ranked(m.values);
    const std::size_t shown = std::min<std::size_t>(values.size(), 8);
    std::size_t width = 0;
    for (std::size_t i = 0; i < shown; ++i) width = std::max(width, fit(values[i].first, 32).size());
    width = std::min<std::size_t>(width, 32);
    std::size_t rest = m.other;
    for (std::size_t i = shown; i < values.size(); ++i) rest += values[i].second;
    for (std::size_t i = 0; i < shown; ++i) {
      const auto& [value, n] = values[i];
      std::string cell = pad(value, width);
      std::string count = std::to_string(n);
      std::string bar(
          static_cast<std::size_t>(std::lround(20.0 * static_cast<double>(n) /
                                               static_cast<double>(std::max<std::size_t>(m.with_value, 1)))),
          '#');
      out << "    " << cell << "  " << pad(count, 6, true) << "  " << pad(share(n, m.with_value), 6, true)
          << "  " << bar << '\n';
    }
    if (rest) out << "    (other values: " << rest << " calls)\n";
  }
}

}  // namespace atoms_calls
