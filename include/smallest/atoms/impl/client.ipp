// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_CLIENT_IPP
#define SMALLEST_ATOMS_IMPL_CLIENT_IPP

#include <smallest/atoms/client.hpp>
#include <smallest/atoms/detail/client_state.hpp>
#include <smallest/atoms/detail/concurrent.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <optional>
#include <system_error>
#include <unordered_map>

namespace smallest::atoms {

ATOMS_DECL client::client(executor_type ex, client_options opts)
    : state_(std::make_shared<detail::client_state>(std::move(ex), std::move(opts))) {}

ATOMS_DECL client::executor_type client::get_executor() const noexcept { return state_->executor(); }

ATOMS_DECL const client_options& client::options() const noexcept { return state_->options(); }

ATOMS_DECL std::size_t client::open_connections() const { return state_->pool().open_connections(); }

ATOMS_DECL client client::with_retry(retry_policy policy) const {
  return client(std::make_shared<detail::client_state>(*state_, std::move(policy)));
}

#ifdef ATOMS_SEPARATE_COMPILATION
namespace detail {

ATOMS_DECL const asio::any_io_executor& state_executor(const client_state& s) noexcept {
  return s.executor();
}

ATOMS_DECL std::chrono::milliseconds state_deadline(const client_state& s) noexcept { return s.deadline(); }

ATOMS_DECL const asio::strand<asio::any_io_executor>* state_strand(const client_state&) noexcept {
  return nullptr;
}

ATOMS_DECL bool state_serial(const client_state& s) noexcept { return s.serial(); }

}  // namespace detail
#endif

namespace detail {

// ---- bulk details -------------------------------------------------------------------------------

// The requests of one bulk fetch: task i fetches out[i].
struct details_tasks {
  std::shared_ptr<client_state> s;
  std::vector<call_result>* out;

  asio::awaitable<error_code> run(std::size_t i) {
    call_result& r = (*out)[i];
    auto [ec, details] = co_await get_call(s, r.call_id, &r.diag);
    r.ec = ec;
    r.details = std::move(details);
    co_return error_code{};  // an id's failure is its own
  }
};

ATOMS_DECL asio::awaitable<op_result<std::vector<call_result>>> get_calls_details(
    std::shared_ptr<client_state> s, std::vector<std::string> ids, bulk_options opts) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  using result = op_result<std::vector<call_result>>;
  std::vector<call_result> out(ids.size());
  bool refused = false;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out[i].call_id = std::move(ids[i]);
    out[i].ec = asio::error::operation_aborted;  // until fetched
    if (!valid_segment(out[i].call_id)) {
      out[i].ec = errc::invalid_argument;
      out[i].diag.message = "call_ids[" + std::to_string(i) + "] is not a call id (empty, '.' or '..')";
      refused = true;
    }
  }
  if (refused) co_return result{errc::invalid_argument, std::move(out)};
  details_tasks tasks{s, &out};
  const std::size_t width = opts.concurrency ? opts.concurrency : s->options().bulk_concurrency;
  const concurrent_outcome done = co_await for_each_concurrently(out.size(), width, tasks);
  co_return result{done.ec, std::move(out)};
}

// ---- search --------------------------------------------------------------------------------------

inline constexpr std::size_t search_chunk = 100;  // the service's limit per request

// The requests of one search: chunk c asks for ids [100 c, 100 c + 100).
struct search_chunks {
  client_state* s;
  const std::vector<std::string>* ids;
  std::vector<search_result> found;
  std::vector<diagnostics> diags;

  asio::awaitable<error_code> run(std::size_t c) {
    boost::json::array list;
    for (std::size_t i = c * search_chunk; i < ids->size() && i < (c + 1) * search_chunk; ++i)
      list.emplace_back((*ids)[i]);
    api_request request{.method = boost::beast::http::verb::post,
                        .path = "/conversation/search",
                        .body = boost::json::serialize(boost::json::object{{"callIds", std::move(list)}}),
                        .idempotent = true};
    auto [ec, r] = co_await s->fetch<search_result>(std::move(request), diags[c]);
    found[c] = std::move(r);
    co_return ec;
  }
};

ATOMS_DECL asio::awaitable<op_result<search_result>> search_calls(std::shared_ptr<client_state> s,
                                                                  std::vector<std::string> call_ids,
                                                                  diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  (*diag).method = "POST";
  (*diag).path = s->endpoint().base_path + "/conversation/search";
  // Each id once, in the order first asked.
  std::vector<std::string> ids;
  std::unordered_map<std::string_view, std::size_t> position;
  for (std::size_t i = 0; i < call_ids.size(); ++i) {
    if (call_ids[i].empty()) {
      (*diag).message = "call_ids[" + std::to_string(i) + "] is empty";
      co_return op_result<search_result>{errc::invalid_argument, {}};
    }
    if (position.emplace(call_ids[i], ids.size()).second) ids.push_back(call_ids[i]);
  }
  search_result out;
  out.requested_count = static_cast<std::int64_t>(ids.size());
  out.total = 0;
  if (ids.empty()) co_return op_result<search_result>{error_code{}, std::move(out)};

  search_chunks chunks{s.get(), &ids, {}, {}};
  const std::size_t n = (ids.size() + search_chunk - 1) / search_chunk;
  chunks.found.resize(n);
  chunks.diags.resize(n);
  const concurrent_outcome done = co_await for_each_concurrently(n, s->options().bulk_concurrency, chunks);
  unsigned attempts = 0;
  for (const auto& d : chunks.diags) attempts += d.attempts;
  if (done.ec) {
    if (done.failed_task != concurrent_outcome::no_task) *diag = chunks.diags[done.failed_task];
    (*diag).attempts = attempts;
    co_return op_result<search_result>{done.ec, {}};
  }
  (*diag).http_status = chunks.diags.back().http_status;
  (*diag).request_id = chunks.diags.back().request_id;
  (*diag).attempts = attempts;

  // Merge in the order asked; anything the service returned that was not asked for goes last.
  std::vector<std::optional<call_log>> slot(ids.size());
  for (auto& chunk : chunks.found) {
    for (auto& log : chunk.logs) {
      auto it = position.find(log.call_id);
      if (it == position.end())
        out.logs.push_back(std::move(log));
      else if (!slot[it->second])
        slot[it->second] = std::move(log);
    }
  }
  std::vector<call_log> extra = std::move(out.logs);
  out.logs.clear();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (slot[i])
      out.logs.push_back(std::move(*slot[i]));
    else
      out.missing.push_back(ids[i]);
  }
  for (auto& log : extra) out.logs.push_back(std::move(log));
  out.total = static_cast<std::int64_t>(out.logs.size());
  if (n == 1) out.extra = std::move(chunks.found[0].extra);
  co_return op_result<search_result>{error_code{}, std::move(out)};
}

// ---- post-call analytics configuration --------------------------------------------------------

inline constexpr std::string_view agent_id_rule = "agent_id must be an agent id, not empty, '.' or '..'";

// The page's route answered 404: the service has only the OpenAPI document's routes.
inline bool route_missing(const error_code& ec) { return ec == make_http_error(404); }

ATOMS_DECL asio::awaitable<op_result<post_call_config>> get_post_call_config(std::shared_ptr<client_state> s,
                                                                             std::string agent_id,
                                                                             diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(agent_id)) {
    (*diag).message = agent_id_rule;
    co_return op_result<post_call_config>{errc::invalid_argument, {}};
  }
  const std::string agent = "/agent/" + http::encode_component(agent_id);
  api_request page{.path = agent + "/post-call-analytics"};
  auto [ec, config] = co_await s->fetch<post_call_config>(std::move(page), *diag);
  if (!route_missing(ec)) co_return op_result<post_call_config>{ec, std::move(config)};

  const unsigned attempts = (*diag).attempts;
  (*diag).clear();
  (*diag).attempts = attempts;
  boost::json::value data;
  api_request document{.path = agent};
  if (error_code aec = co_await s->call(document, *diag, data))
    co_return op_result<post_call_config>{aec, {}};
  const boost::json::value* found = nullptr;
  if (const auto* o = data.if_object()) {
    if (const auto* r = o->if_contains("_resolvedConfig"); r && r->is_object())
      found = r->get_object().if_contains("postCallAnalyticsConfig");
    if (!found) found = o->if_contains("postCallAnalyticsConfig");
  }
  if (!found || found->is_null()) co_return op_result<post_call_config>{error_code{}, post_call_config{}};
  try {
    co_return op_result<post_call_config>{
        error_code{},
        decode_json<post_call_config>(*found, "$.data._resolvedConfig.postCallAnalyticsConfig")};
  } catch (const json_decode_error& e) {
    (*diag).message = body_excerpt(e.what(), s->options().api_key, 4096);
    co_return op_result<post_call_config>{errc::decode_error, {}};
  }
}

// The OpenAPI document's way to change an agent's versioned fields: a draft on the live branch
// holding `fields` (UpdateBranchDraftRequest), published.
inline asio::awaitable<error_code> publish_on_live_branch(client_state& s, const std::string& agent,
                                                          const boost::json::object& fields,
                                                          diagnostics& diag) {
  namespace bhttp = boost::beast::http;
  boost::json::value data;
  api_request list{.path = agent + "/branches"};
  if (error_code ec = co_await s.call(list, diag, data)) co_return ec;
  std::string branch;
  const boost::json::array* branches = nullptr;
  if (const auto* o = data.if_object())
    if (const auto* b = o->if_contains("branches")) branches = b->if_array();
  if (branches) {
    // A BranchSummary: {"branch": Branch, "isLive": ...}; the flags may sit on either object.
    auto flag = [](const boost::json::object& summary, const boost::json::object& b, const char* key) {
      for (const auto* o : {&summary, &b})
        if (const auto* v = o->if_contains(key); v && v->is_bool() && v->get_bool()) return true;
      return false;
    };
    for (const char* key : {"isLive", "isDefault"}) {
      for (const auto& item : *branches) {
        const auto* summary = item.if_object();
        if (!summary || !branch.empty()) continue;
        const auto* nested = summary->if_contains("branch");
        const auto* b = nested && nested->is_object() ? &nested->get_object() : summary;
        const auto* id = b->if_contains("_id");
        if (id && id->is_string() && flag(*summary, *b, key)) branch = std::string(id->get_string());
      }
    }
  }
  if (branch.empty()) {
    diag.message = "$.data.branches: the agent has no live or default branch to write the configuration to";
    co_return errc::unexpected_response;
  }
  const std::string draft = agent + "/branches/" + http::encode_component(branch) + "/draft";
  api_request put{.method = bhttp::verb::put, .path = draft, .body = boost::json::serialize(fields)};
  if (error_code ec = co_await s.call(put, diag, data)) co_return ec;
  // Publishing the same draft twice publishes it once: safe to send again.
  api_request publish{.method = bhttp::verb::post, .path = draft + "/publish", .idempotent = true};
  co_return co_await s.call(publish, diag, data);
}

ATOMS_DECL asio::awaitable<op_result<post_call_config>> set_post_call_config(std::shared_ptr<client_state> s,
                                                                             std::string agent_id,
                                                                             post_call_config config,
                                                                             diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(agent_id)) {
    (*diag).message = agent_id_rule;
    co_return op_result<post_call_config>{errc::invalid_argument, {}};
  }
  if (auto why = validate(config)) {
    (*diag).message = std::move(*why);
    co_return op_result<post_call_config>{errc::invalid_argument, {}};
  }
  const std::string agent = "/agent/" + http::encode_component(agent_id);
  const boost::json::value body = boost::json::value_from(config);
  api_request page{.method = boost::beast::http::verb::post,
                   .path = agent + "/post-call-analytics",
                   .body = boost::json::serialize(body),
                   .idempotent = true};
  auto [ec, stored] = co_await s->fetch<post_call_config>(std::move(page), *diag);
  if (!route_missing(ec)) co_return op_result<post_call_config>{ec, std::move(stored)};

  unsigned attempts = (*diag).attempts;
  (*diag).clear();
  const boost::json::object fields{{"postCallAnalyticsConfig", body}};
  error_code bec = co_await publish_on_live_branch(*s, agent, fields, *diag);
  (*diag).attempts += attempts;
  if (bec) co_return op_result<post_call_config>{bec, {}};
  co_return op_result<post_call_config>{error_code{}, std::move(config)};
}

ATOMS_DECL asio::awaitable<op_result<void>> update_agent_config(std::shared_ptr<client_state> s,
                                                                std::string agent_id,
                                                                agent_config_update update,
                                                                diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(agent_id)) {
    (*diag).message = agent_id_rule;
    co_return op_result<void>{errc::invalid_argument};
  }
  boost::json::object fields = std::move(update.extra);
  if (update.global_prompt) fields["globalPrompt"] = *update.global_prompt;
  if (update.first_message) fields["firstMessage"] = *update.first_message;
  if (fields.empty()) {
    (*diag).message = "the update has no field to write";
    co_return op_result<void>{errc::invalid_argument};
  }
  const std::string agent = "/agent/" + http::encode_component(agent_id);
  error_code ec = co_await publish_on_live_branch(*s, agent, fields, *diag);
  co_return op_result<void>{ec};
}

// ---- recordings ---------------------------------------------------------------------------------

ATOMS_DECL asio::awaitable<op_result<std::string>> get_recording_url(std::shared_ptr<client_state> s,
                                                                     std::string call_id,
                                                                     diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(call_id)) {
    (*diag).message = "call_id must be a call id such as CALL-1737000000000-abc123, not empty, '.' or '..'";
    co_return op_result<std::string>{errc::invalid_argument, {}};
  }
  api_request request{.path = "/conversation/" + http::encode_component(call_id) + "/recording/download-url"};
  boost::json::value data;
  if (error_code ec = co_await s->call(request, *diag, data)) co_return op_result<std::string>{ec, {}};
  const auto* o = data.if_object();
  const auto* url = o ? o->if_contains("presignedUrl") : nullptr;
  if (!url || !url->is_string() || url->get_string().empty()) {
    (*diag).message = "$.data.presignedUrl: expected a URL string";
    co_return op_result<std::string>{errc::decode_error, {}};
  }
  co_return op_result<std::string>{error_code{}, std::string(url->get_string())};
}

// One GET of a presigned URL into `out`, on the pool for the URL's origin, without the key.
inline asio::awaitable<error_code> fetch_to_file(client_state& s, const std::string& url,
                                                 http::file_download& out, diagnostics& diag) {
  namespace bhttp = boost::beast::http;
  http::endpoint ep;
  std::string target, why;
  if (!http::parse_resource_url(url, "the recording URL (presignedUrl)", ep, target, why)) {
    diag.message = std::move(why);
    co_return errc::unexpected_response;
  }
  if (s.endpoint().tls && !ep.tls) {
    diag.message =
        "the recording URL (presignedUrl) is http:// while the API is reached over https://; refused";
    co_return errc::unexpected_response;
  }
  diag.method = "GET";
  diag.path = ep.origin() + target.substr(0, target.find('?'));  // never the signature
  http::request req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, ep.host_header);
  req.set(bhttp::field::user_agent, s.options().user_agent);
  std::shared_ptr<http::pool> pool = s.origin_pool(ep);
  http::exchange_result x = co_await pool->async_exchange(req, out, diag.attempts, true);
  co_return x.ec;
}

ATOMS_DECL asio::awaitable<op_result<std::uint64_t>> download_recording(std::shared_ptr<client_state> s,
                                                                        std::string call_id,
                                                                        std::filesystem::path path,
                                                                        diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (path.empty() || !path.has_filename()) {
    (*diag).message = "path must name a file";
    co_return op_result<std::uint64_t>{errc::invalid_argument, {}};
  }
  std::filesystem::path partial = path;
  partial += ".part";
  http::file_download out;
  out.path = partial.string();
  out.max_bytes = s->options().max_download_size;
  unsigned attempts = 0;
  error_code ec;
  // A URL can expire between minting and use (403): mint a second one, once.
  for (int url_round = 0; url_round < 2; ++url_round) {
    auto [uec, url] = co_await get_recording_url(s, call_id, &*diag);
    attempts += (*diag).attempts;
    if (uec) {
      ec = uec;
      break;
    }
    (*diag).clear();
    out.status = 0;
    out.error_body.clear();
    ec = co_await fetch_to_file(*s, url, out, *diag);
    attempts += (*diag).attempts;
    if (ec) break;
    (*diag).http_status = out.status;
    if (out.status >= 200 && out.status < 300) break;
    read_error_body(out.error_body, s->options().api_key, *diag);
    ec = make_http_error(out.status);
    if (out.status != 403) break;
  }
  (*diag).attempts = attempts;
  std::error_code fs;
  if (!ec) std::filesystem::rename(partial, path, fs);
  if (ec || fs) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    if (!ec) {
      (*diag).message = "cannot rename the downloaded file into place: " + fs.message();
      ec = error_code(fs.value(), boost::system::generic_category());
    }
    co_return op_result<std::uint64_t>{ec, 0};
  }
  co_return op_result<std::uint64_t>{error_code{}, out.bytes};
}

}  // namespace detail
}  // namespace smallest::atoms

#endif
