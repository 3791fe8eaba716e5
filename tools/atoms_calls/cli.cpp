#include "cli.hpp"

#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/models/open_enum.hpp>

#include <charconv>
#include <cstdlib>
#include <functional>
#include <initializer_list>

namespace atoms_calls {

namespace atoms = smallest::atoms;

namespace {

constexpr std::string_view usage_text =
    R"(usage: atoms-calls [OPTIONS] COMMAND [ARGS]

Call logs, transcripts and post-call analytics from the Smallest.ai Atoms API.

Commands:
  get CALL_ID...             one call in full: status, duration, numbers, transcript, summary,
                             each metric with its confidence and reasoning, latency
  list [FILTERS]             calls, newest activity first: --limit N of them (default 20),
                             --all of them, or at most --max N
  search CALL_ID...          any number of calls by id (ids the service does not know are
                             reported on stderr, and the exit status is 1)
  export [FILTERS] --out F   every matching call to F.jsonl or F.csv, streamed, written to a
                             temporary file renamed into place on success; --details adds
                             transcripts and analytics (one more request per call)
  stats [FILTERS]            count, status and type breakdown, duration mean/median/p95, cost,
                             and the distribution of each disposition metric's values
  config get AGENT_ID        the agent's post-call analytics configuration
  config set AGENT_ID FILE   replace it with FILE (JSON: summaryPrompt, dispositionMetrics),
                             validated before anything is sent

Options:
  --base-url URL             the API (default $SMALLEST_BASE_URL, else https://api.smallest.ai/atoms/v1)
  --api-key KEY              the API key (default $SMALLEST_API_KEY; prefer the variable:
                             arguments are visible to other users of the machine)
  --ca-file PEM              trust these CA certificates instead of the system's
  --concurrency N            requests in flight for get, search and export --details (default 8)
  --timeout S                seconds for each request (default 30)
  --format table|jsonl|csv   output: aligned text for people (default), one JSON object per
                             call with the service's field names, or RFC 4180 CSV with one
                             column per disposition metric
  --no-progress              export, stats: no progress on stderr
  -h, --help                 this text

Filters (list, export, stats; repeatable ones are marked +):
  --agent ID +  --campaign ID +  --status S +  --type T +  --search TEXT
  --since ISO8601  --until ISO8601   createdAt bounds (a date alone means its whole day),
                                     checked on our side while walking the service's default
                                     order (dateFrom/dateTo make the service scan every call
                                     and can time out on large accounts)
  --server-dates                     send --since/--until to the service anyway
  --sort createdAt|updatedAt|callDuration|avgLatency  --order asc|desc

Statuses: pending in_progress in_queue processing active completed failed no_answer busy cancelled
Types: telephony_inbound telephony_outbound webcall chat

Exit status: 0 success, 1 failure (one line on stderr says why), 2 usage error.
)";

template <class Enum>
std::string spellings() {
  std::string all;
  for (std::size_t i = 1; i < std::size(atoms::enum_spelling<Enum>::names); ++i)
    all += (all.empty() ? "" : ", ") + std::string(atoms::enum_spelling<Enum>::names[i]);
  return all;
}

template <class Enum>
std::optional<Enum> known(std::string_view text) {
  auto e = atoms::parse_enum<Enum>(text);
  if (e && *e == Enum::unknown) return std::nullopt;
  return e;
}

std::optional<std::size_t> count(std::string_view text) {
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// What a flag may appear with.
enum scope : unsigned {
  any = 0,
  for_list = 1u << 0,
  for_export = 1u << 1,
  for_stats = 1u << 2,
  filters = for_list | for_export | for_stats,
};

unsigned scope_of(command c) {
  switch (c) {
    case command::list: return for_list;
    case command::export_calls: return for_export;
    case command::stats: return for_stats;
    default: return 0;
  }
}

struct flag {
  std::string_view name;
  bool takes_value;  // a flag with a value may be given once, unless it is one of repeatable()
  unsigned where;    // 0: any command
  // Applies the value; returns an error message, or "" when fine.
  std::function<std::string(invocation&, std::string_view)> apply;
};

std::string bad(std::string_view flag, std::string_view value, std::string_view expected) {
  return std::string(flag) + ": '" + std::string(value) + "' is not " + std::string(expected);
}

// A date alone means its whole day: --since 2026-01-19 from its first millisecond, --until
// 2026-01-19 to its last.
std::string time_bound(std::optional<atoms::timestamp>& into, std::string_view flag, std::string_view v,
                       bool end_of_day) {
  into = atoms::parse_iso8601(v);
  if (!into) return bad(flag, v, "an ISO 8601 date or time (2026-01-19 or 2026-01-19T17:09:47Z)");
  if (end_of_day && v.size() == 10) *into += std::chrono::days(1) - std::chrono::milliseconds(1);
  return "";
}

const std::vector<flag>& flags() {
  static const std::vector<flag> all = {
      {"--base-url", true, any,
       [](invocation& i, std::string_view v) { return (i.base_url = v, std::string()); }},
      {"--api-key", true, any,
       [](invocation& i, std::string_view v) { return (i.api_key = v, std::string()); }},
      {"--ca-file", true, any,
       [](invocation& i, std::string_view v) { return (i.ca_file = v, std::string()); }},
      {"--concurrency", true, any,
       [](invocation& i, std::string_view v) {
         auto n = count(v);
         if (!n || *n < 1 || *n > 256) return bad("--concurrency", v, "a number from 1 to 256");
         i.concurrency = *n;
         return std::string();
       }},
      {"--timeout", true, any,
       [](invocation& i, std::string_view v) {
         double s = 0;
         auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
         if (ec != std::errc{} || end != v.data() + v.size() || !(s >= 0.001 && s <= 3600))
           return bad("--timeout", v, "a number of seconds from 0.001 to 3600");
         i.timeout_seconds = s;
         return std::string();
       }},
      {"--format", true, any,
       [](invocation& i, std::string_view v) {
         if (v == "table")
           i.format = format::table;
         else if (v == "jsonl")
           i.format = format::jsonl;
         else if (v == "csv")
           i.format = format::csv;
         else
           return bad("--format", v, "table, jsonl or csv");
         i.format_given = true;
         return std::string();
       }},
      {"--no-progress", false, for_export | for_stats,
       [](invocation& i, std::string_view) { return (i.progress = false, std::string()); }},
      {"--agent", true, filters,
       [](invocation& i, std::string_view v) {
         return (i.select.service.agent_ids.emplace_back(v), std::string());
       }},
      {"--campaign", true, filters,
       [](invocation& i, std::string_view v) {
         return (i.select.service.campaign_ids.emplace_back(v), std::string());
       }},
      {"--status", true, filters,
       [](invocation& i, std::string_view v) {
         auto s = known<atoms::call_status>(v);
         if (!s) return bad("--status", v, "a call status (" + spellings<atoms::call_status>() + ")");
         i.select.service.statuses.push_back(*s);
         return std::string();
       }},
      {"--type", true, filters,
       [](invocation& i, std::string_view v) {
         auto t = known<atoms::call_type>(v);
         if (!t) return bad("--type", v, "a call type (" + spellings<atoms::call_type>() + ")");
         i.select.service.call_types.push_back(*t);
         return std::string();
       }},
      {"--search", true, filters,
       [](invocation& i, std::string_view v) { return (i.select.service.search = v, std::string()); }},
      {"--since", true, filters,
       [](invocation& i, std::string_view v) { return time_bound(i.select.since, "--since", v, false); }},
      {"--until", true, filters,
       [](invocation& i, std::string_view v) { return time_bound(i.select.until, "--until", v, true); }},
      {"--server-dates", false, filters,
       [](invocation& i, std::string_view) { return (i.select.server_dates = true, std::string()); }},
      {"--sort", true, filters,
       [](invocation& i, std::string_view v) {
         auto f = known<atoms::sort_field>(v);
         if (!f) return bad("--sort", v, "a sort field (" + spellings<atoms::sort_field>() + ")");
         i.select.service.sort_by = *f;
         return std::string();
       }},
      {"--order", true, filters,
       [](invocation& i, std::string_view v) {
         auto o = known<atoms::sort_order>(v);
         if (!o) return bad("--order", v, "asc or desc");
         i.select.service.order = *o;
         return std::string();
       }},
      {"--limit", true, for_list,
       [](invocation& i, std::string_view v) {
         auto n = count(v);
         if (!n || *n < 1 || *n > 500) return bad("--limit", v, "a number from 1 to 500");
         i.limit = *n;
         i.limit_given = true;
         return std::string();
       }},
      {"--all", false, for_list,
       [](invocation& i, std::string_view) { return (i.all = true, std::string()); }},
      {"--max", true, for_list,
       [](invocation& i, std::string_view v) {
         auto n = count(v);
         if (!n || *n < 1) return bad("--max", v, "a positive number");
         i.max = *n;
         return std::string();
       }},
      {"--details", false, for_export,
       [](invocation& i, std::string_view) { return (i.details = true, std::string()); }},
      {"--out", true, for_export,
       [](invocation& i, std::string_view v) { return (i.out = v, std::string()); }},
  };
  return all;
}

// The filters that may be given more than once, each adding a value.
bool repeatable(std::string_view name) {
  return name == "--agent" || name == "--campaign" || name == "--status" || name == "--type";
}

std::optional<command> command_named(std::string_view w) {
  if (w == "get") return command::get;
  if (w == "list") return command::list;
  if (w == "search") return command::search;
  if (w == "export") return command::export_calls;
  if (w == "stats") return command::stats;
  if (w == "config") return command::config_get;  // get or set: the next word says
  if (w == "help") return command::help;
  return std::nullopt;
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

std::variant<invocation, usage_error> finish(invocation inv, std::vector<std::string> words,
                                             const environment& env) {
  auto fail = [](std::string m) { return usage_error{std::move(m)}; };
  switch (inv.command) {
    case command::help:
    case command::config_set:  // parsed as config_get, then refined below
      break;
    case command::get:
    case command::search:
      if (words.empty()) return fail("missing CALL_ID: give one or more call ids");
      inv.ids = std::move(words);
      break;
    case command::config_get: {
      if (words.empty()) return fail("config: say get or set");
      std::string what = words.front();
      words.erase(words.begin());
      if (what == "get") {
        if (words.size() != 1) return fail("config get takes one AGENT_ID");
        inv.ids = std::move(words);
      } else if (what == "set") {
        if (words.size() != 2) return fail("config set takes AGENT_ID and FILE.json");
        inv.command = command::config_set;
        inv.ids = {words[0]};
        inv.config_file = words[1];
      } else {
        return fail("config: '" + what + "' is not get or set");
      }
      break;
    }
    case command::list:
    case command::export_calls:
    case command::stats:
      if (!words.empty()) return fail("unexpected argument '" + words.front() + "'");
      break;
  }
  if (inv.command == command::export_calls) {
    if (inv.out.empty()) return fail("export needs --out FILE.jsonl or --out FILE.csv");
    const format by_name = ends_with(inv.out, ".csv")     ? format::csv
                           : ends_with(inv.out, ".jsonl") ? format::jsonl
                                                          : format::table;
    if (by_name == format::table) return fail("--out: the file name must end in .jsonl or .csv");
    if (inv.format_given && inv.format != by_name)
      return fail("--format says one format and the --out file's extension another");
    inv.format = by_name;
  }
  if (inv.max && !inv.all) inv.all = true;  // --max N walks pages, up to N calls
  if (inv.select.until && inv.select.since && *inv.select.until < *inv.select.since)
    return fail("--until is before --since");
  if (inv.select.server_dates) {
    inv.select.service.date_from = inv.select.since;
    inv.select.service.date_to = inv.select.until;
  }
  if (inv.command != command::help) {
    if (inv.api_key.empty() && env.api_key) inv.api_key = *env.api_key;
    if (inv.api_key.empty()) return fail("no API key: set SMALLEST_API_KEY or pass --api-key");
    if (inv.base_url.empty() && env.base_url) inv.base_url = *env.base_url;
    inv.proxy = env.proxy;
    inv.no_proxy = env.no_proxy;
  }
  return inv;
}

}  // namespace

environment environment::from_process() {
  environment env;
  if (const char* k = std::getenv("SMALLEST_API_KEY"); k && *k) env.api_key = k;
  if (const char* u = std::getenv("SMALLEST_BASE_URL"); u && *u) env.base_url = u;
  auto either = [](const char* lower, const char* upper) {
    const char* v = std::getenv(lower);
    return std::string(v && *v ? v : (v = std::getenv(upper)) ? v : "");
  };
  env.proxy = either("https_proxy", "HTTPS_PROXY");
  env.no_proxy = either("no_proxy", "NO_PROXY");
  return env;
}

bool selection::keeps(const std::optional<atoms::timestamp>& created_at) const {
  if (server_dates || (!since && !until)) return true;
  if (!created_at) return false;  // a bound was asked for, and this call cannot show it holds
  return (!since || *created_at >= *since) && (!until || *created_at <= *until);
}

bool selection::default_order() const {
  const auto& f = service;
  return (!f.sort_by || *f.sort_by == atoms::sort_field::updated_at) &&
         (!f.order || *f.order == atoms::sort_order::desc);
}

std::variant<invocation, usage_error> parse(std::span<const std::string> args, const environment& env) {
  invocation inv;
  std::optional<command> cmd;
  std::vector<std::string> words;
  struct pending {
    const flag* f;
    std::string value;
  };
  std::vector<pending> given;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (!options_done && a == "--") {
      options_done = true;
      continue;
    }
    if (!options_done && (a == "-h" || a == "--help")) {
      invocation help;
      return help;
    }
    if (!options_done && a.size() > 1 && a[0] == '-') {
      std::string_view name = a, value;
      bool inline_value = false;
      if (auto eq = a.find('='); eq != std::string_view::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      const flag* f = nullptr;
      for (const auto& candidate : flags())
        if (candidate.name == name) f = &candidate;
      if (!f) return usage_error{"unknown option '" + std::string(name) + "' (see --help)"};
      if (f->takes_value && !inline_value) {
        if (i + 1 >= args.size()) return usage_error{std::string(name) + " needs a value"};
        value = args[++i];
      } else if (!f->takes_value && inline_value) {
        return usage_error{std::string(name) + " takes no value"};
      }
      given.push_back({f, std::string(value)});
      continue;
    }
    if (!cmd) {
      cmd = command_named(a);
      if (!cmd) return usage_error{"unknown command '" + std::string(a) + "' (see --help)"};
      continue;
    }
    words.emplace_back(a);
  }
  if (!cmd) return usage_error{"no command given (see --help)"};
  inv.command = *cmd;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const flag* f = given[i].f;
    const std::string& value = given[i].value;
    if (f->takes_value && !repeatable(f->name))
      for (std::size_t j = 0; j < i; ++j)
        if (given[j].f == f) return usage_error{std::string(f->name) + " given twice"};
    if (f->where != any && (f->where & scope_of(inv.command)) == 0)
      return usage_error{std::string(f->name) + " does not apply to this command (see --help)"};
    if (std::string why = f->apply(inv, value); !why.empty()) return usage_error{std::move(why)};
  }
  return finish(std::move(inv), std::move(words), env);
}

std::string_view usage() noexcept { return usage_text; }

}  // namespace atoms_calls
