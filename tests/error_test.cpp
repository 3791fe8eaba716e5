// The error model, error bodies and URL handling: no network needed.
#include <smallest/atoms.hpp>

#include <doctest/doctest.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <sstream>

namespace atoms = smallest::atoms;
namespace asio = boost::asio;
using atoms::condition;

TEST_SUITE("errors") {
  TEST_CASE("HTTP statuses answer the portable questions") {
    auto http = atoms::make_http_error;
    CHECK(http(404) == condition::not_found);
    CHECK_FALSE(http(400) == condition::not_found);
    CHECK(http(401) == condition::unauthenticated);
    CHECK(http(403) == condition::forbidden);
    CHECK(http(400) == condition::invalid_request);
    CHECK(http(422) == condition::invalid_request);
    CHECK(http(429) == condition::rate_limited);
    CHECK(http(503) == condition::server_error);
    CHECK(http(504) == condition::timeout);
    CHECK(http(408) == condition::timeout);
    for (unsigned s : {408u, 429u, 500u, 502u, 503u, 504u}) CHECK_MESSAGE(http(s) == condition::retryable, s);
    for (unsigned s : {400u, 401u, 403u, 404u, 409u, 501u})
      CHECK_FALSE_MESSAGE(http(s) == condition::retryable, s);
    CHECK(http(404).message() == "HTTP 404 Not Found: no such resource in the API key's organisation");
    CHECK(http(401).message().find("SMALLEST_API_KEY") != std::string::npos);
    CHECK(http(599).message() == "HTTP 599: the service failed; retry later");
    CHECK(http(302).message() == "HTTP 302");
  }

  TEST_CASE("our own codes, and transport codes as Asio and Beast give them") {
    CHECK(atoms::error_code(atoms::errc::missing_api_key) == condition::unauthenticated);
    CHECK(atoms::error_code(atoms::errc::invalid_argument) == condition::invalid_request);
    CHECK(atoms::error_code(atoms::errc::timeout) == condition::timeout);
    CHECK_FALSE(atoms::error_code(atoms::errc::decode_error) == condition::retryable);
    CHECK(atoms::error_code(boost::beast::error::timeout) == condition::timeout);
    CHECK(atoms::error_code(boost::beast::error::timeout) == condition::retryable);
    CHECK(atoms::error_code(asio::error::connection_reset) == condition::retryable);
    CHECK(atoms::error_code(asio::error::connection_refused) == condition::retryable);
    CHECK(atoms::error_code(boost::beast::http::error::end_of_stream) == condition::retryable);
    CHECK_FALSE(atoms::error_code(asio::error::operation_aborted) == condition::retryable);
    CHECK_FALSE(atoms::error_code(boost::beast::http::error::body_limit) == condition::retryable);
    CHECK(atoms::error_code(asio::ssl::error::stream_truncated) == condition::retryable);
    CHECK(atoms::error_code(static_cast<int>(0x0A000086), asio::error::get_ssl_category()) ==
          condition::tls_error);
    CHECK(atoms::error_code(atoms::errc::missing_api_key).message() ==
          "no API key: set SMALLEST_API_KEY or client_options::api_key");
    CHECK(std::string(atoms::client_category().name()) == "atoms");
    CHECK(std::string(atoms::http_category().name()) == "atoms.http");
  }

  TEST_CASE("describe and api_error carry the request, the status, the service's words and the request id") {
    atoms::diagnostics diag;
    diag.method = "GET";
    diag.path = "/atoms/v1/conversation/CALL-1";
    diag.http_status = 404;
    diag.message = "Conversation log not found";
    diag.request_id = "req-42";
    diag.attempts = 3;
    auto ec = atoms::make_http_error(404);
    std::string text = atoms::describe(ec, diag);
    CHECK(text ==
          "GET /atoms/v1/conversation/CALL-1: HTTP 404 Not Found: no such resource in the API key's "
          "organisation: "
          "Conversation log not found (request id req-42) after 3 attempts");
    atoms::api_error e(ec, diag);
    CHECK(std::string(e.what()) == text);
    CHECK(e.code() == condition::not_found);
    CHECK(e.diag().request_id == "req-42");
    std::ostringstream os;
    os << diag;
    CHECK(os.str().find("Conversation log not found") != std::string::npos);
    CHECK_NOTHROW(atoms::throw_if({}, diag));
    CHECK_THROWS_AS(atoms::throw_if(ec, diag), atoms::api_error);
  }

  TEST_CASE("error bodies of every shape the service sends, and some it should not") {
    auto read = [](std::string_view body) {
      atoms::diagnostics d;
      atoms::detail::read_error_body(body, "sk-secret-key", d);
      return d;
    };
    CHECK(read(R"({"status":false,"errors":["Invalid input"]})").message == "Invalid input");
    CHECK(read(R"({"status":false,"errors":["a","b"]})").message == "a; b");
    CHECK(read(R"({"status":false,"errors":[{"message":"field x"},"y"]})").message == "field x; y");
    auto conflict =
        read(R"({"status":false,"error_type":"publish_in_progress","errors":["Another publish"]})");
    CHECK(conflict.message == "Another publish");
    CHECK(conflict.error_type == "publish_in_progress");
    CHECK(read(R"({"message":"Too many requests","retry_after":3})").message == "Too many requests");
    CHECK(read(R"({"error":{"message":"Rate limit exceeded"},"code":429})").message == "Rate limit exceeded");
    CHECK(read(R"({"error":{"message":"Rate limit exceeded"},"code":429})").error_type == "429");
    CHECK(read(R"({"detail":"Not authenticated"})").message == "Not authenticated");
    auto html = read("<html><body><h1>502 Bad Gateway</h1>\n</body></html>");
    CHECK(html.message.empty());
    CHECK(html.body_excerpt.find("502 Bad Gateway") != std::string::npos);
    CHECK(html.body_excerpt.find('\n') == std::string::npos);
    CHECK(read("").message.empty());
    CHECK(read("").body_excerpt.empty());
    CHECK(read("[1,2]").body_excerpt == "[1,2]");
    CHECK(read(R"({"errors": true})").body_excerpt == R"({"errors": true})");
    CHECK(read(std::string(10000, 'x')).body_excerpt.size() == 200);
    // Masked before it is cut: no prefix of the key survives at the 200th byte.
    auto cut = read(std::string(190, 'x') + "sk-secret-key and more");
    CHECK(cut.body_excerpt.find("sk-") == std::string::npos);
    CHECK(cut.body_excerpt.find("***") != std::string::npos);
    auto echoed = read(R"({"errors":["bad key sk-secret-key"]})");
    CHECK(echoed.message == "bad key ***");
  }

  TEST_CASE("base URLs and path segments") {
    namespace h = atoms::http;
    h::endpoint e;
    std::string why;
    REQUIRE(h::parse_endpoint("https://api.smallest.ai/atoms/v1", e, why));
    CHECK(e.tls);
    CHECK(e.host == "api.smallest.ai");
    CHECK(e.port == "443");
    CHECK(e.host_header == "api.smallest.ai");
    CHECK(e.base_path == "/atoms/v1");
    REQUIRE(h::parse_endpoint("http://127.0.0.1:8080/api/v1/", e, why));
    CHECK_FALSE(e.tls);
    CHECK(e.port == "8080");
    CHECK(e.host_header == "127.0.0.1:8080");
    CHECK(e.base_path == "/api/v1");
    REQUIRE(h::parse_endpoint("https://[::1]:8443", e, why));
    CHECK(e.host == "::1");
    CHECK(e.host_header == "[::1]:8443");
    CHECK(e.base_path.empty());
    CHECK_FALSE(h::parse_endpoint("https://user:sk-pass@host/x", e, why));
    CHECK(why.find("sk-pass") == std::string::npos);
    CHECK_FALSE(h::parse_endpoint("mailto:x@y", e, why));
    CHECK_FALSE(h::parse_endpoint("https://host/x#frag", e, why));
    CHECK(h::encode_component("CALL-1737000000000-abc123") == "CALL-1737000000000-abc123");
    CHECK(h::encode_component("a/b?c=%41#x y") == "a%2Fb%3Fc%3D%2541%23x%20y");
    CHECK(h::encode_component("é") == "%C3%A9");
    CHECK(h::is_ip_literal("127.0.0.1"));
    CHECK(h::is_ip_literal("::1"));
    CHECK_FALSE(h::is_ip_literal("localhost"));
  }

  TEST_CASE("client_options defaults and from_env") {
    atoms::client_options o;
    CHECK(o.base_url == "https://api.smallest.ai/atoms/v1");
    CHECK(atoms::legacy_base_url == "https://atoms.smallest.ai/api/v1");
    ::setenv("SMALLEST_API_KEY", "sk-from-env", 1);
    ::setenv("SMALLEST_BASE_URL", "http://127.0.0.1:9/atoms/v1", 1);
    auto e = atoms::client_options::from_env();
    CHECK(e.api_key == "sk-from-env");
    CHECK(e.base_url == "http://127.0.0.1:9/atoms/v1");
    ::unsetenv("SMALLEST_BASE_URL");
    ::setenv("SMALLEST_API_KEY", "", 1);
    e = atoms::client_options::from_env();
    CHECK(e.api_key.empty());
    CHECK(e.base_url == atoms::default_base_url);
    ::unsetenv("SMALLEST_API_KEY");
  }

}  // TEST_SUITE
