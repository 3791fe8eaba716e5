// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_EMULATOR_HPP
#define SMALLEST_ATOMS_TESTING_EMULATOR_HPP

// A local Atoms API server for tests, ours and our users': a real HTTP/1.1 server on
// 127.0.0.1 (HTTPS by default, with a certificate from a CA generated on the spot), serving
// a seeded synthetic account with the service's key names and error shapes, and letting a
// test observe connections and requests and inject faults.
//
//     smallest::atoms::testing::emulator server;             // HTTPS on 127.0.0.1:<port>
//     client_options o{.base_url = server.base_url(), .api_key = server.api_key()};
//     // trust server.ca_pem() in the client's TLS settings
//
// It depends on Asio, Beast, Boost.JSON and OpenSSL only, never on the client or its
// models: its JSON is written with the key names of the OpenAPI document, so a misspelt key
// in a model fails a test instead of round-tripping.
//
// Served (under /atoms/v1, each requiring "Authorization: Bearer <api_key>", else 401
// {"status":false,"errors":["Unauthorized: User not found"]}; a 400 always has the shape
// {"status":false,"errors":[...]}):
//   GET  /conversation                 every filter of the document over the data set; page 1
//                                      and limit 5 by default, limit clamped to 500, 400 for
//                                      page or limit < 1 (or not an integer), an unknown sortBy
//                                      or sortOrder, or a dateFrom/dateTo that is not ISO 8601;
//                                      default order updatedAt desc (ties in insertion order).
//                                      {"logs":[list item],"pagination":{total,page,limit,
//                                      hasMore,totalPages},"dispositionMetricsConfig":[...]}
//                                      Beyond the document, for testing a walk over the pages:
//                                      emulator_options::touch_per_list moves calls to the top
//                                      after each answer (so later pages shift, as on a live
//                                      account), pagination_lie makes the pagination lie
//                                      (hasMore after the end, a page stuck at 1, a shrinking
//                                      total); logs_listed() counts the items served.
//   POST /conversation/search          {"callIds":[1..100 ids]}, else 400; unknown ids dropped;
//                                      each known call once, in request order.
//                                      {"logs":[search item],"total","requestedCount"}
//   GET  /conversation/{id}            200 {"status":true,"data":{...}} | 404 "Conversation log not found"
//   GET  /conversation/{callId}/recording/download-url
//                                      {"presignedUrl": "<recording_base_url()>/recordings/<id>.mp3?..."}
//                                      400 "Invalid call ID format" (not CALL-...), 404 for an
//                                      unknown call or one without a recording (not completed)
//   GET  /agent/{id}                   AgentDTO subset: _id, name, description, _resolvedConfig
//                                      {postCallAnalyticsConfig (flat metric types only;
//                                      useInternalAnalyticsModel true and useReasoningModel
//                                      false unless published otherwise), and the other fields
//                                      a branch has published (globalPrompt, firstMessage, ...)}
//   The product page's routes (not in the document; emulator_options::post_call_analytics_route
//   false removes them, and they answer 404 "Cannot GET ..." as any unknown path does):
//   GET  /agent/{id}/post-call-analytics   {summaryPrompt, dispositionMetrics:[{identifier,
//                                      dispositionMetricPrompt, dispositionMetricType,
//                                      dispositionValues:{type}, choices (ENUM only)}], and
//                                      successMetrics and the model flags once published}
//   POST /agent/{id}/post-call-analytics   validates (identifier ^[a-z0-9_]+$ and unique,
//                                      non-empty prompt, a known type from either key, ENUM has
//                                      choices, choices only on ENUM), 400 with one error per
//                                      rule broken, each naming the metric; replaces the fields
//                                      given (summaryPrompt, dispositionMetrics) and answers the
//                                      stored configuration.
//   The document's branch model (every BranchId a 24-hex ObjectId; an unknown branch 404
//   "Branch not found"):
//   GET  /agent/{id}/branches          {"branches":[BranchSummary {branch: Branch {_id, agent,
//                                      name, isDefault, headRevisionId, openDraftId, status,
//                                      ...}, isLive, hasOpenDraft, revisionsCount,
//                                      headRevisionNumber}]}; _id and isDefault are under
//                                      "branch", isLive beside it, as in the document
//   GET  /agent/{id}/branches/{branchId}   BranchSummary
//   PUT  /agent/{id}/branches/{branchId}/draft   an agent config partial (postCallAnalyticsConfig,
//                                      globalPrompt, firstMessage and the other fields of
//                                      UpdateBranchDraftRequest, each of its type; unknown keys
//                                      ignored); 400 "No recognized config fields in request
//                                      body" without one; postCallAnalyticsConfig validated as
//                                      the page's POST (errors prefixed
//                                      "postCallAnalyticsConfig."), its keys merged one by one,
//                                      the other fields replaced whole; opens the draft if none
//                                      is open; 200 Revision {status "draft", draftId,
//                                      draftRevision 1, 2, ...}. expectedRevision: 409
//                                      {error_type "base_revision_unavailable"} above the
//                                      draft's revision, 409 DraftConflictError {errors: paths,
//                                      data.conflict} for a path written again since it.
//   GET  /agent/{id}/branches/{branchId}/draft   DraftDetail {latest, editCount, editHistory}
//   DELETE /agent/{id}/branches/{branchId}/draft {"discarded":true}
//   POST /agent/{id}/branches/{branchId}/draft/publish   [{"label"}]: commits the draft as
//                                      revision head + 1, which on the live branch (main)
//                                      becomes the agent's configuration at once (both GETs
//                                      above); 200 {state "committed", revision: Revision
//                                      {status "published", revisionNumber, ...}}, or 202
//                                      {state "scanning"} with emulator_options::publish_scanning.
//                                      Without an open draft (also for GET and DELETE draft):
//                                      404 "No open draft on this branch", as the document says.
//   GET  /agent/{id}/branches/{branchId}/revisions?limit=20&skip=0   {revisions (newest
//                                      first), total}; 400 for limit outside 1..100 or skip < 0
//   Every agent route answers 400 "No agent found" for an unknown agent, as the service does
//   (but DELETE /agent/{id}/archive, whose document says 404).
//   The platform (routes_platform.hpp; the document's shapes and messages):
//   POST /agent                        CreateAgentRequest (name required, else 400): 201
//                                      {"status":true,"data":"<24-hex id>"}; a full agent (GET
//                                      /agent/{id}, both post-call analytics routes, a "main"
//                                      branch with one published revision), with an empty
//                                      configuration; prompt served as _resolvedConfig.prompt
//   GET  /agent?page=&offset=&search=&archived=   {"agents":[AgentDTO],"total"}; offset is the
//                                      page size (default 10); newest first; archived=true lists
//                                      only the archived agents, otherwise the others
//   DELETE /agent/{id}/archive[?on=false]   {"message":"Agent archived"}; 409 "Agent is already
//                                      archived", 409 "Agent is associated with the <status>
//                                      campaign "<name>". Complete or remove the campaign before
//                                      archiving." while a draft, scheduled, processing, running
//                                      or paused campaign uses it; 404 for an unknown agent
//   GET  /product/phone-numbers        the organisation's two numbers (twilio +15551234567,
//                                      plivo +912268093636), `data` a bare array
//   POST /audience                     multipart/form-data (name, phoneNumberColumnName,
//                                      description?, identifierColumnName?, file: CSV with a
//                                      header row), parsed strictly (multipart.hpp): 200 the
//                                      audience; members {"_id","data":{column: value}} without
//                                      empty fields. 400 "CSV file is required", for a bad form
//                                      or CSV, a phone column missing from the header, a number
//                                      that is not E.164 (naming its row), duplicate numbers
//                                      (the document's message)
//   GET  /audience                     `data` a bare array, with memberCount, hasCampaigns, campaigns
//   GET  /audience/{id}                404 "Audience not found" for an unknown id (every audience path)
//   DELETE /audience/{id}              data []; 400 "can't delete audience, campaign with this
//                                      audience <id> exists" while any campaign uses it
//   GET  /audience/{id}/members?page=&offset=   offset the page size (default 5): {members,
//                                      totalCount, totalPages, hasMore}
//   POST /audience/{id}/members        {"members":[{<phone column>, ...}]}: 200 data [{message,
//                                      data {added, skipped}}]; 400 "Each member must have a
//                                      <column> field", for a number not E.164 or a duplicate
//   POST /campaign                     201 the raw document (agentId, audienceId strings), status
//                                      draft, or scheduled with a future scheduledAt; 400 for a
//                                      missing field, an unknown agent, audience or phone number
//                                      id, a past scheduledAt, maxRetries outside 0..10 or
//                                      retryDelay outside 1..1440
//   GET  /campaign?page=&offset=&status=&search=   {campaigns (agent, audience nested),
//                                      pagination {total,page,offset,hasMore,totalPages},
//                                      totalCampaignCount}; offset the page size (default 5)
//   GET  /campaign/{id}                {campaign, events, metrics {total_participants,
//                                      contacts_called, contacts_connected}}; 404 "Campaign not
//                                      found" for an unknown id (every campaign path)
//   DELETE /campaign/{id}              {"status":true}, no `data`
//   POST /campaign/{id}/start          202 {message "Campaign is being processed", taskId,
//                                      campaignId}; resumes a paused one; 400 when already
//                                      processing, running or completed
//   POST /campaign/{id}/pause          {"status":true}, no `data`; 400 unless processing or running
//   A started campaign dials (emulator_options::campaign_start_delay, campaign_call_interval,
//   analytics_delay): "processing", then "running", then each member in turn gets a
//   COMPLETED outbound call (callId CALL-<ms>-<hex6>, the campaign's agent and campaignId,
//   from one of its numbers, to the member, a transcript greeting the member's firstName,
//   a recording) stored first without postCallAnalytics and later with a summary and one
//   disposition metric per metric the agent has configured then (a value of its type, an
//   ENUM's one of its choices); "completed" once all have them. Pause stops the dialing
//   (cancelledCallsCount: the members left). Time passes lazily: each request, and each
//   accessor below that reads calls or campaigns, first brings the campaigns to now.
//
// The data set: the seeded calls (see emulator_options::calls) are not stored: the emulator
// keeps what the list filters and sorts on (a few hundred bytes a call) and makes a record
// again from the seed, identical, each time it serves it. So 100,000 calls start in 0.7 s
// (-O1) in 50 MB, a page of 500 costs its 500 records plus a pass over the keys (15 ms, of
// which 3 for the pass), and GET /conversation/{id} 0.1 ms. They belong to three agents,
// agent_ids(), each with one campaign (outbound calls only; inbound and web calls have a null
// campaignId) and two versions; list items take agentId from the record's agent._id. Each
// agent has one branch, "main" (default and live, no open draft), whose two revisions are its
// two versions (a revision's _id is the versionId, revisionNumber 1 and 2).
//
// Recordings are served by a second origin, recording_base_url() (HTTPS with the same CA, or
// HTTP), like a presigned object store: a URL is valid for recording_url_ttl (403 after, or
// if altered), any request carrying an Authorization header answers 401, and a recording is
// recording_size deterministic bytes (recording_bytes()), streamed in 64 KiB chunks.
// Anything else answers 404 {"status":false,"errors":["Cannot GET /atoms/v1/nope"]}, as
// Express does. Every response has Content-Type "application/json; charset=utf-8", a
// unique x-request-id and a Content-Length; keep-alive follows HTTP/1.1 and "Connection".
//
// Faults: emulator_options::faults (or set_faults() on a running emulator) makes the API's
// origin fail as services, proxies and networks do: error statuses with Retry-After or the
// document's 429 body, connections reset or closed mid-body, bodies that are not JSON, slow
// or missing answers, connections retired after N requests, chunked bodies and refused TLS
// handshakes; faults_injected() counts them. Faults come before the interceptor. For a
// refused connection, unused_port().
//
// Webhooks (routes_webhooks.hpp; the document's shapes and messages):
//   GET  /webhook[?webhookId=]         `data` an array of Webhook (subscriptions populated: agentId
//                                      {_id, name, description} or null; decryptedSecretKey), or
//                                      one Webhook; 400 "The provided Webhook ID is invalid." for
//                                      an id that is not 24 hex digits, 404 "Webhook not found"
//   POST /webhook                      {endpoint, description, events: [{agentId, eventType}]}:
//                                      201 data the id; a 64-hex secret per webhook; 400 for a
//                                      missing or invalid field or an unknown eventType, "A
//                                      webhook with this URL has already been registered"; 404
//                                      "Agent not found" for an unknown agent in events
//   PATCH /webhook/{id}                {endpoint?, description?, headers?} (at least one; the
//                                      document's header limits and reserved names): 200 data
//                                      the id; 400 / 404 as above
//   DELETE /webhook/{id}               200 data "Webhook deleted successfully"; 400 with the
//                                      document's message while subscriptions remain; 400 / 404
//   GET|POST|DELETE /agent/{agentId}/webhook-subscriptions   the agent's WebhookSubscriptions;
//                                      POST {eventTypes, webhookId} REPLACES them all (201); DELETE
//                                      removes them all; 404 "Agent not found"
// Deliveries: pre-conversation and post-conversation when a campaign dials a call (or
// complete_call() adds one), analytics-completed when its analytics are attached: one POST per
// subscribed webhook, the body WebhookEventEnvelope + metadata, signed with X-Signature (hex
// HMAC-SHA256 of the body under the webhook's secret) plus the webhook's custom headers, a
// 30 s timeout (emulator_options::delivery_timeout), never retried. Only http:// URLs of
// 127.0.0.1, localhost or [::1] are contacted; others count as undeliverable. Faults:
// emulator_options::delivery_faults / set_delivery_faults() (drop, duplicate, delay, corrupt,
// seeded); delivery_stats() counts; wait_deliveries_idle() waits for the POSTs to finish.
//
// Time: emulator_options::latency delays every answer of the API's origin on a timer (the
// threads serve other connections meanwhile), so N requests on N connections overlap, and
// max_concurrent_requests() tells how many were being handled at once; requests() records
// each request as soon as it is read, before the wait, so a test sees when a page was asked
// for, not when it was answered.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/testing/emulator_options.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace smallest::atoms::testing {

namespace detail {
class server;
}

/// A local Atoms API server for tests: a real HTTP/1.1 server on 127.0.0.1 (HTTPS by
/// default, with a certificate from a CA generated on the spot) serving a seeded synthetic
/// account with the service's key names and error shapes, and letting a test observe
/// connections and requests and inject faults.
///
///     smallest::atoms::testing::emulator server;             // HTTPS on 127.0.0.1:<port>
///     client_options o{.base_url = server.base_url(), .api_key = server.api_key()};
///     // trust server.ca_pem() in the client's TLS settings
///
/// The routes it serves, its data set, the recording origin, faults and timing are described
/// at the top of this header (<smallest/atoms/testing/emulator.hpp>).
class emulator {
 public:
  /// Binds 127.0.0.1:<emulator_options::port> (0: a free port) and starts serving on its
  /// own io_context and threads: it never runs anything on the caller's executors. Throws
  /// std::system_error if the port cannot be listened on (in use, say), an exception if the
  /// certificate cannot be made, and std::invalid_argument for an invalid
  /// emulator_options::faults.
  explicit emulator(emulator_options options = {});

  /// Closes every connection and joins the threads. Must not be called from the emulator's
  /// own threads (inside an interceptor).
  ~emulator();

  emulator(const emulator&) = delete;
  emulator& operator=(const emulator&) = delete;

  std::uint16_t port() const noexcept;

  /// "https://localhost:PORT/atoms/v1" (the certificate names localhost by default), or
  /// "http://127.0.0.1:PORT/atoms/v1" without TLS.
  std::string base_url() const;

  /// PEM of the CA that signed the server certificate; "" without TLS.
  const std::string& ca_pem() const noexcept;

  const std::string& api_key() const noexcept;

  // --- data set (thread-safe) ---

  /// The call ids of the account, in insertion order (the seeded ones first, then those put
  /// and those campaigns dialed).
  std::vector<std::string> call_ids() const;

  /// The conversation record as served in `data`, if the id is known.
  std::optional<boost::json::object> call(const std::string& call_id) const;

  /// A campaign as GET /campaign/{id} serves it under "campaign" (agent and audience nested),
  /// brought to now; nullopt for an unknown id.
  std::optional<boost::json::object> campaign(const std::string& campaign_id) const;

  /// The call ids a campaign has dialed, in order (one per member called).
  std::vector<std::string> campaign_call_ids(const std::string& campaign_id) const;

  /// An audience's members, {"_id", "data": {column: value}}, in upload order; empty for an
  /// unknown audience.
  std::vector<boost::json::object> audience_members(const std::string& audience_id) const;

  /// Whether the agent is archived (DELETE /agent/{id}/archive); false for an unknown one.
  bool agent_archived(const std::string& agent_id) const;

  /// Adds a conversation record, or replaces the one with the same "callId". The record is
  /// served as given: write it with the service's key names. Throws std::invalid_argument
  /// if it has no string "callId".
  void put_call(boost::json::object call);

  /// The seeded agents' ids, in order: every seeded call belongs to one of them (agents made
  /// by POST /agent are not listed).
  std::vector<std::string> agent_ids() const;

  /// An agent's post-call analytics configuration, as GET /agent/{id}/post-call-analytics
  /// returns it in `data`; nullopt for an unknown agent.
  std::optional<boost::json::object> post_call_config(const std::string& agent_id) const;

  // --- webhooks (thread-safe) ---

  /// Adds a completed outbound call of `call.agent_id`, ended now (stored with its
  /// postCallAnalytics unless `call.with_analytics` is false, so GET /conversation and GET
  /// /conversation/{id} serve it), and sends its events to the webhooks subscribed for its
  /// agent: pre-conversation and post-conversation, then analytics-completed. Returns its
  /// callId. The POSTs happen on the emulator's threads: wait_deliveries_idle() waits for
  /// them. Throws std::invalid_argument for an unknown agent.
  std::string complete_call(completed_call call);

  /// Replaces the delivery faults (emulator_options::delivery_faults); the RNG starts again
  /// from the plan's seed. Deliveries decided from now on follow it. Throws
  /// std::invalid_argument for an invalid plan, leaving the old one in force.
  void set_delivery_faults(delivery_fault_plan plan);

  /// Counts of webhook deliveries since the emulator started (see delivery_stats).
  ::smallest::atoms::testing::delivery_stats delivery_stats() const;

  /// Delivery POSTs queued, waiting for their delay, or in flight.
  std::size_t deliveries_pending() const;

  /// Blocks until no delivery is pending (true) or `timeout` has passed (false). Events are
  /// decided when their call starts, ends or is analysed (campaign dialing happens as requests
  /// arrive), so call it after what makes them. Not from an emulator thread.
  bool wait_deliveries_idle(std::chrono::milliseconds timeout);

  /// A webhook's custom delivery headers (set by PATCH /webhook/{id}), in the order given;
  /// nullopt for an unknown webhook.
  std::optional<std::vector<std::pair<std::string, std::string>>> webhook_headers(
      const std::string& id) const;

  // --- the recording origin ---

  /// "https://127.0.0.1:PORT" (or "http://..." without TLS): where presigned URLs point.
  const std::string& recording_base_url() const noexcept;
  std::uint16_t recording_port() const;
  /// Requests the recording origin read, and how many of them carried an Authorization header
  /// (each of those answered 401).
  std::size_t recording_requests() const noexcept;
  std::size_t recording_authorization_headers() const noexcept;
  bool recording_authorization_seen() const noexcept;
  /// Body bytes the recording origin has written.
  std::uint64_t recording_bytes_sent() const noexcept;

  /// Bytes [offset, offset + n) of the recording of `call_id`, as the origin serves them.
  static std::string recording_bytes(const std::string& call_id, std::uint64_t offset, std::size_t n);

  // --- observation (thread-safe) ---

  std::size_t connections_accepted() const noexcept;
  std::size_t open_connections() const noexcept;
  /// Requests answered, counted when the answer is ready to be written (so a client that
  /// has read its response sees it counted); stalled and closed requests are not.
  std::size_t requests_served() const noexcept;
  /// Every request read, in order, the last 10,000 of them; recorded when read, before any
  /// latency or answer.
  std::vector<recorded_request> requests() const;

  /// Log items in the bodies of every GET /conversation answered 200 so far (a page of 50
  /// counts 50), whatever the client did with them: a walker that yielded n distinct calls
  /// dropped logs_listed() - n duplicates.
  std::size_t logs_listed() const noexcept;

  /// The highest number of API requests being handled at once since the emulator started or
  /// reset_max_concurrent_requests(). A request counts from when it is read (recorded) until
  /// its answer is ready to be written, its latency wait included (or until a fault or the
  /// interceptor stalls or closes it); the recording origin's requests do not count.
  std::size_t max_concurrent_requests() const noexcept;
  /// Restarts max_concurrent_requests() from the number being handled now.
  void reset_max_concurrent_requests() noexcept;

  // --- faults ---

  /// Closes every keep-alive connection waiting for its next request (a TLS close_notify and
  /// a FIN, as nginx does when it retires one; the client is not told otherwise), and
  /// returns once they are closed: a client that then reads sees end of stream, one that
  /// writes first usually sees a reset. A connection still busy with a response (or a TLS
  /// handshake) is closed right after it, when it would wait for its next request; a
  /// stalled one is left alone. Called from an interceptor, it returns without waiting.
  void close_idle_connections();

  /// Replaces the fault plan (emulator_options::faults; see fault_plan): requests read from
  /// now on follow the new one, and its counters (first, every, faults_injected()) start at
  /// 0. A request already read keeps the plan it was read under. Thread-safe; throws
  /// std::invalid_argument for an invalid plan, leaving the old one in force. set_faults({})
  /// removes every fault.
  void set_faults(fault_plan plan);

  /// Faults applied since the plan was set: requests that got a fault of fault_plan::faults
  /// (counted when decided, so a test that has seen the effect sees the count), connections
  /// retired by max_requests_per_connection, and TLS handshakes refused. Chunked answers are
  /// valid HTTP and do not count.
  std::size_t faults_injected() const;

  /// A port of 127.0.0.1 on which nothing listens, for "connection refused" tests: one the
  /// system lent as ephemeral and took back, so nothing of this process holds it (another
  /// process could still take it, however unlikely).
  static std::uint16_t unused_port();

  /// Consulted for every request that has no fault, after it is recorded and before it is
  /// routed; nullopt routes it normally. Runs on an emulator thread (several at once with
  /// threads > 1); an interceptor that throws answers 500. Pass {} to remove it.
  void set_interceptor(std::function<std::optional<reply>(const recorded_request&)> f);

 private:
  std::unique_ptr<detail::server> server_;
};

}  // namespace smallest::atoms::testing

// Header-only, the definitions follow; with ATOMS_SEPARATE_COMPILATION they are compiled once,
// in <smallest/atoms/testing/src.hpp>, and a user's translation unit never sees the server.
#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/testing/impl/emulator.ipp>
#endif

#endif
