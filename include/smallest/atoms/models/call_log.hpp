// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_CALL_LOG_HPP
#define SMALLEST_ATOMS_MODELS_CALL_LOG_HPP

// Calls as the listings return them: one page of `GET /conversation` (`call_page`), the
// result of `POST /conversation/search` (`search_result`), their item (`call_log`), and the
// enumerations of the listing's filters.
//
// Decoding is tolerant and strict exactly as for `call_details` (see there): unknown keys go to
// `extra`, `null` means nothing, `120.0` is an integer, and a member of the wrong type throws
// `detail::json_decode_error` naming its path (`$.data.logs[1].duration: expected a number,
// got a string`).

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/metric_value.hpp>
#include <smallest/atoms/models/open_enum.hpp>
#include <smallest/atoms/models/post_call_config.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smallest::atoms {

// ---- enumerations ----------------------------------------------------------------------------
// The values of the listing's filters (`callAttemptFilter`,
// `durationFilter`, `sortBy`, `sortOrder`; `disconnect_reason` is in call_details.hpp). Each has an `unknown`
// first, so it can be read with `open_enum` too.

/// `callAttemptFilter`: first attempts, retries, or both.
enum class call_attempt { unknown, initial, retry, all };

/// `durationFilter`: "0-30" and "30-60" are seconds, "1-5" and "5+" minutes.
enum class duration_range {
  unknown,
  up_to_30s,        ///< "0-30"
  from_30s_to_60s,  ///< "30-60"
  from_1m_to_5m,    ///< "1-5"
  over_5m           ///< "5+"
};

/// `sortBy`. The service's default is `updated_at`, the only index-backed order: `created_at`
/// forces a full scan and can end in 504 on large accounts.
enum class sort_field { unknown, created_at, updated_at, call_duration, avg_latency };

/// `sortOrder`.
enum class sort_order { unknown, asc, desc };

template <>
struct enum_spelling<call_attempt> {
  static constexpr std::string_view names[] = {"unknown", "initial", "retry", "all"};
};
template <>
struct enum_spelling<duration_range> {
  static constexpr std::string_view names[] = {"unknown", "0-30", "30-60", "1-5", "5+"};
};
template <>
struct enum_spelling<sort_field> {
  static constexpr std::string_view names[] = {"unknown", "createdAt", "updatedAt", "callDuration",
                                               "avgLatency"};
};
template <>
struct enum_spelling<sort_order> {
  static constexpr std::string_view names[] = {"unknown", "asc", "desc"};
};

/// The service's spelling, as the query string carries it ("user_hangup", "0-30",
/// "createdAt", "desc"); "unknown" for the unknown value.
ATOMS_DECL std::string_view to_string(call_attempt v) noexcept;
ATOMS_DECL std::string_view to_string(duration_range v) noexcept;
ATOMS_DECL std::string_view to_string(sort_field v) noexcept;
ATOMS_DECL std::string_view to_string(sort_order v) noexcept;

// ---- the list item ----------------------------------------------------------------------------

/// `dispositionMetrics` of a listed call: identifier → value, as evaluated for that call.
using disposition_values = std::map<std::string, metric_value, std::less<>>;

/// One call as `GET /conversation` lists it (`data.logs[i]`), and as `POST
/// /conversation/search` returns it (`data.logs[i]`) — except that search does not enrich
/// three members, so in a search result `disposition_metrics` and `agent_disposition_config`
/// are always empty and `version_number` is nullopt (read `post_call_analytics` instead).
struct call_log {
  std::string id;       ///< `_id`, the database id.
  std::string call_id;  ///< `callId`. Required.
  std::optional<std::string> agent_id;
  open_enum<call_status> status;
  std::optional<double> duration;       ///< Seconds.
  std::optional<std::string> from, to;  ///< Phone numbers.
  open_enum<call_type> type;
  /// Recording URLs; an empty string (kept as given) means not available yet.
  std::optional<std::string> recording_url, recording_dual_url;
  /// `disconnectionReason`; `unknown` with an empty `raw` when not sent (or sent empty).
  open_enum<disconnect_reason> disconnection_reason;
  std::optional<std::int64_t> retry_count;
  std::optional<timestamp> created_at;
  /// `updatedAt`: not in the OpenAPI document's item, but the listing is ordered by it.
  std::optional<timestamp> updated_at;
  /// `dispositionMetrics`: identifier → value. Also read from the array form
  /// (`[{"identifier": …, "value": …}]`) that the details use.
  disposition_values disposition_metrics;
  /// `agentDispositionConfig`: the agent's metrics, `{identifier, type}` each, giving the types
  /// of `disposition_metrics`.
  std::vector<metric_config> agent_disposition_config;
  std::optional<std::string> call_failure_reason;
  std::optional<double> call_cost;
  std::optional<std::string> version_id;
  std::optional<double> version_number;  ///< "Human-readable"; a number in the document.
  std::optional<bool> is_test;
  std::optional<std::string> retry_call_id;
  std::optional<std::int64_t> retry_attempt_number;  ///< 0 for the initial attempt.
  std::optional<call_analytics> post_call_analytics;
  std::optional<latency_metrics> turn_latency_metrics;
  boost::json::object extra;  ///< Every other member, as sent.

  /// The metric `identifier` with its declared type, ready for `typed()`: the value from
  /// `disposition_metrics` (or else from `post_call_analytics`), the type from
  /// `agent_disposition_config` (or else the analytics' own). nullopt when the call has no
  /// value for it.
  std::optional<disposition_metric> metric(std::string_view identifier) const;
};

/// `data.pagination` of `GET /conversation`. Each member is nullopt when not sent.
struct pagination {
  std::optional<std::int64_t> total;        ///< Matching calls, over all pages.
  std::optional<std::int64_t> page;         ///< 1-based.
  std::optional<std::int64_t> limit;        ///< Page size (the service clamps it to 500).
  std::optional<bool> has_more;             ///< `hasMore`
  std::optional<std::int64_t> total_pages;  ///< `totalPages`
};

/// The `data` of `GET /conversation`: one page of calls.
struct call_page {
  std::vector<call_log> logs;
  smallest::atoms::pagination pagination;
  /// `dispositionMetricsConfig`: the metrics configured across the listed agents, `{identifier,
  /// type}` each.
  std::vector<metric_config> disposition_metrics_config;
  boost::json::object extra;  ///< Every other member, as sent.
};

/// The `data` of `POST /conversation/search`. The service silently drops ids it does not
/// know: compare `requested_count` with `total`, or the ids in `logs` with those asked for.
struct search_result {
  /// See `call_log`: no `disposition_metrics`, `agent_disposition_config`, `version_number`.
  std::vector<call_log> logs;
  std::optional<std::int64_t> total;            ///< Number of logs returned.
  std::optional<std::int64_t> requested_count;  ///< `requestedCount`: number of ids asked for.
  boost::json::object extra;                    ///< Every other member, as sent.
  /// Filled by client::async_search_calls (not a member of the service's answer): the ids
  /// asked for that no log came back for, in the order they were asked.
  std::vector<std::string> missing{};
};

// ---- JSON mappings (Boost.JSON `value_to` and `value_from`) -----------------------------------
// Each `value_from` gives back the service's JSON, as for `call_details` (see there): the keys
// the decoder reads, then `extra`; absent optionals left out.

/// A missing or non-string `callId` is a `detail::json_decode_error`.
ATOMS_DECL call_log tag_invoke(boost::json::value_to_tag<call_log>, boost::json::value const& jv);
/// The list item: `dispositionMetrics` (the {identifier: value} object) and
/// `agentDispositionConfig` always, since the listing always sends them; each configured metric
/// in the listing's shape, `{identifier, type}` (with `dispositionMetricPrompt` and `choices`
/// when it has them, and its `extra`).
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, call_log const& l);
ATOMS_DECL pagination tag_invoke(boost::json::value_to_tag<pagination>, boost::json::value const& jv);
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, pagination const& p);
/// `jv` is the `data` member of the response.
ATOMS_DECL call_page tag_invoke(boost::json::value_to_tag<call_page>, boost::json::value const& jv);
/// The `data` object again: `logs`, `pagination` and `dispositionMetricsConfig` always.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, call_page const& p);
/// `jv` is the `data` member of the response.
ATOMS_DECL search_result tag_invoke(boost::json::value_to_tag<search_result>, boost::json::value const& jv);
/// The `data` object again, without `missing` (ours, not the service's). Its logs leave out
/// `dispositionMetrics` and `agentDispositionConfig` when they are empty: the search does not
/// send them.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, search_result const& r);

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/call_log.ipp>
#endif

#endif
