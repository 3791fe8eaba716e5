// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_CLIENT_HPP
#define SMALLEST_ATOMS_CLIENT_HPP

#include <smallest/atoms/call_filter.hpp>
#include <smallest/atoms/call_range.hpp>
#include <smallest/atoms/detail/calls.hpp>
#include <smallest/atoms/detail/client_fwd.hpp>
#include <smallest/atoms/detail/operation.hpp>
#include <smallest/atoms/detail/platform.hpp>
#include <smallest/atoms/detail/webhooks.hpp>
#include <smallest/atoms/details_range.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/models/agent.hpp>
#include <smallest/atoms/models/audience.hpp>
#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/models/campaign.hpp>
#include <smallest/atoms/models/phone_number.hpp>
#include <smallest/atoms/models/post_call_config.hpp>
#include <smallest/atoms/models/webhook.hpp>
#include <smallest/atoms/options.hpp>

#include <boost/asio/async_result.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace smallest::atoms {

namespace detail {
ATOMS_DECL asio::awaitable<op_result<std::vector<call_result>>> get_calls_details(
    std::shared_ptr<client_state> s, std::vector<std::string> ids, bulk_options opts);
using initiate_get_call = initiation<client_state, call_details, &get_call>;
using initiate_get_calls = initiation<client_state, call_page, &get_calls>;
using initiate_get_calls_details = initiation<client_state, std::vector<call_result>, &get_calls_details>;
ATOMS_DECL asio::awaitable<op_result<search_result>> search_calls(std::shared_ptr<client_state> s,
                                                                  std::vector<std::string> call_ids,
                                                                  diagnostics* diag);
using initiate_search_calls = initiation<client_state, search_result, &search_calls>;
ATOMS_DECL asio::awaitable<op_result<post_call_config>> get_post_call_config(std::shared_ptr<client_state> s,
                                                                             std::string agent_id,
                                                                             diagnostics* diag);
using initiate_get_post_call_config = initiation<client_state, post_call_config, &get_post_call_config>;
ATOMS_DECL asio::awaitable<op_result<post_call_config>> set_post_call_config(std::shared_ptr<client_state> s,
                                                                             std::string agent_id,
                                                                             post_call_config config,
                                                                             diagnostics* diag);
using initiate_set_post_call_config = initiation<client_state, post_call_config, &set_post_call_config>;
ATOMS_DECL asio::awaitable<op_result<void>> update_agent_config(std::shared_ptr<client_state> s,
                                                                std::string agent_id,
                                                                agent_config_update update,
                                                                diagnostics* diag);
using initiate_update_agent_config = initiation<client_state, void, &update_agent_config>;
ATOMS_DECL asio::awaitable<op_result<std::string>> get_recording_url(std::shared_ptr<client_state> s,
                                                                     std::string call_id, diagnostics* diag);
using initiate_get_recording_url = initiation<client_state, std::string, &get_recording_url>;
ATOMS_DECL asio::awaitable<op_result<std::uint64_t>> download_recording(std::shared_ptr<client_state> s,
                                                                        std::string call_id,
                                                                        std::filesystem::path path,
                                                                        diagnostics* diag);
// Bounded by request_timeout per read instead of an overall deadline: recordings can be long.
using initiate_download_recording = initiation<client_state, std::uint64_t, &download_recording, false>;
}  // namespace detail

/// A client of the Atoms API.
///
/// Constructing one does no I/O; it validates the options (std::invalid_argument otherwise).
/// Copies share one connection pool. Every operation is an Asio asynchronous operation:
/// any completion token, `asio::deferred` by default, so inside an `asio::awaitable`
/// a plain `co_await client.async_x(...)` returns the result and throws
/// boost::system::system_error on failure, while `asio::as_tuple(asio::deferred)` never throws.
/// Safe to use from several threads of one io_context at once.
class client {
 public:
  using executor_type = asio::any_io_executor;

  /// Operations run on `ex` (and on strands of it); handlers run on their associated
  /// executor, `ex` by default.
  ATOMS_DECL client(executor_type ex, client_options opts);

  ATOMS_DECL executor_type get_executor() const noexcept;
  ATOMS_DECL const client_options& options() const noexcept;

  /// Connections open to the API now (idle or in use).
  ATOMS_DECL std::size_t open_connections() const;

  /// This client with another retry policy, for the calls that need one:
  ///   co_await client.with_retry({.max_attempts = 1}).async_get_call(id);   // fail fast
  /// Shares everything else (the connection pool, the TLS context, the rate limit) with
  /// `*this`; cheap (one allocation). Throws std::invalid_argument for an invalid policy.
  ATOMS_DECL client with_retry(retry_policy policy) const;

  /// Fetches one call: status, duration, numbers, transcript, recordings, cost, latency and
  /// post-call analytics (`GET /conversation/{id}`).
  ///
  /// - Completion signature: `void(error_code, call_details)`.
  /// - Lifetimes: arguments are taken by value; `diag` must outlive the operation. The client
  ///   object itself may be destroyed while the operation runs.
  /// - Executor: the handler runs on its associated executor (the client's by default),
  ///   never inside this call.
  /// - Cancellation: terminal. The connection in use is closed, never reused, and the handler
  ///   gets asio::error::operation_aborted.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..` (nothing is sent);
  ///   errc::missing_api_key; HTTP statuses (`ec == condition::not_found` for an unknown id);
  ///   transport and TLS codes; errc::decode_error with the JSON path in `diag.message`.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, call_details))
                CompletionToken = detail::default_token>
  auto async_get_call(std::string call_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, call_details)>(
        detail::initiate_get_call{state_}, token, std::move(call_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, call_details))
                CompletionToken = detail::default_token>
  auto async_get_call(std::string call_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, call_details)>(
        detail::initiate_get_call{state_}, token, std::move(call_id), static_cast<diagnostics*>(nullptr));
  }

  /// Lists one page of call logs (`GET /conversation`): the logs, the pagination
  /// (`total`, `page`, `limit`, `has_more`, `total_pages`) and the organisation's
  /// disposition metrics configuration.
  ///
  /// - Completion signature: `void(error_code, call_page)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument, with the rule in `diag.message`, for a filter the
  ///   service would refuse or misread (limit outside 1–500, page < 1, an empty id or one
  ///   holding ',', date_from after date_to); nothing is sent. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, call_page))
                CompletionToken = detail::default_token>
  auto async_get_calls(call_filter filter, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, call_page)>(
        detail::initiate_get_calls{state_}, token, std::move(filter), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, call_page))
                CompletionToken = detail::default_token>
  auto async_get_calls(call_filter filter, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, call_page)>(
        detail::initiate_get_calls{state_}, token, std::move(filter), static_cast<diagnostics*>(nullptr));
  }

  /// Fetches the details of many calls at once (`GET /conversation/{id}` each), at most
  /// `opts.concurrency` requests in flight, and returns one result per id, in the order given:
  /// the details, or the error for that id (a 404 for one id does not fail the others).
  ///
  /// - Completion signature: `void(error_code, std::vector<call_result>)`. The error_code is
  ///   set only when the whole operation failed: errc::invalid_argument when an id is empty,
  ///   `.` or `..` (nothing is sent; that id's result says which), or operation_aborted after a cancellation,
  ///   with the results obtained so far (the others carry operation_aborted too).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::vector<call_result>))
                CompletionToken = detail::default_token>
  auto async_get_calls_details(std::vector<std::string> call_ids, bulk_options opts = {},
                               CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::vector<call_result>)>(
        detail::initiate_get_calls_details{state_}, token, std::move(call_ids), opts);
  }

  /// Every call log `filter` matches, across pages, fetched lazily as the range is advanced
  /// (see call_range). `filter.page` is where the walk starts (1 by default); `filter.limit`
  /// is replaced by `opts.page_size`. No I/O until the first `async_next`; a filter or
  /// options the service would refuse fail that first operation with errc::invalid_argument.
  call_range calls(call_filter filter, range_options opts = {}) const {
    return call_range(state_, std::move(filter), std::move(opts));
  }

  /// The export pipeline: walks `calls(filter, range)` and fetches each log's details, at
  /// most `bulk.concurrency` at once, yielding them in the walk's order (see
  /// call_details_range). Memory stays at the window plus the range's two pages.
  call_details_range calls_with_details(call_filter filter, range_options range = {},
                                        bulk_options bulk = {}) const {
    return call_details_range(state_, calls(std::move(filter), std::move(range)), bulk);
  }

  /// Fetches the calls with the given ids (`POST /conversation/search`), any number of them:
  /// none sends nothing; the service's limit of 100 per request is met by sending chunks of
  /// 100, up to `client_options::bulk_concurrency` at once. A repeated id is asked for once.
  ///
  /// - Completion signature: `void(error_code, search_result)`. `logs` are in the order of
  ///   the ids asked for; `missing` lists, in that order, the ids the service did not return
  ///   (unknown, or not the organisation's); `requested_count` counts distinct ids.
  ///   The service does not fill three members of a searched log (see call_log).
  /// - Retried once on a fresh connection if a pooled one turns out dead, although it is a
  ///   POST: it is a read.
  /// - Errors: errc::invalid_argument for an empty id (its index in `diag.message`); the first
  ///   failing chunk's error, after which the other chunks are cancelled. Otherwise as
  ///   async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, search_result))
                CompletionToken = detail::default_token>
  auto async_search_calls(std::vector<std::string> call_ids, diagnostics& diag,
                          CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, search_result)>(
        detail::initiate_search_calls{state_}, token, std::move(call_ids), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, search_result))
                CompletionToken = detail::default_token>
  auto async_search_calls(std::vector<std::string> call_ids, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, search_result)>(
        detail::initiate_search_calls{state_}, token, std::move(call_ids),
        static_cast<diagnostics*>(nullptr));
  }

  /// Reads an agent's post-call analytics configuration: the summary prompt and the
  /// disposition metrics. Asks `GET /agent/{id}/post-call-analytics` (the product page's
  /// route); when that answers 404, reads `_resolvedConfig.postCallAnalyticsConfig` of
  /// `GET /agent/{id}` (the OpenAPI document's route). An agent with no configuration yields
  /// an empty one.
  ///
  /// - Completion signature: `void(error_code, post_call_config)`.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..`; an unknown agent is
  ///   whatever the service answers (400 "No agent found" today). Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, post_call_config))
                CompletionToken = detail::default_token>
  auto async_get_post_call_config(std::string agent_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, post_call_config)>(
        detail::initiate_get_post_call_config{state_}, token, std::move(agent_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, post_call_config))
                CompletionToken = detail::default_token>
  auto async_get_post_call_config(std::string agent_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, post_call_config)>(
        detail::initiate_get_post_call_config{state_}, token, std::move(agent_id),
        static_cast<diagnostics*>(nullptr));
  }

  /// Replaces an agent's post-call analytics configuration. `validate(config)` runs first: a
  /// configuration the service would refuse fails with errc::invalid_argument, the metric and
  /// the rule in `diag.message`, and nothing is sent. Then `POST
  /// /agent/{id}/post-call-analytics` (the page's route); when that answers 404, the OpenAPI
  /// document's route: the agent's live branch (`GET /agent/{id}/branches`, `isLive`, else
  /// `isDefault`) gets a draft holding `postCallAnalyticsConfig` (`PUT
  /// .../branches/{branchId}/draft`), which is published (`POST .../draft/publish`). A publish
  /// the service answers 202 ("scanning") goes live once its security scan passes.
  ///
  /// - Completion signature: `void(error_code, post_call_config)`: the configuration as the
  ///   service stored it (the page's route answers it), or as sent (the branch route does not).
  /// - An overwrite, so retried like a read on a dead pooled connection.
  /// - Errors: as async_get_post_call_config; the service's own validation messages, if it
  ///   refuses anyway, are in `diag.message`.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, post_call_config))
                CompletionToken = detail::default_token>
  auto async_set_post_call_config(std::string agent_id, post_call_config config, diagnostics& diag,
                                  CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, post_call_config)>(
        detail::initiate_set_post_call_config{state_}, token, std::move(agent_id), std::move(config), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, post_call_config))
                CompletionToken = detail::default_token>
  auto async_set_post_call_config(std::string agent_id, post_call_config config,
                                  CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, post_call_config)>(
        detail::initiate_set_post_call_config{state_}, token, std::move(agent_id), std::move(config),
        static_cast<diagnostics*>(nullptr));
  }

  /// Mints a time-limited URL for a call's recording (`GET
  /// /conversation/{callId}/recording/download-url`, `presignedUrl`). It expires within
  /// minutes: use it at once, never cache it. It needs no key, and this library never sends
  /// the key to it.
  ///
  /// - Completion signature: `void(error_code, std::string)`.
  /// - Errors: `condition::not_found` when the call has no recording (yet); 400 for an id that
  ///   is not a callId. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::string))
                CompletionToken = detail::default_token>
  auto async_get_recording_url(std::string call_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::string)>(
        detail::initiate_get_recording_url{state_}, token, std::move(call_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::string))
                CompletionToken = detail::default_token>
  auto async_get_recording_url(std::string call_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::string)>(
        detail::initiate_get_recording_url{state_}, token, std::move(call_id),
        static_cast<diagnostics*>(nullptr));
  }

  /// Downloads a call's recording to the file `path`: mints a URL, then streams the body to
  /// disk as it arrives (memory stays at one read buffer, whatever the size). The bytes go to
  /// `path` + ".part", renamed to `path` once complete, so `path` never holds a partial file;
  /// on failure nothing is left behind. A URL that has expired (403) is minted again, once.
  /// The download uses connections of its own to the recording's origin and never carries
  /// the API key; an http:// recording URL is refused when the API is reached over https.
  ///
  /// - Completion signature: `void(error_code, std::uint64_t)`: the bytes written.
  /// - Timeouts: `request_timeout` bounds the wait for the answer and each wait for more
  ///   bytes, not the whole transfer. At most `client_options::max_download_size` bytes.
  /// - Errors: as async_get_recording_url; the recording origin's HTTP status (a 403 after
  ///   the second URL, say); errc::unexpected_response for a URL that is not http(s);
  ///   file-system errors opening or renaming the file.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::uint64_t))
                CompletionToken = detail::default_token>
  auto async_download_recording(std::string call_id, std::filesystem::path path, diagnostics& diag,
                                CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::uint64_t)>(
        detail::initiate_download_recording{state_}, token, std::move(call_id), std::move(path), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::uint64_t))
                CompletionToken = detail::default_token>
  auto async_download_recording(std::string call_id, std::filesystem::path path,
                                CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::uint64_t)>(
        detail::initiate_download_recording{state_}, token, std::move(call_id), std::move(path),
        static_cast<diagnostics*>(nullptr));
  }

  // ---- agents, phone numbers, audiences, campaigns ------------------------------------------

  /// Creates an agent (`POST /agent`, 201) and returns its id. The service creates it
  /// versioned, with an initial version; its prompt is set on a draft of that version.
  ///
  /// - Completion signature: `void(error_code, std::string)`: the new agent's id.
  /// - Lifetimes: arguments are taken by value; `diag` must outlive the operation.
  /// - Executor: the handler runs on its associated executor (the client's by default),
  ///   never inside this call.
  /// - Cancellation: terminal, as async_get_call.
  /// - Not sent again on a dead pooled connection once it may have arrived: it creates.
  /// - Errors: errc::invalid_argument for an empty name (nothing is sent); the service's
  ///   400 with its messages in `diag.message`. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::string))
                CompletionToken = detail::default_token>
  auto async_create_agent(agent_create_request request, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::string)>(
        detail::initiate_create_agent{state_}, token, std::move(request), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::string))
                CompletionToken = detail::default_token>
  auto async_create_agent(agent_create_request request, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::string)>(
        detail::initiate_create_agent{state_}, token, std::move(request), static_cast<diagnostics*>(nullptr));
  }

  /// Fetches one agent (`GET /agent/{id}`), with its active version's resolved prompt.
  ///
  /// - Completion signature: `void(error_code, agent)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..` (nothing is sent); an
  ///   unknown agent is a 400 ("No agent found"), not a 404. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, agent)) CompletionToken = detail::default_token>
  auto async_get_agent(std::string agent_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, agent)>(detail::initiate_get_agent{state_},
                                                                          token, std::move(agent_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, agent)) CompletionToken = detail::default_token>
  auto async_get_agent(std::string agent_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, agent)>(
        detail::initiate_get_agent{state_}, token, std::move(agent_id), static_cast<diagnostics*>(nullptr));
  }

  /// Lists one page of the organisation's agents (`GET /agent?page=&offset=&…`).
  ///
  /// - Completion signature: `void(error_code, agent_page)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for page or limit below 1 (nothing is sent). Otherwise
  ///   as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, agent_page))
                CompletionToken = detail::default_token>
  auto async_get_agents(agent_filter filter, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, agent_page)>(
        detail::initiate_get_agents{state_}, token, std::move(filter), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, agent_page))
                CompletionToken = detail::default_token>
  auto async_get_agents(agent_filter filter, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, agent_page)>(
        detail::initiate_get_agents{state_}, token, std::move(filter), static_cast<diagnostics*>(nullptr));
  }

  /// Changes an agent's versioned fields (its prompt, first message, …): they are written as
  /// a draft of the agent's live branch (`GET /agent/{id}/branches`, `isLive`, else
  /// `isDefault`; `PUT …/branches/{branchId}/draft`) and published (`POST …/draft/publish`),
  /// which makes a new version, live at once (or once its security scan passes, when the
  /// service answers the publish 202). The document's CreateAgentRequest has no prompt: this is
  /// how a new agent gets one.
  ///
  /// - Completion signature: `void(error_code)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - An overwrite, so retried like a read on a dead pooled connection.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..`, or an update with no field
  ///   (nothing is sent); errc::unexpected_response when the agent has no live or default
  ///   branch. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_update_agent_config(std::string agent_id, agent_config_update update, diagnostics& diag,
                                 CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_update_agent_config{state_}, token, std::move(agent_id), std::move(update), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_update_agent_config(std::string agent_id, agent_config_update update,
                                 CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_update_agent_config{state_}, token, std::move(agent_id), std::move(update),
        static_cast<diagnostics*>(nullptr));
  }

  /// Archives an agent (`DELETE /agent/{id}/archive`): it leaves the listings and takes no
  /// more calls; its data is kept. An agent a campaign uses cannot be archived: delete the
  /// campaign first (async_delete_campaign).
  ///
  /// - Completion signature: `void(error_code)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..` (nothing is sent);
  ///   `make_http_error(409)` while a campaign uses it or when it is archived already, the
  ///   service's words in `diag.message`. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_delete_agent(std::string agent_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(detail::initiate_delete_agent{state_},
                                                                   token, std::move(agent_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_delete_agent(std::string agent_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(detail::initiate_delete_agent{state_},
                                                                   token, std::move(agent_id),
                                                                   static_cast<diagnostics*>(nullptr));
  }

  /// Lists the organisation's phone numbers bought on the platform (`GET
  /// /product/phone-numbers`); imported SIP numbers are not among them.
  ///
  /// - Completion signature: `void(error_code, std::vector<phone_number>)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::vector<phone_number>))
                CompletionToken = detail::default_token>
  auto async_get_phone_numbers(diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::vector<phone_number>)>(
        detail::initiate_get_phone_numbers{state_}, token, &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::vector<phone_number>))
                CompletionToken = detail::default_token>
  auto async_get_phone_numbers(CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::vector<phone_number>)>(
        detail::initiate_get_phone_numbers{state_}, token, static_cast<diagnostics*>(nullptr));
  }

  /// Creates an audience (`POST /audience`, 200) from its members, uploaded as a CSV file
  /// (`phoneNumber,firstName,lastName`, RFC 4180, UTF-8) in a multipart/form-data form.
  /// Every member is checked first: a number that is not E.164 (see is_e164) fails with
  /// errc::invalid_argument naming the member, e.g. `members[2].phone_number "0155" is not
  /// E.164 (+ and 8 to 15 digits)`, and nothing is sent.
  ///
  /// - Completion signature: `void(error_code, audience)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Not sent again on a dead pooled connection once it may have arrived: it creates.
  /// - Errors: errc::invalid_argument for an empty name, no members or a number that is not
  ///   E.164; the service's 400 (duplicate numbers, too many members) with its words in
  ///   `diag.message`. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, audience))
                CompletionToken = detail::default_token>
  auto async_create_audience(audience_create_request request, diagnostics& diag,
                             CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, audience)>(
        detail::initiate_create_audience{state_}, token, std::move(request), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, audience))
                CompletionToken = detail::default_token>
  auto async_create_audience(audience_create_request request, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, audience)>(
        detail::initiate_create_audience{state_}, token, std::move(request),
        static_cast<diagnostics*>(nullptr));
  }

  /// Fetches one audience (`GET /audience/{id}`).
  ///
  /// - Completion signature: `void(error_code, audience)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..`; `condition::not_found`
  ///   for an unknown audience (or another organisation's). Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, audience))
                CompletionToken = detail::default_token>
  auto async_get_audience(std::string audience_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, audience)>(
        detail::initiate_get_audience{state_}, token, std::move(audience_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, audience))
                CompletionToken = detail::default_token>
  auto async_get_audience(std::string audience_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, audience)>(
        detail::initiate_get_audience{state_}, token, std::move(audience_id),
        static_cast<diagnostics*>(nullptr));
  }

  /// Lists every audience of the organisation (`GET /audience`; not paginated), with their
  /// member counts and the campaigns using them.
  ///
  /// - Completion signature: `void(error_code, std::vector<audience>)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::vector<audience>))
                CompletionToken = detail::default_token>
  auto async_get_audiences(diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::vector<audience>)>(
        detail::initiate_get_audiences{state_}, token, &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::vector<audience>))
                CompletionToken = detail::default_token>
  auto async_get_audiences(CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::vector<audience>)>(
        detail::initiate_get_audiences{state_}, token, static_cast<diagnostics*>(nullptr));
  }

  /// Lists one page of an audience's members (`GET /audience/{id}/members?page=&offset=`).
  ///
  /// - Completion signature: `void(error_code, audience_member_page)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..`, or page or limit below 1
  ///   (nothing is sent). Otherwise as async_get_audience.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, audience_member_page))
                CompletionToken = detail::default_token>
  auto async_get_audience_members(std::string audience_id, page_request page, diagnostics& diag,
                                  CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, audience_member_page)>(
        detail::initiate_get_audience_members{state_}, token, std::move(audience_id), std::move(page), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, audience_member_page))
                CompletionToken = detail::default_token>
  auto async_get_audience_members(std::string audience_id, page_request page, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, audience_member_page)>(
        detail::initiate_get_audience_members{state_}, token, std::move(audience_id), std::move(page),
        static_cast<diagnostics*>(nullptr));
  }

  /// Adds members to an audience (`POST /audience/{id}/members`, JSON), checked first as
  /// async_create_audience checks them. The service skips numbers the audience has already.
  ///
  /// - Completion signature: `void(error_code)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Not sent again on a dead pooled connection once it may have arrived.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..`, no members or a number
  ///   that is not E.164 (nothing is sent); the service's 400 (the audience's limit) with its
  ///   words in `diag.message`. Otherwise as async_get_audience.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_add_audience_members(std::string audience_id, std::vector<audience_member> members,
                                  diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_add_audience_members{state_}, token, std::move(audience_id), std::move(members),
        &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_add_audience_members(std::string audience_id, std::vector<audience_member> members,
                                  CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_add_audience_members{state_}, token, std::move(audience_id), std::move(members),
        static_cast<diagnostics*>(nullptr));
  }

  /// Deletes an audience (`DELETE /audience/{id}`). An audience a campaign uses cannot be
  /// deleted (400): delete the campaign first.
  ///
  /// - Completion signature: `void(error_code)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..`; 400 while a campaign uses
  ///   it, the service's words in `diag.message`. Otherwise as async_get_audience.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_delete_audience(std::string audience_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(detail::initiate_delete_audience{state_},
                                                                   token, std::move(audience_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_delete_audience(std::string audience_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(detail::initiate_delete_audience{state_},
                                                                   token, std::move(audience_id),
                                                                   static_cast<diagnostics*>(nullptr));
  }

  /// Creates a campaign (`POST /campaign`, 201): `draft`, or `scheduled` with a
  /// `scheduled_at`. It does not dial until started (async_start_campaign) or scheduled.
  ///
  /// - Completion signature: `void(error_code, campaign)`: the campaign as created (ids of
  ///   the agent and audience, no names).
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Not sent again on a dead pooled connection once it may have arrived: it creates.
  /// - Errors: errc::invalid_argument, the rule in `diag.message`, for an empty name, agent_id
  ///   or audience_id (or `.`, `..`), an empty phone number id, max_retries outside 0–10 or
  ///   retry_delay outside 1–1440 minutes (nothing is sent). Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, campaign))
                CompletionToken = detail::default_token>
  auto async_create_campaign(campaign_create_request request, diagnostics& diag,
                             CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, campaign)>(
        detail::initiate_create_campaign{state_}, token, std::move(request), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, campaign))
                CompletionToken = detail::default_token>
  auto async_create_campaign(campaign_create_request request, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, campaign)>(
        detail::initiate_create_campaign{state_}, token, std::move(request),
        static_cast<diagnostics*>(nullptr));
  }

  /// Fetches one campaign with its events and metrics (`GET /campaign/{id}`): poll it to
  /// follow a started campaign (`processing`, `running`, `completed`).
  ///
  /// - Completion signature: `void(error_code, campaign_details)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..`. Otherwise as
  ///   async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, campaign_details))
                CompletionToken = detail::default_token>
  auto async_get_campaign(std::string campaign_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, campaign_details)>(
        detail::initiate_get_campaign{state_}, token, std::move(campaign_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, campaign_details))
                CompletionToken = detail::default_token>
  auto async_get_campaign(std::string campaign_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, campaign_details)>(
        detail::initiate_get_campaign{state_}, token, std::move(campaign_id),
        static_cast<diagnostics*>(nullptr));
  }

  /// Lists one page of the organisation's campaigns (`GET /campaign?page=&offset=&…`).
  ///
  /// - Completion signature: `void(error_code, campaign_page)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for page or limit below 1 or a status of `unknown`
  ///   (nothing is sent). Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, campaign_page))
                CompletionToken = detail::default_token>
  auto async_get_campaigns(campaign_filter filter, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, campaign_page)>(
        detail::initiate_get_campaigns{state_}, token, std::move(filter), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, campaign_page))
                CompletionToken = detail::default_token>
  auto async_get_campaigns(campaign_filter filter, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, campaign_page)>(
        detail::initiate_get_campaigns{state_}, token, std::move(filter), static_cast<diagnostics*>(nullptr));
  }

  /// Starts a campaign, or resumes a paused one (`POST /campaign/{id}/start`, 202). The
  /// service queues it and answers at once: the campaign is not running yet; poll
  /// async_get_campaign for `running`.
  ///
  /// - Completion signature: `void(error_code, campaign_start)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Not sent again on a dead pooled connection once it may have arrived.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..`; `condition::not_found` for
  ///   an unknown campaign. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, campaign_start))
                CompletionToken = detail::default_token>
  auto async_start_campaign(std::string campaign_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, campaign_start)>(
        detail::initiate_start_campaign{state_}, token, std::move(campaign_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, campaign_start))
                CompletionToken = detail::default_token>
  auto async_start_campaign(std::string campaign_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, campaign_start)>(
        detail::initiate_start_campaign{state_}, token, std::move(campaign_id),
        static_cast<diagnostics*>(nullptr));
  }

  /// Pauses a campaign (`POST /campaign/{id}/pause`). The service queues the pause and
  /// answers at once: poll async_get_campaign for `paused`. There is no stop: pause, or delete.
  ///
  /// - Completion signature: `void(error_code)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Retried like a read on a dead pooled connection: pausing twice pauses once.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..`. Otherwise as
  ///   async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_pause_campaign(std::string campaign_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(detail::initiate_pause_campaign{state_},
                                                                   token, std::move(campaign_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_pause_campaign(std::string campaign_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(detail::initiate_pause_campaign{state_},
                                                                   token, std::move(campaign_id),
                                                                   static_cast<diagnostics*>(nullptr));
  }

  /// Deletes a campaign (`DELETE /campaign/{id}`); its agent and audience can then be
  /// archived and deleted.
  ///
  /// - Completion signature: `void(error_code)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..`; `condition::not_found` for
  ///   an unknown campaign. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_delete_campaign(std::string campaign_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(detail::initiate_delete_campaign{state_},
                                                                   token, std::move(campaign_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_delete_campaign(std::string campaign_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(detail::initiate_delete_campaign{state_},
                                                                   token, std::move(campaign_id),
                                                                   static_cast<diagnostics*>(nullptr));
  }

  // ---- webhooks ------------------------------------------------------------------------------

  /// Creates a webhook (`POST /webhook`, 201) and returns its id; its signing secret is
  /// then read with async_get_webhook_secret. `request.events` subscribes agents at once.
  ///
  /// - Completion signature: `void(error_code, std::string)`: the new webhook's id.
  /// - Lifetimes: arguments are taken by value; `diag` must outlive the operation.
  /// - Executor: the handler runs on its associated executor (the client's by default),
  ///   never inside this call.
  /// - Cancellation: terminal, as async_get_call.
  /// - Not sent again on a dead pooled connection once it may have arrived: it creates.
  /// - Errors: errc::invalid_argument (nothing is sent) for an endpoint that is not an
  ///   absolute http(s) URL, an empty description, or an event with an empty agent id or
  ///   the unknown type; a 400 "A webhook with this URL has already been registered" for a
  ///   URL the organisation has already, and the service's other 400s, its words in
  ///   `diag.message`. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::string))
                CompletionToken = detail::default_token>
  auto async_create_webhook(webhook_create_request request, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::string)>(
        detail::initiate_create_webhook{state_}, token, std::move(request), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::string))
                CompletionToken = detail::default_token>
  auto async_create_webhook(webhook_create_request request, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::string)>(
        detail::initiate_create_webhook{state_}, token, std::move(request),
        static_cast<diagnostics*>(nullptr));
  }

  /// Lists the organisation's webhooks (`GET /webhook`), each with its subscriptions
  /// (agents populated) and its signing secret (`webhook::secret`).
  ///
  /// - Completion signature: `void(error_code, std::vector<webhook>)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Secrets: no excerpt of the answer's body ever goes into `diag`, whatever went wrong.
  /// - Errors: as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::vector<webhook>))
                CompletionToken = detail::default_token>
  auto async_get_webhooks(diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::vector<webhook>)>(
        detail::initiate_get_webhooks{state_}, token, &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::vector<webhook>))
                CompletionToken = detail::default_token>
  auto async_get_webhooks(CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::vector<webhook>)>(
        detail::initiate_get_webhooks{state_}, token, static_cast<diagnostics*>(nullptr));
  }

  /// Fetches one webhook (`GET /webhook?webhookId=`), with its subscriptions and its signing
  /// secret. The document answers one Webhook; an array is read too (its element with this
  /// id, or its only element).
  ///
  /// - Completion signature: `void(error_code, webhook)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Secrets: no excerpt of the answer's body ever goes into `diag`, whatever went wrong.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..` (nothing is sent);
  ///   `condition::not_found` for an unknown webhook, whether the service answers 404 or a
  ///   success without it (null, an empty array); a 400 for an id that is not an ObjectId.
  ///   Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, webhook))
                CompletionToken = detail::default_token>
  auto async_get_webhook(std::string webhook_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, webhook)>(
        detail::initiate_get_webhook{state_}, token, std::move(webhook_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, webhook))
                CompletionToken = detail::default_token>
  auto async_get_webhook(std::string webhook_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, webhook)>(
        detail::initiate_get_webhook{state_}, token, std::move(webhook_id),
        static_cast<diagnostics*>(nullptr));
  }

  /// A webhook's signing secret (`decryptedSecretKey`), the key of verify_webhook_signature
  /// and webhook_receiver_options::secret: async_get_webhook, keeping only the secret.
  ///
  /// - Completion signature: `void(error_code, std::string)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Secrets: the secret is in the result only, never in `diag`.
  /// - Errors: as async_get_webhook; errc::decode_error when the webhook has no secret.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::string))
                CompletionToken = detail::default_token>
  auto async_get_webhook_secret(std::string webhook_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::string)>(
        detail::initiate_get_webhook_secret{state_}, token, std::move(webhook_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::string))
                CompletionToken = detail::default_token>
  auto async_get_webhook_secret(std::string webhook_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::string)>(
        detail::initiate_get_webhook_secret{state_}, token, std::move(webhook_id),
        static_cast<diagnostics*>(nullptr));
  }

  /// Changes a webhook's endpoint, description or custom delivery headers (`PATCH
  /// /webhook/{id}`); its subscriptions are changed with async_set_webhook_subscriptions.
  /// `update.headers` replaces every custom header (an empty map clears them).
  ///
  /// - Completion signature: `void(error_code)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - An overwrite, so retried like a read on a dead pooled connection.
  /// - Errors: errc::invalid_argument (nothing is sent) for an empty id, `.` or `..`, an
  ///   update with no member set, an endpoint that is not an absolute http(s) URL, or headers
  ///   beyond the document's limits (more than 10, a value over 1024 characters or with a
  ///   control character, a name that is not an RFC 7230 token or is reserved: x-signature,
  ///   host, content-length, content-type, connection, transfer-encoding, in any case);
  ///   `condition::not_found` for an unknown webhook. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_update_webhook(std::string webhook_id, webhook_update update, diagnostics& diag,
                            CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_update_webhook{state_}, token, std::move(webhook_id), std::move(update), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_update_webhook(std::string webhook_id, webhook_update update, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_update_webhook{state_}, token, std::move(webhook_id), std::move(update),
        static_cast<diagnostics*>(nullptr));
  }

  /// Deletes a webhook (`DELETE /webhook/{id}`). The service refuses while any agent is
  /// subscribed to it: remove those first (async_delete_webhook_subscriptions).
  ///
  /// - Completion signature: `void(error_code)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..` (nothing is sent); a 400
  ///   "Cannot delete webhook: It is currently assigned to one or more agents. …" while
  ///   subscriptions remain, a 400 "The provided Webhook ID is invalid." for an id that is
  ///   not an ObjectId; `condition::not_found` for an unknown webhook. Otherwise as
  ///   async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_delete_webhook(std::string webhook_id, diagnostics& diag, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(detail::initiate_delete_webhook{state_},
                                                                   token, std::move(webhook_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_delete_webhook(std::string webhook_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(detail::initiate_delete_webhook{state_},
                                                                   token, std::move(webhook_id),
                                                                   static_cast<diagnostics*>(nullptr));
  }

  /// An agent's webhook subscriptions (`GET /agent/{agentId}/webhook-subscriptions`), across
  /// webhooks; `agent_id` is a string in these.
  ///
  /// - Completion signature: `void(error_code, std::vector<webhook_subscription>)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..` (nothing is sent);
  ///   `condition::not_found` ("Agent not found") for an unknown agent. Otherwise as
  ///   async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::vector<webhook_subscription>))
                CompletionToken = detail::default_token>
  auto async_get_webhook_subscriptions(std::string agent_id, diagnostics& diag,
                                       CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::vector<webhook_subscription>)>(
        detail::initiate_get_webhook_subscriptions{state_}, token, std::move(agent_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, std::vector<webhook_subscription>))
                CompletionToken = detail::default_token>
  auto async_get_webhook_subscriptions(std::string agent_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code, std::vector<webhook_subscription>)>(
        detail::initiate_get_webhook_subscriptions{state_}, token, std::move(agent_id),
        static_cast<diagnostics*>(nullptr));
  }

  /// REPLACES the agent's webhook subscriptions (`POST /agent/{agentId}/webhook-subscriptions`,
  /// 201): every subscription the agent had, to any webhook, is deleted, then one is made per
  /// event type, to `webhook_id`. It does not add: to keep others, read them first
  /// (async_get_webhook_subscriptions) and send them again.
  ///
  /// - Completion signature: `void(error_code)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - The same request replaces with the same set: retried like a read on a dead pooled
  ///   connection.
  /// - Errors: errc::invalid_argument (nothing is sent) for an empty id, `.` or `..`, no
  ///   event type (async_delete_webhook_subscriptions removes them all), or the unknown type;
  ///   `condition::not_found` for an unknown agent ("Agent not found") or webhook (the
  ///   document names no status for it; the emulator answers 404 "Webhook not found"), a 400
  ///   for a webhook id that is not an ObjectId. Otherwise as async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_set_webhook_subscriptions(std::string agent_id, std::string webhook_id,
                                       std::vector<webhook_event_type> event_types, diagnostics& diag,
                                       CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_set_webhook_subscriptions{state_}, token, std::move(agent_id), std::move(webhook_id),
        std::move(event_types), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_set_webhook_subscriptions(std::string agent_id, std::string webhook_id,
                                       std::vector<webhook_event_type> event_types,
                                       CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_set_webhook_subscriptions{state_}, token, std::move(agent_id), std::move(webhook_id),
        std::move(event_types), static_cast<diagnostics*>(nullptr));
  }

  /// Deletes all of an agent's webhook subscriptions, whatever their webhook (`DELETE
  /// /agent/{agentId}/webhook-subscriptions`).
  ///
  /// - Completion signature: `void(error_code)`.
  /// - Lifetimes, executor and cancellation: as async_get_call.
  /// - Errors: errc::invalid_argument for an empty id, `.` or `..` (nothing is sent);
  ///   `condition::not_found` ("Agent not found") for an unknown agent. Otherwise as
  ///   async_get_call.
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_delete_webhook_subscriptions(std::string agent_id, diagnostics& diag,
                                          CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_delete_webhook_subscriptions{state_}, token, std::move(agent_id), &diag);
  }
  /// As above, with diagnostics of its own (discarded).
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code)) CompletionToken = detail::default_token>
  auto async_delete_webhook_subscriptions(std::string agent_id, CompletionToken&& token = {}) {
    return asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_delete_webhook_subscriptions{state_}, token, std::move(agent_id),
        static_cast<diagnostics*>(nullptr));
  }

 private:
  explicit client(std::shared_ptr<detail::client_state> s) : state_(std::move(s)) {}
  std::shared_ptr<detail::client_state> state_;
};

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/client.ipp>
#endif

#endif
