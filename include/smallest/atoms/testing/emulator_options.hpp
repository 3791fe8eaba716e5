// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_EMULATOR_OPTIONS_HPP
#define SMALLEST_ATOMS_TESTING_EMULATOR_OPTIONS_HPP

// The vocabulary of the emulator (see emulator.hpp): how to start it, which faults it
// shows, what it records of each request, and what an interceptor can make it do instead of
// answering normally.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace smallest::atoms::testing {

/// How GET /conversation lies about its pagination (emulator_options::pagination_lie), as
/// services with bugs do; the logs are the real ones unless said otherwise.
enum class pagination_lie {
  none,
  /// Every answer says "hasMore": true, the last page's too; the pages past the end are
  /// empty (total and totalPages stay true).
  more_after_end,
  /// Every answer is page 1 (its logs, "page": 1, "hasMore": true) whatever page was asked.
  page_stuck,
  /// Each answer's "total" is half the previous answer's (the first says the true total; it
  /// halves down to 0, across all the emulator's list answers), totalPages follows it, and
  /// "hasMore" is always true; the logs are those of the page asked.
  total_shrinks
};

/// One kind of failure the API's origin can be made to show, as a flaky service, a proxy or
/// a network do (see fault_plan). Only requests of the API's origin get faults; the
/// recordings' origin is another server and never does.
struct fault {
  enum class kind {
    /// Answers `status` in the service's error shape, without routing the request (a
    /// gateway or rate limiter in front of the service turned it away): 429 with
    /// body_retry_after_sec >= 0 is the OpenAPI document's 429 {"message":"Rate limit
    /// exceeded","rateLimit":{"routeClass":<first path segment under /atoms/v1>,"limit":10,
    /// "retryAfterSec":N}}; any other is `{"status":false,"errors":[<message>]}`.
    status,
    /// Routes the request (its effect happens), writes the answer's header and the first half
    /// of its body, then resets the connection (SO_LINGER 0: an RST, no close_notify), as a
    /// crashing process does. Bytes still in the server's send buffer are lost with it, so a
    /// large body arrives cut earlier than half.
    reset_mid_body,
    /// Routes the request and writes its whole answer under a Content-Length twice the
    /// body's, then closes the connection cleanly (close_notify and FIN): the reader gets
    /// end of stream before the body is complete, though what it got parses as JSON.
    short_body,
    /// Routes the request and answers 200, application/json, with the first half of the
    /// routed body: a complete HTTP message whose body is not JSON.
    malformed_json,
    /// Waits `delay` on a timer (the server's threads serve others meanwhile), then answers
    /// as if there were no fault (interceptor and routes).
    slow,
    /// Never answers: keeps the socket open until the client goes or the emulator stops.
    stall,
    /// Closes the connection (FIN, no close_notify) without answering, after reading the
    /// request, which is not routed.
    close
  };
  kind what = kind::status;
  /// Which matching requests get it: the first `first` ones, and every `every`-th one
  /// (1 = all); 0 leaves either out, and a fault with neither is refused. Counted per fault,
  /// across connections and threads, from when the plan was set.
  std::size_t first = 0;
  std::size_t every = 0;
  /// A request matches when its path under /atoms/v1 (raw, without the query) starts with
  /// this, e.g. "/conversation/"; "" matches every request of the origin, even outside the
  /// base path.
  std::string path_prefix{};
  /// kind::status: the status (400 to 599), and headers sent as given when not empty:
  /// Retry-After ("2", or an HTTP date) and X-RateLimit-Reset (epoch seconds).
  unsigned status = 503;
  std::string retry_after{};
  std::string rate_limit_reset{};
  /// kind::status with 429: >= 0 sends the document's 429 body with this retryAfterSec.
  int body_retry_after_sec = -1;
  /// kind::slow.
  std::chrono::milliseconds delay{0};
};

/// The faults of the API's origin (emulator_options::faults, emulator::set_faults).
///
/// A fault is decided when a request has been read and recorded, and applied after the
/// latency wait; a request that gets one never reaches the interceptor (faults come first,
/// as a proxy in front of the service would). A request a fault answers (status,
/// reset_mid_body, short_body, malformed_json, slow) counts in requests_served(); a stalled
/// or closed one does not, as with an interceptor.
struct fault_plan {
  /// Checked in order; the first that applies to a request wins. A request counts towards a
  /// fault when it reaches it: its path matches and no fault before took it.
  std::vector<fault> faults{};
  /// > 0: the answer to the N-th request of a connection (and to any later one) says
  /// "Connection: close", and the server then closes it, as nginx's keepalive_requests does.
  std::size_t max_requests_per_connection = 0;
  /// Every complete answer to an HTTP/1.1 request the origin could read uses
  /// Transfer-Encoding: chunked, its body in three chunks (an answer whose Content-Length an
  /// interceptor sets keeps it). Valid HTTP: not counted as a fault.
  bool chunked = false;
  /// With TLS, every handshake fails: the server reads the ClientHello and answers a fatal
  /// handshake_failure alert, then closes. The TCP connection itself is accepted.
  bool tls_handshake_failure = false;
};

/// What goes wrong with webhook deliveries (emulator_options::delivery_faults,
/// emulator::set_delivery_faults), as networks and receivers make it go wrong. Each share is
/// a probability in [0, 1], drawn per delivery (one event to one webhook) from an RNG seeded
/// with `seed`, so a test sees the same faults on every run for the same order of events.
/// The service itself never retries a delivery; neither does the emulator.
struct delivery_fault_plan {
  /// Never sent (counted as dropped).
  double drop = 0;
  /// Sent twice, the same body and signature (the second counted as duplicated).
  double duplicate = 0;
  /// Sent after a wait drawn uniformly from [delay_min, delay_max] (counted as delayed).
  double delay = 0;
  std::chrono::milliseconds delay_min{10};
  std::chrono::milliseconds delay_max{100};
  /// Sent so that verification fails: every other one with a signature altered, the others
  /// with the body altered after signing (counted as corrupted).
  double corrupt = 0;
  std::uint64_t seed = 1;
};

/// Webhook deliveries since the emulator started (emulator::delivery_stats()). A delivery is
/// one event to one subscribed webhook.
struct delivery_stats {
  std::size_t scheduled = 0;      ///< deliveries decided: events × webhooks subscribed to them
  std::size_t attempted = 0;      ///< POSTs started (second copies of duplicated ones included)
  std::size_t delivered = 0;      ///< POSTs answered 2xx
  std::size_t failed = 0;         ///< POSTs answered otherwise, or not at all (connect error, timeout)
  std::size_t dropped = 0;        ///< never sent (delivery_fault_plan::drop)
  std::size_t duplicated = 0;     ///< sent twice (delivery_fault_plan::duplicate): second copies
  std::size_t delayed = 0;        ///< sent late (delivery_fault_plan::delay)
  std::size_t corrupted = 0;      ///< sent so that verification fails (delivery_fault_plan::corrupt)
  std::size_t undeliverable = 0;  ///< not an http:// URL of a loopback host: never contacted
};

/// A call to add as if the agent had just made it (emulator::complete_call).
struct completed_call {
  /// Required: an agent of the account (seeded or made by POST /agent).
  std::string agent_id{};
  /// The number called (E.164), and the customer's first name the transcript greets.
  std::string to = "+15557654321";
  std::string customer_name = "Alex";
  /// Attach its post-call analytics at once (and send analytics-completed); otherwise the
  /// call is stored without them.
  bool with_analytics = true;
};

/// How an emulator starts (emulator's constructor): each setting has a default that suits a
/// test, so `emulator{}` serves HTTPS on a free port with the seeded data set and no faults.
struct emulator_options {
  /// HTTPS with a certificate issued by a CA generated for this emulator (see ca_pem());
  /// false serves plain HTTP.
  bool tls = true;

  /// The port of 127.0.0.1 the API's origin listens on; 0 picks a free one (see
  /// emulator::port()). A port another socket listens on makes the emulator's constructor
  /// throw std::system_error ("emulator: cannot listen on 127.0.0.1:PORT: Address already in
  /// use"). The recordings' origin always takes a free port.
  std::uint16_t port = 0;

  /// The only key accepted in "Authorization: Bearer <key>".
  std::string api_key = "test-key";

  /// The subjectAltName entries of the server certificate; IP literals become IP entries.
  /// A test that wants a host-name mismatch uses {"other.example"}.
  std::vector<std::string> certificate_hosts = {"localhost", "127.0.0.1"};

  /// Size of the seeded synthetic data set; the product page's example call
  /// CALL-1768842587790-69eb58 is the first of them.
  std::size_t calls = 20;

  /// The same seed always gives the same data set, byte for byte.
  std::uint64_t seed = 1;

  /// Server threads running the emulator's own io_context (0 means 1).
  unsigned threads = 1;

  /// > 0: a keep-alive connection that waits this long for its next request is closed,
  /// as real servers do (nginx's keepalive_timeout, Node's keepAliveTimeout).
  std::chrono::milliseconds idle_timeout{0};

  /// Recordings, served on a second origin (see emulator::recording_base_url()): how long a
  /// URL from GET /conversation/{callId}/recording/download-url stays valid (403 after),
  /// and the size in bytes of every recording (generated as it is sent, so any size is cheap).
  std::chrono::milliseconds recording_url_ttl{std::chrono::minutes(5)};
  std::uint64_t recording_size = 256 * 1024;

  /// Serve the product page's GET/POST /agent/{id}/post-call-analytics. The OpenAPI document
  /// has no such path: false makes them answer what any unknown path answers (404 "Cannot GET
  /// /atoms/v1/agent/.../post-call-analytics"), as a service without them does; the
  /// configuration is then read from GET /agent/{id} and written through the branch routes.
  bool post_call_analytics_route = true;

  /// POST /agent/{id}/branches/{branchId}/draft/publish answers 202 {"state":"scanning"} (a
  /// deferred security scan) instead of 200 {"state":"committed","revision":{...}}; the draft
  /// is committed all the same.
  bool publish_scanning = false;

  /// > 0: after each GET /conversation it answers (200), the emulator moves the updatedAt of
  /// this many calls to "now", as a live service does when calls get updated ("now" is the
  /// wall clock, or 1 ms after the account's newest updatedAt if that is later: 100,000
  /// seeded calls reach into 2029). They are chosen, with the seed, among the calls the
  /// request matched that are not in the page just served and rank after all of it in the
  /// default order (updatedAt desc); all of them if fewer. In that order they jump to the
  /// top, so the later pages shift by k: the next page starts with the last k calls of the
  /// one before (duplicates a walker must drop), and the calls moved are never seen.
  std::size_t touch_per_list = 0;

  /// Campaign dialing (POST /campaign/{id}/start; see emulator.hpp): a started campaign is
  /// "processing" for campaign_start_delay, then "running"; it calls one audience member every
  /// campaign_call_interval (the first one interval after it runs), each call stored COMPLETED
  /// without postCallAnalytics and given them analytics_delay after it ended; the campaign is
  /// "completed" once every member's call has them. Short, so examples finish in CI in a
  /// second or two; time passes as requests arrive (nothing runs between them).
  std::chrono::milliseconds campaign_start_delay{100};
  std::chrono::milliseconds campaign_call_interval{100};
  std::chrono::milliseconds analytics_delay{300};

  /// See pagination_lie above.
  ::smallest::atoms::testing::pagination_lie pagination_lie =
      ::smallest::atoms::testing::pagination_lie::none;

  /// Every answer of the API's origin to a request it could read (routed or from an
  /// interceptor) waits this long first, on a timer: the emulator's threads are free
  /// meanwhile, so concurrent requests overlap (see emulator::max_concurrent_requests()).
  std::chrono::milliseconds latency{0};

  /// Faults from the start; emulator::set_faults replaces them. None by default. An invalid
  /// plan (a fault with neither `first` nor `every`, a status outside 400..599) throws
  /// std::invalid_argument.
  fault_plan faults{};
  /// Faults of webhook deliveries; none by default. A share outside [0, 1] or delay_min
  /// above delay_max throws std::invalid_argument.
  delivery_fault_plan delivery_faults{};
  /// How long a delivery waits for the receiver's answer, connection included, as the
  /// service's 30 seconds (a test of a receiver that never answers may shorten it).
  std::chrono::milliseconds delivery_timeout{30'000};
};

/// What an interceptor can make the server do instead of routing a request.
struct reply {
  enum class action {
    respond,  ///< answer with status, body, content_type and headers
    stall,    ///< never answer: keep the socket open until the client goes or the emulator stops
    close     ///< close the connection without answering (a crash, a proxy dropping it)
  };
  action act = action::respond;
  unsigned status = 200;
  std::string body{};
  std::string content_type = "application/json";
  /// Added after the defaults, replacing any of the same name; a "Content-Length" here
  /// replaces the real one (to test a truncated body), a "Connection: close" closes the
  /// connection after the answer.
  std::vector<std::pair<std::string, std::string>> headers{};
};

/// A request as the emulator received it.
struct recorded_request {
  std::string method{};
  std::string target{};  ///< raw request-target, still percent-encoded, with its query
  std::vector<std::pair<std::string, std::string>> headers{};  ///< in order, names as sent
  std::string body{};
};

}  // namespace smallest::atoms::testing

#endif
