// CreateEndpointConfig, DescribeEndpointConfig, DeleteEndpointConfig, ListEndpointConfigs.
#include <string>

#include "listing.hpp"
#include "resources.hpp"
#include "sagebox/error.hpp"

namespace sagebox::sagemaker {
namespace {

const char* const kVariantLists[] = {"ProductionVariants", "ShadowProductionVariants"};

// Every model a variant names must exist in the caller's account and region.
void require_models(const Context& context, const identity::Caller& caller, const Json& input) {
  for (const char* list : kVariantLists) {
    if (!input.contains(list)) continue;
    for (const Json& variant : input[list]) {
      if (!variant.contains("ModelName")) continue;
      const std::string model = variant["ModelName"].get<std::string>();
      if (!context.resources.find(scope_of(caller), kModelKind.type, model)) throw not_found(caller, kModelKind, model);
    }
  }
}

// The one default SageMaker adds: a variant serving a model gets weight 1.0 when it names none.
void add_default_weights(Json& input) {
  for (const char* list : kVariantLists) {
    if (!input.contains(list)) continue;
    for (Json& variant : input[list]) {
      if (variant.contains("ModelName") && !variant.contains("InitialVariantWeight")) {
        variant["InitialVariantWeight"] = 1.0;
      }
    }
  }
}

std::string name_of(const Json& input) { return input.at("EndpointConfigName").get<std::string>(); }

}  // namespace

void add_endpoint_config_operations(OperationTable& table, const Context& context) {
  table["CreateEndpointConfig"] = {"CreateEndpointConfigInput", [&context](const auto& caller, const Json& input) {
                                     require_models(context, caller, input);
                                     Json stored = input;
                                     add_default_weights(stored);
                                     return Json{{"EndpointConfigArn",
                                                  create_resource(context, caller, kEndpointConfigKind, stored)}};
                                   }};
  table["DescribeEndpointConfig"] = {"DescribeEndpointConfigInput",
                                     [&context](const auto& caller, const Json& input) {
                                       return describe_resource(context, caller, kEndpointConfigKind, name_of(input));
                                     }};
  table["DeleteEndpointConfig"] = {"DeleteEndpointConfigInput", [&context](const auto& caller, const Json& input) {
                                     delete_resource(context, caller, kEndpointConfigKind, name_of(input));
                                     return Json::object();
                                   }};
  table["ListEndpointConfigs"] = {"ListEndpointConfigsInput", [&context](const auto& caller, const Json& input) {
                                    return list_resources(context, caller, kEndpointConfigKind, input);
                                  }};
}

}  // namespace sagebox::sagemaker
