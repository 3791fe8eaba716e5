// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_PHONE_NUMBER_HPP
#define SMALLEST_ATOMS_MODELS_PHONE_NUMBER_HPP

// The organisation's phone numbers, as `GET /product/phone-numbers` lists them: the numbers
// bought on the platform (Twilio, Plivo); imported SIP numbers are not in that list.
// Decoding as for the other models; the whole object is kept in `raw`.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>

#include <optional>
#include <string>

namespace smallest::atoms {

/// One number of `GET /product/phone-numbers`.
struct phone_number {
  /// `_id`: what `campaign_create_request::phone_number_ids` and
  /// `agent_create_request::telephony_product_ids` take. Required.
  std::string id{};
  std::string number{};                       ///< `attributes.phoneNumber`, E.164.
  std::optional<std::string> provider{};      ///< `attributes.provider`: "twilio" or "plivo".
  std::optional<std::string> country_code{};  ///< `attributes.countryCode`, ISO 3166-1 ("US").
  std::optional<std::string> area_code{};     ///< `attributes.areaCode`
  std::optional<std::string> product_type{};  ///< `productType`: "telephony".
  std::optional<bool> is_active{};            ///< `isActive`
  /// `agentId`: the agent the number is assigned to; nullopt when unassigned (null).
  std::optional<std::string> agent_id{};
  std::optional<timestamp> created_at{};  ///< `createdAt`
  std::optional<timestamp> updated_at{};  ///< `updatedAt`
  boost::json::object raw{};              ///< The whole object, as sent.
};

/// A missing or non-string `_id` is a `detail::json_decode_error`.
ATOMS_DECL phone_number tag_invoke(boost::json::value_to_tag<phone_number>, boost::json::value const& jv);

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/phone_number.ipp>
#endif

#endif
