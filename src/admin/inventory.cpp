#include "sagebox/admin/inventory.hpp"

#include <optional>
#include <utility>
#include <variant>

#include "sagebox/error.hpp"
#include "sagebox/identity/caller.hpp"

namespace sagebox::admin {
namespace {

Json run(const sagemaker::Service& service, const std::string& operation, const identity::Caller& caller,
         const Json& input) {
  const sagemaker::Operation* found = service.find(operation);
  if (!found) throw ApiError("InternalFailure", "The service has no operation " + operation + ".", 500);
  sagemaker::Output output = found->handler(caller, input);
  if (auto* serialized = std::get_if<SerializedJson>(&output)) return Json::parse(serialized->text);
  return std::get<Json>(std::move(output));
}

Json every_tag(const sagemaker::Service& service, const identity::Caller& caller, const std::string& arn) {
  Json tags = Json::array();
  Json input{{"ResourceArn", arn}};
  for (;;) {
    Json page = run(service, "ListTags", caller, input);
    for (Json& tag : page["Tags"]) tags.push_back(std::move(tag));
    if (!page.contains("NextToken")) return tags;
    input["NextToken"] = page["NextToken"];
  }
}

// The resource as Describe and ListTags answer now; nothing when it is gone.
std::optional<Json> described(const sagemaker::Service& service, const ResourceAddress& address) {
  const identity::Caller caller{address.account, address.region, ""};
  Json document;
  try {
    document = run(service, "Describe" + address.type, caller, Json{{address.type + "Name", address.name}});
  } catch (const ApiError& error) {
    // Deleted between reading the addresses and describing it: SageMaker's "Could not find" is a
    // ValidationException.
    if (error.code() == "ValidationException") return std::nullopt;
    throw;
  }
  const auto arn = document.find(address.type + "Arn");
  if (arn == document.end() || !arn->is_string()) {
    throw ApiError("InternalFailure", "Describe" + address.type + " answered no " + address.type + "Arn.", 500);
  }
  Json tags = every_tag(service, caller, arn->get<std::string>());
  return Json{{"account", address.account}, {"region", address.region}, {"type", address.type},
              {"name", address.name},       {"arn", *arn},                {"document", std::move(document)},
              {"tags", std::move(tags)}};
}

}  // namespace

std::vector<ResourceAddress> addresses_in(const Json& state) {
  std::vector<ResourceAddress> addresses;
  for (const Json& resource : state.at("resources")) {
    addresses.push_back({resource.at("account").get<std::string>(), resource.at("region").get<std::string>(),
                         resource.at("type").get<std::string>(), resource.at("name").get<std::string>()});
  }
  return addresses;
}

Json describe_resources(const sagemaker::Service& service, const std::vector<ResourceAddress>& addresses) {
  Json resources = Json::array();
  for (const ResourceAddress& address : addresses) {
    if (std::optional<Json> resource = described(service, address)) resources.push_back(std::move(*resource));
  }
  return Json{{"resources", std::move(resources)}};
}

}  // namespace sagebox::admin
