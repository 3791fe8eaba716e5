// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_SRC_HPP
#define SMALLEST_ATOMS_SRC_HPP

// Building without CMake: include this file in exactly one .cpp of your program and link
// only OpenSSL (`-lssl -lcrypto`). It compiles the parts of Boost.JSON and Boost.URL that
// Debian ships as libraries, so do not also link libboost_json / libboost_url.
//
// With ATOMS_SEPARATE_COMPILATION defined in every translation unit, it also compiles the
// library's own non-template definitions here, once, instead of inline in every user.

#include <boost/json/src.hpp>
#include <boost/url/src.hpp>

#ifdef ATOMS_SEPARATE_COMPILATION
#include <smallest/atoms/http/impl/connection.ipp>
#include <smallest/atoms/http/impl/pool.ipp>
#include <smallest/atoms/http/impl/url.ipp>
#include <smallest/atoms/impl/agent.ipp>
#include <smallest/atoms/impl/analytics_feed.ipp>
#include <smallest/atoms/impl/audience.ipp>
#include <smallest/atoms/impl/call_details.ipp>
#include <smallest/atoms/impl/call_filter.ipp>
#include <smallest/atoms/impl/call_log.ipp>
#include <smallest/atoms/impl/call_range.ipp>
#include <smallest/atoms/impl/calls.ipp>
#include <smallest/atoms/impl/campaign.ipp>
#include <smallest/atoms/impl/client.ipp>
#include <smallest/atoms/impl/client_state.ipp>
#include <smallest/atoms/impl/details_range.ipp>
#include <smallest/atoms/impl/error.ipp>
#include <smallest/atoms/impl/metric_value.ipp>
#include <smallest/atoms/impl/multipart.ipp>
#include <smallest/atoms/impl/operation.ipp>
#include <smallest/atoms/impl/options.ipp>
#include <smallest/atoms/impl/phone_number.ipp>
#include <smallest/atoms/impl/platform.ipp>
#include <smallest/atoms/impl/post_call_config.ipp>
#include <smallest/atoms/impl/retry.ipp>
#include <smallest/atoms/impl/time.ipp>
#include <smallest/atoms/impl/webhook.ipp>
#include <smallest/atoms/impl/webhook_event.ipp>
#include <smallest/atoms/impl/webhook_model.ipp>
#include <smallest/atoms/impl/webhook_receiver.ipp>
#include <smallest/atoms/impl/webhooks.ipp>
#endif

#endif
