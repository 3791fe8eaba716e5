// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_IMPL_EMULATOR_IPP
#define SMALLEST_ATOMS_TESTING_IMPL_EMULATOR_IPP

// The emulator's members: inline header-only, compiled once by <smallest/atoms/testing/src.hpp>
// with ATOMS_SEPARATE_COMPILATION.

#include <smallest/atoms/testing/detail/server.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <mutex>
#include <string>
#include <utility>

namespace smallest::atoms::testing {

ATOMS_DECL emulator::emulator(emulator_options options)
    : server_(std::make_unique<detail::server>(std::move(options))) {}

ATOMS_DECL emulator::~emulator() = default;

ATOMS_DECL std::uint16_t emulator::port() const noexcept { return server_->port(); }

ATOMS_DECL std::string emulator::base_url() const {
  return (server_->state().options.tls ? "https://localhost:" : "http://127.0.0.1:") +
         std::to_string(port()) + "/atoms/v1";
}

ATOMS_DECL const std::string& emulator::ca_pem() const noexcept { return server_->ca_pem(); }

ATOMS_DECL const std::string& emulator::api_key() const noexcept { return server_->state().options.api_key; }

ATOMS_DECL std::vector<std::string> emulator::call_ids() const {
  detail::advance_campaigns(server_->state().data);
  return server_->state().data.calls.ids();
}

ATOMS_DECL std::optional<boost::json::object> emulator::call(const std::string& call_id) const {
  detail::advance_campaigns(server_->state().data);
  return server_->state().data.calls.get(call_id);
}

ATOMS_DECL std::optional<boost::json::object> emulator::campaign(const std::string& campaign_id) const {
  auto& data = server_->state().data;
  detail::advance_campaigns(data);
  std::lock_guard lock(data.platform.mutex);
  const auto* c = data.platform.campaign(campaign_id);
  if (c == nullptr) return std::nullopt;
  return detail::campaign_populated(data, *c);
}

ATOMS_DECL std::vector<std::string> emulator::campaign_call_ids(const std::string& campaign_id) const {
  auto& data = server_->state().data;
  detail::advance_campaigns(data);
  std::lock_guard lock(data.platform.mutex);
  std::vector<std::string> out;
  if (const auto* c = data.platform.campaign(campaign_id))
    for (const auto& d : c->dials) out.push_back(d.call_id);
  return out;
}

ATOMS_DECL std::vector<boost::json::object> emulator::audience_members(const std::string& audience_id) const {
  auto& data = server_->state().data;
  std::lock_guard lock(data.platform.mutex);
  const auto* a = data.platform.audience(audience_id);
  if (a == nullptr) return {};
  return a->members;
}

ATOMS_DECL bool emulator::agent_archived(const std::string& agent_id) const {
  auto& data = server_->state().data;
  std::lock_guard lock(data.platform.mutex);
  const auto it = data.platform.agents.find(agent_id);
  return it != data.platform.agents.end() && it->second.archived;
}

ATOMS_DECL void emulator::put_call(boost::json::object call) {
  server_->state().data.calls.put(std::move(call));
}

ATOMS_DECL std::vector<std::string> emulator::agent_ids() const {
  auto& data = server_->state().data;
  std::lock_guard lock(data.platform.mutex);
  std::vector<std::string> out;
  for (const auto& a : data.agents.all()) {
    const auto it = data.platform.agents.find(a.id);
    if (it == data.platform.agents.end() || it->second.created_at.empty()) out.push_back(a.id);
  }
  return out;
}

ATOMS_DECL std::optional<boost::json::object> emulator::post_call_config(const std::string& agent_id) const {
  auto a = server_->state().data.agents.get(agent_id);
  if (!a) return std::nullopt;
  return std::move(a->post_call_config);
}

ATOMS_DECL std::string emulator::complete_call(completed_call call) {
  return detail::complete_call(server_->state().data, call);
}

ATOMS_DECL void emulator::set_delivery_faults(delivery_fault_plan plan) {
  server_->state().data.webhooks.set_faults(plan);
}

ATOMS_DECL ::smallest::atoms::testing::delivery_stats emulator::delivery_stats() const {
  const auto& c = server_->state().data.webhooks.counters;
  return {c.scheduled.load(), c.attempted.load(), c.delivered.load(),
          c.failed.load(),    c.dropped.load(),   c.duplicated.load(),
          c.delayed.load(),   c.corrupted.load(), c.undeliverable.load()};
}

ATOMS_DECL std::size_t emulator::deliveries_pending() const {
  return server_->state().data.webhooks.pending();
}

ATOMS_DECL bool emulator::wait_deliveries_idle(std::chrono::milliseconds timeout) {
  return server_->state().data.webhooks.wait_idle(timeout);
}

ATOMS_DECL std::optional<std::vector<std::pair<std::string, std::string>>> emulator::webhook_headers(
    const std::string& id) const {
  auto& hooks = server_->state().data.webhooks;
  std::lock_guard lock(hooks.mutex);
  const auto* w = hooks.find(id);
  if (w == nullptr) return std::nullopt;
  return w->headers;
}

ATOMS_DECL const std::string& emulator::recording_base_url() const noexcept {
  return server_->state().data.recordings.base_url;
}

ATOMS_DECL std::uint16_t emulator::recording_port() const {
  const auto& url = recording_base_url();
  return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

ATOMS_DECL std::size_t emulator::recording_requests() const noexcept {
  return server_->state().data.recordings.requests.load();
}

ATOMS_DECL std::size_t emulator::recording_authorization_headers() const noexcept {
  return server_->state().data.recordings.authorization_seen.load();
}

ATOMS_DECL bool emulator::recording_authorization_seen() const noexcept {
  return recording_authorization_headers() > 0;
}

ATOMS_DECL std::uint64_t emulator::recording_bytes_sent() const noexcept {
  return server_->state().data.recordings.bytes_sent.load();
}

ATOMS_DECL std::string emulator::recording_bytes(const std::string& call_id, std::uint64_t offset,
                                                 std::size_t n) {
  std::string out(n, '\0');
  detail::recording_bytes(call_id, offset, out.data(), n);
  return out;
}

ATOMS_DECL std::size_t emulator::connections_accepted() const noexcept {
  return server_->state().connections_accepted.load();
}

ATOMS_DECL std::size_t emulator::open_connections() const noexcept {
  return server_->state().open_connections.load();
}

ATOMS_DECL std::size_t emulator::requests_served() const noexcept {
  return server_->state().requests_served.load();
}

ATOMS_DECL std::vector<recorded_request> emulator::requests() const { return server_->state().recorded(); }

ATOMS_DECL std::size_t emulator::logs_listed() const noexcept {
  return server_->state().data.listing.logs_listed.load();
}

ATOMS_DECL std::size_t emulator::max_concurrent_requests() const noexcept {
  return server_->state().max_requests_in_flight.load();
}

ATOMS_DECL void emulator::reset_max_concurrent_requests() noexcept {
  server_->state().reset_max_requests_in_flight();
}

ATOMS_DECL void emulator::close_idle_connections() { server_->close_idle_connections(); }

ATOMS_DECL void emulator::set_faults(fault_plan plan) { server_->state().set_faults(std::move(plan)); }

ATOMS_DECL std::size_t emulator::faults_injected() const {
  return server_->state().current_faults()->injected();
}

ATOMS_DECL std::uint16_t emulator::unused_port() {
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc, asio::ip::tcp::v4());
  socket.bind({asio::ip::make_address_v4("127.0.0.1"), 0});
  return socket.local_endpoint().port();
}

ATOMS_DECL void emulator::set_interceptor(std::function<std::optional<reply>(const recorded_request&)> f) {
  server_->state().set_interceptor(std::move(f));
}

}  // namespace smallest::atoms::testing

#endif
