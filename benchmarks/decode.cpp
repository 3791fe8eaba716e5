// Decoding alone, no network: how fast the client turns a response body into its structs, next
// to how fast Boost.JSON parses the same bytes into a DOM. Two bodies, as the emulator serves
// them (its synthetic account, seed 1): one page of 500 logs of GET /conversation, and one
// call's details of GET /conversation/{id} (each iteration the next of 100 calls, so the mix of
// completed, unanswered and failed calls a real account has: 8 KB on average).
//
//     decode [Google Benchmark flags, e.g. --benchmark_format=json]
//
// For each body:
//   parse         the bytes into a boost::json::value (a stream_parser, the default resource):
//                 what a user of Boost.JSON alone would do;
//   parse+decode  the bytes into atoms::call_page / atoms::call_details with
//                 detail::decode_body, the function the client's fetch calls: the whole decode
//                 path of one response (the document in an arena, then the typed mapping);
//   decode        the typed mapping alone, from a DOM parsed beforehand.
// bytes_per_second is of the response body, for all three: so parse+decode over parse is
// the share of the raw parse's speed that typed decoding keeps (the goal: at least 0.7).
#include <smallest/atoms.hpp>
#include <smallest/atoms/detail/client_state.hpp>
#include <smallest/atoms/testing/detail/server.hpp>

#include <benchmark/benchmark.h>
#include <boost/json/stream_parser.hpp>

#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace atoms = smallest::atoms;
namespace emu = smallest::atoms::testing::detail;
namespace json = boost::json;

namespace {

constexpr std::size_t page_logs = 500;
constexpr std::size_t detail_calls = 100;

struct bodies {
  std::string page;                  // {"status":true,"data":{"logs":[500 logs],...}}
  std::vector<std::string> details;  // {"status":true,"data":{<call>}}, one per call
  std::size_t details_bytes = 0;
};

// The bodies, made once by the emulator's own handlers over its seeded data set.
const bodies& inputs() {
  static const bodies b = [] {
    bodies out;
    atoms::testing::emulator_options options;
    options.calls = 1000;
    emu::server_state state(options);
    emu::route_request list;
    list.method = "GET";
    list.path = "/atoms/v1/conversation";
    list.query = {{"limit", std::to_string(page_logs)}, {"page", "1"}};
    emu::http_answer page = emu::list_conversations(list, state.data);
    if (page.status != 200) throw std::runtime_error("the emulator did not list the calls: " + page.body);
    out.page = std::move(page.body);
    const auto ids = state.data.calls.ids();
    for (std::size_t i = 0; i < detail_calls && i < ids.size(); ++i) {
      const auto text = state.data.calls.text(ids[i]);
      if (!text) throw std::runtime_error("the emulator has no details for " + ids[i]);
      out.details.push_back(emu::data_answer(*text).body);
      out.details_bytes += out.details.back().size();
    }
    return out;
  }();
  return b;
}

// The envelope's `data` in the default resource, as a user holding a DOM would have it: the
// input of the typed mapping alone.
json::value parse_data(const std::string& body) {
  atoms::diagnostics diag;
  json::value data;
  if (atoms::detail::read_envelope(body, false, "", diag, data)) throw std::runtime_error(diag.message);
  return data;
}

// The bytes into a DOM, as Boost.JSON's user would: the baseline.
json::value parse(const std::string& body) {
  json::stream_parser p;
  atoms::error_code ec;
  p.write(body.data(), body.size(), ec);
  if (!ec) p.finish(ec);
  if (ec) throw std::runtime_error("not JSON: " + ec.message());
  return p.release();
}

// The typed mapping the client applies to a DOM's `data` (detail::decode_data).
template <class T>
T decode(const json::value& data) {
  atoms::diagnostics diag;
  auto [ec, out] = atoms::detail::decode_data<T>(data, diag, "");
  if (ec) throw std::runtime_error("decode failed: " + diag.message);
  return std::move(out);
}

// The whole path the client's fetch takes from a 2xx body to T (detail::decode_body).
template <class T>
T parse_decode(const std::string& body) {
  atoms::diagnostics diag;
  auto [ec, out] = atoms::detail::decode_body<T>(body, false, "", diag);
  if (ec) throw std::runtime_error("decode failed: " + diag.message);
  return std::move(out);
}

// The details body of iteration `i`.
const std::string& details_body(std::size_t i) { return inputs().details[i % inputs().details.size()]; }

void set_rates(benchmark::State& state, std::size_t bytes, std::size_t items_per_iteration) {
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * items_per_iteration));
}

void page_parse(benchmark::State& state) {
  const std::string& body = inputs().page;
  for (auto _ : state) benchmark::DoNotOptimize(parse(body));
  set_rates(state, static_cast<std::size_t>(state.iterations()) * body.size(), page_logs);
}

void page_parse_decode(benchmark::State& state) {
  const std::string& body = inputs().page;
  for (auto _ : state) benchmark::DoNotOptimize(parse_decode<atoms::call_page>(body));
  set_rates(state, static_cast<std::size_t>(state.iterations()) * body.size(), page_logs);
}

void page_decode(benchmark::State& state) {
  const std::string& body = inputs().page;
  const json::value data = parse_data(body);
  for (auto _ : state) benchmark::DoNotOptimize(decode<atoms::call_page>(data));
  set_rates(state, static_cast<std::size_t>(state.iterations()) * body.size(), page_logs);
}

void details_parse(benchmark::State& state) {
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& body = details_body(i++);
    bytes += body.size();
    benchmark::DoNotOptimize(parse(body));
  }
  set_rates(state, bytes, 1);
}

void details_parse_decode(benchmark::State& state) {
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& body = details_body(i++);
    bytes += body.size();
    benchmark::DoNotOptimize(parse_decode<atoms::call_details>(body));
  }
  set_rates(state, bytes, 1);
}

void details_decode(benchmark::State& state) {
  std::vector<json::value> data;
  for (const auto& body : inputs().details) data.push_back(parse_data(body));
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::size_t k = i++ % data.size();
    bytes += inputs().details[k].size();
    benchmark::DoNotOptimize(decode<atoms::call_details>(data[k]));
  }
  set_rates(state, bytes, 1);
}

}  // namespace

BENCHMARK(page_parse)->Name("page_500_logs/parse");
BENCHMARK(page_parse_decode)->Name("page_500_logs/parse+decode");
BENCHMARK(page_decode)->Name("page_500_logs/decode");
BENCHMARK(details_parse)->Name("call_details/parse");
BENCHMARK(details_parse_decode)->Name("call_details/parse+decode");
BENCHMARK(details_decode)->Name("call_details/decode");

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  try {
    const bodies& b = inputs();
    benchmark::AddCustomContext("page_500_logs_bytes", std::to_string(b.page.size()));
    benchmark::AddCustomContext("call_details_calls", std::to_string(b.details.size()));
    benchmark::AddCustomContext("call_details_mean_bytes",
                                std::to_string(b.details_bytes / b.details.size()));
    // A body that does not decode is a broken benchmark, not a fast one.
    (void)parse_decode<atoms::call_page>(b.page);
    for (const auto& d : b.details) (void)parse_decode<atoms::call_details>(d);
  } catch (const std::exception& e) {
    std::cerr << "decode: " << e.what() << '\n';
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
