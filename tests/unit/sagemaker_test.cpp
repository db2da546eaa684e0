// The SageMaker stage in-process: handlers over an in-memory store, with inputs as the schema stage hands them.
#include "sagebox/sagemaker/service.hpp"

#include <gtest/gtest.h>

#include "../../src/sagemaker/endpoint_lifecycle.hpp"
#include "../../src/sagemaker/listing.hpp"
#include "sagebox/error.hpp"

namespace sagebox::sagemaker {
namespace {

const identity::Caller kCaller{"123456789012", "us-east-1", ""};

class ServiceTest : public ::testing::Test {
 protected:
  // The service runs with `options`: the default's clock and delay 0, or those a derived fixture sets.
  explicit ServiceTest(ServiceOptions options = {})
      : service_(db_, schema::Schema::embedded(), std::move(options)) {}

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
  Service service_;
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

// --- endpoint lifecycles: the status is derived from the clock ---------------------------------------------

void expect_status(const Phase& phase, std::int64_t now, const std::string& status,
                   std::int64_t last_modified, bool settled) {
  const StatusAt at = status_at(phase, now);
  EXPECT_EQ(at.status, status) << "at " << now;
  EXPECT_EQ(at.last_modified_ms, last_modified) << "at " << now;
  EXPECT_EQ(at.settled, settled) << "at " << now;
  EXPECT_EQ(at.gone(), status.empty()) << "at " << now;
}

TEST(EndpointLifecycle, EachPhaseLastsUntilItsEndThenGivesWayToWhatFollows) {
  for (const auto& [status, then] : {std::pair{"Creating", "InService"}, std::pair{"Updating", "InService"},
                                     std::pair{"Creating", "Failed"}, std::pair{"Updating", "Failed"}}) {
    const Phase phase{status, 1000, 1500, then};
    expect_status(phase, 1000, status, 1000, false);
    expect_status(phase, 1499, status, 1000, false);  // end_ms - 1
    expect_status(phase, 1500, then, 1500, true);     // end_ms: the last change is the end, not now
    expect_status(phase, 1501, then, 1500, true);
    expect_status(phase, 9'000'000'000'000, then, 1500, true);
  }
}

TEST(EndpointLifecycle, ADelayOfZeroIsSettledFromItsStart) {
  const Phase phase{"Creating", 1000, 1000, "InService"};
  expect_status(phase, 1000, "InService", 1000, true);
  expect_status(phase, 1001, "InService", 1000, true);
}

TEST(EndpointLifecycle, ADeleteIsDeletingThenGone) {
  const Phase deleting{"Deleting", 2000, 2600, ""};
  expect_status(deleting, 2000, "Deleting", 2000, false);
  expect_status(deleting, 2599, "Deleting", 2000, false);
  expect_status(deleting, 2600, "", 2600, true);
  expect_status(deleting, 5000, "", 2600, true);
  expect_status({"Deleting", 2000, 2000, ""}, 2000, "", 2000, true);
}

TEST(EndpointLifecycle, ColumnsForTheStore) {
  const store::Lifecycle creating = lifecycle_columns({"Creating", 1000, 1500, "InService"});
  EXPECT_EQ(creating.phase_status, "Creating");
  EXPECT_EQ(creating.phase_start_ms, 1000);
  EXPECT_EQ(creating.phase_end_ms, 1500);
  EXPECT_EQ(creating.settled_status, "InService");
  EXPECT_FALSE(creating.gone_at_ms);
  EXPECT_FALSE(lifecycle_columns({"Updating", 1000, 1000, "Failed"}).gone_at_ms);

  const store::Lifecycle deleting = lifecycle_columns({"Deleting", 2000, 2600, ""});
  EXPECT_EQ(deleting.phase_status, "Deleting");
  EXPECT_EQ(deleting.settled_status, "");
  EXPECT_EQ(deleting.gone_at_ms, 2600);  // gone when the phase ends
}

TEST(EndpointLifecycle, PhaseJsonRoundTrip) {
  // Beyond 32 bits, as every epoch millisecond is.
  for (const Phase& phase : {Phase{"Creating", 1'796'400'994'127, 1'796'400'995'127, "InService"},
                             Phase{"Deleting", 5, 5, ""}, Phase{"Updating", 0, 86'400'000, "Failed"}}) {
    const Json json = phase_to_json(phase);
    EXPECT_EQ(json, (Json{{"Status", phase.status},
                          {"Start", phase.start_ms},
                          {"End", phase.end_ms},
                          {"Then", phase.then}}));
    const Phase back = phase_from_json(Json::parse(json.dump()));
    EXPECT_EQ(back.status, phase.status);
    EXPECT_EQ(back.start_ms, phase.start_ms);
    EXPECT_EQ(back.end_ms, phase.end_ms);
    EXPECT_EQ(back.then, phase.then);
  }
}

std::string refusal(std::string_view status, bool failed_allowed) {
  try {
    require_changeable(status, "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e", failed_allowed);
  } catch (const ApiError& error) {
    EXPECT_EQ(error.http_status(), 400);
    return error.code() + ": " + error.message();
  }
  return "changeable";
}

TEST(EndpointLifecycle, RequireChangeable) {
  const std::string in_progress_refusal =
      "ValidationException: Cannot update in-progress endpoint "
      "\"arn:aws:sagemaker:us-east-1:123456789012:endpoint/e\".";
  for (const char* status : {"Creating", "Updating", "Deleting", "SystemUpdating", "RollingBack"}) {
    EXPECT_TRUE(in_progress(status)) << status;
    EXPECT_EQ(refusal(status, false), in_progress_refusal) << status;
    EXPECT_EQ(refusal(status, true), in_progress_refusal) << status;
  }
  // Only DeleteEndpoint (failed_allowed) may act on a failed endpoint.
  EXPECT_FALSE(in_progress("Failed"));
  EXPECT_EQ(refusal("Failed", false),
            "ValidationException: Cannot update failed endpoint "
            "\"arn:aws:sagemaker:us-east-1:123456789012:endpoint/e\".");
  EXPECT_EQ(refusal("Failed", true), "changeable");
  for (const char* status : {"InService", "OutOfService", "UpdateRollbackFailed"}) {
    EXPECT_FALSE(in_progress(status)) << status;
    EXPECT_EQ(refusal(status, false), "changeable") << status;
    EXPECT_EQ(refusal(status, true), "changeable") << status;
  }
}

// The operations over a clock the test sets: each status at the millisecond it starts and the one before.
class EndpointServiceTest : public ServiceTest {
 protected:
  static constexpr std::int64_t kDelay = 500;

  EndpointServiceTest() : ServiceTest({kDelay, [this] { return now_; }}) {
    call("CreateModel", {{"ModelName", "m"}, {"PrimaryContainer", {{"Image", "img:1"}}}});
    call("CreateEndpointConfig", {{"EndpointConfigName", "c"}, {"ProductionVariants", {variant("m")}}});
    call("CreateEndpointConfig", {{"EndpointConfigName", "d"}, {"ProductionVariants", {variant("m")}}});
  }
  std::string status_of(const std::string& name) {
    return call("DescribeEndpoint", {{"EndpointName", name}})["EndpointStatus"].get<std::string>();
  }
  Json listed() { return call("ListEndpoints", Json::object())["Endpoints"]; }

  std::int64_t now_ = 1'000'000;  // read by the service's clock only once the fixture is built
};

TEST_F(EndpointServiceTest, StatusesChangeAtTheirMillisecond) {
  const std::string arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e";
  call("CreateEndpoint",
       {{"EndpointName", "e"}, {"EndpointConfigName", "c"}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}});
  now_ += kDelay - 1;
  EXPECT_EQ(status_of("e"), "Creating");
  EXPECT_EQ(listed()[0]["EndpointStatus"], "Creating");
  EXPECT_EQ(error_of("UpdateEndpoint", {{"EndpointName", "e"}, {"EndpointConfigName", "d"}}),
            "ValidationException: Cannot update in-progress endpoint \"" + arn + "\".");
  now_ += 1;
  Json described = call("DescribeEndpoint", {{"EndpointName", "e"}});
  EXPECT_EQ(described["EndpointStatus"], "InService");
  EXPECT_EQ(described["LastModifiedTime"], 1000.5);
  EXPECT_EQ(listed()[0]["EndpointStatus"], "InService");
  EXPECT_EQ(listed()[0]["LastModifiedTime"], 1000.5);

  now_ = 2'000'000;
  call("UpdateEndpoint", {{"EndpointName", "e"}, {"EndpointConfigName", "d"}});
  now_ += kDelay - 1;
  described = call("DescribeEndpoint", {{"EndpointName", "e"}});
  EXPECT_EQ(described["EndpointStatus"], "Updating");
  EXPECT_EQ(described["EndpointConfigName"], "d");
  EXPECT_EQ(described["PendingDeploymentSummary"]["EndpointConfigName"], "d");
  EXPECT_EQ(described["LastModifiedTime"], 2000.0);
  now_ += 1;
  described = call("DescribeEndpoint", {{"EndpointName", "e"}});
  EXPECT_EQ(described["EndpointStatus"], "InService");
  EXPECT_FALSE(described.contains("PendingDeploymentSummary"));

  now_ = 3'000'000;
  call("DeleteEndpoint", {{"EndpointName", "e"}});
  now_ += kDelay - 1;
  EXPECT_EQ(status_of("e"), "Deleting");
  EXPECT_EQ(call("ListTags", {{"ResourceArn", arn}})["Tags"].size(), 1u);
  EXPECT_EQ(error_of("CreateEndpoint", {{"EndpointName", "E"}, {"EndpointConfigName", "c"}}),
            "ValidationException: Cannot create already existing endpoint \"" + arn + "\".");
  now_ += 1;
  EXPECT_EQ(error_of("DescribeEndpoint", {{"EndpointName", "e"}}),
            "ValidationException: Could not find endpoint \"" + arn + "\".");
  EXPECT_EQ(error_of("ListTags", {{"ResourceArn", arn}}), "ValidationException: Resource does not exist");
  EXPECT_EQ(listed(), Json::array());
  call("CreateEndpoint", {{"EndpointName", "E"}, {"EndpointConfigName", "c"}});
  EXPECT_EQ(status_of("e"), "Creating");
  EXPECT_EQ(call("ListTags", {{"ResourceArn", arn}})["Tags"], Json::array());
}

TEST_F(EndpointServiceTest, WeightsAreDesiredUntilTheUpdateIsOver) {
  call("CreateEndpoint", {{"EndpointName", "e"}, {"EndpointConfigName", "c"}});
  now_ += kDelay;
  call("UpdateEndpointWeightsAndCapacities",
       {{"EndpointName", "e"},
        {"DesiredWeightsAndCapacities",
         {{{"VariantName", "v"}, {"DesiredWeight", 0.5}, {"DesiredInstanceCount", 3}}}}});
  now_ += kDelay - 1;
  Json variant = call("DescribeEndpoint", {{"EndpointName", "e"}})["ProductionVariants"][0];
  EXPECT_EQ(variant["CurrentWeight"], 1.0);
  EXPECT_EQ(variant["DesiredWeight"], 0.5);
  EXPECT_EQ(variant["CurrentInstanceCount"], 1);
  EXPECT_EQ(variant["DesiredInstanceCount"], 3);
  now_ += 1;
  variant = call("DescribeEndpoint", {{"EndpointName", "e"}})["ProductionVariants"][0];
  EXPECT_EQ(variant["CurrentWeight"], 0.5);
  EXPECT_EQ(variant["DesiredWeight"], 0.5);
  EXPECT_EQ(variant["CurrentInstanceCount"], 3);
  EXPECT_EQ(variant["DesiredInstanceCount"], 3);
}

}  // namespace
}  // namespace sagebox::sagemaker
