// The product page "Call Metrics", section by section: list and filter calls, read one call's
// details, transcript, recordings and latency, search calls by id, and the page's tips.
//
//   call_metrics --emulator [CALL_ID]   against an in-process emulator of the Atoms API (TLS)
//   call_metrics [CALL_ID]              against the service: SMALLEST_API_KEY (and optionally
//                                       SMALLEST_BASE_URL) from the environment. Only reads.
//
// The page's ids belong to its author's account, so the ids used here (an agent, a phone
// number, a completed call) are taken from the account's recent calls; CALL_ID chooses the call
// of the single-call sections.
#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;

namespace {

constexpr const char* page_campaign_id = "696ddd2a04ff172dbd8eddad";
constexpr const char* page_call_id = "CALL-1768807723178-4561d0";

// The ids the sections below use, taken from the account's recent calls.
struct sample_ids {
  std::string call_id;  // a completed call if there is one, else the most recent call
  std::string agent_id;
  std::string phone_number;
  std::vector<std::string> call_ids;  // for the batch search
};

sample_ids pick_sample_ids(const std::vector<atoms::call_log>& logs) {
  sample_ids ids;
  for (const atoms::call_log& log : logs) {
    if (ids.call_id.empty() && log.status == atoms::call_status::completed) ids.call_id = log.call_id;
    if (ids.agent_id.empty() && log.agent_id) ids.agent_id = *log.agent_id;
    if (ids.phone_number.empty() && log.to && !log.to->empty()) ids.phone_number = *log.to;
    if (ids.call_ids.size() < 2) ids.call_ids.push_back(log.call_id);
  }
  if (ids.call_id.empty() && !logs.empty()) ids.call_id = logs.front().call_id;
  return ids;
}

std::string seconds(const std::optional<double>& duration) {
  if (!duration) return "-";
  std::ostringstream out;
  out << *duration << "s";
  return out.str();
}

std::string milliseconds(const std::optional<double>& latency) {
  if (!latency) return "-";
  std::ostringstream out;
  out << *latency << "ms";
  return out.str();
}

// One line per filter: how many calls match, and the first of them.
void print_matches(std::string_view filter, const atoms::call_page& page) {
  std::cout << "  " << filter << ": " << page.pagination.total.value_or(0) << " calls (" << page.logs.size()
            << " on this page)";
  if (!page.logs.empty()) std::cout << ", first " << page.logs.front().call_id;
  std::cout << '\n';
}

// ---- Getting Recent Calls
asio::awaitable<std::vector<atoms::call_log>> getting_recent_calls(atoms::client& client,
                                                                   atoms::diagnostics& diag) {
  atoms::call_filter filter{.limit = 5};
  atoms::call_page calls = co_await client.async_get_calls(filter, diag);
  for (const atoms::call_log& log : calls.logs)
    std::cout << "  " << log.call_id << ": " << log.status << " (" << seconds(log.duration) << ")\n";
  const atoms::pagination& pagination = calls.pagination;
  std::cout << "  pagination: total " << pagination.total.value_or(0) << ", page "
            << pagination.page.value_or(0) << ", limit " << pagination.limit.value_or(0)
            << ", has more: " << (pagination.has_more.value_or(false) ? "yes" : "no") << '\n';
  co_return calls.logs;
}

// ---- Filtering Calls
// Each filter is a member of call_filter; filters can be combined, and each list may hold several
// values (sent comma-separated).
asio::awaitable<void> filtering_calls(atoms::client& client, sample_ids ids, atoms::diagnostics& diag) {
  // By status
  atoms::call_filter by_status{.limit = 10, .statuses = {atoms::call_status::completed}};
  atoms::call_page completed = co_await client.async_get_calls(by_status, diag);
  print_matches("status completed", completed);

  // By agent
  if (!ids.agent_id.empty()) {
    atoms::call_filter by_agent{.limit = 10, .agent_ids = {ids.agent_id}};
    atoms::call_page agent_calls = co_await client.async_get_calls(by_agent, diag);
    print_matches("agent " + ids.agent_id, agent_calls);
  }

  // By campaign. A campaign's id comes from the campaign endpoints, which this library does not
  // have yet, so this is the page's campaign: it matches no call unless it is yours.
  atoms::call_filter by_campaign{.limit = 10, .campaign_ids = {page_campaign_id}};
  atoms::call_page campaign_calls = co_await client.async_get_calls(by_campaign, diag);
  print_matches(std::string("campaign ") + page_campaign_id, campaign_calls);

  // By call type
  atoms::call_filter by_type{.limit = 10, .call_types = {atoms::call_type::telephony_outbound}};
  atoms::call_page outbound = co_await client.async_get_calls(by_type, diag);
  print_matches("type telephony_outbound", outbound);

  // By phone number: `search` matches callId, fromNumber or toNumber.
  if (!ids.phone_number.empty()) {
    atoms::call_filter by_number{.limit = 10, .search = ids.phone_number};
    atoms::call_page found = co_await client.async_get_calls(by_number, diag);
    print_matches("search " + ids.phone_number, found);
  }
}

// ---- Getting Single Call Details
asio::awaitable<atoms::call_details> getting_single_call_details(atoms::client& client, std::string call_id,
                                                                 atoms::diagnostics& diag) {
  atoms::call_details details = co_await client.async_get_call(call_id, diag);
  std::cout << "  Call " << details.call_id << '\n'
            << "  Status: " << details.status << '\n'
            << "  Duration: " << seconds(details.duration) << '\n'
            << "  From: " << details.from.value_or("-") << " -> To: " << details.to.value_or("-") << '\n';
  co_return details;
}

// ---- Accessing Transcripts
// The details fetched above carry the transcript: no second request.
void accessing_transcripts(const atoms::call_details& details) {
  const std::size_t shown = 4;
  for (std::size_t i = 0; i < details.transcript.size() && i < shown; ++i)
    std::cout << "  " << details.transcript[i].role << ": " << details.transcript[i].content << '\n';
  if (details.transcript.size() > shown)
    std::cout << "  ... " << details.transcript.size() - shown << " more messages\n";
  if (details.transcript.empty()) std::cout << "  (no transcript)\n";
}

// ---- Accessing Recordings
// `recordingUrl` and `recordingDualUrl` are empty until the recording exists, a few seconds after
// the call ends (the page's tips: check before using them). To fetch the audio, the client mints a
// presigned URL (valid for minutes), or downloads the file straight to disk.
bool has_recording(const atoms::call_details& details) {
  return details.recording_url && !details.recording_url->empty();
}

void print_recording_urls(const atoms::call_details& details) {
  if (has_recording(details)) std::cout << "  Mono: " << *details.recording_url << '\n';
  if (details.recording_dual_url && !details.recording_dual_url->empty())
    std::cout << "  Stereo: " << *details.recording_dual_url << '\n';
  if (!has_recording(details)) std::cout << "  No recording yet\n";
}

asio::awaitable<void> download_recording(atoms::client& client, std::string call_id,
                                         atoms::diagnostics& diag) {
  std::string url = co_await client.async_get_recording_url(call_id, diag);
  // The query string is the signature: no need to print it.
  std::cout << "  Presigned URL: " << url.substr(0, url.find('?')) << "?...\n";

  const std::filesystem::path file = std::filesystem::temp_directory_path() / (call_id + ".mp3");
  std::uint64_t bytes = co_await client.async_download_recording(call_id, file, diag);
  std::cout << "  Downloaded " << bytes << " bytes to " << file.string() << '\n';
  std::error_code ec;
  std::filesystem::remove(file, ec);  // the example keeps nothing
}

// ---- Batch Search
// Any number of ids: the client sends them 100 at a time (the service's maximum per request) and
// lists the ids the service did not return, which it drops silently.
asio::awaitable<void> batch_search(atoms::client& client, std::vector<std::string> call_ids,
                                   atoms::diagnostics& diag) {
  call_ids.push_back(page_call_id);  // the page's call: not one of this account's
  atoms::search_result result = co_await client.async_search_calls(call_ids, diag);
  std::cout << "  Found " << result.total.value_or(0) << " of " << call_ids.size() << " calls\n";
  for (const std::string& id : result.missing) std::cout << "  Not found: " << id << '\n';
}

// ---- Performance Metrics
void performance_metrics(const atoms::call_details& details) {
  std::cout << "  Transcriber: " << milliseconds(details.average_transcriber_latency) << '\n'
            << "  Agent (LLM): " << milliseconds(details.average_agent_latency) << '\n'
            << "  Synthesizer: " << milliseconds(details.average_synthesizer_latency) << '\n';
  // The service deprecates the three averages in favour of the per-turn figures.
  if (details.turn_latency_metrics)
    std::cout << "  Per turn: average " << milliseconds(details.turn_latency_metrics->avg_latency)
              << ", median " << milliseconds(details.turn_latency_metrics->median_latency) << " over "
              << details.turn_latency_metrics->latencies.size() << " turns\n";
}

// ---- SDK Reference
// get_calls(...) → client.async_get_calls(filter) (and client.calls(filter) for every page);
// get_call(call_id) → client.async_get_call(call_id); search_calls(call_ids) →
// client.async_search_calls(call_ids).

// ---- Tips: status and disconnectionReason
// `status` is the outcome; `disconnectionReason` says why the call ended.
std::string_view why_it_ended(const atoms::open_enum<atoms::disconnect_reason>& reason) {
  switch (reason.value) {
    case atoms::disconnect_reason::user_hangup: return "the caller hung up";
    case atoms::disconnect_reason::agent_hangup: return "the agent ended the call";
    case atoms::disconnect_reason::dial_no_answer: return "no pickup";
    case atoms::disconnect_reason::timeout: return "call timeout";
    default: return reason.raw.empty() ? "no reason given" : "another reason";
  }
}

void status_and_disconnection_reason(const std::vector<atoms::call_log>& logs) {
  for (const atoms::call_log& log : logs) {
    std::cout << "  " << log.call_id << ": " << log.status;
    if (!log.disconnection_reason.raw.empty()) std::cout << ", " << log.disconnection_reason;
    std::cout << " (" << why_it_ended(log.disconnection_reason) << ")\n";
  }
}

// ---- Tips: average duration
asio::awaitable<void> average_duration(atoms::client& client, atoms::diagnostics& diag) {
  atoms::call_filter filter{.limit = 100, .statuses = {atoms::call_status::completed}};
  atoms::call_page calls = co_await client.async_get_calls(filter, diag);
  double total = 0;
  int counted = 0;
  for (const atoms::call_log& log : calls.logs) {
    if (!log.duration) continue;
    total += *log.duration;
    ++counted;
  }
  if (counted == 0)
    std::cout << "  No completed calls\n";
  else
    std::cout << "  Average duration of " << counted << " completed calls: " << total / counted << "s\n";
}

// ---- Tips: search by phone number
asio::awaitable<void> search_by_phone_number(atoms::client& client, std::string phone_number,
                                             atoms::diagnostics& diag) {
  atoms::call_filter filter{.search = phone_number};
  atoms::call_page calls = co_await client.async_get_calls(filter, diag);
  std::cout << "  Calls from or to " << phone_number << ": " << calls.pagination.total.value_or(0) << '\n';
  for (const atoms::call_log& log : calls.logs)
    std::cout << "  " << log.call_id << ": " << log.from.value_or("-") << " -> " << log.to.value_or("-")
              << '\n';
}

// ---- Tips: date ranges
// The page: walk the pages and filter by `createdAt` on the client side. client.calls() walks
// every page lazily. (call_filter::date_from and date_to send the service's dateFrom and dateTo,
// which force a full scan on large accounts.)
asio::awaitable<void> calls_created_on(atoms::client& client, atoms::timestamp day,
                                       atoms::diagnostics& diag) {
  const atoms::timestamp next_day = day + std::chrono::days(1);
  atoms::call_filter every_call;
  atoms::range_options walk{.max_items = 2000};  // an example need not walk a large account to the end
  atoms::call_range calls = client.calls(every_call, walk);
  int created_that_day = 0;
  int seen = 0;
  while (std::optional<atoms::call_log> log = co_await calls.async_next(diag)) {
    ++seen;
    if (log->created_at && *log->created_at >= day && *log->created_at < next_day) ++created_that_day;
  }
  std::cout << "  " << created_that_day << " of " << seen << " calls were created on "
            << atoms::format_iso8601(day).substr(0, 10) << " (UTC)\n";
}

asio::awaitable<int> run(atoms::client& client, std::string call_id) {
  // Each operation fills `diag`; after a failure it holds what the service said.
  atoms::diagnostics diag;
  try {
    std::cout << "== Getting Recent Calls\n";
    std::vector<atoms::call_log> recent = co_await getting_recent_calls(client, diag);
    sample_ids ids = pick_sample_ids(recent);
    if (call_id.empty()) call_id = ids.call_id;

    std::cout << "\n== Filtering Calls\n";
    co_await filtering_calls(client, ids, diag);

    if (call_id.empty()) {
      std::cout << "\nNo calls in this account yet: the sections about one call need one.\n";
      co_return 0;
    }
    std::cout << "\n== Getting Single Call Details\n";
    atoms::call_details details = co_await getting_single_call_details(client, call_id, diag);

    std::cout << "\n== Accessing Transcripts\n";
    accessing_transcripts(details);

    std::cout << "\n== Accessing Recordings\n";
    print_recording_urls(details);
    if (has_recording(details)) co_await download_recording(client, details.call_id, diag);

    std::cout << "\n== Batch Search\n";
    co_await batch_search(client, ids.call_ids, diag);

    std::cout << "\n== Performance Metrics\n";
    performance_metrics(details);

    std::cout << "\n== Tips: status and disconnectionReason\n";
    status_and_disconnection_reason(recent);

    std::cout << "\n== Tips: average duration\n";
    co_await average_duration(client, diag);

    if (!ids.phone_number.empty()) {
      std::cout << "\n== Tips: search by phone number\n";
      co_await search_by_phone_number(client, ids.phone_number, diag);
    }

    if (details.created_at) {
      std::cout << "\n== Tips: date ranges\n";
      atoms::timestamp day = std::chrono::floor<std::chrono::days>(*details.created_at);
      co_await calls_created_on(client, day, diag);
    }
  } catch (const boost::system::system_error& e) {
    std::cerr << "error: " << atoms::describe(e.code(), diag) << '\n';
    co_return 1;
  }
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* usage = "usage: call_metrics [--emulator] [CALL_ID]\n";
  bool use_emulator = false;
  std::string call_id;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--emulator") {
      use_emulator = true;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << usage;
      return 0;
    } else {
      call_id = arg;
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
    std::cout << "Emulator of the Atoms API listening at " << options.base_url << "\n\n";
  } else if (options.api_key.empty()) {
    std::cerr << "SMALLEST_API_KEY is not set: export your API key from the Atoms console, or run with "
                 "--emulator\n";
    return 2;
  }

  asio::io_context io;
  int status = 1;
  try {
    atoms::client client{io.get_executor(), options};
    asio::co_spawn(io, run(client, call_id), [&status](std::exception_ptr e, int result) {
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
