// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_POST_CALL_CONFIG_IPP
#define SMALLEST_ATOMS_IMPL_POST_CALL_CONFIG_IPP

#include <smallest/atoms/models/detail/text.hpp>
#include <smallest/atoms/models/post_call_config.hpp>

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>

namespace smallest::atoms {

namespace detail {

inline bool is_metric_identifier(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

inline bool is_blank(std::string_view s) noexcept {
  for (char c : s)
    if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) return false;
  return true;
}

// `dispositionMetrics[1] ("user_name"): <rule>`; the identifier is quoted as given, cut to 64
// characters (it may be anything the user wrote).
inline std::string metric_problem(std::size_t index, std::string_view identifier, std::string_view rule) {
  std::string s = "dispositionMetrics[" + std::to_string(index) + "] (\"";
  s.append(detail::utf8_prefix(identifier, 64));
  if (identifier.size() > 64) s += "...";
  s += "\"): ";
  s.append(rule);
  return s;
}

}  // namespace detail

namespace detail {

inline bool has_non_finite(boost::json::value const& v) {
  if (v.is_double()) return !std::isfinite(v.get_double());
  if (auto const* a = v.if_array())
    return std::any_of(a->begin(), a->end(), [](auto const& e) { return has_non_finite(e); });
  if (auto const* o = v.if_object())
    return std::any_of(o->begin(), o->end(), [](auto const& kv) { return has_non_finite(kv.value()); });
  return false;
}

}  // namespace detail

ATOMS_DECL std::optional<std::string> validate(post_call_config const& config) {
  constexpr std::string_view non_finite = "holds a number JSON cannot carry (NaN or infinity)";
  if (detail::has_non_finite(config.extra)) return "extra " + std::string(non_finite);
  auto const& ms = config.disposition_metrics;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    auto const& m = ms[i];
    auto problem = [&](std::string_view rule) { return detail::metric_problem(i, m.identifier, rule); };
    if (!detail::is_metric_identifier(m.identifier))
      return problem("identifier must match ^[a-z0-9_]+$ (lowercase letters, digits and underscores)");
    for (std::size_t j = 0; j < i; ++j)
      if (ms[j].identifier == m.identifier)
        return problem("identifier must be unique, but dispositionMetrics[" + std::to_string(j) +
                       "] has it too");
    if (detail::is_blank(m.prompt)) return problem("prompt (dispositionMetricPrompt) must not be empty");
    if (!m.type.known()) {
      std::string rule = "type must be one of STRING, BOOLEAN, INTEGER, ENUM, DATETIME";
      if (!m.type.raw.empty()) rule += ", not \"" + m.type.raw + '"';
      return problem(rule);
    }
    if (detail::has_non_finite(m.extra)) return problem("extra " + std::string(non_finite));
    if (m.type == metric_type::enumeration && m.choices.empty())
      return problem("an ENUM metric must have at least one choice");
    if (m.type != metric_type::enumeration && !m.choices.empty())
      return problem(std::string("choices are allowed only on an ENUM metric, not on ") +
                     std::string(enum_name(m.type.value)));
  }
  return std::nullopt;
}

ATOMS_DECL metric_config tag_invoke(boost::json::value_to_tag<metric_config>, boost::json::value const& jv) {
  metric_config m;
  bool have_identifier = false;
  std::optional<open_enum<metric_type>> flat, nested, plain;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "identifier") {
      m.identifier = detail::read_string(v);
      have_identifier = true;
    } else if (key == "dispositionMetricPrompt")
      detail::read_nullable(v, m.prompt);
    else if (key == "dispositionMetricType")
      flat = detail::read_optional<open_enum<metric_type>>(v);
    else if (key == "type")  // the call-log listing's {identifier, type}
      plain = detail::read_optional<open_enum<metric_type>>(v);
    else if (key == "choices")
      detail::read_nullable(v, m.choices);
    else if (key == "dispositionValues") {
      // The product page's nesting, {"type": "ENUM"}. Anything else in it (or a shape we do
      // not know) is kept in `extra` rather than dropped or rejected.
      auto const* o = v.if_object();
      bool only_type = o != nullptr;
      if (o) {
        for (auto const& kv : *o) {
          if (kv.key() == "type")
            nested = detail::at_key(
                "type", [&] { return detail::read_optional<open_enum<metric_type>>(kv.value()); });
          else
            only_type = false;
        }
      }
      if (!only_type && !v.is_null()) m.extra.emplace(key, v);
    } else
      m.extra.emplace(key, v);
  });
  if (!have_identifier) throw detail::missing_member("identifier");
  if (flat)
    m.type = std::move(*flat);
  else if (nested)
    m.type = std::move(*nested);
  else if (plain)
    m.type = std::move(*plain);
  return m;
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, metric_config const& m) {
  auto& o = jv.emplace_object();
  std::string_view const type = m.type.name();
  o.reserve(5 + m.extra.size());
  o.emplace("identifier", m.identifier);
  o.emplace("dispositionMetricPrompt", m.prompt);
  boost::json::object nested(o.storage());
  nested.emplace("type", type);
  o.emplace("dispositionValues", std::move(nested));
  o.emplace("dispositionMetricType", type);
  if (!m.choices.empty()) {
    boost::json::array choices(o.storage());
    choices.reserve(m.choices.size());
    for (auto const& c : m.choices) choices.emplace_back(c);
    o.emplace("choices", std::move(choices));
  }
  for (auto const& kv : m.extra) {
    std::string_view const key = kv.key();
    // `choices` too: an empty list in `extra` must not come back after the user cleared it.
    if (key == "identifier" || key == "dispositionMetricPrompt" || key == "dispositionValues" ||
        key == "dispositionMetricType" || key == "choices" || key == "type")
      continue;
    o.emplace(key, kv.value());
  }
}

ATOMS_DECL post_call_config tag_invoke(boost::json::value_to_tag<post_call_config>,
                                       boost::json::value const& jv) {
  post_call_config c;
  detail::for_each_member(jv, [&](std::string_view key, boost::json::value const& v) {
    if (key == "summaryPrompt")
      c.summary_prompt = detail::read_optional<std::string>(v);
    else if (key == "dispositionMetrics")
      detail::read_nullable(v, c.disposition_metrics);
    else
      c.extra.emplace(key, v);
  });
  return c;
}

ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, post_call_config const& c) {
  auto& o = jv.emplace_object();
  o.reserve(2 + c.extra.size());
  if (c.summary_prompt) o.emplace("summaryPrompt", *c.summary_prompt);
  boost::json::array metrics(o.storage());
  metrics.reserve(c.disposition_metrics.size());
  for (auto const& m : c.disposition_metrics) metrics.push_back(boost::json::value_from(m, o.storage()));
  o.emplace("dispositionMetrics", std::move(metrics));
  for (auto const& kv : c.extra) {
    std::string_view const key = kv.key();
    if (key == "summaryPrompt" || key == "dispositionMetrics") continue;
    o.emplace(key, kv.value());
  }
}

}  // namespace smallest::atoms

#endif
