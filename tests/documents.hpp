// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
//
// JSON texts written by hand from the OpenAPI document (reference/atoms-openapi.yaml), never
// produced by our own encoder, shared by the decoding tests and the encoding tests.
#pragma once

namespace atoms_test {

// A page of `GET /conversation` with the document's example values: every member of the item,
// plus what the service sends beyond the document (`updatedAt`, `organization`).
inline constexpr char const* full_page = R"json({
  "status": true,
  "data": {
    "logs": [
      {
        "_id": "60d0fe4f5311236168a109ca",
        "callId": "CALL-1737000000000-abc123",
        "status": "completed",
        "duration": 120,
        "from": "+15551234567",
        "to": "+15559876543",
        "type": "telephony_outbound",
        "agentId": "60d0fe4f5311236168a109cb",
        "recordingUrl": "https://storage.example.com/recordings/call-123.mp3",
        "recordingDualUrl": "https://storage.example.com/recordings/call-123-dual.mp3",
        "disconnectionReason": "user_hangup",
        "retryCount": 0,
        "createdAt": "2025-01-15T10:30:00.000Z",
        "updatedAt": "2025-01-15T10:32:41.250Z",
        "dispositionMetrics": {"interested": "yes", "follow_up_needed": "no", "score": 8},
        "agentDispositionConfig": [
          {"identifier": "interested", "type": "ENUM"},
          {"identifier": "follow_up_needed", "type": "BOOLEAN"},
          {"identifier": "score", "type": "INTEGER"}
        ],
        "callFailureReason": "",
        "callCost": 1.35,
        "versionId": "67a1b2c3d4e5f6a7b8c9d0e1",
        "versionNumber": 3,
        "isTest": false,
        "retryCallId": "CALL-1737000000001-abc124",
        "retryAttemptNumber": 0,
        "postCallAnalytics": {
          "summary": "The customer asked about pricing and agreed to a follow-up.",
          "dispositionMetrics": [
            {"identifier": "interested", "value": "yes", "confidence": 0.92},
            {"identifier": "follow_up_needed", "value": "no", "confidence": 0.8}
          ]
        },
        "turnLatencyMetrics": {
          "avgLatency": 812.5,
          "medianLatency": 790,
          "minLatency": 640,
          "maxLatency": 1030,
          "turns": 3,
          "latencies": [640, 790, 1030],
          "transitions": [{"turn": 1, "user_end": 1736937000105, "bot_start": 1736937000745, "latency": 640}],
          "processedAt": "2025-01-15T10:32:40.000Z"
        },
        "organization": "696ddd281ea16a73cb8aafbe"
      },
      {
        "_id": "60d0fe4f5311236168a109cc",
        "callId": "CALL-1737000000002-def456",
        "status": "no_answer",
        "duration": 0,
        "type": "telephony_inbound",
        "disconnectionReason": "dial_no_answer",
        "retryCount": 2,
        "createdAt": "2025-01-15T10:35:00.000Z",
        "isTest": true
      }
    ],
    "pagination": {"total": 150, "page": 1, "limit": 10, "hasMore": true, "totalPages": 15},
    "dispositionMetricsConfig": [
      {"identifier": "interested", "type": "ENUM"},
      {"identifier": "follow_up_needed", "type": "BOOLEAN"},
      {"identifier": "score", "type": "INTEGER"}
    ]
  }
})json";

}  // namespace atoms_test
