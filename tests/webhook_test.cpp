// Webhook deliveries: the X-Signature check and the typed events, from bodies shaped as the
// OpenAPI document's WebhookEvent* schemas.
#include <smallest/atoms/webhook.hpp>

#include "webhook_documents.hpp"

#include <doctest/doctest.h>

#include <string>

namespace atoms = smallest::atoms;
using atoms::webhook_errc;
using atoms_test::analytics_body;
using atoms_test::post_conversation_body;
using atoms_test::pre_conversation_body;
using atoms_test::webhook_secret;

namespace {

atoms::webhook_delivery deliver(const std::string& body) {
  const std::string sig = atoms::webhook_signature(body, webhook_secret);
  return atoms::read_webhook(body, sig, webhook_secret);
}

}  // namespace

TEST_SUITE("webhook") {
  TEST_CASE("the signature is HMAC-SHA256 in lowercase hex (RFC 4231, test case 2)") {
    CHECK(atoms::webhook_signature("what do ya want for nothing?", "Jefe") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(atoms::webhook_signature("", "key") ==
          "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0");
  }

  TEST_CASE("signature vectors: right, wrong, truncated, uppercase, not hex, another secret, missing") {
    const std::string& body = pre_conversation_body;
    const std::string right = atoms::webhook_signature(body, webhook_secret);
    REQUIRE(right.size() == 64);
    CHECK_FALSE(atoms::verify_webhook_signature(body, right, webhook_secret));
    CHECK_FALSE(atoms::verify_webhook_signature(body, " " + right + "\t", webhook_secret));

    std::string upper = right;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK_FALSE(atoms::verify_webhook_signature(body, upper, webhook_secret));

    std::string wrong = right;
    wrong[17] = wrong[17] == '0' ? '1' : '0';
    CHECK(atoms::verify_webhook_signature(body, wrong, webhook_secret) == webhook_errc::bad_signature);
    CHECK(atoms::verify_webhook_signature(body, right.substr(0, 63), webhook_secret) ==
          webhook_errc::bad_signature);
    CHECK(atoms::verify_webhook_signature(body, right.substr(0, 32), webhook_secret) ==
          webhook_errc::bad_signature);
    CHECK(atoms::verify_webhook_signature(body, right + "00", webhook_secret) == webhook_errc::bad_signature);
    CHECK(atoms::verify_webhook_signature(body, "", webhook_secret) == webhook_errc::bad_signature);
    std::string not_hex = right;
    not_hex[0] = 'g';
    CHECK(atoms::verify_webhook_signature(body, not_hex, webhook_secret) == webhook_errc::bad_signature);
    CHECK(atoms::verify_webhook_signature(body, atoms::webhook_signature(body, "another secret"),
                                          webhook_secret) == webhook_errc::bad_signature);
    CHECK(atoms::verify_webhook_signature(body + " ", right, webhook_secret) == webhook_errc::bad_signature);
    CHECK(atoms::verify_webhook_signature(body, std::nullopt, webhook_secret) ==
          webhook_errc::missing_signature);
    CHECK(atoms::verify_webhook_signature(body, right, "") == webhook_errc::no_secret);
  }

  TEST_CASE("pre-conversation decodes every member of the schema") {
    const atoms::webhook_delivery d = deliver(pre_conversation_body);
    REQUIRE_MESSAGE(!d.ec, d.message);
    REQUIRE(d.event.has_value());
    const auto* e = std::get_if<atoms::pre_conversation_event>(&*d.event);
    REQUIRE(e != nullptr);
    CHECK(atoms::event_type_name(*d.event) == "pre-conversation");
    CHECK(atoms::event_call_id(*d.event) == "CALL-1778226705739-7e4c17");
    CHECK(e->envelope.url == "https://example.com/webhook");
    CHECK(e->envelope.description == "Debt Collection Agent's Endpoint");
    CHECK(e->envelope.event == "69fc7dd072a0c1d28d948ace.pre-conversation");
    CHECK(e->envelope.id == "69fd96118fd277fc807e4c23");
    CHECK(e->agent_id == "69fc7dd072a0c1d28d948ace");
    CHECK(e->conversation_type == "telephonyOutbound");
    CHECK(e->to_phone == "+916296641821");
    CHECK(e->from_phone == "+918035317096");
    CHECK(e->extra.empty());
  }

  TEST_CASE("post-conversation decodes the call data, transcript and variables") {
    const atoms::webhook_delivery d = deliver(post_conversation_body);
    REQUIRE_MESSAGE(!d.ec, d.message);
    const auto* e = std::get_if<atoms::post_conversation_event>(&*d.event);
    REQUIRE(e != nullptr);
    CHECK(e->recording_url == "https://recordings.example.com/CALL-1778226705739-7e4c17.wav");
    CHECK(e->call_data.from_number == "+918035317096");
    CHECK(e->call_data.to_number == "+916296641821");
    CHECK(e->call_data.duration == doctest::Approx(49.350622));
    CHECK(e->call_data.status == atoms::call_status::completed);
    REQUIRE(e->call_data.direction.has_value());
    CHECK(*e->call_data.direction == atoms::call_type::telephony_outbound);
    REQUIRE(e->call_data.answer_time.has_value());
    REQUIRE(e->call_data.end_time.has_value());
    CHECK(*e->call_data.end_time - *e->call_data.answer_time == std::chrono::milliseconds(49'351));
    REQUIRE(e->transcript.size() == 2);
    CHECK(e->transcript[0].role == atoms::speaker_role::agent);
    CHECK(e->transcript[1].content == "Hi.");
    CHECK(e->variables.size() == 3);
    CHECK(e->variables.at("customer_name") == "Rahul Sharma");
  }

  TEST_CASE("analytics-completed types each metric by dispositionMetricType and keeps successMetrics") {
    const atoms::webhook_delivery d = deliver(analytics_body());
    REQUIRE_MESSAGE(!d.ec, d.message);
    const auto* e = std::get_if<atoms::analytics_completed_event>(&*d.event);
    REQUIRE(e != nullptr);
    CHECK(e->analytics.summary == "The customer agreed to pay on Friday.");
    REQUIRE(e->analytics.disposition_metrics.size() == 3);
    const atoms::disposition_metric* promised = e->analytics.find("payment_promised");
    REQUIRE(promised != nullptr);
    CHECK(std::get<std::string>(promised->typed()) == "yes");
    CHECK(promised->confidence == doctest::Approx(0.92));
    CHECK(promised->reasoning == "They said Friday.");
    CHECK(promised->prompt == "Did the customer promise to pay?");
    CHECK(std::get<bool>(e->analytics.find("escalation_needed")->typed()) == false);
    CHECK(std::get<std::int64_t>(e->analytics.find("promised_amount")->typed()) == 29000);
    REQUIRE(e->analytics.success_metrics.size() == 1);
    CHECK(std::get<std::int64_t>(e->analytics.success_metrics[0].typed()) == 7);
    CHECK_FALSE(e->call_data.direction.has_value());  // may be absent on this event
    CHECK(e->call_data.status == atoms::call_status::completed);
  }

  TEST_CASE("an unknown event type, a missing member, a wrong type and non-JSON are distinct errors") {
    atoms::webhook_delivery d = deliver(analytics_body("call-transferred"));
    CHECK(d.ec == webhook_errc::unknown_event);
    CHECK_FALSE(d.event.has_value());
    CHECK(d.message.find("$.metadata.eventType") != std::string::npos);
    CHECK(d.message.find("call-transferred") != std::string::npos);

    std::string no_end = post_conversation_body;
    no_end.replace(no_end.find(R"("endTime")"), 9, R"("endTimes")");
    d = deliver(no_end);
    CHECK(d.ec == webhook_errc::malformed_body);
    CHECK(d.message.find("$.metadata.callData.endTime") != std::string::npos);

    std::string no_id = pre_conversation_body;
    no_id.replace(no_id.find(R"("id")"), 4, R"("ID")");
    d = deliver(no_id);
    CHECK(d.ec == webhook_errc::malformed_body);
    CHECK(d.message.find("$.id") != std::string::npos);

    std::string wrong_type = analytics_body();
    wrong_type.replace(wrong_type.find(R"("summary": ")"), 12, R"("summary": 5, "x": ")");
    d = deliver(wrong_type);
    CHECK(d.ec == webhook_errc::malformed_body);
    CHECK(d.message.find("$.metadata.analytics.summary") != std::string::npos);

    d = deliver("{\"url\":");
    CHECK(d.ec == webhook_errc::malformed_body);
    d = deliver("[]");
    CHECK(d.ec == webhook_errc::malformed_body);
  }

  TEST_CASE("the size limit comes before the signature; the secret never appears in a message") {
    const std::string body = pre_conversation_body;
    atoms::webhook_delivery d = atoms::read_webhook(body, atoms::webhook_signature(body, webhook_secret),
                                                    webhook_secret, body.size() - 1);
    CHECK(d.ec == webhook_errc::body_too_large);
    d = atoms::read_webhook(body, std::nullopt, webhook_secret, 16);
    CHECK(d.ec == webhook_errc::body_too_large);  // not read, so not even checked for a signature

    // A signed body that quotes the secret where a string is expected: the message names the
    // path, never the secret (nor the signature).
    std::string leaky = pre_conversation_body;
    leaky.replace(leaky.find(R"("toPhone": ")"), 12, R"("toPhone": [")" + webhook_secret + R"("], "y": ")");
    const std::string sig = atoms::webhook_signature(leaky, webhook_secret);
    d = atoms::read_webhook(leaky, sig, webhook_secret);
    CHECK(d.ec == webhook_errc::malformed_body);
    CHECK(d.message.find(webhook_secret) == std::string::npos);
    CHECK(d.message.find(sig) == std::string::npos);
    for (int e = 1; e <= 6; ++e) {
      const std::string m = atoms::make_error_code(static_cast<webhook_errc>(e)).message();
      CHECK(m.find(webhook_secret) == std::string::npos);
      CHECK(m.find("unknown webhook error") == std::string::npos);
    }
    d = atoms::read_webhook(body, std::string(64, 'a'), webhook_secret);
    CHECK(d.ec == webhook_errc::bad_signature);
    CHECK(d.message.find(webhook_secret) == std::string::npos);
  }
}
