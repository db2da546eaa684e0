// RuntimeProtocol: the SageMaker Runtime API (`sagemaker-runtime`, REST-JSON,
// signing name `sagemaker`), the third front door beside protocol/ (JSON 1.1) and admin/, served on the same port.
// It turns an invocation into a call of a model backend and the backend's answer (or any error) into bytes; like
// the other front doors it is the only place where its own errors become bytes, and like them it never reaches
// into sagemaker/'s internals.
//
// Routes (registered in main.cpp, each with a body limit of its own: 6 MiB, where the JSON API keeps
// Config.body_limit, 1 MiB; see http/router.hpp):
//   POST /endpoints/{EndpointName}/invocations                  InvokeEndpoint
//   POST /endpoints/{EndpointName}/invocations-response-stream  InvokeEndpointWithResponseStream (event-stream
//                                                               framing of the answer)
// They are more specific than the JSON API's "POST /**", so the router gives them these paths whatever the
// X-Amz-Target; a JSON 1.1 call is never sent to such a path by the SDKs.
//
// Order of checks, as the service shows them: identify the caller (identity::identify, lenient or strict SigV4,
// exactly as the JSON API: the same IncompleteSignatureException … errors), then find the endpoint, then pick the
// variant, then call the backend.
//
// Finding the endpoint goes through the service's operation table, as a client would: `DescribeEndpoint` (status,
// EndpointConfigName, ProductionVariants with CurrentWeight) and then `DescribeEndpointConfig` (shadow variants,
// DataCaptureConfig), both called with the caller's account and region. Their "Could not find endpoint"
// ValidationException becomes the runtime's own error; nothing here reads the store.
//
// Errors: the code in the header `x-amzn-ErrorType` (which boto3 and the JS SDK read first for REST-JSON) and a
// JSON body with `Message` (ModelError adds its fields beside it; the exact body is to be checked against an
// observed answer before it is written):
// - ValidationError 400 (not ValidationException):
//     unknown endpoint:        "Endpoint <name> of account <account> not found."  (the name as given, unquoted)
//     endpoint not InService:  "Endpoint <name> of account <account> is not in service (status <status>)."
//                              (sagebox's wording: AWS's is not documented)
//     unknown target variant:  "Target variant <variant> is not found for endpoint <name>."
// - ModelError 424, with OriginalStatusCode, OriginalMessage and LogStreamArn: a container that answered 4xx/5xx:
//     "Received client error (<status>) from model with message \"<its body>\". See https://<region>.console.aws.
//     amazon.com/cloudwatch/home?region=<region>#logEventViewer:group=/aws/sagemaker/Endpoints/<endpoint> in
//     account <account> for more information."  ("server error" for 5xx)
// - ModelNotReadyException 429, InternalFailure 500, ServiceUnavailable 503 (a backend down or over its 60 s
//   timeout).
//
// Variant: the header X-Amzn-SageMaker-Target-Variant names one (unknown: ValidationError above); otherwise one is
// drawn by the production variants' current weights, from a generator seeded by --random-seed when given, so that
// the draws repeat. Shadow variants get a copy of the request once the production answer is known; their answers
// are recorded (journal, capture), never returned.
//
// Backends, by model: the container contract (`GET /ping`, `POST /invocations`) at a URL given by
// --backend MODEL=URL or the admin API; canned answers queued per endpoint by the admin API (and moto's
// `POST /moto-api/static/sagemaker/endpoint-results`); else the built-in echo, which answers 200
// `application/json` {"Endpoint", "Variant", "ContentType", "BodyLength"}: routing is testable with no container.
//
// Response headers: Content-Type (the backend's), x-Amzn-Invoked-Production-Variant, and
// X-Amzn-SageMaker-Custom-Attributes passed through both ways.
//
// Around the call, as protocol/ does: fault rules are asked once the operation and the caller are known, and every
// invocation is recorded in the request journal. Data capture (when the endpoint's configuration enables it) is
// written under --capture-dir in SageMaker's key layout below DestinationS3Uri.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "sagebox/admin/faults.hpp"
#include "sagebox/admin/journal.hpp"
#include "sagebox/http/router.hpp"
#include "sagebox/identity/caller.hpp"
#include "sagebox/runtime/canned_answers.hpp"
#include "sagebox/runtime/container_client.hpp"
#include "sagebox/runtime/data_capture.hpp"
#include "sagebox/runtime/model_backends.hpp"
#include "sagebox/sagemaker/service.hpp"

namespace sagebox::runtime {

// The body limit of the invocation routes: SageMaker's 6 MiB.
inline constexpr std::size_t kMaxInvocationBytes = 6 * 1024 * 1024;

// The operations this front door serves, for fault rules to name.
inline constexpr std::string_view kInvokeEndpoint = "InvokeEndpoint";
inline constexpr std::string_view kInvokeEndpointWithResponseStream = "InvokeEndpointWithResponseStream";
bool is_runtime_operation(std::string_view name);

// What the runtime needs besides the service; each part optional but `backends` and `answers`.
struct RuntimeParts {
  ModelBackends& backends;
  CannedAnswers& answers;
  ContainerClient* containers = nullptr;  // none: a model's backend URL cannot be called (tests)
  DataCapture* capture = nullptr;         // none: nothing is captured
  admin::FaultRules* faults = nullptr;
  admin::RequestJournal* journal = nullptr;
  std::optional<std::uint64_t> random_seed;  // makes the variant draws and samplings repeatable
};

class RuntimeProtocol {
 public:
  // REQUIRES: the service and every part outlive this object and the replies it makes.
  RuntimeProtocol(sagemaker::Service& service, identity::IdentityConfig identity, RuntimeParts parts);
  RuntimeProtocol(const RuntimeProtocol&) = delete;
  RuntimeProtocol& operator=(const RuntimeProtocol&) = delete;

  // Registers the invocation routes, each with kMaxInvocationBytes as its body limit. REQUIRES: this object
  // outlives the router.
  void add_routes(http::Router& router);

  // The reply to an invocation of `endpoint` (the path's segment, still percent-encoded), `streaming` for
  // InvokeEndpointWithResponseStream.
  http::Reply serve(const http::Request& request, std::string_view endpoint, bool streaming);

  // A uniform draw in [0, 1) for data capture's sampling, from a generator of its own (seeded by --random-seed
  // when given), apart from the variant draws. Safe from any thread.
  double sampling_draw();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sagebox::runtime
