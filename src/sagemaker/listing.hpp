// The List operations of the hosting resources (ListModels, ListEndpointConfigs, ...): one implementation of
// SageMaker's sort, filter and pagination semantics, including its quirk of applying MaxResults before
// NameContains (a filtered page may be short or empty and still carry a NextToken).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "resources.hpp"

namespace sagebox::sagemaker {

// `input` is a validated List*Input. Returns {"<summary_list>": [...], "NextToken": ...}, serialized as it is
// written: a page of summaries is a fixed layout of strings and numbers, and building a JSON tree for it only to
// print it would cost more than all the rest of a List.
SerializedJson list_resources(const Context& context, const identity::Caller& caller, const ResourceKind& kind,
                    const Json& input);

// Pagination tokens: opaque, tamper-evident (HMAC-SHA256 with the database's secret), and bound to the
// account, region, resource type and sort that issued them.
struct TokenBinding {
  std::string account;
  std::string region;
  std::string type;
  std::string sort;  // "CreationTime:Descending", ...
};

// REQUIRES: cursor.name_key is UTF-8 (names are, by their patterns).
std::string encode_page_token(const std::string& secret, const TokenBinding& binding, const store::Cursor& cursor);

// nullopt for any token this binding did not issue (altered, foreign, another sort, garbage).
std::optional<store::Cursor> decode_page_token(const std::string& secret, const TokenBinding& binding,
                                               std::string_view token);

}  // namespace sagebox::sagemaker
