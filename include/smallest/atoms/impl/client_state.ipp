// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_CLIENT_STATE_IPP
#define SMALLEST_ATOMS_IMPL_CLIENT_STATE_IPP

#include <smallest/atoms/detail/client_state.hpp>

#include <boost/asio/ssl/context.hpp>
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
  return po;
}

// A short printable excerpt of a body for a human, with `secret` masked should a server
// ever echo it: masked before it is cut, so no part of the secret survives at the cut.
inline std::string body_excerpt(std::string_view body, std::string_view secret, std::size_t max = 200) {
  std::string s(body);
  if (secret.size() >= 4)
    for (auto pos = s.find(secret); pos != std::string::npos; pos = s.find(secret, pos))
      s.replace(pos, secret.size(), "***");
  if (s.size() > max) {
    s.resize(max);
    // Cut at a UTF-8 boundary: drop a trailing partial character.
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
  }
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return s;
}

ATOMS_DECL client_state::client_state(asio::any_io_executor ex, client_options opts)
    : ex_(std::move(ex)), opts_(std::move(opts)) {
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
  if (!opts_.api_key.empty()) authorization_ = "Bearer " + opts_.api_key;

  const http::pool_options po = pool_options_for(opts_);
  // Made even for an http:// API: a recording may still be served over https.
  tls_ = make_tls_context(opts_);
  pool_ = std::make_shared<http::pool>(ex_, ep_, po, ep_.tls ? tls_ : nullptr);
}

ATOMS_DECL std::shared_ptr<http::pool> client_state::origin_pool(const http::endpoint& ep) {
  constexpr std::size_t remembered = 4;
  std::lock_guard lk(origins_mu_);
  for (const auto& p : origins_)
    if (p->target().origin() == ep.origin()) return p;
  const http::pool_options po = pool_options_for(opts_);
  if (origins_.size() == remembered) origins_.erase(origins_.begin());  // its users keep it alive
  origins_.push_back(std::make_shared<http::pool>(ex_, ep, po, ep.tls ? tls_ : nullptr));
  return origins_.back();
}

ATOMS_DECL asio::awaitable<error_code> client_state::call(const api_request& r, diagnostics& diag,
                                                          boost::json::value& data) {
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
    req.set(bhttp::field::content_type, "application/json");
    req.body() = r.body;
  }
  req.prepare_payload();

  http::response res;
  // Reads and overwrites may be sent again on another connection if a pooled one was dead.
  const bool replayable = r.idempotent || r.method == bhttp::verb::get || r.method == bhttp::verb::head ||
                          r.method == bhttp::verb::put || r.method == bhttp::verb::delete_;
  http::exchange_result x = co_await pool_->async_exchange(req, res, diag.attempts, replayable);
  if (x.ec) co_return x.ec;

  diag.http_status = res.result_int();
  if (auto it = res.find("x-request-id"); it != res.end()) diag.request_id = std::string(it->value());
  const std::string& body = res.body();
  if (diag.http_status < 200 || diag.http_status >= 300) {
    read_error_body(body, opts_.api_key, diag);
    co_return make_http_error(diag.http_status);
  }

  boost::json::stream_parser p;
  error_code jec;
  std::size_t n = p.write(body.data(), body.size(), jec);
  if (!jec) p.finish(jec);
  if (jec) {
    diag.message = "response body is not valid JSON at byte " + std::to_string(n) + " of " +
                   std::to_string(body.size()) + ": " + jec.message();
    diag.body_excerpt = body_excerpt(body, opts_.api_key);
    co_return errc::decode_error;
  }
  boost::json::value doc = p.release();
  boost::json::object* obj = doc.if_object();
  if (!obj) {
    diag.message = "$: expected the response envelope {\"status\": ..., \"data\": ...}, got " +
                   std::string(boost::json::to_string(doc.kind()));
    co_return errc::decode_error;
  }
  if (auto* st = obj->if_contains("status"); st && st->is_bool() && !st->get_bool()) {
    read_error_body(body, opts_.api_key, diag);
    co_return errc::unexpected_response;
  }
  auto* d = obj->if_contains("data");
  if (!d) {
    diag.message = "$.data: missing from a successful response";
    co_return errc::decode_error;
  }
  data = std::move(*d);
  co_return error_code{};
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
