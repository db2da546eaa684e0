// RuntimeProtocol (runtime_protocol.hpp): InvokeEndpoint and InvokeEndpointWithResponseStream.
#include "sagebox/runtime/runtime_protocol.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sagebox/crypto.hpp"
#include "sagebox/error.hpp"
#include "sagebox/log.hpp"
#include "sagebox/runtime/event_stream.hpp"
#include "sagebox/schema/partitions.hpp"

namespace sagebox::runtime {
namespace {

using Clock = std::chrono::system_clock;

// A journal entry keeps at most this much of an invocation's bodies: they may be 6 MiB each, and the journal
// holds a thousand entries.
constexpr std::size_t kJournalBodyBytes = 64 * 1024;

// The slice of an answer each PayloadPart event of a streamed answer carries.
constexpr std::size_t kStreamPartBytes = 64 * 1024;

// Statuses in which SageMaker keeps serving the endpoint's current deployment.
constexpr std::string_view kServingStatuses[] = {"InService", "Updating", "SystemUpdating", "RollingBack",
                                                 "UpdateRollbackFailed"};

bool is_serving(std::string_view status) {
  return std::find(std::begin(kServingStatuses), std::end(kServingStatuses), status) != std::end(kServingStatuses);
}

// The runtime's name pattern (EndpointName, TargetVariant): `^[a-zA-Z0-9](-*[a-zA-Z0-9])*`, matched whole.
constexpr std::string_view kNamePattern = "^[a-zA-Z0-9](-*[a-zA-Z0-9])*";

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool matches_name_pattern(std::string_view text) {
  if (text.empty() || !is_alnum(text.front()) || !is_alnum(text.back())) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// `\A\S[\p{Print}]*\z` on ASCII: a visible first character, then printable ones.
bool is_printable_id(std::string_view text) {
  if (text.empty() || text.front() == ' ') return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// Coral's message items for the request's members, in the model's member order.
class Violations {
 public:
  void add(std::string_view value, std::string_view member, std::string_view constraint) {
    items_.push_back("Value '" + std::string(value) + "' at '" + std::string(member) +
                     "' failed to satisfy constraint: " + std::string(constraint));
  }
  void check_length(std::string_view value, std::string_view member, std::size_t min, std::size_t max) {
    if (value.size() > max) add(value, member, "Member must have length less than or equal to " + std::to_string(max));
    if (value.size() < min) {
      add(value, member, "Member must have length greater than or equal to " + std::to_string(min));
    }
  }
  void throw_if_any() const {
    if (items_.empty()) return;
    std::string text = std::to_string(items_.size()) +
                       (items_.size() == 1 ? " validation error detected: " : " validation errors detected: ");
    for (std::size_t i = 0; i < items_.size(); ++i) text += (i ? "; " : "") + items_[i];
    throw ApiError("ValidationError", text);
  }

 private:
  std::vector<std::string> items_;
};

ApiError validation_error(std::string message) { return ApiError("ValidationError", std::move(message)); }

http::Response response_with_id(int status) {
  http::Response response;
  response.status = status;
  response.headers.emplace_back("x-amzn-RequestId", crypto::request_id());
  return response;
}

// A runtime error: REST-JSON puts the code in x-amzn-ErrorType, which the SDKs read first, and the message in the
// body's Message.
http::Response error_response(const ApiError& error, Json body = Json::object()) {
  http::Response response = response_with_id(error.http_status());
  response.content_type = "application/json";
  response.headers.emplace_back("x-amzn-ErrorType", error.code());
  body["Message"] = error.message();
  response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

Json output_json(const sagemaker::Output& output) {
  if (const auto* json = std::get_if<Json>(&output)) return *json;
  return Json::parse(std::get<SerializedJson>(output).text);
}

struct Variant {
  std::string name;
  std::string model;  // empty when the configuration is gone or does not name it
  double weight = 0;
};

// What the endpoint's current deployment says about routing, read through the service's Describe operations.
struct Plan {
  std::vector<Variant> production;
  std::vector<Variant> shadows;
  Json capture;  // the configuration's DataCaptureConfig; null when there is none
};
using PlanPtr = std::shared_ptr<const Plan>;

// A plan with the descriptions it was read from: the same texts make the same plan, so a call to an endpoint
// whose description and configuration have not changed skips parsing them, most of what routing costs.
struct ReadPlan {
  std::string endpoint_text;
  std::string config_name;
  std::string config_text;
  PlanPtr plan;
};

// Plans kept at most; past it the cache starts over (a load test over many endpoints, or a leak of names).
constexpr std::size_t kMaxKeptPlans = 1024;

// A request that has passed identity and validation.
struct Call {
  std::string_view operation;
  bool streaming = false;
  identity::Caller caller;
  std::string endpoint;  // decoded, as given
  std::string target_variant;
  Invocation invocation;  // endpoint, body and headers; the variant and model are filled in once chosen
  Clock::time_point arrived;
  Json input;  // what fault rules see: the members sent, the body left out
};

std::string log_group_url(const Call& call) {
  const std::string& region = call.caller.region;
  return "https://" + region + ".console.aws.amazon.com/cloudwatch/home?region=" + region +
         "#logEventViewer:group=/aws/sagemaker/Endpoints/" + call.endpoint + " in account " + call.caller.account +
         " for more information.";
}

http::Response model_error(const Call& call, int status, const std::string& message) {
  const bool client = status >= 400 && status < 500;
  const std::string text = std::string(client ? "Received client error (" : "Received server error (") +
                           std::to_string(status) + ") from model with message \"" + message + "\". See " +
                           log_group_url(call);
  Json body{{"OriginalStatusCode", status},
            {"OriginalMessage", message},
            {"LogStreamArn", "arn:" + std::string(schema::partition_of(call.caller.region)) + ":logs:" +
                                 call.caller.region + ":" + call.caller.account +
                                 ":log-group:/aws/sagemaker/Endpoints/" + call.endpoint}};
  return error_response(ApiError("ModelError", text, 424), std::move(body));
}

// The echo's answer: what routing decided, so that a test needs no container to check it.
ModelAnswer echo_answer(const Invocation& invocation) {
  Json body{{"Endpoint", invocation.endpoint},      {"Variant", invocation.variant},
            {"Model", invocation.model},            {"ContentType", invocation.content_type},
            {"Accept", invocation.accept},          {"CustomAttributes", invocation.custom_attributes},
            {"BodyLength", invocation.body.size()}};
  return {200, "application/json", body.dump(-1, ' ', false, Json::error_handler_t::replace),
          invocation.custom_attributes};
}

std::string journal_body(const std::string& body) { return admin::clipped_body(body, kJournalBodyBytes); }

}  // namespace

bool is_runtime_operation(std::string_view name) {
  return name == kInvokeEndpoint || name == kInvokeEndpointWithResponseStream;
}

struct RuntimeProtocol::Impl : std::enable_shared_from_this<RuntimeProtocol::Impl> {
  Impl(sagemaker::Service& service, identity::IdentityConfig identity, RuntimeParts parts)
      : service(service), identity(std::move(identity)), parts(parts),
        random(parts.random_seed ? *parts.random_seed : std::random_device{}()),
        sampling(parts.random_seed ? *parts.random_seed + 1 : std::random_device{}()) {}

  sagemaker::Service& service;
  const identity::IdentityConfig identity;
  const RuntimeParts parts;
  std::mutex random_mutex;
  // Variant choice and shadow shares draw from `random`, on the request's thread, in the order requests come;
  // capture sampling from `sampling`, which a shadow's answer reaches later on another thread. Apart, a seeded run
  // repeats its variant choices whatever the shadows and capture do.
  std::mt19937_64 random;
  std::mt19937_64 sampling;
  std::mutex plans_mutex;
  // By account, region and endpoint name; shared, so that a call holds its plan without copying the texts.
  std::unordered_map<std::string, std::shared_ptr<const ReadPlan>> plans;

  double draw() {
    std::lock_guard lock(random_mutex);
    return std::uniform_real_distribution<double>(0, 1)(random);
  }

  double sampling_draw() {
    std::lock_guard lock(random_mutex);
    return std::uniform_real_distribution<double>(0, 1)(sampling);
  }

  // --- the request ---------------------------------------------------------------------------------------

  Call prepare(const http::Request& request, std::string_view segment, bool streaming) const {
    Call call;
    call.arrived = Clock::now();
    call.streaming = streaming;
    call.operation = streaming ? kInvokeEndpointWithResponseStream : kInvokeEndpoint;
    call.caller = identity::identify(request, identity);
    call.endpoint = http::percent_decoded(segment);
    Invocation& invocation = call.invocation;
    invocation.account = call.caller.account;
    invocation.region = call.caller.region;
    invocation.endpoint = call.endpoint;
    invocation.content_type = std::string(request.header("content-type"));
    invocation.accept = std::string(request.header("accept"));
    invocation.custom_attributes = std::string(request.header("x-amzn-sagemaker-custom-attributes"));
    invocation.inference_id = std::string(request.header("x-amzn-sagemaker-inference-id"));
    call.target_variant = std::string(request.header("x-amzn-sagemaker-target-variant"));

    // In the model's member order: EndpointName, Body, ContentType, Accept, CustomAttributes, TargetModel,
    // TargetVariant, TargetContainerHostname, InferenceId.
    Violations violations;
    if (call.endpoint.size() > 63) {
      violations.check_length(call.endpoint, "endpointName", 0, 63);
    } else if (!matches_name_pattern(call.endpoint)) {
      violations.add(call.endpoint, "endpointName",
                     "Member must satisfy regular expression pattern: " + std::string(kNamePattern));
    }
    const std::pair<std::string_view, const std::string*> ascii_headers[] = {
        {"contentType", &invocation.content_type},
        {"accept", &invocation.accept},
        {"customAttributes", &invocation.custom_attributes}};
    for (const auto& [member, value] : ascii_headers) {
      violations.check_length(*value, member, 0, 1024);
      if (!is_ascii(*value)) violations.add(*value, member, "Member must satisfy regular expression pattern: \\p{ASCII}*");
    }
    if (request.has_header("x-amzn-sagemaker-target-variant")) {
      if (call.target_variant.size() > 63) {
        violations.check_length(call.target_variant, "targetVariant", 0, 63);
      } else if (!matches_name_pattern(call.target_variant)) {
        violations.add(call.target_variant, "targetVariant",
                       "Member must satisfy regular expression pattern: " + std::string(kNamePattern));
      }
    }
    if (request.has_header("x-amzn-sagemaker-inference-id")) {
      violations.check_length(invocation.inference_id, "inferenceId", 1, 64);
      if (!invocation.inference_id.empty() && !is_printable_id(invocation.inference_id)) {
        violations.add(invocation.inference_id, "inferenceId",
                       "Member must satisfy regular expression pattern: \\A\\S[\\p{Print}]*\\z");
      }
    }
    violations.throw_if_any();

    call.input = Json{{"EndpointName", call.endpoint}};
    if (!invocation.content_type.empty()) call.input["ContentType"] = invocation.content_type;
    if (!invocation.accept.empty()) call.input["Accept"] = invocation.accept;
    if (!call.target_variant.empty()) call.input["TargetVariant"] = call.target_variant;
    if (!invocation.inference_id.empty()) call.input["InferenceId"] = invocation.inference_id;
    invocation.body = request.body;
    return call;
  }

  // --- the endpoint ----------------------------------------------------------------------------------------

  sagemaker::Output describe_endpoint(const Call& call) const {
    try {
      return service.find("DescribeEndpoint")->handler(call.caller, {{"EndpointName", call.endpoint}});
    } catch (const ApiError& error) {
      if (error.code() != "ValidationException") throw;
      throw validation_error("Endpoint " + call.endpoint + " of account " + call.caller.account + " not found.");
    }
  }

  // Nothing when the configuration was deleted since it was deployed, which AWS allows: routing goes on by the
  // endpoint's own record, without model names (no container can be chosen) or data capture.
  std::optional<sagemaker::Output> describe_config(const Call& call, const std::string& name) const {
    try {
      return service.find("DescribeEndpointConfig")->handler(call.caller, {{"EndpointConfigName", name}});
    } catch (const ApiError&) {
      return std::nullopt;
    }
  }

  static const std::string* text_of(const sagemaker::Output& output) {
    const auto* serialized = std::get_if<SerializedJson>(&output);
    return serialized != nullptr ? &serialized->text : nullptr;
  }

  // The plan kept for `key` if it was read from `endpoint_text`; null otherwise.
  std::shared_ptr<const ReadPlan> kept_plan(const std::string& key, const std::string& endpoint_text) {
    std::lock_guard lock(plans_mutex);
    const auto found = plans.find(key);
    if (found == plans.end() || found->second->endpoint_text != endpoint_text) return nullptr;
    return found->second;
  }

  void keep_plan(const std::string& key, std::shared_ptr<const ReadPlan> read) {
    std::lock_guard lock(plans_mutex);
    if (plans.size() >= kMaxKeptPlans) plans.clear();
    plans[key] = std::move(read);
  }

  Json serving_endpoint(const Call& call, const sagemaker::Output& described) const {
    Json endpoint = output_json(described);
    const std::string status = endpoint.value("EndpointStatus", "");
    if (!is_serving(status)) {
      throw validation_error("Endpoint " + call.endpoint + " of account " + call.caller.account +
                             " is not in service (status " + status + ").");
    }
    return endpoint;
  }

  PlanPtr plan_for(const Call& call) {
    const std::string key = call.caller.account + '\n' + call.caller.region + '\n' + call.endpoint;
    const sagemaker::Output endpoint_output = describe_endpoint(call);
    const std::string* endpoint_text = text_of(endpoint_output);
    // The same endpoint text names the same configuration, and was serving when its plan was kept.
    const auto kept = endpoint_text != nullptr ? kept_plan(key, *endpoint_text) : nullptr;
    std::optional<Json> endpoint;
    if (!kept) endpoint = serving_endpoint(call, endpoint_output);
    const std::string config_name =
        kept ? kept->config_name : endpoint->at("EndpointConfigName").get<std::string>();
    const auto config_output = describe_config(call, config_name);
    const std::string* config_text = config_output ? text_of(*config_output) : nullptr;
    if (kept && config_text != nullptr && *config_text == kept->config_text) return kept->plan;

    if (!endpoint) endpoint = output_json(endpoint_output);
    const Json config = config_output ? output_json(*config_output) : Json(nullptr);
    auto plan = std::make_shared<Plan>();
    const auto variants = [&](const char* list, std::vector<Variant>& out) {
      for (const Json& summary : endpoint->value(list, Json::array())) {
        Variant variant{summary.at("VariantName").get<std::string>(), "", summary.value("CurrentWeight", 0.0)};
        if (config.is_object()) {
          for (const Json& configured : config.value(list, Json::array())) {
            if (configured.value("VariantName", "") == variant.name) variant.model = configured.value("ModelName", "");
          }
        }
        out.push_back(std::move(variant));
      }
    };
    variants("ProductionVariants", plan->production);
    variants("ShadowProductionVariants", plan->shadows);
    if (config.is_object() && endpoint->contains("DataCaptureConfig") && config.contains("DataCaptureConfig")) {
      plan->capture = config["DataCaptureConfig"];
    }
    if (endpoint_text != nullptr && config_text != nullptr) {
      keep_plan(key, std::make_shared<const ReadPlan>(ReadPlan{*endpoint_text, config_name, *config_text, plan}));
    }
    return plan;
  }

  const Variant& choose(const Call& call, const Plan& plan) {
    if (!call.target_variant.empty()) {
      for (const Variant& variant : plan.production) {
        if (variant.name == call.target_variant) return variant;
      }
      throw validation_error("Target variant " + call.target_variant + " is not found for endpoint " +
                             call.endpoint + ".");
    }
    double total = 0;
    for (const Variant& variant : plan.production) total += std::max(0.0, variant.weight);
    if (plan.production.empty() || total <= 0) {
      throw validation_error("Endpoint " + call.endpoint + " of account " + call.caller.account +
                             " has no production variant with a weight above 0; name one with "
                             "X-Amzn-SageMaker-Target-Variant.");
    }
    double point = draw() * total;
    for (const Variant& variant : plan.production) {
      point -= std::max(0.0, variant.weight);
      if (point < 0) return variant;
    }
    return plan.production.back();
  }

  // --- the answer --------------------------------------------------------------------------------------------

  http::Reply invoke(Call call) {
    PlanPtr plan = plan_for(call);
    const Variant& chosen = choose(call, *plan);
    call.invocation.variant = chosen.name;
    call.invocation.model = chosen.model;
    if (auto canned = parts.answers.take(call.caller.account, call.caller.region, call.endpoint)) {
      if (!canned->variant.empty()) call.invocation.variant = canned->variant;
      return finish(std::move(call), std::move(plan), canned->answer);
    }
    if (auto canned = parts.answers.take_moto(call.caller.account, call.caller.region, call.endpoint,
                                              call.invocation.body)) {
      if (!canned->variant.empty()) call.invocation.variant = canned->variant;
      return finish(std::move(call), std::move(plan), canned->answer);
    }
    const auto url = container_of(chosen.model);
    if (!url) {
      // Made before `call` moves into finish's parameter: the order in which a call's arguments are evaluated is
      // unspecified (gcc happened to make the echo first, clang makes it from the moved-from invocation).
      const ModelAnswer echo = echo_answer(call.invocation);
      return finish(std::move(call), std::move(plan), echo);
    }
    http::Reply reply;
    // On the connection's own loop: the call to the container and its answer need no other thread.
    reply.later = [self = shared_from_this(), call = std::move(call), plan = std::move(plan),
                   url = *url](const http::Loop& loop, std::function<void(http::Reply)> done) mutable {
      // Sent from its own copy: the callback below takes `call` by move, maybe before invoke_on() reads it.
      const Invocation invocation = call.invocation;
      self->parts.containers->invoke_on(
          loop, url, invocation,
          [self, call = std::move(call), plan = std::move(plan), url, done = std::move(done)](
              BackendResult result) mutable {
            done(self->answered(std::move(call), std::move(plan), url, std::move(result)));
          });
    };
    return reply;
  }

  std::optional<ContainerUrl> container_of(const std::string& model) const {
    if (model.empty() || parts.containers == nullptr) return std::nullopt;
    return parts.backends.find(model);
  }

  http::Reply answered(Call call, PlanPtr plan, const ContainerUrl& url, BackendResult result) {
    try {
      if (auto* answer = std::get_if<ModelAnswer>(&result)) return finish(std::move(call), std::move(plan), *answer);
      const BackendFailure& failure = std::get<BackendFailure>(result);
      if (failure.kind == BackendFailure::Kind::kTimeout) {
        return model_error(call, 0,
                           "Your invocation timed out while waiting for a response from container " +
                               call.invocation.variant +
                               ". Review the latency metrics for each container in Amazon CloudWatch, resolve the "
                               "issue, and try again.");
      }
      if (failure.kind == BackendFailure::Kind::kTooLarge) {
        return model_error(call, 0, "The answer of container " + call.invocation.variant +
                                        " is larger than the limit of " + std::to_string(kMaxInvocationBytes) +
                                        " bytes.");
      }
      return error_response(ApiError("ServiceUnavailable",
                                     "The container of model " + call.invocation.model + " (variant " +
                                         call.invocation.variant + " of endpoint " + call.endpoint +
                                         ") could not be reached at " + url.text + ": " + failure.detail + ".",
                                     503));
    } catch (const ApiError& error) {
      return error_response(error);
    } catch (const std::exception& error) {
      log::warn(std::string("invocation failed: ") + error.what());
      return error_response(ApiError::internal("An internal error occurred: " + std::string(error.what())));
    }
  }

  // The caller's answer to `answer`, once the capture has it and the shadows have their copies.
  http::Reply finish(Call call, PlanPtr plan, const ModelAnswer& answer) {
    capture(*plan, call.invocation, answer, call.arrived);
    shadow(call, plan);
    if (answer.status < 200 || answer.status > 299) return model_error(call, answer.status, answer.body);
    http::Response response = response_with_id(200);
    response.headers.emplace_back("x-Amzn-Invoked-Production-Variant", call.invocation.variant);
    if (!answer.custom_attributes.empty()) {
      response.headers.emplace_back("X-Amzn-SageMaker-Custom-Attributes", answer.custom_attributes);
    }
    const std::string content_type = answer.content_type.empty() ? "application/octet-stream" : answer.content_type;
    if (!call.streaming) {
      response.content_type = content_type;
      response.body = answer.body;
      return response;
    }
    response.content_type = "application/vnd.amazon.eventstream";
    response.headers.emplace_back("X-Amzn-SageMaker-Content-Type", content_type);
    for (std::size_t at = 0; at < answer.body.size(); at += kStreamPartBytes) {
      response.body += payload_part_event(std::string_view(answer.body).substr(at, kStreamPartBytes));
    }
    return response;
  }

  void capture(const Plan& plan, const Invocation& invocation, const ModelAnswer& answer, Clock::time_point time) {
    if (parts.capture == nullptr || plan.capture.is_null()) return;
    try {
      parts.capture->record(plan.capture, invocation, answer, time);
    } catch (const std::exception& error) {
      log::warn(std::string("data capture failed: ") + error.what());
    }
  }

  // Each shadow variant gets a copy with the chance its weight has against the production variants' (a shadow
  // weighted as much as all of them gets every request). Its answer is captured and journaled, never returned.
  void shadow(const Call& call, const PlanPtr& plan) {
    if (plan->shadows.empty()) return;
    double production = 0;
    for (const Variant& variant : plan->production) production += std::max(0.0, variant.weight);
    for (const Variant& variant : plan->shadows) {
      const double share = production > 0 ? variant.weight / production : 1;
      if (share < 1 && draw() >= share) continue;
      Invocation copy = call.invocation;
      copy.variant = variant.name;
      copy.model = variant.model;
      copy.shadow = true;
      const auto url = container_of(variant.model);
      if (!url) {
        shadow_answered(*plan, copy, echo_answer(copy), call.arrived);
        continue;
      }
      const Clock::time_point arrived = call.arrived;
      // Sent from its own copy: the callback below takes `copy` by move, maybe before invoke() reads it.
      const Invocation sent = copy;
      parts.containers->invoke(*url, sent,
                               [self = shared_from_this(), plan, copy = std::move(copy), arrived](BackendResult result) {
                                 if (const auto* answer = std::get_if<ModelAnswer>(&result)) {
                                   self->shadow_answered(*plan, copy, *answer, arrived);
                                 } else {
                                   self->shadow_answered(*plan, copy,
                                                         {0, "", std::get<BackendFailure>(result).detail, ""}, arrived);
                                 }
                               });
    }
  }

  void shadow_answered(const Plan& plan, const Invocation& invocation, const ModelAnswer& answer,
                       Clock::time_point arrived) {
    if (answer.status != 0) capture(plan, invocation, answer, arrived);
    if (parts.journal == nullptr || !parts.journal->enabled()) return;
    admin::JournalEntry entry = admin::JournalEntry::arriving(journal_body(invocation.body));
    entry.time = arrived;
    entry.operation = std::string(kInvokeEndpoint);
    entry.account = invocation.account;
    entry.region = invocation.region;
    entry.variant = invocation.variant;
    entry.shadow = true;
    entry.status = answer.status;
    entry.response = journal_body(answer.body);
    if (answer.status == 0) entry.connection = "unreachable";
    parts.journal->record(std::move(entry));
  }

  // --- around the call ---------------------------------------------------------------------------------------

  http::Reply serve(const http::Request& request, std::string_view segment, bool streaming) {
    admin::RequestJournal* journal = parts.journal != nullptr && parts.journal->enabled() ? parts.journal : nullptr;
    if (journal == nullptr) return reply_to(request, segment, streaming, nullptr);
    admin::JournalEntry entry = admin::JournalEntry::arriving(journal_body(request.body));
    entry.operation = std::string(streaming ? kInvokeEndpointWithResponseStream : kInvokeEndpoint);
    entry.response_limit = kJournalBodyBytes;
    http::Reply reply = reply_to(request, segment, streaming, &entry);
    return journal->journaled(std::move(reply), std::move(entry));
  }

  http::Reply reply_to(const http::Request& request, std::string_view segment, bool streaming,
                       admin::JournalEntry* entry) {
    try {
      Call call = prepare(request, segment, streaming);
      if (entry != nullptr) {
        entry->account = call.caller.account;
        entry->region = call.caller.region;
      }
      std::optional<admin::Fault> fault;
      if (parts.faults != nullptr) {
        fault = parts.faults->fire({call.operation, call.caller.account, call.caller.region, call.input});
      }
      if (!fault) return invoke(std::move(call));
      return faulted(*fault, std::move(call));
    } catch (const ApiError& error) {
      return error_response(error);
    }
  }

  http::Reply faulted(const admin::Fault& fault, Call call) {
    return admin::fault_reply(fault, [](const ApiError& error) { return error_response(error); },
                              [self = shared_from_this(), call = std::move(call)]() mutable -> http::Reply {
                                try {
                                  return self->invoke(std::move(call));
                                } catch (const ApiError& error) {
                                  return error_response(error);
                                }
                              });
  }
};

RuntimeProtocol::RuntimeProtocol(sagemaker::Service& service, identity::IdentityConfig identity, RuntimeParts parts)
    : impl_(std::make_shared<Impl>(service, std::move(identity), parts)) {}

void RuntimeProtocol::add_routes(http::Router& router) {
  router.add(
      "POST", "/endpoints/{EndpointName}/invocations",
      [impl = impl_](const http::Request& request, const http::PathParams& params) {
        return impl->serve(request, params.at("EndpointName"), false);
      },
      kMaxInvocationBytes);
  router.add(
      "POST", "/endpoints/{EndpointName}/invocations-response-stream",
      [impl = impl_](const http::Request& request, const http::PathParams& params) {
        return impl->serve(request, params.at("EndpointName"), true);
      },
      kMaxInvocationBytes);
}

http::Reply RuntimeProtocol::serve(const http::Request& request, std::string_view endpoint, bool streaming) {
  return impl_->serve(request, endpoint, streaming);
}

double RuntimeProtocol::sampling_draw() { return impl_->sampling_draw(); }

}  // namespace sagebox::runtime
