// The JSON 1.1 pipeline in-process: body, target, identity, validation, operation, and the error bytes.
#include "sagebox/protocol/json_protocol.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "sagebox/store/database.hpp"

namespace sagebox::protocol {
namespace {

class ProtocolTest : public ::testing::Test {
 protected:
  http::Response call(std::string_view target, std::string body) {
    http::Request request;
    request.method = "POST";
    request.target = "/";
    if (!target.empty()) request.headers.emplace_back("x-amz-target", std::string(target));
    request.body = std::move(body);
    return protocol_.handle(request);
  }
  static Json body_of(const http::Response& response) { return Json::parse(response.body); }
  static std::string header(const http::Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }

  store::Database db_{""};
  sagemaker::Service service_{db_, schema::Schema::embedded()};
  JsonProtocol protocol_{service_, schema::Schema::embedded(), {"123456789012", "us-east-1"}};
};

TEST_F(ProtocolTest, SuccessCarriesContentTypeAndRequestId) {
  http::Response response = call("SageMaker.ListModels", "{}");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/x-amz-json-1.1");
  EXPECT_TRUE(std::regex_match(header(response, "x-amzn-RequestId"),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_EQ(response.body, R"({"Models":[]})");
}

TEST_F(ProtocolTest, EmptyBodyMeansEmptyInput) { EXPECT_EQ(call("SageMaker.ListModels", "").status, 200); }

TEST_F(ProtocolTest, InvalidJsonIsASerializationException) {
  for (const char* body : {"{", "[]", "\"text\"", "12", "{\"a\":}", "null"}) {
    http::Response response = call("SageMaker.ListModels", body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(body_of(response)["__type"], "SerializationException") << body;
    EXPECT_TRUE(body_of(response).contains("message"));
  }
}

TEST_F(ProtocolTest, JsonIsParsedBeforeTheTargetIsRouted) {
  EXPECT_EQ(body_of(call("SageMaker.Nope", "{"))["__type"], "SerializationException");
}

TEST_F(ProtocolTest, UnknownOrMissingTargets) {
  for (const char* target : {"", "SageMaker.Nope", "Other.ListModels", "SageMaker.", "ListModels"}) {
    http::Response response = call(target, "{}");
    EXPECT_EQ(response.status, 400) << target;
    EXPECT_EQ(body_of(response)["__type"], "UnknownOperationException") << target;
  }
}

TEST_F(ProtocolTest, ErrorBodiesHaveTypeAndMessageOnly) {
  http::Response response = call("SageMaker.DescribeModel", R"({"ModelName":"x"})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body,
            R"({"__type":"ValidationException","message":"Could not find model \"arn:aws:sagemaker:us-east-1:123456789012:model/x\"."})");
  EXPECT_FALSE(header(response, "x-amzn-RequestId").empty());
}

TEST_F(ProtocolTest, ModeledSageMakerExceptionsUseCapitalMessage) {
  EXPECT_EQ(error_response(ApiError("ResourceLimitExceeded", "too many")).body,
            R"({"__type":"ResourceLimitExceeded","Message":"too many"})");
  EXPECT_EQ(error_response(ApiError("ResourceNotFound", "x")).body, R"({"__type":"ResourceNotFound","Message":"x"})");
  EXPECT_EQ(error_response(ApiError("ThrottlingException", "Rate exceeded")).body,
            R"({"__type":"ThrottlingException","message":"Rate exceeded"})");
}

TEST_F(ProtocolTest, TransportErrorsAreAwsShaped) {
  http::Response response = transport_error_response(413, "too big");
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.body, R"({"__type":"RequestEntityTooLargeException","message":"too big"})");
  EXPECT_EQ(body_of(transport_error_response(500, "x"))["__type"], "InternalFailure");
  EXPECT_EQ(body_of(transport_error_response(400, "x"))["__type"], "SerializationException");
}

TEST_F(ProtocolTest, ValidationHappensBeforeLookup) {
  http::Response response = call("SageMaker.DescribeEndpointConfig", R"({"EndpointConfigName":"my_config"})");
  EXPECT_EQ(body_of(response)["message"],
            "1 validation error detected: Value 'my_config' at 'endpointConfigName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
}

TEST_F(ProtocolTest, IdentityPartitionsResources) {
  http::Request request;
  request.method = "POST";
  request.headers = {{"x-amz-target", "SageMaker.CreateModel"},
                     {"authorization",
                      "AWS4-HMAC-SHA256 Credential=111122223333/20261125/eu-west-1/sagemaker/aws4_request, "
                      "SignedHeaders=host, Signature=00"}};
  request.body = R"({"ModelName":"m"})";
  http::Response response = protocol_.handle(request);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response)["ModelArn"], "arn:aws:sagemaker:eu-west-1:111122223333:model/m");
  EXPECT_EQ(call("SageMaker.DescribeModel", R"({"ModelName":"m"})").status, 400);
}

TEST_F(ProtocolTest, MalformedAuthorizationIsReported) {
  http::Request request;
  request.headers = {{"x-amz-target", "SageMaker.ListModels"}, {"authorization", "Bearer x"}};
  request.body = "{}";
  EXPECT_EQ(body_of(protocol_.handle(request))["__type"], "IncompleteSignatureException");
}

// --- hostile input: every case is a clear 4xx, never a crash or a 5xx -------------------------------------------

TEST_F(ProtocolTest, DeepNestingIsRefusedBeforeParsing) {
  std::string deep = "{\"ModelName\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
  http::Response response = call("SageMaker.CreateModel", deep);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(body_of(response)["message"], "The request body nests deeper than 100 levels.");
  // Brackets inside strings are text, not nesting.
  http::Response text = call("SageMaker.DescribeModel", "{\"ModelName\":\"" + std::string(500, '[') + "\"}");
  EXPECT_EQ(body_of(text)["__type"], "ValidationException");
  // Shallow nesting of unknown members is fine (and ignored).
  EXPECT_EQ(call("SageMaker.ListModels", "{\"x\":" + std::string(50, '[') + std::string(50, ']') + "}").status, 200);
}

TEST_F(ProtocolTest, HostileNumbers) {
  for (const char* body : {R"({"MaxResults":123456789012345678901234567890})", R"({"MaxResults":1e400})",
                           R"({"MaxResults":NaN})", R"({"MaxResults":-Infinity})", R"({"MaxResults":18446744073709551616})",
                           R"({"MaxResults":2.5})"}) {
    http::Response response = call("SageMaker.ListModels", body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(body_of(response)["__type"], "SerializationException") << body << " " << response.body;
  }
}

TEST_F(ProtocolTest, DuplicateKeysInvalidUtf8AndNulBytes) {
  EXPECT_EQ(call("SageMaker.CreateModel", R"({"ModelName":"a","ModelName":"b"})").status, 200);
  http::Response utf8 = call("SageMaker.DescribeModel", "{\"ModelName\":\"a\xff\xfe\"}");
  EXPECT_EQ(utf8.status, 400);
  EXPECT_EQ(body_of(utf8)["__type"], "SerializationException");
  http::Response nul = call("SageMaker.DescribeModel", R"({"ModelName":"a\u0000b"})");
  EXPECT_EQ(nul.status, 400);
  EXPECT_EQ(body_of(nul)["__type"], "ValidationException");
  EXPECT_NE(nul.body.find("\\u0000"), std::string::npos) << nul.body;  // escaped in the echo, not raw
}

TEST_F(ProtocolTest, HugeNameIsAValidationErrorNotAFailure) {
  http::Response response = call("SageMaker.DescribeModel", "{\"ModelName\":\"" + std::string(1000000, 'a') + "\"}");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(body_of(response)["message"].get<std::string>().rfind("1 validation error detected: Value 'aaa", 0), 0u);
}

// A storage failure inside a request (here: a table gone) fails that request alone, with a 500, and its
// transaction leaves nothing behind; the next request is served.
TEST_F(ProtocolTest, StorageFailureIsA500ForThatRequestAndChangesNothing) {
  // Every insert into resources now fails inside SQLite, after the row is written (as an I/O error would).
  db_.write([](store::Connection& c) {
    c.exec("CREATE TABLE broken (x INTEGER NOT NULL); "
           "CREATE TRIGGER fail_after_insert AFTER INSERT ON resources BEGIN INSERT INTO broken VALUES (1); END; "
           "DROP TABLE broken;");
  });
  http::Response response = call("SageMaker.CreateModel", R"({"ModelName":"m","Tags":[{"Key":"k","Value":"v"}]})");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body,
            R"({"__type":"InternalFailure","message":"An internal error occurred. Check sagebox's log."})");
  EXPECT_EQ(call("SageMaker.DescribeModel", R"({"ModelName":"m"})").status, 400);  // rolled back
  EXPECT_EQ(call("SageMaker.ListModels", "{}").body, R"({"Models":[]})");
}

TEST_F(ProtocolTest, ContentTypes) {
  for (const char* type : {"application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json",
                           "application/json; charset=utf-8", "Application/JSON", ""}) {
    http::Request request{"POST", "/", {{"x-amz-target", "SageMaker.ListModels"}}, "{}"};
    if (*type) request.headers.emplace_back("content-type", type);
    EXPECT_EQ(protocol_.handle(request).status, 200) << type;
  }
  http::Request request{"POST", "/", {{"x-amz-target", "SageMaker.ListModels"}, {"content-type", "text/plain"}}, "{}"};
  http::Response response = protocol_.handle(request);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body,
            R"({"__type":"SerializationException","message":"Unsupported Content-Type 'text/plain': send application/x-amz-json-1.1."})");
}

// --- fault rules: asked by serve() after the body, target and identity checks, before validation ---------------

class FaultedProtocolTest : public ProtocolTest {
 protected:
  http::Reply serve(std::string_view operation, std::string body) {
    http::Request request{"POST", "/", {{"x-amz-target", "SageMaker." + std::string(operation)}}, std::move(body)};
    return faulted_.serve(request);
  }
  Json fired() const { return faults_.list()["faults"][0]["fired"]; }

  admin::FaultRules faults_{[this](std::string_view name) { return service_.find(name) != nullptr; }};
  JsonProtocol faulted_{service_, schema::Schema::embedded(), {"123456789012", "us-east-1"}, &faults_};
};

TEST_F(FaultedProtocolTest, AnErrorFaultIsAnsweredAsAnyErrorAndChangesNothing) {
  faults_.add(Json::parse(R"({"operation": "CreateModel", "times": 1,
                              "error": {"code": "ResourceNotFound", "message": "gone", "status": 503}})"));
  const http::Reply reply = serve("CreateModel", R"({"ModelName":"m"})");
  EXPECT_EQ(reply.action, http::Reply::Action::kRespond);
  EXPECT_EQ(reply.delay.count(), 0);
  EXPECT_FALSE(reply.then);
  EXPECT_EQ(reply.response.status, 503);
  EXPECT_EQ(reply.response.content_type, "application/x-amz-json-1.1");
  EXPECT_EQ(reply.response.body, R"({"__type":"ResourceNotFound","Message":"gone"})");  // a modeled exception
  EXPECT_EQ(header(reply.response, "x-amzn-RequestId").size(), 36u);
  EXPECT_EQ(call("SageMaker.DescribeModel", R"({"ModelName":"m"})").status, 400);  // not created
  EXPECT_EQ(serve("CreateModel", R"({"ModelName":"m"})").response.status, 200);  // times: 1 is used up
}

TEST_F(FaultedProtocolTest, EarlierErrorsComeFirstAndFireNothing) {
  faults_.add(Json::parse(R"({"operation": "*", "connection": "reset"})"));
  EXPECT_EQ(body_of(serve("CreateModel", "{").response)["__type"], "SerializationException");
  EXPECT_EQ(body_of(serve("Nope", "{}").response)["__type"], "UnknownOperationException");
  http::Request unsigned_badly{"POST", "/", {{"x-amz-target", "SageMaker.ListModels"}, {"authorization", "x"}}, "{}"};
  EXPECT_EQ(body_of(faulted_.serve(unsigned_badly).response)["__type"], "IncompleteSignatureException");
  EXPECT_EQ(fired(), 0);
  // An input that would fail validation is faulted all the same: the rule comes before the shape.
  EXPECT_EQ(serve("DescribeModel", R"({"ModelName": 5})").action, http::Reply::Action::kReset);
  EXPECT_EQ(fired(), 1);
}

TEST_F(FaultedProtocolTest, LatencyAloneRunsTheOperationAfterTheWait) {
  faults_.add(Json::parse(R"({"operation": "CreateModel", "latency_ms": 250})"));
  http::Reply reply = serve("CreateModel", R"({"ModelName":"m"})");
  EXPECT_EQ(reply.delay.count(), 250);
  ASSERT_TRUE(reply.then);
  EXPECT_EQ(call("SageMaker.DescribeModel", R"({"ModelName":"m"})").status, 400);  // not yet
  const http::Reply after = reply.then();
  EXPECT_EQ(after.response.status, 200);
  EXPECT_EQ(body_of(after.response)["ModelArn"], "arn:aws:sagemaker:us-east-1:123456789012:model/m");
  EXPECT_EQ(call("SageMaker.DescribeModel", R"({"ModelName":"m"})").status, 200);
  // After the wait the input is validated as always.
  const http::Reply invalid = serve("CreateModel", R"({"ModelName":"bad_name"})").then();
  EXPECT_EQ(body_of(invalid.response)["__type"], "ValidationException");
}

TEST_F(FaultedProtocolTest, LatencyWithAnErrorDelaysTheErrorAndConnectionFaultsDrop) {
  faults_.add(Json::parse(R"({"operation": "ListModels", "latency_ms": 40, "times": 1,
                              "error": {"code": "InternalFailure", "message": "boom", "status": 500}})"));
  faults_.add(Json::parse(R"({"operation": "ListModels", "connection": "close", "times": 1})"));
  const http::Reply slow_error = serve("ListModels", "{}");
  EXPECT_EQ(slow_error.delay.count(), 40);
  EXPECT_FALSE(slow_error.then);
  EXPECT_EQ(slow_error.response.status, 500);
  EXPECT_EQ(serve("ListModels", "{}").action, http::Reply::Action::kClose);
  EXPECT_EQ(serve("ListModels", "{}").response.status, 200);
}

}  // namespace
}  // namespace sagebox::protocol
