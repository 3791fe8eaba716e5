// A user's translation unit that calls every public operation of the client once, the way a
// program does: co_await with the default token, diagnostics on some calls, one as_tuple and
// one callback, both ranges, with_retry. benchmarks/compile_time.sh times its compilation
// header-only, and with -DATOMS_SEPARATE_COMPILATION (the library's definitions then compiled
// once in src.cpp). Arguments are named variables: g++ 12 mishandles temporaries in co_await.
#include <smallest/atoms.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;

namespace {

asio::awaitable<void> calls(atoms::client client) {
  atoms::diagnostics diag;
  std::string id = "CALL-1737000000000-abc123";
  atoms::call_details call = co_await client.async_get_call(id, diag);
  std::cout << call.call_id << ' ' << diag.attempts << '\n';

  atoms::call_filter filter;
  atoms::call_page page = co_await client.async_get_calls(filter);
  std::cout << page.logs.size() << '\n';

  std::vector<std::string> ids{id, "CALL-1737000000001-abc124"};
  atoms::bulk_options bulk;
  auto details = co_await client.async_get_calls_details(ids, bulk);
  std::cout << details.size() << '\n';

  atoms::search_result found = co_await client.async_search_calls(ids, diag);
  std::cout << found.logs.size() << '\n';

  atoms::range_options range;
  auto logs = client.calls(filter, range);
  while (auto log = co_await logs.async_next()) std::cout << log->call_id << '\n';
  auto with_details = client.calls_with_details(filter, range, bulk);
  while (auto r = co_await with_details.async_next())
    if (!r->ec) std::cout << r->details.call_id << '\n';

  std::string url = co_await client.async_get_recording_url(id);
  std::uint64_t size = co_await client.async_download_recording(id, "call.wav", diag);
  std::cout << url << ' ' << size << '\n';
}

asio::awaitable<void> agents(atoms::client client) {
  atoms::diagnostics diag;
  atoms::agent_create_request create;
  create.name = "Support";
  auto made = co_await client.async_create_agent(create, diag);
  std::string agent_id = made;
  atoms::agent agent = co_await client.async_get_agent(agent_id);
  atoms::agent_filter filter;
  atoms::agent_page agents = co_await client.async_get_agents(filter);
  std::cout << agent.name << ' ' << agents.agents.size() << '\n';

  atoms::post_call_config config = co_await client.async_get_post_call_config(agent_id);
  atoms::post_call_config set = co_await client.async_set_post_call_config(agent_id, config, diag);
  std::cout << set.disposition_metrics.size() << '\n';
  atoms::agent_config_update update;
  co_await client.async_update_agent_config(agent_id, update);
  co_await client.async_delete_agent(agent_id);

  std::vector<atoms::phone_number> numbers = co_await client.async_get_phone_numbers();
  std::cout << numbers.size() << '\n';
}

asio::awaitable<void> campaigns(atoms::client client) {
  atoms::diagnostics diag;
  atoms::audience_create_request create;
  atoms::audience audience = co_await client.async_create_audience(create);
  std::string audience_id = audience.id;
  atoms::audience got = co_await client.async_get_audience(audience_id, diag);
  std::vector<atoms::audience> all = co_await client.async_get_audiences();
  atoms::page_request page;
  atoms::audience_member_page members = co_await client.async_get_audience_members(audience_id, page);
  std::vector<atoms::audience_member> more(1);
  co_await client.async_add_audience_members(audience_id, more);
  std::cout << got.id << all.size() << members.members.size() << '\n';

  atoms::campaign_create_request campaign;
  atoms::campaign made = co_await client.async_create_campaign(campaign);
  std::string campaign_id = made.id;
  atoms::campaign_details details = co_await client.async_get_campaign(campaign_id);
  atoms::campaign_filter filter;
  atoms::campaign_page listed = co_await client.async_get_campaigns(filter, diag);
  atoms::campaign_start started = co_await client.async_start_campaign(campaign_id);
  co_await client.async_pause_campaign(campaign_id);
  co_await client.async_delete_campaign(campaign_id, diag);
  co_await client.async_delete_audience(audience_id);
  (void)details;
  (void)listed;
  (void)started;

  // The other two flavours: a tuple instead of an exception, and a plain callback.
  auto [ec, numbers] = co_await client.async_get_phone_numbers(asio::as_tuple(asio::deferred));
  std::cout << ec.message() << numbers.size() << '\n';
  client.async_get_call(audience_id, [](atoms::error_code e, atoms::call_details d) {
    std::cout << e.message() << d.call_id << '\n';
  });
}

void report(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    std::cerr << x.what() << '\n';
  }
}

}  // namespace

int main() {
  asio::io_context io;
  const char* key = std::getenv("SMALLEST_API_KEY");
  atoms::client client{io.get_executor(), {.api_key = key ? key : ""}};
  atoms::client patient = client.with_retry({.max_attempts = 5});
  asio::co_spawn(io, calls(client), report);
  asio::co_spawn(io, agents(patient), report);
  asio::co_spawn(io, campaigns(client), report);
  io.run();
  std::cout << client.open_connections() << '\n';
}
