// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_WEBHOOK_EVENT_HPP
#define SMALLEST_ATOMS_MODELS_WEBHOOK_EVENT_HPP

// The events the service POSTs to a webhook's URL (the OpenAPI document's
// WebhookEventEnvelope, WebhookEventPreConversation, WebhookEventPostConversation,
// WebhookEventAnalyticsCompleted, WebhookEventCallData, WebhookEventAnalyticsMetric).
// Decoding follows the call models: required members are checked, unknown members kept in
// `extra`, a wrong type is a json_decode_error naming its path. Verify the signature first:
// see <smallest/atoms/webhook.hpp>.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/open_enum.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/fwd.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace smallest::atoms {

/// What every event carries (WebhookEventEnvelope).
struct webhook_envelope {
  std::string url;          ///< The URL the event was delivered to.
  std::string description;  ///< The webhook's label.
  std::string event;        ///< `{agentId}.{eventType}`, e.g. "69fc….post-conversation".
  std::string id;           ///< This delivery's id (not the call's).
};

/// `metadata.callData` of post-conversation and analytics-completed (WebhookEventCallData).
struct webhook_call_data {
  std::string from_number;
  std::string to_number;
  double duration = 0;              ///< `callDuration`, in seconds.
  open_enum<call_status> status{};  ///< `callStatus`: completed, no_answer, failed, cancelled.
  /// `callDirection`: telephony_outbound or telephony_inbound; may be absent on analytics-completed.
  std::optional<open_enum<call_type>> direction{};
  std::optional<timestamp> answer_time{};
  std::optional<timestamp> end_time{};
  boost::json::object extra{};  ///< Every other member, as sent.
};

/// `pre-conversation`: before the agent speaks.
struct pre_conversation_event {
  webhook_envelope envelope{};
  std::string agent_id;
  std::string call_id;
  std::string conversation_type;  ///< "telephonyOutbound", "telephonyInbound", …
  std::string to_phone;
  std::string from_phone;
  boost::json::object extra{};  ///< Every other member of `metadata`, as sent.
};

/// `post-conversation`: after the call ends, with the transcript, variables and recording.
struct post_conversation_event {
  webhook_envelope envelope{};
  std::string agent_id;
  std::string call_id;
  std::string conversation_type;
  std::string recording_url;
  webhook_call_data call_data{};
  std::vector<transcript_turn> transcript{};
  boost::json::object variables{};  ///< Fully dynamic, by contract.
  boost::json::object extra{};      ///< Every other member of `metadata`, as sent.
};

/// `metadata.analytics` of analytics-completed. Each metric's `typed()` reads its value by its
/// `dispositionMetricType`.
struct webhook_analytics {
  std::string summary;
  std::vector<disposition_metric> disposition_metrics{};
  std::vector<disposition_metric> success_metrics{};
  boost::json::object extra{};

  /// The disposition metric named `identifier`, or nullptr.
  ATOMS_DECL disposition_metric const* find(std::string_view identifier) const noexcept;
};

/// `analytics-completed`: the post-call analytics, some time after post-conversation.
struct analytics_completed_event {
  webhook_envelope envelope{};
  std::string agent_id;
  std::string call_id;
  std::string conversation_type;
  webhook_analytics analytics{};
  webhook_call_data call_data{};
  boost::json::object extra{};  ///< Every other member of `metadata`, as sent.
};

namespace detail {
/// The decode error of an event whose `metadata.eventType` this library does not know.
class unknown_webhook_event : public json_decode_error {
  using json_decode_error::json_decode_error;
};
}  // namespace detail

/// One delivery, by `metadata.eventType`.
using webhook_event =
    std::variant<pre_conversation_event, post_conversation_event, analytics_completed_event>;

/// The event's name as the service spells it ("pre-conversation", …).
ATOMS_DECL std::string_view event_type_name(const webhook_event& e) noexcept;
/// The call the event is about (`metadata.callId`).
ATOMS_DECL const std::string& event_call_id(const webhook_event& e) noexcept;

ATOMS_DECL webhook_call_data tag_invoke(boost::json::value_to_tag<webhook_call_data>,
                                        boost::json::value const& jv);
ATOMS_DECL webhook_analytics tag_invoke(boost::json::value_to_tag<webhook_analytics>,
                                        boost::json::value const& jv);
/// The whole body: an object with the envelope's members and `metadata`, whose `eventType`
/// picks the alternative. An event type this library does not know is a json_decode_error at
/// `$.metadata.eventType` (webhook.hpp turns it into webhook_errc::unknown_event).
ATOMS_DECL webhook_event tag_invoke(boost::json::value_to_tag<webhook_event>, boost::json::value const& jv);

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/webhook_event.ipp>
#endif

#endif
