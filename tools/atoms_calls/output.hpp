// atoms-calls: calls, configurations and values written as table, JSON lines or CSV.
#pragma once

#include "cli.hpp"

#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/models/post_call_config.hpp>

#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atoms_calls {

/// Writes calls one by one, in constant memory (the CSV writer holds its first rows back to
/// choose its metric columns, see below).
class call_writer {
 public:
  virtual ~call_writer() = default;
  virtual void write(const smallest::atoms::call_log& log) = 0;
  virtual void write(const smallest::atoms::call_details& details) = 0;
  /// Writes what is held back; call it once, after the last call.
  virtual void finish() = 0;
};

/// - table: one aligned line per call (get prints blocks instead: print_call);
/// - jsonl: one JSON object per line, with the service's field names and every member it sent;
/// - csv: RFC 4180 (CRLF line ends, fields quoted when needed), a header row, one column per
///   disposition metric: the metrics of the first `lookahead` calls choose the columns, and
///   a metric first seen later goes into the last column, otherMetrics, as a JSON object.
std::unique_ptr<call_writer> make_call_writer(format f, std::ostream& out, bool details,
                                              std::size_t lookahead = 200);

/// One call in full, for people.
void print_call(std::ostream& out, const smallest::atoms::call_details& d);

void print_config(std::ostream& out, format f, const smallest::atoms::post_call_config& c);

/// Compact JSON text, as boost::json::serialize writes it except for numbers: a double is
/// written in its shortest round-trip form without an exponent where one is not needed
/// ("261", "0.91", not "2.61E2", "9.1E-1"), so other tools read back the service's values.
std::string to_json(const boost::json::value& v);

/// One CSV field, quoted when it holds a comma, a quote, CR or LF (quotes doubled).
std::string csv_field(std::string_view text);

/// A number as people and CSV readers want it: no exponent for ordinary values, no trailing
/// zeros ("12.5", "120").
std::string number(double v);

/// The metrics a call carries, in the order the service sent them: from postCallAnalytics
/// when present, else from the log's dispositionMetrics.
std::vector<std::pair<std::string_view, const smallest::atoms::metric_value*>> metrics_of(
    const smallest::atoms::call_log& log);
std::vector<std::pair<std::string_view, const smallest::atoms::metric_value*>> metrics_of(
    const smallest::atoms::call_details& d);

/// Text cut to `width` code points, with "…" when cut.
std::string fit(std::string_view text, std::size_t width);

/// fit(), then padded with spaces to `width` code points, on the left when `right`.
std::string pad(std::string_view text, std::size_t width, bool right = false);

}  // namespace atoms_calls
