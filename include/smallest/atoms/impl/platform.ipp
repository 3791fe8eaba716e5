// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_PLATFORM_IPP
#define SMALLEST_ATOMS_IMPL_PLATFORM_IPP

#include <smallest/atoms/detail/calls.hpp>
#include <smallest/atoms/detail/client_state.hpp>
#include <smallest/atoms/detail/multipart.hpp>
#include <smallest/atoms/detail/platform.hpp>
#include <smallest/atoms/detail/query.hpp>
#include <smallest/atoms/http/url.hpp>

#include <boost/asio/this_coro.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

namespace smallest::atoms::detail {

// A refusal before anything is sent: errc::invalid_argument with the rule in diag.message.
template <class T>
op_result<T> refuse(diagnostics& diag, std::string why) {
  diag.message = std::move(why);
  return failed<T>(errc::invalid_argument);
}

inline bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

inline std::string id_rule(std::string_view what) {
  return std::string(what) + " must be an id, not empty, '.' or '..'";
}

inline std::optional<std::string> check_page(std::int64_t page, std::int64_t limit) {
  if (page < 1) return "page must be at least 1";
  if (limit < 1) return "limit (sent as offset, the page size) must be at least 1";
  return std::nullopt;
}

ATOMS_DECL std::string audience_csv(const std::vector<audience_member>& members) {
  bool first = false, last = false;
  std::size_t size = 32;
  for (const auto& m : members) {
    first = first || m.first_name.has_value();
    last = last || m.last_name.has_value();
    size += 4 + m.phone_number.size() + (m.first_name ? m.first_name->size() : 0) +
            (m.last_name ? m.last_name->size() : 0);
  }
  std::string out;
  out.reserve(size);
  out.append("phoneNumber");
  if (first) out.append(",firstName");
  if (last) out.append(",lastName");
  out.append("\r\n");
  for (const auto& m : members) {
    append_csv_field(out, m.phone_number);
    if (first) {
      out.push_back(',');
      append_csv_field(out, m.first_name.value_or(""));
    }
    if (last) {
      out.push_back(',');
      append_csv_field(out, m.last_name.value_or(""));
    }
    out.append("\r\n");
  }
  return out;
}

ATOMS_DECL std::optional<std::string> check_members(const std::vector<audience_member>& members) {
  if (members.empty()) return "members must not be empty";
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::string& n = members[i].phone_number;
    if (!is_e164(n))
      return "members[" + std::to_string(i) + "].phone_number \"" + body_excerpt(n, {}, 40) +
             "\" is not E.164 (+ and 8 to 15 digits)";
  }
  return std::nullopt;
}

// ---- agents --------------------------------------------------------------------------------------

ATOMS_DECL asio::awaitable<op_result<std::string>> create_agent(std::shared_ptr<client_state> s,
                                                                agent_create_request r, diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (blank(r.name)) co_return refuse<std::string>(*diag, "name must not be empty");
  api_request request{.method = boost::beast::http::verb::post,
                      .path = "/agent",
                      .body = boost::json::serialize(boost::json::value_from(r))};
  co_return co_await s->fetch<std::string>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<agent>> get_agent(std::shared_ptr<client_state> s, std::string id,
                                                       diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse<agent>(*diag, id_rule("agent_id"));
  api_request request{.path = "/agent/" + http::encode_component(id)};
  co_return co_await s->fetch<agent>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<agent_page>> get_agents(std::shared_ptr<client_state> s, agent_filter f,
                                                             diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (auto why = check_page(f.page, f.limit)) co_return refuse<agent_page>(*diag, std::move(*why));
  query_builder q;
  q.add("page", std::to_string(f.page));
  q.add("offset", std::to_string(f.limit));
  if (f.search) q.add("search", *f.search);
  if (f.archived) q.add("archived", *f.archived ? "true" : "false");
  if (f.workflow_type) q.add("type", *f.workflow_type);
  api_request request{.path = "/agent", .query = std::move(q).str()};
  co_return co_await s->fetch<agent_page>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<void>> delete_agent(std::shared_ptr<client_state> s, std::string id,
                                                         diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse<void>(*diag, id_rule("agent_id"));
  api_request request{.method = boost::beast::http::verb::delete_,
                      .path = "/agent/" + http::encode_component(id) + "/archive"};
  boost::json::value data;
  const error_code ec = co_await s->call(request, *diag, data);
  co_return op_result<void>{ec};
}

// ---- phone numbers -------------------------------------------------------------------------------

ATOMS_DECL asio::awaitable<op_result<std::vector<phone_number>>> get_phone_numbers(
    std::shared_ptr<client_state> s, diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  api_request request{.path = "/product/phone-numbers"};
  co_return co_await s->fetch<std::vector<phone_number>>(std::move(request), *diag);
}

// ---- audiences -----------------------------------------------------------------------------------

ATOMS_DECL asio::awaitable<op_result<audience>> create_audience(std::shared_ptr<client_state> s,
                                                                audience_create_request r,
                                                                diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (blank(r.name)) co_return refuse<audience>(*diag, "name must not be empty");
  if (auto why = check_members(r.members)) co_return refuse<audience>(*diag, std::move(*why));
  std::vector<form_part> parts;
  parts.push_back({.name = "name", .body = std::move(r.name)});
  if (r.description) parts.push_back({.name = "description", .body = std::move(*r.description)});
  parts.push_back({.name = "phoneNumberColumnName", .body = "phoneNumber"});
  parts.push_back({.name = "file",
                   .filename = "audience.csv",
                   .content_type = "text/csv",
                   .body = audience_csv(r.members)});
  const std::string boundary = choose_boundary(parts);
  // A POST that creates: never sent again once it may have arrived.
  api_request request{.method = boost::beast::http::verb::post,
                      .path = "/audience",
                      .body = encode_multipart(parts, boundary),
                      .content_type = "multipart/form-data; boundary=" + boundary};
  co_return co_await s->fetch<audience>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<audience>> get_audience(std::shared_ptr<client_state> s, std::string id,
                                                             diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse<audience>(*diag, id_rule("audience_id"));
  api_request request{.path = "/audience/" + http::encode_component(id)};
  co_return co_await s->fetch<audience>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<std::vector<audience>>> get_audiences(std::shared_ptr<client_state> s,
                                                                           diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  api_request request{.path = "/audience"};
  co_return co_await s->fetch<std::vector<audience>>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<audience_member_page>> get_audience_members(
    std::shared_ptr<client_state> s, std::string id, page_request p, diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse<audience_member_page>(*diag, id_rule("audience_id"));
  if (auto why = check_page(p.page, p.limit)) co_return refuse<audience_member_page>(*diag, std::move(*why));
  query_builder q;
  q.add("page", std::to_string(p.page));
  q.add("offset", std::to_string(p.limit));
  api_request request{.path = "/audience/" + http::encode_component(id) + "/members",
                      .query = std::move(q).str()};
  co_return co_await s->fetch<audience_member_page>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<void>> add_audience_members(std::shared_ptr<client_state> s,
                                                                 std::string id,
                                                                 std::vector<audience_member> members,
                                                                 diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse<void>(*diag, id_rule("audience_id"));
  if (auto why = check_members(members)) co_return refuse<void>(*diag, std::move(*why));
  boost::json::object body;
  body.emplace("members", boost::json::value_from(members));
  api_request request{.method = boost::beast::http::verb::post,
                      .path = "/audience/" + http::encode_component(id) + "/members",
                      .body = boost::json::serialize(body)};
  boost::json::value data;
  const error_code ec = co_await s->call(request, *diag, data);
  co_return op_result<void>{ec};
}

ATOMS_DECL asio::awaitable<op_result<void>> delete_audience(std::shared_ptr<client_state> s, std::string id,
                                                            diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse<void>(*diag, id_rule("audience_id"));
  api_request request{.method = boost::beast::http::verb::delete_,
                      .path = "/audience/" + http::encode_component(id)};
  boost::json::value data;  // [] on success
  const error_code ec = co_await s->call(request, *diag, data);
  co_return op_result<void>{ec};
}

// ---- campaigns -----------------------------------------------------------------------------------

inline std::optional<std::string> check_campaign(const campaign_create_request& r) {
  if (blank(r.name)) return "name must not be empty";
  if (!valid_segment(r.agent_id)) return id_rule("agent_id");
  if (!valid_segment(r.audience_id)) return id_rule("audience_id");
  for (std::size_t i = 0; i < r.phone_number_ids.size(); ++i)
    if (r.phone_number_ids[i].empty()) return "phone_number_ids[" + std::to_string(i) + "] is empty";
  if (r.max_retries && (*r.max_retries < 0 || *r.max_retries > 10))
    return "max_retries must be within 0 to 10, not " + std::to_string(*r.max_retries);
  if (r.retry_delay && (r.retry_delay->count() < 1 || r.retry_delay->count() > 1440))
    return "retry_delay must be within 1 to 1440 minutes, not " + std::to_string(r.retry_delay->count());
  return std::nullopt;
}

ATOMS_DECL asio::awaitable<op_result<campaign>> create_campaign(std::shared_ptr<client_state> s,
                                                                campaign_create_request r,
                                                                diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (auto why = check_campaign(r)) co_return refuse<campaign>(*diag, std::move(*why));
  api_request request{.method = boost::beast::http::verb::post,
                      .path = "/campaign",
                      .body = boost::json::serialize(boost::json::value_from(r))};
  co_return co_await s->fetch<campaign>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<campaign_details>> get_campaign(std::shared_ptr<client_state> s,
                                                                     std::string id, diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse<campaign_details>(*diag, id_rule("campaign_id"));
  api_request request{.path = "/campaign/" + http::encode_component(id)};
  co_return co_await s->fetch<campaign_details>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<campaign_page>> get_campaigns(std::shared_ptr<client_state> s,
                                                                   campaign_filter f, diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (auto why = check_page(f.page, f.limit)) co_return refuse<campaign_page>(*diag, std::move(*why));
  if (f.status && *f.status == campaign_status::unknown)
    co_return refuse<campaign_page>(*diag, "status must be a campaign status, not unknown");
  query_builder q;
  q.add("page", std::to_string(f.page));
  q.add("offset", std::to_string(f.limit));
  if (f.status) q.add("status", to_string(*f.status));
  if (f.search) q.add("search", *f.search);
  api_request request{.path = "/campaign", .query = std::move(q).str()};
  co_return co_await s->fetch<campaign_page>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<campaign_start>> start_campaign(std::shared_ptr<client_state> s,
                                                                     std::string id, diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse<campaign_start>(*diag, id_rule("campaign_id"));
  api_request request{.method = boost::beast::http::verb::post,
                      .path = "/campaign/" + http::encode_component(id) + "/start"};
  co_return co_await s->fetch<campaign_start>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<void>> pause_campaign(std::shared_ptr<client_state> s, std::string id,
                                                           diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse<void>(*diag, id_rule("campaign_id"));
  // Pausing twice pauses once: safe to send again.
  api_request request{.method = boost::beast::http::verb::post,
                      .path = "/campaign/" + http::encode_component(id) + "/pause",
                      .idempotent = true,
                      .data_optional = true};
  boost::json::value data;
  const error_code ec = co_await s->call(request, *diag, data);
  co_return op_result<void>{ec};
}

ATOMS_DECL asio::awaitable<op_result<void>> delete_campaign(std::shared_ptr<client_state> s, std::string id,
                                                            diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse<void>(*diag, id_rule("campaign_id"));
  api_request request{.method = boost::beast::http::verb::delete_,
                      .path = "/campaign/" + http::encode_component(id),
                      .data_optional = true};
  boost::json::value data;
  const error_code ec = co_await s->call(request, *diag, data);
  co_return op_result<void>{ec};
}

}  // namespace smallest::atoms::detail

#endif
