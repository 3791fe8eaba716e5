// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_CAMPAIGN_HPP
#define SMALLEST_ATOMS_MODELS_CAMPAIGN_HPP

// Campaigns: an agent calling every member of an audience. What `POST /campaign` takes
// (`campaign_create_request`) and answers, what `GET /campaign/{id}` (`campaign_details`) and
// `GET /campaign` (`campaign_page`) answer, and what `POST /campaign/{id}/start` answers
// (`campaign_start`).
//
// The service writes a campaign in two shapes: `POST /campaign` answers the raw document, with
// `agentId` and `audienceId` strings, while the GETs answer nested `agent` and `audience`
// objects ({_id, name}). `campaign` reads both. Decoding is otherwise as for the other models;
// the whole object is kept in `raw`.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/open_enum.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smallest::atoms {

/// A campaign's `status`. `start` moves a draft (or paused) campaign to `processing`, then
/// `running`; `pause` to `paused`; it ends `completed` or `failed`.
enum class campaign_status { unknown, draft, scheduled, processing, running, paused, completed, failed };

template <>
struct enum_spelling<campaign_status> {
  static constexpr std::string_view names[] = {"unknown", "draft",  "scheduled", "processing",
                                               "running", "paused", "completed", "failed"};
};

/// The service's spelling ("running"); "unknown" for the unknown value.
ATOMS_DECL std::string_view to_string(campaign_status v) noexcept;

/// The body of `POST /campaign`. Checked before anything is sent (see
/// client::async_create_campaign).
struct campaign_create_request {
  std::string name{};         ///< Required, not empty.
  std::string agent_id{};     ///< `agentId`. Required.
  std::string audience_id{};  ///< `audienceId`. Required.
  /// `phoneNumberIds`: caller ids to rotate across (see `phone_number::id`); empty means the
  /// agent's default number.
  std::vector<std::string> phone_number_ids{};
  std::optional<std::string> description{};  ///< `description`
  /// `maxRetries`: 0 to 10 (0 disables retries); the service's default is 3.
  std::optional<std::int64_t> max_retries{};
  /// `retryDelay`: 1 to 1440 minutes between retries of a failed call; the service's default
  /// is 15.
  std::optional<std::chrono::minutes> retry_delay{};
  /// `scheduledAt`: when dialing starts, in the future; the campaign is then created
  /// `scheduled`, otherwise `draft` (and waits for `start`).
  std::optional<timestamp> scheduled_at{};
};

/// A campaign, in either of the service's shapes (see the top of this file).
struct campaign {
  std::string id{};  ///< `_id`. Required.
  std::string name{};
  std::optional<std::string> description{};
  open_enum<campaign_status> status{};
  /// `agent._id` (GET) or `agentId` (create).
  std::optional<std::string> agent_id{};
  /// `agent.name`: only the GETs send it.
  std::optional<std::string> agent_name{};
  /// `audience._id` (GET) or `audienceId` (create).
  std::optional<std::string> audience_id{};
  /// `audience.name`: only the GETs send it.
  std::optional<std::string> audience_name{};
  std::optional<std::int64_t> participants_count{};     ///< `participantsCount`
  std::optional<std::int64_t> max_retries{};            ///< `maxRetries`
  std::optional<std::chrono::minutes> retry_delay{};    ///< `retryDelay`, minutes.
  std::optional<std::int64_t> retry_attempts{};         ///< `retryAttempts`: retries made so far.
  std::optional<timestamp> scheduled_at{};              ///< `scheduledAt`
  std::optional<timestamp> paused_at{};                 ///< `pausedAt`
  std::optional<std::int64_t> cancelled_calls_count{};  ///< `cancelledCallsCount`
  std::optional<std::string> error{};                   ///< `error`: why a failed campaign failed.
  std::optional<timestamp> failed_at{};                 ///< `failedAt`
  std::optional<timestamp> created_at{};                ///< `createdAt`
  std::optional<timestamp> updated_at{};                ///< `updatedAt`
  boost::json::object raw{};                            ///< The whole object, as sent.
};

/// One entry of a campaign's `events` history.
struct campaign_event {
  std::optional<std::string> id{};              ///< `_id`
  std::optional<std::string> trigger_source{};  ///< `triggerSource`
  std::optional<std::string> event_action{};    ///< `eventAction`
  std::optional<timestamp> created_at{};        ///< `createdAt`
  std::optional<timestamp> updated_at{};        ///< `updatedAt`
  boost::json::object raw{};                    ///< The whole object, as sent.
};

/// `metrics` of `GET /campaign/{id}`. Each is nullopt when not sent.
struct campaign_metrics {
  std::optional<std::int64_t> total_participants{};  ///< Contacts in the audience.
  /// Contacts a call was attempted to (ACTIVE, COMPLETED, FAILED, NO_ANSWER).
  std::optional<std::int64_t> contacts_called{};
  /// Contacts who answered and had a conversation (COMPLETED).
  std::optional<std::int64_t> contacts_connected{};
};

/// The `data` of `GET /campaign/{id}`.
struct campaign_details {
  smallest::atoms::campaign campaign{};
  std::vector<campaign_event> events{};
  campaign_metrics metrics{};
};

/// `data.pagination` of `GET /campaign`. Each member is nullopt when not sent.
struct campaign_pagination {
  std::optional<std::int64_t> total{};        ///< Campaigns matching, over all pages.
  std::optional<std::int64_t> page{};         ///< 1-based.
  std::optional<std::int64_t> offset{};       ///< The page size (the service's name for it).
  std::optional<bool> has_more{};             ///< `hasMore`
  std::optional<std::int64_t> total_pages{};  ///< `totalPages`
};

/// The `data` of `GET /campaign`: one page of campaigns.
struct campaign_page {
  std::vector<campaign> campaigns{};
  campaign_pagination pagination{};
  /// `totalCampaignCount`: the organisation's campaigns, unfiltered.
  std::optional<std::int64_t> total_campaign_count{};
};

/// The query of `GET /campaign`. Every member has a default.
struct campaign_filter {
  std::int64_t page = 1;  ///< 1-based.
  /// The page size, sent as `offset` (the service's name for its page size, not a count of
  /// items to skip). 5 is the service's default.
  std::int64_t limit = 5;
  std::optional<campaign_status> status{};  ///< `status`
  std::optional<std::string> search{};      ///< `search`: matched against names.
};

/// The `data` of `POST /campaign/{id}/start` (202): the campaign is queued, not yet running;
/// poll client::async_get_campaign for `running`.
struct campaign_start {
  std::optional<std::string> message{};      ///< "Campaign is being processed"
  std::optional<std::string> task_id{};      ///< `taskId`: the queued job.
  std::optional<std::string> campaign_id{};  ///< `campaignId`
};

// ---- JSON mappings -------------------------------------------------------------------------------

/// Writes `name`, `agentId`, `audienceId`, then the members that are set (`phoneNumberIds`
/// when not empty; `retryDelay` in minutes; `scheduledAt` as ISO-8601). Does not validate.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                           campaign_create_request const& r);
/// Either shape; a missing or non-string `_id` is a `detail::json_decode_error`.
ATOMS_DECL campaign tag_invoke(boost::json::value_to_tag<campaign>, boost::json::value const& jv);
ATOMS_DECL campaign_event tag_invoke(boost::json::value_to_tag<campaign_event>, boost::json::value const& jv);
ATOMS_DECL campaign_metrics tag_invoke(boost::json::value_to_tag<campaign_metrics>,
                                       boost::json::value const& jv);
/// `jv` is the `data` member of the response; a missing `campaign` is a decode error.
ATOMS_DECL campaign_details tag_invoke(boost::json::value_to_tag<campaign_details>,
                                       boost::json::value const& jv);
ATOMS_DECL campaign_pagination tag_invoke(boost::json::value_to_tag<campaign_pagination>,
                                          boost::json::value const& jv);
/// `jv` is the `data` member of the response.
ATOMS_DECL campaign_page tag_invoke(boost::json::value_to_tag<campaign_page>, boost::json::value const& jv);
/// `jv` is the `data` member of the response.
ATOMS_DECL campaign_start tag_invoke(boost::json::value_to_tag<campaign_start>, boost::json::value const& jv);

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/campaign.ipp>
#endif

#endif
