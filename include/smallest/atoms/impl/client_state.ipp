// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_CLIENT_STATE_IPP
#define SMALLEST_ATOMS_IMPL_CLIENT_STATE_IPP

#include <smallest/atoms/detail/client_state.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

#include <openssl/ssl.h>

#include <stdexcept>

namespace smallest::atoms::detail {

inline bool has_control_char(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

inline std::shared_ptr<asio::ssl::context> make_tls_context(const client_options& o) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  ::SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_verify_mode(asio::ssl::verify_peer);
  error_code ec;
  if (o.use_system_ca) ctx->set_default_verify_paths(ec);  // honours SSL_CERT_FILE / SSL_CERT_DIR
  if (!o.ca_file.empty()) {
    ctx->load_verify_file(o.ca_file, ec);
    if (ec)
      throw std::invalid_argument("client_options::ca_file: cannot load '" + o.ca_file +
                                  "': " + ec.message());
  }
  if (!o.ca_pem.empty()) {
    ctx->add_certificate_authority(asio::buffer(o.ca_pem), ec);
    if (ec) throw std::invalid_argument("client_options::ca_pem is not a PEM certificate: " + ec.message());
  }
  return ctx;
}

inline http::pool_options pool_options_for(const client_options& o) {
  http::pool_options po;
  po.limits.connect_timeout = o.connect_timeout;
  po.limits.request_timeout = o.request_timeout;
  po.limits.max_body = o.max_response_body;
  po.limits.max_header = o.max_response_header;
  po.max_connections = o.max_connections;
  po.idle_timeout = o.idle_timeout;
  po.max_requests_per_connection = o.max_requests_per_connection;
  if (!o.proxy.empty()) {
    auto proxy = std::make_shared<http::proxy_endpoint>();
    std::string why;  // never quotes the proxy URL: it may hold a password
    if (!http::parse_proxy(o.proxy, o.no_proxy, *proxy, why))
      throw std::invalid_argument("client_options::" + why);
    po.limits.proxy = std::move(proxy);
  }
  return po;
}

ATOMS_DECL std::string body_excerpt(std::string_view body, std::string_view secret, std::size_t max) {
  std::string s(body);
  // Masked before it is cut, so no part of the secret survives at the cut.
  if (secret.size() >= 4)
    for (auto pos = s.find(secret); pos != std::string::npos; pos = s.find(secret, pos))
      s.replace(pos, secret.size(), "***");
  s.resize(utf8_prefix(s, max).size());
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return s;
}

inline void validate(const retry_policy& p) {
  using ms = std::chrono::milliseconds;
  if (p.max_attempts == 0) throw std::invalid_argument("retry_policy::max_attempts must be at least 1");
  if (p.initial_backoff < ms{0} || p.max_backoff < ms{0} || p.deadline < ms{0})
    throw std::invalid_argument(
        "retry_policy: initial_backoff, max_backoff and deadline must not be negative");
  if (!(p.jitter >= 0 && p.jitter <= 1))
    throw std::invalid_argument("retry_policy::jitter must be within [0, 1]");
}

ATOMS_DECL client_state::client_state(asio::any_io_executor ex, client_options opts)
    : ex_(std::move(ex)), opts_(std::move(opts)) {
  serial_ = opts_.single_threaded || ex_.target<asio::strand<asio::io_context::executor_type>>() ||
            ex_.target<asio::strand<asio::any_io_executor>>();
  std::string why;
  if (!http::parse_endpoint(opts_.base_url, ep_, why)) throw std::invalid_argument("client_options::" + why);
  // Never quote the key in a message, not even a part of it.
  if (has_control_char(opts_.api_key))
    throw std::invalid_argument("client_options::api_key contains a control character (a stray newline?)");
  if (has_control_char(opts_.user_agent))
    throw std::invalid_argument("client_options::user_agent contains a control character");
  if (opts_.connect_timeout.count() <= 0 || opts_.request_timeout.count() <= 0)
    throw std::invalid_argument("client_options: connect_timeout and request_timeout must be positive");
  if (opts_.max_connections == 0)
    throw std::invalid_argument("client_options::max_connections must be at least 1");
  if (opts_.max_response_body == 0 || opts_.max_response_header == 0)
    throw std::invalid_argument("client_options: max_response_body and max_response_header must be positive");
  if (opts_.bulk_concurrency == 0 || opts_.max_download_size == 0)
    throw std::invalid_argument("client_options: bulk_concurrency and max_download_size must be positive");
  if (!(opts_.max_requests_per_second >= 0) || opts_.max_requests_per_second > 1e9)
    throw std::invalid_argument(
        "client_options::max_requests_per_second must be 0 (no limit) or a positive rate");
  validate(opts_.retry);
  if (!opts_.api_key.empty()) authorization_ = "Bearer " + opts_.api_key;
  origins_ = std::make_shared<origin_cache>();
  if (opts_.max_requests_per_second > 0)
    limiter_ = std::make_shared<rate_limiter>(opts_.max_requests_per_second);

  const http::pool_options po = pool_options_for(opts_);
  if (po.limits.proxy && !ep_.tls && !po.limits.proxy->excludes(ep_))
    throw std::invalid_argument(
        "client_options::proxy carries https:// only: reach an http:// base_url directly by "
        "naming its host in client_options::no_proxy (or NO_PROXY)");
  // Named in a transport error's diagnostics: host and port, never the credentials.
  if (po.limits.proxy && !po.limits.proxy->excludes(ep_))
    via_proxy_ = http::authority(po.limits.proxy->host, po.limits.proxy->port);
  // Made even for an http:// API: a recording may still be served over https.
  tls_ = make_tls_context(opts_);
  pool_ = std::make_shared<http::pool>(ex_, ep_, po, ep_.tls ? tls_ : nullptr);
}

ATOMS_DECL client_state::client_state(const client_state& base, retry_policy policy)
    : ex_(base.ex_),
      opts_(base.opts_),
      serial_(base.serial_),
      ep_(base.ep_),
      via_proxy_(base.via_proxy_),
      authorization_(base.authorization_),
      tls_(base.tls_),
      pool_(base.pool_),
      origins_(base.origins_),
      limiter_(base.limiter_) {
  validate(policy);
  opts_.retry = policy;
}

ATOMS_DECL std::shared_ptr<http::pool> client_state::origin_pool(const http::endpoint& ep) {
  constexpr std::size_t remembered = 4;
  std::lock_guard lk(origins_->mu);
  auto& pools = origins_->pools;
  for (const auto& p : pools)
    if (p->target().origin() == ep.origin()) return p;
  const http::pool_options po = pool_options_for(opts_);
  if (pools.size() == remembered) pools.erase(pools.begin());  // its users keep it alive
  pools.push_back(std::make_shared<http::pool>(ex_, ep, po, ep.tls ? tls_ : nullptr));
  return pools.back();
}

ATOMS_DECL asio::awaitable<error_code> client_state::call(const api_request& r, diagnostics& diag,
                                                          boost::json::value& data) {
  http::response res;
  error_code ec = co_await send(r, diag, res);
  if (!ec) ec = read_status(r, res, diag);
  if (!ec) ec = read_envelope(res.body(), r.data_optional, opts_.api_key, diag, data);
  withhold_excerpt(r, diag);
  co_return ec;
}

ATOMS_DECL asio::awaitable<error_code> client_state::send(const api_request& r, diagnostics& diag,
                                                          http::response& res) {
  namespace bhttp = boost::beast::http;
  diag.method = std::string(bhttp::to_string(r.method));
  diag.path = ep_.base_path + r.path;
  if (authorization_.empty()) {
    diag.message = "no request was sent";
    co_return errc::missing_api_key;
  }

  http::request req{r.method, r.query.empty() ? diag.path : diag.path + '?' + r.query, 11};
  req.set(bhttp::field::host, ep_.host_header);
  req.set(bhttp::field::user_agent, opts_.user_agent);
  req.set(bhttp::field::accept, "application/json");
  req.set(bhttp::field::authorization, authorization_);
  if (!r.body.empty()) {
    req.set(bhttp::field::content_type, r.content_type.empty() ? "application/json" : r.content_type);
    req.body() = r.body;
  }
  req.prepare_payload();

  // Reads and overwrites may be sent again, on another connection, after a failure.
  const bool idempotent = r.idempotent || r.method == bhttp::verb::get || r.method == bhttp::verb::head ||
                          r.method == bhttp::verb::put || r.method == bhttp::verb::delete_;
  const retry_policy& policy = opts_.retry;
  const asio::any_io_executor self = co_await asio::this_coro::executor;
  for (unsigned attempt = 1;; ++attempt) {
    if (limiter_) {
      const auto slot = limiter_->reserve();
      if (slot > std::chrono::steady_clock::now()) {
        asio::steady_timer pace(self, slot);
        auto [ec] = co_await pace.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return ec;
      }
    }
    res = {};
    const auto started = std::chrono::steady_clock::now();
    const http::exchange_result x = co_await pool_->async_exchange(req, res, diag.attempts, idempotent);
    const auto latency =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);

    attempt_outcome o{x.ec, x.request_sent, idempotent, false};
    unsigned status = 0;
    if (!x.ec) {
      status = res.result_int();
      if (status < 200 || status >= 300) o.ec = make_http_error(status);
    }
    std::chrono::milliseconds wait{0};
    std::string why;
    if (o.ec) {
      o.full_scan_query = status == 504 && is_full_scan_query(r.query);
      why = why_not_retry(o);
      if (why.empty() && attempt >= policy.max_attempts)
        why = "retry.max_attempts (" + std::to_string(policy.max_attempts) + ") reached";
      if (why.empty()) {
        wait = backoff(policy, attempt + 1, jitter_draw());
        if (status != 0)
          if (auto hint = server_retry_hint(res, std::chrono::system_clock::now()))
            wait = std::min(*hint, policy.max_backoff);
      }
    }
    if (opts_.on_attempt) {
      const std::string target = redacted_target(diag.path, r.query);
      const attempt_info info{diag.method, target, diag.attempts, status, o.ec, latency, wait};
      try {
        opts_.on_attempt(info);
      } catch (...) {
        // The hook is the user's; its failure is not the request's.
      }
    }
    if (!o.ec) break;
    if (!why.empty()) {
      diag.retry_note = std::move(why);
      if (x.ec) {
        // "Connection refused" alone would point at the service, not at the proxy.
        if (!via_proxy_.empty()) diag.message = "through the proxy " + via_proxy_;
        co_return x.ec;
      }
      break;  // an HTTP error status: its body is read below
    }
    asio::steady_timer pause(self, wait);
    auto [ec] = co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return ec;
  }
  co_return error_code{};
}

ATOMS_DECL error_code client_state::read_status(const api_request& r, const http::response& res,
                                                diagnostics& diag) const {
  diag.http_status = res.result_int();
  if (auto it = res.find("x-request-id"); it != res.end()) diag.request_id = std::string(it->value());
  const std::string& body = res.body();
  if (diag.http_status < 200 || diag.http_status >= 300) {
    read_error_body(body, opts_.api_key, diag);
    if (diag.http_status == 504 && is_full_scan_query(r.query))
      diag.message +=
          std::string(diag.message.empty() ? "" : " ") +
          "(dateFrom, dateTo and sortBy=createdAt force a full scan of the account's calls, which on a "
          "large account outlasts the gateway's timeout: prefer the default updatedAt order and filter "
          "by date on the client's side)";
    return make_http_error(diag.http_status);
  }
  return error_code{};
}

ATOMS_DECL error_code read_envelope(std::string_view body, bool data_optional, std::string_view secret,
                                    diagnostics& diag, boost::json::value& data) {
  // Parsed where `data` lives, so that moving the member out below moves, not copies; the
  // parser's own working stack starts on ours.
  unsigned char scratch[4096];
  boost::json::stream_parser p({}, {}, scratch);
  p.reset(data.storage());
  error_code jec;
  std::size_t n = p.write(body.data(), body.size(), jec);
  if (!jec) p.finish(jec);
  if (jec) {
    diag.message = "response body is not valid JSON at byte " + std::to_string(n) + " of " +
                   std::to_string(body.size()) + ": " + jec.message();
    diag.body_excerpt = body_excerpt(body, secret);
    diag.retry_note = "a 2xx answer whose body is not JSON is not transient";
    return errc::decode_error;
  }
  boost::json::value doc = p.release();
  boost::json::object* obj = doc.if_object();
  if (!obj) {
    diag.message = "$: expected the response envelope {\"status\": ..., \"data\": ...}, got " +
                   std::string(boost::json::to_string(doc.kind()));
    return errc::decode_error;
  }
  if (auto* st = obj->if_contains("status"); st && st->is_bool() && !st->get_bool()) {
    read_error_body(body, secret, diag);
    return errc::unexpected_response;
  }
  auto* d = obj->if_contains("data");
  if (!d && data_optional) {
    data = nullptr;
    return error_code{};
  }
  if (!d) {
    diag.message = "$.data: missing from a successful response";
    return errc::decode_error;
  }
  data = std::move(*d);
  return error_code{};
}

ATOMS_DECL void read_error_body(std::string_view body, std::string_view secret, diagnostics& diag) {
  auto text = [](const boost::json::value& v) -> std::string {
    if (auto* s = v.if_string()) return std::string(*s);
    if (auto* o = v.if_object()) {
      for (const char* k : {"message", "msg", "error", "detail"})
        if (auto* m = o->if_contains(k); m && m->is_string()) return std::string(m->get_string());
    }
    if (v.is_int64() || v.is_uint64()) return boost::json::serialize(v);
    return {};
  };
  auto mask = [secret](const std::string& s) { return body_excerpt(s, secret, 4096); };

  error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (!ec) {
    if (auto* o = v.if_object()) {
      std::string msg;
      if (auto* errs = o->if_contains("errors")) {
        if (auto* a = errs->if_array()) {
          for (const auto& e : *a)
            if (std::string t = text(e); !t.empty()) (msg.empty() ? msg : msg.append("; ")).append(t);
        } else {
          msg = text(*errs);
        }
      }
      for (const char* k : {"message", "error", "detail"}) {
        if (!msg.empty()) break;
        if (auto* m = o->if_contains(k)) msg = text(*m);
      }
      if (!msg.empty()) diag.message = mask(std::move(msg));
      for (const char* k : {"error_type", "code"}) {
        if (auto* t = o->if_contains(k); t && diag.error_type.empty()) diag.error_type = mask(text(*t));
      }
      if (!diag.message.empty()) return;
    }
  }
  // Not a body we understand: keep a short excerpt for a human.
  diag.body_excerpt = body_excerpt(body, secret);
}

}  // namespace smallest::atoms::detail

#endif
