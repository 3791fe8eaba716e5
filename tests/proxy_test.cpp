// HTTP proxies: parsing the proxy URL and the no_proxy list, what client_options::from_env
// reads, and calls through a real tinyproxy (started here on 127.0.0.1 with a config of ours)
// to the emulator over TLS: the tunnel, its reuse, and the proxy's refusals.
#include "process.hpp"
#include "support.hpp"

#include <smallest/atoms.hpp>
#include <smallest/atoms/http/url.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio/error.hpp>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
using atoms::testing::emulator;
using atoms_test::options_for;
using atoms_test::page_call;
using namespace std::chrono_literals;

namespace {

// "Basic " + base64("alic3:p@ss w"), worked out by hand.
constexpr std::string_view proxy_test_basic = "Basic YWxpYzM6cEBzcyB3";

atoms::http::proxy_endpoint proxy_test_parse(std::string_view url, std::string_view no_proxy = "") {
  atoms::http::proxy_endpoint p;
  std::string why;
  REQUIRE_MESSAGE(atoms::http::parse_proxy(url, no_proxy, p, why), why);
  return p;
}

// The message parse_proxy refuses `url` with (and that it refuses it).
std::string proxy_test_refusal(std::string_view url) {
  atoms::http::proxy_endpoint p;
  std::string why;
  CHECK_FALSE(atoms::http::parse_proxy(url, "", p, why));
  CHECK_FALSE(why.empty());
  return why;
}

bool proxy_test_excludes(std::string_view no_proxy, std::string_view url) {
  atoms::http::endpoint ep;
  std::string why;
  REQUIRE_MESSAGE(atoms::http::parse_endpoint(url, ep, why), why);
  return proxy_test_parse("http://127.0.0.1:3128", no_proxy).excludes(ep);
}

// The message of the std::invalid_argument a client's constructor throws for `o`.
std::string proxy_test_construction_error(const atoms::client_options& o) {
  asio::io_context io;
  try {
    atoms::client client{io.get_executor(), o};
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  FAIL("the client accepted the options");
  return {};
}

// Sets (or, for nullptr, unsets) environment variables for a scope, and puts them back.
class proxy_test_env {
 public:
  proxy_test_env(std::initializer_list<std::pair<const char*, const char*>> vars) {
    for (auto [name, value] : vars) {
      const char* old = std::getenv(name);
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      if (value)
        ::setenv(name, value, 1);
      else
        ::unsetenv(name);
    }
  }
  proxy_test_env(const proxy_test_env&) = delete;
  proxy_test_env& operator=(const proxy_test_env&) = delete;
  ~proxy_test_env() {
    for (auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// The tinyproxy program, or "" when it is not installed.
std::string proxy_test_binary() {
  std::vector<std::string> dirs{"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"};
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    for (std::string dir; std::getline(ss, dir, ':');)
      if (!dir.empty()) dirs.push_back(dir);
  }
  for (const auto& dir : dirs)
    if (const std::string p = dir + "/tinyproxy"; ::access(p.c_str(), X_OK) == 0) return p;
  return {};
}

// True when tinyproxy can be run. In CI (CI=true) a missing tinyproxy fails the test: the
// proxy support would otherwise go untested without anyone noticing.
bool proxy_test_have_tinyproxy() {
  if (!proxy_test_binary().empty()) return true;
  const char* ci = std::getenv("CI");
  if (ci && std::string_view(ci) == "true")
    FAIL(
        "tinyproxy is not installed, so the proxy tests cannot run: run scripts/deps.sh "
        "(apt-get install tinyproxy)");
  MESSAGE("tinyproxy is not installed: proxy test skipped (scripts/deps.sh installs it)");
  return false;
}

// A tinyproxy on 127.0.0.1 in the foreground (-d), with a config file written here: CONNECT
// only to `connect_ports`, and Basic credentials `user`/`password` required when `user` is set.
class proxy_test_tinyproxy {
 public:
  explicit proxy_test_tinyproxy(const std::vector<std::uint16_t>& connect_ports, const std::string& user = {},
                                const std::string& password = {}) {
    static std::atomic<unsigned> made{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("atoms-proxy-test-" + std::to_string(::getpid()) + "-" + std::to_string(made++));
    std::filesystem::create_directories(dir_);
    port_ = emulator::unused_port();
    const auto config = dir_ / "tinyproxy.conf";
    {
      std::ofstream f(config);
      f << "Port " << port_ << "\nListen 127.0.0.1\nTimeout 60\nMaxClients 64\nAllow 127.0.0.1\n"
        << "LogFile \"" << log_path().string() << "\"\nLogLevel Info\n";
      for (auto port : connect_ports) f << "ConnectPort " << port << "\n";
      if (!user.empty()) f << "BasicAuth " << user << " " << password << "\n";
      REQUIRE(f.good());
    }
    process_ = std::make_unique<atoms_test::child_process>(
        proxy_test_binary(), std::vector<std::string>{"-d", "-c", config.string()});
    // Ready when its log says so; a proxy that cannot listen fails here, with its log.
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (log().find("Accepting connections") == std::string::npos) {
      // Waits 20 ms for it to say something on stderr, which it does only when it gives up.
      const std::string said =
          process_->read_stderr_until([](const std::string& t) { return !t.empty(); }, 20ms);
      REQUIRE_MESSAGE((said.empty() && std::chrono::steady_clock::now() < deadline),
                      "tinyproxy did not start; it said:\n"
                          << said << "\nits log:\n"
                          << log());
    }
  }
  proxy_test_tinyproxy(const proxy_test_tinyproxy&) = delete;
  proxy_test_tinyproxy& operator=(const proxy_test_tinyproxy&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::string url(std::string_view credentials = {}) const {
    return "http://" + std::string(credentials) + "127.0.0.1:" + std::to_string(port_);
  }
  const std::filesystem::path& dir() const noexcept { return dir_; }
  std::filesystem::path log_path() const { return dir_ / "tinyproxy.log"; }
  std::string log() const {
    std::ifstream f(log_path());
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  }
  // The CONNECT requests the proxy has read ("Request (file descriptor N): CONNECT host:port").
  std::size_t connects(std::string_view authority) const {
    const std::string needle = "): CONNECT " + std::string(authority) + " ";
    const std::string text = log();
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
  }

 private:
  // Removed when the proxy goes, also when its constructor fails: declared before process_,
  // so the process (killed and waited for) is gone first.
  struct removed_dir : std::filesystem::path {
    removed_dir& operator=(std::filesystem::path p) {
      std::filesystem::path::operator=(std::move(p));
      return *this;
    }
    ~removed_dir() {
      std::error_code ec;
      std::filesystem::remove_all(*this, ec);
    }
  };
  removed_dir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<atoms_test::child_process> process_;
};

// Everything the observability hook saw, as text: it must never hold the proxy's credentials.
struct proxy_test_attempts {
  std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
  std::shared_ptr<std::string> text = std::make_shared<std::string>();
  void operator()(const atoms::attempt_info& a) const {
    std::lock_guard lk(*mu);
    (((*text += a.method) += ' ') += a.target) += ' ' + a.ec.message() + '\n';
  }
};

std::string proxy_test_authority(const emulator& emu) { return "localhost:" + std::to_string(emu.port()); }

}  // namespace

TEST_SUITE("proxy") {
  TEST_CASE("parse_proxy: host, port, percent-decoded credentials; no scheme means http") {
    auto p = proxy_test_parse("http://alic3:p%40ss%20w@proxy.corp:3128");
    CHECK(p.host == "proxy.corp");
    CHECK(p.port == "3128");
    CHECK(p.authorization == proxy_test_basic);
    p = proxy_test_parse("proxy.corp:8080");
    CHECK(p.host == "proxy.corp");
    CHECK(p.port == "8080");
    CHECK(p.authorization.empty());
    p = proxy_test_parse("http://[::1]/");
    CHECK(p.host == "::1");
    CHECK(p.port == "80");
    p = proxy_test_parse("http://user@10.0.0.1:3128");  // a user without a password
    CHECK(p.authorization == "Basic dXNlcjo=");
  }

  TEST_CASE("authority: host and port, an IPv6 address in brackets") {
    CHECK(atoms::http::authority("proxy.corp", "3128") == "proxy.corp:3128");
    CHECK(atoms::http::authority("10.0.0.1", "80") == "10.0.0.1:80");
    CHECK(atoms::http::authority("::1", "8443") == "[::1]:8443");
  }

  TEST_CASE("parse_proxy refuses what it cannot use, and never quotes the URL") {
    for (const char* url :
         {"https://alic3:s3cr3t@proxy.corp:443", "socks5://alic3:s3cr3t@proxy.corp:1080",
          "http://alic3:s3cr3t@proxy.corp:3128/path", "http://alic3:s3cr3t@proxy.corp:3128?q",
          "http://alic3:s3cr3t@:3128", "http://alic3:s3cr3t@proxy.corp:0",
          "http://alic3:s3cr3t@proxy.corp:99999", "http://alic3:s3cr3t@pro%00xy:3128"}) {
      const std::string text = url;
      CAPTURE(text);
      const std::string why = proxy_test_refusal(url);
      CHECK(why.find("proxy") != std::string::npos);
      CHECK(why.find("s3cr3t") == std::string::npos);
      CHECK(why.find("alic3") == std::string::npos);
    }
    CHECK(proxy_test_refusal("https://proxy.corp:443").find("https://") != std::string::npos);
    // Boost.URL 1.81 wraps a port above 65535 around; a base_url's too is refused.
    atoms::http::endpoint ep;
    std::string why;
    CHECK_FALSE(atoms::http::parse_endpoint("https://api.smallest.ai:99999/atoms/v1", ep, why));
    CHECK(why == "base_url has an invalid port");
  }

  TEST_CASE("no_proxy: exact host, subdomains, .suffix, *, host:port, IP addresses") {
    const char* api = "https://api.smallest.ai/atoms/v1";
    CHECK(proxy_test_excludes("api.smallest.ai", api));
    CHECK(proxy_test_excludes("API.Smallest.AI", api));                        // case-insensitive
    CHECK(proxy_test_excludes("smallest.ai", api));                            // a name covers its subdomains
    CHECK(proxy_test_excludes(".smallest.ai", api));                           // a leading dot: subdomains
    CHECK(proxy_test_excludes("*.smallest.ai", api));                          // written with a star
    CHECK_FALSE(proxy_test_excludes(".smallest.ai", "https://smallest.ai/"));  // not the domain itself
    CHECK_FALSE(proxy_test_excludes("*.smallest.ai", "https://smallest.ai/"));
    CHECK_FALSE(proxy_test_excludes("allest.ai", api));  // labels, not characters
    CHECK_FALSE(proxy_test_excludes("api.smallest.ai.evil", api));
    CHECK(proxy_test_excludes("*", api));
    CHECK(proxy_test_excludes("example.com, internal ,api.smallest.ai", api));  // commas and spaces
    CHECK(proxy_test_excludes("example.com api.smallest.ai", api));
    CHECK(proxy_test_excludes("api.smallest.ai:443", api));  // a port: only that port
    CHECK_FALSE(proxy_test_excludes("api.smallest.ai:8443", api));
    CHECK(proxy_test_excludes("smallest.ai:8443", "https://api.smallest.ai:8443/v1"));
    CHECK(proxy_test_excludes("127.0.0.1", "https://127.0.0.1:9000/"));
    CHECK_FALSE(proxy_test_excludes("0.0.1", "https://127.0.0.1:9000/"));  // IPs match exactly
    CHECK(proxy_test_excludes("::1", "https://[::1]:9000/"));
    CHECK(proxy_test_excludes("[::1]:9000", "https://[::1]:9000/"));
    CHECK_FALSE(proxy_test_excludes("[::1]:9001", "https://[::1]:9000/"));
    CHECK_FALSE(proxy_test_excludes("", api));
    CHECK_FALSE(proxy_test_excludes("example.com", api));
  }

  TEST_CASE("from_env: https_proxy before HTTPS_PROXY, no_proxy before NO_PROXY, https base URLs only") {
    {
      proxy_test_env env{{"SMALLEST_BASE_URL", nullptr},
                         {"https_proxy", "http://lower:3128"},
                         {"HTTPS_PROXY", "http://upper:3128"},
                         {"no_proxy", "a.example"},
                         {"NO_PROXY", "b.example"}};
      const auto o = atoms::client_options::from_env();
      CHECK(o.proxy == "http://lower:3128");
      CHECK(o.no_proxy == "a.example");
    }
    {
      proxy_test_env env{{"SMALLEST_BASE_URL", nullptr},
                         {"https_proxy", nullptr},
                         {"HTTPS_PROXY", "http://upper:3128"},
                         {"no_proxy", ""},
                         {"NO_PROXY", "b.example"}};
      const auto o = atoms::client_options::from_env();
      CHECK(o.proxy == "http://upper:3128");
      CHECK(o.no_proxy == "b.example");
    }
    {
      proxy_test_env env{{"SMALLEST_BASE_URL", "http://127.0.0.1:8080/atoms/v1"},
                         {"https_proxy", "http://lower:3128"},
                         {"HTTP_PROXY", "http://plain:3128"},
                         {"NO_PROXY", "b.example"}};
      const auto o = atoms::client_options::from_env();
      CHECK(o.proxy.empty());  // a local http:// server is reached directly
      CHECK(o.no_proxy.empty());
    }
    {
      proxy_test_env env{{"SMALLEST_BASE_URL", nullptr}, {"https_proxy", nullptr}, {"HTTPS_PROXY", nullptr}};
      CHECK(atoms::client_options::from_env().proxy.empty());
    }
  }

  TEST_CASE("a client refuses an https:// proxy and an http:// base_url the proxy would carry") {
    atoms::client_options o{.base_url = "https://api.smallest.ai/atoms/v1",
                            .proxy = "https://user:s3cr3t@proxy.corp:443"};
    std::string why = proxy_test_construction_error(o);
    CHECK(why.find("client_options::proxy") != std::string::npos);
    CHECK(why.find("https://") != std::string::npos);
    CHECK(why.find("s3cr3t") == std::string::npos);

    o.proxy = "http://user:s3cr3t@proxy.corp:3128";
    o.base_url = "http://127.0.0.1:8080/atoms/v1";
    why = proxy_test_construction_error(o);
    CHECK(why.find("no_proxy") != std::string::npos);
    CHECK(why.find("s3cr3t") == std::string::npos);

    o.no_proxy = "127.0.0.1";  // exempt: accepted, and reached directly
    asio::io_context io;
    CHECK_NOTHROW(atoms::client(io.get_executor(), o));
  }

  TEST_CASE("a proxy's refusal names the proxy and its status; 500 and 502-504 are retryable") {
    const auto e407 = atoms::make_proxy_error(407);
    CHECK(e407.category() == atoms::proxy_category());
    CHECK(e407.message().find("proxy") != std::string::npos);
    CHECK(e407.message().find("407 Proxy Authentication Required") != std::string::npos);
    CHECK(e407 != atoms::condition::unauthenticated);  // the API key is not the problem
    CHECK(atoms::make_proxy_error(403) != atoms::condition::forbidden);
    CHECK(atoms::make_proxy_error(403).message().find("no_proxy") != std::string::npos);
    CHECK(atoms::make_proxy_error(502) == atoms::condition::retryable);
    CHECK(atoms::make_proxy_error(407) != atoms::condition::retryable);
    CHECK(atoms::make_proxy_error(407) != atoms::make_http_error(407));
  }

  TEST_CASE("no_proxy sends the call directly: a proxy that is not listening is never tried") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto o = options_for(emu);
      o.proxy = "http://127.0.0.1:" + std::to_string(emulator::unused_port());
      o.no_proxy = "example.com, localhost:" + std::to_string(emu.port());
      atoms::client client{io.get_executor(), o};
      atoms::call_details d = co_await client.async_get_call(page_call);
      CHECK(d.call_id == page_call);
      CHECK(emu.requests_served() == 1);
    });
  }

  TEST_CASE("a proxy that is not listening fails the call with a connect error") {
    emulator emu;
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto o = options_for(emu);
      const std::string proxy_port = std::to_string(emulator::unused_port());
      o.proxy = "http://user:s3cr3t@127.0.0.1:" + proxy_port;
      o.no_proxy = "localhost:1";  // another port of the API's host: still proxied
      o.retry.max_attempts = 1;
      atoms::client client{io.get_executor(), o};
      atoms::diagnostics diag;
      auto [ec, d] = co_await client.async_get_call(page_call, diag, atoms_test::tuple);
      CHECK(ec == asio::error::connection_refused);
      // The error names the proxy it could not reach, never its credentials.
      CHECK(diag.message == "through the proxy 127.0.0.1:" + proxy_port);
      const std::string text = atoms::describe(ec, diag);
      CHECK(text.find("s3cr3t") == std::string::npos);
      CHECK(text.find("user") == std::string::npos);
      CHECK(emu.requests_served() == 0);
    });
  }

  TEST_CASE("calls through tinyproxy reach the emulator over TLS, all on one tunnel") {
    if (!proxy_test_have_tinyproxy()) return;
    emulator emu;
    proxy_test_tinyproxy proxy({emu.port()}, "alic3", "s3cr.et");  // tinyproxy allows [A-Za-z0-9._-]
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto o = options_for(emu);
      o.proxy = proxy.url("alic3:s3cr%2Eet@");  // percent-decoded before it is sent
      proxy_test_attempts seen;
      o.on_attempt = seen;
      atoms::client client{io.get_executor(), o};
      for (int i = 0; i < 4; ++i) {
        atoms::call_details d = co_await client.async_get_call(page_call);
        CHECK(d.call_id == page_call);
      }
      CHECK(emu.requests_served() == 4);
      CHECK(emu.connections_accepted() == 1);  // the pool reused the tunnel
      CHECK(proxy.connects(proxy_test_authority(emu)) == 1);
      // The service sees no proxy header, and nothing the client reports holds the credentials.
      for (const auto& r : emu.requests())
        for (const auto& [name, value] : r.headers) CHECK(name.find("Proxy") == std::string::npos);
      std::lock_guard lk(*seen.mu);
      CHECK(seen.text->find("s3cr") == std::string::npos);
      CHECK(seen.text->find("alic3") == std::string::npos);
    });
  }

  TEST_CASE("a recording download goes through tinyproxy too, to its own origin") {
    if (!proxy_test_have_tinyproxy()) return;
    emulator emu;
    const std::string recordings = emu.recording_base_url();  // https://127.0.0.1:PORT
    REQUIRE(recordings.rfind("https://127.0.0.1:", 0) == 0);
    const auto recording_port = static_cast<std::uint16_t>(std::stoi(recordings.substr(18)));
    proxy_test_tinyproxy proxy({emu.port(), recording_port});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto o = options_for(emu);
      o.proxy = proxy.url();
      atoms::client client{io.get_executor(), o};
      const std::string path = (proxy.dir() / "recording.mp3").string();
      atoms::diagnostics diag;
      auto [ec, bytes] = co_await client.async_download_recording(page_call, path, diag, atoms_test::tuple);
      const std::string said = atoms::describe(ec, diag);
      REQUIRE_MESSAGE(!ec, said);
      CHECK(bytes > 0);
      CHECK(std::filesystem::file_size(path) == bytes);
      CHECK(proxy.connects(proxy_test_authority(emu)) == 1);
      CHECK(proxy.connects("127.0.0.1:" + std::to_string(recording_port)) == 1);
    });
  }

  TEST_CASE("through tinyproxy, TLS still verifies the service's host name") {
    if (!proxy_test_have_tinyproxy()) return;
    emulator emu({.certificate_hosts = {"other.example"}});
    proxy_test_tinyproxy proxy({emu.port()});
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto o = options_for(emu);
      o.proxy = proxy.url();
      atoms::client client{io.get_executor(), o};
      auto [ec, d] = co_await client.async_get_call(page_call, atoms_test::tuple);
      CHECK(ec == atoms::condition::tls_error);
      CHECK(emu.requests_served() == 0);
      CHECK(proxy.connects(proxy_test_authority(emu)) >= 1);
    });
  }

  TEST_CASE("tinyproxy refusing the credentials: the proxy's status, never the credentials") {
    if (!proxy_test_have_tinyproxy()) return;
    emulator emu;
    proxy_test_tinyproxy proxy({emu.port()}, "user", "right");
    // None given: 407. Wrong ones: tinyproxy 1.11 answers 401 where RFC 9110 says 407.
    const std::vector<std::pair<std::string, unsigned>> cases{{"", 407u}, {"user:wr0ng@", 401u}};
    for (const auto& refusal : cases) {
      const std::string credentials = refusal.first;
      const unsigned status = refusal.second;
      CAPTURE(status);
      atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
        auto o = options_for(emu);
        o.proxy = proxy.url(credentials);
        proxy_test_attempts seen;
        o.on_attempt = seen;
        atoms::client client{io.get_executor(), o};
        atoms::diagnostics diag;
        auto [ec, d] = co_await client.async_get_call(page_call, diag, atoms_test::tuple);
        CHECK(ec == atoms::make_proxy_error(status));
        CHECK(ec != atoms::condition::retryable);
        CHECK(diag.attempts == 1);
        const std::string what = atoms::api_error(ec, diag).what();
        CHECK(what.find("proxy") != std::string::npos);
        CHECK(what.find(std::to_string(status)) != std::string::npos);
        CHECK(what.find("client_options::proxy") != std::string::npos);
        CHECK(what.find("wr0ng") == std::string::npos);
        std::lock_guard lk(*seen.mu);
        CHECK(seen.text->find("wr0ng") == std::string::npos);
        CHECK(emu.requests_served() == 0);
      });
    }
  }

  TEST_CASE("tinyproxy refusing the CONNECT to a port it does not allow: a clear 403") {
    if (!proxy_test_have_tinyproxy()) return;
    emulator emu;
    proxy_test_tinyproxy proxy({emulator::unused_port()});  // ConnectPort: not the emulator's
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      auto o = options_for(emu);
      o.proxy = proxy.url();
      atoms::client client{io.get_executor(), o};
      atoms::diagnostics diag;
      auto [ec, d] = co_await client.async_get_call(page_call, diag, atoms_test::tuple);
      CHECK(ec == atoms::make_proxy_error(403));
      CHECK(ec != atoms::condition::forbidden);  // the proxy's rule, not the API key's rights
      const std::string what = atoms::describe(ec, diag);
      CHECK(what.find("the proxy answered CONNECT with HTTP 403") != std::string::npos);
      CHECK(emu.requests_served() == 0);
      CHECK(proxy.connects(proxy_test_authority(emu)) == 1);
    });
  }
}  // TEST_SUITE
