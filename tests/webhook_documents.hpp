// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
//
// Webhook delivery bodies written by hand from the OpenAPI document's WebhookEvent* schemas
// and examples, shared by the tests of the decoder, the receiver and the example program.
#pragma once

#include <string>
#include <string_view>

namespace atoms_test {

inline const std::string webhook_secret = "whsec-7f3a9c1e-test-secret";

// The document's examples, in the documented shapes.
inline const std::string pre_conversation_body = R"({
  "url": "https://example.com/webhook",
  "description": "Debt Collection Agent's Endpoint",
  "event": "69fc7dd072a0c1d28d948ace.pre-conversation",
  "id": "69fd96118fd277fc807e4c23",
  "metadata": {
    "agentId": "69fc7dd072a0c1d28d948ace",
    "eventType": "pre-conversation",
    "conversationType": "telephonyOutbound",
    "toPhone": "+916296641821",
    "fromPhone": "+918035317096",
    "callId": "CALL-1778226705739-7e4c17"
  }
})";

inline const std::string call_data_json = R"({
      "fromNumber": "+918035317096",
      "toNumber": "+916296641821",
      "callDuration": 49.350622,
      "callStatus": "completed",
      "callDirection": "telephony_outbound",
      "answerTime": "2026-05-08T07:51:45.739Z",
      "endTime": "2026-05-08T07:52:35.090Z"
    })";

inline const std::string post_conversation_body = R"({
  "url": "https://example.com/webhook",
  "description": "Debt Collection Agent's Endpoint",
  "event": "69fc7dd072a0c1d28d948ace.post-conversation",
  "id": "69fd96118fd277fc807e4c24",
  "metadata": {
    "agentId": "69fc7dd072a0c1d28d948ace",
    "eventType": "post-conversation",
    "conversationType": "telephonyOutbound",
    "callId": "CALL-1778226705739-7e4c17",
    "recordingUrl": "https://recordings.example.com/CALL-1778226705739-7e4c17.wav",
    "callData": )" + call_data_json + R"(,
    "transcript": [
      {"role": "agent", "content": "Hello, this is Nisha.", "timestamp": "2026-05-08T07:51:46.000Z"},
      {"role": "user", "content": "Hi.", "timestamp": "2026-05-08T07:51:49.500Z"}
    ],
    "variables": {"agent_name": "Nisha", "customer_name": "Rahul Sharma", "due_amount": "29000"}
  }
})";

inline std::string analytics_body(std::string_view event_type = "analytics-completed") {
  return R"({
  "url": "https://example.com/webhook",
  "description": "Debt Collection Agent's Endpoint",
  "event": "69fc7dd072a0c1d28d948ace.)" +
         std::string(event_type) + R"(",
  "id": "69fd96118fd277fc807e4c25",
  "metadata": {
    "agentId": "69fc7dd072a0c1d28d948ace",
    "eventType": ")" +
         std::string(event_type) + R"(",
    "conversationType": "telephonyOutbound",
    "callId": "CALL-1778226705739-7e4c17",
    "analytics": {
      "summary": "The customer agreed to pay on Friday.",
      "dispositionMetrics": [
        {"identifier": "payment_promised", "value": "yes", "confidence": 0.92, "reasoning": "They said Friday.",
         "dispositionMetricPrompt": "Did the customer promise to pay?", "dispositionMetricType": "ENUM"},
        {"identifier": "escalation_needed", "value": false, "confidence": 1, "reasoning": "No complaint.",
         "dispositionMetricPrompt": "Does this need a human?", "dispositionMetricType": "BOOLEAN"},
        {"identifier": "promised_amount", "value": 29000, "confidence": 0.8, "reasoning": "Stated.",
         "dispositionMetricPrompt": "How much?", "dispositionMetricType": "INTEGER"}
      ],
      "successMetrics": [
        {"identifier": "turn_taking_balance", "value": 7, "confidence": 1, "reasoning": "Even.",
         "dispositionMetricPrompt": "Rate the balance", "dispositionMetricType": "INTEGER"}
      ]
    },
    "callData": {
      "fromNumber": "+918035317096",
      "toNumber": "+916296641821",
      "callDuration": 49.350622,
      "callStatus": "completed",
      "answerTime": "2026-05-08T07:51:45.739Z",
      "endTime": "2026-05-08T07:52:35.090Z"
    }
  }
})";
}

}  // namespace atoms_test
