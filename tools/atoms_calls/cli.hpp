// atoms-calls: the command line, parsed. No I/O here: parse() turns arguments and the
// environment into an invocation, or a usage error that says what is wrong.
#pragma once

#include <smallest/atoms/call_filter.hpp>
#include <smallest/atoms/models/time.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace atoms_calls {

enum class format { table, jsonl, csv };

enum class command { help, get, list, search, export_calls, stats, config_get, config_set };

/// What the environment contributes: SMALLEST_API_KEY and SMALLEST_BASE_URL.
struct environment {
  std::optional<std::string> api_key{};
  std::optional<std::string> base_url{};
  // https_proxy / HTTPS_PROXY and no_proxy / NO_PROXY, as client_options::from_env reads them.
  std::string proxy{};
  std::string no_proxy{};
  static environment from_process();
};

/// Which calls a walk keeps. `service` is sent; `since`/`until` are checked on our side
/// against createdAt, unless `server_dates` moved them into `service`.
struct selection {
  smallest::atoms::call_filter service{};
  std::optional<smallest::atoms::timestamp> since{}, until{};
  bool server_dates = false;

  bool keeps(const std::optional<smallest::atoms::timestamp>& created_at) const;
  /// True when the walk is in the service's default order (updatedAt, newest first), where
  /// a call updated before `since` proves every later one was created before it too.
  bool default_order() const;
};

struct invocation {
  enum command command = command::help;
  std::string base_url{};
  std::string api_key{};
  std::string ca_file{};
  std::string proxy{};  // from the environment; used for an https:// base URL only
  std::string no_proxy{};
  std::size_t concurrency = 8;
  std::optional<double> timeout_seconds{};
  enum format format = format::table;
  bool format_given = false;
  bool progress = true;

  std::vector<std::string> ids{};  // get, search: call ids; config: the agent id
  std::string config_file{};       // config set
  selection select{};
  std::size_t limit = 20;  // list: the page size, and how many calls without --all
  bool limit_given = false;
  bool all = false;
  std::optional<std::size_t> max{};
  bool details = false;  // export
  std::string out{};     // export
};

struct usage_error {
  std::string message;
};

std::variant<invocation, usage_error> parse(std::span<const std::string> args, const environment& env);

/// The --help text.
std::string_view usage() noexcept;

}  // namespace atoms_calls
