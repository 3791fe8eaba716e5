// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_DETAIL_PLATFORM_HPP
#define SMALLEST_ATOMS_DETAIL_PLATFORM_HPP

// The bodies of the operations on agents, phone numbers, audiences and campaigns, and their
// named initiations.

#include <smallest/atoms/detail/client_fwd.hpp>
#include <smallest/atoms/detail/operation.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/models/agent.hpp>
#include <smallest/atoms/models/audience.hpp>
#include <smallest/atoms/models/campaign.hpp>
#include <smallest/atoms/models/phone_number.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace smallest::atoms::detail {

/// The CSV of an audience upload: the header `phoneNumber` (then `firstName`, `lastName` when
/// some member has one), one row per member, CRLF after every row.
ATOMS_DECL std::string audience_csv(const std::vector<audience_member>& members);

/// nullopt when every member's number is E.164, else a message naming the first that is not.
ATOMS_DECL std::optional<std::string> check_members(const std::vector<audience_member>& members);

ATOMS_DECL asio::awaitable<op_result<std::string>> create_agent(std::shared_ptr<client_state> s,
                                                                agent_create_request r, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<agent>> get_agent(std::shared_ptr<client_state> s, std::string id,
                                                       diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<agent_page>> get_agents(std::shared_ptr<client_state> s, agent_filter f,
                                                             diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<void>> delete_agent(std::shared_ptr<client_state> s, std::string id,
                                                         diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<std::vector<phone_number>>> get_phone_numbers(
    std::shared_ptr<client_state> s, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<audience>> create_audience(std::shared_ptr<client_state> s,
                                                                audience_create_request r, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<audience>> get_audience(std::shared_ptr<client_state> s, std::string id,
                                                             diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<std::vector<audience>>> get_audiences(std::shared_ptr<client_state> s,
                                                                           diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<audience_member_page>> get_audience_members(
    std::shared_ptr<client_state> s, std::string id, page_request p, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<void>> add_audience_members(std::shared_ptr<client_state> s,
                                                                 std::string id,
                                                                 std::vector<audience_member> members,
                                                                 diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<void>> delete_audience(std::shared_ptr<client_state> s, std::string id,
                                                            diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<campaign>> create_campaign(std::shared_ptr<client_state> s,
                                                                campaign_create_request r, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<campaign_details>> get_campaign(std::shared_ptr<client_state> s,
                                                                     std::string id, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<campaign_page>> get_campaigns(std::shared_ptr<client_state> s,
                                                                   campaign_filter f, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<campaign_start>> start_campaign(std::shared_ptr<client_state> s,
                                                                     std::string id, diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<void>> pause_campaign(std::shared_ptr<client_state> s, std::string id,
                                                           diagnostics* diag);
ATOMS_DECL asio::awaitable<op_result<void>> delete_campaign(std::shared_ptr<client_state> s, std::string id,
                                                            diagnostics* diag);

using initiate_create_agent = initiation<client_state, std::string, &create_agent>;
using initiate_get_agent = initiation<client_state, agent, &get_agent>;
using initiate_get_agents = initiation<client_state, agent_page, &get_agents>;
using initiate_delete_agent = initiation<client_state, void, &delete_agent>;
using initiate_get_phone_numbers = initiation<client_state, std::vector<phone_number>, &get_phone_numbers>;
using initiate_create_audience = initiation<client_state, audience, &create_audience>;
using initiate_get_audience = initiation<client_state, audience, &get_audience>;
using initiate_get_audiences = initiation<client_state, std::vector<audience>, &get_audiences>;
using initiate_get_audience_members = initiation<client_state, audience_member_page, &get_audience_members>;
using initiate_add_audience_members = initiation<client_state, void, &add_audience_members>;
using initiate_delete_audience = initiation<client_state, void, &delete_audience>;
using initiate_create_campaign = initiation<client_state, campaign, &create_campaign>;
using initiate_get_campaign = initiation<client_state, campaign_details, &get_campaign>;
using initiate_get_campaigns = initiation<client_state, campaign_page, &get_campaigns>;
using initiate_start_campaign = initiation<client_state, campaign_start, &start_campaign>;
using initiate_pause_campaign = initiation<client_state, void, &pause_campaign>;
using initiate_delete_campaign = initiation<client_state, void, &delete_campaign>;

}  // namespace smallest::atoms::detail

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/platform.ipp>
#endif

#endif
