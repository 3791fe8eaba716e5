// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
//
// libFuzzer target: every response the client decodes, from arbitrary bytes.
//
// The first byte picks what the rest is (a letter for the seeds, any other byte picks by its
// value modulo the number of kinds), the rest is a response body:
//
//   D  GET  /conversation/{id}                  envelope, then call_details
//   L  GET  /conversation                       envelope, then call_page
//   S  POST /conversation/search                envelope, then search_result
//   P  GET  /agent/{id}/post-call-analytics     envelope, then post_call_config
//   A  GET  /agent/{id}                         envelope, then _resolvedConfig.postCallAnalyticsConfig
//   R  GET  /conversation/{id}/recording/download-url   envelope, presignedUrl, parse_resource_url
//   E  an error body (any status):              read_error_body
//   C  a call_log, M a metric_config, K a disposition_metric, V a metric_value: JSON, no envelope
//   T  a time stamp as text:                    parse_iso8601 and format_iso8601
//   G  GET /agent/{id} as agent, Y GET /agent as agent_page, N GET /product/phone-numbers,
//   U  GET /audience/{id}, W GET /audience, B GET /audience/{id}/members, I POST /campaign
//      as campaign, X GET /campaign/{id}, Z GET /campaign, Q POST /campaign/{id}/start:
//      envelope, then the model
//   H  a failed answer's wait hint: `Retry-After` value, LF, `X-RateLimit-Reset` value, LF, body
//      (an empty value: no such header):        detail::server_retry_hint
//
// Expected outcomes are a value, or an error code with diagnostics (errc::decode_error,
// errc::unexpected_response, an HTTP status): a json_decode_error never escapes decode_data,
// and any other exception, a crash, undefined behaviour or a leak is a bug. Invariants checked
// beyond that: the API key never appears in diagnostics made from an error body or a decode
// error; a decode error's message names a JSON path under `$.data` and is UTF-8 (quotes are
// cut at a character boundary); a post-call configuration that validates is read back the same
// after it is written, and what would be sent for it is JSON (validate() refuses NaN and
// infinity in `extra`); a refusal's message is UTF-8; a time stamp formats and parses back to
// itself; a wait hint is what Retry-After or X-RateLimit-Reset asks for (a date in any year a
// header can write), at most a day.

#include "fuzz_support.hpp"

#include <smallest/atoms/detail/client_state.hpp>
#include <smallest/atoms/detail/retry.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/http/connection.hpp>
#include <smallest/atoms/http/url.hpp>
#include <smallest/atoms/models/agent.hpp>
#include <smallest/atoms/models/audience.hpp>
#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/models/campaign.hpp>
#include <smallest/atoms/models/detail/json_decode.hpp>
#include <smallest/atoms/models/metric_value.hpp>
#include <smallest/atoms/models/phone_number.hpp>
#include <smallest/atoms/models/post_call_config.hpp>
#include <smallest/atoms/models/time.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace {

namespace atoms = smallest::atoms;
namespace json = boost::json;
using atoms::diagnostics;
using atoms::errc;
using atoms::error_code;

// The API key of the client under test; the dictionary holds it too, so that the fuzzer
// writes it into bodies.
constexpr std::string_view secret = "sk-fuzz-SECRET-4f1c9a";

void check_no_secret(error_code const& ec, diagnostics const& diag) {
  for (std::string_view s : {std::string_view(diag.message), std::string_view(diag.error_type),
                             std::string_view(diag.body_excerpt)})
    FUZZ_CHECK(s.find(secret) == std::string_view::npos,
               "the API key is in the diagnostics: " + atoms_fuzz::printable(s));
  FUZZ_CHECK(atoms::describe(ec, diag).find(secret) == std::string::npos, "the API key is in describe()");
  std::ostringstream os;
  os << diag;
  FUZZ_CHECK(os.str().find(secret) == std::string::npos, "the API key is in operator<<(diagnostics)");
}

// client_state::call (impl/client_state.ipp), from the 2xx status check on: the body parsed
// with a stream_parser, an object required, `"status": false` read as an error body, `data`
// handed to the operation. That function is a coroutine around a real exchange, so these
// steps are repeated here, in the same order with the same library calls: keep them in step.
error_code open_envelope(std::string_view body, diagnostics& diag, json::value& data) {
  json::stream_parser p;
  error_code jec;
  std::size_t const n = p.write(body.data(), body.size(), jec);
  if (!jec) p.finish(jec);
  if (jec) {
    diag.message = "response body is not valid JSON at byte " + std::to_string(n) + " of " +
                   std::to_string(body.size()) + ": " + jec.message();
    diag.body_excerpt = atoms::detail::body_excerpt(body, secret);
    return errc::decode_error;
  }
  json::value doc = p.release();
  json::object* obj = doc.if_object();
  if (!obj) {
    diag.message = "$: expected the response envelope {\"status\": ..., \"data\": ...}, got " +
                   std::string(json::to_string(doc.kind()));
    return errc::decode_error;
  }
  if (auto* st = obj->if_contains("status"); st && st->is_bool() && !st->get_bool()) {
    atoms::detail::read_error_body(body, secret, diag);
    return errc::unexpected_response;
  }
  auto* d = obj->if_contains("data");
  if (!d) {
    diag.message = "$.data: missing from a successful response";
    return errc::decode_error;
  }
  data = std::move(*d);
  return {};
}

// ---- using what was decoded, as a caller would ----------------------------------------------------

// A decoded time stamp lies within the years 0000-9999 (a zone offset may move it a day
// outside): it formats, and within those years it parses back to itself.
void use(atoms::timestamp t) {
  std::string const s = atoms::format_iso8601(t);
  using namespace std::chrono;
  auto const y = int(year_month_day(floor<days>(t)).year());
  FUZZ_CHECK(y >= -1 && y <= 10000, "a decoded time stamp outside the years 0000-9999: " + s);
  if (y >= 0 && y <= 9999)
    FUZZ_CHECK(atoms::parse_iso8601(s) == t, "format_iso8601 does not parse back: " + s);
}

void use(atoms::metric_value const& v) {
  (void)v.kind();
  (void)v.as_string();
  (void)v.as_bool();
  (void)v.as_integer();
  (void)v.as_number();
  if (auto t = v.as_datetime()) use(*t);
  std::string const text = v.to_string();
  if (v.is_null()) FUZZ_CHECK(text.empty(), "a null metric value displays as text");
}

void use(atoms::disposition_metric const& m) {
  use(m.value);
  auto const t = m.typed();
  if (auto const* ts = std::get_if<atoms::timestamp>(&t)) use(*ts);
  if (m.value.is_null())
    FUZZ_CHECK(std::holds_alternative<std::monostate>(t), "a null value has a typed value");
}

void use(atoms::call_analytics const& a) {
  for (auto const& m : a.disposition_metrics) {
    use(m);
    FUZZ_CHECK(a.find(m.identifier) != nullptr, "call_analytics::find misses a metric it holds");
  }
}

void use(atoms::latency_metrics const& l) {
  if (l.processed_at) use(*l.processed_at);
}

void use(atoms::call_details const& d) {
  for (auto const& turn : d.transcript)
    if (turn.timestamp) use(*turn.timestamp);
  if (d.post_call_analytics) use(*d.post_call_analytics);
  if (d.turn_latency_metrics) use(*d.turn_latency_metrics);
  if (d.created_at) use(*d.created_at);
  if (d.updated_at) use(*d.updated_at);
  (void)d.status.name();
  (void)d.type.name();
  (void)d.disconnection_reason.name();
}

void use(atoms::call_log const& l) {
  if (l.post_call_analytics) use(*l.post_call_analytics);
  if (l.turn_latency_metrics) use(*l.turn_latency_metrics);
  if (l.created_at) use(*l.created_at);
  if (l.updated_at) use(*l.updated_at);
  // Every identifier the log names, through the accessor that merges the three sources.
  for (auto const& [id, value] : l.disposition_metrics) {
    auto m = l.metric(id);
    FUZZ_CHECK(m.has_value(), "call_log::metric misses a disposition metric the log holds");
    use(*m);
  }
  for (auto const& c : l.agent_disposition_config)
    if (auto m = l.metric(c.identifier)) use(*m);
  if (l.post_call_analytics)
    for (auto const& pm : l.post_call_analytics->disposition_metrics)
      FUZZ_CHECK(l.metric(pm.identifier).has_value(), "call_log::metric misses an analysed metric");
  FUZZ_CHECK(!l.metric("\x01 not an identifier").has_value() ||
                 l.disposition_metrics.count("\x01 not an identifier"),
             "call_log::metric invents a metric");
}

void use(atoms::call_page const& p) {
  for (auto const& l : p.logs) use(l);
}

void use(atoms::search_result const& r) {
  for (auto const& l : r.logs) use(l);
}

// A configuration that validates is one the client would send: written and read back, it is
// the same configuration (the members the encoder writes itself aside from `extra`).
void use(atoms::post_call_config const& c) {
  auto const why = atoms::validate(c);
  if (why) {
    FUZZ_CHECK(!why->empty(), "validate() refused without saying why");
    // The configuration came from JSON, so its text is UTF-8: what the message quotes of an
    // identifier (64 bytes at most) must be too.
    FUZZ_CHECK(atoms_fuzz::is_utf8(*why),
               "validate() cut a character in two: " + atoms_fuzz::printable(*why));
    return;
  }
  json::value const written = json::value_from(c);
  auto const back = atoms::detail::decode_json<atoms::post_call_config>(written);
  FUZZ_CHECK(!atoms::validate(back), "a valid configuration is invalid once written and read back");
  FUZZ_CHECK(back.summary_prompt == c.summary_prompt, "summaryPrompt changed in a round trip");
  FUZZ_CHECK(back.disposition_metrics.size() == c.disposition_metrics.size(), "metrics lost in a round trip");
  for (std::size_t i = 0; i < c.disposition_metrics.size(); ++i) {
    auto const& a = c.disposition_metrics[i];
    auto const& b = back.disposition_metrics[i];
    FUZZ_CHECK(
        a.identifier == b.identifier && a.prompt == b.prompt && a.type == b.type && a.choices == b.choices,
        "a metric changed in a round trip: " + json::serialize(written));
  }
  // Compared as text: a NaN is not equal to itself, but it is written the same.
  std::string const body = json::serialize(written);
  FUZZ_CHECK(json::serialize(json::value_from(back)) == body,
             "writing the configuration read back gives other JSON");
  // What set_post_call_config would send is JSON: Boost.JSON 1.81 reads 1e400 as infinity and
  // 0e400 as NaN and would write them as `Infinity` and `NaN`, so validate() refuses a
  // configuration that holds one anywhere in `extra`.
  error_code ec;
  (void)json::parse(body, ec);
  FUZZ_CHECK(!ec, "the request body is not JSON: " + atoms_fuzz::printable(body));
}

void use(atoms::metric_config const& m) {
  atoms::post_call_config c;
  c.disposition_metrics.push_back(m);
  use(c);
}

// A decode error's message: it names a JSON path under `path`, stays within 4096 bytes, and,
// since the body was JSON and so UTF-8 (Boost.JSON checks), what it quotes of it is UTF-8 too
// (a time stamp's text is cut to 40 bytes, never inside a character).
void check_decode_message(std::string const& message, std::string_view path) {
  FUZZ_CHECK(message.rfind(path, 0) == 0, "a decode error without its JSON path: " + message);
  FUZZ_CHECK(message.size() <= 4096, "a decode error longer than 4096 bytes");
  FUZZ_CHECK(atoms_fuzz::is_utf8(message),
             "a decode error cut inside a character: " + atoms_fuzz::printable(message));
}

// The models of agents, phone numbers, audiences and campaigns: their time stamps.
void use(std::optional<atoms::timestamp> const& t) {
  if (t) use(*t);
}
void use(atoms::agent const& a) {
  use(a.created_at);
  use(a.updated_at);
  use(a.archived_at);
}
void use(atoms::agent_page const& p) {
  for (auto const& a : p.agents) use(a);
}
void use(std::vector<atoms::phone_number> const& v) {
  for (auto const& n : v) {
    use(n.created_at);
    use(n.updated_at);
  }
}
void use(atoms::audience const& a) {
  use(a.created_at);
  use(a.updated_at);
  for (auto const& c : a.campaigns) use(c.created_at);
}
void use(std::vector<atoms::audience> const& v) {
  for (auto const& a : v) use(a);
}
void use(atoms::audience_member_page const& p) {
  for (auto const& m : p.members) (void)m.phone_number.size();
}
void use(atoms::campaign const& c) {
  (void)c.status.name();
  for (auto const* t : {&c.scheduled_at, &c.paused_at, &c.failed_at, &c.created_at, &c.updated_at}) use(*t);
}
void use(atoms::campaign_details const& d) {
  use(d.campaign);
  for (auto const& e : d.events) {
    use(e.created_at);
    use(e.updated_at);
  }
}
void use(atoms::campaign_page const& p) {
  for (auto const& c : p.campaigns) use(c);
}
void use(atoms::campaign_start const& s) { (void)s.task_id; }

// `data` decoded as T, the way client_state::fetch does.
template <class T>
void decode(json::value const& data) {
  diagnostics diag;
  auto [ec, value] = atoms::detail::decode_data<T>(data, diag, secret);
  if (ec) {
    FUZZ_CHECK(ec == errc::decode_error, "decode_data failed with another code: " + ec.message());
    check_decode_message(diag.message, "$.data");
    // A decode error quotes what the service sent (a time stamp's text, a key in the path):
    // the API key is masked there too, should the service echo it.
    check_no_secret(ec, diag);
    (void)atoms::describe(ec, diag);
    return;
  }
  use(value);
}

// A model read straight from a JSON document (no envelope), as `value_to` users do.
template <class T>
void decode_document(std::string_view text) {
  error_code ec;
  json::value const jv = json::parse(text, ec);
  if (ec) return;
  try {
    use(atoms::detail::decode_json<T>(jv));
  } catch (atoms::detail::json_decode_error const& e) {
    FUZZ_CHECK(e.path().rfind("$", 0) == 0,
               std::string("a decode error's path does not start at $: ") + e.what());
    FUZZ_CHECK(atoms_fuzz::is_utf8(e.what()),
               "a decode error cut inside a character: " + atoms_fuzz::printable(e.what()));
  }
}

// GET /agent/{id}: where client.ipp's get_post_call_config finds the configuration in the agent.
void agent_document(json::value const& data) {
  json::value const* found = nullptr;
  if (auto const* o = data.if_object()) {
    if (auto const* r = o->if_contains("_resolvedConfig"); r && r->is_object())
      found = r->get_object().if_contains("postCallAnalyticsConfig");
    if (!found) found = o->if_contains("postCallAnalyticsConfig");
  }
  if (!found || found->is_null()) return;
  try {
    use(atoms::detail::decode_json<atoms::post_call_config>(
        *found, "$.data._resolvedConfig.postCallAnalyticsConfig"));
  } catch (atoms::detail::json_decode_error const& e) {
    constexpr std::string_view path = "$.data._resolvedConfig.postCallAnalyticsConfig";
    FUZZ_CHECK(e.path().rfind(path, 0) == 0, e.what());
    // As client.ipp reports it: the key masked, at most 4096 bytes.
    diagnostics diag;
    diag.message = atoms::detail::body_excerpt(e.what(), secret, 4096);
    check_decode_message(diag.message, path);
    check_no_secret(errc::decode_error, diag);
  }
}

// GET .../recording/download-url: the presigned URL, then what fetch_to_file makes of it.
void recording_url(json::value const& data) {
  auto const* o = data.if_object();
  auto const* url = o ? o->if_contains("presignedUrl") : nullptr;
  if (!url || !url->is_string() || url->get_string().empty()) return;
  std::string_view const text(url->get_string().data(), url->get_string().size());
  atoms::http::endpoint ep;
  std::string target, why;
  if (!atoms::http::parse_resource_url(text, "the recording URL (presignedUrl)", ep, target, why)) {
    FUZZ_CHECK(!why.empty(), "parse_resource_url refused without saying why");
    return;
  }
  // Boost.URL 1.81 ends the authority where its host or port rule stops and takes the rest as a
  // path that does not start with '/' ("http://h:80x/y": port 80, path "x/y";
  // "http://1.2.3.4.example/y": host 1.2.3.4, see boostorg/url#755): such a URL is refused.
  FUZZ_CHECK(!target.empty() && target[0] == '/', "a request-target that is not origin-form: " + target);
  auto const bad = atoms_fuzz::bad_target_char(target);
  FUZZ_CHECK(bad == std::string::npos,
             "a byte that cannot be in a request-target: " + atoms_fuzz::printable(target));
  std::string const logged = ep.origin() + target.substr(0, target.find('?'));
  FUZZ_CHECK(logged.find('?') == std::string::npos, "the signature reaches diagnostics");
}

void error_body(std::string_view body, unsigned status) {
  diagnostics diag;
  diag.method = "GET";
  diag.path = "/atoms/v1/conversation/CALL-1";
  diag.http_status = status;
  atoms::detail::read_error_body(body, secret, diag);
  error_code const ec = atoms::make_http_error(status);
  check_no_secret(ec, diag);
  FUZZ_CHECK(!diag.message.empty() || !diag.body_excerpt.empty() || body.empty() ||
                 atoms::detail::body_excerpt(body, secret).empty(),
             "an error body left no trace in the diagnostics");
  FUZZ_CHECK(diag.body_excerpt.size() <= 200, "a body excerpt longer than 200 bytes");
  FUZZ_CHECK(diag.message.size() <= 4096, "an error message longer than 4096 bytes");
  for (std::string_view s : {std::string_view(diag.message), std::string_view(diag.error_type),
                             std::string_view(diag.body_excerpt)})
    for (unsigned char c : s) FUZZ_CHECK(c >= 0x20 && c != 0x7F, "a control character in the diagnostics");
  if (atoms_fuzz::is_utf8(body))
    for (std::string_view s : {std::string_view(diag.message), std::string_view(diag.body_excerpt)})
      FUZZ_CHECK(atoms_fuzz::is_utf8(s),
                 "an excerpt of UTF-8 cut inside a character: " + atoms_fuzz::printable(s));
}

void time_stamp(std::string_view text) {
  if (auto const t = atoms::parse_iso8601(text)) use(*t);
}

// Whole seconds as retry.ipp reads them from a header: digits between blanks, at most 18.
std::optional<std::int64_t> header_seconds(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  std::int64_t n = 0;
  for (char c : v) n = n * 10 + (c - '0');
  return n;
}

// The digits of `v` from `pos` to `pos + n` as a number.
int digits_at(std::string_view v, std::size_t pos, std::size_t n) {
  int x = 0;
  for (char c : v.substr(pos, n)) x = x * 10 + (c - '0');
  return x;
}

// A date parse_http_date read from an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"): the day,
// month, year (any four digits) and time written there; a leap second ends up in the next
// minute.
void check_http_date(std::string_view v, std::chrono::sys_seconds t) {
  using namespace std::chrono;
  FUZZ_CHECK(v.size() == 29 && v.substr(25) == " GMT",
             "parse_http_date read a date from " + atoms_fuzz::printable(v));
  constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
  auto const m = months.find(v.substr(8, 3));
  FUZZ_CHECK(m != std::string_view::npos && m % 3 == 0,
             "parse_http_date read a month from " + atoms_fuzz::printable(v));
  auto const written = sys_days{year{digits_at(v, 12, 4)} / month{static_cast<unsigned>(m / 3 + 1)} /
                                day{static_cast<unsigned>(digits_at(v, 5, 2))}} +
                       hours{digits_at(v, 17, 2)} + minutes{digits_at(v, 20, 2)} +
                       seconds{digits_at(v, 23, 2)};
  FUZZ_CHECK(t == written, "parse_http_date misreads " + atoms_fuzz::printable(v));
}

// The wait a 429 or 503 asks for, as the retry loop reads it (impl/retry.ipp). The clock is
// fixed, so that an input means the same thing on every run.
void retry_hint(std::string_view input) {
  auto const nl1 = input.find('\n');
  auto const nl2 = nl1 == std::string_view::npos ? nl1 : input.find('\n', nl1 + 1);
  std::string_view const retry_after = input.substr(0, nl1);
  std::string_view const reset =
      nl1 == std::string_view::npos ? std::string_view{} : input.substr(nl1 + 1, nl2 - nl1 - 1);
  std::string_view const body = nl2 == std::string_view::npos ? std::string_view{} : input.substr(nl2 + 1);
  atoms::http::response res{boost::beast::http::status::too_many_requests, 11};
  // A header value as Beast's parser hands it over: never with CR or LF in it.
  auto parsable = [](std::string_view v) { return !v.empty() && v.find('\r') == std::string_view::npos; };
  if (parsable(retry_after)) res.set(boost::beast::http::field::retry_after, retry_after);
  if (parsable(reset)) res.set("X-RateLimit-Reset", reset);
  res.body() = std::string(body);
  using namespace std::chrono;
  auto const now = sys_days{year{2026} / January / 19} + hours{17} + minutes{9};  // whole seconds
  auto const hint = atoms::detail::server_retry_hint(res, system_clock::time_point{now});

  // What the headers ask for, read again: seconds from now, or a time (any year a header can
  // write), which is waited for from now; either way at most a day, never a negative wait.
  std::string_view const ra = res[boost::beast::http::field::retry_after];
  std::string_view const rl = res["X-RateLimit-Reset"];
  auto const date = atoms::detail::parse_http_date(ra);
  if (date) check_http_date(ra, *date);
  auto until = [&](sys_seconds t) { return milliseconds{std::clamp(t - now, seconds{0}, seconds{86'400})}; };
  std::optional<milliseconds> expected;
  if (auto const s = header_seconds(ra))
    expected = seconds{std::min<std::int64_t>(*s, 86'400)};
  else if (date)
    expected = until(*date);
  else if (auto const r = header_seconds(rl))
    expected =
        *r >= 1'000'000'000 ? until(sys_seconds{seconds{*r}}) : seconds{std::min<std::int64_t>(*r, 86'400)};
  if (expected) {
    FUZZ_CHECK(hint == expected, "server_retry_hint misreads Retry-After " + atoms_fuzz::printable(ra) +
                                     " / X-RateLimit-Reset " + atoms_fuzz::printable(rl));
    return;
  }
  if (!hint) return;
  // From the body: a number of seconds, clamped to a day.
  FUZZ_CHECK(*hint >= milliseconds{0}, "a negative wait hint");
  FUZZ_CHECK(*hint <= hours{24}, "a wait hint of more than a day");
}

enum class kind {
  details,
  page,
  search,
  config_page,
  agent,
  recording,
  error,
  log,
  metric,
  disposition,
  value,
  time,
  hint,
  agent_one,
  agent_page,
  phone_numbers,
  audience_one,
  audiences,
  members,
  campaign_created,
  campaign_details,
  campaign_page,
  campaign_start
};
constexpr kind kinds[] = {kind::details,
                          kind::page,
                          kind::search,
                          kind::config_page,
                          kind::agent,
                          kind::recording,
                          kind::error,
                          kind::log,
                          kind::metric,
                          kind::disposition,
                          kind::value,
                          kind::time,
                          kind::hint,
                          kind::agent_one,
                          kind::agent_page,
                          kind::phone_numbers,
                          kind::audience_one,
                          kind::audiences,
                          kind::members,
                          kind::campaign_created,
                          kind::campaign_details,
                          kind::campaign_page,
                          kind::campaign_start};

kind pick(unsigned char b) {
  switch (b) {
    case 'D': return kind::details;
    case 'L': return kind::page;
    case 'S': return kind::search;
    case 'P': return kind::config_page;
    case 'A': return kind::agent;
    case 'R': return kind::recording;
    case 'E': return kind::error;
    case 'C': return kind::log;
    case 'M': return kind::metric;
    case 'K': return kind::disposition;
    case 'V': return kind::value;
    case 'T': return kind::time;
    case 'H': return kind::hint;
    case 'G': return kind::agent_one;
    case 'Y': return kind::agent_page;
    case 'N': return kind::phone_numbers;
    case 'U': return kind::audience_one;
    case 'W': return kind::audiences;
    case 'B': return kind::members;
    case 'I': return kind::campaign_created;
    case 'X': return kind::campaign_details;
    case 'Z': return kind::campaign_page;
    case 'Q': return kind::campaign_start;
    default: return kinds[b % std::size(kinds)];
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  kind const k = pick(data[0]);
  std::string_view const body(reinterpret_cast<char const*>(data) + 1, size - 1);
  switch (k) {
    case kind::error: error_body(body, 400 + static_cast<unsigned>(size % 200)); return 0;
    case kind::log: decode_document<atoms::call_log>(body); return 0;
    case kind::metric: decode_document<atoms::metric_config>(body); return 0;
    case kind::disposition: decode_document<atoms::disposition_metric>(body); return 0;
    case kind::value: decode_document<atoms::metric_value>(body); return 0;
    case kind::time: time_stamp(body); return 0;
    case kind::hint: retry_hint(body); return 0;
    default: break;
  }
  diagnostics diag;
  json::value d;
  error_code const ec = open_envelope(body, diag, d);
  check_no_secret(ec, diag);
  if (ec) return 0;
  switch (k) {
    case kind::details: decode<atoms::call_details>(d); break;
    case kind::page: decode<atoms::call_page>(d); break;
    case kind::search: decode<atoms::search_result>(d); break;
    case kind::config_page: decode<atoms::post_call_config>(d); break;
    case kind::agent: agent_document(d); break;
    case kind::recording: recording_url(d); break;
    case kind::agent_one: decode<atoms::agent>(d); break;
    case kind::agent_page: decode<atoms::agent_page>(d); break;
    case kind::phone_numbers: decode<std::vector<atoms::phone_number>>(d); break;
    case kind::audience_one: decode<atoms::audience>(d); break;
    case kind::audiences: decode<std::vector<atoms::audience>>(d); break;
    case kind::members: decode<atoms::audience_member_page>(d); break;
    case kind::campaign_created: decode<atoms::campaign>(d); break;
    case kind::campaign_details: decode<atoms::campaign_details>(d); break;
    case kind::campaign_page: decode<atoms::campaign_page>(d); break;
    case kind::campaign_start: decode<atoms::campaign_start>(d); break;
    default: break;
  }
  return 0;
}
