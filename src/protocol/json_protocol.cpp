#include "sagebox/protocol/json_protocol.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <optional>
#include <type_traits>
#include <string>
#include <variant>

#include "sagebox/crypto.hpp"
#include "sagebox/error.hpp"
#include "sagebox/log.hpp"

namespace sagebox::protocol {
namespace {

constexpr std::string_view kContentType = "application/x-amz-json-1.1";

// SageMaker's modeled exceptions carry `Message`; Coral's generic ones `message` (AWS-BEHAVIOR §1).
bool uses_capital_message(std::string_view code) {
  return code == "ResourceNotFound" || code == "ResourceInUse" || code == "ResourceLimitExceeded" ||
         code == "ConflictException";
}

// Deeper than any input shape goes (the model's deepest is under 10); the limit keeps hostile nesting from costing
// memory and stack anywhere downstream.
constexpr int kMaxDepth = 100;

// Counts brackets outside strings; stops at the first level past the limit.
bool nests_too_deep(const std::string& body) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

// AWS JSON 1.1 bodies; also what curl and hand-written clients commonly send. No Content-Type at all is accepted.
void require_json_content_type(const http::Request& request) {
  std::string type(request.header("content-type").substr(0, request.header("content-type").find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  if (type.empty() || type == kContentType || type == "application/x-amz-json-1.0" || type == "application/json") {
    return;
  }
  throw ApiError::serialization("Unsupported Content-Type '" + type + "': send " +
                                std::string(kContentType) + ".");
}

Json parse_body(const std::string& body) {
  // Clients send `{}` for an empty input; a body with nothing in it means the same.
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  if (nests_too_deep(body)) {
    throw ApiError::serialization("The request body nests deeper than " + std::to_string(kMaxDepth) + " levels.");
  }
  Json input = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded()) throw ApiError::serialization("The request body is not valid JSON.");
  if (!input.is_object()) throw ApiError::serialization("The request body must be a JSON object.");
  return input;
}

std::string_view operation_name(const http::Request& request) {
  std::string_view target = request.header("x-amz-target");
  if (target.empty()) throw ApiError("UnknownOperationException", "Missing X-Amz-Target header.");
  if (!target.starts_with(kTargetPrefix)) {
    throw ApiError("UnknownOperationException", "Unknown operation " + std::string(target) + ".");
  }
  return target.substr(kTargetPrefix.size());
}

}  // namespace

JsonProtocol::JsonProtocol(sagemaker::Service& service, const schema::Schema& schema,
                           identity::IdentityConfig identity, admin::FaultRules* faults,
                           admin::RequestJournal* journal)
    : service_(service),
      schema_(schema),
      identity_(std::move(identity)),
      faults_(faults),
      journal_(journal) {}

JsonProtocol::Call JsonProtocol::prepare(const http::Request& request) const {
  require_json_content_type(request);
  Json input = parse_body(request.body);
  std::string_view name = operation_name(request);
  const sagemaker::Operation* operation = service_.find(name);
  if (!operation) {
    throw ApiError("UnknownOperationException", "Unknown operation " + std::string(request.header("x-amz-target")) + ".");
  }
  return {name, operation, identity::identify(request, identity_), std::move(input)};
}

http::Response JsonProtocol::execute(const Call& call) const {
  const sagemaker::Operation& operation = *call.operation;
  Json valid = operation.input_shape.empty() ? Json::object() : schema_.validate(operation.input_shape, call.input);
  return std::visit([](auto&& output) { return json_response(200, output); }, operation.handler(call.caller, valid));
}

template <typename Step>
std::invoke_result_t<Step> JsonProtocol::answer(Step&& step) {
  try {
    return step();
  } catch (const ApiError& error) {
    return error_response(error);
  } catch (const std::exception& failure) {
    log::error(std::string("internal failure: ") + failure.what());
    return error_response(ApiError::internal("An internal error occurred. Check sagebox's log."));
  }
}

http::Response JsonProtocol::handle(const http::Request& request) const {
  return answer([&] { return execute(prepare(request)); });
}

http::Reply JsonProtocol::serve(const http::Request& request) const {
  if (journal_ == nullptr || !journal_->enabled()) return reply_to(request, nullptr);
  admin::JournalEntry entry = admin::JournalEntry::arriving(request.body);
  const std::string_view target = request.header("x-amz-target");
  entry.operation = target.starts_with(kTargetPrefix) ? target.substr(kTargetPrefix.size()) : target;
  http::Reply reply = reply_to(request, &entry);
  return journal_->journaled(std::move(reply), std::move(entry));
}

http::Reply JsonProtocol::reply_to(const http::Request& request, admin::JournalEntry* entry) const {
  if (faults_ == nullptr && entry == nullptr) return handle(request);
  return answer([&]() -> http::Reply {
    Call call = prepare(request);
    if (entry != nullptr) {
      entry->account = call.caller.account;
      entry->region = call.caller.region;
    }
    std::optional<admin::Fault> fault;
    if (faults_ != nullptr) {
      fault = faults_->fire({call.operation_name, call.caller.account, call.caller.region, call.input});
    }
    if (!fault) return execute(call);
    return faulted(*fault, std::move(call));
  });
}

http::Reply JsonProtocol::faulted(const admin::Fault& fault, Call call) const {
  // Only slower: the operation runs once the wait is over. The operation's name points into the request, which
  // is gone by then; the operation does not need it.
  call.operation_name = {};
  return admin::fault_reply(fault, error_response, [this, call = std::move(call)] {
    return http::Reply(answer([&] { return execute(call); }));
  });
}

http::Response json_response(int status, SerializedJson body) {
  http::Response response;
  response.status = status;
  response.content_type = std::string(kContentType);
  response.headers.emplace_back("x-amzn-RequestId", crypto::request_id());
  response.body = std::move(body.text);
  return response;
}

http::Response json_response(int status, const Json& body) {
  // Replacement rather than an exception: a stored string is always valid UTF-8, and a response must never fail.
  return json_response(status, SerializedJson{body.dump(-1, ' ', false, Json::error_handler_t::replace)});
}

http::Response error_response(const ApiError& error) {
  Json body = Json::object();
  body["__type"] = error.code();
  body[uses_capital_message(error.code()) ? "Message" : "message"] = error.message();
  return json_response(error.http_status(), body);
}

http::Response transport_error_response(int status, std::string_view message) {
  std::string code;
  switch (status) {
    case 413:
      code = "RequestEntityTooLargeException";
      break;
    case 404:
    case 405:
      code = "UnknownOperationException";
      break;
    case 408:
      code = "RequestTimeoutException";
      break;
    default:
      code = status == 503 ? "ServiceUnavailable" : status >= 500 ? "InternalFailure" : "SerializationException";
  }
  return error_response(ApiError(code, std::string(message), status));
}

}  // namespace sagebox::protocol
