// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_WEBHOOK_HPP
#define SMALLEST_ATOMS_MODELS_WEBHOOK_HPP

// Webhooks as the management routes see them: what `POST /webhook` takes
// (`webhook_create_request`) and `PATCH /webhook/{id}` takes (`webhook_update`), what
// `GET /webhook` answers (`webhook`, the document's Webhook) and what
// `GET /agent/{agentId}/webhook-subscriptions` answers (`webhook_subscription`).
//
// The service writes a subscription in two shapes: the agent's subscriptions carry `agentId`
// as a string (WebhookSubscription), a webhook's own carry it populated, an object {_id,
// name, description} or null (WebhookSubscriptionPopulated). `webhook_subscription` reads both.
// Decoding is otherwise as for the other models: unknown members are kept in `extra`, a
// member of the wrong type throws `detail::json_decode_error` naming its path.
//
// A webhook's `secret` is its signing secret: keep it out of logs. The events the service
// delivers are in <smallest/atoms/models/webhook_event.hpp>.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/open_enum.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smallest::atoms {

/// The events a webhook can be subscribed to, for an agent.
enum class webhook_event_type { unknown, pre_conversation, post_conversation, analytics_completed };

template <>
struct enum_spelling<webhook_event_type> {
  static constexpr std::string_view names[] = {"unknown", "pre-conversation", "post-conversation",
                                               "analytics-completed"};
};

/// The service's spelling ("post-conversation"); "unknown" for the unknown value.
ATOMS_DECL std::string_view to_string(webhook_event_type v) noexcept;

/// A webhook's `status`.
enum class webhook_status { unknown, enabled, disabled };

template <>
struct enum_spelling<webhook_status> {
  static constexpr std::string_view names[] = {"unknown", "enabled", "disabled"};
};

/// The service's spelling ("enabled"); "unknown" for the unknown value.
ATOMS_DECL std::string_view to_string(webhook_status v) noexcept;

/// One `events` item of `POST /webhook`: an agent whose events of this type go to the webhook.
struct webhook_event_subscription {
  std::string agent_id{};                                       ///< `agentId`. Required.
  webhook_event_type event_type = webhook_event_type::unknown;  ///< `eventType`. Required.
};

/// The body of `POST /webhook`. Checked before anything is sent (see
/// client::async_create_webhook).
struct webhook_create_request {
  /// `endpoint`: where events are POSTed, an absolute http:// or https:// URL. Required; one
  /// URL can be registered once per organisation.
  std::string endpoint{};
  /// `description`: a label, sent back in every event. Required by the document.
  std::string description{};
  /// `events`: the subscriptions made with the webhook; may be empty (subscribe later with
  /// client::async_set_webhook_subscriptions).
  std::vector<webhook_event_subscription> events{};
};

/// The body of `PATCH /webhook/{id}`: the members set are changed, the others left alone; at
/// least one must be set. Checked before anything is sent (see client::async_update_webhook).
struct webhook_update {
  std::optional<std::string> endpoint{};     ///< `endpoint`: an absolute http(s) URL.
  std::optional<std::string> description{};  ///< `description`
  /// `headers`: custom headers sent with every delivery. A map replaces all of them; an empty
  /// map clears them. At most 10, values up to 1024 characters, names RFC 7230 tokens other
  /// than x-signature, host, content-length, content-type, connection and transfer-encoding.
  std::optional<std::map<std::string, std::string>> headers{};
};

/// `agentId` of a webhook's subscription, populated (the document's WebhookAgent).
struct webhook_agent {
  std::string id{};  ///< `_id`
  std::optional<std::string> name{};
  std::optional<std::string> description{};
  boost::json::object extra{};  ///< Every other member, as sent.
};

/// A subscription: one agent's events of one type going to one webhook (WebhookSubscription,
/// or WebhookSubscriptionPopulated inside a `webhook`).
struct webhook_subscription {
  std::string id{};                         ///< `_id`. Required.
  std::optional<std::string> webhook_id{};  ///< `webhookId`
  /// `agentId` as a string, or the `_id` of the populated agent; nullopt when the service sent
  /// null (the agent is gone).
  std::optional<std::string> agent_id{};
  /// The populated `agentId` object, when the service sent one.
  std::optional<webhook_agent> agent{};
  open_enum<webhook_event_type> event_type{};  ///< `eventType`
  std::optional<timestamp> created_at{};       ///< `createdAt`
  std::optional<timestamp> updated_at{};       ///< `updatedAt`
  boost::json::object extra{};                 ///< Every other member, as sent.
};

/// A webhook as `GET /webhook` returns it (the document's Webhook).
struct webhook {
  std::string id{};   ///< `_id`. Required.
  std::string url{};  ///< `url`: where events are delivered.
  std::optional<std::string> description{};
  open_enum<webhook_status> status{};
  std::optional<std::string> organization_id{};  ///< `organizationId`
  std::optional<std::string> created_by{};       ///< `createdBy`
  std::vector<webhook_subscription> subscriptions{};
  /// `decryptedSecretKey`: the signing secret, the HMAC-SHA256 key of `X-Signature` (see
  /// verify_webhook_signature). A secret: never log it. Empty when not sent.
  std::string secret{};
  std::optional<timestamp> created_at{};  ///< `createdAt`
  std::optional<timestamp> updated_at{};  ///< `updatedAt`
  boost::json::object extra{};            ///< Every other member, as sent (not the secret).
};

// ---- JSON mappings -------------------------------------------------------------------------------

/// `{"agentId", "eventType"}`.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                           webhook_event_subscription const& s);
/// `{"endpoint", "description", "events"}`. Does not validate.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                           webhook_create_request const& r);
/// The members that are set. Does not validate.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, webhook_update const& u);
ATOMS_DECL webhook_agent tag_invoke(boost::json::value_to_tag<webhook_agent>, boost::json::value const& jv);
/// A missing or non-string `_id` is a `detail::json_decode_error`; `agentId` a string, an
/// object or null.
ATOMS_DECL webhook_subscription tag_invoke(boost::json::value_to_tag<webhook_subscription>,
                                           boost::json::value const& jv);
/// A missing or non-string `_id` is a `detail::json_decode_error`.
ATOMS_DECL webhook tag_invoke(boost::json::value_to_tag<webhook>, boost::json::value const& jv);

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/webhook_model.ipp>
#endif

#endif
