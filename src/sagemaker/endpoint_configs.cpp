// CreateEndpointConfig, DescribeEndpointConfig, DeleteEndpointConfig, ListEndpointConfigs.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "resources.hpp"
#include "sagebox/error.hpp"

namespace sagebox::sagemaker {
namespace {

const char* const kVariantLists[] = {"ProductionVariants", "ShadowProductionVariants"};

// The models the variants name, in order: each must exist in the caller's account and region.
std::vector<std::string> referenced_models(const Json& input) {
  std::vector<std::string> models;
  for (const char* list : kVariantLists) {
    if (!input.contains(list)) continue;
    for (const Json& variant : input[list]) {
      if (variant.contains("ModelName")) models.push_back(variant["ModelName"].get<std::string>());
    }
  }
  return models;
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

std::string quoted(const Json& value) { return "\"" + value.get<std::string>() + "\""; }

void require_unique_variant_names(const Json& input) {
  std::set<std::string> seen;
  for (const char* list : kVariantLists) {
    for (const Json& variant : input.value(list, Json::array())) {
      if (!seen.insert(store::lowercase(variant.at("VariantName").get<std::string>())).second) {
        throw ApiError::validation("Variant names must be unique within an endpoint configuration: " +
                                   quoted(variant["VariantName"]) + " is used more than once.");
      }
    }
  }
}

void require_one_and_one_with_shadows(const Json& input) {
  if (!input.contains("ShadowProductionVariants")) return;
  if (input["ProductionVariants"].size() != 1 || input["ShadowProductionVariants"].size() != 1) {
    throw ApiError::validation(
        "An endpoint configuration with ShadowProductionVariants must have exactly one production variant and "
        "exactly one shadow variant.");
  }
}

// Instance-based or serverless, never both; a variant without a model (inference components) may be neither but
// needs the configuration's execution role.
void require_capacity_kind(const Json& input, const Json& variant) {
  const std::string name = quoted(variant.at("VariantName"));
  const bool instance_type = variant.contains("InstanceType");
  const bool instance_count = variant.contains("InitialInstanceCount");
  const bool serverless = variant.contains("ServerlessConfig");
  if (serverless && (instance_type || instance_count)) {
    throw ApiError::validation("Variant " + name +
                               " cannot be both instance-based (InstanceType, InitialInstanceCount) and serverless "
                               "(ServerlessConfig).");
  }
  if (!variant.contains("ModelName")) {
    if (!input.contains("ExecutionRoleArn")) {
      throw ApiError::validation("Variant " + name +
                                 " names no model (an inference component endpoint), so the endpoint configuration "
                                 "needs an ExecutionRoleArn.");
    }
    return;
  }
  if (!serverless && !(instance_type && instance_count)) {
    throw ApiError::validation("Variant " + name +
                               " must specify either both InstanceType and InitialInstanceCount, or ServerlessConfig.");
  }
}

void require_serverless_limits(const Json& variant) {
  if (!variant.contains("ServerlessConfig")) return;
  const Json& config = variant["ServerlessConfig"];
  const std::string name = quoted(variant.at("VariantName"));
  const auto memory = config.at("MemorySizeInMB").get<std::int64_t>();
  if (memory % 1024 != 0) {
    throw ApiError::validation("MemorySizeInMB of variant " + name + " must be a multiple of 1024, not " +
                               std::to_string(memory) + ".");
  }
  if (config.contains("ProvisionedConcurrency") &&
      config["ProvisionedConcurrency"].get<std::int64_t>() > config.at("MaxConcurrency").get<std::int64_t>()) {
    throw ApiError::validation("ProvisionedConcurrency of variant " + name +
                               " must be less than or equal to its MaxConcurrency.");
  }
}

void require_no_managed_scaling_with_model(const Json& variant) {
  if (variant.contains("ModelName") && variant.contains("ManagedInstanceScaling")) {
    throw ApiError::validation("ManagedInstanceScaling is only supported for inference component endpoints.");
  }
}

void require_unique_capture_modes(const Json& input) {
  if (!input.contains("DataCaptureConfig")) return;
  std::set<std::string> seen;
  for (const Json& option : input["DataCaptureConfig"].at("CaptureOptions")) {
    if (!seen.insert(option.at("CaptureMode").get<std::string>()).second) {
      throw ApiError::validation("CaptureOptions must not repeat a CaptureMode: " + quoted(option["CaptureMode"]) +
                                 " is given more than once.");
    }
  }
}

// The rules between members that the model cannot express, checked after the constraints and before any lookup.
void require_consistent(const Json& input) {
  require_unique_variant_names(input);
  require_one_and_one_with_shadows(input);
  for (const char* list : kVariantLists) {
    for (const Json& variant : input.value(list, Json::array())) {
      require_capacity_kind(input, variant);
      require_serverless_limits(variant);
      require_no_managed_scaling_with_model(variant);
    }
  }
  require_unique_capture_modes(input);
}

}  // namespace

void add_endpoint_config_operations(OperationTable& table, const Context& context) {
  table["CreateEndpointConfig"] = {"CreateEndpointConfigInput", [&context](const auto& caller, const Json& input) {
                                     require_consistent(input);
                                     Json stored = input;
                                     add_default_weights(stored);
                                     return Json{{"EndpointConfigArn",
                                                  create_resource(context, caller, kEndpointConfigKind,
                                                                  std::move(stored), referenced_models(input))}};
                                   }};
  add_describe_delete_list(table, context, kEndpointConfigKind);
}

}  // namespace sagebox::sagemaker
