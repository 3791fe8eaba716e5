// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_POST_CALL_CONFIG_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_POST_CALL_CONFIG_HPP

// The service-side rules for a post-call analytics configuration, shared by the product
// page's route (POST /agent/{id}/post-call-analytics) and the document's branch drafts
// (PUT /agent/{id}/branches/{branchId}/draft, "postCallAnalyticsConfig"). Metrics are stored
// with both spellings of their type (config_metric), whichever route wrote them.

#include <smallest/atoms/testing/detail/conversation_query.hpp>
#include <smallest/atoms/testing/detail/synthetic_calls.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace smallest::atoms::testing::detail {

inline bool is_metric_identifier(std::string_view id) {
  return !id.empty() &&
         id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string_view::npos;
}

// The service-side validation of disposition metrics; each message names the metric. The
// valid ones are appended to `out`, normalised.
inline std::vector<std::string> validate_metrics(const boost::json::array& metrics, boost::json::array& out) {
  std::vector<std::string> errors;
  std::set<std::string> identifiers;
  static const std::set<std::string, std::less<>> types = {"STRING", "BOOLEAN", "INTEGER", "ENUM",
                                                           "DATETIME"};
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    std::string name = "dispositionMetrics[" + std::to_string(i) + "]";
    if (!metrics[i].is_object()) {
      errors.push_back(name + ": must be an object");
      continue;
    }
    const auto& m = metrics[i].get_object();
    const auto* id = m.if_contains("identifier");
    const std::string identifier = id && id->is_string() ? std::string(id->get_string()) : std::string();
    if (!identifier.empty()) name += " (" + identifier + ")";
    if (identifier.empty()) {
      errors.push_back(name + ": identifier is required");
    } else if (!is_metric_identifier(identifier)) {
      errors.push_back(name + ": identifier must match ^[a-z0-9_]+$");
    } else if (!identifiers.insert(identifier).second) {
      errors.push_back(name + ": identifier must be unique");
    }
    const auto prompt = string_member(m, "dispositionMetricPrompt");
    if (prompt.find_first_not_of(" \t\r\n") == std::string_view::npos)
      errors.push_back(name + ": dispositionMetricPrompt must not be empty");

    std::string_view flat = string_member(m, "dispositionMetricType");
    std::string_view nested;
    if (const auto* dv = member(m, "dispositionValues"); dv && dv->is_object())
      nested = string_member(dv->get_object(), "type");
    const std::string_view type = flat.empty() ? nested : flat;
    if (type.empty()) {
      errors.push_back(name + ": dispositionMetricType (or dispositionValues.type) is required");
    } else if (!types.count(type)) {
      errors.push_back(name + ": type must be one of STRING, BOOLEAN, INTEGER, ENUM, DATETIME");
    } else if (!flat.empty() && !nested.empty() && flat != nested) {
      errors.push_back(name + ": dispositionMetricType and dispositionValues.type differ");
    }

    boost::json::array choices;
    bool choices_ok = true;
    if (const auto* c = member(m, "choices")) {
      if (!c->is_array()) choices_ok = false;
      for (const auto& choice : c->is_array() ? c->get_array() : boost::json::array{})
        if (!choice.is_string() || choice.get_string().empty())
          choices_ok = false;
        else
          choices.push_back(choice);
    }
    if (!choices_ok) errors.push_back(name + ": choices must be non-empty strings");
    if (type == "ENUM" && choices.empty()) errors.push_back(name + ": ENUM needs at least one choice");
    if (type != "ENUM" && !choices.empty()) errors.push_back(name + ": choices are allowed only on ENUM");
    if (errors.empty()) out.push_back(config_metric(identifier, prompt, type, choices));
  }
  return errors;
}

// The deprecated successMetrics the backend still accepts and returns: identifier
// ^[a-z0-9_]+$, a prompt, a type of the document's enum. Kept as given when valid.
inline std::vector<std::string> validate_success_metrics(const boost::json::array& metrics) {
  std::vector<std::string> errors;
  static const std::set<std::string, std::less<>> types = {"NUMERIC_SCALE", "PERCENTAGE_SCALE", "PASS_FAIL",
                                                           "DESCRIPTIVE_SCALE"};
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    std::string name = "successMetrics[" + std::to_string(i) + "]";
    if (!metrics[i].is_object()) {
      errors.push_back(name + ": must be an object");
      continue;
    }
    const auto& m = metrics[i].get_object();
    const std::string_view identifier = string_member(m, "identifier");
    if (!identifier.empty()) name += " (" + std::string(identifier) + ")";
    if (!is_metric_identifier(identifier)) errors.push_back(name + ": identifier must match ^[a-z0-9_]+$");
    if (string_member(m, "successMetricPrompt").find_first_not_of(" \t\r\n") == std::string_view::npos)
      errors.push_back(name + ": successMetricPrompt must not be empty");
    if (!types.count(string_member(m, "successMetricType")))
      errors.push_back(name +
                       ": successMetricType must be one of NUMERIC_SCALE, PERCENTAGE_SCALE, PASS_FAIL, "
                       "DESCRIPTIVE_SCALE");
  }
  return errors;
}

// A PostCallAnalyticsConfig as a branch draft receives it: the document's keys, validated,
// metrics normalised; other keys are dropped, as the service's schema drops them. Errors
// name their path from "postCallAnalyticsConfig".
inline boost::json::object read_post_call_config(const boost::json::value& v,
                                                 std::vector<std::string>& errors) {
  const std::string prefix = "postCallAnalyticsConfig.";
  boost::json::object out;
  if (!v.is_object()) {
    errors.push_back("postCallAnalyticsConfig must be an object");
    return out;
  }
  const auto& in = v.get_object();
  if (const auto* m = in.if_contains("dispositionMetrics")) {
    boost::json::array metrics;
    if (!m->is_array())
      errors.push_back(prefix + "dispositionMetrics must be an array");
    else
      for (auto& e : validate_metrics(m->get_array(), metrics)) errors.push_back(prefix + e);
    out["dispositionMetrics"] = std::move(metrics);
  }
  if (const auto* m = in.if_contains("successMetrics")) {
    if (!m->is_array())
      errors.push_back(prefix + "successMetrics must be an array");
    else
      for (auto& e : validate_success_metrics(m->get_array())) errors.push_back(prefix + e);
    out["successMetrics"] = *m;
  }
  if (const auto* s = in.if_contains("summaryPrompt")) {
    if (!s->is_string()) errors.push_back(prefix + "summaryPrompt must be a string");
    out["summaryPrompt"] = *s;
  }
  for (const char* flag : {"useInternalAnalyticsModel", "useReasoningModel"}) {
    if (const auto* b = in.if_contains(flag)) {
      if (!b->is_bool()) errors.push_back(prefix + flag + " must be a boolean");
      out[flag] = *b;
    }
  }
  return out;
}

}  // namespace smallest::atoms::testing::detail

#endif
