// Agents, phone numbers, audiences and campaigns: what the client sends and how it reads the
// answers. The emulator is real (HTTP over TLS); its interceptor answers with JSON written by
// hand from the OpenAPI document's schemas and examples, and requests() shows what was sent.
#include "support.hpp"

#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/json/parse.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
using atoms::testing::emulator;
using atoms::testing::recorded_request;
using atoms::testing::reply;
using atoms_test::options_for;
using namespace std::chrono_literals;

namespace {

using atoms_test::tuple;

// Answers "METHOD /path" (the path under /atoms/v1, without the query) with a canned reply;
// anything else is a 599, so a request the test did not expect cannot pass unnoticed.
struct canned {
  std::map<std::string, reply> answers;

  void install(emulator& emu) {
    emu.set_interceptor([answers = answers](const recorded_request& r) -> std::optional<reply> {
      std::string path = r.target.substr(0, r.target.find('?'));
      const std::string base = "/atoms/v1";
      if (path.rfind(base, 0) == 0) path.erase(0, base.size());
      if (auto it = answers.find(r.method + " " + path); it != answers.end()) return it->second;
      return reply{.status = 599, .body = R"({"status":false,"errors":["unexpected request"]})"};
    });
  }
};

reply ok(std::string body, unsigned status = 200) { return reply{.status = status, .body = std::move(body)}; }

std::string header(const recorded_request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return v;
  return {};
}

// The last request with this method whose target starts with `prefix` (under /atoms/v1).
recorded_request last(const emulator& emu, std::string_view method, std::string_view prefix) {
  const auto all = emu.requests();
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if (it->method == method && it->target.rfind("/atoms/v1" + std::string(prefix), 0) == 0) return *it;
  FAIL("no " << method << " " << prefix << " request was sent");
  return {};
}

// ---- a strict reader of multipart/form-data and of RFC 4180 CSV, the test's own -----------------

struct part {
  std::map<std::string, std::string> headers;  // lower-case names
  std::string name, filename, body;
};

// Fails (returns nullopt with `why`) on anything RFC 7578 / 2046 does not allow.
std::optional<std::vector<part>> read_multipart(const std::string& body, const std::string& boundary,
                                                std::string& why) {
  const std::string delim = "--" + boundary;
  if (body.rfind(delim + "\r\n", 0) != 0) {
    why = "does not start with the delimiter";
    return std::nullopt;
  }
  std::vector<part> parts;
  std::size_t pos = delim.size() + 2;
  for (;;) {
    const std::size_t end = body.find("\r\n" + delim, pos);
    if (end == std::string::npos) {
      why = "a part is not closed";
      return std::nullopt;
    }
    const std::string raw = body.substr(pos, end - pos);
    const std::size_t blank = raw.find("\r\n\r\n");
    if (blank == std::string::npos) {
      why = "a part has no blank line after its headers";
      return std::nullopt;
    }
    part p;
    std::size_t h = 0;
    const std::string head = raw.substr(0, blank + 2);
    while (h < head.size()) {
      const std::size_t eol = head.find("\r\n", h);
      const std::string line = head.substr(h, eol - h);
      const std::size_t colon = line.find(": ");
      if (colon == std::string::npos) {
        why = "a header line without ': '";
        return std::nullopt;
      }
      std::string key = line.substr(0, colon);
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      p.headers[key] = line.substr(colon + 2);
      h = eol + 2;
    }
    p.body = raw.substr(blank + 4);
    const std::string& cd = p.headers["content-disposition"];
    if (cd.rfind("form-data; name=\"", 0) != 0) {
      why = "a part without form-data; name=";
      return std::nullopt;
    }
    const std::size_t q = cd.find('"', 17);
    p.name = cd.substr(17, q - 17);
    if (auto f = cd.find("; filename=\"", q); f != std::string::npos)
      p.filename = cd.substr(f + 12, cd.find('"', f + 12) - (f + 12));
    parts.push_back(std::move(p));
    pos = end + 2 + delim.size();
    if (body.compare(pos, 2, "--") == 0) {
      if (body.substr(pos) != "--\r\n") {
        why = "bytes after the closing delimiter";
        return std::nullopt;
      }
      return parts;
    }
    if (body.compare(pos, 2, "\r\n") != 0) {
      why = "a delimiter not followed by CRLF";
      return std::nullopt;
    }
    pos += 2;
  }
}

// Records of RFC 4180 fields; every record ends in CRLF; a CR or LF outside quotes elsewhere,
// or a quote inside an unquoted field, fails.
std::optional<std::vector<std::vector<std::string>>> read_csv(const std::string& text, std::string& why) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::size_t i = 0;
  while (i < text.size()) {
    std::string field;
    if (text[i] == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) {
          why = "an unterminated quoted field";
          return std::nullopt;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        if (text[i] == '"') {
          why = "a quote in an unquoted field";
          return std::nullopt;
        }
        field += text[i++];
      }
    }
    record.push_back(std::move(field));
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (text.compare(i, 2, "\r\n") != 0) {
      why = "a record not ended by CRLF at byte " + std::to_string(i);
      return std::nullopt;
    }
    i += 2;
    records.push_back(std::move(record));
    record.clear();
  }
  return records;
}

}  // namespace

TEST_SUITE("platform") {
  TEST_CASE("agents: the create body, the bare id answer, both reads, the archive and its 409") {
    emulator emu;
    canned c;
    // The document's 201: `data` is the id itself.
    c.answers["POST /agent"] = ok(R"({"status":true,"data":"60d0fe4f5311236168a109ca"})", 201);
    c.answers["GET /agent/60d0fe4f5311236168a109ca"] = ok(R"({"status":true,"data":{
      "_id":"60d0fe4f5311236168a109ca","name":"Sales caller","description":"Calls leads",
      "workflowType":"single_prompt","slmModel":"electron","language":{"default":"en","supported":["en","hi"]},
      "archived":false,"totalCalls":12.0,"activeVersionId":"v1","phoneNumber":["+13412184691"],
      "createdAt":"2025-07-04T12:35:02.821Z","updatedAt":"2025-07-07T08:11:35.327Z",
      "widgetConfig":{"theme":"dark"},
      "_resolvedConfig":{"prompt":"You are a sales agent.","firstMessage":"Hello!"}}})");
    c.answers["GET /agent"] = ok(R"({"status":true,"data":{"agents":[
      {"_id":"a1","name":"One","archived":true,"archivedAt":"2025-01-15T10:30:00.000Z"},
      {"_id":"a2","name":"Two","description":null}],"total":27}})");
    c.answers["DELETE /agent/a1/archive"] = ok(R"({"status":true,"data":{"message":"Agent archived"}})");
    c.answers["DELETE /agent/busy/archive"] = reply{
        .status = 409,
        .body =
            R"({"status":false,"errors":["Agent is associated with the running campaign \"Q3\". Complete or remove the campaign before archiving."]})"};
    c.install(emu);

    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};

      // co_await throws on failure; the id comes back as the string it is.
      atoms::agent_create_request request{.name = "Sales caller",
                                          .description = "Calls leads",
                                          .language = atoms::agent_language{"en", {"en", "hi"}},
                                          .first_message = "Hi, {{firstName}}",
                                          .telephony_product_ids = {"6867ca76d0f8f2e0f4201281"},
                                          .extra = {{"backgroundSound", "office"}}};
      const std::string id = co_await client.async_create_agent(request);
      CHECK(id == "60d0fe4f5311236168a109ca");
      const recorded_request sent = last(emu, "POST", "/agent");
      CHECK(header(sent, "Content-Type") == "application/json");
      CHECK(boost::json::parse(sent.body) == boost::json::parse(R"({"name":"Sales caller",
        "description":"Calls leads","language":{"default":"en","supported":["en","hi"]},
        "firstMessage":"Hi, {{firstName}}","telephonyProductId":["6867ca76d0f8f2e0f4201281"],
        "backgroundSound":"office"})"));

      atoms::diagnostics diag;
      auto [ec, a] = co_await client.async_get_agent(id, diag, tuple);
      REQUIRE_FALSE(ec);
      CHECK(a.id == id);
      CHECK(a.name == "Sales caller");
      CHECK(a.description == "Calls leads");
      CHECK(a.prompt == "You are a sales agent.");
      CHECK(a.first_message == "Hello!");
      REQUIRE(a.language);
      CHECK(a.language->default_language == "en");
      CHECK(a.language->supported == std::vector<std::string>{"en", "hi"});
      CHECK(a.archived == false);
      CHECK(a.total_calls == 12);
      CHECK(a.active_version_id == "v1");
      CHECK(a.phone_numbers == std::vector<std::string>{"+13412184691"});
      CHECK(a.created_at == atoms_test::utc(2025, 7, 4, 12, 35, 2, 821));
      CHECK(a.raw.at("widgetConfig").at("theme") == "dark");  // unknown keys kept
      CHECK(diag.http_status == 200);

      const atoms::agent_filter filter{.page = 2, .limit = 25, .search = "sales & co", .archived = true};
      auto [lec, page] = co_await client.async_get_agents(filter, diag, tuple);
      REQUIRE_FALSE(lec);
      REQUIRE(page.agents.size() == 2);
      CHECK(page.total == 27);
      CHECK(page.agents[0].archived == true);
      CHECK(page.agents[0].archived_at == atoms_test::utc(2025, 1, 15, 10, 30));
      CHECK_FALSE(page.agents[1].description);
      // The page size travels as `offset`.
      CHECK(last(emu, "GET", "/agent?").target ==
            "/atoms/v1/agent?page=2&offset=25&search=sales%20%26%20co&archived=true");

      const std::string a1 = "a1", busy = "busy";
      auto [dec] = co_await client.async_delete_agent(a1, diag, tuple);
      CHECK_FALSE(dec);
      auto [bec] = co_await client.async_delete_agent(busy, diag, tuple);
      CHECK(bec == atoms::make_http_error(409));
      CHECK(diag.http_status == 409);
      CHECK(diag.message.find("Complete or remove the campaign") != std::string::npos);
      bool thrown = false;
      try {
        co_await client.async_delete_agent(busy);
      } catch (const boost::system::system_error& e) {
        thrown = e.code() == atoms::make_http_error(409);
      }
      CHECK(thrown);

      // Refused before sending.
      const std::size_t before = emu.requests().size();
      const atoms::agent_create_request unnamed{};
      auto [eec, none] = co_await client.async_create_agent(unnamed, diag, tuple);
      CHECK(eec == atoms::errc::invalid_argument);
      CHECK(diag.message == "name must not be empty");
      const atoms::agent_filter page_zero{.page = 0};
      auto [pec, p0] = co_await client.async_get_agents(page_zero, diag, tuple);
      CHECK(pec == atoms::errc::invalid_argument);
      const std::string dots = "..";
      auto [iec, i0] = co_await client.async_get_agent(dots, diag, tuple);
      CHECK(iec == atoms::errc::invalid_argument);
      CHECK(emu.requests().size() == before);
    });
  }

  TEST_CASE("phone numbers: the document's item; a wrong type is a decode error naming its path") {
    emulator emu;
    canned c;
    c.answers["GET /product/phone-numbers"] = ok(R"({"status":true,"data":[
      {"_id":"6867ca76d0f8f2e0f4201281","productType":"telephony","isActive":false,"agentId":null,
       "attributes":{"provider":"twilio","phoneNumber":"+13412184691","countryCode":"US","areaCode":"341"},
       "createdAt":"2025-07-04T12:35:02.821Z","updatedAt":"2025-07-07T08:11:35.327Z","monthlyCost":1.15},
      {"_id":"6867ca76d0f8f2e0f4201282","isActive":true,"agentId":"60d0fe4f5311236168a109ca",
       "attributes":{"provider":"plivo","phoneNumber":"+919876543210"}}]})");
    c.install(emu);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      const std::vector<atoms::phone_number> numbers = co_await client.async_get_phone_numbers();
      REQUIRE(numbers.size() == 2);
      CHECK(numbers[0].id == "6867ca76d0f8f2e0f4201281");
      CHECK(numbers[0].number == "+13412184691");
      CHECK(numbers[0].provider == "twilio");
      CHECK(numbers[0].country_code == "US");
      CHECK(numbers[0].area_code == "341");
      CHECK(numbers[0].product_type == "telephony");
      CHECK(numbers[0].is_active == false);
      CHECK_FALSE(numbers[0].agent_id);
      CHECK(numbers[0].updated_at == atoms_test::utc(2025, 7, 7, 8, 11, 35, 327));
      CHECK(numbers[0].raw.at("monthlyCost") == 1.15);
      CHECK(numbers[1].agent_id == "60d0fe4f5311236168a109ca");
      CHECK(numbers[1].number == "+919876543210");

      canned bad;
      bad.answers["GET /product/phone-numbers"] =
          ok(R"({"status":true,"data":[{"_id":"x","attributes":{"phoneNumber":14155550100}}]})");
      bad.install(emu);
      atoms::diagnostics diag;
      auto [ec, none] = co_await client.async_get_phone_numbers(diag, tuple);
      CHECK(ec == atoms::errc::decode_error);
      CHECK(diag.message == "$.data[0].attributes.phoneNumber: expected a string, got a number");
    });
  }

  TEST_CASE("audiences: the CSV upload read back field by field, the reads, members added and deleted") {
    emulator emu;
    canned c;
    // The document's 200 (not 201) for a created audience.
    c.answers["POST /audience"] = ok(R"({"status":true,"data":{"_id":"60d0fe4f5311236168a109ca",
      "name":"Leads, \"hot\"","description":"List of customers","phoneNumberColumnName":"phoneNumber",
      "organization":"60d0fe4f5311236168a109cb","createdBy":"60d0fe4f5311236168a109cc",
      "createdAt":"2025-01-15T10:30:00.000Z","updatedAt":"2025-01-15T10:30:00.000Z"}})");
    // GET /audience: `data` is a bare array.
    c.answers["GET /audience"] = ok(R"({"status":true,"data":[{"_id":"60d0fe4f5311236168a109ca",
      "name":"My Customer List","memberCount":150,"hasCampaigns":true,
      "campaigns":[{"_id":"c1","name":"Q3","status":"running","createdAt":"2025-01-16T00:00:00.000Z"}]}]})");
    c.answers["GET /audience/60d0fe4f5311236168a109ca"] =
        ok(R"({"status":true,"data":{"_id":"60d0fe4f5311236168a109ca","name":"My Customer List"}})");
    c.answers["GET /audience/60d0fe4f5311236168a109ca/members"] = ok(R"({"status":true,"data":{"members":[
      {"_id":"60d0fe4f5311236168a109cd","data":{"phoneNumber":"+14155550100","firstName":"Zoë","lastName":"O'Brien"}},
      {"_id":"60d0fe4f5311236168a109ce","data":{"phoneNumber":"+1234567890","name":"John Doe","email":"john@example.com"}}],
      "totalCount":150,"totalPages":15,"hasMore":true}})");
    c.answers["POST /audience/60d0fe4f5311236168a109ca/members"] = ok(
        R"({"status":true,"data":[{"message":"2 members added successfully","data":{"added":2,"skipped":0}}]})");
    c.answers["DELETE /audience/60d0fe4f5311236168a109ca"] = ok(R"({"status":true,"data":[]})");
    c.install(emu);

    const std::vector<atoms::audience_member> members{
        {"+14155550100", "Zoë", "O'Brien"},           {"+442071838750", "Smith, Jr.", "says \"hi\""},
        {"+81312345678", "東京", std::nullopt},       {"+4915112345678", "two\r\nlines", "bare\nLF"},
        {"+12025550123", std::nullopt, std::nullopt},
    };
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::audience_create_request request{
          .name = "Leads, \"hot\"", .description = "List of customers", .members = members};
      const atoms::audience created = co_await client.async_create_audience(request);
      CHECK(created.id == "60d0fe4f5311236168a109ca");
      CHECK(created.phone_number_column_name == "phoneNumber");
      CHECK(created.raw.at("organization") == "60d0fe4f5311236168a109cb");

      const recorded_request sent = last(emu, "POST", "/audience");
      const std::string type = header(sent, "Content-Type");
      const std::string prefix = "multipart/form-data; boundary=";
      REQUIRE(type.rfind(prefix, 0) == 0);
      const std::string boundary = type.substr(prefix.size());
      CHECK(boundary.size() >= 20);
      std::string why;
      const auto parts = read_multipart(sent.body, boundary, why);
      REQUIRE_MESSAGE(parts, why);
      REQUIRE(parts->size() == 4);
      std::map<std::string, part> by_name;
      for (const auto& p : *parts) by_name[p.name] = p;
      CHECK(by_name["name"].body == "Leads, \"hot\"");
      CHECK(by_name["description"].body == "List of customers");
      CHECK(by_name["phoneNumberColumnName"].body == "phoneNumber");
      const part& file = by_name["file"];
      CHECK(file.filename == "audience.csv");
      CHECK(file.headers.at("content-type") == "text/csv");
      CHECK(sent.body.find(boundary, 3) == sent.body.find("\r\n--" + boundary) + 4);  // only as a delimiter
      const auto csv = read_csv(file.body, why);
      REQUIRE_MESSAGE(csv, why);
      REQUIRE(csv->size() == members.size() + 1);
      CHECK((*csv)[0] == std::vector<std::string>{"phoneNumber", "firstName", "lastName"});
      for (std::size_t i = 0; i < members.size(); ++i) {
        CAPTURE(i);
        const std::vector<std::string> want{members[i].phone_number, members[i].first_name.value_or(""),
                                            members[i].last_name.value_or("")};
        CHECK((*csv)[i + 1] == want);
      }

      atoms::diagnostics diag;
      auto [lec, all] = co_await client.async_get_audiences(diag, tuple);
      REQUIRE_FALSE(lec);
      REQUIRE(all.size() == 1);
      CHECK(all[0].member_count == 150);
      CHECK(all[0].has_campaigns == true);
      REQUIRE(all[0].campaigns.size() == 1);
      CHECK(all[0].campaigns[0].status == atoms::campaign_status::running);

      const std::string aud = "60d0fe4f5311236168a109ca";
      const atoms::audience one = co_await client.async_get_audience(aud);
      CHECK(one.name == "My Customer List");

      const atoms::page_request third{.page = 3, .limit = 10};
      auto [mec, page] = co_await client.async_get_audience_members(aud, third, diag, tuple);
      REQUIRE_FALSE(mec);
      CHECK(last(emu, "GET", "/audience/60d0fe4f5311236168a109ca/members").target ==
            "/atoms/v1/audience/60d0fe4f5311236168a109ca/members?page=3&offset=10");
      REQUIRE(page.members.size() == 2);
      CHECK(page.members[0].id == "60d0fe4f5311236168a109cd");
      CHECK(page.members[0].phone_number == "+14155550100");
      CHECK(page.members[0].first_name == "Zoë");
      CHECK(page.members[0].last_name == "O'Brien");
      CHECK(page.members[1].data.at("email") == "john@example.com");
      CHECK_FALSE(page.members[1].first_name);
      CHECK(page.total_count == 150);
      CHECK(page.total_pages == 15);
      CHECK(page.has_more == true);

      std::vector<atoms::audience_member> more{{"+14155550101", "Ann", std::nullopt},
                                               {"+14155550102", std::nullopt, "Lee"}};
      auto [aec] = co_await client.async_add_audience_members(aud, more, diag, tuple);
      CHECK_FALSE(aec);
      CHECK(boost::json::parse(last(emu, "POST", "/audience/60d0fe4f5311236168a109ca/members").body) ==
            boost::json::parse(R"({"members":[{"phoneNumber":"+14155550101","firstName":"Ann"},
                                              {"phoneNumber":"+14155550102","lastName":"Lee"}]})"));

      co_await client.async_delete_audience(aud);  // data [] is a success
      CHECK(last(emu, "DELETE", "/audience/").target == "/atoms/v1/audience/60d0fe4f5311236168a109ca");
    });
  }

  TEST_CASE("audiences: numbers that are not E.164, no members or no name are refused, nothing sent") {
    CHECK(atoms::is_e164("+14155550100"));
    CHECK(atoms::is_e164("+12345678"));                // 8 digits
    CHECK(atoms::is_e164("+123456789012345"));         // 15 digits
    CHECK_FALSE(atoms::is_e164("+1234567"));           // 7
    CHECK_FALSE(atoms::is_e164("+1234567890123456"));  // 16
    CHECK_FALSE(atoms::is_e164("+04155550100"));       // first digit 0
    CHECK_FALSE(atoms::is_e164("14155550100"));        // no +
    CHECK_FALSE(atoms::is_e164("+1 415 555 0100"));
    CHECK_FALSE(atoms::is_e164("+"));
    CHECK_FALSE(atoms::is_e164(""));

    emulator emu;
    canned{}.install(emu);
    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::diagnostics diag;
      atoms::audience_create_request bad{
          .name = "x", .members = {{"+14155550100", {}, {}}, {"+14155550101", {}, {}}, {"0155", {}, {}}}};
      auto [ec, a] = co_await client.async_create_audience(bad, diag, tuple);
      CHECK(ec == atoms::errc::invalid_argument);
      CHECK(diag.message == R"(members[2].phone_number "0155" is not E.164 (+ and 8 to 15 digits))");

      atoms::audience_create_request empty{.name = "x"};
      auto [eec, e] = co_await client.async_create_audience(empty, diag, tuple);
      CHECK(eec == atoms::errc::invalid_argument);
      CHECK(diag.message == "members must not be empty");

      atoms::audience_create_request nameless{.name = " ", .members = {{"+14155550100", {}, {}}}};
      auto [nec, n] = co_await client.async_create_audience(nameless, diag, tuple);
      CHECK(nec == atoms::errc::invalid_argument);

      std::vector<atoms::audience_member> more{{"+1 415 555 0100", {}, {}}};
      const std::string a1 = "a1";
      auto [mec] = co_await client.async_add_audience_members(a1, more, diag, tuple);
      CHECK(mec == atoms::errc::invalid_argument);
      CHECK(diag.message.find("members[0].phone_number \"+1 415 555 0100\"") == 0);

      bool thrown = false;
      try {
        co_await client.async_create_audience(bad);
      } catch (const boost::system::system_error& e) {
        thrown = e.code() == atoms::errc::invalid_argument;
      }
      CHECK(thrown);
      CHECK(emu.requests().empty());
    });
  }

  TEST_CASE("campaigns: both shapes, the create body, start's 202, pause and delete without data") {
    emulator emu;
    canned c;
    // POST answers the raw document: agentId / audienceId strings.
    c.answers["POST /campaign"] = ok(R"({"status":true,"data":{"_id":"c1","name":"My Campaign",
      "description":"This is a campaign to test the API","organization":"o1",
      "agentId":"60d0fe4f5311236168a109ca","createdBy":"u1","audienceId":"60d0fe4f5311236168a109cb",
      "participantsCount":0,"scheduledAt":"2026-04-24T10:00:00.000Z","maxRetries":3,"retryDelay":15,
      "retryAttempts":0,"status":"scheduled","createdAt":"2026-04-20T10:00:00.000Z",
      "updatedAt":"2026-04-20T10:00:00.000Z","__v":0}})",
                                     201);
    // GET answers nested agent / audience objects, events and metrics.
    c.answers["GET /campaign/c1"] = ok(R"({"status":true,"data":{"campaign":{"_id":"c1","name":"My Campaign",
      "agent":{"_id":"60d0fe4f5311236168a109ca","name":"Sales caller","workflowType":"single_prompt"},
      "audience":{"_id":"60d0fe4f5311236168a109cb","name":"Leads"},"participantsCount":500,
      "status":"paused","maxRetries":3,"retryDelay":15.0,"retryAttempts":4,"pausedAt":"2026-04-24T11:00:00.000Z",
      "cancelledCallsCount":7,"error":null,"createdAt":"2026-04-20T10:00:00.000Z"},
      "events":[{"_id":"e1","triggerSource":"api","eventAction":"paused","createdAt":"2026-04-24T11:00:00.000Z"}],
      "metrics":{"total_participants":500,"contacts_called":247,"contacts_connected":150}}})");
    c.answers["GET /campaign"] = ok(R"({"status":true,"data":{"campaigns":[
      {"_id":"c1","name":"My Campaign","agent":{"_id":"a","name":"A"},"audience":{"_id":"b","name":"B"},
       "status":"archived_someday"}],
      "pagination":{"total":11,"page":2,"offset":5,"hasMore":true,"totalPages":3},"totalCampaignCount":40}})");
    c.answers["POST /campaign/c1/start"] = ok(
        R"({"status":true,"data":{"message":"Campaign is being processed","taskId":"t-9","campaignId":"c1"}})",
        202);
    c.answers["POST /campaign/c1/pause"] = ok(R"({"status":true})");
    c.answers["DELETE /campaign/c1"] = ok(R"({"status":true})");
    c.answers["GET /campaign/broken"] =
        ok(R"({"status":true,"data":{"campaign":{"_id":"c1","retryDelay":"15"}}})");
    c.install(emu);

    atoms_test::run([&](asio::io_context& io) -> asio::awaitable<void> {
      atoms::client client{io.get_executor(), options_for(emu)};
      atoms::campaign_create_request request{.name = "My Campaign",
                                             .agent_id = "60d0fe4f5311236168a109ca",
                                             .audience_id = "60d0fe4f5311236168a109cb",
                                             .phone_number_ids = {"60d0fe4f5311236168a109cc"},
                                             .description = "This is a campaign to test the API",
                                             .max_retries = 3,
                                             .retry_delay = std::chrono::minutes{15},
                                             .scheduled_at = atoms_test::utc(2026, 4, 24, 10)};
      const atoms::campaign created = co_await client.async_create_campaign(request);
      CHECK(boost::json::parse(last(emu, "POST", "/campaign").body) == boost::json::parse(R"({
        "name":"My Campaign","agentId":"60d0fe4f5311236168a109ca","audienceId":"60d0fe4f5311236168a109cb",
        "phoneNumberIds":["60d0fe4f5311236168a109cc"],"description":"This is a campaign to test the API",
        "maxRetries":3,"retryDelay":15,"scheduledAt":"2026-04-24T10:00:00.000Z"})"));
      CHECK(created.id == "c1");
      CHECK(created.status == atoms::campaign_status::scheduled);
      CHECK(created.agent_id == "60d0fe4f5311236168a109ca");
      CHECK_FALSE(created.agent_name);
      CHECK(created.audience_id == "60d0fe4f5311236168a109cb");
      CHECK(created.retry_delay == std::chrono::minutes{15});
      CHECK(created.scheduled_at == atoms_test::utc(2026, 4, 24, 10));
      CHECK(created.raw.at("__v") == 0);

      atoms::diagnostics diag;
      const std::string c1 = "c1", broken_id = "broken";
      auto [gec, details] = co_await client.async_get_campaign(c1, diag, tuple);
      REQUIRE_FALSE(gec);
      const atoms::campaign& got = details.campaign;
      CHECK(got.agent_id == "60d0fe4f5311236168a109ca");
      CHECK(got.agent_name == "Sales caller");
      CHECK(got.audience_id == "60d0fe4f5311236168a109cb");
      CHECK(got.audience_name == "Leads");
      CHECK(got.status == atoms::campaign_status::paused);
      CHECK(got.participants_count == 500);
      CHECK(got.retry_delay == std::chrono::minutes{15});
      CHECK(got.retry_attempts == 4);
      CHECK(got.paused_at == atoms_test::utc(2026, 4, 24, 11));
      CHECK(got.cancelled_calls_count == 7);
      CHECK_FALSE(got.error);
      REQUIRE(details.events.size() == 1);
      CHECK(details.events[0].event_action == "paused");
      CHECK(details.metrics.total_participants == 500);
      CHECK(details.metrics.contacts_called == 247);
      CHECK(details.metrics.contacts_connected == 150);

      const atoms::campaign_filter filter{
          .page = 2, .status = atoms::campaign_status::running, .search = "Q3"};
      auto [lec, page] = co_await client.async_get_campaigns(filter, diag, tuple);
      REQUIRE_FALSE(lec);
      CHECK(last(emu, "GET", "/campaign?").target ==
            "/atoms/v1/campaign?page=2&offset=5&status=running&search=Q3");
      REQUIRE(page.campaigns.size() == 1);
      CHECK(page.campaigns[0].status == atoms::campaign_status::unknown);
      CHECK(page.campaigns[0].status.raw == "archived_someday");
      CHECK(page.campaigns[0].agent_name == "A");
      CHECK(page.pagination.offset == 5);
      CHECK(page.pagination.has_more == true);
      CHECK(page.total_campaign_count == 40);

      const atoms::campaign_start started = co_await client.async_start_campaign(c1);
      CHECK(started.message == "Campaign is being processed");
      CHECK(started.task_id == "t-9");
      CHECK(started.campaign_id == "c1");

      auto [pec] = co_await client.async_pause_campaign(c1, diag, tuple);
      CHECK_FALSE(pec);
      CHECK(diag.http_status == 200);
      co_await client.async_delete_campaign(c1);

      auto [bec, broken] = co_await client.async_get_campaign(broken_id, diag, tuple);
      CHECK(bec == atoms::errc::decode_error);
      CHECK(diag.message == "$.data.campaign.retryDelay: expected an integer, got a string");

      // Refused before sending.
      const std::size_t before = emu.requests().size();
      const std::vector<std::pair<atoms::campaign_create_request, std::string>> refused{
          {{.name = "n", .agent_id = "a", .audience_id = "b", .max_retries = 11}, "max_retries"},
          {{.name = "n", .agent_id = "a", .audience_id = "b", .retry_delay = std::chrono::minutes{0}},
           "retry_delay"},
          {{.name = "n", .agent_id = "", .audience_id = "b"}, "agent_id"},
          {{.name = "", .agent_id = "a", .audience_id = "b"}, "name"}};
      for (const auto& entry : refused) {
        const std::string want = entry.second;
        CAPTURE(want);
        auto [vec, v] = co_await client.async_create_campaign(entry.first, diag, tuple);
        CHECK(vec == atoms::errc::invalid_argument);
        CHECK(diag.message.rfind(want, 0) == 0);
      }
      CHECK(emu.requests().size() == before);
    });
  }
}
