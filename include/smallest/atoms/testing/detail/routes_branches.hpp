// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_BRANCHES_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_ROUTES_BRANCHES_HPP

// The OpenAPI document's way to change an agent's configuration ("Agent Versioning -
// Branches"): an agent has branches, each with at most one open draft and a chain of
// committed revisions. A write goes to the branch's draft (PUT .../draft, merged; the draft
// is opened by the first write), and a publish commits the draft as a new revision. A
// publish on the live branch changes the agent's configuration at once: what GET /agent/{id}
// and GET /agent/{id}/post-call-analytics return.
//
// Every handler answers 400 "No agent found" for an unknown agent (as GET /agent/{id} does)
// and 404 "Branch not found" for an unknown branch, both in the service's error shape. Each
// runs under the agent store's lock, so a publish is seen whole from any thread.

#include <smallest/atoms/testing/detail/agent_branches.hpp>
#include <smallest/atoms/testing/detail/conversation_query.hpp>
#include <smallest/atoms/testing/detail/dataset.hpp>
#include <smallest/atoms/testing/detail/post_call_config.hpp>
#include <smallest/atoms/testing/detail/router.hpp>
#include <smallest/atoms/testing/detail/synthetic_calls.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smallest::atoms::testing::detail {

inline std::string now_iso8601() {
  using namespace std::chrono;
  return iso8601(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

// A fresh id shaped like a Mongo ObjectId: seconds, a per-process random part, a counter.
inline std::string object_id() {
  static const unsigned process = std::random_device{}() & 0xffffffu;
  static std::atomic<unsigned long long> counter{0};
  const auto seconds = static_cast<unsigned long>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08lx%06x%010llx", seconds & 0xffffffffUL, process,
                counter.fetch_add(1) & 0xffffffffffULL);
  return buf;
}

// The fields a draft write recognises (UpdateBranchDraftRequest, plus postCallAnalyticsConfig
// from AgentDTO), each with the config-block section the service routes it to and the JSON
// type it must have. Their values are kept as given, except postCallAnalyticsConfig.
struct draft_field {
  enum class type { string, boolean, number, object };
  std::string_view name;
  std::string_view section;
  type kind;
};

inline constexpr std::array<draft_field, 26> draft_fields = {{
    {"postCallAnalyticsConfig", "analytics", draft_field::type::object},
    {"callDispositionConfig", "analytics", draft_field::type::object},
    {"globalPrompt", "workflow_prompt", draft_field::type::string},
    {"firstMessage", "workflow_prompt", draft_field::type::string},
    {"defaultVariables", "workflow_tools", draft_field::type::object},
    {"preCallAPI", "workflow_tools", draft_field::type::object},
    {"globalKnowledgeBaseId", "workflow_tools", draft_field::type::string},
    {"slmModel", "llm", draft_field::type::string},
    {"synthesizer", "voice", draft_field::type::object},
    {"pronunciationDicts", "voice", draft_field::type::object},
    {"speechFormatting", "voice", draft_field::type::object},
    {"enableStyleGuide", "voice", draft_field::type::boolean},
    {"language", "language", draft_field::type::object},
    {"timezone", "language", draft_field::type::string},
    {"muteUserUntilFirstBotResponse", "call_handling", draft_field::type::boolean},
    {"allowInterruptions", "call_handling", draft_field::type::boolean},
    {"waitForUserToSpeakFirst", "call_handling", draft_field::type::boolean},
    {"interruptionBackoffTimer", "call_handling", draft_field::type::number},
    {"smartTurnConfig", "call_handling", draft_field::type::object},
    {"voiceDetectionConfig", "detection", draft_field::type::object},
    {"voiceMailDetectionConfig", "detection", draft_field::type::object},
    {"llmIdleTimeoutConfig", "timeouts", draft_field::type::object},
    {"sessionTimeoutConfig", "timeouts", draft_field::type::object},
    {"backgroundSound", "audio", draft_field::type::string},
    {"denoisingConfig", "audio", draft_field::type::object},
    {"redactionConfig", "privacy", draft_field::type::object},
}};

inline bool has_type(const boost::json::value& v, draft_field::type t) {
  switch (t) {
    case draft_field::type::string: return v.is_string();
    case draft_field::type::boolean: return v.is_bool();
    case draft_field::type::number: return v.is_number();
    case draft_field::type::object: return v.is_object();
  }
  return false;
}

inline std::string_view type_name(draft_field::type t) {
  switch (t) {
    case draft_field::type::string: return "a string";
    case draft_field::type::boolean: return "a boolean";
    case draft_field::type::number: return "a number";
    case draft_field::type::object: return "an object";
  }
  return "";
}

// A PUT .../draft body, read and validated.
struct draft_write {
  boost::json::object fields;         // recognised fields; postCallAnalyticsConfig normalised
  std::vector<std::string> paths;     // leaf paths written, for the conflict check
  std::vector<std::string> sections;  // config-block sections touched
  std::optional<std::uint64_t> expected_revision;
};

inline http_answer errors_answer(unsigned status, const std::vector<std::string>& errors) {
  boost::json::array list;
  for (const auto& e : errors) list.emplace_back(e);
  return {status, to_json_text(boost::json::object{{"status", false}, {"errors", std::move(list)}})};
}

// ConflictErrorResponse: the error shape with a stable error_type.
inline http_answer conflict_answer(std::string_view error_type, std::string_view message) {
  return {409, to_json_text(boost::json::object{
                   {"status", false}, {"error_type", error_type}, {"errors", boost::json::array{message}}})};
}

// The body of PUT .../draft: a JSON object with at least one recognised field (an empty body,
// any other JSON, or only unknown keys answer 400 "No recognized config fields in request
// body"), each of its type, postCallAnalyticsConfig by the page's rules; an optional
// expectedRevision. nullopt when valid.
inline std::optional<http_answer> read_draft_write(std::string_view body, draft_write& out) {
  const http_answer unrecognised = error_answer(400, "No recognized config fields in request body");
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return unrecognised;
  const auto& in = parsed.get_object();
  std::vector<std::string> errors;
  if (const auto* e = in.if_contains("expectedRevision")) {
    if (e->is_uint64() || (e->is_int64() && e->get_int64() >= 0))
      out.expected_revision = e->to_number<std::uint64_t>();
    else
      errors.push_back("expectedRevision must be a non-negative integer");
  }
  for (const draft_field& f : draft_fields) {
    const auto* v = in.if_contains(f.name);
    if (v == nullptr) continue;
    if (std::find(out.sections.begin(), out.sections.end(), f.section) == out.sections.end())
      out.sections.emplace_back(f.section);
    if (f.name == "postCallAnalyticsConfig") {
      boost::json::object pca = read_post_call_config(*v, errors);
      for (const auto& kv : pca) out.paths.push_back("postCallAnalyticsConfig." + std::string(kv.key()));
      out.fields[f.name] = std::move(pca);
      continue;
    }
    if (!has_type(*v, f.kind))
      errors.push_back(std::string(f.name) + " must be " + std::string(type_name(f.kind)));
    out.paths.emplace_back(f.name);
    out.fields[f.name] = *v;
  }
  if (out.fields.empty()) return unrecognised;
  if (!errors.empty()) return errors_answer(400, errors);
  return std::nullopt;
}

// Merges a draft's fields into a configuration: postCallAnalyticsConfig key by key, the
// others whole.
inline void merge_config(boost::json::object& pca, boost::json::object& rest,
                         const boost::json::object& fields) {
  for (const auto& kv : fields) {
    if (kv.key() == "postCallAnalyticsConfig") {
      for (const auto& p : kv.value().get_object()) pca[p.key()] = p.value();
    } else {
      rest[kv.key()] = kv.value();
    }
  }
}

inline branch_record* find_branch(agent_record& a, const std::string& id) {
  for (auto& b : a.branches)
    if (b.id == id) return &b;
  return nullptr;
}

// Runs f(agent, branch) under the store's lock; the unknown-agent and unknown-branch answers.
template <class F>
http_answer with_branch(const route_request& req, dataset& data, F&& f) {
  auto answer = data.agents.update(req.param("id"), [&](agent_record& a) {
    branch_record* b = find_branch(a, req.param("branchId"));
    return b ? f(a, *b) : error_answer(404, "Branch not found");
  });
  return answer ? std::move(*answer) : error_answer(400, "No agent found");
}

// GET /agent/{id}/branches: {"branches": [BranchSummary]}, every (non-archived) branch.
inline http_answer list_branches(const route_request& req, dataset& data) {
  auto answer = data.agents.update(req.param("id"), [](agent_record& a) {
    boost::json::array branches;
    for (const auto& b : a.branches) branches.push_back(branch_summary(a.id, b));
    return data_answer(to_json_text(boost::json::object{{"branches", std::move(branches)}}));
  });
  return answer ? std::move(*answer) : error_answer(400, "No agent found");
}

// GET /agent/{id}/branches/{branchId}: BranchSummary.
inline http_answer get_branch(const route_request& req, dataset& data) {
  return with_branch(req, data, [](agent_record& a, branch_record& b) {
    return data_answer(to_json_text(branch_summary(a.id, b)));
  });
}

// PUT /agent/{id}/branches/{branchId}/draft: merges the write into the open draft (opening
// one on the head) and answers the Revision row of this edit (status "draft", draftRevision
// counting the draft's edits from 1; blocks: a new block for each section written).
// expectedRevision: 409 base_revision_unavailable when it is above the draft's revision (or
// > 0 with no draft open); 409 DraftConflictError naming the paths written since it that this
// write writes again.
inline http_answer put_branch_draft(const route_request& req, dataset& data) {
  draft_write w;
  const auto invalid = read_draft_write(req.body, w);
  return with_branch(req, data, [&](agent_record& a, branch_record& b) -> http_answer {
    if (invalid) return *invalid;
    const std::size_t latest = b.draft ? b.draft->edits.size() : 0;
    if (w.expected_revision) {
      if (*w.expected_revision > latest)
        return conflict_answer("base_revision_unavailable", "base_revision_unavailable");
      std::vector<std::string> clashes;
      boost::json::array diffs;
      for (std::size_t i = static_cast<std::size_t>(*w.expected_revision); i < latest; ++i)
        for (const auto& p : b.draft->edits[i].paths)
          if (std::find(w.paths.begin(), w.paths.end(), p) != w.paths.end() &&
              std::find(clashes.begin(), clashes.end(), p) == clashes.end())
            clashes.push_back(p);
      if (!clashes.empty()) {
        for (const auto& p : clashes) {
          const auto dot = p.find('.');
          const auto& cfg = b.draft->config;
          const boost::json::value* now =
              dot == std::string::npos
                  ? cfg.if_contains(p)
                  : cfg.at("postCallAnalyticsConfig").get_object().if_contains(p.substr(dot + 1));
          diffs.push_back(
              boost::json::object{{"path", p}, {"latestValue", now ? *now : boost::json::value()}});
        }
        boost::json::array errors;
        for (const auto& p : clashes) errors.emplace_back(p);
        return {409,
                to_json_text(boost::json::object{
                    {"status", false},
                    {"errors", std::move(errors)},
                    {"data", boost::json::object{
                                 {"conflict", boost::json::object{{"expectedRevision", *w.expected_revision},
                                                                  {"latestRevision", latest},
                                                                  {"diffs", std::move(diffs)}}}}}})};
      }
    }
    const auto* head = head_revision(b);
    if (!b.draft) {
      b.draft =
          draft_record{object_id(), {}, head ? head->at("blocks").get_object() : boost::json::object{}, {}};
    }
    draft_record& d = *b.draft;
    boost::json::object pca;
    if (const auto* p = d.config.if_contains("postCallAnalyticsConfig")) pca = p->get_object();
    merge_config(pca, d.config, w.fields);
    if (w.fields.contains("postCallAnalyticsConfig")) d.config["postCallAnalyticsConfig"] = std::move(pca);
    for (const auto& s : w.sections) d.blocks[s] = object_id();

    const std::string at = now_iso8601();
    boost::json::object row = revision_row(object_id(), a.id, b.id, "draft", at);
    row["draftId"] = d.id;
    row["draftRevision"] = d.edits.size() + 1;
    row["blocks"] = d.blocks;
    if (head) {
      row["sourceVersionId"] = head->at("_id");
      row["parentVersion"] = head->at("_id");
    }
    d.edits.push_back(draft_edit{row, std::move(w.paths), std::move(w.sections)});
    b.updated_at = at;
    return data_answer(to_json_text(row));
  });
}

// GET /agent/{id}/branches/{branchId}/draft: DraftDetail {latest, editCount, editHistory
// [{revision, changedSections, editorName}], oldest first}; 404 "No open draft on this
// branch" without one.
inline http_answer get_branch_draft(const route_request& req, dataset& data) {
  return with_branch(req, data, [](agent_record&, branch_record& b) {
    if (!b.draft) return error_answer(404, "No open draft on this branch");
    boost::json::array history;
    for (const auto& e : b.draft->edits) {
      boost::json::array sections;
      for (const auto& s : e.sections) sections.emplace_back(s);
      history.push_back(boost::json::object{{"revision", e.revision},
                                            {"changedSections", std::move(sections)},
                                            {"editorName", emulated_user_name}});
    }
    return data_answer(to_json_text(boost::json::object{{"latest", b.draft->edits.back().revision},
                                                        {"editCount", b.draft->edits.size()},
                                                        {"editHistory", std::move(history)}}));
  });
}

// DELETE /agent/{id}/branches/{branchId}/draft: {"discarded": true}; 404 "No open draft on
// this branch" without one.
inline http_answer discard_branch_draft(const route_request& req, dataset& data) {
  return with_branch(req, data, [](agent_record&, branch_record& b) {
    if (!b.draft) return error_answer(404, "No open draft on this branch");
    b.draft.reset();
    b.updated_at = now_iso8601();
    return data_answer(R"({"discarded":true})");
  });
}

// POST /agent/{id}/branches/{branchId}/draft/publish [{"label": "..."}]: commits the open
// draft as the branch's next revision (status "published", revisionNumber head + 1,
// securityCheck passed) and closes the draft; on the live branch the revision becomes the
// active one and the draft's fields the agent's configuration. 200 {"state": "committed",
// "revision": Revision}, or with `scanning` 202 {"state": "scanning"} (committed all the
// same). 404 "No open draft on this branch" without a draft, as the document says; 400 for a
// body that is not an object or a label that is not a string of at most 200 characters.
inline http_answer publish_branch_draft(const route_request& req, dataset& data, bool scanning) {
  std::optional<std::string> label;
  std::optional<http_answer> invalid;
  if (req.body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
    boost::system::error_code ec;
    const boost::json::value body = boost::json::parse(req.body, ec);
    if (ec || !body.is_object()) {
      invalid = error_answer(400, "The body must be a JSON object");
    } else if (const auto* l = body.get_object().if_contains("label"); l && !l->is_null()) {
      if (l->is_string() && l->get_string().size() <= 200)
        label = std::string(l->get_string());
      else
        invalid = error_answer(400, "label must be a string of at most 200 characters");
    }
  }
  return with_branch(req, data, [&](agent_record& a, branch_record& b) -> http_answer {
    if (invalid) return *invalid;
    if (!b.draft) return error_answer(404, "No open draft on this branch");
    const auto* head = head_revision(b);
    const std::string at = now_iso8601();
    boost::json::object row = revision_row(object_id(), a.id, b.id, "published", at);
    row["revisionNumber"] = head ? head->at("revisionNumber").to_number<std::int64_t>() + 1 : 1;
    if (label) row["label"] = *label;
    row["publishedBy"] = emulated_user_id;
    row["publishedAt"] = at;
    row["publishedByName"] = emulated_user_name;
    row["sourceDraftId"] = b.draft->id;
    row["blocks"] = b.draft->blocks;
    if (head) row["parentVersion"] = head->at("_id");
    row["securityCheck"] = boost::json::object{
        {"status", "passed"}, {"reason", nullptr}, {"triggeredAt", at}, {"completedAt", at}};
    if (is_live(b)) {
      for (auto& r : b.revisions) r["isActive"] = false;
      row["isActive"] = true;
      row["activatedBy"] = emulated_user_id;
      row["activatedAt"] = at;
      merge_config(a.post_call_config, a.config, b.draft->config);
    }
    b.revisions.push_back(row);
    b.draft.reset();
    b.updated_at = at;
    if (scanning) return {202, R"({"status":true,"data":{"state":"scanning"}})"};
    return data_answer(
        to_json_text(boost::json::object{{"state", "committed"}, {"revision", std::move(row)}}));
  });
}

// GET /agent/{id}/branches/{branchId}/revisions?limit=20&skip=0: {"revisions": [Revision],
// "total"}, committed revisions newest first; 400 for a limit outside 1..100 or a negative
// skip.
inline http_answer list_branch_revisions(const route_request& req, dataset& data) {
  std::int64_t limit = 20;
  std::int64_t skip = 0;
  if (auto l = req.query_param("limit")) {
    const auto v = parse_integer(*l);
    if (!v || *v < 1 || *v > 100) return error_answer(400, "limit must be an integer between 1 and 100");
    limit = *v;
  }
  if (auto s = req.query_param("skip")) {
    const auto v = parse_integer(*s);
    if (!v || *v < 0) return error_answer(400, "skip must be a non-negative integer");
    skip = *v;
  }
  return with_branch(req, data, [&](agent_record&, branch_record& b) {
    boost::json::array out;
    const auto total = static_cast<std::int64_t>(b.revisions.size());
    for (std::int64_t i = total - 1 - skip; i >= 0 && static_cast<std::int64_t>(out.size()) < limit; --i)
      out.push_back(b.revisions[static_cast<std::size_t>(i)]);
    return data_answer(to_json_text(boost::json::object{{"revisions", std::move(out)}, {"total", total}}));
  });
}

}  // namespace smallest::atoms::testing::detail

#endif
