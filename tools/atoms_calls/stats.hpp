// atoms-calls stats: what a walk over call logs adds up to.
#pragma once

#include "cli.hpp"

#include <smallest/atoms/models/call_log.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace atoms_calls {

/// Counts by status and type, duration mean/median/p95, cost, and for each disposition
/// metric the distribution of its values. Memory: the durations (8 bytes a call, for exact
/// percentiles) and at most `max_distinct` distinct values per metric; values beyond that
/// are counted as "other".
class call_stats {
 public:
  explicit call_stats(std::size_t max_distinct = 1000) : max_distinct_(max_distinct) {}

  void add(const smallest::atoms::call_log& log);
  std::size_t count() const noexcept { return count_; }
  void print(std::ostream& out, format f) const;

  struct metric {
    std::string type;  // as configured or sent ("ENUM"), or "" when neither said
    std::size_t with_value = 0;
    std::map<std::string, std::size_t> values;
    std::size_t other = 0;  // values not kept once max_distinct were
  };
  struct duration_summary {
    std::size_t count = 0;
    double mean = 0, median = 0, p95 = 0;
  };
  duration_summary durations() const;
  const std::map<std::string, std::size_t>& by_status() const noexcept { return by_status_; }
  const std::map<std::string, std::size_t>& by_type() const noexcept { return by_type_; }
  const metric* find_metric(const std::string& identifier) const;

 private:
  std::size_t max_distinct_;
  std::size_t count_ = 0;
  std::map<std::string, std::size_t> by_status_, by_type_;
  std::vector<double> durations_;
  double cost_ = 0;
  std::size_t costed_ = 0;
  std::optional<smallest::atoms::timestamp> first_, last_;
  std::vector<std::string> metric_order_;  // identifiers in order of first appearance
  std::map<std::string, metric> metrics_;
};

}  // namespace atoms_calls
