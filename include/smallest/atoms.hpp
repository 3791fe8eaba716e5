// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_HPP
#define SMALLEST_ATOMS_HPP

// atoms-cpp: a C++20 coroutine client for the Smallest.ai Atoms API.
// Everything a user needs; the emulator for tests is <smallest/atoms/testing/emulator.hpp>.

#include <smallest/atoms/analytics_feed.hpp>
#include <smallest/atoms/call_range.hpp>
#include <smallest/atoms/client.hpp>
#include <smallest/atoms/details_range.hpp>
#include <smallest/atoms/error.hpp>
#include <smallest/atoms/models/agent.hpp>
#include <smallest/atoms/models/audience.hpp>
#include <smallest/atoms/models/call_details.hpp>
#include <smallest/atoms/models/call_log.hpp>
#include <smallest/atoms/models/campaign.hpp>
#include <smallest/atoms/models/phone_number.hpp>
#include <smallest/atoms/models/post_call_config.hpp>
#include <smallest/atoms/models/webhook.hpp>
#include <smallest/atoms/options.hpp>
#include <smallest/atoms/version.hpp>
#include <smallest/atoms/webhook.hpp>
#include <smallest/atoms/webhook_receiver.hpp>

#endif
