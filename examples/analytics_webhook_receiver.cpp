// Receives the service's webhook deliveries and prints each accepted event as one JSON line.
//
//   atoms-webhook-receiver --port P --secret S [--path /atoms/webhook] [--max-body BYTES]
//
// The secret is the webhook's signing secret (`decryptedSecretKey`, from
// client.async_get_webhook_secret); without --secret it is read from SMALLEST_WEBHOOK_SECRET,
// which keeps it out of the process list. It listens on 127.0.0.1 only (put a TLS-terminating
// proxy in front of it: the service delivers to https:// URLs), says where on stderr
// ("listening on 127.0.0.1:P/path"; --port 0 picks a free port), and stops on SIGINT or
// SIGTERM, printing its counters to stderr.
//
// Each delivery is verified (X-Signature, HMAC-SHA256 of the raw body) and decoded before it is
// answered: 200 for an event, 401 for a missing or wrong signature, 400 for a body that is not
// an event, 413 for one over --max-body, 404 for another path. stdout holds one JSON object
// per accepted event and nothing else:
//   {"event":"pre-conversation","callId":…,"agentId":…,"fromPhone":…,"toPhone":…}
//   {"event":"post-conversation","callId":…,"agentId":…,"status":…,"duration":…,"turns":N}
//   {"event":"analytics-completed","callId":…,"agentId":…,"summary":…,
//    "metrics":[{"identifier":…,"type":"ENUM","value":<typed>,"confidence":…,"reasoning":…}],
//    "successMetrics":[…]}
// where a metric's value is typed by its dispositionMetricType: a string (STRING, ENUM), a
// boolean, an integer, an ISO-8601 string (DATETIME), or null when it does not fit its type.
#include <smallest/atoms.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace {

namespace asio = boost::asio;
namespace atoms = smallest::atoms;
namespace json = boost::json;

int usage(std::ostream& out, int status) {
  if (status != 0) out << "error: bad command line\n";
  out << "usage: atoms-webhook-receiver --port P [--secret S] [--path /atoms/webhook] [--max-body BYTES]\n"
         "  --port P        the port on 127.0.0.1 (0 picks a free one)\n"
         "  --secret S      the webhook's signing secret (else SMALLEST_WEBHOOK_SECRET)\n"
         "  --path PATH     the path deliveries are POSTed to (default /atoms/webhook)\n"
         "  --max-body N    the largest body accepted, in bytes (default 1048576)\n";
  return status;
}

std::optional<unsigned long> parse_number(std::string_view s, unsigned long max) {
  unsigned long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

json::value typed_json(const atoms::disposition_metric& m) {
  const atoms::disposition_metric::typed_value v = m.typed();
  if (const auto* s = std::get_if<std::string>(&v)) return json::value(*s);
  if (const auto* b = std::get_if<bool>(&v)) return json::value(*b);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return json::value(*i);
  if (const auto* t = std::get_if<atoms::timestamp>(&v)) return json::value(atoms::format_iso8601(*t));
  return nullptr;
}

json::array metrics_json(const std::vector<atoms::disposition_metric>& metrics) {
  json::array out;
  for (const atoms::disposition_metric& m : metrics) {
    json::object o{{"identifier", m.identifier}};
    o["type"] = m.type ? json::value(m.type->raw) : json::value(nullptr);
    o["value"] = typed_json(m);
    o["confidence"] = m.confidence ? json::value(*m.confidence) : json::value(nullptr);
    o["reasoning"] = m.reasoning ? json::value(*m.reasoning) : json::value(nullptr);
    out.push_back(std::move(o));
  }
  return out;
}

json::object line_of(const atoms::pre_conversation_event& e) {
  return {{"event", "pre-conversation"},
          {"callId", e.call_id},
          {"agentId", e.agent_id},
          {"fromPhone", e.from_phone},
          {"toPhone", e.to_phone}};
}

json::object line_of(const atoms::post_conversation_event& e) {
  return {{"event", "post-conversation"},
          {"callId", e.call_id},
          {"agentId", e.agent_id},
          {"status", e.call_data.status.raw},
          {"duration", e.call_data.duration},
          {"turns", e.transcript.size()}};
}

json::object line_of(const atoms::analytics_completed_event& e) {
  return {{"event", "analytics-completed"},
          {"callId", e.call_id},
          {"agentId", e.agent_id},
          {"summary", e.analytics.summary},
          {"metrics", metrics_json(e.analytics.disposition_metrics)},
          {"successMetrics", metrics_json(e.analytics.success_metrics)}};
}

// The handler runs on the one thread of the io_context, so lines never interleave; each is
// flushed, since stdout is usually a pipe.
asio::awaitable<void> print_event(atoms::webhook_event e) {
  const json::object line = std::visit([](const auto& ev) { return line_of(ev); }, e);
  std::cout << json::serialize(line) << std::endl;
  co_return;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<unsigned long> port;
  atoms::webhook_receiver_options options{.path = "/atoms/webhook"};
  std::optional<std::string> secret;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "-h" || a == "--help") {
      return usage(std::cout, 0);
    } else if (a == "--port" && has_value) {
      port = parse_number(argv[++i], 65535);
      if (!port) return usage(std::cerr, 2);
    } else if (a == "--secret" && has_value) {
      secret = argv[++i];
    } else if (a == "--path" && has_value) {
      options.path = argv[++i];
    } else if (a == "--max-body" && has_value) {
      const auto v = parse_number(argv[++i], 64UL << 20);
      if (!v || *v == 0) return usage(std::cerr, 2);
      options.max_body = *v;
    } else {
      return usage(std::cerr, 2);
    }
  }
  if (!port) return usage(std::cerr, 2);
  if (!secret) {
    if (const char* env = std::getenv("SMALLEST_WEBHOOK_SECRET")) secret = env;
  }
  if (!secret || secret->empty()) {
    std::cerr << "error: no signing secret: pass --secret or set SMALLEST_WEBHOOK_SECRET\n";
    return 2;
  }
  if (options.path.empty() || options.path.front() != '/') {
    std::cerr << "error: --path must start with '/'\n";
    return 2;
  }
  options.secret = std::move(*secret);
  const std::string receiver_path = options.path;

  asio::io_context io(1);
  try {
    atoms::webhook_receiver receiver(io.get_executor(), std::move(options), print_event);
    const unsigned short bound =
        receiver.listen({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(*port)});
    std::cerr << "listening on 127.0.0.1:" << bound << receiver_path << std::endl;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const atoms::error_code& ec, int) {
      if (!ec) receiver.stop();
    });
    io.run();
    const atoms::webhook_receiver_stats s = receiver.stats();
    std::cerr << "stopped: " << s.delivered << " delivered, " << s.bad_signature << " bad signatures, "
              << s.bad_body << " bad bodies, " << s.overloaded << " refused while busy, "
              << s.handler_failures << " handler failures\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
