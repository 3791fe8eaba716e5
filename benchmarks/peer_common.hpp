// What every C++ peer program of the benchmark shares: its command line, the list of ids, and
// the one JSON line it prints, so benchmarks/run.sh treats the peers alike:
//
//     <peer> --base-url https://localhost:PORT/atoms/v1 --ca-file CA.pem --ids DIR/ids.txt
//            --concurrency N --requests M [peer's own switches]
//
// M GETs of `/conversation/<id>`, cycling through the ids, N at a time; then one line on stdout:
//
//     {"peer":"atoms","concurrency":N,"requests":M,"errors":E,"seconds":S,"cpu_seconds":C,
//      "peak_rss_kib":K,"bytes":B}
//
// `cpu_seconds` is user + system time of the whole process and `peak_rss_kib` its ru_maxrss,
// both from getrusage; `bytes` counts the response bodies received (null when the peer cannot
// see them). Standard C++ and POSIX only: the libcurl peer does not link Boost.
#ifndef ATOMS_BENCHMARKS_PEER_COMMON_HPP
#define ATOMS_BENCHMARKS_PEER_COMMON_HPP

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace peer {

struct settings {
  std::string base_url;  ///< "https://localhost:PORT/atoms/v1", no trailing '/'
  std::string ca_file;
  std::string ids_file;
  std::size_t concurrency = 1;
  std::size_t requests = 1000;
  std::vector<std::string> ids;       ///< read from ids_file, never empty
  std::vector<std::string> switches;  ///< the peer's own switches that were given
};

/// What a run measured; `print_result` adds the process's CPU time and peak RSS.
struct result {
  std::string_view peer;
  std::size_t concurrency = 0;
  std::size_t requests = 0;
  std::size_t errors = 0;
  double seconds = 0;
  std::optional<std::uint64_t> bytes;
};

inline bool has_switch(const settings& s, std::string_view name) {
  return std::find(s.switches.begin(), s.switches.end(), name) != s.switches.end();
}

/// Reads the command line; `switches` are the peer's own flags without a value ("--bulk").
/// Prints what is wrong and returns nullopt when the command line or the ids file is unusable.
inline std::optional<settings> parse(int argc, char** argv, std::string_view peer_name,
                                     std::vector<std::string_view> switches = {}) {
  settings s;
  const auto usage = [&](std::string_view why) {
    std::cerr << peer_name << ": " << why << "\nusage: " << peer_name
              << " --base-url URL --ca-file CA.pem --ids IDS.txt --concurrency N --requests M";
    for (auto sw : switches) std::cerr << " [" << sw << ']';
    std::cerr << '\n';
    return std::nullopt;
  };
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string_view flag = argv[i];
      if (std::find(switches.begin(), switches.end(), flag) != switches.end()) {
        s.switches.emplace_back(flag);
        continue;
      }
      if (i + 1 >= argc) return usage(std::string(flag) + " needs a value");
      const std::string value = argv[++i];
      if (flag == "--base-url")
        s.base_url = value;
      else if (flag == "--ca-file")
        s.ca_file = value;
      else if (flag == "--ids")
        s.ids_file = value;
      else if (flag == "--concurrency")
        s.concurrency = std::stoul(value);
      else if (flag == "--requests")
        s.requests = std::stoul(value);
      else
        return usage("unknown option " + std::string(flag));
    }
  } catch (const std::exception&) {
    return usage("--concurrency and --requests take numbers");
  }
  if (s.base_url.empty() || s.ca_file.empty() || s.ids_file.empty())
    return usage("--base-url, --ca-file and --ids are required");
  if (s.concurrency == 0) return usage("--concurrency must be at least 1");
  while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
  std::ifstream in(s.ids_file);
  if (!in) return usage("cannot read " + s.ids_file);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) s.ids.push_back(std::move(line));
  }
  if (s.ids.empty()) return usage(s.ids_file + " holds no ids");
  return s;
}

/// The requests that failed: counted, and the first one's reason written to stderr, prefixed
/// with the peer's name (one reason is enough to see what is wrong; a thousand would drown it).
struct error_tally {
  std::string_view peer;
  std::size_t count = 0;
  bool told = false;

  void failed(std::string_view what) {
    ++count;
    if (!told) std::cerr << peer << ": first error: " << what << '\n';
    told = true;
  }
};

/// Seconds since `start`, on the steady clock.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Prints the result line, with this process's CPU time and peak RSS so far.
inline void print_result(const result& r) {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  std::printf(
      "{\"peer\":\"%.*s\",\"concurrency\":%zu,\"requests\":%zu,\"errors\":%zu,\"seconds\":%.6f,"
      "\"cpu_seconds\":%.6f,\"peak_rss_kib\":%ld,\"bytes\":",
      static_cast<int>(r.peer.size()), r.peer.data(), r.concurrency, r.requests, r.errors, r.seconds, cpu,
      ru.ru_maxrss);
  if (r.bytes)
    std::printf("%llu}\n", static_cast<unsigned long long>(*r.bytes));
  else
    std::printf("null}\n");
  std::fflush(stdout);
}

}  // namespace peer

#endif
