#include "resources.hpp"

#include "listing.hpp"

#include <utility>
#include <vector>

#include "sagebox/error.hpp"
#include "sagebox/schema/partitions.hpp"

namespace sagebox::sagemaker {

std::string resource_arn(const identity::Caller& caller, std::string_view type, std::string_view name) {
  std::string arn = "arn:";
  arn += schema::partition_of(caller.region);
  arn += ":sagemaker:" + caller.region + ":" + caller.account + ":";
  arn += type;
  arn += '/';
  arn += store::lowercase(name);
  return arn;
}

store::Scope scope_of(const identity::Caller& caller) { return {caller.account, caller.region}; }

Json epoch_seconds(std::int64_t ms) { return Json(static_cast<double>(ms) / 1000.0); }

ApiError not_found(const identity::Caller& caller, const ResourceKind& kind, std::string_view name) {
  return ApiError::validation("Could not find " + std::string(kind.noun) + " \"" +
                              resource_arn(caller, kind.type, name) + "\".");
}

std::string create_resource(const Context& context, const identity::Caller& caller, const ResourceKind& kind,
                            Json input, const std::vector<std::string>& models) {
  const std::string name = input.at(std::string(kind.name_member)).get<std::string>();
  const std::string arn = resource_arn(caller, kind.type, name);
  std::vector<store::Tag> tags;
  if (auto it = input.find("Tags"); it != input.end()) {
    tags = checked_tags(*it);
    input.erase(it);
  }
  const std::int64_t created = context.clock();
  input[std::string(kind.arn_member)] = arn;
  input["CreationTime"] = epoch_seconds(created);
  // Describe's member order, whatever order the input came in.
  Json document = context.schema.project(kind.describe_output, input);
  store::Resource resource{name, created, document.dump(), std::nullopt};
  std::vector<store::Reference> references;
  for (const std::string& model : models) references.push_back({std::string(kModelKind.type), model});
  const store::InsertResult result = context.resources.insert(scope_of(caller), kind.type, resource, tags, references);
  if (result.outcome == store::InsertResult::kMissingReference) throw not_found(caller, kModelKind, models[result.missing]);
  if (result.outcome == store::InsertResult::kNameTaken) {
    throw ApiError::validation("Cannot create already existing " + std::string(kind.noun) + " \"" + arn + "\".");
  }
  return arn;
}

SerializedJson describe_resource(const Context& context, const identity::Caller& caller, const ResourceKind& kind,
                                 std::string_view name) {
  auto found = context.resources.find(scope_of(caller), kind.type, name);
  if (!found) throw not_found(caller, kind, name);
  return {std::move(found->document)};
}

void delete_resource(const Context& context, const identity::Caller& caller, const ResourceKind& kind,
                     std::string_view name) {
  if (!context.resources.erase(scope_of(caller), kind.type, name)) throw not_found(caller, kind, name);
}

void add_describe_delete_list(OperationTable& table, const Context& context, const ResourceKind& kind) {
  const std::string noun(kind.operation_noun);
  const std::string name_member(kind.name_member);
  table["Describe" + noun] = {"Describe" + noun + "Input", [&context, &kind, name_member](const auto& caller,
                                                                                           const Json& input) {
                                return describe_resource(context, caller, kind, input.at(name_member).get<std::string>());
                              }};
  table["Delete" + noun] = {"Delete" + noun + "Input",
                            [&context, &kind, name_member](const auto& caller, const Json& input) {
                              delete_resource(context, caller, kind, input.at(name_member).get<std::string>());
                              return Json::object();
                            }};
  table["List" + noun + "s"] = {"List" + noun + "sInput", [&context, &kind](const auto& caller, const Json& input) {
                                  return list_resources(context, caller, kind, input);
                                }};
}

}  // namespace sagebox::sagemaker
