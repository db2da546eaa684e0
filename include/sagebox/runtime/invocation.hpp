// What the runtime stage hands a model and what it gets back, shared by its parts: the protocol (which picks the
// variant), the backends (a container, a canned answer, the echo) and data capture.
#pragma once

#include <functional>
#include <string>
#include <variant>

namespace sagebox::runtime {

// One call of one variant's model: the production variant that answers, or a shadow variant given a copy.
struct Invocation {
  std::string account;
  std::string region;
  std::string endpoint;  // the endpoint's name as the caller gave it
  std::string variant;   // the variant's name as configured
  std::string model;     // the variant's ModelName; empty when the configuration is gone
  bool shadow = false;
  std::string body;
  std::string content_type;       // empty when the caller sent none
  std::string accept;             // empty when the caller sent none
  std::string custom_attributes;  // X-Amzn-SageMaker-Custom-Attributes; empty when none
  std::string inference_id;       // X-Amzn-SageMaker-Inference-Id; empty when none
};

// What a model answered: any HTTP status (a 4xx/5xx becomes the caller's ModelError), its content type, body and
// custom attributes.
struct ModelAnswer {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string custom_attributes;
};

// A model that gave no answer: its container could not be reached, did not answer in time, or answered with a
// body over SageMaker's 6 MiB limit for a response (kTooLarge; the answer is dropped unread past the limit).
struct BackendFailure {
  enum class Kind { kUnreachable, kTimeout, kTooLarge };
  Kind kind = Kind::kUnreachable;
  std::string detail;  // what went wrong, for the caller's error message ("connection refused", …)
};

using BackendResult = std::variant<ModelAnswer, BackendFailure>;

// Receives a backend's result, exactly once, on whatever thread the backend answers on.
using BackendCallback = std::function<void(BackendResult)>;

}  // namespace sagebox::runtime
