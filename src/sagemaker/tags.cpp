// AddTags, DeleteTags, ListTags: for every taggable resource, found by the ARN that Create and Describe return.
#include <array>
#include <vector>

#include "listing.hpp"
#include "resources.hpp"
#include "sagebox/error.hpp"

namespace sagebox::sagemaker {
namespace {

constexpr std::size_t kTagLimit = 50;
constexpr std::size_t kDefaultTagPage = 50;

// The resource an ARN names, if it is one of this caller's account and region.
struct ArnTarget {
  const ResourceKind* kind;
  std::string name;
};

std::optional<ArnTarget> parse_arn(const identity::Caller& caller, const std::string& arn) {
  static const std::array<const ResourceKind*, 3> kinds{&kModelKind, &kEndpointConfigKind, &kEndpointKind};
  // The ARN is matched case-insensitively, and only within the caller's own account and region.
  const std::string lowered = store::lowercase(arn);
  for (const ResourceKind* kind : kinds) {
    const std::string prefix = resource_arn(caller, kind->type, "");
    if (lowered.starts_with(prefix) && lowered.size() > prefix.size()) {
      return ArnTarget{kind, lowered.substr(prefix.size())};
    }
  }
  return std::nullopt;
}

ApiError no_resource() { return ApiError::validation("Resource does not exist"); }

ArnTarget target_of(const identity::Caller& caller, const Json& input) {
  auto target = parse_arn(caller, input.at("ResourceArn").get<std::string>());
  if (!target) throw no_resource();
  return *target;
}

Json add_tags(const Context& context, const identity::Caller& caller, const Json& input) {
  ArnTarget target = target_of(caller, input);
  const Json& tags = input.at("Tags");
  switch (context.resources.add_tags(scope_of(caller), target.kind->type, target.name, checked_tags(tags), kTagLimit)) {
    case store::TagWrite::kNoResource:
      throw no_resource();
    case store::TagWrite::kOverLimit:
      throw ApiError("ResourceLimitExceeded", "You can't add more than " + std::to_string(kTagLimit) +
                                                  " tags to a resource. Remove tags before adding new ones.");
    case store::TagWrite::kDone:
      break;
  }
  return Json{{"Tags", tags}};
}

Json delete_tags(const Context& context, const identity::Caller& caller, const Json& input) {
  ArnTarget target = target_of(caller, input);
  std::vector<std::string> keys = input.at("TagKeys").get<std::vector<std::string>>();
  if (!context.resources.delete_tags(scope_of(caller), target.kind->type, target.name, keys)) throw no_resource();
  return Json::object();
}

Json list_tags(const Context& context, const identity::Caller& caller, const Json& input) {
  ArnTarget target = target_of(caller, input);
  const TokenBinding binding{caller.account, caller.region, "tags/" + std::string(target.kind->type) + "/" + target.name,
                             "Position"};
  std::optional<std::int64_t> after;
  if (input.contains("NextToken")) {
    auto cursor = decode_page_token(context.token_secret, binding, input["NextToken"].get<std::string>());
    if (!cursor) throw ApiError::validation("Invalid pagination token");
    after = cursor->creation_ms;
  }
  const std::size_t max_results = input.value("MaxResults", kDefaultTagPage);
  auto rows = context.resources.tag_page(scope_of(caller), target.kind->type, target.name, after, max_results + 1);
  if (!rows) throw no_resource();
  const bool more = rows->size() > max_results;
  if (more) rows->resize(max_results);
  Json tags = Json::array();
  for (const store::TagRow& row : *rows) tags.push_back({{"Key", row.key}, {"Value", row.value}});
  Json output{{"Tags", std::move(tags)}};
  if (more) output["NextToken"] = encode_page_token(context.token_secret, binding, {rows->back().position, "", ""});
  return output;
}

}  // namespace

std::vector<store::Tag> checked_tags(const Json& tags) {
  std::vector<store::Tag> checked;
  for (const Json& tag : tags) {
    const std::string key = tag.at("Key").get<std::string>();
    if (store::lowercase(key).starts_with("aws:")) {
      throw ApiError::validation("Tag keys beginning with 'aws:' are reserved for AWS use: " + key);
    }
    checked.emplace_back(key, tag.value("Value", ""));
  }
  return checked;
}

void add_tag_operations(OperationTable& table, const Context& context) {
  table["AddTags"] = {"AddTagsInput",
                      [&context](const auto& caller, const Json& input) { return add_tags(context, caller, input); }};
  table["DeleteTags"] = {"DeleteTagsInput", [&context](const auto& caller, const Json& input) {
                           return delete_tags(context, caller, input);
                         }};
  table["ListTags"] = {"ListTagsInput",
                       [&context](const auto& caller, const Json& input) { return list_tags(context, caller, input); }};
}

}  // namespace sagebox::sagemaker
