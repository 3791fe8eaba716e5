// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_CALL_FILTER_HPP
#define SMALLEST_ATOMS_CALL_FILTER_HPP

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/models/time.hpp>

#include <optional>
#include <string>
#include <vector>

namespace smallest::atoms {

/// Which calls `GET /conversation` lists: every query parameter of the OpenAPI document.
/// Empty lists and unset optionals send nothing (the service's defaults apply: page 1,
/// 5 per page, newest `updatedAt` first). Checked before anything is sent.
///
/// The service's notes: `sort_by = created_at`, `date_from` and `date_to` force a full scan
/// of an organisation's history and can end in a 504 on large accounts; the default order is
/// by `updatedAt`, so a call can move between pages while they are walked.
struct call_filter {
  std::optional<int> page{};                ///< 1-based
  std::optional<int> limit{};               ///< 1–500 (the service clamps above 500 silently; we refuse)
  std::vector<std::string> agent_ids{};     ///< `agentIds`
  std::vector<std::string> campaign_ids{};  ///< `campaignIds`
  std::vector<call_type> call_types{};      ///< `callTypes`
  std::vector<call_status> statuses{};      ///< `statusFilter`
  std::vector<disconnect_reason> disconnect_reasons{};  ///< `disconnectReasonFilter`
  std::vector<call_attempt> call_attempts{};            ///< `callAttemptFilter`
  std::vector<duration_range> durations{};              ///< `durationFilter`
  std::optional<sort_field> sort_by{};                  ///< `sortBy`
  std::optional<sort_order> order{};                    ///< `sortOrder`
  std::optional<timestamp> date_from{};                 ///< `dateFrom`: created at or after
  std::optional<timestamp> date_to{};                   ///< `dateTo`: created at or before
  std::vector<std::string> version_ids{};               ///< `versionFilter`
  std::optional<std::string> search{};                  ///< matches callId, fromNumber or toNumber
};

namespace detail {
/// The query string for `f`, or false with the rule `f` breaks in `why`.
ATOMS_DECL bool call_query(const call_filter& f, std::string& query, std::string& why);
}  // namespace detail

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/call_filter.ipp>
#endif

#endif
