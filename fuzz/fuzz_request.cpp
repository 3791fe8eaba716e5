// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
//
// libFuzzer target: what the client makes of the caller's strings before anything is sent.
//
// The first byte picks what the rest is (a letter for the seeds, any other byte picks by its
// value modulo the number of kinds):
//
//   F  a call_filter, its fields separated by NUL, in this order:
//        page, limit (decimal), agentIds, campaignIds, versionFilter (items separated by 0x1E),
//        callTypes, statusFilter, disconnectReasonFilter, callAttemptFilter, durationFilter
//        (spellings separated by 0x1E, read with parse_enum: one it does not know is `unknown`),
//        sortBy, sortOrder (a spelling), dateFrom, dateTo (ISO 8601, or an integer of
//        milliseconds since 1970; call_query refuses one outside the years 0000-9999), and
//        search: the rest of the input, NULs included.
//      → detail::call_query, the query string of GET /conversation.
//   I  an id (the whole rest): valid_segment and encode_component, as every route with an id
//      builds its path.
//   B  a base URL (the whole rest): http::parse_endpoint.
//   U  a URL the service hands out (the whole rest): http::parse_resource_url.
//
// Invariants: a query or target holds only bytes allowed in an HTTP request-target, every
// value percent-encoded (RFC 3986 unreserved left as is, upper-case hex, nothing else); each
// parameter, percent-decoded, gives back exactly what the caller set, in the order of the
// OpenAPI document; call_query refuses exactly the filters that break its documented rules;
// the retry layer tells the full-scan queries, and the target shown to the observability hook
// hides exactly the search text; an id is one path segment; a parsed URL has a host written as
// is (a percent-encoded or IPvFuture host is refused), a numeric port, a path that starts with
// '/' (a URL whose path does not is refused), and messages that never quote the URL (it may
// hold a signature or a password).

#include "fuzz_support.hpp"

#include <smallest/atoms/call_filter.hpp>
#include <smallest/atoms/detail/calls.hpp>
#include <smallest/atoms/detail/retry.hpp>
#include <smallest/atoms/http/url.hpp>
#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/models/open_enum.hpp>
#include <smallest/atoms/models/time.hpp>

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace atoms = smallest::atoms;

// ---- reading the input ---------------------------------------------------------------------------

/// Splits `s` on `sep` into at most `max` pieces; the last piece is the rest, separators and all.
std::vector<std::string_view> split(std::string_view s, char sep, std::size_t max) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max) {
    auto const at = s.find(sep);
    if (at == std::string_view::npos) break;
    out.push_back(s.substr(0, at));
    s.remove_prefix(at + 1);
  }
  out.push_back(s);
  return out;
}

/// A list field: empty means no items; otherwise items separated by 0x1E (possibly empty ones).
std::vector<std::string> items(std::string_view field) {
  std::vector<std::string> out;
  if (field.empty()) return out;
  for (auto piece : split(field, '\x1e', field.size() + 1)) out.emplace_back(piece);
  return out;
}

template <class E>
std::vector<E> enum_items(std::string_view field) {
  std::vector<E> out;
  for (auto const& s : items(field)) out.push_back(atoms::parse_enum<E>(s).value_or(E::unknown));
  return out;
}

template <class E>
std::optional<E> enum_field(std::string_view field) {
  if (field.empty()) return std::nullopt;
  return atoms::parse_enum<E>(field).value_or(E::unknown);
}

std::optional<long long> integer(std::string_view field) {
  long long v = 0;
  auto const [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (ec != std::errc{} || end != field.data() + field.size()) return std::nullopt;
  return v;
}

/// An int field: empty is unset; text that is not an integer, or out of int's range, is unset
/// too (a caller cannot write it).
std::optional<int> int_field(std::string_view field) {
  auto const v = integer(field);
  if (!v || *v < INT32_MIN || *v > INT32_MAX) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<atoms::timestamp> time_field(std::string_view field) {
  if (field.empty()) return std::nullopt;
  if (auto t = atoms::parse_iso8601(field)) return t;
  if (auto ms = integer(field)) return atoms::timestamp{std::chrono::milliseconds{*ms}};
  return std::nullopt;
}

/// True unless `t` is set to a time outside the years 0000-9999: ISO 8601 as the service reads
/// it has four-digit years, and call_query refuses any other.
bool in_iso_years(std::optional<atoms::timestamp> const& t) {
  using namespace std::chrono;
  constexpr auto first = sys_days{year{0} / January / 1};
  constexpr auto end = sys_days{year{10000} / January / 1};
  return !t || (*t >= first && *t < end);
}

// ---- call_filter --------------------------------------------------------------------------------

bool ids_ok(std::vector<std::string> const& ids) {
  for (auto const& id : ids)
    if (id.empty() || id.find(',') != std::string::npos) return false;
  return true;
}

template <class E>
bool all_known(std::vector<E> const& v) {
  for (E e : v)
    if (e == E::unknown) return false;
  return true;
}

/// The rules of call_filter's documentation, written again from it.
bool should_accept(atoms::call_filter const& f) {
  if (f.page && *f.page < 1) return false;
  if (f.limit && (*f.limit < 1 || *f.limit > 500)) return false;
  if (!in_iso_years(f.date_from) || !in_iso_years(f.date_to)) return false;
  if (f.date_from && f.date_to && *f.date_from > *f.date_to) return false;
  if (f.sort_by == atoms::sort_field::unknown || f.order == atoms::sort_order::unknown) return false;
  return ids_ok(f.agent_ids) && ids_ok(f.campaign_ids) && ids_ok(f.version_ids) && all_known(f.call_types) &&
         all_known(f.statuses) && all_known(f.disconnect_reasons) && all_known(f.call_attempts) &&
         all_known(f.durations);
}

/// One parameter as the service reads it: the key, and the value split on ',' after decoding.
struct parameter {
  std::string key;
  std::string value;                // percent-decoded
  std::vector<std::string> values;  // each comma-separated piece, percent-decoded
};

std::vector<parameter> read_query(std::string_view q) {
  std::vector<parameter> out;
  if (q.empty()) return out;
  for (auto pair : split(q, '&', q.size() + 1)) {
    auto const eq = pair.find('=');
    FUZZ_CHECK(eq != std::string_view::npos, "a parameter without '=': " + atoms_fuzz::printable(pair));
    parameter p;
    auto const key = atoms_fuzz::percent_decode(pair.substr(0, eq));
    auto const raw = pair.substr(eq + 1);
    auto const value = atoms_fuzz::percent_decode(raw);
    FUZZ_CHECK(key && value, "a bad percent-encoding: " + atoms_fuzz::printable(pair));
    p.key = *key;
    p.value = *value;
    // The list separator is a literal ','; a ',' inside a value is always encoded.
    for (auto piece : split(raw, ',', raw.size() + 1)) {
      FUZZ_CHECK(atoms_fuzz::is_strictly_encoded(piece),
                 "a value not percent-encoded: " + atoms_fuzz::printable(raw));
      p.values.push_back(*atoms_fuzz::percent_decode(piece));
    }
    out.push_back(std::move(p));
  }
  return out;
}

template <class E>
std::vector<std::string> spellings(std::vector<E> const& v) {
  std::vector<std::string> out;
  for (E e : v) out.emplace_back(atoms::to_string(e));
  return out;
}

void filter(std::string_view input) {
  auto const f = split(input, '\0', 15);
  auto field = [&](std::size_t i) { return i < f.size() ? f[i] : std::string_view{}; };
  atoms::call_filter filter;
  filter.page = int_field(field(0));
  filter.limit = int_field(field(1));
  filter.agent_ids = items(field(2));
  filter.campaign_ids = items(field(3));
  filter.version_ids = items(field(4));
  filter.call_types = enum_items<atoms::call_type>(field(5));
  filter.statuses = enum_items<atoms::call_status>(field(6));
  filter.disconnect_reasons = enum_items<atoms::disconnect_reason>(field(7));
  filter.call_attempts = enum_items<atoms::call_attempt>(field(8));
  filter.durations = enum_items<atoms::duration_range>(field(9));
  filter.sort_by = enum_field<atoms::sort_field>(field(10));
  filter.order = enum_field<atoms::sort_order>(field(11));
  filter.date_from = time_field(field(12));
  filter.date_to = time_field(field(13));
  if (f.size() > 14) filter.search = std::string(field(14));

  std::string query, why;
  bool const accepted = atoms::detail::call_query(filter, query, why);
  FUZZ_CHECK(accepted == should_accept(filter), accepted ? "call_query accepts a filter that breaks its rules"
                                                         : "call_query refuses a valid filter: " + why);
  if (!accepted) {
    FUZZ_CHECK(why.rfind("call_filter", 0) == 0, "a refusal that does not name call_filter: " + why);
    return;
  }
  std::string const target = "/atoms/v1/conversation" + (query.empty() ? std::string() : "?" + query);
  auto const bad = atoms_fuzz::bad_target_char(target);
  FUZZ_CHECK(bad == std::string::npos, "a byte that cannot be in a request-target at " + std::to_string(bad) +
                                           ": " + atoms_fuzz::printable(target));
  FUZZ_CHECK(target.find('#') == std::string::npos && target.find('?') == target.rfind('?'),
             "a second '?' or a '#' in the target");

  // The parameters, in the order of the document, each exactly as set.
  auto const params = read_query(query);
  std::size_t next = 0;
  auto expect = [&](std::string_view key, std::vector<std::string> const& values) {
    if (values.empty()) return;
    FUZZ_CHECK(next < params.size(), "missing parameter " + std::string(key) + " in " + query);
    auto const& p = params[next++];
    FUZZ_CHECK(p.key == key, "parameter " + p.key + " where " + std::string(key) + " belongs: " + query);
    FUZZ_CHECK(p.values == values, "parameter " + p.key + " does not give back what was set: " + query);
  };
  auto spelt = [](auto const& opt) {
    return opt ? std::vector<std::string>{std::string(atoms::to_string(*opt))} : std::vector<std::string>{};
  };
  auto decimal = [](std::optional<int> const& v) {
    return v ? std::vector<std::string>{std::to_string(*v)} : std::vector<std::string>{};
  };
  expect("page", decimal(filter.page));
  expect("limit", decimal(filter.limit));
  expect("agentIds", filter.agent_ids);
  expect("campaignIds", filter.campaign_ids);
  expect("callTypes", spellings(filter.call_types));
  expect("statusFilter", spellings(filter.statuses));
  expect("disconnectReasonFilter", spellings(filter.disconnect_reasons));
  expect("callAttemptFilter", spellings(filter.call_attempts));
  expect("durationFilter", spellings(filter.durations));
  expect("sortBy", spelt(filter.sort_by));
  expect("sortOrder", spelt(filter.order));
  for (auto const& [key, t] :
       {std::pair{"dateFrom", filter.date_from}, std::pair{"dateTo", filter.date_to}}) {
    if (!t) continue;
    FUZZ_CHECK(next < params.size() && params[next].key == key, std::string("missing parameter ") + key);
    auto const& p = params[next++];
    auto const back = atoms::parse_iso8601(p.value);
    FUZZ_CHECK(back && *back == *t, std::string(key) + " does not give back the time stamp: " + p.value);
  }
  expect("versionFilter", filter.version_ids);
  if (filter.search) {
    // The search text is one value, commas and all.
    FUZZ_CHECK(next < params.size() && params[next].key == "search", "missing parameter search");
    FUZZ_CHECK(params[next].value == *filter.search, "search does not give back what was set: " + query);
    ++next;
  }
  FUZZ_CHECK(next == params.size(), "a parameter nobody set: " + query);

  // What the retry layer and the observability hook make of the query (impl/retry.ipp).
  bool const full_scan =
      filter.date_from || filter.date_to || filter.sort_by == atoms::sort_field::created_at;
  FUZZ_CHECK(atoms::detail::is_full_scan_query(query) == full_scan,
             "is_full_scan_query is wrong about " + query);
  std::string shown = "/atoms/v1/conversation";
  if (!query.empty()) {
    char sep = '?';
    for (auto pair : split(query, '&', query.size() + 1)) {
      shown += std::exchange(sep, '&');
      shown += pair.rfind("search=", 0) == 0 ? std::string_view("search=***") : pair;
    }
  }
  FUZZ_CHECK(atoms::detail::redacted_target("/atoms/v1/conversation", query) == shown,
             "redacted_target shows more or less than the query without the search text: " + shown);
}

// ---- ids in paths -------------------------------------------------------------------------------

void id(std::string_view id) {
  bool const valid = atoms::detail::valid_segment(id);
  FUZZ_CHECK(valid == !(id.empty() || id == "." || id == ".."),
             "valid_segment disagrees with its documentation");
  if (!valid) return;
  std::string const segment = atoms::http::encode_component(id);
  FUZZ_CHECK(atoms_fuzz::is_strictly_encoded(segment),
             "an id not percent-encoded: " + atoms_fuzz::printable(segment));
  FUZZ_CHECK(segment.find('/') == std::string::npos && segment != "." && segment != "..",
             "an id that is not exactly one path segment: " + segment);
  auto const back = atoms_fuzz::percent_decode(segment);
  FUZZ_CHECK(back && *back == id, "an id that does not decode back: " + segment);
  for (std::string const& path :
       {"/conversation/" + segment, "/conversation/" + segment + "/recording/download-url",
        "/agent/" + segment + "/post-call-analytics"}) {
    auto const bad = atoms_fuzz::bad_target_char(path);
    FUZZ_CHECK(bad == std::string::npos,
               "a byte that cannot be in a request-target: " + atoms_fuzz::printable(path));
    FUZZ_CHECK(path.find('?') == std::string::npos && path.find('#') == std::string::npos,
               "an id that reaches the query or the fragment: " + path);
  }
}

// ---- URLs ---------------------------------------------------------------------------------------

void check_endpoint(atoms::http::endpoint const& e, std::string_view url) {
  FUZZ_CHECK(!e.host.empty(), "an endpoint without a host: " + atoms_fuzz::printable(url));
  auto const port = integer(e.port);
  FUZZ_CHECK(port && *port >= 1 && *port <= 65535 && std::to_string(*port) == e.port,
             "an endpoint with port '" + e.port + "': " + atoms_fuzz::printable(url));
  FUZZ_CHECK(!e.host_header.empty(), "an endpoint without a Host header");
  for (unsigned char c : e.host_header)
    FUZZ_CHECK(c > 0x20 && c < 0x7F,
               "a Host header with a byte it cannot hold: " + atoms_fuzz::printable(e.host_header));
  std::string const origin = e.origin();
  FUZZ_CHECK(origin.rfind(e.tls ? "https://" : "http://", 0) == 0,
             "an origin of the wrong scheme: " + origin);
  // An IP-literal is an IPv6 address (an IPvFuture one, "[v1.a.b]", is refused: its inside
  // would reach the resolver and SNI as a name).
  if (e.host_header.front() == '[')
    FUZZ_CHECK(atoms::http::is_ip_literal(e.host),
               "an IP-literal host that is not an IP address: " + atoms_fuzz::printable(e.host));
  // The host as the resolver, SNI and the certificate check take it (as a C string, for the
  // first two) is the host written: never percent-decoded ("a%00b" would resolve as "a").
  FUZZ_CHECK(e.host_header.find('%') == std::string::npos,
             "a percent-encoded host is accepted: " + atoms_fuzz::printable(e.host_header));
  FUZZ_CHECK(e.host_header.rfind(e.host_header.front() == '[' ? "[" + e.host + "]" : e.host, 0) == 0,
             "a host that is not the host written: " + atoms_fuzz::printable(e.host));
  for (unsigned char c : e.host)
    FUZZ_CHECK(c > 0x20 && c != 0x7F && c != '/' && c != '\\' && c != '@' && c != '?' && c != '#',
               "a host with a byte no host name holds: " + atoms_fuzz::printable(e.host));
}

// Messages name the option or the URL's role, never its text: it may hold user:password, a
// token or a presigned signature. The library's messages have no '=', '&', '#' or '%', which
// any quoted query, signature or percent-encoding would bring (a plain substring test would
// fire when the fuzzer makes the URL a piece of a message).
void check_no_quote(std::string_view why) {
  FUZZ_CHECK(why.find_first_of("=&#%") == std::string_view::npos,
             "a message quotes the URL: " + std::string(why));
}

/// The authority of an absolute URL as RFC 3986 delimits it: from "//" to the first '/', '?'
/// or '#' (nullopt without "//").
std::optional<std::string_view> authority(std::string_view url) {
  auto const colon = url.find(':');
  if (colon == std::string_view::npos || url.substr(colon + 1, 2) != "//") return std::nullopt;
  auto const rest = url.substr(colon + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

/// What the URL parsers must refuse, read from the text: a '%' in the authority (a
/// percent-encoded host; user info, where one may also be, is refused anyway) or an IPvFuture
/// literal ("[v1.x]"; a '[' starts nothing else in an authority).
bool bad_authority(std::string_view url) {
  auto const a = authority(url);
  return a && (a->find('%') != std::string_view::npos || a->find("[v") != std::string_view::npos ||
               a->find("[V") != std::string_view::npos);
}

void base_url(std::string_view url) {
  atoms::http::endpoint e;
  std::string why;
  if (!atoms::http::parse_endpoint(url, e, why)) {
    FUZZ_CHECK(why.rfind("base_url", 0) == 0, "a refusal that does not name base_url: " + why);
    check_no_quote(why);
    return;
  }
  FUZZ_CHECK(!bad_authority(url),
             "base_url with a percent-encoded or IPvFuture host is accepted: " + atoms_fuzz::printable(url));
  check_endpoint(e, url);
  FUZZ_CHECK(e.base_path.empty() || e.base_path.back() != '/', "a base path ending in '/': " + e.base_path);
  // Boost.URL 1.81 ends the authority where its host or port rule stops and takes the rest as a
  // path that does not start with '/' ("https://h:443atoms/v1": port 443, path "atoms/v1";
  // "http://1.2.3.4.example/v1": host 1.2.3.4, see boostorg/url#755): such a URL is refused.
  FUZZ_CHECK(e.base_path.empty() || e.base_path[0] == '/',
             "a base path that does not start with '/': " + atoms_fuzz::printable(e.base_path));
  std::string const target = e.base_path + "/conversation/CALL-1?page=1";
  FUZZ_CHECK(atoms_fuzz::bad_target_char(target) == std::string::npos,
             "a base path that cannot be in a request-target: " + atoms_fuzz::printable(e.base_path));
}

void resource_url(std::string_view url) {
  atoms::http::endpoint e;
  std::string target, why;
  if (!atoms::http::parse_resource_url(url, "the recording URL", e, target, why)) {
    FUZZ_CHECK(why.rfind("the recording URL", 0) == 0, "a refusal that does not name the URL: " + why);
    check_no_quote(why);
    return;
  }
  FUZZ_CHECK(!bad_authority(url),
             "a URL with a percent-encoded or IPvFuture host is accepted: " + atoms_fuzz::printable(url));
  check_endpoint(e, url);
  // As in base_url() above: a path that does not start with '/' is refused, never sent.
  FUZZ_CHECK(!target.empty() && target[0] == '/',
             "a target that does not start with '/': " + atoms_fuzz::printable(target));
  FUZZ_CHECK(atoms_fuzz::bad_target_char(target) == std::string::npos,
             "a byte that cannot be in a request-target: " + atoms_fuzz::printable(target));
  FUZZ_CHECK(target.find('#') == std::string::npos,
             "a fragment in the target: " + atoms_fuzz::printable(target));
  // The path and query exactly as written, so that a signature over them still holds ("/" for
  // an empty path).
  std::string_view const written = target.rfind("/?", 0) == 0 ? std::string_view(target).substr(1) : target;
  FUZZ_CHECK(target == "/" || url.find(written) != std::string_view::npos,
             "a target that is not the URL's own text: " + atoms_fuzz::printable(target));
}

enum class kind { filter, id, base_url, resource_url };
constexpr kind kinds[] = {kind::filter, kind::id, kind::base_url, kind::resource_url};

kind pick(unsigned char b) {
  switch (b) {
    case 'F': return kind::filter;
    case 'I': return kind::id;
    case 'B': return kind::base_url;
    case 'U': return kind::resource_url;
    default: return kinds[b % std::size(kinds)];
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view const rest(reinterpret_cast<char const*>(data) + 1, size - 1);
  switch (pick(data[0])) {
    case kind::filter: filter(rest); break;
    case kind::id: id(rest); break;
    case kind::base_url: base_url(rest); break;
    case kind::resource_url: resource_url(rest); break;
  }
  return 0;
}
