// JsonProtocol: AWS JSON 1.1. Turns an HTTP request into an operation call and its result (or any ApiError)
// into the HTTP response. The order of checks is the one Coral services show: parse the body, route by
// X-Amz-Target, identify the caller, validate the input against its shape, then run the operation. This is the
// only place where an error of the API becomes bytes (the admin paths are a front door of their own: admin/).
#pragma once

#include <string_view>
#include <type_traits>

#include "sagebox/admin/faults.hpp"
#include "sagebox/admin/journal.hpp"
#include "sagebox/error.hpp"
#include "sagebox/http/message.hpp"
#include "sagebox/http/router.hpp"
#include "sagebox/identity/caller.hpp"
#include "sagebox/sagemaker/service.hpp"
#include "sagebox/schema/schema.hpp"

namespace sagebox::protocol {

// The target prefix of every SageMaker operation: `X-Amz-Target: SageMaker.CreateEndpointConfig`.
inline constexpr std::string_view kTargetPrefix = "SageMaker.";

class JsonProtocol {
 public:
  // REQUIRES: `service` and `schema` outlive this object, and `faults` and `journal` too when given.
  JsonProtocol(sagemaker::Service& service, const schema::Schema& schema, identity::IdentityConfig identity,
               admin::FaultRules* faults = nullptr, admin::RequestJournal* journal = nullptr);

  // The route: handle()'s answer, unless a fault rule fires for the call. Rules are asked once the operation and
  // the caller are known (after the body, target and signature checks, whose errors come first), before the
  // input is validated and the operation runs. A fired rule's error is answered as any error here; its latency
  // delays that error, or else the operation itself, which then runs once the wait is over; its connection
  // fault drops the connection. A call answered with an error or dropped never reaches the operation.
  // Every call, whatever its answer, is recorded in the journal (when it is on) once its answer is known.
  http::Reply serve(const http::Request& request) const;

  // Any request yields a response, no fault rule asked: 200 with the output, or the AWS error (400 for client
  // faults, 500 only for sagebox's own failures). Every response carries a fresh x-amzn-RequestId.
  http::Response handle(const http::Request& request) const;

 private:
  // A request that has passed the body, target and signature checks.
  struct Call {
    std::string_view operation_name;  // points into the request
    const sagemaker::Operation* operation;
    identity::Caller caller;
    Json input;  // as sent
  };
  // Throws ApiError.
  Call prepare(const http::Request& request) const;
  // serve() without the journal; `entry`, when given, learns the caller once it is known.
  http::Reply reply_to(const http::Request& request, admin::JournalEntry* entry) const;
  // Validates the input and runs the operation. Throws ApiError.
  http::Response execute(const Call& call) const;
  // The reply to a fired fault.
  http::Reply faulted(const admin::Fault& fault, Call call) const;
  // What `step` returns, or the response to the error it throws.
  template <typename Step>
  static std::invoke_result_t<Step> answer(Step&& step);

  sagemaker::Service& service_;
  const schema::Schema& schema_;
  identity::IdentityConfig identity_;
  admin::FaultRules* faults_;
  admin::RequestJournal* journal_;
};

// The AWS-shaped error response for `error`.
http::Response error_response(const ApiError& error);

// The AWS-shaped response for a request the HTTP layer or its router refused (413 body too large, 400 malformed
// HTTP, 405 method not allowed, 500 handler failure, 503 too many connections).
http::Response transport_error_response(int status, std::string_view message);

// A success response with a JSON body.
http::Response json_response(int status, const Json& body);
http::Response json_response(int status, SerializedJson body);

}  // namespace sagebox::protocol
