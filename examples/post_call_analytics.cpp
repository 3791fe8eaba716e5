// The product page "Post-Call Analytics", section by section: read a call's summary and
// disposition metrics, configure the metrics an agent extracts, and read the configuration back.
//
//   post_call_analytics --emulator            against an in-process emulator of the Atoms API (TLS),
//                                             with the page's call and agent
//   post_call_analytics CALL_ID AGENT_ID      against the service: SMALLEST_API_KEY (and optionally
//                                             SMALLEST_BASE_URL) from the environment. This REPLACES
//                                             the post-call analytics configuration of AGENT_ID with
//                                             the page's (user_interested, user_name).
#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/system_error.hpp>

#include <cstddef>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;

namespace {

// The page's call and agent: the emulator serves both.
constexpr const char* page_call_id = "CALL-1768842587790-69eb58";
constexpr const char* page_agent_id = "696e655577e1d88ff54b4fbf";

void print_metric_configs(const atoms::post_call_config& config) {
  for (const atoms::metric_config& metric : config.disposition_metrics) {
    std::cout << "  " << metric.identifier << ": " << metric.type;
    if (!metric.choices.empty()) {
      std::cout << " (";
      for (std::size_t i = 0; i < metric.choices.size(); ++i)
        std::cout << (i > 0 ? ", " : "") << metric.choices[i];
      std::cout << ")";
    }
    std::cout << '\n';
  }
}

// ---- What Gets Generated
// Every completed call carries `postCallAnalytics`: call_details::post_call_analytics, with the
// AI-generated `summary` and the `disposition_metrics` you configure. Nothing to call.

// ---- Accessing Post-Call Data
asio::awaitable<void> accessing_post_call_data(atoms::client& client, std::string call_id,
                                               atoms::diagnostics& diag) {
  atoms::call_details details = co_await client.async_get_call(call_id, diag);
  if (!details.post_call_analytics) {
    std::cout << "No post-call analytics (they come 10-30 s after a completed call ends)\n";
    co_return;
  }
  const atoms::call_analytics& analytics = *details.post_call_analytics;
  std::cout << "Summary: " << analytics.summary.value_or("-") << '\n';
  for (const atoms::disposition_metric& metric : analytics.disposition_metrics) {
    std::cout << "  " << metric.identifier << ": " << metric.value.to_string() << '\n';
    if (metric.confidence) std::cout << "  Confidence: " << *metric.confidence << '\n';
    if (metric.reasoning) std::cout << "  Reasoning: " << *metric.reasoning << '\n';
  }
}

// ---- Configuring Disposition Metrics
asio::awaitable<void> configuring_disposition_metrics(atoms::client& client, std::string agent_id,
                                                      atoms::diagnostics& diag) {
  atoms::post_call_config config{
      .summary_prompt = "Summarize this sales call briefly.",
      .disposition_metrics = {{.identifier = "user_interested",
                               .prompt = "Was the user interested? yes, no, or unclear",
                               .type = atoms::metric_type::enumeration,
                               .choices = {"yes", "no", "unclear"}},
                              {.identifier = "user_name",
                               .prompt = "What is the user's name? Return 'unknown' if not mentioned.",
                               .type = atoms::metric_type::string}},
  };
  // Validated before anything is sent; the answer is the configuration as the service stored it.
  atoms::post_call_config stored = co_await client.async_set_post_call_config(agent_id, config, diag);
  std::cout << "Agent " << agent_id << " now extracts:\n";
  print_metric_configs(stored);
}

// ---- Disposition Metric Types
// STRING, BOOLEAN, INTEGER, ENUM and DATETIME are atoms::metric_type::string, boolean, integer,
// enumeration and datetime. Only ENUM takes `choices`, and it requires them.
void disposition_metric_types() {
  atoms::post_call_config enum_without_choices{
      .disposition_metrics = {{.identifier = "rating",
                               .prompt = "How did the user rate the call? good, bad or neutral",
                               .type = atoms::metric_type::enumeration}},
  };
  std::cout << "An ENUM without choices: " << atoms::validate(enum_without_choices).value_or("valid") << '\n';
}

// ---- Metric Configuration Schema
// `identifier`, `dispositionMetricPrompt` and the type are required; atoms::validate checks them
// (as async_set_post_call_config does before sending anything) and names the metric at fault.
void metric_configuration_schema() {
  atoms::post_call_config bad_identifier{
      .disposition_metrics = {{.identifier = "Customer Status",
                               .prompt = "Is the customer new or returning?",
                               .type = atoms::metric_type::string}},
  };
  std::cout << "An identifier with capitals and a space: "
            << atoms::validate(bad_identifier).value_or("valid") << '\n';
}

// ---- Getting Current Configuration
asio::awaitable<void> getting_current_configuration(atoms::client& client, std::string agent_id,
                                                    atoms::diagnostics& diag) {
  atoms::post_call_config config = co_await client.async_get_post_call_config(agent_id, diag);
  std::cout << "Configured metrics:\n";
  print_metric_configs(config);
}

// ---- Complete Example: Sales Call Analytics: examples/sales_call_analytics.cpp.

// ---- SDK Reference
// call.get_post_call_config → client.async_get_post_call_config; call.set_post_call_config →
// client.async_set_post_call_config; call.get_call → client.async_get_call; call.get_calls →
// client.async_get_calls (see call_metrics.cpp).

// ---- Tips
// A new configuration applies to new calls: a call keeps the analytics it was evaluated with.
// A metric the model found nothing for has an empty or null value: check before using it
// (`metric.typed()` also reads a value by the metric's declared type).
asio::awaitable<void> tips(atoms::client& client, std::string call_id, atoms::diagnostics& diag) {
  atoms::call_details details = co_await client.async_get_call(call_id, diag);
  if (!details.post_call_analytics) {
    std::cout << "No post-call analytics yet\n";
    co_return;
  }
  std::cout << "After the new configuration, the call keeps its analytics:\n";
  for (const atoms::disposition_metric& metric : details.post_call_analytics->disposition_metrics) {
    std::string value = metric.value.to_string();  // "" for null
    if (value.empty())
      std::cout << "  " << metric.identifier << ": not found in the call\n";
    else
      std::cout << "  " << metric.identifier << ": " << value << '\n';
  }
}

asio::awaitable<int> run(atoms::client& client, std::string call_id, std::string agent_id) {
  // Each operation fills `diag`; after a failure it holds what the service said.
  atoms::diagnostics diag;
  try {
    std::cout << "== Accessing Post-Call Data\n";
    co_await accessing_post_call_data(client, call_id, diag);
    std::cout << "\n== Configuring Disposition Metrics\n";
    co_await configuring_disposition_metrics(client, agent_id, diag);
    std::cout << "\n== Disposition Metric Types\n";
    disposition_metric_types();
    std::cout << "\n== Metric Configuration Schema\n";
    metric_configuration_schema();
    std::cout << "\n== Getting Current Configuration\n";
    co_await getting_current_configuration(client, agent_id, diag);
    std::cout << "\n== Tips\n";
    co_await tips(client, call_id, diag);
  } catch (const boost::system::system_error& e) {
    std::cerr << "error: " << atoms::describe(e.code(), diag) << '\n';
    co_return 1;
  }
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* usage = "usage: post_call_analytics --emulator | post_call_analytics CALL_ID AGENT_ID\n";
  bool use_emulator = false;
  std::string call_id;
  std::string agent_id;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--emulator") {
      use_emulator = true;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << usage;
      return 0;
    } else if (call_id.empty()) {
      call_id = arg;
    } else {
      agent_id = arg;
    }
  }

  atoms::client_options options = atoms::client_options::from_env();
  std::unique_ptr<atoms::testing::emulator> emu;
  if (use_emulator) {
    emu = std::make_unique<atoms::testing::emulator>();
    options.base_url = emu->base_url();
    options.api_key = emu->api_key();
    options.ca_pem = emu->ca_pem();  // trust the emulator's CA, and nothing else
    options.use_system_ca = false;
    if (call_id.empty()) call_id = page_call_id;
    if (agent_id.empty()) agent_id = page_agent_id;
    std::cout << "Emulator of the Atoms API listening at " << options.base_url << "\n\n";
  } else if (options.api_key.empty()) {
    std::cerr << "SMALLEST_API_KEY is not set: export your API key from the Atoms console, or run with "
                 "--emulator\n";
    return 2;
  } else if (call_id.empty() || agent_id.empty()) {
    std::cerr << usage;
    return 2;
  }

  asio::io_context io;
  int status = 1;
  try {
    atoms::client client{io.get_executor(), options};
    asio::co_spawn(io, run(client, call_id, agent_id), [&status](std::exception_ptr e, int result) {
      if (e) std::rethrow_exception(e);
      status = result;
    });
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return status;
}
