// atoms-calls, the command-line tool, run in-process (atoms_calls::run, what main() calls)
// against the emulator over TLS: every command and format, with its output checked.
#include "support.hpp"

#ifdef ATOMS_CALLS_BINARY
#include "process.hpp"
#endif

#include <output.hpp>
#include <tool.hpp>

#include <smallest/atoms/models/time.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace atoms = smallest::atoms;
namespace fs = std::filesystem;
using smallest::atoms::testing::emulator;
using smallest::atoms::testing::emulator_options;
using smallest::atoms::testing::recorded_request;
using smallest::atoms::testing::reply;

using atoms_test::page_call;  // the product page's example call

// A directory of the test's own, removed with everything in it.
struct scratch_dir {
  fs::path path;
  scratch_dir() {
    path = fs::temp_directory_path() /
           ("atoms-calls-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~scratch_dir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct tool_outcome {
  int status = -1;
  std::string out, err;
};

// The emulator, its CA in a file, and the tool pointed at both.
struct bench {
  emulator emu;
  scratch_dir dir;
  std::string ca;
  std::string proxy, no_proxy;  // the environment's https_proxy and no_proxy

  explicit bench(emulator_options o = {}) : emu(std::move(o)) {
    ca = (dir.path / "ca.pem").string();
    std::ofstream(ca) << emu.ca_pem();
  }

  tool_outcome run(std::vector<std::string> args, std::optional<std::string> key = std::nullopt) const {
    args.insert(args.begin(), {"--ca-file", ca});
    atoms_calls::environment env{.api_key = key ? *key : emu.api_key(),
                                 .base_url = emu.base_url(),
                                 .proxy = proxy,
                                 .no_proxy = no_proxy};
    std::ostringstream out, err;
    tool_outcome o;
    o.status = atoms_calls::run(args, env, {out, err});
    o.out = out.str();
    o.err = err.str();
    return o;
  }

  std::vector<boost::json::object> calls() const {
    std::vector<boost::json::object> all;
    for (const auto& id : emu.call_ids()) all.push_back(*emu.call(id));
    return all;
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<boost::json::object> jsonl(const std::string& text) {
  std::vector<boost::json::object> objects;
  for (const auto& line : lines_of(text)) objects.push_back(boost::json::parse(line).as_object());
  return objects;
}

// RFC 4180, read strictly: records end in CRLF; a quoted field may hold commas, CRLF, LF and
// doubled quotes. A breach FAILs at once (one assertion per file, not one per byte).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  std::size_t i = 0;
  bool at_field_start = true;
  while (i < text.size()) {
    char c = text[i];
    if (at_field_start && c == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) FAIL("unterminated quoted field");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\r') FAIL("text after a closing quote");
      at_field_start = false;
      continue;
    }
    if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      at_field_start = true;
      ++i;
      continue;
    }
    if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') FAIL("CR without LF outside quotes");
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      at_field_start = true;
      i += 2;
      continue;
    }
    if (c == '\n') FAIL("a bare LF ends a record: records must end in CRLF");
    if (c == '"') FAIL("a quote inside an unquoted field");
    field += c;
    at_field_start = false;
    ++i;
  }
  if (!row.empty() || !field.empty()) FAIL("the last record does not end in CRLF");
  return rows;
}

std::size_t column(const std::vector<std::string>& header, std::string_view name) {
  auto it = std::find(header.begin(), header.end(), name);
  REQUIRE_MESSAGE(it != header.end(), "no column " << name);
  return static_cast<std::size_t>(it - header.begin());
}

std::optional<atoms::timestamp> created_of(const boost::json::object& call) {
  if (auto* c = call.if_contains("createdAt"); c && c->is_string())
    return atoms::parse_iso8601(c->as_string());
  return std::nullopt;
}

#ifdef ATOMS_CALLS_BINARY
// The environment of an atoms-calls process pointed at `b`'s emulator: its URL, and `key`
// as SMALLEST_API_KEY when there is one.
std::vector<std::string> environment_for(const bench& b, std::optional<std::string> key) {
  std::vector<std::string> env{"SMALLEST_BASE_URL=" + b.emu.base_url()};
  if (key) env.push_back("SMALLEST_API_KEY=" + *key);
  return env;
}

// The atoms-calls program with `args`, trusting `b`'s CA through --ca-file.
atoms_test::child_process calls_process(const bench& b, std::vector<std::string> args,
                                        const std::vector<std::string>& env) {
  args.insert(args.begin(), {"--ca-file", b.ca});
  return atoms_test::child_process(ATOMS_CALLS_BINARY, args, env);
}

// Sets an environment variable of this process for a scope, restoring what was there.
class scoped_variable {
 public:
  scoped_variable(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  scoped_variable(const scoped_variable&) = delete;
  scoped_variable& operator=(const scoped_variable&) = delete;
  ~scoped_variable() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};
#endif

}  // namespace

TEST_SUITE("atoms-calls") {
  TEST_CASE("usage errors exit 2 with one line that says what is wrong; --help exits 0") {
    bench b;
    struct bad_line {
      std::vector<std::string> args;
      std::string says;
    };
    const std::vector<bad_line> cases = {
        {{}, "no command"},
        {{"fetch"}, "unknown command 'fetch'"},
        {{"list", "--bogus"}, "unknown option '--bogus'"},
        {{"list", "--limit", "0"}, "--limit: '0' is not a number from 1 to 500"},
        {{"list", "--limit", "12x"}, "--limit: '12x'"},
        {{"list", "--limit"}, "--limit needs a value"},
        {{"list", "--status", "done"}, "--status: 'done' is not a call status"},
        {{"list", "--since", "yesterday"}, "--since: 'yesterday' is not an ISO 8601"},
        {{"list", "--since", "2026-02-01", "--until", "2026-01-01"}, "--until is before --since"},
        {{"get"}, "missing CALL_ID"},
        {{"export"}, "export needs --out"},
        {{"export", "--out", "calls.txt"}, "must end in .jsonl or .csv"},
        {{"export", "--out", "calls.csv", "--format", "jsonl"}, "--format says one format"},
        {{"list", "--out", "x.csv"}, "--out does not apply to this command"},
        {{"get", "--all", "X"}, "--all does not apply"},
        {{"config"}, "config: say get or set"},
        {{"config", "set", "agent"}, "config set takes AGENT_ID and FILE.json"},
        {{"stats", "extra"}, "unexpected argument 'extra'"},
        {{"list", "--concurrency", "0"}, "--concurrency"},
        {{"list", "--timeout", "-1"}, "--timeout"},
        {{"list", "--base-url", "ftp://example.com"}, "--base-url"},
        {{"export", "--out", "a.csv", "--out", "b.csv"}, "--out given twice"},
        {{"list", "--since", "2026-01-01", "--since=2026-01-02"}, "--since given twice"},
        {{"list", "--timeout", "0.0001"}, "--timeout: '0.0001' is not a number of seconds from 0.001"},
    };
    for (const auto& c : cases) {
      std::string joined;
      for (const auto& a : c.args) joined += a + ' ';
      CAPTURE(joined);
      tool_outcome o = b.run(c.args);
      CHECK(o.status == 2);
      CHECK(o.out.empty());
      CHECK(o.err.find(c.says) != std::string::npos);
      CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);
      CHECK(o.err.rfind("atoms-calls: ", 0) == 0);
    }
    // No key anywhere: a usage error naming the variable.
    std::ostringstream out, err;
    const std::vector<std::string> list_args = {"list"};
    CHECK(atoms_calls::run(list_args, {.base_url = b.emu.base_url()}, {out, err}) == 2);
    CHECK(err.str().find("SMALLEST_API_KEY") != std::string::npos);

    // Options the client refuses are named as the tool's, not the library's.
    {
      std::ostringstream out, err;
      const std::vector<std::string> args = {"--ca-file", "/nonexistent/ca.pem", "list"};
      CHECK(atoms_calls::run(args, {.api_key = "k", .base_url = b.emu.base_url()}, {out, err}) == 2);
      CHECK(err.str().rfind("atoms-calls: --ca-file", 0) == 0);
    }

    tool_outcome help = b.run({"--help"});
    CHECK(help.status == 0);
    CHECK(help.out.find("usage: atoms-calls") != std::string::npos);
    CHECK(help.err.empty());
    CHECK(b.emu.requests_served() == 0);  // nothing above sent a request
  }

  TEST_CASE("a wrong key exits 1 with one line that says to check it, and never shows it") {
    bench b;
    const std::string wrong = "sk-wrong-0123456789abcdef";
    const auto ids = b.emu.call_ids();
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"list"},
                                               {"get", page_call},
                                               {"get", ids[1], ids[2], ids[3]},
                                               {"stats"},
                                               {"export", "--out", (b.dir.path / "x.jsonl").string()},
                                               {"config", "get", b.emu.agent_ids().front()}}) {
      tool_outcome o = b.run(args, wrong);
      CAPTURE(o.err);
      CHECK(o.status == 1);
      CHECK(o.err.find("401") != std::string::npos);
      CHECK(o.err.find("check SMALLEST_API_KEY or --api-key") != std::string::npos);
      CHECK(o.err.find("0123456789abcdef") == std::string::npos);
      CHECK(o.out.find("0123456789abcdef") == std::string::npos);
      CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);
    }
    // Given as --api-key instead of the environment: the same.
    tool_outcome o = b.run({"--api-key", wrong, "list"}, std::string("ignored-because-the-flag-wins"));
    CHECK(o.status == 1);
    CHECK(o.err.find("0123456789abcdef") == std::string::npos);
  }

  TEST_CASE("https_proxy from the environment carries the calls; no_proxy exempts the host") {
    bench b;
    b.proxy = "http://127.0.0.1:1";  // nothing listens there
    tool_outcome o = b.run({"get", page_call});
    CAPTURE(o.err);
    CHECK(o.status == 1);
    CHECK(b.emu.requests().empty());  // the call went to the proxy, not to the service
    b.no_proxy = "localhost, 127.0.0.1";
    o = b.run({"get", page_call});
    CAPTURE(o.err);
    CHECK(o.status == 0);
    CHECK(b.emu.requests().size() == 1);
  }

  TEST_CASE("get: a call in full for people, as JSON lines with the service's names, and as CSV") {
    bench b;
    tool_outcome table = b.run({"get", page_call});
    CAPTURE(table.err);
    REQUIRE(table.status == 0);
    CHECK(table.out.rfind(page_call, 0) == 0);
    const boost::json::object call = *b.emu.call(page_call);
    const auto& analytics = call.at("postCallAnalytics").as_object();
    CHECK(table.out.find(std::string(analytics.at("summary").as_string())) != std::string::npos);
    for (const auto& m : analytics.at("dispositionMetrics").as_array()) {
      const auto& metric = m.as_object();
      CHECK(table.out.find(std::string(metric.at("identifier").as_string())) != std::string::npos);
      if (auto* r = metric.if_contains("reasoning"); r && r->is_string())
        CHECK(table.out.find(std::string(r->as_string())) != std::string::npos);
    }
    CHECK(table.out.find("confidence") != std::string::npos);
    for (const auto& turn : call.at("transcript").as_array())
      CHECK(table.out.find(std::string(turn.at("content").as_string())) != std::string::npos);
    CHECK(table.out.find("Transcript (" + std::to_string(call.at("transcript").as_array().size()) +
                         " turns)") != std::string::npos);

    const auto ids = b.emu.call_ids();
    tool_outcome lines = b.run({"--format", "jsonl", "get", ids[3], ids[1]});
    REQUIRE(lines.status == 0);
    auto objects = jsonl(lines.out);
    REQUIRE(objects.size() == 2);
    CHECK(objects[0].at("callId").as_string() == ids[3]);  // in the order asked
    CHECK(objects[1].at("callId").as_string() == ids[1]);
    CHECK(objects[0].contains("transcript"));

    tool_outcome csv = b.run({"--format", "csv", "get", ids[0], ids[2]});
    REQUIRE(csv.status == 0);
    auto rows = parse_csv(csv.out);
    REQUIRE(rows.size() == 3);
    CHECK(rows[1][column(rows[0], "callId")] == ids[0]);
    CHECK(!rows[1][column(rows[0], "transcript")].empty());

    // One id the service does not know: the others still print, the status says it.
    tool_outcome missing = b.run({"--format", "jsonl", "get", ids[0], "CALL-0-nope"});
    CHECK(missing.status == 1);
    CHECK(jsonl(missing.out).size() == 1);
    CHECK(missing.err.find("CALL-0-nope") != std::string::npos);
    CHECK(missing.err.find("404") != std::string::npos);
  }

  TEST_CASE("list: a page, every call, at most N, filtered by the service and on our side") {
    bench b(emulator_options{.calls = 180});
    tool_outcome first = b.run({"list"});
    REQUIRE(first.status == 0);
    auto lines = lines_of(first.out);
    REQUIRE(lines.size() == 21);  // header and the default 20
    CHECK(lines[0].rfind("CALL ID", 0) == 0);
    CHECK(lines[0].find("STATUS") != std::string::npos);

    tool_outcome all = b.run({"--format", "jsonl", "list", "--all"});
    REQUIRE(all.status == 0);
    auto objects = jsonl(all.out);
    CHECK(objects.size() == 180);
    std::set<std::string> distinct;
    for (const auto& o : objects) distinct.insert(std::string(o.at("callId").as_string()));
    CHECK(distinct.size() == 180);

    tool_outcome some = b.run({"--format", "jsonl", "list", "--max", "37", "--limit", "10"});
    REQUIRE(some.status == 0);
    CHECK(jsonl(some.out).size() == 37);

    tool_outcome completed = b.run({"--format", "jsonl", "list", "--all", "--status", "completed"});
    REQUIRE(completed.status == 0);
    std::size_t expected_completed = 0;
    for (const auto& c : b.calls()) expected_completed += c.at("status").as_string() == "completed";
    auto completed_objects = jsonl(completed.out);
    CHECK(completed_objects.size() == expected_completed);
    for (const auto& o : completed_objects) CHECK(o.at("status").as_string() == "completed");

    // --since/--until: createdAt bounds checked on our side; the service is never asked for
    // dateFrom/dateTo (full scans), unless --server-dates says so.
    std::vector<atoms::timestamp> created;
    for (const auto& c : b.calls())
      if (auto t = created_of(c)) created.push_back(*t);
    std::sort(created.begin(), created.end());
    REQUIRE(created.size() == 180);
    const atoms::timestamp since = created[40], until = created[150];
    std::size_t expected = 0;
    for (auto t : created) expected += t >= since && t <= until;
    const std::size_t before = b.emu.requests().size();
    tool_outcome bounded = b.run({"--format", "jsonl", "list", "--all", "--since",
                                  atoms::format_iso8601(since), "--until", atoms::format_iso8601(until)});
    REQUIRE(bounded.status == 0);
    auto kept = jsonl(bounded.out);
    CHECK(kept.size() == expected);
    for (const auto& o : kept) {
      auto t = created_of(o);
      REQUIRE(t);
      CHECK((*t >= since && *t <= until));
    }
    auto requests = b.emu.requests();
    for (std::size_t i = before; i < requests.size(); ++i)
      CHECK(requests[i].target.find("date") == std::string::npos);

    tool_outcome server = b.run({"--format", "jsonl", "list", "--all", "--server-dates", "--since",
                                 atoms::format_iso8601(since), "--until", atoms::format_iso8601(until)});
    REQUIRE(server.status == 0);
    CHECK(jsonl(server.out).size() == expected);
    CHECK(b.emu.requests().back().target.find("dateFrom=") != std::string::npos);

    // A date alone means the whole day, for --until too.
    const std::string day = atoms::format_iso8601(created[90]).substr(0, 10);
    std::size_t on_that_day = 0;
    for (auto t : created) on_that_day += atoms::format_iso8601(t).rfind(day, 0) == 0;
    tool_outcome one_day = b.run({"--format", "jsonl", "list", "--all", "--since", day, "--until", day});
    REQUIRE(one_day.status == 0);
    CHECK(jsonl(one_day.out).size() == on_that_day);
    CHECK(on_that_day > 0);

    // Output that cannot be written is a failure, not a success with nothing in it.
    std::ostream broken(nullptr);
    std::ostringstream err;
    const std::vector<std::string> args = {"--ca-file", b.ca, "list"};
    CHECK(atoms_calls::run(args, {.api_key = b.emu.api_key(), .base_url = b.emu.base_url()}, {broken, err}) ==
          1);
    CHECK(err.str().find("cannot write to standard output") != std::string::npos);
  }

  TEST_CASE("list --since without updatedAt in the logs walks to the end, keeping by createdAt") {
    // The document's list items have createdAt but not updatedAt, and the emulator's follow
    // it: nothing proves the rest of the walk older, so it goes to the end (with updatedAt,
    // range_options::stop would end it early: see the range tests).
    bench plain(emulator_options{.calls = 600});
    const std::size_t plain_before = plain.emu.requests().size();
    std::vector<atoms::timestamp> created;
    for (const auto& c : plain.calls()) created.push_back(*created_of(c));
    std::sort(created.rbegin(), created.rend());
    tool_outcome all =
        plain.run({"--format", "jsonl", "list", "--all", "--since", atoms::format_iso8601(created[49])});
    REQUIRE(all.status == 0);
    CHECK(jsonl(all.out).size() == 50);
    CHECK(plain.emu.requests().size() - plain_before == 2);  // pages of 500 under a filter of ours
  }

  TEST_CASE("search: any number of ids; the unknown ones named on stderr with status 1") {
    bench b(emulator_options{.calls = 250});
    auto ids = b.emu.call_ids();
    std::vector<std::string> args = {"--format", "jsonl", "search"};
    args.insert(args.end(), ids.begin(), ids.begin() + 230);  // three requests of up to 100
    tool_outcome o = b.run(args);
    CAPTURE(o.err);
    CHECK(o.status == 0);
    CHECK(jsonl(o.out).size() == 230);

    tool_outcome some = b.run({"search", ids[5], "CALL-1-unknown", ids[7]});
    CHECK(some.status == 1);
    CHECK(lines_of(some.out).size() == 3);  // header and two calls
    CHECK(some.err.find("1 of 3 calls not found: CALL-1-unknown") != std::string::npos);
  }

  TEST_CASE("CSV follows RFC 4180: commas, quotes, line breaks and non-ASCII text survive") {
    bench b;
    const std::string summary = "Interested, but \"not now\"\r\nCall back in März — 東京 office\nok";
    boost::json::object call = *b.emu.call(page_call);
    call["postCallAnalytics"].as_object()["summary"] = summary;
    b.emu.put_call(call);
    for (const auto& args : std::vector<std::vector<std::string>>{{"--format", "csv", "search", page_call},
                                                                  {"--format", "csv", "get", page_call}}) {
      tool_outcome o = b.run(args);
      REQUIRE(o.status == 0);
      auto rows = parse_csv(o.out);
      REQUIRE(rows.size() == 2);
      REQUIRE(rows[1].size() == rows[0].size());
      CHECK(rows[1][column(rows[0], "summary")] == summary);
      CHECK(rows[1][column(rows[0], "callId")] == page_call);
      // One column per metric, holding its value as the service sent it.
      for (const auto& m : call.at("postCallAnalytics").at("dispositionMetrics").as_array()) {
        const auto& metric = m.as_object();
        const auto& v = metric.at("value");
        std::string expected = v.is_string() ? std::string(v.as_string()) : atoms_calls::to_json(v);
        CHECK(rows[1][column(rows[0], std::string(metric.at("identifier").as_string()))] == expected);
      }
    }
    CHECK(atoms_calls::csv_field("plain") == "plain");
    CHECK(atoms_calls::csv_field("a,b") == "\"a,b\"");
    CHECK(atoms_calls::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(atoms_calls::csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(atoms_calls::csv_field("東京") == "東京");
  }

  TEST_CASE("stats: counts, breakdowns, duration percentiles, cost and metric distributions") {
    bench b(emulator_options{.calls = 300});
    tool_outcome o = b.run({"--format", "jsonl", "stats"});
    CAPTURE(o.err);
    REQUIRE(o.status == 0);
    auto s = boost::json::parse(o.out).as_object();
    CHECK(s.at("count").to_number<std::int64_t>() == 300);

    std::map<std::string, std::int64_t> statuses;
    std::vector<double> durations;
    double cost = 0;
    std::map<std::string, std::map<std::string, std::int64_t>> metrics;
    for (const auto& c : b.calls()) {
      ++statuses[std::string(c.at("status").as_string())];
      if (auto* d = c.if_contains("duration"); d && d->is_number())
        durations.push_back(d->to_number<double>());
      if (auto* k = c.if_contains("callCost"); k && k->is_number()) cost += k->to_number<double>();
      if (auto* a = c.if_contains("postCallAnalytics"); a && a->is_object())
        for (const auto& m : a->as_object().at("dispositionMetrics").as_array()) {
          const auto& v = m.at("value");
          if (v.is_null()) continue;
          ++metrics[std::string(m.at("identifier").as_string())]
                   [v.is_string() ? std::string(v.as_string()) : atoms_calls::to_json(v)];
        }
    }
    for (const auto& [status, n] : statuses) CHECK(s.at("status").at(status).to_number<std::int64_t>() == n);
    std::sort(durations.begin(), durations.end());
    const auto& d = s.at("duration").as_object();
    REQUIRE(!durations.empty());
    CHECK(d.at("count").to_number<std::size_t>() == durations.size());
    const std::size_t n = durations.size();
    const double median = n % 2 ? durations[n / 2] : (durations[n / 2 - 1] + durations[n / 2]) / 2;
    CHECK(d.at("median").to_number<double>() == doctest::Approx(median));
    CHECK(d.at("p95").to_number<double>() ==
          doctest::Approx(durations[static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(n))) - 1]));
    CHECK(s.at("cost").at("total").to_number<double>() == doctest::Approx(cost));
    REQUIRE(!metrics.empty());
    for (const auto& [id, values] : metrics) {
      const std::string metric = id;  // CAPTURE cannot take a structured binding on clang
      CAPTURE(metric);
      const auto& m = s.at("metrics").at(id).as_object();
      for (const auto& [value, count] : values)
        CHECK(m.at("values").at(value).to_number<std::int64_t>() == count);
    }

    tool_outcome table = b.run({"stats", "--status", "completed"});
    REQUIRE(table.status == 0);
    CHECK(table.out.rfind("Calls      " + std::to_string(statuses["completed"]), 0) == 0);
    CHECK(table.out.find("Disposition metrics") != std::string::npos);
    CHECK(table.out.find("median") != std::string::npos);

    tool_outcome csv = b.run({"--format", "csv", "stats"});
    REQUIRE(csv.status == 0);
    auto rows = parse_csv(csv.out);
    REQUIRE(rows.size() > 5);
    CHECK(rows[0] == std::vector<std::string>{"section", "key", "value", "count", "share"});
    CHECK(rows[1] == std::vector<std::string>{"calls", "count", "", "300", ""});
  }

  TEST_CASE("config get and set: shown in each format; a file is validated before anything is sent") {
    bench b;
    const std::string agent = b.emu.agent_ids().front();
    tool_outcome shown = b.run({"config", "get", agent});
    REQUIRE(shown.status == 0);
    auto stored = *b.emu.post_call_config(agent);
    for (const auto& m : stored.at("dispositionMetrics").as_array())
      CHECK(shown.out.find(std::string(m.at("identifier").as_string())) != std::string::npos);
    tool_outcome as_json = b.run({"--format", "jsonl", "config", "get", agent});
    REQUIRE(as_json.status == 0);
    CHECK(boost::json::parse(as_json.out).as_object().contains("dispositionMetrics"));

    const fs::path good = b.dir.path / "config.json";
    std::ofstream(good) << R"({"summaryPrompt":"Summarise the call in one line.",
      "dispositionMetrics":[{"identifier":"wants_demo","dispositionMetricPrompt":"Did they ask for a demo?",
        "dispositionValues":{"type":"BOOLEAN"}},
       {"identifier":"budget","dispositionMetricPrompt":"Their budget band","dispositionMetricType":"ENUM",
        "choices":["low","mid","high"]}]})";
    tool_outcome set = b.run({"config", "set", agent, good.string()});
    CAPTURE(set.err);
    REQUIRE(set.status == 0);
    CHECK(set.err.find("saved") != std::string::npos);
    auto now = *b.emu.post_call_config(agent);
    REQUIRE(now.at("dispositionMetrics").as_array().size() == 2);
    CHECK(now.at("dispositionMetrics").as_array()[1].at("identifier").as_string() == "budget");
    CHECK(now.at("summaryPrompt").as_string() == "Summarise the call in one line.");

    struct bad_file {
      std::string text;
      std::string says;
    };
    for (
        const auto& [text, says] : std::vector<bad_file>{
            {"{not json", "not JSON"},
            {"[1,2]", "expected a JSON object"},
            {R"({"dispositionMetrics":[{"identifier":"x","dispositionMetricPrompt":"p","dispositionMetricType":"ENUM"}]})",
             "x"},
            {R"({"dispositionMetrics":[{"identifier":"a b!","dispositionMetricPrompt":"p","dispositionMetricType":"STRING"}]})",
             "a b!"}}) {
      const std::string file_text = text;  // CAPTURE cannot take a structured binding on clang
      CAPTURE(file_text);
      const fs::path bad = b.dir.path / "bad.json";
      std::ofstream(bad, std::ios::trunc) << text;
      const std::size_t before = b.emu.requests().size();
      tool_outcome o = b.run({"config", "set", agent, bad.string()});
      CHECK(o.status == 1);
      CHECK(o.err.find(says) != std::string::npos);
      CHECK(o.err.find("nothing was sent") != std::string::npos);
      CHECK(b.emu.requests().size() == before);
    }
    tool_outcome missing = b.run({"config", "set", agent, (b.dir.path / "absent.json").string()});
    CHECK(missing.status == 1);
    CHECK(missing.err.find("cannot read") != std::string::npos);
  }

  TEST_CASE("export: JSON lines or CSV, with or without details, renamed into place when complete") {
    bench b(emulator_options{.calls = 240});
    const fs::path jl = b.dir.path / "calls.jsonl";
    tool_outcome o = b.run({"export", "--out", jl.string()});
    CAPTURE(o.err);
    REQUIRE(o.status == 0);
    CHECK(o.err.find("exported 240 calls to " + jl.string()) != std::string::npos);
    auto objects = jsonl(read_file(jl));
    CHECK(objects.size() == 240);
    CHECK(!objects[0].contains("transcript"));  // logs only

    const fs::path detailed = b.dir.path / "details.csv";
    tool_outcome d = b.run(
        {"--concurrency", "4", "export", "--details", "--status", "completed", "--out", detailed.string()});
    CAPTURE(d.err);
    REQUIRE(d.status == 0);
    auto rows = parse_csv(read_file(detailed));
    std::size_t completed = 0;
    for (const auto& c : b.calls()) completed += c.at("status").as_string() == "completed";
    CHECK(rows.size() == completed + 1);
    const std::size_t transcript = column(rows[0], "transcript");
    std::size_t with_transcript = 0;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      REQUIRE(rows[i].size() == rows[0].size());
      with_transcript += !rows[i][transcript].empty();
    }
    CHECK(with_transcript > 0);
    // Nothing else is left in the directory: no temporary file.
    CHECK(b.dir.entries() == std::vector<std::string>{"ca.pem", "calls.jsonl", "details.csv"});
  }

  TEST_CASE("export: a failure part way leaves no output file, and an older file untouched") {
    bench b(emulator_options{.calls = 900});  // two pages of 500
    const fs::path out = b.dir.path / "calls.jsonl";
    std::ofstream(out) << "yesterday's export\n";
    std::atomic<int> pages{0};
    b.emu.set_interceptor([&](const recorded_request& r) -> std::optional<reply> {
      if (r.target.rfind("/atoms/v1/conversation?", 0) == 0 && ++pages > 1)
        return reply{.status = 403, .body = R"({"status":false,"errors":["Forbidden"]})"};
      return std::nullopt;
    });
    tool_outcome o = b.run({"export", "--out", out.string()});
    CHECK(o.status == 1);
    CHECK(o.err.find("403") != std::string::npos);
    CHECK(o.err.find("no file written") != std::string::npos);
    CHECK(read_file(out) == "yesterday's export\n");
    CHECK(b.dir.entries() == std::vector<std::string>{"ca.pem", "calls.jsonl"});

    // With details: a call that fails part way does the same.
    std::atomic<int> details{0};
    b.emu.set_interceptor([&](const recorded_request& r) -> std::optional<reply> {
      if (r.target.rfind("/atoms/v1/conversation/CALL-", 0) == 0 && ++details == 150)
        return reply{.status = 400, .body = R"({"status":false,"errors":["Bad request"]})"};
      return std::nullopt;
    });
    const fs::path csv = b.dir.path / "details.csv";
    tool_outcome d = b.run({"export", "--details", "--out", csv.string()});
    CHECK(d.status == 1);
    CHECK(d.err.find("400") != std::string::npos);
    CHECK(!fs::exists(csv));
    CHECK(b.dir.entries() == std::vector<std::string>{"ca.pem", "calls.jsonl"});
  }

  TEST_CASE("export --details of 20,000 calls streams in bounded memory") {
    const std::size_t n = atoms_test::sanitized ? 2000 : 20000;
    bench b(emulator_options{.calls = n, .threads = 2});
    const fs::path out = b.dir.path / "all.jsonl";
    const std::size_t baseline = atoms_test::rss_kib();
    atoms_test::reset_peak_rss();
    tool_outcome o = b.run({"--concurrency", "16", "export", "--details", "--out", out.string()});
    CAPTURE(o.err);
    REQUIRE(o.status == 0);
    const std::size_t peak = atoms_test::peak_rss_kib();
    const auto bytes = fs::file_size(out);
    std::size_t lines = 0;
    {
      std::ifstream in(out);
      for (std::string line; std::getline(in, line);) ++lines;
    }
    CHECK(lines == n);
    MESSAGE("export of " << n << " calls with details: " << bytes / 1024 << " KiB written; RSS " << baseline
                         << " KiB before, peak " << peak << " KiB");
    // Holding the calls would take more than the file's size; streaming takes a window of
    // them. The emulator, in this process, answers from its own buffers meanwhile.
    if (!atoms_test::sanitized) CHECK(peak - baseline < 48 * 1024);
  }

#ifdef ATOMS_CALLS_BINARY
  // The program itself, as a process: what only main() adds (the signals, the environment,
  // the exit status) cannot be seen in-process.
  TEST_CASE("the program: SIGINT or SIGTERM mid-export exits 1 and leaves no file, whole or partial") {
    using namespace std::chrono_literals;
    for (const int sig : {SIGINT, SIGTERM}) {
      const std::string name = sig == SIGINT ? "SIGINT" : "SIGTERM";
      CAPTURE(name);
      // 20 ms a request: the details of 5,000 calls take far longer than the wait below.
      bench b(emulator_options{.calls = 5000, .latency = 20ms});
      const fs::path out = b.dir.path / "calls.jsonl";
      atoms_test::child_process p = calls_process(b, {"export", "--details", "--out", out.string()},
                                                  environment_for(b, b.emu.api_key()));
      // Until the export is under way (a sanitizer build starts slowly): some details served.
      for (int waited = 0; b.emu.requests_served() < 10 && waited < 1500; ++waited)
        std::this_thread::sleep_for(10ms);
      const std::size_t served = b.emu.requests_served();
      CAPTURE(served);
      CHECK_MESSAGE(served > 1, "the export had not begun when it was interrupted");
      p.signal(sig);
      const auto signalled = std::chrono::steady_clock::now();
      const std::optional<int> status = p.wait(10s);
      const auto took =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - signalled);
      const std::string err = p.read_stderr();
      CAPTURE(err);
      REQUIRE_MESSAGE(status.has_value(), "atoms-calls did not exit within 10 s of " << name << " (killed)");
      CHECK(*status == 1);
      MESSAGE("atoms-calls exited " << took.count() << " ms after " << name << ", having served " << served
                                    << " requests");
      const auto lines = lines_of(err);
      REQUIRE_FALSE(lines.empty());
      CHECK(lines.back().find("interrupted; no file written") != std::string::npos);
      CHECK(lines.back().rfind("atoms-calls: ", 0) == 0);
      CHECK(p.read_stdout().empty());
      // Neither the file nor its .calls.jsonl.partial-PID: only the CA the test wrote.
      CHECK(b.dir.entries() == std::vector<std::string>{"ca.pem"});
    }
  }

  TEST_CASE("the program: exit statuses 0, 1 and 2; the key comes from its environment and never shows") {
    using namespace std::chrono_literals;
    // The test's own environment holds a key the program must not see: the child gets only
    // the environment it is given.
    const scoped_variable inherited("SMALLEST_API_KEY", "test-key");
    bench b;
    {
      atoms_test::child_process p = calls_process(b, {"--help"}, environment_for(b, b.emu.api_key()));
      CHECK(p.wait(10s) == 0);
      CHECK(p.read_stdout().find("usage: atoms-calls") != std::string::npos);
      CHECK(p.read_stderr().empty());
    }
    {
      atoms_test::child_process p =
          calls_process(b, {"list", "--bogus"}, environment_for(b, b.emu.api_key()));
      CHECK(p.wait(10s) == 2);
      const std::string err = p.read_stderr();
      CAPTURE(err);
      CHECK(err.find("unknown option '--bogus'") != std::string::npos);
      CHECK(std::count(err.begin(), err.end(), '\n') == 1);
      CHECK(p.read_stdout().empty());
    }
    CHECK(b.emu.requests_served() == 0);
    {
      const std::string wrong = "sk-wrong-123456";
      atoms_test::child_process p = calls_process(b, {"list"}, environment_for(b, wrong));
      CHECK(p.wait(10s) == 1);
      const std::string err = p.read_stderr();
      const std::string out = p.read_stdout();
      CAPTURE(err);
      CHECK(err.find("check SMALLEST_API_KEY") != std::string::npos);
      CHECK(err.find(wrong) == std::string::npos);
      CHECK(out.find(wrong) == std::string::npos);
      CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    }
    {
      const std::size_t before = b.emu.requests_served();
      atoms_test::child_process p = calls_process(b, {"list"}, environment_for(b, std::nullopt));
      CHECK(p.wait(10s) == 2);
      const std::string err = p.read_stderr();
      CAPTURE(err);
      CHECK(err.find("SMALLEST_API_KEY") != std::string::npos);
      CHECK(std::count(err.begin(), err.end(), '\n') == 1);
      CHECK(b.emu.requests_served() == before);
    }
  }

  TEST_CASE("the program: config get as CSV, one row per configured metric") {
    using namespace std::chrono_literals;
    bench b;
    const std::string agent = b.emu.agent_ids().front();
    atoms_test::child_process p =
        calls_process(b, {"--format", "csv", "config", "get", agent}, environment_for(b, b.emu.api_key()));
    const std::optional<int> status = p.wait(10s);
    const std::string err = p.read_stderr();
    CAPTURE(err);
    CHECK(status == 0);
    CHECK(err.empty());
    const auto rows = parse_csv(p.read_stdout());
    REQUIRE_FALSE(rows.empty());
    CHECK(rows[0] == std::vector<std::string>{"identifier", "dispositionMetricType", "choices",
                                              "dispositionMetricPrompt"});
    const boost::json::object stored = *b.emu.post_call_config(agent);
    const auto& metrics = stored.at("dispositionMetrics").as_array();
    REQUIRE(!metrics.empty());
    REQUIRE(rows.size() == metrics.size() + 1);
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      const auto& m = metrics[i].as_object();
      const std::string identifier(m.at("identifier").as_string());
      CAPTURE(identifier);
      std::string choices;
      if (auto* c = m.if_contains("choices"); c && c->is_array())
        for (const auto& choice : c->as_array())
          choices += (choices.empty() ? "" : "|") + std::string(choice.as_string());
      const auto& row = rows[i + 1];
      CHECK(row == std::vector<std::string>{identifier,
                                            std::string(m.at("dispositionMetricType").as_string()), choices,
                                            std::string(m.at("dispositionMetricPrompt").as_string())});
    }
  }
#endif
}
