// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_POST_CALL_CONFIG_HPP
#define SMALLEST_ATOMS_MODELS_POST_CALL_CONFIG_HPP

// An agent's post-call analytics configuration: a summary prompt and the disposition metrics
// evaluated against each call's transcript once it ends.
//
// Two shapes exist for a metric's type, and the service uses both: the product page writes it
// nested (`"dispositionValues": {"type": "ENUM"}`), the service stores and returns it flat
// (`"dispositionMetricType": "ENUM"`), and the call-log listing's `agentDispositionConfig`
// and `dispositionMetricsConfig` call it `type`. Decoding reads whichever is present;
// encoding writes both of the first two on every metric, so either reader of the service is
// served.
//
// The same mapping reads the `data` of `GET /agent/{id}/post-call-analytics` (the page's
// route) and the agent's `postCallAnalyticsConfig` (the OpenAPI document's route), whose
// other members (`successMetrics`, `useInternalAnalyticsModel`, `useReasoningModel`) are kept
// in `extra` and written back as they were.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/open_enum.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <optional>
#include <string>
#include <vector>

namespace smallest::atoms {

/// One disposition metric to evaluate after each call (the OpenAPI `DispositionMetric`).
/// Every member has a default initializer, so designated initializers may leave any out:
/// `{.identifier = "user_name", .prompt = "…", .type = metric_type::string}`.
struct metric_config {
  /// Stable machine name: `^[a-z0-9_]+$`, unique within a configuration. Required when read:
  /// a metric without one is a decode error.
  std::string identifier{};
  /// `dispositionMetricPrompt`: the question asked of the transcript. Empty when not sent.
  std::string prompt{};
  /// `dispositionMetricType`, `dispositionValues.type` or `type`, whichever was sent (in that
  /// order of preference); `unknown` when none was.
  open_enum<metric_type> type{};
  /// The allowed values of an ENUM metric; empty for the other types.
  std::vector<std::string> choices{};
  /// Every other member, as sent; written back by the encoder (except keys it writes itself).
  boost::json::object extra{};
};

/// The post-call analytics configuration of an agent.
struct post_call_config {
  /// `summaryPrompt`. Deprecated by the service (which no longer uses it, but still accepts and
  /// returns it); the product page still sets it. Written only when set.
  std::optional<std::string> summary_prompt{};
  /// `dispositionMetrics`, in order.
  std::vector<metric_config> disposition_metrics{};
  /// Every other member (`successMetrics`, `useInternalAnalyticsModel`, `useReasoningModel`,
  /// …), as sent; written back by the encoder, so reading, changing and writing a
  /// configuration does not drop what this library does not model.
  boost::json::object extra{};
};

/// Checks `config` against the rules the service enforces, so a bad configuration is refused
/// before anything is sent. Returns nullopt when it is valid, otherwise a message for the
/// first metric that breaks a rule, naming the metric by index and identifier and the rule:
///
///     dispositionMetrics[1] ("User Name"): identifier must match ^[a-z0-9_]+$ (lowercase …)
///
/// The rules, checked for each metric in order:
///  - the identifier matches `^[a-z0-9_]+$` (so it is not empty);
///  - no earlier metric has the same identifier;
///  - the prompt is not empty (nor only white space);
///  - the type is one of STRING, BOOLEAN, INTEGER, ENUM, DATETIME;
///  - an ENUM metric has at least one choice;
///  - a metric of any other type has no choices.
/// `summary_prompt` is not checked, and `extra` only for numbers JSON cannot carry (a NaN or an
/// infinity, which Boost.JSON reads from 0e400 or 1e400 and would write as non-JSON).
ATOMS_DECL std::optional<std::string> validate(post_call_config const& config);

// ---- JSON mappings -------------------------------------------------------------------------------

/// Reads a metric in any of its shapes (see the top of this file). A missing or non-string
/// `identifier` is a `detail::json_decode_error`.
ATOMS_DECL metric_config tag_invoke(boost::json::value_to_tag<metric_config>, boost::json::value const& jv);

/// Writes `identifier`, `dispositionMetricPrompt`, `dispositionValues: {type}` and
/// `dispositionMetricType` (both: see the top of this file; an unknown type is written as its
/// raw spelling), `choices` when there are any, then the members of `extra` that none of those
/// keys (nor `type`) already names.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, metric_config const& m);

/// Reads the configuration object (the `data` of the page's GET, or `postCallAnalyticsConfig`).
ATOMS_DECL post_call_config tag_invoke(boost::json::value_to_tag<post_call_config>,
                                       boost::json::value const& jv);

/// Writes `summaryPrompt` when set, `dispositionMetrics` always (possibly empty), then the
/// members of `extra` not already written. Does not validate: call `validate` first.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, post_call_config const& c);

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/post_call_config.ipp>
#endif

#endif
