// examples/analytics_webhook_receiver.cpp (atoms-webhook-receiver) run as a process: signed
// deliveries of the three events, shaped as the OpenAPI document's, become one JSON line each
// with typed metric values; bad signatures get 401 and no line; SIGINT and SIGTERM stop it
// cleanly; bad command lines exit 2.
#ifdef ATOMS_WEBHOOK_RECEIVER_BINARY

#include "process.hpp"
#include "support.hpp"
#include "webhook_documents.hpp"

#include <smallest/atoms/webhook.hpp>

#include <doctest/doctest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <csignal>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace whx_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;

// The program listening on a free port; its port read from "listening on 127.0.0.1:P/path".
class receiver_process {
 public:
  explicit receiver_process(std::vector<std::string> args, std::vector<std::string> env = {}) {
    args.insert(args.begin(), {"--port", "0"});
    process_.emplace(ATOMS_WEBHOOK_RECEIVER_BINARY, args, env);
    const std::string err = process_->read_stderr_until(
        [](const std::string& text) { return text.find('\n') != std::string::npos; }, 30s);
    CAPTURE(err);
    const std::string marker = "listening on 127.0.0.1:";
    REQUIRE(err.rfind(marker, 0) == 0);
    port_ = static_cast<unsigned short>(std::stoi(err.substr(marker.size())));
    REQUIRE(port_ != 0);
  }

  unsigned short port() const noexcept { return port_; }
  atoms_test::child_process& process() { return *process_; }

 private:
  std::optional<atoms_test::child_process> process_;
  unsigned short port_ = 0;
};

// POSTs `body` to the program on a connection of its own; the answer's status.
unsigned post(unsigned short port, const std::string& target, const std::string& body,
              const std::optional<std::string>& signature) {
  unsigned status = 0;
  atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
    beast::tcp_stream s(io);
    s.expires_after(10s);
    co_await s.async_connect({asio::ip::make_address("127.0.0.1"), port}, asio::deferred);
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    if (signature) req.set("X-Signature", *signature);
    req.body() = body;
    req.prepare_payload();
    co_await http::async_write(s, req, asio::deferred);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(s, buffer, res, asio::deferred);
    status = res.result_int();
  });
  return status;
}

std::vector<json::object> json_lines(const std::string& out) {
  std::vector<json::object> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    CAPTURE(line);
    const json::value v = json::parse(line);
    REQUIRE(v.is_object());
    lines.push_back(v.get_object());
  }
  return lines;
}

const std::string whx_path = "/atoms/webhook";

}  // namespace whx_test

TEST_SUITE("webhook example") {
  using namespace whx_test;
  using atoms_test::webhook_secret;

  TEST_CASE("atoms-webhook-receiver prints each verified event as one JSON line, typed") {
    receiver_process rx({"--secret", webhook_secret, "--path", whx_path});
    const auto sign = [](const std::string& body) {
      return smallest::atoms::webhook_signature(body, webhook_secret);
    };
    const std::string analytics = atoms_test::analytics_body();
    CHECK(post(rx.port(), whx_path, atoms_test::pre_conversation_body,
               sign(atoms_test::pre_conversation_body)) == 200);
    CHECK(post(rx.port(), whx_path, atoms_test::post_conversation_body,
               sign(atoms_test::post_conversation_body)) == 200);
    CHECK(post(rx.port(), whx_path, analytics, sign(analytics)) == 200);
    // Refused, and printed nowhere on stdout.
    CHECK(post(rx.port(), whx_path, analytics, std::nullopt) == 401);
    CHECK(post(rx.port(), whx_path, analytics, smallest::atoms::webhook_signature(analytics, "another")) ==
          401);
    CHECK(post(rx.port(), whx_path, analytics, sign(analytics).substr(0, 40)) == 401);
    CHECK(post(rx.port(), whx_path, "{}", sign("{}")) == 400);
    CHECK(post(rx.port(), "/elsewhere", analytics, sign(analytics)) == 404);

    rx.process().signal(SIGINT);
    const std::optional<int> status = rx.process().wait(10s);
    REQUIRE(status);
    CHECK(*status == 0);
    const std::string out = rx.process().read_stdout();
    const std::string err = rx.process().read_stderr();
    CAPTURE(out);
    CAPTURE(err);
    CHECK(out.find(webhook_secret) == std::string::npos);
    CHECK(err.find(webhook_secret) == std::string::npos);
    CHECK(err.find("stopped: 3 delivered, 3 bad signatures, 1 bad bodies") != std::string::npos);

    const std::vector<json::object> lines = json_lines(out);
    REQUIRE(lines.size() == 3);
    // The handler runs after each answer, one at a time on one thread, in arrival order.
    CHECK(lines[0].at("event") == "pre-conversation");
    CHECK(lines[0].at("callId") == "CALL-1778226705739-7e4c17");
    CHECK(lines[0].at("fromPhone") == "+918035317096");
    CHECK(lines[0].at("toPhone") == "+916296641821");

    CHECK(lines[1].at("event") == "post-conversation");
    CHECK(lines[1].at("status") == "completed");
    CHECK(lines[1].at("duration").as_double() == doctest::Approx(49.350622));
    CHECK(lines[1].at("turns") == 2);

    const json::object& a = lines[2];
    CHECK(a.at("event") == "analytics-completed");
    CHECK(a.at("agentId") == "69fc7dd072a0c1d28d948ace");
    CHECK(a.at("summary") == "The customer agreed to pay on Friday.");
    const json::array& metrics = a.at("metrics").as_array();
    REQUIRE(metrics.size() == 3);
    CHECK(metrics[0].at("identifier") == "payment_promised");
    CHECK(metrics[0].at("type") == "ENUM");
    CHECK(metrics[0].at("value") == "yes");
    CHECK(metrics[0].at("confidence").as_double() == doctest::Approx(0.92));
    CHECK(metrics[0].at("reasoning") == "They said Friday.");
    CHECK(metrics[1].at("value").is_bool());
    CHECK(metrics[1].at("value") == false);
    CHECK(metrics[2].at("value").is_int64());
    CHECK(metrics[2].at("value") == 29000);
    const json::array& success = a.at("successMetrics").as_array();
    REQUIRE(success.size() == 1);
    CHECK(success[0].at("identifier") == "turn_taking_balance");
    CHECK(success[0].at("value") == 7);
  }

  TEST_CASE("atoms-webhook-receiver reads its secret from the environment and stops on SIGTERM") {
    receiver_process rx({}, {"SMALLEST_WEBHOOK_SECRET=" + webhook_secret});
    const std::string body = atoms_test::pre_conversation_body;
    // The default path.
    CHECK(post(rx.port(), "/", body, smallest::atoms::webhook_signature(body, webhook_secret)) == 404);
    CHECK(post(rx.port(), whx_path, body, smallest::atoms::webhook_signature(body, webhook_secret)) == 200);
    rx.process().signal(SIGTERM);
    const std::optional<int> status = rx.process().wait(10s);
    REQUIRE(status);
    CHECK(*status == 0);
    CHECK(json_lines(rx.process().read_stdout()).size() == 1);
  }

  TEST_CASE("atoms-webhook-receiver refuses a bad command line with status 2") {
    const std::vector<std::vector<std::string>> bad{
        {"--secret", "s"},                                // no port
        {"--port", "0"},                                  // no secret
        {"--port", "0", "--secret", ""},                  // an empty one
        {"--port", "70000", "--secret", "s"},             // not a port
        {"--port", "0", "--secret", "s", "--path", "x"},  // not a path
        {"--port", "0", "--secret", "s", "--max-body", "0"},
        {"--port", "0", "--secret", "s", "--unknown"},
    };
    for (const auto& args : bad) {
      atoms_test::child_process p(ATOMS_WEBHOOK_RECEIVER_BINARY, args);
      const std::optional<int> status = p.wait(10s);
      CAPTURE(args.size());
      REQUIRE(status);
      CHECK(*status == 2);
      CHECK(p.read_stderr().find("error: ") != std::string::npos);
    }
  }
}

#endif
