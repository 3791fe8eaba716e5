#include "output.hpp"

#include <smallest/atoms/detail/json_text.hpp>
#include <smallest/atoms/detail/multipart.hpp>

#include <boost/json/value_from.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iomanip>

namespace atoms_calls {

namespace atoms = smallest::atoms;

namespace {

template <class Enum>
std::string text_of(const atoms::open_enum<Enum>& e) {
  if (e.value == Enum::unknown) return e.raw;
  return std::string(atoms::to_string(e.value));
}

std::string text_of(const std::optional<std::string>& s) { return s.value_or(std::string()); }
std::string text_of(const std::optional<double>& v) { return v ? number(*v) : std::string(); }
std::string text_of(const std::optional<atoms::timestamp>& t) {
  return t ? atoms::format_iso8601(*t) : std::string();
}

// "2026-01-19 17:09" for tables: UTC, to the minute.
std::string minute_of(const std::optional<atoms::timestamp>& t) {
  if (!t) return "-";
  std::string s = atoms::format_iso8601(*t);
  if (s.size() >= 16) {
    s[10] = ' ';
    s.resize(16);
  }
  return s;
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string duration_of(const std::optional<double>& seconds) {
  if (!seconds) return "-";
  auto total = static_cast<long long>(std::llround(*seconds));
  if (total < 60) return std::to_string(total) + "s";
  std::string sec = std::to_string(total % 60);
  return std::to_string(total / 60) + "m" + (sec.size() < 2 ? "0" : "") + sec + "s";
}

// The fixed columns, in order, for a log and for details (the same columns, details adding
// the transcript).
std::vector<std::string_view> fixed_columns(bool details) {
  std::vector<std::string_view> c = {
      "callId",  "createdAt", "updatedAt",           "status",     "type",   "duration", "from", "to",
      "agentId", "callCost",  "disconnectionReason", "avgLatency", "summary"};
  if (details) c.push_back("transcript");
  return c;
}

std::string avg_latency(const std::optional<atoms::latency_metrics>& m) {
  return m && m->avg_latency ? number(*m->avg_latency) : std::string();
}

std::string summary_of(const std::optional<atoms::call_analytics>& a) {
  return a && a->summary ? *a->summary : std::string();
}

std::string role_of(const atoms::transcript_turn& t) { return text_of(t.role); }

std::string transcript_text(const std::vector<atoms::transcript_turn>& turns) {
  std::string s;
  for (const auto& t : turns) {
    if (!s.empty()) s += '\n';
    s += role_of(t) + ": " + t.content;
  }
  return s;
}

struct row {
  std::vector<std::string> cells;
  std::vector<std::pair<std::string, std::string>> metrics;  // identifier, value
  std::vector<std::string> configured;                       // identifiers the agent configures
};

template <class Call>
void add_metrics(row& r, const Call& c) {
  for (const auto& [id, value] : metrics_of(c)) r.metrics.emplace_back(std::string(id), value->to_string());
}

row row_of(const atoms::call_log& l, bool details) {
  row r;
  r.cells = {l.call_id,
             text_of(l.created_at),
             text_of(l.updated_at),
             text_of(l.status),
             text_of(l.type),
             text_of(l.duration),
             text_of(l.from),
             text_of(l.to),
             text_of(l.agent_id),
             text_of(l.call_cost),
             l.disconnection_reason.raw,
             avg_latency(l.turn_latency_metrics),
             summary_of(l.post_call_analytics)};
  if (details) r.cells.emplace_back();
  add_metrics(r, l);
  for (const auto& m : l.agent_disposition_config) r.configured.push_back(m.identifier);
  return r;
}

row row_of(const atoms::call_details& d, bool details) {
  row r;
  r.cells = {d.call_id,
             text_of(d.created_at),
             text_of(d.updated_at),
             text_of(d.status),
             text_of(d.type),
             text_of(d.duration),
             text_of(d.from),
             text_of(d.to),
             d.agent ? d.agent->id : std::string(),
             text_of(d.call_cost),
             d.disconnection_reason.raw,
             avg_latency(d.turn_latency_metrics),
             summary_of(d.post_call_analytics)};
  if (details) r.cells.push_back(transcript_text(d.transcript));
  add_metrics(r, d);
  return r;
}

class jsonl_writer final : public call_writer {
 public:
  explicit jsonl_writer(std::ostream& out) : out_(out) {}
  void write(const atoms::call_log& log) override { line(boost::json::value_from(log)); }
  void write(const atoms::call_details& d) override { line(boost::json::value_from(d)); }
  void finish() override { out_.flush(); }

 private:
  void line(const boost::json::value& v) { out_ << to_json(v) << '\n'; }
  std::ostream& out_;
};

class csv_writer final : public call_writer {
 public:
  csv_writer(std::ostream& out, bool details, std::size_t lookahead)
      : out_(out), details_(details), lookahead_(lookahead) {}
  void write(const atoms::call_log& log) override { take(row_of(log, details_)); }
  void write(const atoms::call_details& d) override { take(row_of(d, details_)); }
  void finish() override {
    if (!started_) start();
    out_.flush();
  }

 private:
  void take(row r) {
    if (started_) return emit(r);
    held_.push_back(std::move(r));
    if (held_.size() >= lookahead_) start();
  }

  void start() {
    started_ = true;
    auto add_column = [&](const std::string& id) {
      if (std::find(metric_columns_.begin(), metric_columns_.end(), id) == metric_columns_.end())
        metric_columns_.push_back(id);
    };
    for (const auto& r : held_) {
      for (const auto& id : r.configured) add_column(id);
      for (const auto& m : r.metrics) add_column(m.first);
    }
    line_builder add;
    for (auto name : fixed_columns(details_)) add(name);
    for (const auto& id : metric_columns_) add(id);
    add("otherMetrics");
    out_ << add.text << "\r\n";
    for (const auto& r : held_) emit(r);
    held_.clear();
    held_.shrink_to_fit();
  }

  void emit(const row& r) {
    line_builder add;
    for (const auto& cell : r.cells) add(cell);
    boost::json::object other;
    std::vector<const std::string*> values(metric_columns_.size(), nullptr);
    for (const auto& [id, value] : r.metrics) {
      auto at = std::find(metric_columns_.begin(), metric_columns_.end(), id);
      if (at != metric_columns_.end())
        values[static_cast<std::size_t>(at - metric_columns_.begin())] = &value;
      else
        other[id] = value;
    }
    for (const auto* v : values) add(v ? std::string_view(*v) : std::string_view());
    add(other.empty() ? std::string() : to_json(other));
    out_ << add.text << "\r\n";
  }

  // Joins fields with commas (an empty first field still takes its place).
  struct line_builder {
    std::string text;
    bool any = false;
    void operator()(std::string_view field) {
      if (any) text += ',';
      any = true;
      text += csv_field(field);
    }
  };

  std::ostream& out_;
  bool details_;
  std::size_t lookahead_;
  bool started_ = false;
  std::vector<row> held_;
  std::vector<std::string> metric_columns_;
};

class table_writer final : public call_writer {
 public:
  explicit table_writer(std::ostream& out) : out_(out) {}
  void write(const atoms::call_log& l) override {
    line(l.call_id, l.created_at, text_of(l.status), text_of(l.type), l.duration, l.from, l.to, l.call_cost);
  }
  void write(const atoms::call_details& d) override {
    if (written_++) out_ << '\n';
    print_call(out_, d);
  }
  void finish() override { out_.flush(); }

 private:
  void line(std::string_view id, const std::optional<atoms::timestamp>& created, std::string status,
            std::string type, const std::optional<double>& duration, const std::optional<std::string>& from,
            const std::optional<std::string>& to, const std::optional<double>& cost) {
    if (!header_) {
      header_ = true;
      out_ << pad("CALL ID", 26) << "  " << pad("CREATED (UTC)", 16) << "  " << pad("STATUS", 11) << "  "
           << pad("TYPE", 8) << "  " << pad("DURATION", 8, true) << "  " << pad("FROM", 16) << "  "
           << pad("TO", 16) << "  " << pad("COST", 7, true) << '\n';
    }
    if (type.rfind("telephony_", 0) == 0) type.erase(0, 10);
    out_ << pad(id, 26) << "  " << pad(minute_of(created), 16) << "  " << pad(status, 11) << "  "
         << pad(type, 8) << "  " << pad(duration_of(duration), 8, true) << "  " << pad(from.value_or("-"), 16)
         << "  " << pad(to.value_or("-"), 16) << "  " << pad(cost ? number(*cost) : "-", 7, true) << '\n';
  }

  std::ostream& out_;
  bool header_ = false;
  std::size_t written_ = 0;
};

}  // namespace

std::unique_ptr<call_writer> make_call_writer(format f, std::ostream& out, bool details,
                                              std::size_t lookahead) {
  switch (f) {
    case format::jsonl: return std::make_unique<jsonl_writer>(out);
    case format::csv: return std::make_unique<csv_writer>(out, details, std::max<std::size_t>(lookahead, 1));
    case format::table: break;
  }
  return std::make_unique<table_writer>(out);
}

// Plain numbers ("261", "0.91"), not Boost.JSON 1.81's "2.61E2"; NaN and infinities as null.
std::string to_json(const boost::json::value& v) {
  return smallest::atoms::detail::to_json_text(v, smallest::atoms::detail::json_doubles::bare);
}

std::string csv_field(std::string_view text) {
  std::string out;
  smallest::atoms::detail::append_csv_field(out, text);
  return out;
}

std::string number(double v) {
  char buf[64];
  const double magnitude = std::fabs(v);
  const auto fmt = (magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e15)) ? std::chars_format::fixed
                                                                               : std::chars_format::general;
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, fmt);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

std::string pad(std::string_view s, std::size_t width, bool right) {
  std::string cell = fit(s, width);
  std::string fill(width - std::min(width, code_points(cell)), ' ');
  return right ? fill + cell : cell + fill;
}

std::string fit(std::string_view text, std::size_t width) {
  if (code_points(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::size_t kept = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (kept == width - 1) break;
      ++kept;
    }
  }
  return std::string(text.substr(0, i)) + "\xE2\x80\xA6";  // …
}

std::vector<std::pair<std::string_view, const atoms::metric_value*>> metrics_of(const atoms::call_log& log) {
  std::vector<std::pair<std::string_view, const atoms::metric_value*>> all;
  if (log.post_call_analytics && !log.post_call_analytics->disposition_metrics.empty()) {
    for (const auto& m : log.post_call_analytics->disposition_metrics)
      all.emplace_back(m.identifier, &m.value);
    return all;
  }
  for (const auto& [id, value] : log.disposition_metrics) all.emplace_back(id, &value);
  return all;
}

std::vector<std::pair<std::string_view, const atoms::metric_value*>> metrics_of(
    const atoms::call_details& d) {
  std::vector<std::pair<std::string_view, const atoms::metric_value*>> all;
  if (d.post_call_analytics)
    for (const auto& m : d.post_call_analytics->disposition_metrics) all.emplace_back(m.identifier, &m.value);
  return all;
}

void print_call(std::ostream& out, const atoms::call_details& d) {
  auto or_dash = [](const std::optional<std::string>& s) { return s && !s->empty() ? *s : std::string("-"); };
  out << d.call_id << "  " << text_of(d.status) << " \xC2\xB7 " << text_of(d.type) << " \xC2\xB7 "
      << minute_of(d.created_at) << " UTC\n";
  out << "  duration   " << duration_of(d.duration) << '\n';
  out << "  from, to   " << or_dash(d.from) << " \xE2\x86\x92 " << or_dash(d.to) << '\n';
  if (d.agent)
    out << "  agent      " << (d.agent->name ? *d.agent->name + " (" + d.agent->id + ")" : d.agent->id)
        << '\n';
  out << "  cost       " << (d.call_cost ? number(*d.call_cost) : std::string("-")) << '\n';
  out << "  ended by   " << (d.disconnection_reason.raw.empty() ? "-" : d.disconnection_reason.raw) << '\n';
  if (d.call_failure_reason && !d.call_failure_reason->empty())
    out << "  failure    " << *d.call_failure_reason << '\n';
  out << "  recording  "
      << (d.recording_url && !d.recording_url->empty() ? *d.recording_url : "not available") << '\n';
  if (const auto& m = d.turn_latency_metrics; m && m->avg_latency) {
    out << "  latency    " << number(std::round(*m->avg_latency)) << " ms average";
    if (m->median_latency) out << ", " << number(std::round(*m->median_latency)) << " ms median";
    if (m->min_latency && m->max_latency)
      out << ", " << number(std::round(*m->min_latency)) << "\xE2\x80\x93"
          << number(std::round(*m->max_latency)) << " ms";
    out << " (" << m->latencies.size() << " turns)\n";
  }

  out << "\nTranscript (" << d.transcript.size() << " turns)\n";
  std::optional<atoms::timestamp> first;
  for (const auto& t : d.transcript) {
    out << "  ";
    if (t.timestamp) {
      if (!first) first = t.timestamp;
      auto s = std::chrono::duration_cast<std::chrono::seconds>(*t.timestamp - *first).count();
      out << '[' << std::setw(2) << std::setfill('0') << s / 60 << ':' << std::setw(2) << s % 60
          << std::setfill(' ') << "] ";
    }
    std::string role = role_of(t);
    for (auto& c : role) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out << pad(role, 5) << "  " << t.content << '\n';
  }

  if (!d.post_call_analytics) {
    out << "\nNo post-call analytics yet (they are extracted after the call ends).\n";
    return;
  }
  const auto& a = *d.post_call_analytics;
  out << "\nSummary\n  " << (a.summary ? *a.summary : "-") << '\n';
  out << "\nDisposition metrics (" << a.disposition_metrics.size() << ")\n";
  std::size_t width = 0;
  for (const auto& m : a.disposition_metrics) width = std::max(width, code_points(m.identifier));
  for (const auto& m : a.disposition_metrics) {
    out << "  " << pad(m.identifier, width) << "  " << (m.value.is_null() ? "(none)" : m.value.to_string());
    std::string notes;
    if (m.type) notes = text_of(*m.type);
    if (m.confidence)
      notes += (notes.empty() ? "" : ", ") + std::string("confidence ") +
               number(std::round(*m.confidence * 100) / 100);
    if (!notes.empty()) out << "  (" << notes << ')';
    out << '\n';
    if (m.reasoning && !m.reasoning->empty())
      out << "  " << std::string(width, ' ') << "  " << *m.reasoning << '\n';
  }
}

void print_config(std::ostream& out, format f, const atoms::post_call_config& c) {
  if (f == format::jsonl) {
    out << to_json(boost::json::value_from(c)) << '\n';
    return;
  }
  if (f == format::csv) {
    out << "identifier,dispositionMetricType,choices,dispositionMetricPrompt\r\n";
    for (const auto& m : c.disposition_metrics) {
      std::string choices;
      for (const auto& ch : m.choices) choices += (choices.empty() ? "" : "|") + ch;
      out << csv_field(m.identifier) << ',' << csv_field(text_of(m.type)) << ',' << csv_field(choices) << ','
          << csv_field(m.prompt) << "\r\n";
    }
    return;
  }
  out << "Summary prompt\n  " << c.summary_prompt.value_or("(none: the service's default)") << '\n';
  out << "\nDisposition metrics (" << c.disposition_metrics.size() << ")\n";
  for (const auto& m : c.disposition_metrics) {
    out << "  " << m.identifier << "  " << text_of(m.type);
    if (!m.choices.empty()) {
      out << " (";
      for (std::size_t i = 0; i < m.choices.size(); ++i) out << (i ? " | " : "") << m.choices[i];
      out << ')';
    }
    out << "\n      " << m.prompt << '\n';
  }
}

}  // namespace atoms_calls
