// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_WEBHOOKS_IPP
#define SMALLEST_ATOMS_IMPL_WEBHOOKS_IPP

#include <smallest/atoms/detail/calls.hpp>
#include <smallest/atoms/detail/client_state.hpp>
#include <smallest/atoms/detail/query.hpp>
#include <smallest/atoms/detail/webhooks.hpp>
#include <smallest/atoms/http/url.hpp>
#include <smallest/atoms/models/metric_value.hpp>  // detail::iequals_ascii

#include <boost/asio/this_coro.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <string_view>

namespace smallest::atoms::detail {

namespace webhooks_impl {

template <class T>
op_result<T> refuse_webhook_op(diagnostics& diag, std::string why) {
  diag.message = std::move(why);
  return failed<T>(errc::invalid_argument);
}

inline std::string webhook_id_rule(std::string_view what) {
  return std::string(what) + " must be an id, not empty, '.' or '..'";
}

inline bool blank_text(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// RFC 7230 tchar.
inline bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Characters as the service counts them (JavaScript string length, UTF-16 units): a code
// point above U+FFFF counts two. Invalid UTF-8 counts a unit per byte.
inline std::size_t utf16_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte
    n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

// A header name for a message: short, printable.
inline std::string quote_short(std::string_view s) { return "\"" + body_excerpt(s, {}, 40) + "\""; }

// The webhooks' secrets in `data` (one Webhook or an array of them) masked in diag.message,
// whole or as a decode error quotes them (their first 40 characters), should a decode error
// ever quote a value that holds one.
inline void mask_secrets(const boost::json::value& data, diagnostics& diag) {
  const auto mask_one = [&](const boost::json::value& w) {
    const auto* o = w.if_object();
    const auto* k = o ? o->if_contains("decryptedSecretKey") : nullptr;
    if (k == nullptr || !k->is_string() || k->get_string().size() < 4) return;
    const std::string_view secret = k->get_string();
    diag.message = body_excerpt(diag.message, secret, 4096);
    diag.message = body_excerpt(diag.message, utf8_prefix(secret, 40), 4096);
  };
  if (const auto* a = data.if_array())
    for (const auto& w : *a) mask_one(w);
  else
    mask_one(data);
}

// Outside the coroutines: g++ 12 mishandles a `co_return` inside a loop with locals.
inline std::optional<std::string> check_create(const webhook_create_request& r);
inline std::optional<std::string> check_event_types(const std::vector<webhook_event_type>& types) {
  if (types.empty())
    return "event_types must not be empty (async_delete_webhook_subscriptions removes them all)";
  for (std::size_t i = 0; i < types.size(); ++i)
    if (types[i] == webhook_event_type::unknown)
      return "event_types[" + std::to_string(i) + "] must be an event type, not unknown";
  return std::nullopt;
}

}  // namespace webhooks_impl

ATOMS_DECL std::optional<std::string> check_webhook_url(std::string_view url, std::string_view what) {
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed)
    return std::string(what) + " must be an absolute http:// or https:// URL, not " +
           webhooks_impl::quote_short(url);
  const auto scheme = parsed->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
    return std::string(what) + " must be an http:// or https:// URL, not " + webhooks_impl::quote_short(url);
  if (parsed->encoded_host().empty())
    return std::string(what) + " must name a host: " + webhooks_impl::quote_short(url);
  return std::nullopt;
}

ATOMS_DECL std::optional<std::string> check_webhook_headers(
    const std::map<std::string, std::string>& headers) {
  using namespace webhooks_impl;
  static constexpr std::array<std::string_view, 6> reserved = {
      "x-signature", "host", "content-length", "content-type", "connection", "transfer-encoding"};
  if (headers.size() > 10) return "headers: at most 10 custom headers, not " + std::to_string(headers.size());
  for (const auto& [name, value] : headers) {
    if (name.empty()) return std::string("headers: a header name is empty");
    for (char c : name)
      if (!is_tchar(c)) return "headers: " + quote_short(name) + " is not an RFC 7230 token";
    for (auto r : reserved)
      if (iequals_ascii(name, r)) return "headers: " + quote_short(name) + " is reserved by the service";
    if (utf16_length(value) > 1024)
      return "headers: the value of " + quote_short(name) + " is over 1024 characters";
    for (unsigned char c : value)
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return "headers: the value of " + quote_short(name) + " contains a control character";
  }
  return std::nullopt;
}

inline std::optional<std::string> webhooks_impl::check_create(const webhook_create_request& r) {
  if (auto why = check_webhook_url(r.endpoint, "endpoint")) return why;
  if (blank_text(r.description)) return "description must not be empty";
  for (std::size_t i = 0; i < r.events.size(); ++i) {
    const std::string at = "events[" + std::to_string(i) + "]";
    if (!valid_segment(r.events[i].agent_id)) return webhook_id_rule(at + ".agent_id");
    if (r.events[i].event_type == webhook_event_type::unknown)
      return at + ".event_type must be an event type, not unknown";
  }
  return std::nullopt;
}

ATOMS_DECL asio::awaitable<op_result<std::string>> create_webhook(std::shared_ptr<client_state> s,
                                                                  webhook_create_request r,
                                                                  diagnostics* given) {
  using namespace webhooks_impl;
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (auto why = check_create(r)) co_return refuse_webhook_op<std::string>(*diag, std::move(*why));
  // A POST that creates: never sent again once it may have arrived.
  api_request request{.method = boost::beast::http::verb::post,
                      .path = "/webhook",
                      .body = boost::json::serialize(boost::json::value_from(r))};
  co_return co_await s->fetch<std::string>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<std::vector<webhook>>> get_webhooks(std::shared_ptr<client_state> s,
                                                                         diagnostics* given) {
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  api_request request{.path = "/webhook", .secret_in_answer = true};
  boost::json::value data;
  if (error_code ec = co_await s->call(request, *diag, data)) co_return failed<std::vector<webhook>>(ec);
  // The document's `data` is one Webhook or an array of them.
  if (data.is_object()) {
    auto one = decode_data<webhook>(data, *diag, s->options().api_key);
    if (std::get<0>(one)) {
      webhooks_impl::mask_secrets(data, *diag);
      co_return failed<std::vector<webhook>>(std::get<0>(one));
    }
    std::vector<webhook> out;
    out.push_back(std::move(std::get<1>(one)));
    co_return op_result<std::vector<webhook>>{error_code{}, std::move(out)};
  }
  auto all = decode_data<std::vector<webhook>>(data, *diag, s->options().api_key);
  if (std::get<0>(all)) webhooks_impl::mask_secrets(data, *diag);
  co_return all;
}

ATOMS_DECL asio::awaitable<op_result<webhook>> get_webhook(std::shared_ptr<client_state> s, std::string id,
                                                           diagnostics* given) {
  using namespace webhooks_impl;
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse_webhook_op<webhook>(*diag, webhook_id_rule("webhook_id"));
  query_builder q;
  q.add("webhookId", id);
  api_request request{.path = "/webhook", .query = std::move(q).str(), .secret_in_answer = true};
  boost::json::value data;
  if (error_code ec = co_await s->call(request, *diag, data)) co_return failed<webhook>(ec);
  // One Webhook, or (as the listing) an array: of one, or empty or null for none.
  const boost::json::value* one = &data;
  if (const auto* a = data.if_array()) {
    one = nullptr;
    for (const auto& w : *a)
      if (const auto* o = w.if_object(); o && o->contains("_id") && o->at("_id") == boost::json::value(id))
        one = &w;
    if (one == nullptr && a->size() == 1) one = &a->front();
  }
  if (one == nullptr || one->is_null()) {
    (*diag).message = "Webhook not found (the service answered " + std::to_string((*diag).http_status) +
                      " without webhook " + quote_short(id) + ")";
    co_return failed<webhook>(make_http_error(404));
  }
  auto out = decode_data<webhook>(*one, *diag, s->options().api_key);
  if (std::get<0>(out)) webhooks_impl::mask_secrets(data, *diag);
  co_return out;
}

ATOMS_DECL asio::awaitable<op_result<std::string>> get_webhook_secret(std::shared_ptr<client_state> s,
                                                                      std::string id, diagnostics* given) {
  diag_ref diag(given);
  auto [ec, w] = co_await get_webhook(std::move(s), std::move(id), &*diag);
  if (ec) co_return failed<std::string>(ec);
  if (w.secret.empty()) {
    (*diag).message = "$.data.decryptedSecretKey: missing from the webhook";
    co_return failed<std::string>(errc::decode_error);
  }
  co_return op_result<std::string>{error_code{}, std::move(w.secret)};
}

ATOMS_DECL asio::awaitable<op_result<void>> update_webhook(std::shared_ptr<client_state> s, std::string id,
                                                           webhook_update u, diagnostics* given) {
  using namespace webhooks_impl;
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse_webhook_op<void>(*diag, webhook_id_rule("webhook_id"));
  if (!u.endpoint && !u.description && !u.headers)
    co_return refuse_webhook_op<void>(*diag, "an update must set endpoint, description or headers");
  if (u.endpoint)
    if (auto why = check_webhook_url(*u.endpoint, "endpoint"))
      co_return refuse_webhook_op<void>(*diag, std::move(*why));
  if (u.headers)
    if (auto why = check_webhook_headers(*u.headers))
      co_return refuse_webhook_op<void>(*diag, std::move(*why));
  // Sets the fields given to the values given: sending it twice does no harm.
  api_request request{.method = boost::beast::http::verb::patch,
                      .path = "/webhook/" + http::encode_component(id),
                      .body = boost::json::serialize(boost::json::value_from(u)),
                      .idempotent = true,
                      .data_optional = true};
  boost::json::value data;
  const error_code ec = co_await s->call(request, *diag, data);
  co_return op_result<void>{ec};
}

ATOMS_DECL asio::awaitable<op_result<void>> delete_webhook(std::shared_ptr<client_state> s, std::string id,
                                                           diagnostics* given) {
  using namespace webhooks_impl;
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(id)) co_return refuse_webhook_op<void>(*diag, webhook_id_rule("webhook_id"));
  api_request request{.method = boost::beast::http::verb::delete_,
                      .path = "/webhook/" + http::encode_component(id),
                      .data_optional = true};
  boost::json::value data;
  const error_code ec = co_await s->call(request, *diag, data);
  co_return op_result<void>{ec};
}

ATOMS_DECL asio::awaitable<op_result<std::vector<webhook_subscription>>> get_webhook_subscriptions(
    std::shared_ptr<client_state> s, std::string agent_id, diagnostics* given) {
  using namespace webhooks_impl;
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(agent_id))
    co_return refuse_webhook_op<std::vector<webhook_subscription>>(*diag, webhook_id_rule("agent_id"));
  api_request request{.path = "/agent/" + http::encode_component(agent_id) + "/webhook-subscriptions"};
  co_return co_await s->fetch<std::vector<webhook_subscription>>(std::move(request), *diag);
}

ATOMS_DECL asio::awaitable<op_result<void>> set_webhook_subscriptions(std::shared_ptr<client_state> s,
                                                                      std::string agent_id,
                                                                      std::string webhook_id,
                                                                      std::vector<webhook_event_type> types,
                                                                      diagnostics* given) {
  using namespace webhooks_impl;
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(agent_id)) co_return refuse_webhook_op<void>(*diag, webhook_id_rule("agent_id"));
  if (!valid_segment(webhook_id)) co_return refuse_webhook_op<void>(*diag, webhook_id_rule("webhook_id"));
  if (auto why = check_event_types(types)) co_return refuse_webhook_op<void>(*diag, std::move(*why));
  boost::json::array names;
  for (auto t : types) names.emplace_back(enum_name(t));
  boost::json::object body;
  body.emplace("eventTypes", std::move(names));
  body.emplace("webhookId", webhook_id);
  // Replaces the agent's subscriptions with the same set each time: safe to send again.
  api_request request{.method = boost::beast::http::verb::post,
                      .path = "/agent/" + http::encode_component(agent_id) + "/webhook-subscriptions",
                      .body = boost::json::serialize(body),
                      .idempotent = true,
                      .data_optional = true};
  boost::json::value data;
  const error_code ec = co_await s->call(request, *diag, data);
  co_return op_result<void>{ec};
}

ATOMS_DECL asio::awaitable<op_result<void>> delete_webhook_subscriptions(std::shared_ptr<client_state> s,
                                                                         std::string agent_id,
                                                                         diagnostics* given) {
  using namespace webhooks_impl;
  (void)co_await asio::this_coro::throw_if_cancelled(false);
  diag_ref diag(given);
  if (!valid_segment(agent_id)) co_return refuse_webhook_op<void>(*diag, webhook_id_rule("agent_id"));
  api_request request{.method = boost::beast::http::verb::delete_,
                      .path = "/agent/" + http::encode_component(agent_id) + "/webhook-subscriptions",
                      .data_optional = true};
  boost::json::value data;
  const error_code ec = co_await s->call(request, *diag, data);
  co_return op_result<void>{ec};
}

}  // namespace smallest::atoms::detail

#endif
