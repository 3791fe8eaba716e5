// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
//
// atoms-emulator: the library's emulator of the Atoms API (smallest/atoms/testing/emulator.hpp)
// as a process, for scripts, tests in other languages and trying a client by hand. It prints
// where it listens as KEY=VALUE lines a shell can source, serves until SIGINT or SIGTERM,
// then removes the CA file it wrote.

#include <smallest/atoms/testing/emulator.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace testing = smallest::atoms::testing;
using namespace std::chrono_literals;

constexpr std::string_view usage = R"text(usage: atoms-emulator [options]

Serves the Atoms API emulator of atoms-cpp on 127.0.0.1 until SIGINT or SIGTERM. On start it
prints, then flushes, lines a shell can source (`set -a; . ./emulator.env; set +a`):

  # atoms-emulator: serving 300 calls (seed 1) over HTTPS on 127.0.0.1:PORT ...
  SMALLEST_BASE_URL=https://localhost:PORT/atoms/v1
  SMALLEST_API_KEY=test-key
  ATOMS_CA_FILE=/tmp/atoms-emulator-PORT-ca.pem      (not with --plain)

and when stopped, "atoms-emulator: stopped (N requests served)" on stderr; exit status 0.
Bad options exit 2; a server that cannot start (a port in use) exits 1.

Server:
  --port P          port of 127.0.0.1 to listen on; 0 (the default) picks a free one
  --tls             HTTPS with a certificate from a CA made at start (the default)
  --plain           plain HTTP
  --ca-out FILE     where to write the CA's PEM (default: the temporary directory's
                    atoms-emulator-PORT-ca.pem); removed at exit
  --threads N       server threads (default 1)
  --api-key K       the only key accepted as "Authorization: Bearer K" (default test-key)

Data:
  --calls N         synthetic calls in the account (default 300)
  --seed S          the same seed gives the same calls, byte for byte (default 1)

Campaigns (a started campaign dials its audience):
  --campaign-start-delay MS    "processing" this long before "running" (default 100)
  --campaign-call-interval MS  one member called every MS milliseconds (default 100)
  --analytics-delay MS         a call gets its post-call analytics MS after it ends (default 300)

Faults and timing:
  --latency MS      every answer waits MS milliseconds first (default 0)
  --fault KIND[:KEY=VALUE,...]
                    make requests fail; repeatable, the first fault that applies wins.
                    KIND:
                      status          answer an error status without routing the request
                      reset_mid_body  send half the body, then reset the connection
                      short_body      send the body under a Content-Length twice its size
                      malformed_json  answer 200 with half the body: not JSON
                      slow            answer after delay_ms
                      stall           never answer
                      close           close the connection without answering
                    KEY (every kind):
                      every=N         every N-th matching request (1: all of them)
                      first=N         the first N matching requests
                                      (neither given: every=1; both: either applies)
                      path=/PREFIX    only paths under /atoms/v1 starting with PREFIX,
                                      e.g. path=/conversation/ (default: every request)
                    KEY (status):
                      status=CODE     400 to 599 (default 503)
                      retry_after=V   send "Retry-After: V" (seconds or an HTTP date)
                      reset=EPOCH     send "X-RateLimit-Reset: EPOCH"
                      body_retry_after=SEC
                                      with status=429, the API document's 429 body with
                                      "retryAfterSec": SEC
                    KEY (slow):
                      delay_ms=MS     how long to wait (default 1000)
                    e.g. --fault status:status=429,retry_after=1,first=2
                         --fault reset_mid_body:every=5,path=/conversation
  --max-requests-per-connection N
                    close each connection after its N-th answer, as nginx does
  --chunked         send every answer with Transfer-Encoding: chunked
  --tls-handshake-failure
                    refuse every TLS handshake (with --tls)
  --delivery-drop SHARE, --delivery-duplicate SHARE, --delivery-delay SHARE,
  --delivery-corrupt SHARE
                    webhook deliveries dropped, sent twice, sent late or sent so that
                    their signature fails, each a share from 0 to 1 (default 0)
  --delivery-delay-min MS, --delivery-delay-max MS
                    the range a late delivery waits in (default 10 to 100)
  --delivery-seed S the seed of those draws (default 1)

  --help            this text

Options that take a value also accept --option=VALUE.
)text";

// A command line we refuse: one line on stderr, exit status 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A share of deliveries: a number from 0 to 1.
double parse_share(std::string_view what, std::string_view text) {
  double value = -1;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || !(value >= 0 && value <= 1))
    throw usage_error(std::string(what) + " wants a share from 0 to 1, not " + quoted(text));
  return value;
}

template <class T>
T parse_number(std::string_view what, std::string_view text, T min, T max) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value < min || value > max)
    throw usage_error(std::string(what) + " wants an integer from " + std::to_string(min) + " to " +
                      std::to_string(max) + ", not " + quoted(text));
  return value;
}

constexpr std::pair<std::string_view, testing::fault::kind> fault_kinds[] = {
    {"status", testing::fault::kind::status},
    {"reset_mid_body", testing::fault::kind::reset_mid_body},
    {"short_body", testing::fault::kind::short_body},
    {"malformed_json", testing::fault::kind::malformed_json},
    {"slow", testing::fault::kind::slow},
    {"stall", testing::fault::kind::stall},
    {"close", testing::fault::kind::close},
};

// KIND[:KEY=VALUE,...], as --help describes it.
testing::fault parse_fault(std::string_view spec) {
  const auto colon = spec.find(':');
  const std::string_view name = spec.substr(0, colon);
  std::optional<testing::fault::kind> kind;
  for (const auto& [n, k] : fault_kinds)
    if (n == name) kind = k;
  if (!kind)
    throw usage_error("--fault: unknown kind " + quoted(name) +
                      " (status, reset_mid_body, short_body, malformed_json, slow, stall or close)");

  testing::fault f{.what = *kind};
  if (*kind == testing::fault::kind::slow) f.delay = 1000ms;
  const bool is_status = *kind == testing::fault::kind::status;
  bool counted = false;
  std::string_view rest = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
  if (colon != std::string_view::npos && rest.empty())
    throw usage_error("--fault " + std::string(spec) + ": nothing after ':' (e.g. " + std::string(name) +
                      ":every=2)");
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos)
      throw usage_error("--fault " + std::string(name) + ": " + quoted(item) + " is not KEY=VALUE");
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    const std::string what = "--fault " + std::string(name) + ": " + std::string(key);
    const auto only_for = [&](bool applies, std::string_view kind_name) {
      if (!applies) throw usage_error(what + " applies to " + std::string(kind_name) + " faults only");
    };
    constexpr auto size_max = std::numeric_limits<std::size_t>::max();
    if (key == "every") {
      f.every = parse_number<std::size_t>(what, value, 1, size_max);
      counted = true;
    } else if (key == "first") {
      f.first = parse_number<std::size_t>(what, value, 1, size_max);
      counted = true;
    } else if (key == "path") {
      if (!value.starts_with('/'))
        throw usage_error(what + " wants a path under /atoms/v1 starting with '/', e.g. /conversation, not " +
                          quoted(value));
      f.path_prefix = std::string(value);
    } else if (key == "status") {
      only_for(is_status, "status");
      f.status = parse_number<unsigned>(what, value, 400, 599);
    } else if (key == "retry_after") {
      only_for(is_status, "status");
      if (value.empty()) throw usage_error(what + " wants a value");
      f.retry_after = std::string(value);
    } else if (key == "reset") {
      only_for(is_status, "status");
      if (value.empty()) throw usage_error(what + " wants a value");
      f.rate_limit_reset = std::string(value);
    } else if (key == "body_retry_after") {
      only_for(is_status, "status");
      f.body_retry_after_sec = parse_number<int>(what, value, 0, 86'400);
    } else if (key == "delay_ms") {
      only_for(*kind == testing::fault::kind::slow, "slow");
      f.delay = std::chrono::milliseconds(parse_number<unsigned>(what, value, 0, 3'600'000));
    } else {
      throw usage_error("--fault " + std::string(name) + ": unknown key " + quoted(key) +
                        " (every, first, path, status, retry_after, reset, body_retry_after, delay_ms)");
    }
  }
  if (!counted) f.every = 1;
  if (f.body_retry_after_sec >= 0 && f.status != 429)
    throw usage_error("--fault status: body_retry_after needs status=429");
  return f;
}

struct settings {
  testing::emulator_options emulator{};
  std::string ca_out{};
  bool help = false;
};

settings parse_command_line(int argc, char** argv) {
  settings s;
  s.emulator.calls = 300;
  bool ca_out_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::optional<std::string_view> attached;  // --option=VALUE
    if (arg.starts_with("--"))
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        attached = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    const std::string name(arg);
    const auto value = [&]() -> std::string_view {
      if (attached) return *attached;
      if (i + 1 >= argc) throw usage_error(name + " needs a value");
      return argv[++i];
    };
    const auto flag = [&] {
      if (attached) throw usage_error(name + " takes no value");
    };
    if (arg == "--help" || arg == "-h") {
      flag();
      s.help = true;
    } else if (arg == "--port") {
      s.emulator.port = parse_number<std::uint16_t>(name, value(), 0, 65535);
    } else if (arg == "--tls") {
      flag();
      s.emulator.tls = true;
    } else if (arg == "--plain") {
      flag();
      s.emulator.tls = false;
    } else if (arg == "--ca-out") {
      s.ca_out = std::string(value());
      if (s.ca_out.empty()) throw usage_error("--ca-out needs a file name");
      ca_out_given = true;
    } else if (arg == "--threads") {
      s.emulator.threads = parse_number<unsigned>(name, value(), 1, 256);
    } else if (arg == "--api-key") {
      s.emulator.api_key = std::string(value());
      if (s.emulator.api_key.empty()) throw usage_error("--api-key needs a non-empty key");
    } else if (arg == "--calls") {
      s.emulator.calls = parse_number<std::size_t>(name, value(), 0, 10'000'000);
    } else if (arg == "--seed") {
      s.emulator.seed =
          parse_number<std::uint64_t>(name, value(), 0, std::numeric_limits<std::uint64_t>::max());
    } else if (arg == "--campaign-start-delay") {
      s.emulator.campaign_start_delay =
          std::chrono::milliseconds(parse_number<unsigned>(name, value(), 0, 3'600'000));
    } else if (arg == "--campaign-call-interval") {
      s.emulator.campaign_call_interval =
          std::chrono::milliseconds(parse_number<unsigned>(name, value(), 0, 3'600'000));
    } else if (arg == "--analytics-delay") {
      s.emulator.analytics_delay =
          std::chrono::milliseconds(parse_number<unsigned>(name, value(), 0, 3'600'000));
    } else if (arg == "--latency") {
      s.emulator.latency = std::chrono::milliseconds(parse_number<unsigned>(name, value(), 0, 3'600'000));
    } else if (arg == "--fault") {
      s.emulator.faults.faults.push_back(parse_fault(value()));
    } else if (arg == "--max-requests-per-connection") {
      s.emulator.faults.max_requests_per_connection =
          parse_number<std::size_t>(name, value(), 1, std::numeric_limits<std::size_t>::max());
    } else if (arg == "--chunked") {
      flag();
      s.emulator.faults.chunked = true;
    } else if (arg == "--tls-handshake-failure") {
      flag();
      s.emulator.faults.tls_handshake_failure = true;
    } else if (arg == "--delivery-drop") {
      s.emulator.delivery_faults.drop = parse_share(name, value());
    } else if (arg == "--delivery-duplicate") {
      s.emulator.delivery_faults.duplicate = parse_share(name, value());
    } else if (arg == "--delivery-delay") {
      s.emulator.delivery_faults.delay = parse_share(name, value());
    } else if (arg == "--delivery-corrupt") {
      s.emulator.delivery_faults.corrupt = parse_share(name, value());
    } else if (arg == "--delivery-delay-min") {
      s.emulator.delivery_faults.delay_min =
          std::chrono::milliseconds(parse_number<unsigned>(name, value(), 0, 3'600'000));
    } else if (arg == "--delivery-delay-max") {
      s.emulator.delivery_faults.delay_max =
          std::chrono::milliseconds(parse_number<unsigned>(name, value(), 0, 3'600'000));
    } else if (arg == "--delivery-seed") {
      s.emulator.delivery_faults.seed =
          parse_number<std::uint64_t>(name, value(), 0, std::numeric_limits<std::uint64_t>::max());
    } else {
      throw usage_error("unknown option " + quoted(argv[i]) + " (see --help)");
    }
  }
  if (s.emulator.delivery_faults.delay_min > s.emulator.delivery_faults.delay_max)
    throw usage_error("--delivery-delay-min must not exceed --delivery-delay-max");
  if (!s.emulator.tls && ca_out_given) throw usage_error("--ca-out needs TLS (it was given with --plain)");
  if (!s.emulator.tls && s.emulator.faults.tls_handshake_failure)
    throw usage_error("--tls-handshake-failure needs TLS (it was given with --plain)");
  return s;
}

// A value as one shell word: as is when that is safe, else single-quoted.
std::string shell_word(std::string_view s) {
  const auto safe = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_-./:@%+,").find(c) != std::string_view::npos;
  };
  bool plain = !s.empty();
  for (char c : s) plain = plain && safe(c);
  if (plain) return std::string(s);
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The CA's PEM in a file while the emulator runs; removed when this goes.
class ca_file {
 public:
  // `exclusive`: the name is predictable (the temporary directory's, by port), so never
  // write through whatever is there: a stale file or a link is removed and the file created
  // anew, or it fails.
  ca_file(std::filesystem::path path, const std::string& pem, bool exclusive) : path_(std::move(path)) {
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL | O_NOFOLLOW : O_TRUNC);
    int fd = ::open(path_.c_str(), flags, 0644);
    if (fd < 0 && exclusive && errno == EEXIST && ::unlink(path_.c_str()) == 0)
      fd = ::open(path_.c_str(), flags, 0644);
    if (fd < 0) fail();
    std::size_t written = 0;
    while (written < pem.size()) {
      const auto n = ::write(fd, pem.data() + written, pem.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int e = errno;
        ::close(fd);
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
        errno = e;
        fail();
      }
      written += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) fail();
  }
  ca_file(const ca_file&) = delete;
  ca_file& operator=(const ca_file&) = delete;
  ~ca_file() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  [[noreturn]] void fail() const {
    throw std::system_error(errno, std::generic_category(), "cannot write the CA to " + path_.string());
  }

  std::filesystem::path path_;
};

int serve(const settings& s) {
  // Signals first: one that comes once the lines are printed must find the handler set.
  asio::io_context io(1);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code&, int) {});
  std::signal(SIGPIPE, SIG_IGN);

  std::optional<testing::emulator> emu;
  try {
    emu.emplace(s.emulator);
  } catch (const std::invalid_argument& e) {  // the fault plan, which parse_fault mostly checks
    std::cerr << "atoms-emulator: " << e.what() << '\n';
    return 2;
  } catch (const std::system_error& e) {
    if (e.code() == std::errc::address_in_use) {
      std::cerr << "atoms-emulator: port " << s.emulator.port
                << " of 127.0.0.1 is in use (choose another --port, or --port 0 for a free one)\n";
      return 1;
    }
    throw;
  }

  std::optional<ca_file> ca;
  if (s.emulator.tls) {
    const bool named = !s.ca_out.empty();
    ca.emplace(named ? std::filesystem::path(s.ca_out)
                     : std::filesystem::temp_directory_path() /
                           ("atoms-emulator-" + std::to_string(emu->port()) + "-ca.pem"),
               emu->ca_pem(), !named);
  }

  const auto& faults = s.emulator.faults.faults;
  std::cout << "# atoms-emulator: serving " << s.emulator.calls << " calls (seed " << s.emulator.seed
            << ") over " << (s.emulator.tls ? "HTTPS" : "HTTP") << " on 127.0.0.1:" << emu->port();
  if (!faults.empty()) std::cout << " with " << faults.size() << (faults.size() == 1 ? " fault" : " faults");
  std::cout << "; stop it with SIGINT or SIGTERM\n"
            << "SMALLEST_BASE_URL=" << shell_word(emu->base_url()) << '\n'
            << "SMALLEST_API_KEY=" << shell_word(emu->api_key()) << '\n';
  if (ca) std::cout << "ATOMS_CA_FILE=" << shell_word(ca->path().string()) << '\n';
  std::cout.flush();

  io.run();  // until the signal

  const std::size_t served = emu->requests_served();
  emu.reset();  // closes every connection and joins the server's threads
  ca.reset();
  std::cerr << "atoms-emulator: stopped (" << served << (served == 1 ? " request" : " requests")
            << " served)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  try {
    s = parse_command_line(argc, argv);
  } catch (const usage_error& e) {
    std::cerr << "atoms-emulator: " << e.what() << '\n';
    return 2;
  }
  if (s.help) {
    std::cout << usage;
    return 0;
  }
  try {
    return serve(s);
  } catch (const std::exception& e) {
    std::cerr << "atoms-emulator: " << e.what() << '\n';
    return 1;
  }
}
