// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_AGENT_BRANCHES_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_AGENT_BRANCHES_HPP

// The documents of the OpenAPI document's branch model (Branch, BranchSummary, Revision), as
// the emulator writes them from a branch_record. Every key of the schemas is present; what
// does not apply to a row is null, as the document says of Revision.

#include <smallest/atoms/testing/detail/dataset.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <string>
#include <string_view>

namespace smallest::atoms::testing::detail {

// The account's user, who creates, edits and publishes everything.
inline constexpr std::string_view emulated_user_id = "696c0a1b2c3d4e5f60718293";
inline constexpr std::string_view emulated_user_name = "Emulated User";

// The sections of VersionBlocks: a revision names one config block per section.
inline constexpr std::array<std::string_view, 13> version_block_sections = {
    "workflow_prompt", "workflow_tools", "workflow_graph", "llm",   "voice",   "language", "call_handling",
    "detection",       "analytics",      "timeouts",       "audio", "privacy", "widget"};

// A Revision (AgentVersion) row with every key, the ones that do not apply null.
inline boost::json::object revision_row(std::string_view id, std::string_view agent, std::string_view branch,
                                        std::string_view status, std::string_view at) {
  return boost::json::object{{"_id", id},
                             {"agent", agent},
                             {"status", status},
                             {"branch", branch},
                             {"revisionNumber", nullptr},
                             {"versionNumber", nullptr},
                             {"label", nullptr},
                             {"description", nullptr},
                             {"isPinned", false},
                             {"publishedBy", nullptr},
                             {"publishedAt", nullptr},
                             {"publishedByName", nullptr},
                             {"restoredFromLabel", nullptr},
                             {"draftId", nullptr},
                             {"draftName", nullptr},
                             {"draftRevision", nullptr},
                             {"sourceVersionId", nullptr},
                             {"blocks", boost::json::object{}},
                             {"workflowType", "single_prompt"},
                             {"parentVersion", nullptr},
                             {"isActive", false},
                             {"activatedBy", nullptr},
                             {"activatedAt", nullptr},
                             {"securityCheck", nullptr},
                             {"pendingPublish", nullptr},
                             {"restoredFromRevisionId", nullptr},
                             {"sourceDraftId", nullptr},
                             {"promptScore", nullptr},
                             {"promptScoreStale", false},
                             {"createdBy", emulated_user_id},
                             {"createdAt", at},
                             {"updatedAt", at}};
}

// The live branch serves production traffic; no route here makes another branch live, so
// it is always the default one.
inline bool is_live(const branch_record& b) { return b.is_default; }

inline const boost::json::object* head_revision(const branch_record& b) {
  return b.revisions.empty() ? nullptr : &b.revisions.back();
}

// Branch (AgentBranch).
inline boost::json::object branch_json(const std::string& agent_id, const branch_record& b) {
  const auto* head = head_revision(b);
  return boost::json::object{
      {"_id", b.id},
      {"agent", agent_id},
      {"name", b.name},
      {"isDefault", b.is_default},
      {"sourceBranchId", nullptr},
      {"sourceRevisionId", nullptr},
      {"headRevisionId", head ? head->at("_id") : boost::json::value(nullptr)},
      {"openDraftId", b.draft ? boost::json::value(b.draft->id) : boost::json::value(nullptr)},
      {"status", "active"},
      {"createdBy", emulated_user_id},
      {"updatedBy", emulated_user_id},
      {"createdAt", b.created_at},
      {"updatedAt", b.updated_at}};
}

// BranchSummary: the Branch under "branch", and the derived fields beside it.
inline boost::json::object branch_summary(const std::string& agent_id, const branch_record& b) {
  const auto* head = head_revision(b);
  return boost::json::object{
      {"branch", branch_json(agent_id, b)},
      {"isLive", is_live(b)},
      {"hasOpenDraft", b.draft.has_value()},
      {"revisionsCount", b.revisions.size()},
      {"headRevisionNumber", head ? head->at("revisionNumber") : boost::json::value(nullptr)}};
}

}  // namespace smallest::atoms::testing::detail

#endif
