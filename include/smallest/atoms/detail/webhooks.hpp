// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_WEBHOOKS_HPP
#define SMALLEST_ATOMS_DETAIL_WEBHOOKS_HPP

// The bodies of the webhook management operations, and their named initiations.

#include <smallest/atoms/detail/client_fwd.hpp>
#include <smallest/atoms/detail/operation.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/models/webhook.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace smallest::atoms::detail {

/// nullopt when `url` is an absolute http:// or https:// URL with a host, else why not
/// (`what` names the argument).
ATOMS_DECL std::optional<std::string> check_webhook_url(std::string_view url, std::string_view what);

/// nullopt when `headers` keep the document's limits for custom delivery headers, else a
/// message naming the first header that does not.
ATOMS_DECL std::optional<std::string> check_webhook_headers(
    const std::map<std::string, std::string>& headers);

ATOMS_DECL asio::awaitable<op_result<std::string>> create_webhook(std::shared_ptr<client_state> s,
                                                                  webhook_create_request r,
                                                                  diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<std::vector<webhook>>> get_webhooks(std::shared_ptr<client_state> s,
                                                                         diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<webhook>> get_webhook(std::shared_ptr<client_state> s, std::string id,
                                                           diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<std::string>> get_webhook_secret(std::shared_ptr<client_state> s,
                                                                      std::string id, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<void>> update_webhook(std::shared_ptr<client_state> s, std::string id,
                                                           webhook_update u, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<void>> delete_webhook(std::shared_ptr<client_state> s, std::string id,
                                                           diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<std::vector<webhook_subscription>>> get_webhook_subscriptions(
    std::shared_ptr<client_state> s, std::string agent_id, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<void>> set_webhook_subscriptions(std::shared_ptr<client_state> s,
                                                                      std::string agent_id,
                                                                      std::string webhook_id,
                                                                      std::vector<webhook_event_type> types,
                                                                      diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<void>> delete_webhook_subscriptions(std::shared_ptr<client_state> s,
                                                                         std::string agent_id,
                                                                         diagnostics* diag);

using initiate_create_webhook = initiation<client_state, std::string, &create_webhook>;
using initiate_get_webhooks = initiation<client_state, std::vector<webhook>, &get_webhooks>;
using initiate_get_webhook = initiation<client_state, webhook, &get_webhook>;
using initiate_get_webhook_secret = initiation<client_state, std::string, &get_webhook_secret>;
using initiate_update_webhook = initiation<client_state, void, &update_webhook>;
using initiate_delete_webhook = initiation<client_state, void, &delete_webhook>;
using initiate_get_webhook_subscriptions =
    initiation<client_state, std::vector<webhook_subscription>, &get_webhook_subscriptions>;
using initiate_set_webhook_subscriptions = initiation<client_state, void, &set_webhook_subscriptions>;
using initiate_delete_webhook_subscriptions = initiation<client_state, void, &delete_webhook_subscriptions>;

}  // namespace smallest::atoms::detail

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/webhooks.ipp>
#endif

#endif
