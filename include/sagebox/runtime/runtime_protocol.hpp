// RuntimeProtocol (design note; not built yet): the SageMaker Runtime API (`sagemaker-runtime`, REST-JSON,
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
