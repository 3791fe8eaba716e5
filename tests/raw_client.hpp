// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
//
// A deliberately plain Beast client (not ours) for the emulator's own tests: one connection,
// over TLS when the emulator has a CA, every step with a deadline.

#ifndef ATOMS_TESTS_RAW_CLIENT_HPP
#define ATOMS_TESTS_RAW_CLIENT_HPP

#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace raw_http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace testing = smallest::atoms::testing;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using namespace std::chrono_literals;

using response = http::response<http::string_body>;

// One connection to the emulator, over TLS when it has a CA. Every step runs the client's own
// io_context with a deadline, so a test fails instead of hanging.
class raw_client {
 public:
  // `port` 0 is the API's; e.recording_port() is the recording origin's.
  explicit raw_client(const testing::emulator& e, const std::string& verify_host = "localhost",
                      std::uint16_t port = 0) {
    CHECK_FALSE(connect(e, verify_host, port));
  }
  raw_client() = default;

  error_code connect(const testing::emulator& e, const std::string& verify_host = "localhost",
                     std::uint16_t port = 0) {
    const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), port != 0 ? port : e.port()};
    if (e.ca_pem().empty()) {
      tcp_.emplace(ioc_);
      return run(tcp_.value(), [&](auto h) { tcp_->async_connect(endpoint, h); });
    }
    ctx_.add_certificate_authority(asio::buffer(e.ca_pem()));
    tls_.emplace(ioc_, ctx_);
    tls_->set_verify_mode(ssl::verify_peer);
    tls_->set_verify_callback(ssl::host_name_verification(verify_host));
    error_code not_an_address;
    asio::ip::make_address(verify_host, not_an_address);
    if (not_an_address)  // SNI is for names only
      SSL_set_tlsext_host_name(tls_->native_handle(), verify_host.c_str());
    if (auto ec = run(beast::get_lowest_layer(*tls_),
                      [&](auto h) { beast::get_lowest_layer(*tls_).async_connect(endpoint, h); }))
      return ec;
    return run(beast::get_lowest_layer(*tls_),
               [&](auto h) { tls_->async_handshake(ssl::stream_base::client, h); });
  }

  error_code send(http::request<http::string_body> req) {
    req.prepare_payload();
    return with_stream([&](auto& s) {
      return run(beast::get_lowest_layer(s), [&](auto h) { http::async_write(s, req, h); });
    });
  }

  error_code receive(response& res, std::chrono::milliseconds timeout = 5s) {
    res = {};
    return with_stream([&](auto& s) {
      return run(
          beast::get_lowest_layer(s), [&](auto h) { http::async_read(s, buffer_, res, h); }, timeout);
    });
  }

  // Into a parser, which keeps what arrived of a message that ends in an error.
  error_code receive(http::response_parser<http::string_body>& parser,
                     std::chrono::milliseconds timeout = 5s) {
    return with_stream([&](auto& s) {
      return run(
          beast::get_lowest_layer(s), [&](auto h) { http::async_read(s, buffer_, parser, h); }, timeout);
    });
  }

  // GET (or POST with a body) with the key (if any), expecting an answer.
  response get(const std::string& target, std::optional<std::string> key = "test-key", bool keep_alive = true,
               std::optional<std::string> post_body = std::nullopt) {
    const http::verb method = post_body ? http::verb::post : http::verb::get;
    return request(method, target, std::move(post_body), std::move(key), keep_alive);
  }

  // Any method, with a JSON body if given, expecting an answer.
  response request(http::verb method, const std::string& target,
                   std::optional<std::string> body = std::nullopt,
                   std::optional<std::string> key = "test-key", bool keep_alive = true) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "localhost");
    if (key) req.set(http::field::authorization, "Bearer " + *key);
    req.keep_alive(keep_alive);
    if (body) {
      req.set(http::field::content_type, "application/json");
      req.body() = *body;
    }
    response res;
    CHECK_FALSE(send(req));
    const error_code ec = receive(res);
    CHECK_MESSAGE(!ec, ec.message());
    return res;
  }

 private:
  template <class F>
  error_code with_stream(F f) {
    return tls_ ? f(*tls_) : f(*tcp_);
  }

  template <class Op>
  error_code run(beast::tcp_stream& lowest, Op op, std::chrono::milliseconds timeout = 5s) {
    error_code result = asio::error::would_block;
    lowest.expires_after(timeout);
    op([&result](error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  asio::io_context ioc_;
  ssl::context ctx_{ssl::context::tls_client};
  std::optional<beast::tcp_stream> tcp_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
};

}  // namespace raw_http

#endif
