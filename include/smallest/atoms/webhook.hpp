// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_WEBHOOK_HPP
#define SMALLEST_ATOMS_WEBHOOK_HPP

// Reading a webhook delivery: the service POSTs each event with an `X-Signature` header, the
// hex HMAC-SHA256 of the raw body keyed by the webhook's signing secret (`decryptedSecretKey`).
// read_webhook checks it in constant time, then decodes the body into a typed event.
//
//     auto d = atoms::read_webhook(body, signature_header_or_nullopt, secret);
//     if (d.ec == atoms::webhook_errc::bad_signature) → answer 401
//     else if (d.ec) → answer 400 (d.message says why)
//     else handle(*d.event);
//
// Neither the secret nor the signature ever appears in a message.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/models/webhook_event.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace smallest::atoms {

/// Why a delivery was not accepted; each a distinct code in webhook_category().
enum class webhook_errc {
  missing_signature = 1,  ///< no X-Signature header
  bad_signature,          ///< the header is not the body's HMAC under the secret (or not hex, or cut short)
  body_too_large,         ///< the body is over the limit; not read further
  malformed_body,         ///< signed, but not JSON of an event's shape (the message names the path)
  unknown_event,          ///< signed and JSON, but `metadata.eventType` is none this library knows
  no_secret,              ///< the secret given to read_webhook is empty: nothing can be verified
};

ATOMS_DECL const boost::system::error_category& webhook_category() noexcept;
inline error_code make_error_code(webhook_errc e) noexcept {
  return {static_cast<int>(e), webhook_category()};
}

/// The largest body read_webhook accepts by default: 1 MiB, far above any event the service sends.
inline constexpr std::size_t default_max_webhook_body = std::size_t(1) << 20;

/// The outcome of reading one delivery.
struct webhook_delivery {
  error_code ec{};                       ///< {} or a webhook_errc
  std::string message{};                 ///< why, for a log (never the secret or the signature)
  std::optional<webhook_event> event{};  ///< set exactly when `ec` is not set
};

/// The X-Signature the service sends for `body`: lowercase hex of HMAC-SHA256(secret, body).
ATOMS_DECL std::string webhook_signature(std::string_view body, std::string_view secret);

/// Whether `signature` (hex, either case, surrounding blanks ignored) is the body's HMAC
/// under `secret`; compared in constant time. {} or missing_signature (nullopt), no_secret,
/// bad_signature.
ATOMS_DECL error_code verify_webhook_signature(std::string_view body,
                                               std::optional<std::string_view> signature,
                                               std::string_view secret);

/// Checks the size, then the signature, then decodes the event.
ATOMS_DECL webhook_delivery read_webhook(std::string_view body, std::optional<std::string_view> signature,
                                         std::string_view secret,
                                         std::size_t max_body = default_max_webhook_body);

}  // namespace smallest::atoms

namespace boost::system {
template <>
struct is_error_code_enum<smallest::atoms::webhook_errc> : std::true_type {};
}  // namespace boost::system

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/webhook.ipp>
#endif

#endif
