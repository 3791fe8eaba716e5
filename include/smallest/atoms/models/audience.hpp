// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_MODELS_AUDIENCE_HPP
#define SMALLEST_ATOMS_MODELS_AUDIENCE_HPP

// Audiences: the lists of people a campaign calls. What client::async_create_audience takes
// (`audience_create_request`, sent as a CSV upload), what `POST /audience`, `GET /audience`
// and `GET /audience/{id}` answer (`audience`), and one page of `GET /audience/{id}/members`
// (`audience_member_page`).
//
// A member is stored by the service as the row of the uploaded CSV, `data`: an object whose
// keys are the CSV's header names. This library writes the header `phoneNumber,firstName,
// lastName`, so its members read back as {"phoneNumber": …, "firstName": …, "lastName": …}.

#include <smallest/atoms/detail/config.hpp>
#include <smallest/atoms/models/campaign.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/open_enum.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smallest::atoms {

/// True for an E.164 phone number as the service takes it: '+', then 8 to 15 digits, the
/// first not 0 ("+14155550100"). No spaces, dashes or parentheses.
ATOMS_DECL bool is_e164(std::string_view number) noexcept;

/// A person to call: what an audience is made of.
struct audience_member {
  std::string phone_number{};               ///< E.164 ("+14155550100"). Required.
  std::optional<std::string> first_name{};  ///< Any UTF-8 text.
  std::optional<std::string> last_name{};   ///< Any UTF-8 text.
};

/// What client::async_create_audience creates.
struct audience_create_request {
  std::string name{};                        ///< Required, not empty.
  std::optional<std::string> description{};  ///< `description`
  std::vector<audience_member> members{};    ///< At least one.
};

/// A campaign using an audience (`campaigns[i]` of `GET /audience`).
struct audience_campaign {
  std::string id{};  ///< `_id`
  std::string name{};
  open_enum<campaign_status> status{};    ///< `status`
  std::optional<timestamp> created_at{};  ///< `createdAt`
};

/// An audience, as `POST /audience`, `GET /audience/{id}` and `GET /audience` return it.
struct audience {
  std::string id{};  ///< `_id`. Required.
  std::string name{};
  std::optional<std::string> description{};
  /// `phoneNumberColumnName`: the member `data` key holding the number ("phoneNumber" for the
  /// audiences this library creates).
  std::optional<std::string> phone_number_column_name{};
  std::optional<std::string> identifier_column_name{};  ///< `identifierColumnName`
  /// `memberCount`: only `GET /audience` sends it.
  std::optional<std::int64_t> member_count{};
  /// `hasCampaigns`: only `GET /audience` sends it.
  std::optional<bool> has_campaigns{};
  /// `campaigns`: the campaigns using it; only `GET /audience` sends them.
  std::vector<audience_campaign> campaigns{};
  std::optional<timestamp> created_at{};  ///< `createdAt`
  std::optional<timestamp> updated_at{};  ///< `updatedAt`
  boost::json::object raw{};              ///< The whole object, as sent.
};

/// A member as `GET /audience/{id}/members` lists it.
struct audience_member_record {
  std::string id{};  ///< `_id`
  /// `data.phoneNumber` (the column this library uploads); empty when the row has none, as an
  /// audience made elsewhere with another column name would (its number is then in `data`).
  std::string phone_number{};
  std::optional<std::string> first_name{};  ///< `data.firstName`
  std::optional<std::string> last_name{};   ///< `data.lastName`
  boost::json::object data{};               ///< `data`, the CSV row, as sent.
};

/// The `data` of `GET /audience/{id}/members`: one page of members.
struct audience_member_page {
  std::vector<audience_member_record> members{};
  std::optional<std::int64_t> total_count{};  ///< `totalCount`: members of the audience.
  std::optional<std::int64_t> total_pages{};  ///< `totalPages`
  std::optional<bool> has_more{};             ///< `hasMore`
};

/// Which page of members to fetch.
struct page_request {
  std::int64_t page = 1;  ///< 1-based.
  /// The page size, sent as `offset`: the service's name for its page size (a `limit` would
  /// be silently ignored). 5 is the service's default.
  std::int64_t limit = 5;
};

// ---- JSON mappings -------------------------------------------------------------------------------

/// `{"phoneNumber": …, "firstName": …, "lastName": …}`, names only when set: the body of
/// `POST /audience/{id}/members` holds these, under the header names of the CSV upload.
ATOMS_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, audience_member const& m);
ATOMS_DECL audience_campaign tag_invoke(boost::json::value_to_tag<audience_campaign>,
                                        boost::json::value const& jv);
/// A missing or non-string `_id` is a `detail::json_decode_error`.
ATOMS_DECL audience tag_invoke(boost::json::value_to_tag<audience>, boost::json::value const& jv);
ATOMS_DECL audience_member_record tag_invoke(boost::json::value_to_tag<audience_member_record>,
                                             boost::json::value const& jv);
/// `jv` is the `data` member of the response.
ATOMS_DECL audience_member_page tag_invoke(boost::json::value_to_tag<audience_member_page>,
                                           boost::json::value const& jv);

}  // namespace smallest::atoms

#ifndef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/impl/audience.ipp>
#endif

#endif
