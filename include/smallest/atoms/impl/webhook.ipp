// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_IMPL_WEBHOOK_IPP
#define SMALLEST_ATOMS_IMPL_WEBHOOK_IPP

#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/webhook.hpp>

#include <boost/json/parse.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

namespace smallest::atoms {

namespace detail {

// error_category's destructor is protected: no category is ever deleted through a base pointer.
// NOLINTNEXTLINE(cppcoreguidelines-virtual-class-destructor)
class webhook_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "atoms.webhook"; }
  std::string message(int ev) const override {
    switch (static_cast<webhook_errc>(ev)) {
      case webhook_errc::missing_signature: return "the delivery has no X-Signature header";
      case webhook_errc::bad_signature:
        return "the X-Signature header is not the body's HMAC-SHA256 under the webhook's secret";
      case webhook_errc::body_too_large: return "the delivery's body is over the size limit";
      case webhook_errc::malformed_body:
        return "the delivery's body is not a webhook event of the documented shape";
      case webhook_errc::unknown_event: return "the delivery is an event type this library does not know";
      case webhook_errc::no_secret: return "no signing secret: a delivery cannot be verified without one";
    }
    return "unknown webhook error " + std::to_string(ev);
  }
};

using hmac_bytes = std::array<unsigned char, 32>;

inline hmac_bytes hmac_sha256(std::string_view body, std::string_view secret) {
  hmac_bytes out{};
  unsigned int n = 0;
  // An empty body is still a body: HMAC() wants a non-null pointer.
  static const unsigned char nothing = 0;
  const auto* data = body.empty() ? &nothing : reinterpret_cast<const unsigned char*>(body.data());
  if (!::HMAC(::EVP_sha256(), secret.data(), static_cast<int>(secret.size()), data, body.size(), out.data(),
              &n) ||
      n != out.size())
    throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
  return out;
}

inline int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A decode message quotes the body; should the body hold the secret, it is not repeated.
inline std::string without_secret(std::string text, std::string_view secret) {
  for (std::size_t at; !secret.empty() && (at = text.find(secret)) != std::string::npos;)
    text.replace(at, secret.size(), "***");
  return text;
}

}  // namespace detail

ATOMS_DECL const boost::system::error_category& webhook_category() noexcept {
  static const detail::webhook_category_impl category;
  return category;
}

ATOMS_DECL std::string webhook_signature(std::string_view body, std::string_view secret) {
  static constexpr char digits[] = "0123456789abcdef";
  const detail::hmac_bytes mac = detail::hmac_sha256(body, secret);
  std::string hex;
  hex.reserve(2 * mac.size());
  for (unsigned char b : mac) {
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  return hex;
}

ATOMS_DECL error_code verify_webhook_signature(std::string_view body,
                                               std::optional<std::string_view> signature,
                                               std::string_view secret) {
  if (secret.empty()) return webhook_errc::no_secret;
  if (!signature) return webhook_errc::missing_signature;
  std::string_view s = *signature;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  detail::hmac_bytes given{};
  if (s.size() != 2 * given.size()) return webhook_errc::bad_signature;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const int hi = detail::hex_digit(s[2 * i]), lo = detail::hex_digit(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return webhook_errc::bad_signature;
    given[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  const detail::hmac_bytes expected = detail::hmac_sha256(body, secret);
  if (::CRYPTO_memcmp(given.data(), expected.data(), given.size()) != 0) return webhook_errc::bad_signature;
  return {};
}

ATOMS_DECL webhook_delivery read_webhook(std::string_view body, std::optional<std::string_view> signature,
                                         std::string_view secret, std::size_t max_body) {
  webhook_delivery d;
  if (body.size() > max_body) {
    d.ec = webhook_errc::body_too_large;
    d.message = "the body is " + std::to_string(body.size()) + " bytes, over the limit of " +
                std::to_string(max_body);
    return d;
  }
  if ((d.ec = verify_webhook_signature(body, signature, secret))) {
    d.message = d.ec.message();
    return d;
  }
  error_code jec;
  const boost::json::value doc = boost::json::parse(body, jec);
  if (jec) {
    d.ec = webhook_errc::malformed_body;
    d.message = "the body is not JSON: " + jec.message();
    return d;
  }
  try {
    d.event = detail::decode_json<webhook_event>(doc);
  } catch (const detail::unknown_webhook_event& e) {
    d.ec = webhook_errc::unknown_event;
    d.message = detail::without_secret(e.what(), secret);
  } catch (const detail::json_decode_error& e) {
    d.ec = webhook_errc::malformed_body;
    d.message = detail::without_secret(e.what(), secret);
  }
  return d;
}

}  // namespace smallest::atoms

#endif
