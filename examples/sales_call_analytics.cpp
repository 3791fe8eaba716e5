// The product page's "Complete Example: Sales Call Analytics", step by step, as a careful program
// does it: create an agent, configure its disposition metrics, create an audience, create and start
// a campaign, wait for the call and its analytics, print them, and clean up: on every path,
// errors and Ctrl-C included.
//
//   sales_call_analytics --emulator                 against an in-process emulator of the Atoms API
//                                                   (TLS), which dials the audience itself
//   sales_call_analytics +E164NUMBER [FIRST LAST]   against the service: SMALLEST_API_KEY (and
//                                                   optionally SMALLEST_BASE_URL) from the
//                                                   environment. This PLACES A REAL CALL to the
//                                                   number, from the organisation's first number.
//   --timeout SECONDS                               how long to wait for the call and its
//                                                   analytics (default 300; 30 with --emulator)
//   --ca-file PEM                                   trust these CAs instead of the system's
//
// Where the page and the service differ, this follows the service (the OpenAPI document):
// - the page sleeps a fixed minute; a call takes as long as it takes, and its analytics are
//   extracted 10-30 s after it ends, so this polls with backoff until the call is completed and
//   its analytics are there, under an overall timeout;
// - the page's agent_id = agent.data: creating an agent answers a bare id, which
//   async_create_agent returns as it is; the prompt is not part of the service's create
//   request, and is published as the agent's first change (async_update_agent_config);
// - deleting an agent archives it, and the service refuses (409) while a campaign uses it: the
//   campaign is deleted first, then the audience (also refused while a campaign uses it), then
//   the agent;
// - the service has no "stop" for a campaign; deleting it is how this program ends one.
#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// The page names what it creates after the time, so that runs do not collide.
std::string stamped(const std::string& name) {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  return name + " " + std::to_string(seconds.count());
}

// What this run created, so that clean_up removes exactly that.
struct created {
  std::optional<std::string> agent, audience, campaign;
};

// The wait between polls, cut short by Ctrl-C (or SIGTERM), after which nothing new is started.
class pacer {
 public:
  explicit pacer(asio::any_io_executor ex) : timer_(ex), signals_(ex, SIGINT, SIGTERM) {
    signals_.async_wait([this](boost::system::error_code ec, int) {
      if (ec) return;
      interrupted_ = true;
      timer_.cancel();
    });
  }
  ~pacer() { signals_.cancel(); }

  bool interrupted() const noexcept { return interrupted_; }

  // Sleeps `d`, or less if interrupted; false once interrupted.
  asio::awaitable<bool> sleep(std::chrono::milliseconds d) {
    if (interrupted_) co_return false;
    timer_.expires_after(d);
    auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::deferred));
    (void)ec;
    co_return !interrupted_;
  }

 private:
  asio::steady_timer timer_;
  asio::signal_set signals_;
  bool interrupted_ = false;
};

struct interrupted_error : std::runtime_error {
  interrupted_error() : std::runtime_error("interrupted") {}
};

struct timed_out_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- 1. Create agent
asio::awaitable<std::string> create_agent(atoms::client& client, atoms::diagnostics& diag) {
  atoms::agent_create_request request{.name = stamped("Sales Agent"),
                                      .description = "Testing disposition metrics"};
  std::string id = co_await client.async_create_agent(request, diag);
  std::cout << "Agent " << id << " created\n";
  co_return id;
}

// The page passes the prompt to new_agent; the service's create request has no prompt: it is a
// versioned field, published as a new version of the agent.
asio::awaitable<void> set_prompt(atoms::client& client, std::string agent_id, atoms::diagnostics& diag) {
  atoms::agent_config_update update{.global_prompt =
                                        "You are a sales agent. Ask if interested and get their name."};
  co_await client.async_update_agent_config(agent_id, update, diag);
  std::cout << "Prompt published\n";
}

// ---- 2. Configure disposition metrics
asio::awaitable<void> configure_metrics(atoms::client& client, std::string agent_id,
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
  co_await client.async_set_post_call_config(agent_id, config, diag);
  std::cout << "Disposition metrics configured: user_interested (ENUM), user_name (STRING)\n";
}

// ---- 3. Create audience and campaign
asio::awaitable<std::string> create_audience(atoms::client& client, atoms::audience_member member,
                                             atoms::diagnostics& diag) {
  atoms::audience_create_request request{
      .name = stamped("Test Audience"),
      .members = {std::move(member)},
  };
  // Every number is checked (E.164) before anything is sent.
  atoms::audience audience = co_await client.async_create_audience(request, diag);
  std::cout << "Audience " << audience.id << " created\n";
  co_return audience.id;
}

asio::awaitable<std::string> create_campaign(atoms::client& client, std::string agent_id,
                                             std::string audience_id, atoms::diagnostics& diag) {
  std::vector<atoms::phone_number> numbers = co_await client.async_get_phone_numbers(diag);
  if (numbers.empty()) throw std::runtime_error("the organisation has no phone number to call from");
  atoms::campaign_create_request request{
      .name = stamped("Analytics Test"),
      .agent_id = std::move(agent_id),
      .audience_id = std::move(audience_id),
      .phone_number_ids = {numbers.front().id},
  };
  atoms::campaign campaign = co_await client.async_create_campaign(request, diag);
  std::cout << "Campaign " << campaign.id << " created (" << campaign.status << ")\n";
  co_return campaign.id;
}

// ---- 4. Start campaign
asio::awaitable<void> start_campaign(atoms::client& client, std::string campaign_id,
                                     atoms::diagnostics& diag) {
  // 202: queued. The campaign runs on its own; its status is polled below.
  co_await client.async_start_campaign(campaign_id, diag);
  std::cout << "Call in progress...\n";
}

// A call that ended without a conversation gets no analytics.
bool ended_unanswered(const atoms::open_enum<atoms::call_status>& s) {
  return s == atoms::call_status::failed || s == atoms::call_status::no_answer ||
         s == atoms::call_status::busy || s == atoms::call_status::cancelled;
}

// ---- 5. Wait for completion: poll with backoff until the campaign's call is completed and its
// analytics are there, instead of sleeping a fixed minute.
asio::awaitable<atoms::call_details> wait_for_analytics(atoms::client& client, pacer& pace,
                                                        std::string agent_id, std::string campaign_id,
                                                        std::chrono::seconds timeout,
                                                        atoms::diagnostics& diag) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::chrono::milliseconds delay = 250ms;
  std::string last_state;
  for (;;) {
    // 6. Get call with analytics: the page lists the agent's newest call; the campaign's is
    // the one this run placed.
    atoms::call_filter newest{.limit = 1, .agent_ids = {agent_id}, .campaign_ids = {campaign_id}};
    atoms::call_page page = co_await client.async_get_calls(newest, diag);
    std::string state = "waiting for the call";
    if (!page.logs.empty()) {
      atoms::call_details details = co_await client.async_get_call(page.logs.front().call_id, diag);
      const bool completed = details.status == atoms::call_status::completed;
      const bool analysed =
          details.post_call_analytics && !details.post_call_analytics->disposition_metrics.empty();
      if (completed && analysed) co_return details;
      if (ended_unanswered(details.status))
        throw std::runtime_error("the call ended " + std::string(details.status.name()) +
                                 ": there are no analytics to wait for");
      state = completed ? "call completed, waiting for its analytics"
                        : "call " + std::string(details.status.name());
    } else {
      atoms::campaign_details campaign = co_await client.async_get_campaign(campaign_id, diag);
      if (campaign.campaign.status == atoms::campaign_status::failed)
        throw std::runtime_error("the campaign failed: " +
                                 campaign.campaign.error.value_or("no reason given"));
      state = "campaign " + std::string(campaign.campaign.status.name());
    }
    if (state != last_state) std::cout << "  " << state << '\n';
    last_state = state;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms)
      throw timed_out_error("no analytics after " + std::to_string(timeout.count()) + " s (" + state + ")");
    if (!co_await pace.sleep(std::min(delay, left))) throw interrupted_error();
    delay = std::min<std::chrono::milliseconds>(delay * 3 / 2, 5s);
  }
}

// ---- 7. Display results
void display(const atoms::call_details& details) {
  std::cout << "\nCall Status: " << details.status << '\n';
  if (details.duration) std::cout << "Duration: " << *details.duration << "s\n";
  std::cout << "\nTranscript:\n";
  for (const atoms::transcript_turn& turn : details.transcript) {
    std::string role(turn.role.name());
    std::transform(role.begin(), role.end(), role.begin(), [](unsigned char c) { return std::toupper(c); });
    std::cout << "  [" << role << "]: " << turn.content << '\n';
  }
  const atoms::call_analytics& analytics = *details.post_call_analytics;
  std::cout << "\nSummary: " << analytics.summary.value_or("-") << '\n';
  std::cout << "\nDisposition Metrics:\n";
  for (const atoms::disposition_metric& m : analytics.disposition_metrics) {
    std::cout << "  " << m.identifier << ": " << m.value.to_string() << '\n';
    if (m.confidence) std::cout << "  Confidence: " << *m.confidence << '\n';
    if (m.reasoning) std::cout << "  Reasoning: " << *m.reasoning << '\n';
  }
}

// ---- 8. Cleanup, in the order the service requires: the campaign (it holds the agent and the
// audience), the audience, the agent. Each step is tried whatever happened before; a failure is
// reported with what to remove by hand. Interruption does not stop it: leaving a campaign dialing
// would be worse than a second's wait.
// Says what one cleanup step did; false if it failed.
bool undone(const char* what, const std::string& id, atoms::error_code ec, const atoms::diagnostics& diag) {
  if (!ec) {
    std::cout << "Deleted " << what << ' ' << id << '\n';
    return true;
  }
  std::cerr << "warning: could not delete " << what << ' ' << id << " (" << atoms::describe(ec, diag)
            << "): delete it in the Atoms console\n";
  return false;
}

asio::awaitable<bool> clean_up(atoms::client& client, const created& c) {
  constexpr auto no_throw = asio::as_tuple(asio::deferred);
  bool ok = true;
  atoms::diagnostics diag;
  if (c.campaign) {
    auto [ec] = co_await client.async_delete_campaign(*c.campaign, diag, no_throw);
    ok &= undone("campaign", *c.campaign, ec, diag);
  }
  if (c.audience) {
    auto [ec] = co_await client.async_delete_audience(*c.audience, diag, no_throw);
    ok &= undone("audience", *c.audience, ec, diag);
  }
  if (c.agent) {
    auto [ec] = co_await client.async_delete_agent(*c.agent, diag, no_throw);
    ok &= undone("agent", *c.agent, ec, diag);
  }
  co_return ok;
}

asio::awaitable<int> run(atoms::client& client, atoms::audience_member member, std::chrono::seconds timeout) {
  pacer pace(co_await asio::this_coro::executor);
  atoms::diagnostics diag;  // after a failure, what the service said
  created made;
  int status = 0;
  try {
    made.agent = co_await create_agent(client, diag);
    co_await set_prompt(client, *made.agent, diag);
    co_await configure_metrics(client, *made.agent, diag);
    if (pace.interrupted()) throw interrupted_error();
    made.audience = co_await create_audience(client, std::move(member), diag);
    made.campaign = co_await create_campaign(client, *made.agent, *made.audience, diag);
    if (pace.interrupted()) throw interrupted_error();
    co_await start_campaign(client, *made.campaign, diag);
    atoms::call_details details =
        co_await wait_for_analytics(client, pace, *made.agent, *made.campaign, timeout, diag);
    display(details);
  } catch (const boost::system::system_error& e) {
    std::cerr << "error: " << atoms::describe(e.code(), diag) << '\n';
    status = 1;
  } catch (const interrupted_error&) {
    std::cerr << "interrupted\n";
    status = 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    status = 1;
  }
  std::cout << '\n';
  if (!co_await clean_up(client, made)) status = 1;
  co_return status;
}

}  // namespace

int main(int argc, char** argv) {
  const char* usage =
      "usage: sales_call_analytics [--timeout SECONDS] [--ca-file PEM] (--emulator | +E164NUMBER [FIRST "
      "LAST])\n";
  bool use_emulator = false;
  std::optional<std::chrono::seconds> timeout;
  std::vector<std::string> positional;
  std::string ca_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--emulator") {
      use_emulator = true;
    } else if (arg == "--timeout" && i + 1 < argc) {
      char* end = nullptr;
      const long s = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || s < 1 || s > 86400) {
        std::cerr << "--timeout takes whole seconds, 1 to 86400\n";
        return 2;
      }
      timeout = std::chrono::seconds(s);
    } else if (arg == "--ca-file" && i + 1 < argc) {
      ca_file = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      std::cout << usage;
      return 0;
    } else if (!arg.empty() && arg[0] == '-' && arg[0] != '+') {
      std::cerr << "unknown option " << arg << '\n' << usage;
      return 2;
    } else {
      positional.push_back(arg);
    }
  }

  atoms::client_options options = atoms::client_options::from_env();
  std::unique_ptr<atoms::testing::emulator> emu;
  // The page's audience: one number, "Test User".
  atoms::audience_member member{.phone_number = "+916366821717", .first_name = "Test", .last_name = "User"};
  if (use_emulator) {
    if (!positional.empty()) {
      std::cerr << usage;
      return 2;
    }
    emu = std::make_unique<atoms::testing::emulator>();
    options.base_url = emu->base_url();
    options.api_key = emu->api_key();
    options.ca_pem = emu->ca_pem();  // trust the emulator's CA, and nothing else
    options.use_system_ca = false;
    std::cout << "Emulator of the Atoms API listening at " << options.base_url << "\n\n";
  } else if (options.api_key.empty()) {
    std::cerr << "SMALLEST_API_KEY is not set: export your API key from the Atoms console, or run with "
                 "--emulator\n";
    return 2;
  } else if (positional.size() != 1 && positional.size() != 3) {
    std::cerr << usage;
    return 2;
  } else {
    member = {.phone_number = positional[0]};
    if (positional.size() == 3) {
      member.first_name = positional[1];
      member.last_name = positional[2];
    }
  }

  if (!ca_file.empty()) {
    options.ca_file = ca_file;
    options.use_system_ca = false;
  }

  asio::io_context io;
  int status = 1;
  try {
    atoms::client client{io.get_executor(), options};
    asio::co_spawn(io, run(client, std::move(member), timeout.value_or(use_emulator ? 30s : 300s)),
                   [&status](std::exception_ptr e, int result) {
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
