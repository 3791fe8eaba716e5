// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_AGENT_HPP
#define SMALLEST_ATOMS_MODELS_AGENT_HPP

// Agents: what `POST /agent` takes (`agent_create_request`), what `GET /agent/{id}` and
// `GET /agent` answer (`agent`, `agent_page`) and the listing's filter (`agent_filter`).
//
// Decoding is tolerant as for the call models: `null` means nothing, `120.0` is an integer,
// a member of the wrong type throws `detail::json_decode_error` naming its path; the whole
// object is kept in `raw`, so what this library does not model (synthesizer, tools, …) is
// still at hand.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smallest::atoms {

/// `language` of an agent: the default language and those it understands ("en", "hi", …).
struct agent_language {
  /// `default`: must be one of `supported` (the service refuses it otherwise).
  std::string default_language{};
  /// `supported`. Tamil ("ta") cannot be combined with other languages.
  std::vector<std::string> supported{};
};

/// The body of `POST /agent` (the document's `CreateAgentRequest`), with the members a user
/// sets when creating one; any other member of the schema (`synthesizer`, `preCallAPI`, …)
/// goes into `extra`, written as given. The schema has no prompt: a new agent is versioned,
/// and its prompt is set on a draft of its first version, published (see the document's
/// Versioning Lifecycle).
struct agent_create_request {
  std::string name{};                        ///< Required, not empty.
  std::optional<std::string> description{};  ///< `description`
  std::optional<agent_language> language{};  ///< `language`
  /// `slmModel`: the LLM ("electron", "gpt-4o", …); the service's default when not set.
  std::optional<std::string> slm_model{};
  /// `workflowType`: "single_prompt" (the service's default) or "workflow_graph".
  std::optional<std::string> workflow_type{};
  std::optional<std::string> first_message{};  ///< `firstMessage`, at most 500 characters.
  std::optional<std::string> global_prompt{};  ///< `globalPrompt` (workflow_graph agents only).
  /// `telephonyProductId`: ids of phone numbers (see `phone_number::id`) the agent uses.
  std::vector<std::string> telephony_product_ids{};
  /// `defaultVariables`: variables used when a conversation is started without them.
  boost::json::object default_variables{};
  /// `allowInboundCall`
  std::optional<bool> allow_inbound_call{};
  /// Any other member of `CreateAgentRequest`, written after the ones above (which win).
  boost::json::object extra{};
};

/// Versioned fields of an agent (the document's UpdateBranchDraftRequest), written as a
/// draft of its live branch and published together: a new version, live at once.
struct agent_config_update {
  std::optional<std::string> global_prompt{};  ///< `globalPrompt`: the system prompt, every turn.
  std::optional<std::string> first_message{};  ///< `firstMessage`: the opening line.
  /// Any other field of UpdateBranchDraftRequest (`slmModel`, `synthesizer`, `language`, …), as
  /// the service names it; the two above win over the same names here.
  boost::json::object extra{};
};

/// An agent as `GET /agent/{id}` and `GET /agent` return it (a subset of the document's
/// `AgentDTO`; the rest is in `raw`).
struct agent {
  std::string id{};  ///< `_id`. Required.
  std::string name{};
  std::optional<std::string> description{};
  std::optional<std::string> workflow_type{};  ///< `workflowType`
  std::optional<std::string> slm_model{};      ///< `slmModel`
  /// `_resolvedConfig.prompt`: the active version's single prompt, when the service resolved
  /// one (`GET /agent/{id}` does; the listing does not).
  std::optional<std::string> prompt{};
  /// `firstMessage`, else `_resolvedConfig.firstMessage`.
  std::optional<std::string> first_message{};
  std::optional<agent_language> language{};        ///< `language`
  std::optional<bool> archived{};                  ///< `archived`
  std::optional<timestamp> archived_at{};          ///< `archivedAt`
  std::optional<std::int64_t> total_calls{};       ///< `totalCalls`
  std::optional<std::string> active_version_id{};  ///< `activeVersionId` (or `versionId`)
  /// `phoneNumber`: the E.164 numbers linked to the agent; empty when none.
  std::vector<std::string> phone_numbers{};
  std::optional<timestamp> created_at{};  ///< `createdAt`
  std::optional<timestamp> updated_at{};  ///< `updatedAt`
  boost::json::object raw{};              ///< The whole object, as sent.
};

/// The `data` of `GET /agent`: one page of agents.
struct agent_page {
  std::vector<agent> agents{};
  std::optional<std::int64_t> total{};  ///< Agents matching, over all pages.
};

/// The query of `GET /agent`. Every member has a default, so designated initialisers may
/// leave any out.
struct agent_filter {
  std::int64_t page = 1;  ///< 1-based.
  /// The page size, sent as `offset`: the service names its page size so (it is not a count
  /// of items to skip). 10 is the service's default.
  std::int64_t limit = 10;
  std::optional<std::string> search{};  ///< `search`: matched against names.
  /// `archived`: true lists only archived agents; unset (or false) only active ones.
  std::optional<bool> archived{};
  /// `type`: "single_prompt" or "workflow_graph".
  std::optional<std::string> workflow_type{};
};

// ---- JSON mappings -------------------------------------------------------------------------------

ATOMS_DECL agent_language tag_invoke(boost::json::value_to_tag<agent_language>, boost::json::value const& jv);
/// `{"default": …, "supported": […]}`; an empty default is left out.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, agent_language const& l);
/// Writes the document's keys for the members that are set, then `extra`. Does not validate
/// (the client refuses an empty name before sending).
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv,
                           agent_create_request const& r);
/// A missing or non-string `_id` is a `detail::json_decode_error`.
ATOMS_DECL agent tag_invoke(boost::json::value_to_tag<agent>, boost::json::value const& jv);
/// `jv` is the `data` member of the response.
ATOMS_DECL agent_page tag_invoke(boost::json::value_to_tag<agent_page>, boost::json::value const& jv);

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/agent.ipp>
#endif

#endif
