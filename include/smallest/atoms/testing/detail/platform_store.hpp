// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_PLATFORM_STORE_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_PLATFORM_STORE_HPP

// The account's platform resources beyond calls and agent configurations: phone numbers,
// audiences and their members, campaigns and their dialing, and what the agent routes keep
// beside an agent_record (archived, when created, the create request's top-level fields).
//
// One mutex guards all of it, because a campaign ties an agent, an audience and numbers
// together and every check across them (archive while a campaign uses the agent, delete an
// audience in use) must see one state. Lock order: this mutex first, then the agent or call
// store's (never the other way round).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace smallest::atoms::testing::detail {

// The organisation every resource belongs to.
inline constexpr std::string_view emulated_organization_id = "696c0a1b2c3d4e5f60718200";

// What the platform routes keep of an agent beside its agent_record. Seeded agents have none
// until archived (then created_at is their branch's).
struct agent_meta {
  bool archived = false;
  std::string created_at;
  std::string updated_at;
  boost::json::object fields;  // the create request's top-level AgentDTO fields (language, ...)
};

struct audience_record {
  std::string id;
  std::string name;
  std::string description;
  std::string phone_column;       // phoneNumberColumnName
  std::string identifier_column;  // identifierColumnName, "" if not given
  std::string created_at;
  std::string updated_at;
  std::vector<boost::json::object> members;  // {"_id", "data": {column: value}}, in upload order
};

// A member's call, once dialed.
struct dial_record {
  std::size_t member = 0;  // index into the audience's members
  std::string call_id;
  std::chrono::steady_clock::time_point analytics_at{};
  bool analysed = false;
  boost::json::object record;  // the conversation record, without postCallAnalytics until analysed
};

struct campaign_record {
  std::string id;
  std::string name;
  std::string description;
  std::string agent_id;
  std::string audience_id;
  std::vector<std::string> phone_number_ids;
  std::string scheduled_at;  // "" if none
  std::int64_t max_retries = 3;
  std::int64_t retry_delay = 15;
  std::string status = "draft";
  std::string created_at;
  std::string updated_at;
  std::string paused_at;  // "" until paused
  std::int64_t cancelled_calls = 0;
  std::int64_t participants = 0;  // the audience's size when created
  boost::json::array events;

  // Dialing: processing until running_at, then one member every call_interval from
  // next_dial_at on.
  std::chrono::steady_clock::time_point running_at{};
  std::chrono::steady_clock::time_point next_dial_at{};
  std::size_t next_member = 0;
  std::vector<dial_record> dials;
};

struct platform_store {
  // emulator_options' campaign timings, copied at start.
  std::chrono::milliseconds start_delay{100};
  std::chrono::milliseconds call_interval{100};
  std::chrono::milliseconds analytics_delay{300};

  mutable std::mutex mutex;
  boost::json::array phone_numbers;  // the /product/phone-numbers items
  std::unordered_map<std::string, agent_meta> agents;
  std::vector<audience_record> audiences;  // in creation order
  std::vector<campaign_record> campaigns;  // in creation order

  audience_record* audience(const std::string& id) {
    for (auto& a : audiences)
      if (a.id == id) return &a;
    return nullptr;
  }
  campaign_record* campaign(const std::string& id) {
    for (auto& c : campaigns)
      if (c.id == id) return &c;
    return nullptr;
  }
};

// Seeded so a campaign can be made at once: the numbers the seeded calls come from.
inline boost::json::array seeded_phone_numbers() {
  const auto number = [](std::string_view id, std::string_view provider, std::string_view phone,
                         std::string_view country, std::string_view area) {
    return boost::json::object{
        {"_id", id},
        {"productType", "telephony"},
        {"isActive", true},
        {"agentId", nullptr},
        {"attributes",
         boost::json::object{
             {"provider", provider}, {"phoneNumber", phone}, {"countryCode", country}, {"areaCode", area}}},
        {"createdAt", "2025-07-04T12:35:02.821Z"},
        {"updatedAt", "2025-07-07T08:11:35.327Z"}};
  };
  return boost::json::array{number("6867ca76d0f8f2e0f4201281", "twilio", "+15551234567", "US", "555"),
                            number("6867ca76d0f8f2e0f4201282", "plivo", "+912268093636", "IN", "22")};
}

}  // namespace smallest::atoms::testing::detail

#endif
