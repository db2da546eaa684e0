// The SageMaker stage in-process: handlers over an in-memory store, with inputs as the schema stage hands them.
#include "sagebox/sagemaker/service.hpp"

#include <gtest/gtest.h>

#include "../../src/sagemaker/listing.hpp"
#include "sagebox/error.hpp"

namespace sagebox::sagemaker {
namespace {

const identity::Caller kCaller{"123456789012", "us-east-1", ""};

class ServiceTest : public ::testing::Test {
 protected:
  Json call(const std::string& operation, const Json& input, const identity::Caller& caller = kCaller) {
    const Operation* op = service_.find(operation);
    if (!op) throw std::logic_error("no operation " + operation);
    Output output = op->handler(caller, schema::Schema::embedded().validate(op->input_shape, input));
    if (auto* serialized = std::get_if<SerializedJson>(&output)) return Json::parse(serialized->text);
    return std::get<Json>(std::move(output));
  }
  std::string error_of(const std::string& operation, const Json& input,
                       const identity::Caller& caller = kCaller) {
    try {
      call(operation, input, caller);
    } catch (const ApiError& error) {
      return error.code() + ": " + error.message();
    }
    return "no error";
  }

  store::Database db_{""};
  Service service_{db_, schema::Schema::embedded()};
};

Json variant(const std::string& model) {
  return {{"VariantName", "v"}, {"ModelName", model}, {"InitialInstanceCount", 1}, {"InstanceType", "ml.t2.medium"}};
}

TEST_F(ServiceTest, ServesTheOperationsOfThisStage) {
  for (const char* name : {"CreateModel", "DescribeModel", "DeleteModel", "ListModels", "CreateEndpointConfig",
                           "DescribeEndpointConfig", "DeleteEndpointConfig", "ListEndpointConfigs", "CreateEndpoint",
                           "DescribeEndpoint", "UpdateEndpoint", "UpdateEndpointWeightsAndCapacities",
                           "DeleteEndpoint", "ListEndpoints", "AddTags", "DeleteTags", "ListTags"}) {
    const Operation* op = service_.find(name);
    ASSERT_NE(op, nullptr) << name;
    EXPECT_TRUE(schema::Schema::embedded().has_shape(op->input_shape)) << name;
  }
  EXPECT_EQ(service_.find("InvokeEndpoint"), nullptr);
}

TEST_F(ServiceTest, CreateEchoesInDescribeOrderWithDefaultWeight) {
  call("CreateModel", {{"ModelName", "m"}});
  Json created = call("CreateEndpointConfig", {{"ProductionVariants", Json::array({variant("m")})},
                                               {"KmsKeyId", "k"},
                                               {"EndpointConfigName", "Cfg"}});
  EXPECT_EQ(created, (Json{{"EndpointConfigArn", "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/cfg"}}));
  Json described = call("DescribeEndpointConfig", {{"EndpointConfigName", "CFG"}});
  std::vector<std::string> keys;
  for (const auto& item : described.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"EndpointConfigName", "EndpointConfigArn", "ProductionVariants", "KmsKeyId",
                                            "CreationTime"}));
  EXPECT_EQ(described["EndpointConfigName"], "Cfg");
  EXPECT_EQ(described["ProductionVariants"][0]["InitialVariantWeight"], 1.0);
  EXPECT_TRUE(described["CreationTime"].is_number_float());
}

TEST_F(ServiceTest, TagsOfCreateAreStoredNotEchoed) {
  call("CreateModel", {{"ModelName", "m"}, {"Tags", {{{"Key", "a"}, {"Value", "1"}}}}});
  EXPECT_FALSE(call("DescribeModel", {{"ModelName", "m"}}).contains("Tags"));
  store::ResourceStore store(db_);
  EXPECT_EQ(store.tags({"123456789012", "us-east-1"}, "model", "m"),
            (std::vector<store::Tag>{{"a", "1"}}));
}

// List writes its output directly as text; it must be the bytes nlohmann::json would print for the same value,
// as every other response is: members in order, numbers and strings printed the same way.
TEST_F(ServiceTest, ListOutputIsPrintedAsJsonPrintsIt) {
  call("CreateModel", {{"ModelName", "m"},
                       {"ExecutionRoleArn", "arn:aws:iam::123456789012:role/r"},
                       {"PrimaryContainer", {{"Image", "img"}}}});
  for (const char* name : {"a-1", "B-2", "c-3"}) {
    call("CreateEndpointConfig", {{"EndpointConfigName", name}, {"ProductionVariants", {variant("m")}}});
  }
  for (const Json& input : {Json::object(), Json{{"MaxResults", 2}}, Json{{"SortBy", "Name"}, {"NameContains", "B"}}}) {
    const Operation* list = service_.find("ListEndpointConfigs");
    Output output = list->handler(kCaller, schema::Schema::embedded().validate(list->input_shape, input));
    const std::string& text = std::get<SerializedJson>(output).text;
    EXPECT_EQ(Json::parse(text).dump(), text) << input.dump();
  }
  const Json page = call("ListEndpointConfigs", {{"MaxResults", 2}});
  EXPECT_EQ(page["EndpointConfigs"].size(), 2u);
  EXPECT_TRUE(page.contains("NextToken"));
  EXPECT_EQ(page["EndpointConfigs"][0]["EndpointConfigArn"],
            "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/c-3");
  EXPECT_TRUE(page["EndpointConfigs"][0]["CreationTime"].is_number_float());
}

TEST_F(ServiceTest, ExactMessages) {
  EXPECT_EQ(error_of("CreateEndpointConfig", {{"EndpointConfigName", "c"}, {"ProductionVariants", {variant("Nope")}}}),
            "ValidationException: Could not find model \"arn:aws:sagemaker:us-east-1:123456789012:model/nope\".");
  call("CreateModel", {{"ModelName", "m"}});
  EXPECT_EQ(error_of("CreateModel", {{"ModelName", "M"}}),
            "ValidationException: Cannot create already existing model "
            "\"arn:aws:sagemaker:us-east-1:123456789012:model/m\".");
  EXPECT_EQ(error_of("DeleteEndpointConfig", {{"EndpointConfigName", "Gone"}}),
            "ValidationException: Could not find endpoint configuration "
            "\"arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/gone\".");
}

TEST(ResourceArn, CarriesTheRegionsPartition) {
  EXPECT_EQ(resource_arn({"123456789012", "cn-north-1", ""}, "model", "My-Model"),
            "arn:aws-cn:sagemaker:cn-north-1:123456789012:model/my-model");
  EXPECT_EQ(resource_arn({"123456789012", "us-gov-west-1", ""}, "endpoint-config", "c"),
            "arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:endpoint-config/c");
  EXPECT_EQ(resource_arn(kCaller, "model", "m"), "arn:aws:sagemaker:us-east-1:123456789012:model/m");
}

// Every ARN the operations give out or accept, in a region of another partition.
TEST_F(ServiceTest, ArnsInChinaAreAwsCn) {
  const identity::Caller china{"123456789012", "cn-north-1", ""};
  const std::string model = "arn:aws-cn:sagemaker:cn-north-1:123456789012:model/m";
  EXPECT_EQ(call("CreateModel", {{"ModelName", "M"}}, china), (Json{{"ModelArn", model}}));
  EXPECT_EQ(call("DescribeModel", {{"ModelName", "m"}}, china)["ModelArn"], model);
  EXPECT_EQ(call("ListModels", Json::object(), china)["Models"][0]["ModelArn"], model);
  EXPECT_EQ(error_of("DescribeModel", {{"ModelName", "Gone"}}, china),
            "ValidationException: Could not find model "
            "\"arn:aws-cn:sagemaker:cn-north-1:123456789012:model/gone\".");

  call("AddTags", {{"ResourceArn", model}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}}, china);
  EXPECT_EQ(call("ListTags", {{"ResourceArn", model}}, china),
            (Json{{"Tags", {{{"Key", "k"}, {"Value", "v"}}}}}));
  // The same resource under the aws partition's ARN is not this resource.
  EXPECT_EQ(
      error_of("ListTags", {{"ResourceArn", "arn:aws:sagemaker:cn-north-1:123456789012:model/m"}}, china),
      "ValidationException: Resource does not exist");
}

TEST_F(ServiceTest, ResetForgetsEverything) {
  call("CreateModel", {{"ModelName", "m"}});
  service_.reset();
  EXPECT_EQ(call("ListModels", Json::object()), (Json{{"Models", Json::array()}}));
}

TEST(PageTokens, RoundTripAndRejectEverythingElse) {
  const std::string secret = "s3cr3t";
  const TokenBinding binding{"123456789012", "us-east-1", "model", "Name:Ascending"};
  const std::string token = encode_page_token(secret, binding, {42, "abc", ""});
  auto cursor = decode_page_token(secret, binding, token);
  ASSERT_TRUE(cursor);
  EXPECT_EQ(cursor->creation_ms, 42);
  EXPECT_EQ(cursor->name_key, "abc");

  EXPECT_FALSE(decode_page_token("other", binding, token));
  for (auto changed : {TokenBinding{"111122223333", "us-east-1", "model", "Name:Ascending"},
                       TokenBinding{"123456789012", "us-west-2", "model", "Name:Ascending"},
                       TokenBinding{"123456789012", "us-east-1", "endpoint-config", "Name:Ascending"},
                       TokenBinding{"123456789012", "us-east-1", "model", "Name:Descending"}}) {
    EXPECT_FALSE(decode_page_token(secret, changed, token));
  }
  std::string altered = token;
  char& last_payload_char = altered[altered.find('.') - 1];
  last_payload_char = last_payload_char == 'A' ? 'B' : 'A';
  for (std::string bad : {std::string(), std::string("."), std::string("abc"), token.substr(1), token + "A",
                          std::string("!!!.???"), altered}) {
    EXPECT_FALSE(decode_page_token(secret, binding, bad)) << bad;
  }
}

}  // namespace
}  // namespace sagebox::sagemaker
