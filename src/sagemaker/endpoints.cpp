// CreateEndpoint, DescribeEndpoint, UpdateEndpoint, UpdateEndpointWeightsAndCapacities, DeleteEndpoint,
// ListEndpoints.
//
// An endpoint is stored as a record, not as its Describe document, because what Describe shows depends on the
// time of the call (endpoint_lifecycle.hpp):
//   {"EndpointName", "EndpointArn", "CreationTime": ms, "Phase": {...},
//    "Serving": deployment (absent until the first one is in service),
//    "Pending": deployment (what the phase brings in; absent when nothing does),
//    "LastDeploymentConfig", "FailureReason" (each absent when there is none),
//    "EndpointConfigName" (only once a create has failed: the configuration it named, which never served)}
// A deployment is what one endpoint configuration put in service:
//   {"EndpointConfigName", "StartTime": ms, "NewConfiguration": bool, "ProductionVariants": [variant],
//    "ShadowProductionVariants": [variant], "DataCaptureConfig": summary, "AsyncInferenceConfig",
//    "ExplainerConfig"}
// and a variant {"VariantName", "DeployedImages", "Weight", "InstanceCount", "ServerlessConfig", "InstanceType",
// "AcceleratorType", "ManagedInstanceScaling", "RoutingConfig"}, each member only when it applies.
// When the phase is over, Pending is what serves, unless the phase failed (Phase::failure_reason): then Pending
// is dropped and the reason becomes FailureReason. The record is brought up to date at the next write.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "endpoint_lifecycle.hpp"
#include "endpoint_record.hpp"
#include "listing.hpp"
#include "resources.hpp"
#include "sagebox/crypto.hpp"
#include "sagebox/error.hpp"

namespace sagebox::sagemaker {
namespace {

const char* const kVariantLists[] = {"ProductionVariants", "ShadowProductionVariants"};

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

// --- deployments: what an endpoint configuration and its models put in service ------------------------------

// The image as the registry resolved it: the repository pinned by digest. Registries are not reachable, so the
// digest is derived from the image text: stable for the same image, different for another.
std::string resolved_image(const std::string& image) {
  if (image.find("@sha256:") != std::string::npos) return image;
  std::string repository = image;
  const std::size_t slash = image.rfind('/');
  const std::size_t colon = image.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) repository.resize(colon);
  return repository + "@sha256:" + crypto::sha256_hex(image);
}

Json deployed_images(const Json& model, std::int64_t now) {
  Json images = Json::array();
  std::vector<const Json*> containers;
  if (model.contains("PrimaryContainer")) containers.push_back(&model["PrimaryContainer"]);
  // The model's own list, not a copy (value() returns one): the pointers are read after this loop.
  if (model.contains("Containers")) {
    for (const Json& container : model["Containers"]) containers.push_back(&container);
  }
  for (const Json* container : containers) {
    // A container from a model package names no image of its own.
    if (!container->contains("Image")) continue;
    const std::string image = (*container)["Image"].get<std::string>();
    images.push_back(
        {{"SpecifiedImage", image}, {"ResolvedImage", resolved_image(image)}, {"ResolutionTime", epoch_seconds(now)}});
  }
  return images;
}

Json variant_state(const Json& variant, const std::map<std::string, Json>& models, std::int64_t now) {
  Json state{{"VariantName", variant.at("VariantName")}};
  if (variant.contains("ModelName")) {
    state["DeployedImages"] = deployed_images(models.at(store::lowercase(variant["ModelName"].get<std::string>())), now);
  }
  if (variant.contains("InitialVariantWeight")) state["Weight"] = variant["InitialVariantWeight"].get<double>();
  if (variant.contains("InitialInstanceCount")) state["InstanceCount"] = variant["InitialInstanceCount"];
  for (const char* member : {"ServerlessConfig", "InstanceType", "AcceleratorType", "ManagedInstanceScaling",
                             "RoutingConfig"}) {
    if (variant.contains(member)) state[member] = variant[member];
  }
  return state;
}

Json capture_summary(const Json& capture) {
  // EnableCapture defaults to true (AWS's documentation); KmsKeyId only when one was set (observed).
  const bool enabled = capture.value("EnableCapture", true);
  Json summary{{"EnableCapture", enabled},
               {"CaptureStatus", enabled ? "Started" : "Stopped"},
               {"CurrentSamplingPercentage", capture.at("InitialSamplingPercentage")},
               {"DestinationS3Uri", capture.at("DestinationS3Uri")}};
  if (capture.contains("KmsKeyId")) summary["KmsKeyId"] = capture["KmsKeyId"];
  return summary;
}

Json deployment_of(const std::string& config_name, const Json& config, const std::map<std::string, Json>& models,
                   std::int64_t now) {
  Json deployment{{"EndpointConfigName", config_name}, {"StartTime", now}, {"NewConfiguration", true}};
  for (const char* list : kVariantLists) {
    if (!config.contains(list)) continue;
    Json& variants = deployment[list] = Json::array();
    for (const Json& variant : config[list]) variants.push_back(variant_state(variant, models, now));
  }
  if (config.contains("DataCaptureConfig")) deployment["DataCaptureConfig"] = capture_summary(config["DataCaptureConfig"]);
  for (const char* member : {"AsyncInferenceConfig", "ExplainerConfig", "MetricsConfig"}) {
    if (config.contains(member)) deployment[member] = config[member];
  }
  return deployment;
}

// The configuration a request names and the models its variants serve, read and checked in SageMaker's order:
// the configuration, then each model.
struct Deployable {
  Json config;
  std::map<std::string, Json> models;  // by lowercased name
  std::vector<store::Reference> references;  // the configuration, then its models
};

Deployable deployable(const Context& context, const identity::Caller& caller, const std::string& config_name) {
  auto config = context.resources.find(scope_of(caller), kEndpointConfigKind.type, config_name);
  if (!config) throw not_found(caller, kEndpointConfigKind, config_name);
  Deployable found{Json::parse(config->document), {}, {{std::string(kEndpointConfigKind.type), config_name}}};
  for (const char* list : kVariantLists) {
    for (const Json& variant : found.config.value(list, Json::array())) {
      if (!variant.contains("ModelName")) continue;
      const std::string model_name = variant["ModelName"].get<std::string>();
      const std::string key = store::lowercase(model_name);
      if (found.models.contains(key)) continue;
      auto model = context.resources.find(scope_of(caller), kModelKind.type, model_name);
      if (!model) throw not_found(caller, kModelKind, model_name);
      found.models.emplace(key, Json::parse(model->document));
      found.references.push_back({std::string(kModelKind.type), model_name});
    }
  }
  return found;
}

// --- the record at a point in time ------------------------------------------------------------------------------

struct RecordAt {
  Json record;  // with Pending folded into Serving once the phase is over
  StatusAt status;
};

RecordAt record_at(Json record, std::int64_t now) {
  const Phase phase = phase_from_json(record.at("Phase"));
  const StatusAt status = status_at(phase, now);
  if (!status.settled) return {std::move(record), status};
  if (!phase.failure_reason.empty()) {
    // AWS's rollback: what served before goes on serving (an update), or nothing ever served (a create).
    record["FailureReason"] = phase.failure_reason;
    if (record.contains("Pending")) {
      if (!record.contains("Serving")) record["EndpointConfigName"] = record["Pending"]["EndpointConfigName"];
      record.erase("Pending");
    }
  } else if (record.contains("Pending")) {
    record["Serving"] = std::move(record["Pending"]);
    record["Serving"]["NewConfiguration"] = false;
    record.erase("Pending");
  }
  return {std::move(record), status};
}

// The variant of `deployment`'s `list` called `name` (case-insensitively), or nullptr. Deployment is Json or
// const Json, and so is what the pointer points to.
template <typename Deployment>
Deployment* find_variant(Deployment& deployment, const std::string& list, const std::string& name) {
  if (!deployment.contains(list)) return nullptr;
  for (auto& variant : deployment[list]) {
    if (store::lowercase(variant.at("VariantName").template get<std::string>()) == store::lowercase(name)) {
      return &variant;
    }
  }
  return nullptr;
}

// A variant as ProductionVariantSummary shows it: Current* from what serves, Desired* from what is coming.
Json variant_summary(const Json& serving, const Json& desired) {
  Json summary{{"VariantName", serving.at("VariantName")}};
  if (serving.contains("DeployedImages")) summary["DeployedImages"] = serving["DeployedImages"];
  if (serving.contains("Weight")) {
    summary["CurrentWeight"] = serving["Weight"];
    summary["DesiredWeight"] = desired.value("Weight", serving["Weight"]);
  }
  if (serving.contains("InstanceCount")) {
    summary["CurrentInstanceCount"] = serving["InstanceCount"];
    summary["DesiredInstanceCount"] = desired.value("InstanceCount", serving["InstanceCount"]);
  }
  if (serving.contains("ServerlessConfig")) {
    summary["CurrentServerlessConfig"] = serving["ServerlessConfig"];
    summary["DesiredServerlessConfig"] = desired.value("ServerlessConfig", serving["ServerlessConfig"]);
  }
  for (const char* member : {"ManagedInstanceScaling", "RoutingConfig"}) {
    if (serving.contains(member)) summary[member] = serving[member];
  }
  return summary;
}

// A variant of a deployment that is not serving yet (PendingProductionVariantSummary).
Json pending_variant_summary(const Json& variant, std::int64_t start_ms) {
  Json summary{{"VariantName", variant.at("VariantName")}};
  if (variant.contains("DeployedImages")) summary["DeployedImages"] = variant["DeployedImages"];
  if (variant.contains("Weight")) summary["DesiredWeight"] = variant["Weight"];
  if (variant.contains("InstanceCount")) summary["DesiredInstanceCount"] = variant["InstanceCount"];
  for (const char* member : {"InstanceType", "AcceleratorType"}) {
    if (variant.contains(member)) summary[member] = variant[member];
  }
  summary["VariantStatus"] = Json::array(
      {{{"Status", "Creating"}, {"StatusMessage", "Creating the variant's capacity."}, {"StartTime", epoch_seconds(start_ms)}}});
  if (variant.contains("ServerlessConfig")) summary["DesiredServerlessConfig"] = variant["ServerlessConfig"];
  for (const char* member : {"ManagedInstanceScaling", "RoutingConfig"}) {
    if (variant.contains(member)) summary[member] = variant[member];
  }
  return summary;
}

// An endpoint whose create failed has neither Serving nor Pending: it shows its name, ARN, the configuration
// it was created with, Failed, its FailureReason and its times, and no ProductionVariants, no
// PendingDeploymentSummary and none of the configuration's DataCaptureConfig or AsyncInferenceConfig. That is
// the form of the failed-create DescribeEndpoint outputs users post (e.g. a container that fails its ping
// health check): nothing was ever deployed, so there is no fleet to summarize and no capture running.
Json describe(const Context& context, const RecordAt& at) {
  const Json& record = at.record;
  Json out{{"EndpointName", record.at("EndpointName")}, {"EndpointArn", record.at("EndpointArn")}};
  const Json* serving = record.contains("Serving") ? &record["Serving"] : nullptr;
  const Json* pending = record.contains("Pending") ? &record["Pending"] : nullptr;
  const bool new_configuration = pending && pending->at("NewConfiguration").get<bool>();
  // The configuration being deployed is the endpoint's from the moment it was asked for.
  const Json& named = pending && (new_configuration || !serving) ? *pending : serving ? *serving : record;
  out["EndpointConfigName"] = named.at("EndpointConfigName");
  if (serving) {
    // Weights and capacities on their way in are Desired*; a new configuration shows as pending instead.
    const Json* desired = pending && !new_configuration ? pending : nullptr;
    for (const char* list : kVariantLists) {
      if (!serving->contains(list)) continue;
      Json& summaries = out[list] = Json::array();
      for (const Json& variant : (*serving)[list]) {
        const Json* coming = desired ? find_variant(*desired, list, variant.at("VariantName").get<std::string>()) : nullptr;
        summaries.push_back(variant_summary(variant, coming ? *coming : Json::object()));
      }
    }
  }
  if (const Json* shown = serving ? serving : pending) {
    for (const char* member : {"DataCaptureConfig", "AsyncInferenceConfig", "ExplainerConfig", "MetricsConfig"}) {
      if (shown->contains(member)) out[member] = (*shown)[member];
    }
  }
  out["EndpointStatus"] = at.status.status;
  if (record.contains("FailureReason")) out["FailureReason"] = record["FailureReason"];
  out["CreationTime"] = epoch_seconds(record.at("CreationTime").get<std::int64_t>());
  out["LastModifiedTime"] = epoch_seconds(at.status.last_modified_ms);
  if (record.contains("LastDeploymentConfig")) out["LastDeploymentConfig"] = record["LastDeploymentConfig"];
  if (new_configuration) {
    const std::int64_t start = pending->at("StartTime").get<std::int64_t>();
    Json summary{{"EndpointConfigName", pending->at("EndpointConfigName")}};
    for (const char* list : kVariantLists) {
      if (!pending->contains(list)) continue;
      Json& summaries = summary[list] = Json::array();
      for (const Json& variant : (*pending)[list]) summaries.push_back(pending_variant_summary(variant, start));
    }
    summary["StartTime"] = epoch_seconds(start);
    out["PendingDeploymentSummary"] = std::move(summary);
  }
  return context.schema.project(kEndpointKind.describe_output, out);
}

// --- operations ---------------------------------------------------------------------------------------------

// The phase of a transition that starts now, lasting the transition delay, unless a rule of the lifecycle
// script claimed for it says otherwise.
Phase phase(const Context& context, std::string status, std::int64_t now, std::string then,
            const std::optional<LifecycleScript::Claim>& claim = std::nullopt) {
  Phase next{std::move(status), now, now + context.transition_delay_ms, std::move(then)};
  if (!claim) return next;
  if (claim->outcome().hold) next.end_ms = kHeldUntilReleased;
  if (!claim->outcome().failure_reason.empty()) {
    next.failure_reason = claim->outcome().failure_reason;
    // A failed update rolls back to InService; a failed create or delete leaves the endpoint Failed.
    if (next.status != "Updating") next.then = "Failed";
  }
  return next;
}

// The rule of the lifecycle script for `transition` of endpoint `name`, claimed; the caller commits it once the
// operation has succeeded.
std::optional<LifecycleScript::Claim> scripted(const Context& context, Transition transition,
                                               const identity::Caller& caller, std::string_view name) {
  return context.script.claim(transition, caller.account, caller.region, name);
}

// The record as the store keeps it, with what Describe answers once the phase is over, worked out now: most
// Describes come after that, and then cost no more than a stored document's. A held phase has no such time
// yet: its release stores the record again, with the end it then has.
store::Resource stored(const Context& context, std::string name, std::int64_t creation_ms, const Json& record) {
  const Phase phase = phase_from_json(record.at("Phase"));
  store::Lifecycle lifecycle = lifecycle_columns(phase);
  if (!phase.then.empty() && !phase.held()) {
    lifecycle.settled_document = describe(context, record_at(record, phase.end_ms)).dump();
  }
  return {std::move(name), creation_ms, record.dump(), std::move(lifecycle)};
}

Output create_endpoint(const Context& context, const identity::Caller& caller, const Json& input) {
  const std::string name = input.at("EndpointName").get<std::string>();
  const std::string config_name = input.at("EndpointConfigName").get<std::string>();
  const std::vector<store::Tag> tags = checked_tags(input.value("Tags", Json::array()));
  const Deployable target = deployable(context, caller, config_name);
  const std::int64_t now = context.clock();
  const std::string arn = resource_arn(caller, kEndpointKind.type, name);
  std::optional<LifecycleScript::Claim> script = scripted(context, Transition::kCreate, caller, name);
  Json record{{"EndpointName", name},
              {"EndpointArn", arn},
              {"CreationTime", now},
              {"Phase", phase_to_json(phase(context, "Creating", now, "InService", script))},
              {"Pending", deployment_of(config_name, target.config, target.models, now)}};
  if (input.contains("DeploymentConfig")) record["LastDeploymentConfig"] = input["DeploymentConfig"];
  // The configuration and its models are checked again inside the insert's transaction.
  const store::InsertResult result =
      context.resources.insert(scope_of(caller), kEndpointKind.type, stored(context, name, now, record), tags,
                               target.references);
  if (result.outcome == store::InsertResult::kMissingReference) {
    const store::Reference& missing = target.references[result.missing];
    throw not_found(caller, result.missing == 0 ? kEndpointConfigKind : kModelKind, missing.name);
  }
  if (result.outcome == store::InsertResult::kNameTaken) {
    throw ApiError::validation("Cannot create already existing endpoint " + in_quotes(arn) + ".");
  }
  if (script) script->commit();
  return Json{{"EndpointArn", arn}};
}

// Read-modify-write of an endpoint as it is now; `change` sees the record brought up to date and its status.
// Throws "Could not find endpoint" when there is none (or it is gone).
void change_endpoint(const Context& context, const identity::Caller& caller, const std::string& name,
                     const std::function<std::optional<Json>(RecordAt&, std::int64_t now)>& change) {
  const bool found = context.resources.replace(
      scope_of(caller), kEndpointKind.type, name, [&](const store::Resource& resource) -> std::optional<store::Resource> {
        const std::int64_t now = context.clock();
        RecordAt at = record_at(Json::parse(resource.document), now);
        if (at.status.gone()) throw not_found(caller, kEndpointKind, name);  // nothing written
        std::optional<Json> changed = change(at, now);
        if (!changed) return std::nullopt;
        return stored(context, resource.name, resource.creation_ms, *changed);
      });
  if (!found) throw not_found(caller, kEndpointKind, name);
}

Output describe_endpoint(const Context& context, const identity::Caller& caller, const Json& input) {
  const std::string name = input.at("EndpointName").get<std::string>();
  auto found = context.resources.find(scope_of(caller), kEndpointKind.type, name);
  if (!found) throw not_found(caller, kEndpointKind, name);
  const std::int64_t now = context.clock();
  if (found->lifecycle && found->lifecycle->settled_document && now >= found->lifecycle->phase_end_ms) {
    return SerializedJson{std::move(*found->lifecycle->settled_document)};
  }
  const RecordAt at = record_at(Json::parse(found->document), now);
  if (at.status.gone()) throw not_found(caller, kEndpointKind, name);
  return describe(context, at);
}

Output delete_endpoint(const Context& context, const identity::Caller& caller, const Json& input) {
  const std::string name = input.at("EndpointName").get<std::string>();
  std::optional<LifecycleScript::Claim> script = scripted(context, Transition::kDelete, caller, name);
  change_endpoint(context, caller, name, [&](RecordAt& at, std::int64_t now) -> std::optional<Json> {
    require_changeable(at.status.status, at.record.at("EndpointArn").get<std::string>(), true);
    // Gone at once: the row goes with its tags.
    if (context.transition_delay_ms == 0 && !script) return std::nullopt;
    at.record["Phase"] = phase_to_json(phase(context, "Deleting", now, "", script));
    return std::move(at.record);
  });
  if (script) script->commit();
  return Json::object();
}

// UpdateEndpoint's RetainAllVariantProperties: what serves now keeps its weight, instance count and data
// capture, except what ExcludeRetainedVariantProperties names.
void retain_properties(const Json& input, const Json& serving, Json& deployment) {
  if (!input.value("RetainAllVariantProperties", false)) return;
  std::set<std::string> excluded;
  for (const Json& property : input.value("ExcludeRetainedVariantProperties", Json::array())) {
    excluded.insert(property.at("VariantPropertyType").get<std::string>());
  }
  for (const char* list : kVariantLists) {
    if (!deployment.contains(list)) continue;
    for (Json& variant : deployment[list]) {
      const Json* current = find_variant(serving, list, variant.at("VariantName").get<std::string>());
      if (!current) continue;
      if (!excluded.contains("DesiredWeight") && current->contains("Weight") && variant.contains("Weight")) {
        variant["Weight"] = (*current)["Weight"];
      }
      if (!excluded.contains("DesiredInstanceCount") && current->contains("InstanceCount") &&
          variant.contains("InstanceCount")) {
        variant["InstanceCount"] = (*current)["InstanceCount"];
      }
    }
  }
  if (!excluded.contains("DataCaptureConfig")) {
    if (serving.contains("DataCaptureConfig")) {
      deployment["DataCaptureConfig"] = serving["DataCaptureConfig"];
    } else {
      deployment.erase("DataCaptureConfig");
    }
  }
}

Output update_endpoint(const Context& context, const identity::Caller& caller, const Json& input) {
  const std::string name = input.at("EndpointName").get<std::string>();
  const std::string config_name = input.at("EndpointConfigName").get<std::string>();
  // SageMaker reports a missing endpoint before anything about the configuration, which is read next.
  if (!context.resources.find(scope_of(caller), kEndpointKind.type, name)) throw not_found(caller, kEndpointKind, name);
  const Deployable target = deployable(context, caller, config_name);
  std::optional<LifecycleScript::Claim> script = scripted(context, Transition::kUpdate, caller, name);
  std::string arn;
  change_endpoint(context, caller, name, [&](RecordAt& at, std::int64_t now) -> std::optional<Json> {
    Json& record = at.record;
    arn = record.at("EndpointArn").get<std::string>();
    require_changeable(at.status.status, arn, false);
    const Json& serving = record.at("Serving");
    if (store::lowercase(serving.at("EndpointConfigName").get<std::string>()) == store::lowercase(config_name)) {
      throw ApiError::validation("Cannot update endpoint with the currently in use endpoint configuration " +
                                 in_quotes(config_name) + ".");
    }
    Json deployment = deployment_of(config_name, target.config, target.models, now);
    retain_properties(input, serving, deployment);
    record["Pending"] = std::move(deployment);
    record["Phase"] = phase_to_json(phase(context, "Updating", now, "InService", script));
    record.erase("FailureReason");
    if (input.contains("DeploymentConfig")) {
      record["LastDeploymentConfig"] = input["DeploymentConfig"];
    } else if (!input.value("RetainDeploymentConfig", false)) {
      record.erase("LastDeploymentConfig");
    }
    return std::move(record);
  });
  if (script) script->commit();
  return Json{{"EndpointArn", arn}};
}

void apply_desired(const Json& wanted, Json& variant) {
  const std::string variant_name = in_quotes(variant.at("VariantName").get<std::string>());
  if (wanted.contains("DesiredWeight")) {
    if (!variant.contains("Weight")) {
      throw ApiError::validation("Variant " + variant_name + " serves no model, so it has no weight to change.");
    }
    variant["Weight"] = wanted["DesiredWeight"].get<double>();
  }
  if (wanted.contains("DesiredInstanceCount")) {
    if (!variant.contains("InstanceCount")) {
      throw ApiError::validation("Variant " + variant_name +
                                 " is serverless: change its capacity with ServerlessUpdateConfig, not "
                                 "DesiredInstanceCount.");
    }
    variant["InstanceCount"] = wanted["DesiredInstanceCount"];
  }
  if (wanted.contains("ServerlessUpdateConfig")) {
    if (!variant.contains("ServerlessConfig")) {
      throw ApiError::validation("Variant " + variant_name +
                                 " is instance-based: change its capacity with DesiredInstanceCount, not "
                                 "ServerlessUpdateConfig.");
    }
    Json& serverless = variant["ServerlessConfig"];
    for (const auto& [key, value] : wanted["ServerlessUpdateConfig"].items()) serverless[key] = value;
    if (serverless.value("ProvisionedConcurrency", 0) > serverless.at("MaxConcurrency").get<std::int64_t>()) {
      throw ApiError::validation("ProvisionedConcurrency of variant " + variant_name +
                                 " must be less than or equal to its MaxConcurrency.");
    }
  }
}

Output update_weights_and_capacities(const Context& context, const identity::Caller& caller, const Json& input) {
  const std::string name = input.at("EndpointName").get<std::string>();
  std::optional<LifecycleScript::Claim> script = scripted(context, Transition::kUpdate, caller, name);
  std::string arn;
  change_endpoint(context, caller, name, [&](RecordAt& at, std::int64_t now) -> std::optional<Json> {
    Json& record = at.record;
    arn = record.at("EndpointArn").get<std::string>();
    require_changeable(at.status.status, arn, false);
    Json desired = record.at("Serving");
    desired["NewConfiguration"] = false;
    desired["StartTime"] = now;
    std::set<std::string> seen;
    for (const Json& wanted : input.at("DesiredWeightsAndCapacities")) {
      const std::string variant_name = wanted.at("VariantName").get<std::string>();
      if (!seen.insert(store::lowercase(variant_name)).second) {
        throw ApiError::validation("The variant " + in_quotes(variant_name) +
                                   " is named more than once in DesiredWeightsAndCapacities.");
      }
      Json* variant = find_variant(desired, kVariantLists[0], variant_name);
      if (!variant) variant = find_variant(desired, kVariantLists[1], variant_name);
      if (!variant) {
        throw ApiError::validation("The variant " + in_quotes(variant_name) + " does not exist in endpoint " +
                                   in_quotes(record.at("EndpointName").get<std::string>()) + ".");
      }
      apply_desired(wanted, *variant);
    }
    record["Pending"] = std::move(desired);
    record["Phase"] = phase_to_json(phase(context, "Updating", now, "InService", script));
    // As UpdateEndpoint: an update that succeeds clears the reason an earlier one failed.
    record.erase("FailureReason");
    return std::move(record);
  });
  if (script) script->commit();
  return Json{{"EndpointArn", arn}};
}

}  // namespace

std::vector<Service::Released> release_held_endpoints(const Context& context, const EndpointSelector& selector) {
  std::vector<Service::Released> released;
  for (const store::Located& held : context.resources.with_phase_end(kEndpointKind.type, kHeldUntilReleased)) {
    if (!selector.matches(held.scope.account, held.scope.region, held.name)) continue;
    bool was_held = false;  // a release at the same time may have come first
    context.resources.replace(held.scope, kEndpointKind.type, held.name,
                              [&](const store::Resource& resource) -> std::optional<store::Resource> {
                                Json record = Json::parse(resource.document);
                                Phase phase = phase_from_json(record.at("Phase"));
                                was_held = phase.held();
                                if (was_held) {
                                  phase.end_ms =
                                      std::max(context.clock(), phase.start_ms + context.transition_delay_ms);
                                  record["Phase"] = phase_to_json(phase);
                                }
                                return stored(context, resource.name, resource.creation_ms, record);
                              });
    if (was_held) released.push_back({held.scope.account, held.scope.region, held.name});
  }
  return released;
}

void add_endpoint_operations(OperationTable& table, const Context& context) {
  const auto add = [&](const std::string& operation,
                       Output (*handler)(const Context&, const identity::Caller&, const Json&)) {
    table[operation] = {operation + "Input", [&context, handler](const identity::Caller& caller, const Json& input) {
                          return handler(context, caller, input);
                        }};
  };
  add("CreateEndpoint", create_endpoint);
  add("DescribeEndpoint", describe_endpoint);
  add("UpdateEndpoint", update_endpoint);
  add("UpdateEndpointWeightsAndCapacities", update_weights_and_capacities);
  add("DeleteEndpoint", delete_endpoint);
  table["ListEndpoints"] = {"ListEndpointsInput", [&context](const identity::Caller& caller, const Json& input) {
                              return Output(list_resources(context, caller, kEndpointKind, input));
                            }};
}

}  // namespace sagebox::sagemaker

namespace sagebox::sagemaker {
namespace {

void require(bool holds, const std::string& where, std::string_view what) {
  if (!holds) throw ApiError::validation(where + ": must be " + std::string(what) + ".");
}

// A member that must be there, of the JSON type `is` checks.
void require_member(const Json& object, const std::string& where, const char* member, bool (Json::*is)() const,
                    std::string_view what) {
  const auto it = object.find(member);
  require(it != object.end() && ((*it).*is)(), where + "." + member, what);
}

void check_deployment(const Json& deployment, const std::string& where) {
  require(deployment.is_object(), where, "an object (a deployment)");
  require_member(deployment, where, "EndpointConfigName", &Json::is_string, "a string");
  require_member(deployment, where, "StartTime", &Json::is_number_integer, "an integer, ms since the epoch");
  require_member(deployment, where, "NewConfiguration", &Json::is_boolean, "true or false");
  for (const char* list : kVariantLists) {
    if (!deployment.contains(list)) continue;
    const std::string list_where = where + "." + list;
    require(deployment[list].is_array(), list_where, "an array of variants");
    for (std::size_t i = 0; i < deployment[list].size(); ++i) {
      const std::string variant_where = list_where + "[" + std::to_string(i) + "]";
      require(deployment[list][i].is_object(), variant_where, "an object (a variant)");
      require_member(deployment[list][i], variant_where, "VariantName", &Json::is_string, "a string");
    }
  }
}

}  // namespace

void check_endpoint_record(const Context& context, const Json& record, const std::string& where) {
  require(record.is_object(), where, "an object (an endpoint's record)");
  require_member(record, where, "EndpointName", &Json::is_string, "a string");
  require_member(record, where, "EndpointArn", &Json::is_string, "a string");
  require_member(record, where, "CreationTime", &Json::is_number_integer, "an integer, ms since the epoch");
  require_member(record, where, "Phase", &Json::is_object, "an object {\"Status\", \"Start\", \"End\", \"Then\"}");
  const Json& phase = record["Phase"];
  const std::string phase_where = where + ".Phase";
  require_member(phase, phase_where, "Status", &Json::is_string, "a string such as \"Creating\"");
  require_member(phase, phase_where, "Start", &Json::is_number_integer, "an integer, ms since the epoch");
  require_member(phase, phase_where, "End", &Json::is_number_integer, "an integer, ms since the epoch");
  require_member(phase, phase_where, "Then", &Json::is_string, "a string: \"InService\", \"Failed\", or \"\" (gone)");
  require(phase["End"].get<std::int64_t>() >= phase["Start"].get<std::int64_t>(), phase_where + ".End",
          "at or after Phase.Start");
  if (phase.contains("FailureReason")) {
    require(phase["FailureReason"].is_string(), phase_where + ".FailureReason",
            "a string: the FailureReason the phase ends with");
  }
  // A create that failed has served nothing and makes nothing: its record keeps only the configuration's name.
  require(record.contains("Serving") || record.contains("Pending") || record.contains("EndpointConfigName"), where,
          "an endpoint's record with \"Serving\" or \"Pending\" (or both): the deployment it serves or makes; "
          "or, after a failed create, \"EndpointConfigName\"");
  if (record.contains("EndpointConfigName")) {
    require(record["EndpointConfigName"].is_string(), where + ".EndpointConfigName", "a string");
  }
  for (const char* deployment : {"Serving", "Pending"}) {
    if (record.contains(deployment)) check_deployment(record[deployment], where + "." + deployment);
  }
  if (record.contains("FailureReason")) require(record["FailureReason"].is_string(), where + ".FailureReason", "a string");
  if (record.contains("LastDeploymentConfig")) {
    require(record["LastDeploymentConfig"].is_object(), where + ".LastDeploymentConfig", "an object");
  }
  // What Describe makes of the record during its phase and after it must be what DescribeEndpoint may answer.
  const Phase parsed = phase_from_json(phase);
  for (const std::int64_t at : {parsed.start_ms, parsed.end_ms}) {
    const RecordAt record_then = record_at(record, at);
    if (record_then.status.gone()) continue;
    const std::string when = at == parsed.start_ms ? "during its phase" : "after its phase";
    try {
      context.schema.validate(kEndpointKind.describe_output, describe(context, record_then));
    } catch (const ApiError& error) {
      throw ApiError::validation(where + ": DescribeEndpoint " + when + " would not be valid: " + error.message());
    } catch (const Json::exception& error) {
      throw ApiError::validation(where + ": DescribeEndpoint " + when + " cannot be made of it: " + error.what());
    }
  }
}

store::Resource stored_endpoint(const Context& context, std::string name, std::int64_t creation_ms,
                                const Json& record) {
  return stored(context, std::move(name), creation_ms, record);
}

}  // namespace sagebox::sagemaker
