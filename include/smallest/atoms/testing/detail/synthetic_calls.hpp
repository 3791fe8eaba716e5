// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_SYNTHETIC_CALLS_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_SYNTHETIC_CALLS_HPP

// The emulator's data set: conversation records shaped like the `data` object of
// `GET /conversation/{id}` in the OpenAPI document, plus the fields the real service sends
// beyond it (DESIGN.md, "What the service does that the pages do not say").
//
// Every key is spelt here, by hand, as the document spells it, and never produced by the
// client's models: a misspelt key in a model must fail a test rather than round-trip.
//
// The data vary the way a live account does: completed calls with analytics, calls still in
// progress, unanswered and failed calls without analytics and with empty recording URLs,
// metric values that are strings, numbers or booleans (or null), integral durations sent as
// doubles ("120.0"), transcript timestamps as ISO strings or epoch milliseconds.

#include <smallest/atoms/testing/detail/agent_branches.hpp>
#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/json_text.hpp>
#include <smallest/atoms/testing/detail/record_fields.hpp>
#include <smallest/atoms/testing/detail/rng.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smallest::atoms::testing::detail {

namespace json = boost::json;

// Rounds to `places` decimals, as the service's cost and latency figures are.
inline double round_to(double v, int places) {
  const double f = std::pow(10.0, places);
  return std::round(v * f) / f;
}

inline std::string fill(std::string_view text,
                        const std::vector<std::pair<std::string_view, std::string>>& vars) {
  std::string out(text);
  for (const auto& [name, value] : vars) {
    for (std::size_t at = out.find(name); at != std::string::npos; at = out.find(name, at + value.size()))
      out.replace(at, name.size(), value);
  }
  return out;
}

// fill(text, vars).size(), without making the string (every name is "{...}", and no value
// contains a brace).
inline std::size_t filled_size(std::string_view text,
                               const std::vector<std::pair<std::string_view, std::string>>& vars) {
  std::size_t size = text.size();
  for (std::size_t at = text.find('{'); at != std::string_view::npos; at = text.find('{', at + 1))
    for (const auto& [name, value] : vars)
      if (text.substr(at, name.size()) == name) size = size - name.size() + value.size();
  return size;
}

struct metric_spec {
  std::string_view identifier;
  std::string_view type;  // STRING, BOOLEAN, INTEGER, ENUM, DATETIME
  std::string_view prompt;
  std::vector<std::string_view> choices;
};

struct agent_spec {
  std::string_view id;
  std::string_view name;
  std::string_view description;
  std::string_view voice_id;
  std::string_view gender;
  std::string_view opening;             // the agent's first turn
  std::vector<std::string_view> agent;  // middle turns
  std::vector<std::string_view> user;   // middle turns
  std::string_view closing;             // the agent's last turn
  std::vector<std::string_view> summaries;
  std::vector<metric_spec> metrics;
};

// The sentences are split over lines on purpose: adjacent literals, no missing comma.
// NOLINTBEGIN(bugprone-suspicious-missing-comma)
inline const std::vector<agent_spec>& agents() {
  static const std::vector<agent_spec> list = {
      {"696ddd281ea16a73cb8aafbe",
       "Collections Agent - Nisha",
       "Reminds customers of overdue EMI payments and records promises to pay",
       "nisha",
       "female",
       "Hello, am I speaking with {name}? This is Nisha calling from Horizon Finance about your "
       "personal loan account ending in 4417.",
       {"I am calling because the EMI of {amount} rupees that was due on the fifth is still "
        "pending on your account. Could you tell me when you will be able to pay it?",
        "I understand, {name}. If the payment is made before {date}, no late fee will be "
        "added. Shall I note that date as your promise to pay?",
        "You can pay through the app, by UPI to the account linked with your loan, or at any "
        "branch. Would you like me to send the payment link by SMS?",
        "Just to confirm, the amount is {amount} rupees and the date is {date}. Is that "
        "correct?",
        "I have noted that. You will receive a confirmation message within a few minutes, "
        "and the receipt will be in the app once the payment is processed.",
        "If you are facing any difficulty, we also have an option to restructure the EMI. "
        "Would you like someone from the branch to call you about it?",
        "Sorry, I did not catch that clearly. Could you please repeat the date you mentioned?",
        "Thank you for the information. I will update your account notes right away."},
       {"Yes, this is {name}. What is this about?",
        "Oh, I thought the auto-debit had gone through. My salary was delayed this month.",
        "I can pay it by {date}, most probably in the evening after office hours.",
        "Please send the link on this number, that is easier for me.",
        "Yes, {amount} is correct. I will pay the full amount, not in parts.",
        "No, I don't need a restructure, it was only a one-time delay.",
        "Can you tell me if there is any late fee already added to the account?",
        "Okay, I will check the app and call the branch if something is wrong.",
        "Hmm, can you hold on for a second? Someone is at the door. Okay, go ahead."},
       "Thank you for your time, {name}. Have a good day, and please do make the payment by "
       "{date} to avoid any charges.",
       {"The agent reminded {name} of an overdue EMI of {amount} rupees. The customer "
        "explained the salary delay and promised to pay the full amount by {date}; a payment "
        "link was sent by SMS.",
        "The agent called {name} about a pending EMI. The customer asked about late fees and "
        "agreed to pay by {date} through the app.",
        "The customer acknowledged the overdue amount of {amount} rupees but did not commit "
        "to a date, asking for a call from the branch instead."},
       {{"call_outcome",
         "ENUM",
         "What was the outcome of the call? paid, promise_to_pay, "
         "dispute or no_commitment",
         {"paid", "promise_to_pay", "dispute", "no_commitment"}},
        {"payment_promised", "BOOLEAN", "Did the customer promise to pay? Answer true or false.", {}},
        {"promised_amount", "INTEGER", "What amount did the customer promise to pay, in rupees?", {}},
        {"promised_date", "DATETIME", "On what date did the customer promise to pay?", {}}}},

      {"696e655577e1d88ff54b4fbf",
       "Sales Agent 1768842500",
       "Testing disposition metrics",
       "emily",
       "female",
       "Hi, this is Maya from Smallest AI. I'm calling to tell you about our AI voice agents "
       "that can answer and make phone calls for your business. Do you have a minute?",
       {"Our agents handle customer calls around the clock, in several languages, and hand "
        "the call to a person when needed. Would something like that be useful for you?",
        "Many of our customers start with appointment reminders and follow-up calls, and then "
        "move on to inbound support once they see the results.",
        "Pricing depends on the number of minutes you use each month; there is a free tier to "
        "try it out, and the team can share a detailed quote.",
        "May I have your name so that our team can follow up with a short demo?",
        "That's a fair question. The voices are generated in real time, and you can choose a "
        "voice and a language that fit your brand.",
        "Is this the best number to reach you, or would you prefer an email?",
        "Sure, I can call back later. What time would suit you better?"},
       {"Sure, go ahead, but please keep it short.", "Yes, that sounds useful. I am interested.",
        "Hmm, I'm not sure. We already have a small call centre team.", "My name is {name}.",
        "How much does it cost for a small business like ours?",
        "Does it work in Hindi as well, or only in English?",
        "Email would be better, I'm usually in meetings during the day.",
        "Can you call me back next week? This week is very busy."},
       "Thank you for your time, {name}. Someone from our team will reach out with a short "
       "demo. Have a great day!",
       {"The call involved an agent reaching out to discuss AI products. The user asked about "
        "pricing and languages and agreed to a demo.",
        "The agent introduced AI voice agents; {name} was unsure because of an existing call "
        "centre team and asked for a call back next week.",
        "The user showed mild interest, shared the name {name}, and preferred a follow-up by "
        "email."},
       {{"user_interested", "ENUM", "Was the user interested? yes, no, or unclear", {"yes", "no", "unclear"}},
        {"user_name", "STRING", "What is the user's name? Return 'unknown' if not mentioned.", {}}}},

      {"69edad34780a67ce987d3f42",
       "Support Agent - Arjun",
       "Answers billing and account questions for broadband customers",
       "arjun",
       "male",
       "Thank you for calling Skyline Broadband, this is Arjun. How can I help you today?",
       {"I can help with that. Could you please confirm the registered mobile number or the "
        "customer ID on the account?",
        "Thank you, {name}. I can see the account. The bill for this month is {amount} "
        "rupees, which includes a one-time installation charge.",
        "I have raised a request to reverse the extra charge. It should reflect on your next "
        "bill within five to seven working days.",
        "Let me check the line status for you. I can see some packet loss on your connection "
        "since yesterday evening.",
        "I have reset the port from our side. Could you please restart your router and tell "
        "me when the lights are stable?",
        "If the problem continues, I will book a technician visit for {date}. Is that okay?",
        "Is there anything else I can help you with today?",
        "I am sorry for the inconvenience, {name}. I have noted your feedback on the account."},
       {"Hi, my internet has been very slow since yesterday and the bill also looks higher.",
        "The customer ID is 7730-{amount}. The account is in the name of {name}.",
        "Why is there an installation charge? The connection was installed last year.",
        "Okay, I have restarted it. The lights look normal now, let me check the speed.",
        "It is better now, but it was the third time this month.",
        "Yes, {date} is fine, but please make sure the technician calls before coming.",
        "No, that's all. Thanks for the help.",
        "Honestly, I am thinking of switching providers if this happens again."},
       "Thank you for calling Skyline Broadband, {name}. Your reference number is SR-{amount}. "
       "Have a good day!",
       {"{name} reported slow internet and a higher bill. The agent reversed a wrong "
        "installation charge, reset the port and the speed recovered.",
        "The customer called about repeated outages. A technician visit was booked for "
        "{date}; the customer mentioned switching providers.",
        "Billing query resolved: the agent explained the {amount} rupees bill and raised a "
        "reversal request."},
       {{"issue_resolved",
         "BOOLEAN",
         "Was the customer's issue resolved by the end of the "
         "call? Answer true or false.",
         {}},
        {"issue_category",
         "ENUM",
         "What was the issue about? billing, technical, account or "
         "other",
         {"billing", "technical", "account", "other"}},
        {"satisfaction_score", "INTEGER", "Rate the customer's satisfaction from 1 to 5.", {}},
        {"escalation_needed", "BOOLEAN", "Does the call need escalation to a supervisor?", {}},
        {"customer_feedback",
         "STRING",
         "Summarise any feedback the customer gave, in one "
         "sentence. Return 'none' if there was none.",
         {}}}},
  };
  return list;
}
// NOLINTEND(bugprone-suspicious-missing-comma)

inline json::object agent_object(const agent_spec& a) {
  // An AgentDTO subset, as the service populates it in a conversation record.
  return {{"_id", a.id}, {"name", a.name}, {"description", a.description}};
}

inline json::object voice_config(const agent_spec& a) {
  return {{"model", "lightning-v2"}, {"voiceId", a.voice_id}, {"gender", a.gender}};
}

inline json::value metric_value(rng& r, const metric_spec& m, const std::string& name, std::int64_t amount,
                                std::int64_t date_ms) {
  if (r.chance(0.06)) return nullptr;  // "The metric will have an empty or null value."
  if (m.type == "ENUM") return json::string(m.choices[static_cast<std::size_t>(r.next() % m.choices.size())]);
  if (m.type == "BOOLEAN") {
    const bool b = r.chance(0.6);
    if (r.chance(0.2)) return json::string(b ? "yes" : "no");  // LLM output stored as text
    return b;
  }
  if (m.type == "INTEGER") {
    const std::int64_t v = m.identifier == "promised_amount" ? amount : r.between(1, 5);
    if (r.chance(0.2)) return json::string(std::to_string(v));
    return v;
  }
  if (m.type == "DATETIME")
    return json::string(r.chance(0.5) ? iso8601(date_ms).substr(0, 10) : iso8601(date_ms));
  if (m.identifier == "customer_feedback")
    return json::string(r.chance(0.5) ? "none" : "Unhappy about repeated outages this month.");
  return json::string(name);
}

inline json::object disposition_metric(std::string_view identifier, json::value value, json::value confidence,
                                       std::string_view reasoning, const metric_spec& m,
                                       bool legacy_type_key) {
  json::object o{
      {"identifier", identifier}, {"value", std::move(value)},       {"confidence", std::move(confidence)},
      {"reasoning", reasoning},   {"dispositionMetricType", m.type}, {"dispositionMetricPrompt", m.prompt}};
  if (!m.choices.empty()) {
    json::array choices;
    for (auto c : m.choices) choices.emplace_back(c);
    o["choices"] = std::move(choices);
  }
  // Records written while the type moved from the nested form to the flat one carry both.
  if (legacy_type_key) o["dispositionValues"] = json::object{{"type", m.type}};
  return o;
}

struct call_clock {
  std::int64_t created_ms;
  std::int64_t answered_ms;
  std::int64_t ended_ms;
};

inline std::string call_id_for(std::int64_t ms, const std::string& hex6) {
  return "CALL-" + std::to_string(ms) + "-" + hex6;
}

inline std::string object_id(rng& r, std::int64_t ms) {
  char buf[16];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<std::uint64_t>(ms / 1000), 16);
  return std::string(buf, end) + r.hex(16);
}

// turnLatencyMetrics.avgLatency of the per-turn latencies.
inline double average_latency(const std::vector<std::int64_t>& values) {
  double sum = 0;
  for (auto v : values) sum += static_cast<double>(v);
  return round_to(sum / static_cast<double>(values.size()), 2);
}

// turnLatencyMetrics from the per-turn latencies and transitions.
inline json::object latency_metrics(const std::vector<std::int64_t>& values, json::array transitions,
                                    std::int64_t processed_ms) {
  std::vector<std::int64_t> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  json::array latencies;
  for (auto v : values) latencies.emplace_back(v);
  const std::size_t n = sorted.size();
  json::value median = n % 2 ? json::value(sorted[n / 2])
                             : json::value(static_cast<double>(sorted[n / 2 - 1] + sorted[n / 2]) / 2);
  return json::object{{"turns", static_cast<std::int64_t>(n)}, {"avgLatency", average_latency(values)},
                      {"medianLatency", std::move(median)},    {"minLatency", sorted.front()},
                      {"maxLatency", sorted.back()},           {"latencies", std::move(latencies)},
                      {"transitions", std::move(transitions)}, {"processedAt", iso8601(processed_ms)}};
}

// A transcript and its latency metrics, built together so they agree.
struct conversation {
  json::array transcript;  // record_detail::full only
  json::object latency;    // {"avgLatency"} only at record_detail::keys
  std::int64_t ended_ms = 0;
  std::int64_t characters_spoken = 0;
};

// Makes the same draws at every detail: only what is built differs.
inline conversation converse(rng& r, const agent_spec& a,
                             const std::vector<std::pair<std::string_view, std::string>>& vars,
                             std::int64_t start_ms, int turns, bool finished, record_detail detail) {
  const bool with_transcript = detail == record_detail::full;
  const bool with_transitions = detail != record_detail::keys;
  conversation c;
  const int style = static_cast<int>(r.next() % 10);  // 0-1: epoch ms, 2: mixed, else ISO
  std::int64_t t = start_ms + r.between(300, 1500);
  json::array transitions;
  std::vector<std::int64_t> values;
  std::int64_t user_end = 0;
  std::size_t next_agent = 0;
  std::size_t next_user = 0;
  for (int i = 0; i < turns; ++i) {
    const bool agent_turn = i % 2 == 0;
    std::string_view script;
    if (i == 0)
      script = a.opening;
    else if (finished && i == turns - 1 && agent_turn)
      script = a.closing;
    else if (agent_turn)
      script = a.agent[next_agent++ % a.agent.size()];
    else
      script = a.user[next_user++ % a.user.size()];
    const std::string text = with_transcript ? fill(script, vars) : std::string();
    const auto length = static_cast<std::int64_t>(with_transcript ? text.size() : filled_size(script, vars));
    // Now and then the conversation skips a step of the script.
    if (r.chance(0.15)) ++(agent_turn ? next_agent : next_user);

    if (agent_turn && i > 0) {
      const std::int64_t latency = r.between(420, 1900);
      const std::int64_t bot_start = user_end + latency;
      values.push_back(latency);
      if (with_transitions)
        transitions.push_back(json::object{{"turn", static_cast<std::int64_t>(values.size())},
                                           {"user_end", user_end},
                                           {"bot_start", bot_start},
                                           {"latency", latency}});
      t = bot_start;
    }
    if (with_transcript) {
      const bool numeric = style < 2 || (style == 2 && !agent_turn);
      json::value stamp = numeric ? json::value(t) : json::value(iso8601(t));
      c.transcript.push_back(json::object{
          {"role", agent_turn ? "agent" : "user"}, {"content", text}, {"timestamp", std::move(stamp)}});
    }
    c.characters_spoken += length;
    const std::int64_t speaking = length * r.between(55, 75);
    if (agent_turn)
      t += speaking + r.between(300, 2500);  // the user thinks before answering
    else
      user_end = t + speaking;
  }
  c.ended_ms = std::max(t, user_end) + r.between(500, 3000);

  if (!values.empty()) {
    const std::int64_t processed_ms = c.ended_ms + r.between(2000, 9000);
    c.latency = with_transitions ? latency_metrics(values, std::move(transitions), processed_ms)
                                 : json::object{{"avgLatency", average_latency(values)}};
  }
  return c;
}

// The call's events; without `build`, only the draws are made (the array stays empty).
inline json::array call_events(rng& r, const call_clock& clock, std::string_view status,
                               std::string_view reason, std::int64_t sip_code, bool build = true) {
  json::array events;
  const std::int64_t ringing_ms = clock.created_ms + r.between(800, 2500);
  if (build) {
    events.push_back(json::object{{"type", "call_initiated"}, {"timestamp", clock.created_ms}});
    events.push_back(json::object{{"type", "call_ringing"}, {"timestamp", ringing_ms}});
  }
  if (status == "completed" || status == "in_progress") {
    const std::int64_t connected_ms = clock.answered_ms + r.between(50, 400);
    if (build) {
      events.push_back(json::object{{"type", "call_answered"}, {"timestamp", clock.answered_ms}});
      events.push_back(json::object{{"type", "agent_connected"},
                                    {"timestamp", connected_ms},
                                    {"data", json::object{{"sampleRate", 16000}, {"codec", "PCMU"}}}});
    }
    const auto interruptions = r.between(0, 3);
    for (std::int64_t i = 0; i < interruptions; ++i) {
      const std::int64_t cut_ms = r.between(200, 2400);
      if (build)
        events.push_back(json::object{{"type", "user_interrupted"},
                                      {"timestamp", clock.answered_ms + (clock.ended_ms - clock.answered_ms) *
                                                                            (i + 1) / (interruptions + 1)},
                                      {"data", json::object{{"agentSpeechCutMs", cut_ms}}}});
    }
  }
  if (build && status != "in_progress")
    events.push_back(json::object{{"type", "call_ended"},
                                  {"timestamp", clock.ended_ms},
                                  {"data", json::object{{"reason", reason}, {"sipCode", sip_code}}}});
  return events;
}

inline const std::vector<std::string>& first_names() {
  static const std::vector<std::string> names = {"Rahul",  "Priya", "Amit",  "Sneha", "Vikram",
                                                 "Ananya", "Rohan", "Kavya", "Arjun", "Meera",
                                                 "Daniel", "Sarah", "Kiran", "Fatima"};
  return names;
}

inline std::string phone_number(rng& r, bool india) {
  return india ? "+91" + std::to_string(r.between(6000000000, 9999999999))
               : "+1" + std::to_string(r.between(2002000000, 9899999999));
}

// One synthetic call. `status` is chosen by the caller so every data set has each kind. The
// draws are the same at every detail, so a record made again at another detail from the same
// rng state agrees with the first, key for key.
inline json::object make_call(rng& r, std::int64_t created_ms, std::string_view status,
                              record_detail detail = record_detail::full) {
  const agent_spec& a = agents()[static_cast<std::size_t>(r.next() % agents().size())];
  const std::string call_id = call_id_for(created_ms, r.hex(6));
  const std::string name = r.pick(first_names());
  const std::int64_t amount = r.between(15, 90) * 500;
  const std::int64_t promise_ms = created_ms + r.between(1, 10) * 86400000;
  const std::vector<std::pair<std::string_view, std::string>> vars = {
      {"{name}", name}, {"{amount}", std::to_string(amount)}, {"{date}", iso8601(promise_ms).substr(0, 10)}};

  const auto type_roll = r.next() % 10;
  const std::string_view type = type_roll < 7   ? "telephony_outbound"
                                : type_roll < 9 ? "telephony_inbound"
                                                : "webcall";
  const bool india = a.voice_id != "emily";
  const std::string agent_number = india ? "+912268093636" : "+15551234567";
  const std::string customer_number = phone_number(r, india);

  const bool completed = status == "completed";
  const bool in_progress = status == "in_progress";
  const bool connected = completed || in_progress;

  call_clock clock{created_ms, created_ms + r.between(4000, 20000), 0};
  conversation c;
  if (connected) {
    const int turns =
        completed ? static_cast<int>(r.between(10, 28)) * 2 + 1 : static_cast<int>(r.between(3, 9));
    c = converse(r, a, vars, clock.answered_ms, turns, completed, detail);
    clock.ended_ms = c.ended_ms;
  } else {
    clock.ended_ms = created_ms + r.between(20000, 45000);
  }

  std::string_view disconnection;
  std::int64_t sip_code = 200;
  std::string_view initiated_by = "user";
  json::value failure_reason = r.chance(0.3) ? json::value(nullptr) : json::value("");
  if (completed) {
    const auto roll = r.next() % 10;
    disconnection = roll < 5 ? "user_hangup" : roll < 9 ? "agent_hangup" : "timeout";
    initiated_by = roll < 5 ? "user" : roll < 9 ? "agent" : "system";
  } else if (status == "no_answer") {
    disconnection = "dial_no_answer";
    sip_code = 480;
    initiated_by = "carrier";
  } else if (status == "failed") {
    static const std::vector<std::pair<std::int64_t, std::string_view>> failures = {
        {486, "SIP 486 Busy Here"},
        {503, "SIP 503 Service Unavailable"},
        {404, "Invalid phone number"},
        {403, "Carrier rejected the call"}};
    const auto& f = r.pick(failures);
    disconnection = "error";
    sip_code = f.first;
    failure_reason = f.second;
    initiated_by = "carrier";
  }

  // Durations are numbers, sometimes integers, sometimes integral doubles ("120.0").
  json::value duration = std::int64_t{0};
  if (connected) {
    const std::int64_t ms = clock.ended_ms - clock.answered_ms;
    const auto roll = r.next() % 20;
    if (roll < 12)
      duration = ms / 1000;
    else if (roll < 17)
      // NOLINTNEXTLINE(bugprone-integer-division): whole seconds, sent as an integral double
      duration = static_cast<double>(ms / 1000);
    else
      duration = round_to(static_cast<double>(ms) / 1000.0, 1);
  }
  const std::int64_t minutes = connected ? (clock.ended_ms - clock.answered_ms + 59999) / 60000 : 0;

  const std::string recording_base = "https://storage.example.com/recordings/" + call_id;
  const bool has_recording = completed;
  json::object o;
  o.reserve(40);  // every key, with the list fields: no rehash while it grows
  o["_id"] = object_id(r, created_ms);
  o["callId"] = call_id;
  o["agent"] = agent_object(a);
  o["status"] = status;
  o["duration"] = std::move(duration);
  o["recordingUrl"] = has_recording ? recording_base + ".mp3" : "";
  o["recordingDualUrl"] = has_recording ? recording_base + "-dual.mp3" : "";
  const bool outbound = type == "telephony_outbound";
  if (type == "webcall") {
    o["from"] = nullptr;
    o["to"] = nullptr;
  } else {
    o["from"] = outbound ? agent_number : customer_number;
    o["to"] = outbound ? customer_number : agent_number;
  }
  o["type"] = type;
  if (detail == record_detail::full) o["transcript"] = std::move(c.transcript);
  o["variables"] = json::object{{"customer_name", name},      {"due_amount", std::to_string(amount)},
                                {"agent_name", a.voice_id},   {"language", india ? "en-IN" : "en-US"},
                                {"attempt", r.between(1, 3)}, {"isTest", r.chance(0.1)}};
  json::array events = call_events(r, clock, status, disconnection, sip_code, detail == record_detail::full);
  if (detail == record_detail::full) o["events"] = std::move(events);

  const double llm_cost = round_to(static_cast<double>(minutes) * 0.35, 2);
  const double tts_cost = round_to(static_cast<double>(c.characters_spoken) / 1000.0 * 0.12, 2);
  const double stt_cost = round_to(static_cast<double>(minutes) * 0.1, 2);
  const double telephony_cost = type == "webcall" ? 0.0 : round_to(static_cast<double>(minutes) * 0.6, 2);
  const double total = round_to(llm_cost + tts_cost + stt_cost + telephony_cost, 2);
  if (total == 0 && r.chance(0.5))
    o["callCost"] = std::int64_t{0};
  else
    o["callCost"] = total;
  o["callFailureReason"] = std::move(failure_reason);
  // Each draw is its own statement: the order in which a call's arguments are evaluated is
  // unspecified (g++ and clang differ), and the data set must not depend on the compiler.
  if (status == "no_answer" && r.chance(0.5)) {
    const std::string hex6 = r.hex(6);
    o["retryCallId"] = call_id_for(created_ms + r.between(600000, 3600000), hex6);
  } else {
    o["retryCallId"] = r.chance(0.5) ? json::value(nullptr) : json::value("");
  }

  static const std::vector<std::string_view> reasonings = {
      "The customer stated it directly.", "Inferred from the customer's answers later in the call.",
      "The agent confirmed it with the customer before closing.",
      "Not mentioned clearly; inferred from context."};
  if (completed && !r.chance(0.08)) {  // a few completed calls are not analysed yet
    const bool legacy = r.chance(0.2);
    json::array metrics;
    for (const metric_spec& m : a.metrics) {
      json::value confidence =
          r.chance(0.4) ? json::value(std::int64_t{1}) : json::value(round_to(0.55 + r.unit() * 0.44, 2));
      const std::string_view reasoning = r.pick(reasonings);
      json::value value = metric_value(r, m, name, amount, promise_ms);
      if (detail != record_detail::keys)
        metrics.push_back(
            disposition_metric(m.identifier, std::move(value), std::move(confidence), reasoning, m, legacy));
    }
    const std::string_view summary = r.pick(a.summaries);
    if (detail != record_detail::keys)
      o["postCallAnalytics"] =
          json::object{{"summary", fill(summary, vars)}, {"dispositionMetrics", std::move(metrics)}};
  } else if (status == "no_answer") {
    o["postCallAnalytics"] = nullptr;
  }
  if (completed) o["turnLatencyMetrics"] = std::move(c.latency);
  o["voiceConfigUsed"] = voice_config(a);
  o["slmModelUsed"] = r.chance(0.7) ? "electron-v2" : "gpt-4o-mini";

  // Beyond the document: what the service sends besides.
  o["disconnectionReason"] = in_progress ? json::value(nullptr) : json::value(disconnection);
  if (connected) {
    o["average_transcriber_latency"] = round_to(120 + r.unit() * 180, 2);
    o["average_agent_latency"] = r.between(350, 900);
    o["average_synthesizer_latency"] = round_to(90 + r.unit() * 160, 2);
  } else {
    o["average_transcriber_latency"] = nullptr;
    o["average_agent_latency"] = status == "failed" ? json::value(std::int64_t{0}) : json::value(nullptr);
    o["average_synthesizer_latency"] = nullptr;
  }
  o["createdAt"] = iso8601(created_ms);
  o["updatedAt"] = iso8601(clock.ended_ms + r.between(3000, 30000));
  o["disconnectDetails"] = in_progress ? json::value(nullptr)
                                       : json::value(json::object{{"reason", disconnection},
                                                                  {"initiatedBy", initiated_by},
                                                                  {"sipCode", sip_code},
                                                                  {"timestamp", iso8601(clock.ended_ms)}});
  o["usage"] = json::object{
      {"llmInputTokens", connected ? r.between(2000, 30000) : 0},
      {"llmOutputTokens", connected ? c.characters_spoken / 4 : 0},
      {"ttsCharacters", c.characters_spoken},
      {"sttSeconds",
       connected ? round_to(static_cast<double>(clock.ended_ms - clock.answered_ms) / 2000.0, 1) : 0.0},
      {"telephonyMinutes", minutes}};
  o["costBreakdown"] = json::object{{"llm", llm_cost}, {"tts", tts_cost},
                                    {"stt", stt_cost}, {"telephony", telephony_cost},
                                    {"total", total},  {"currency", "credits"}};
  return o;
}

// The example call of the post-call analytics page, with the page's analytics.
inline json::object example_call() {
  const agent_spec& a = agents()[1];
  const std::int64_t created = 1768842587790;
  const std::int64_t answered = created + 9214;
  // The page shows the analytics; the conversation is written to match them.
  static const char* const lines[] = {
      "Hi, this is Maya from Smallest AI. I'm calling to tell you about our AI voice agents that can answer "
      "and "
      "make phone calls for your business. Do you have a minute?",
      "Sure, go ahead.",
      "Our agents handle customer calls around the clock, in several languages, and hand the call to a "
      "person "
      "when needed. Many teams start with appointment reminders and sales follow-ups. Would something like "
      "that "
      "be useful for you?",
      "Yes, that sounds useful. I am interested.",
      "That's great to hear! Is there a particular kind of call you would like to automate first?",
      "Mostly follow-ups with people who filled the form on our website. Does it work in Hindi as well?",
      "Yes, it speaks Hindi, English and several other Indian languages, and it can switch in the middle of "
      "a "
      "conversation if the caller does.",
      "Nice. And how much does it cost for a small business like ours?",
      "Pricing depends on the minutes you use each month, and there is a free tier to try it out. May I have "
      "your name so that our team can follow up with a short demo and a quote?",
      "My name is John.",
      "Thank you, John. Is this the best number to reach you, or would you prefer an email?",
      "This number is fine.",
      "Perfect. Someone from our team will reach out with a short demo. Thanks for your time, John, and have "
      "a "
      "great day!",
      "Thanks, bye.",
  };
  static const std::int64_t latency[] = {812, 1044, 936, 1187, 905, 1321};
  static const std::int64_t think[] = {1240, 860, 1530, 990, 1105, 700, 1410};
  json::array transcript;
  std::vector<std::int64_t> values;
  json::array transitions;
  std::int64_t t = answered + 612;
  std::int64_t user_end = 0;
  std::size_t i = 0;
  for (const char* line : lines) {
    const bool agent_turn = i % 2 == 0;
    if (agent_turn && i > 0) {
      const std::int64_t l = latency[values.size()];
      values.push_back(l);
      transitions.push_back(json::object{{"turn", static_cast<std::int64_t>(values.size())},
                                         {"user_end", user_end},
                                         {"bot_start", user_end + l},
                                         {"latency", l}});
      t = user_end + l;
    }
    transcript.push_back(
        json::object{{"role", agent_turn ? "agent" : "user"}, {"content", line}, {"timestamp", iso8601(t)}});
    const std::int64_t speaking = static_cast<std::int64_t>(std::string_view(line).size()) * 65;
    if (agent_turn)
      t += speaking + think[i / 2];
    else
      user_end = t + speaking;
    ++i;
  }
  const std::int64_t ended = user_end + 1870;
  const metric_spec& interested = a.metrics[0];
  const metric_spec& user_name = a.metrics[1];
  const std::string base = "https://storage.example.com/recordings/CALL-1768842587790-69eb58";

  json::object o;
  o["_id"] = "696e6a5b77e1d88ff54b5a31";
  o["callId"] = "CALL-1768842587790-69eb58";
  o["agent"] = agent_object(a);
  o["status"] = "completed";
  // NOLINTNEXTLINE(bugprone-integer-division): whole seconds, sent as an integral double
  o["duration"] = static_cast<double>((ended - answered) / 1000);
  o["recordingUrl"] = base + ".mp3";
  o["recordingDualUrl"] = base + "-dual.mp3";
  o["from"] = "+912268093636";
  o["to"] = "+916366821717";
  o["type"] = "telephony_outbound";
  o["transcript"] = std::move(transcript);
  o["variables"] = json::object{{"first_name", "Test"}, {"last_name", "User"}};
  rng r(0);
  o["events"] = call_events(r, {created, answered, ended}, "completed", "user_hangup", 200);
  o["callCost"] = 2.24;
  o["callFailureReason"] = "";
  o["retryCallId"] = nullptr;
  o["postCallAnalytics"] = json::object{
      {"summary",
       "The call involved an agent reaching out to discuss AI products. The user expressed interest "
       "and provided their name."},
      {"dispositionMetrics",
       json::array{disposition_metric("user_interested", "yes", std::int64_t{1},
                                      "The user explicitly stated 'I am interested'.", interested, false),
                   disposition_metric("user_name", "John", std::int64_t{1},
                                      "The user provided their name directly.", user_name, false)}}};
  o["turnLatencyMetrics"] = latency_metrics(values, std::move(transitions), ended + 4210);
  o["voiceConfigUsed"] = voice_config(a);
  o["slmModelUsed"] = "electron-v2";
  o["disconnectionReason"] = "user_hangup";
  o["average_transcriber_latency"] = 168.42;
  o["average_agent_latency"] = 512;
  o["average_synthesizer_latency"] = 131.07;
  o["createdAt"] = iso8601(created);
  o["updatedAt"] = iso8601(ended + 17432);
  o["disconnectDetails"] = json::object{
      {"reason", "user_hangup"}, {"initiatedBy", "user"}, {"sipCode", 200}, {"timestamp", iso8601(ended)}};
  o["usage"] = json::object{{"llmInputTokens", 6127},
                            {"llmOutputTokens", 231},
                            {"ttsCharacters", 921},
                            {"sttSeconds", 48.5},
                            {"telephonyMinutes", 2}};
  o["costBreakdown"] = json::object{{"llm", 0.7},       {"tts", 0.14},   {"stt", 0.2},
                                    {"telephony", 1.2}, {"total", 2.24}, {"currency", "credits"}};
  return o;
}

// Every agent has one campaign and two published versions (the second active); ids are
// shaped like the service's (Mongo ObjectIds).
inline std::string campaign_id(std::size_t agent) {
  return "6971a0c2e4f6081a2b3c4d0" + std::to_string(agent + 1);
}
inline std::string version_id(std::size_t agent, std::int64_t number) {
  return "6970f1e2d3c4b5a697886a" + std::to_string(agent) + std::to_string(number);
}
// Each agent has one branch, "main"; its revisions are the agent's two versions, migrated
// from the v1 model (so a revision's _id is the versionId), each with its config blocks.
inline std::string branch_id(std::size_t agent) {
  return "6972b1c3d5e7f9a1b3c5d7e" + std::to_string(agent + 1);
}
inline std::string block_id(std::size_t agent, std::int64_t version, std::size_t section) {
  static constexpr char hex[] = "0123456789abcdef";
  return "6972c0d1e2f3a4b5c6d7" + std::to_string(agent) + std::to_string(version) + hex[section / 16] +
         hex[section % 16];
}

// The list's fields that a conversation record does not carry in the document's details
// (campaignId, versionId, retryAttemptNumber, retryCount, isTest), drawn from a stream of
// their own so the rest of each record stays what it was. Outbound calls belong to their
// agent's campaign, the others to none; about one call in seven is a retry attempt.
inline void add_list_fields(json::object& o, rng& r, bool example) {
  std::size_t agent = 0;
  const auto& list = agents();
  if (const auto* a = o.if_contains("agent"); a && a->is_object())
    for (std::size_t k = 0; k < list.size(); ++k)
      if (a->as_object().at("_id") == json::string(list[k].id)) agent = k;
  const bool outbound = o.at("type") == "telephony_outbound";
  o["campaignId"] = outbound ? json::value(campaign_id(agent)) : json::value(nullptr);
  const std::int64_t version = example || r.chance(0.6) ? 2 : 1;
  o["versionId"] = version_id(agent, version);
  const bool retry = !example && o.at("status") != "in_progress" && r.chance(0.15);
  o["retryAttemptNumber"] = retry ? r.between(1, 2) : std::int64_t{0};
  const auto& retry_call = o.at("retryCallId");
  o["retryCount"] = retry_call.is_string() && !retry_call.get_string().empty() ? 1 : 0;
  const auto* test = o.at("variables").as_object().if_contains("isTest");
  o["isTest"] = test != nullptr && test->is_bool() && test->get_bool();
}

// The seeded data set: the example call first, then calls created a few minutes apart.
// Each block of ten has seven completed calls, one in progress, one unanswered and one failed,
// in an order that depends on the seed.
//
// No record is kept: building the set runs the generator once over every call at
// record_detail::keys (no transcript, events or analytics are made, the draws all are), and
// keeps where each call's draws began, so make() can make any record again, identical, at
// any detail. The same seed always gives the same data set, byte for byte.
class seeded_calls {
 public:
  // each(index, skeleton) for every call in order; `skeleton` is the record at
  // record_detail::keys, with the list fields.
  template <class Each>
  seeded_calls(std::size_t count, std::uint64_t seed, Each&& each) {
    if (count == 0) return;
    seeds_.reserve(count);
    rng extra(seed ^ 0x5eed5eed5eed5eedULL);
    seeds_.push_back({0, extra.state(), 0, "completed"});
    json::object example = example_call();
    add_list_fields(example, extra, true);
    each(std::size_t{0}, std::as_const(example));
    rng r(seed);
    std::int64_t ms = 1768500000000 + r.between(0, 86400000);
    std::vector<std::string_view> block;
    for (std::size_t i = 1; i < count; ++i) {
      if (block.empty()) {
        block = {"completed", "completed", "completed",   "completed", "completed",
                 "completed", "completed", "in_progress", "no_answer", "failed"};
        for (std::size_t k = block.size() - 1; k > 0; --k)
          std::swap(block[k], block[static_cast<std::size_t>(r.next() % (k + 1))]);
      }
      const std::string_view status = block.back();
      block.pop_back();
      ms += r.between(90, 1800) * 1000 + r.between(0, 999);
      seeds_.push_back({r.state(), extra.state(), ms, status});
      json::object o = make_call(r, ms, status, record_detail::keys);
      add_list_fields(o, extra, false);
      each(i, std::as_const(o));
    }
  }

  std::size_t size() const noexcept { return seeds_.size(); }

  // The record `index`, made at `detail` (the example call is always made whole).
  json::object make(std::size_t index, record_detail detail) const {
    const call_seed& s = seeds_.at(index);
    rng extra(s.extra);
    if (index == 0) {
      json::object o = example_call();
      add_list_fields(o, extra, true);
      return o;
    }
    rng r(s.main);
    json::object o = make_call(r, s.created_ms, s.status, detail);
    add_list_fields(o, extra, false);
    return o;
  }

 private:
  // Where a call's draws began.
  struct call_seed {
    std::uint64_t main;   // the main stream, before make_call
    std::uint64_t extra;  // the list fields' stream, before add_list_fields
    std::int64_t created_ms;
    std::string_view status;  // one of the literals above
  };

  std::vector<call_seed> seeds_;
};

// Fills `store` with the seeded data set of `count` calls.
inline void seed_calls(call_store& store, std::size_t count, std::uint64_t seed) {
  store.reserve(count);
  auto calls = std::make_shared<const seeded_calls>(
      count, seed, [&store](std::size_t i, const json::object& skeleton) { store.add_seeded(i, skeleton); });
  store.set_generator([calls](std::size_t i, record_detail detail) { return calls->make(i, detail); });
}

// A disposition metric as the post-call analytics routes return it: both spellings of the
// type (DESIGN.md), and choices only on ENUM.
inline json::object config_metric(std::string_view identifier, std::string_view prompt, std::string_view type,
                                  const json::array& choices) {
  json::object m{{"identifier", identifier},
                 {"dispositionMetricPrompt", prompt},
                 {"dispositionMetricType", type},
                 {"dispositionValues", json::object{{"type", type}}}};
  if (type == "ENUM") m["choices"] = choices;
  return m;
}

inline branch_record main_branch(std::size_t agent, const std::string& agent_id) {
  const std::int64_t created_ms = 1768000000000 + static_cast<std::int64_t>(agent) * 3600000;
  branch_record b{
      branch_id(agent), "main", true, iso8601(created_ms), iso8601(created_ms + 2 * 86400000), {}, {}};
  for (std::int64_t n = 1; n <= 2; ++n) {
    const std::string at = iso8601(created_ms + n * 86400000);
    json::object row = revision_row(version_id(agent, n), agent_id, b.id, "published", at);
    row["revisionNumber"] = n;
    row["versionNumber"] = n;
    row["publishedBy"] = emulated_user_id;
    row["publishedAt"] = at;
    row["publishedByName"] = emulated_user_name;
    json::object blocks;
    for (std::size_t s = 0; s < version_block_sections.size(); ++s)
      blocks[version_block_sections[s]] = block_id(agent, n, s);
    row["blocks"] = std::move(blocks);
    if (n > 1) row["parentVersion"] = version_id(agent, n - 1);
    if (n == 2) {
      row["isActive"] = true;
      row["activatedBy"] = emulated_user_id;
      row["activatedAt"] = at;
    }
    b.revisions.push_back(std::move(row));
  }
  return b;
}

// The seeded agents, each configured with the metrics its calls carry.
inline std::vector<agent_record> make_agents() {
  std::vector<agent_record> out;
  const auto& list = agents();
  for (std::size_t k = 0; k < list.size(); ++k) {
    const agent_spec& a = list[k];
    json::array metrics;
    for (const metric_spec& m : a.metrics) {
      json::array choices;
      for (auto c : m.choices) choices.emplace_back(c);
      metrics.push_back(config_metric(m.identifier, m.prompt, m.type, choices));
    }
    out.push_back(agent_record{std::string(a.id),
                               std::string(a.name),
                               std::string(a.description),
                               json::object{{"summaryPrompt", k == 1 ? "Summarize this sales call briefly."
                                                                     : "Summarize this call briefly."},
                                            {"dispositionMetrics", std::move(metrics)}},
                               {{version_id(k, 1), 1}, {version_id(k, 2), 2}},
                               {main_branch(k, std::string(a.id))},
                               {}});
  }
  return out;
}

}  // namespace smallest::atoms::testing::detail

#endif
