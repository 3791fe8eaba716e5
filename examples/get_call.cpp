// Fetch one call with its transcript and post-call analytics.
//
//   get_call --emulator [CALL_ID]   against an in-process emulator of the Atoms API (TLS)
//   get_call CALL_ID                against the service: SMALLEST_API_KEY (and optionally
//                                   SMALLEST_BASE_URL) from the environment
#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;

namespace {

void print(const atoms::call_details& d) {
  auto opt = [](const std::optional<std::string>& s) { return s ? *s : std::string("-"); };
  std::cout << "Call " << d.call_id << '\n'
            << "  status:   " << atoms::to_string(d.status.value)
            << (d.status == atoms::call_status::unknown ? " (" + d.status.raw + ")" : "") << '\n'
            << "  type:     " << atoms::to_string(d.type.value) << '\n'
            << "  duration: ";
  if (d.duration)
    std::cout << *d.duration << " s\n";
  else
    std::cout << "-\n";
  std::cout << "  from/to:  " << opt(d.from) << " -> " << opt(d.to) << '\n'
            << "  ended by: "
            << (d.disconnection_reason.raw.empty() ? "-" : atoms::to_string(d.disconnection_reason)) << '\n'
            << "  cost:     ";
  if (d.call_cost)
    std::cout << *d.call_cost << " credits\n";
  else
    std::cout << "-\n";
  std::cout << "  recording: "
            << (d.recording_url && !d.recording_url->empty() ? *d.recording_url : "not available yet")
            << '\n';
  if (d.turn_latency_metrics && d.turn_latency_metrics->avg_latency)
    std::cout << "  latency:  " << *d.turn_latency_metrics->avg_latency << " ms average over "
              << d.turn_latency_metrics->latencies.size() << " turns\n";

  std::cout << "\nTranscript:\n";
  for (const auto& turn : d.transcript) {
    std::string role = turn.role == atoms::speaker_role::unknown
                           ? turn.role.raw
                           : std::string(atoms::to_string(turn.role.value));
    for (auto& c : role) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::cout << "  [" << role << "]: " << turn.content << '\n';
  }

  if (!d.post_call_analytics) {
    std::cout << "\nNo post-call analytics yet.\n";
    return;
  }
  const atoms::call_analytics& a = *d.post_call_analytics;
  std::cout << "\nSummary: " << (a.summary ? *a.summary : "-") << "\n\nDisposition Metrics:\n";
  for (const auto& m : a.disposition_metrics) {
    std::cout << "  " << m.identifier << ": " << m.value.to_string() << '\n';
    if (m.confidence) std::cout << "    Confidence: " << *m.confidence << '\n';
    if (m.reasoning) std::cout << "    Reasoning: " << *m.reasoning << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string call_id;
  bool use_emulator = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--emulator")
      use_emulator = true;
    else if (a == "-h" || a == "--help") {
      std::cout << "usage: get_call [--emulator] [CALL_ID]\n";
      return 0;
    } else
      call_id = a;
  }

  atoms::client_options options = atoms::client_options::from_env();
  std::unique_ptr<atoms::testing::emulator> emu;
  if (use_emulator) {
    emu = std::make_unique<atoms::testing::emulator>();
    options.base_url = emu->base_url();
    options.api_key = emu->api_key();
    options.ca_pem = emu->ca_pem();
    if (call_id.empty()) call_id = "CALL-1768842587790-69eb58";
    std::cout << "Emulator of the Atoms API listening at " << options.base_url << "\n\n";
  } else if (call_id.empty()) {
    std::cerr << "usage: get_call [--emulator] [CALL_ID]\n";
    return 2;
  }

  asio::io_context io;
  int status = 1;
  try {
    atoms::client client{io.get_executor(), options};
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          atoms::diagnostics diag;
          auto [ec, details] = co_await client.async_get_call(call_id, diag, asio::as_tuple(asio::deferred));
          if (ec) {
            std::cerr << "error: " << atoms::describe(ec, diag) << '\n';
            co_return;
          }
          print(details);
          status = 0;
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
  }
  return status;
}
