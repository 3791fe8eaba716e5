// Writes the peer benchmarks' data set (benchmarks/run.sh) as static files for nginx: the
// emulator's seeded account of N calls, as the emulator itself would serve it.
//
//     make_data --out DIR --calls N [--details] [--limits 100,500] [--seed S]
//
//   DIR/atoms/v1/list/limit-<L>-page-<P>.json  GET /conversation?limit=L&page=P, for every page
//   DIR/atoms/v1/conversation/<callId>         GET /conversation/<callId> (with --details)
//   DIR/ids.txt                                the callIds with a details file, in list order
//
// Each file is the body the emulator answers, made by its own route handlers from its own
// synthetic records (tens of transcript turns, metrics with reasoning, latency arrays), so
// nginx serves exactly what the client meets in the tests. Prints the sizes it wrote.
#include <smallest/atoms/testing/detail/routes_v1.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace emu = smallest::atoms::testing::detail;

namespace {

struct settings {
  fs::path out;
  std::size_t calls = 1'000;
  bool details = false;
  std::vector<std::size_t> limits{100, 500};
  std::uint64_t seed = 1;
};

bool write_file(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  return static_cast<bool>(f);
}

struct sizes {
  std::size_t count = 0, total = 0, smallest = 0, largest = 0;
  void add(std::size_t n) {
    smallest = count ? std::min(smallest, n) : n;
    largest = std::max(largest, n);
    total += n;
    ++count;
  }
  void print(const char* what) const {
    if (count == 0) return;
    std::printf("%-28s %8zu files, %8.1f KB mean, %8.1f KB min, %8.1f KB max\n", what, count,
                static_cast<double>(total) / static_cast<double>(count) / 1000.0,
                static_cast<double>(smallest) / 1000.0, static_cast<double>(largest) / 1000.0);
  }
};

// The list pages of `limit` logs; their callIds, in order, into `ids` if asked.
bool write_pages(emu::dataset& data, const settings& cfg, std::size_t limit, std::vector<std::string>* ids) {
  const fs::path dir = cfg.out / "atoms/v1/list";
  sizes s;
  const std::size_t pages = (cfg.calls + limit - 1) / limit;
  for (std::size_t page = 1; page <= pages; ++page) {
    emu::route_request req;
    req.method = "GET";
    req.path = "/conversation";
    req.query = {{"page", std::to_string(page)}, {"limit", std::to_string(limit)}};
    const emu::http_answer answer = emu::list_conversations(req, data);
    if (answer.status != 200) {
      std::cerr << "make_data: the emulator answered " << answer.status << " for page " << page << '\n';
      return false;
    }
    const fs::path file =
        dir / ("limit-" + std::to_string(limit) + "-page-" + std::to_string(page) + ".json");
    if (!write_file(file, answer.body)) return false;
    s.add(answer.body.size());
    if (ids) {
      const boost::json::value page_json = boost::json::parse(answer.body);
      for (const auto& log : page_json.at("data").at("logs").as_array())
        ids->emplace_back(log.at("callId").as_string());
    }
  }
  s.print(("list pages of " + std::to_string(limit)).c_str());
  return true;
}

bool parse(int argc, char** argv, settings& cfg) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--details")
      cfg.details = true;
    else if (flag == "--out" && has_value)
      cfg.out = argv[++i];
    else if (flag == "--calls" && has_value)
      cfg.calls = std::stoul(argv[++i]);
    else if (flag == "--seed" && has_value)
      cfg.seed = std::stoull(argv[++i]);
    else if (flag == "--limits" && has_value) {
      cfg.limits.clear();
      std::string list = argv[++i];
      for (std::size_t at = 0; at < list.size();) {
        const std::size_t comma = std::min(list.find(',', at), list.size());
        cfg.limits.push_back(std::stoul(list.substr(at, comma - at)));
        at = comma + 1;
      }
    } else
      return false;
  }
  return !cfg.out.empty() && cfg.calls > 0 && !cfg.limits.empty() &&
         std::all_of(cfg.limits.begin(), cfg.limits.end(), [](std::size_t l) { return l >= 1 && l <= 500; });
}

}  // namespace

int main(int argc, char** argv) {
  settings cfg;
  try {
    if (!parse(argc, argv, cfg)) {
      std::cerr << "usage: make_data --out DIR --calls N [--details] [--limits 100,500] [--seed S]\n"
                   "       (limits 1-500, the service's largest page)\n";
      return 2;
    }
  } catch (const std::exception&) {
    std::cerr << "make_data: the values must be numbers\n";
    return 2;
  }
  try {
    fs::create_directories(cfg.out / "atoms/v1/list");
    fs::create_directories(cfg.out / "atoms/v1/conversation");

    emu::dataset data;
    emu::seed_calls(data.calls, cfg.calls, cfg.seed);
    for (auto& agent : emu::make_agents()) data.agents.put(std::move(agent));

    // The ids in the order of the largest pages, which is the order a walk meets them.
    std::vector<std::string> ids;
    const std::size_t largest = *std::max_element(cfg.limits.begin(), cfg.limits.end());
    for (std::size_t limit : cfg.limits)
      if (!write_pages(data, cfg, limit, limit == largest && ids.empty() ? &ids : nullptr)) return 1;
    if (ids.size() != cfg.calls) {
      std::cerr << "make_data: the pages hold " << ids.size() << " logs, not " << cfg.calls << '\n';
      return 1;
    }

    std::ofstream list(cfg.out / "ids.txt", std::ios::trunc);
    if (cfg.details) {
      sizes s;
      for (const std::string& id : ids) {
        emu::route_request req;
        req.method = "GET";
        req.params = {{"id", id}};
        const emu::http_answer answer = emu::get_conversation(req, data);
        if (answer.status != 200 || !write_file(cfg.out / "atoms/v1/conversation" / id, answer.body)) {
          std::cerr << "make_data: cannot write the details of " << id << '\n';
          return 1;
        }
        s.add(answer.body.size());
        list << id << '\n';
      }
      s.print("call details");
    }
    if (!list.flush()) {
      std::cerr << "make_data: cannot write " << (cfg.out / "ids.txt") << '\n';
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "make_data: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
