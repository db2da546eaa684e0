// The SageMaker stage in-process: handlers over an in-memory store, with inputs as the schema stage hands them.
#include "sagebox/sagemaker/service.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <atomic>
#include <limits>
#include <thread>
#include <vector>

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
    EXPECT_EQ(back.failure_reason, "");
  }
}

TEST(EndpointLifecycle, AScriptedPhaseKeepsItsReasonAndItsEndlessEnd) {
  const Phase failing{"Updating", 1000, kHeldUntilReleased, "InService", "CapacityError: none left."};
  EXPECT_TRUE(failing.held());
  const Json json = phase_to_json(failing);
  EXPECT_EQ(json["FailureReason"], "CapacityError: none left.");
  const Phase back = phase_from_json(Json::parse(json.dump()));
  EXPECT_EQ(back.failure_reason, failing.failure_reason);
  EXPECT_EQ(back.end_ms, kHeldUntilReleased);
  EXPECT_TRUE(back.held());
  // Held: the phase's status, whatever the clock says, and the store's columns agree.
  expect_status(back, 9'000'000'000'000, "Updating", 1000, false);
  EXPECT_EQ(lifecycle_columns({"Deleting", 5, kHeldUntilReleased, ""}).gone_at_ms, kHeldUntilReleased);
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

// --- scripted lifecycles -------------------------------------------------------------------------------------

// The ValidationException message LifecycleScript::add throws for `rule`, or "accepted".
std::string rule_refusal(const Json& rule) {
  LifecycleScript script;
  try {
    script.add(rule);
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), "ValidationException");
    EXPECT_EQ(error.http_status(), 400);
    EXPECT_EQ(script.list()["rules"].size(), 0u);
    return error.message();
  }
  return "accepted";
}

Json failing_create(const std::string& name = "e1") {
  return {{"resource", "endpoint"}, {"name", name}, {"on", "create"}, {"outcome", "fail"}, {"reason", "Broken."}};
}

TEST(LifecycleScript, TheSmallestRuleIsStoredWithItsIdAndDefaults) {
  LifecycleScript script;
  EXPECT_EQ(script.add(failing_create()).dump(),
            R"({"id":"lifecycle-1","resource":"endpoint","name":"e1","on":"create","outcome":"fail",)"
            R"("reason":"Broken.","times":1,"fired":0})");
  const Json every = Json::parse(R"({"times": 3, "outcome": "hold", "on": "update", "region": "eu-west-1",
                                     "account": "111122223333", "name_prefix": "E-", "resource": "endpoint"})");
  EXPECT_EQ(script.add(every).dump(),
            R"({"id":"lifecycle-2","resource":"endpoint","name_prefix":"E-","account":"111122223333",)"
            R"("region":"eu-west-1","on":"update","outcome":"hold","times":3,"fired":0})");
  EXPECT_EQ(script.list()["rules"].size(), 2u);
  EXPECT_EQ(script.remove("lifecycle-1")->at("name"), "e1");
  EXPECT_FALSE(script.remove("lifecycle-1"));
  EXPECT_EQ(script.clear(), 1u);
  // Ids are never reused.
  EXPECT_EQ(script.add(failing_create())["id"], "lifecycle-3");
}

TEST(LifecycleScript, RulesAreCheckedStrictly) {
  const auto with = [](const char* member, Json value) {
    Json rule = failing_create();
    if (value.is_null()) {
      rule.erase(member);
    } else {
      rule[member] = std::move(value);
    }
    return rule;
  };
  EXPECT_EQ(rule_refusal(failing_create()), "accepted");
  EXPECT_EQ(rule_refusal(Json::array()), "A lifecycle rule must be a JSON object, not [].");
  EXPECT_EQ(rule_refusal(with("Reason", "x")),
            "Unknown member \"Reason\" in the lifecycle rule; its members are resource, name, name_prefix, account, "
            "region, on, outcome, reason and times.");
  EXPECT_EQ(rule_refusal(with("resource", nullptr)), "A lifecycle rule needs \"resource\": \"endpoint\".");
  EXPECT_EQ(rule_refusal(with("resource", "model")), "\"resource\" must be \"endpoint\", not \"model\".");
  EXPECT_EQ(rule_refusal(with("name", nullptr)),
            "A lifecycle rule needs \"name\" (the endpoint's name) or \"name_prefix\" (the beginning of it).");
  EXPECT_EQ(rule_refusal(with("name_prefix", "e")), "Give \"name\" or \"name_prefix\", not both.");
  EXPECT_EQ(rule_refusal(with("name", "")), "\"name\" must be a non-empty string, not \"\".");
  EXPECT_EQ(rule_refusal(with("name", 7)), "\"name\" must be a non-empty string, not 7.");
  EXPECT_EQ(rule_refusal(with("account", "12")), "\"account\" must be a 12-digit account id, not \"12\".");
  EXPECT_EQ(rule_refusal(with("region", "us east")),
            "\"region\" must be a region name such as \"us-east-1\", not \"us east\".");
  EXPECT_EQ(rule_refusal(with("on", nullptr)),
            "A lifecycle rule needs \"on\": \"create\", \"update\" or \"delete\".");
  EXPECT_EQ(rule_refusal(with("on", "Create")),
            "\"on\" must be \"create\", \"update\" or \"delete\", not \"Create\".");
  EXPECT_EQ(rule_refusal(with("outcome", nullptr)), "A lifecycle rule needs \"outcome\": \"fail\" or \"hold\".");
  EXPECT_EQ(rule_refusal(with("outcome", "succeed")),
            "\"outcome\" must be \"fail\" or \"hold\", not \"succeed\".");
  EXPECT_EQ(rule_refusal(with("reason", nullptr)),
            "\"outcome\": \"fail\" needs \"reason\": the endpoint's FailureReason.");
  EXPECT_EQ(rule_refusal(with("reason", "")), "\"reason\" must be a string of 1 to 1024 characters, not \"\".");
  EXPECT_EQ(rule_refusal(with("reason", std::string(1025, 'x'))),
            "\"reason\" must be a string of 1 to 1024 characters, not \"" + std::string(39, 'x') + "....");
  EXPECT_EQ(rule_refusal(with("reason", std::string(1024, 'x'))), "accepted");
  EXPECT_EQ(rule_refusal(with("outcome", "hold")),
            "A held transition does not fail: \"reason\" goes with \"outcome\": \"fail\" only.");
  EXPECT_EQ(rule_refusal(with("times", 0)), "\"times\" must be an integer of at least 1, not 0.");
  EXPECT_EQ(rule_refusal(with("times", 1.5)), "\"times\" must be an integer of at least 1, not 1.5.");
  EXPECT_EQ(rule_refusal(with("times", std::numeric_limits<std::uint64_t>::max())),
            "\"times\" must be an integer of at least 1, not 18446744073709551615.");
}

TEST(LifecycleScript, ReleaseSelectors) {
  EXPECT_TRUE(release_selector(Json::object()).matches("111122223333", "eu-west-1", "anything"));
  const EndpointSelector prefix = release_selector({{"name_prefix", "Blue-"}, {"region", "eu-west-1"}});
  EXPECT_TRUE(prefix.matches("111122223333", "eu-west-1", "blue-1"));
  EXPECT_FALSE(prefix.matches("111122223333", "us-east-1", "blue-1"));
  EXPECT_FALSE(prefix.matches("111122223333", "eu-west-1", "blu"));
  const EndpointSelector exact = release_selector({{"name", "E1"}, {"account", "111122223333"}});
  EXPECT_TRUE(exact.matches("111122223333", "us-east-1", "e1"));
  EXPECT_FALSE(exact.matches("111122223333", "us-east-1", "e10"));
  EXPECT_FALSE(exact.matches("123456789012", "us-east-1", "e1"));
  const auto refusal = [](const Json& body) {
    try {
      release_selector(body);
    } catch (const ApiError& error) {
      return error.message();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refusal(Json::array()), "A release must be a JSON object, not [].");
  EXPECT_EQ(refusal({{"on", "create"}}),
            "Unknown member \"on\" in the release; its members are name, name_prefix, account and region.");
  EXPECT_EQ(refusal({{"name", "a"}, {"name_prefix", "a"}}), "Give \"name\" or \"name_prefix\", not both.");
}

TEST(LifecycleScript, AClaimCountsWhenCommittedAndIsGivenBackOtherwise) {
  LifecycleScript script;
  Json rule = failing_create();
  rule.erase("name");
  rule["name_prefix"] = "E-";
  rule["times"] = 2;
  script.add(rule);
  const auto fired = [&] { return script.list()["rules"][0]["fired"].get<int>(); };
  EXPECT_FALSE(script.claim(Transition::kUpdate, "123456789012", "us-east-1", "e-1"));
  EXPECT_FALSE(script.claim(Transition::kCreate, "123456789012", "us-east-1", "f-1"));
  {
    auto first = script.claim(Transition::kCreate, "123456789012", "us-east-1", "e-1");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->outcome().failure_reason, "Broken.");
    EXPECT_FALSE(first->outcome().hold);
    auto second = script.claim(Transition::kCreate, "123456789012", "us-east-1", "e-2");
    ASSERT_TRUE(second);
    // Both firings are taken while the two calls run: a third finds none.
    EXPECT_FALSE(script.claim(Transition::kCreate, "123456789012", "us-east-1", "e-3"));
    first->commit();
    EXPECT_EQ(fired(), 1);
  }  // the second call failed: its firing is given back
  EXPECT_EQ(fired(), 1);
  auto third = script.claim(Transition::kCreate, "123456789012", "us-east-1", "E-3");
  ASSERT_TRUE(third);
  third->commit();
  EXPECT_EQ(fired(), 2);
  EXPECT_FALSE(script.claim(Transition::kCreate, "123456789012", "us-east-1", "e-4"));
  // A claim outliving its rule settles nothing.
  script.add(failing_create("x"));
  auto orphan = script.claim(Transition::kCreate, "123456789012", "us-east-1", "x");
  ASSERT_TRUE(orphan);
  script.clear();
  orphan->commit();
  EXPECT_EQ(script.list()["rules"], Json::array());
}

TEST(LifecycleScript, ConcurrentClaimsNeverTakeMoreFiringsThanTimes) {
  LifecycleScript script;
  Json rule = failing_create();
  rule["times"] = 100;
  script.add(rule);
  std::atomic<int> claimed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (auto claim = script.claim(Transition::kCreate, "123456789012", "us-east-1", "e1")) {
          claim->commit();
          ++claimed;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(claimed.load(), 100);
  EXPECT_EQ(script.list()["rules"][0]["fired"], 100);
}

// The endpoint operations with lifecycle rules, over the fixture's clock and a delay of kDelay.
class ScriptedEndpointTest : public EndpointServiceTest {
 protected:
  void script(Json rule) {
    rule["resource"] = "endpoint";
    service_.lifecycle_script().add(rule);
  }
  Json describe(const std::string& name) { return call("DescribeEndpoint", {{"EndpointName", name}}); }
  std::vector<std::string> failed() {
    std::vector<std::string> names;
    const Json listed = call("ListEndpoints", {{"StatusEquals", "Failed"}});
    for (const Json& e : listed["Endpoints"]) {
      names.push_back(e["EndpointName"].get<std::string>());
    }
    return names;
  }
  Json fired() {
    Json counts = Json::array();
    const Json rules = service_.lifecycle_script().list();
    for (const Json& rule : rules["rules"]) counts.push_back(rule["fired"]);
    return counts;
  }
  void create_in_service(const std::string& name) {
    call("CreateEndpoint", {{"EndpointName", name}, {"EndpointConfigName", "c"}});
    now_ += kDelay;
  }
  std::string arn(const std::string& name) { return "arn:aws:sagemaker:us-east-1:123456789012:endpoint/" + name; }
  // The fixture's model and configuration c, for a caller in another account or region.
  void prepare(const identity::Caller& caller) {
    call("CreateModel", {{"ModelName", "m"}, {"PrimaryContainer", {{"Image", "img:1"}}}}, caller);
    call("CreateEndpointConfig", {{"EndpointConfigName", "c"}, {"ProductionVariants", {variant("m")}}}, caller);
  }
};

TEST_F(ScriptedEndpointTest, ACreateThatFailsIsCreatingThenFailedWithItsReasonAndNothingDeployed) {
  script({{"name", "E1"}, {"on", "create"}, {"outcome", "fail"}, {"reason", "CapacityError: none."}});
  const std::int64_t created = now_;
  call("CreateEndpoint", {{"EndpointName", "e1"}, {"EndpointConfigName", "c"}});
  EXPECT_EQ(fired(), Json::array({1}));
  now_ += kDelay - 1;
  Json described = describe("e1");
  EXPECT_EQ(described["EndpointStatus"], "Creating");
  EXPECT_FALSE(described.contains("FailureReason"));  // only once Failed
  EXPECT_TRUE(described.contains("PendingDeploymentSummary"));
  EXPECT_EQ(failed(), std::vector<std::string>{});
  now_ += 1;
  described = describe("e1");
  EXPECT_EQ(described, (Json{{"EndpointName", "e1"},
                             {"EndpointArn", arn("e1")},
                             {"EndpointConfigName", "c"},
                             {"EndpointStatus", "Failed"},
                             {"FailureReason", "CapacityError: none."},
                             {"CreationTime", created / 1000.0},
                             {"LastModifiedTime", (created + kDelay) / 1000.0}}));
  EXPECT_EQ(failed(), std::vector<std::string>{"e1"});
  // Only DeleteEndpoint is allowed on a Failed endpoint.
  EXPECT_EQ(error_of("UpdateEndpoint", {{"EndpointName", "e1"}, {"EndpointConfigName", "d"}}),
            "ValidationException: Cannot update failed endpoint \"" + arn("e1") + "\".");
  // Tags work on a Failed endpoint and change nothing Describe says.
  call("AddTags", {{"ResourceArn", arn("e1")}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}});
  EXPECT_EQ(describe("e1"), described);
  call("DeleteEndpoint", {{"EndpointName", "e1"}});
  now_ += kDelay;
  EXPECT_EQ(error_of("DescribeEndpoint", {{"EndpointName", "e1"}}),
            "ValidationException: Could not find endpoint \"" + arn("e1") + "\".");
  // Used up: the next create of the name goes to InService.
  create_in_service("e1");
  EXPECT_EQ(describe("e1")["EndpointStatus"], "InService");
  EXPECT_EQ(fired(), Json::array({1}));
}

TEST_F(ScriptedEndpointTest, AnUpdateThatFailsRollsBackAndTheNextGoodUpdateClearsTheReason) {
  create_in_service("e");
  const Json before = describe("e");
  script({{"name", "e"}, {"on", "update"}, {"outcome", "fail"}, {"reason", "Rolled back."}});
  call("UpdateEndpoint", {{"EndpointName", "e"}, {"EndpointConfigName", "d"}});
  now_ += kDelay - 1;
  Json described = describe("e");
  EXPECT_EQ(described["EndpointStatus"], "Updating");
  EXPECT_EQ(described["EndpointConfigName"], "d");
  now_ += 1;
  described = describe("e");
  EXPECT_EQ(described["EndpointStatus"], "InService");
  EXPECT_EQ(described["EndpointConfigName"], "c");  // the old configuration kept
  EXPECT_EQ(described["FailureReason"], "Rolled back.");
  EXPECT_FALSE(described.contains("PendingDeploymentSummary"));
  EXPECT_EQ(described["ProductionVariants"], before["ProductionVariants"]);
  EXPECT_EQ(described["LastModifiedTime"], (now_) / 1000.0);

  call("UpdateEndpoint", {{"EndpointName", "e"}, {"EndpointConfigName", "d"}});
  now_ += kDelay;
  described = describe("e");
  EXPECT_EQ(described["EndpointStatus"], "InService");
  EXPECT_EQ(described["EndpointConfigName"], "d");
  EXPECT_FALSE(described.contains("FailureReason"));
  EXPECT_EQ(fired(), Json::array({1}));
}

TEST_F(ScriptedEndpointTest, AWeightsUpdateIsAnUpdateToo) {
  create_in_service("e");
  script({{"name", "e"}, {"on", "update"}, {"outcome", "fail"}, {"reason", "No capacity."}});
  call("UpdateEndpointWeightsAndCapacities",
       {{"EndpointName", "e"}, {"DesiredWeightsAndCapacities", {{{"VariantName", "v"}, {"DesiredInstanceCount", 3}}}}});
  now_ += kDelay;
  const Json variant = describe("e")["ProductionVariants"][0];
  EXPECT_EQ(variant["CurrentInstanceCount"], 1);
  EXPECT_EQ(variant["DesiredInstanceCount"], 1);
  EXPECT_EQ(describe("e")["FailureReason"], "No capacity.");
  call("UpdateEndpointWeightsAndCapacities",
       {{"EndpointName", "e"}, {"DesiredWeightsAndCapacities", {{{"VariantName", "v"}, {"DesiredInstanceCount", 2}}}}});
  now_ += kDelay;
  EXPECT_EQ(describe("e")["ProductionVariants"][0]["CurrentInstanceCount"], 2);
  EXPECT_FALSE(describe("e").contains("FailureReason"));
}

TEST_F(ScriptedEndpointTest, ADeleteThatFailsLeavesTheEndpointFailed) {
  create_in_service("e");
  script({{"name", "e"}, {"on", "delete"}, {"outcome", "fail"}, {"reason", "Could not delete."}});
  call("DeleteEndpoint", {{"EndpointName", "e"}});
  EXPECT_EQ(describe("e")["EndpointStatus"], "Deleting");
  now_ += kDelay;
  EXPECT_EQ(describe("e")["EndpointStatus"], "Failed");
  EXPECT_EQ(describe("e")["FailureReason"], "Could not delete.");
  EXPECT_EQ(failed(), std::vector<std::string>{"e"});
  call("DeleteEndpoint", {{"EndpointName", "e"}});
  now_ += kDelay;
  EXPECT_EQ(failed(), std::vector<std::string>{});
  EXPECT_EQ(listed(), Json::array());
}

TEST_F(ScriptedEndpointTest, ARefusedCallConsumesNothing) {
  script({{"name", "e"}, {"on", "create"}, {"outcome", "fail"}, {"reason", "x"}});
  script({{"name", "e"}, {"on", "update"}, {"outcome", "fail"}, {"reason", "y"}});
  EXPECT_NE(error_of("CreateEndpoint", {{"EndpointName", "e"}, {"EndpointConfigName", "missing"}}), "no error");
  EXPECT_NE(error_of("UpdateEndpoint", {{"EndpointName", "e"}, {"EndpointConfigName", "d"}}), "no error");
  EXPECT_EQ(fired(), Json::array({0, 0}));
  call("CreateEndpoint", {{"EndpointName", "e"}, {"EndpointConfigName", "c"}});
  EXPECT_NE(error_of("CreateEndpoint", {{"EndpointName", "e"}, {"EndpointConfigName", "c"}}), "no error");
  EXPECT_EQ(fired(), Json::array({1, 0}));
}

TEST_F(ScriptedEndpointTest, TimesAndPrefixAndCallerScripts) {
  script({{"name_prefix", "Fail-"}, {"on", "create"}, {"outcome", "fail"}, {"reason", "r"}, {"times", 2}});
  script({{"name_prefix", "other-"}, {"on", "create"}, {"outcome", "fail"}, {"reason", "r"},
          {"account", "111122223333"}});
  for (const char* name : {"fail-1", "ok", "FAIL-2", "fail-3", "other-1"}) create_in_service(name);
  EXPECT_EQ(failed(), (std::vector<std::string>{"FAIL-2", "fail-1"}));
  EXPECT_EQ(fired(), Json::array({2, 0}));
  const identity::Caller other{"111122223333", "us-east-1", ""};
  prepare(other);
  call("CreateEndpoint", {{"EndpointName", "other-1"}, {"EndpointConfigName", "c"}}, other);
  now_ += kDelay;
  EXPECT_EQ(call("DescribeEndpoint", {{"EndpointName", "other-1"}}, other)["EndpointStatus"], "Failed");
  EXPECT_EQ(fired(), Json::array({2, 1}));
}

TEST_F(ScriptedEndpointTest, AHeldStatusLastsUntilReleasedThenGoesOnAsItWould) {
  script({{"name", "c1"}, {"on", "create"}, {"outcome", "hold"}});
  script({{"name", "u1"}, {"on", "update"}, {"outcome", "hold"}});
  script({{"name", "d1"}, {"on", "delete"}, {"outcome", "hold"}});
  create_in_service("u1");
  create_in_service("d1");
  const std::int64_t start = now_;
  call("CreateEndpoint", {{"EndpointName", "c1"}, {"EndpointConfigName", "c"}});
  call("UpdateEndpoint", {{"EndpointName", "u1"}, {"EndpointConfigName", "d"}});
  call("DeleteEndpoint", {{"EndpointName", "d1"}});
  now_ += 1'000'000'000;  // long after any delay
  for (const auto& [name, status] : {std::pair{"c1", "Creating"}, std::pair{"u1", "Updating"},
                                     std::pair{"d1", "Deleting"}}) {
    EXPECT_EQ(describe(name)["EndpointStatus"], status) << name;
    EXPECT_EQ(describe(name)["LastModifiedTime"], start / 1000.0) << name;
  }
  EXPECT_EQ(call("ListEndpoints", {{"StatusEquals", "Creating"}})["Endpoints"][0]["EndpointName"], "c1");
  EXPECT_EQ(call("ListEndpoints", {{"StatusEquals", "Updating"}})["Endpoints"][0]["EndpointName"], "u1");
  EXPECT_EQ(error_of("DeleteEndpoint", {{"EndpointName", "c1"}}),
            "ValidationException: Cannot update in-progress endpoint \"" + arn("c1") + "\".");

  // A selector that matches none releases none.
  EXPECT_TRUE(service_.release_held(release_selector({{"name", "x"}})).empty());
  EXPECT_TRUE(service_.release_held(release_selector({{"region", "eu-west-1"}})).empty());
  const auto released = service_.release_held(release_selector({{"name", "C1"}}));
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].account, "123456789012");
  EXPECT_EQ(released[0].region, "us-east-1");
  EXPECT_EQ(released[0].name, "c1");
  Json described = describe("c1");
  EXPECT_EQ(described["EndpointStatus"], "InService");
  EXPECT_EQ(described["LastModifiedTime"], now_ / 1000.0);
  EXPECT_EQ(described["ProductionVariants"][0]["VariantName"], "v");

  EXPECT_EQ(service_.release_held(release_selector(Json::object())).size(), 2u);
  EXPECT_EQ(describe("u1")["EndpointStatus"], "InService");
  EXPECT_EQ(describe("u1")["EndpointConfigName"], "d");
  EXPECT_EQ(error_of("DescribeEndpoint", {{"EndpointName", "d1"}}),
            "ValidationException: Could not find endpoint \"" + arn("d1") + "\".");
  EXPECT_TRUE(service_.release_held(release_selector(Json::object())).empty());
  EXPECT_EQ(fired(), Json::array({1, 1, 1}));
}

TEST_F(ScriptedEndpointTest, AReleaseBeforeTheDelayIsOverLetsThePhaseRunItsCourse) {
  script({{"name", "e"}, {"on", "create"}, {"outcome", "hold"}});
  call("CreateEndpoint", {{"EndpointName", "e"}, {"EndpointConfigName", "c"}});
  now_ += 100;
  service_.release_held(release_selector(Json::object()));
  now_ += kDelay - 101;
  EXPECT_EQ(describe("e")["EndpointStatus"], "Creating");
  now_ += 1;
  EXPECT_EQ(describe("e")["EndpointStatus"], "InService");
}

TEST_F(ScriptedEndpointTest, ReleasesFindHeldEndpointsInEveryAccountAndRegion) {
  script({{"name_prefix", "h"}, {"on", "create"}, {"outcome", "hold"}, {"times", 3}});
  const identity::Caller elsewhere[] = {{"111122223333", "eu-west-1", ""}, {"444455556666", "ap-south-1", ""}};
  for (const identity::Caller& caller : elsewhere) {
    prepare(caller);
    call("CreateEndpoint", {{"EndpointName", "h1"}, {"EndpointConfigName", "c"}}, caller);
  }
  call("CreateEndpoint", {{"EndpointName", "h1"}, {"EndpointConfigName", "c"}});
  now_ += kDelay;
  const auto released = service_.release_held(release_selector({{"account", "111122223333"}}));
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].region, "eu-west-1");
  EXPECT_EQ(call("DescribeEndpoint", {{"EndpointName", "h1"}}, elsewhere[0])["EndpointStatus"], "InService");
  EXPECT_EQ(call("DescribeEndpoint", {{"EndpointName", "h1"}}, elsewhere[1])["EndpointStatus"], "Creating");
  EXPECT_EQ(service_.release_held(release_selector(Json::object())).size(), 2u);
  EXPECT_EQ(call("DescribeEndpoint", {{"EndpointName", "h1"}}, elsewhere[1])["EndpointStatus"], "InService");
}

// Every scripted outcome is data of the stored record, so the state document carries it: a failed create (also
// one brought up to date by a later write), a rollback, a failed delete and a held create round-trip exactly.
TEST_F(ScriptedEndpointTest, ScriptedOutcomesSurviveExportAndImport) {
  script({{"name", "failed"}, {"on", "create"}, {"outcome", "fail"}, {"reason", "CapacityError: none."}});
  script({{"name", "deleting-failed"}, {"on", "create"}, {"outcome", "fail"}, {"reason", "Broken."}});
  script({{"name", "rolled-back"}, {"on", "update"}, {"outcome", "fail"}, {"reason", "Rolled back."}});
  script({{"name", "held"}, {"on", "create"}, {"outcome", "hold"}});
  for (const char* name : {"failed", "deleting-failed", "rolled-back", "held"}) {
    call("CreateEndpoint", {{"EndpointName", name}, {"EndpointConfigName", "c"}});
  }
  now_ += kDelay;
  call("UpdateEndpoint", {{"EndpointName", "rolled-back"}, {"EndpointConfigName", "d"}});
  call("DeleteEndpoint", {{"EndpointName", "deleting-failed"}});  // Deleting, from a record that served nothing
  now_ += 1;
  const std::vector<std::string> names{"failed", "deleting-failed", "rolled-back", "held"};
  const auto described = [&] {
    std::vector<Json> all;
    for (const std::string& name : names) all.push_back(describe(name));
    return all;
  };
  const std::vector<Json> before = described();
  EXPECT_EQ(before[3]["EndpointStatus"], "Creating");
  const std::string exported = service_.export_state().dump();
  service_.reset();
  EXPECT_EQ(service_.import_state(Json::parse(exported)), 7u);  // m, c, d and the four endpoints
  EXPECT_EQ(service_.export_state().dump(), exported);
  EXPECT_EQ(described(), before);
  now_ += kDelay;
  EXPECT_EQ(describe("failed")["FailureReason"], "CapacityError: none.");
  EXPECT_EQ(describe("rolled-back")["EndpointConfigName"], "c");
  EXPECT_EQ(describe("rolled-back")["FailureReason"], "Rolled back.");
  EXPECT_THROW(describe("deleting-failed"), ApiError);
  EXPECT_EQ(describe("held")["EndpointStatus"], "Creating");  // still held after the import
  ASSERT_EQ(service_.release_held(release_selector(Json::object())).size(), 1u);
  EXPECT_EQ(describe("held")["EndpointStatus"], "InService");
}

TEST_F(ScriptedEndpointTest, OldRecordsWithoutScriptedMembersStillRead) {
  create_in_service("e");
  // A record stored before phases could fail: its Phase has no FailureReason member.
  store::ResourceStore store(db_);
  auto found = store.find({"123456789012", "us-east-1"}, "endpoint", "e");
  ASSERT_TRUE(found);
  EXPECT_FALSE(Json::parse(found->document)["Phase"].contains("FailureReason"));
  call("UpdateEndpoint", {{"EndpointName", "e"}, {"EndpointConfigName", "d"}});
  now_ += kDelay;
  EXPECT_EQ(describe("e")["EndpointConfigName"], "d");
}

const identity::Caller kChina{"111122223333", "cn-north-1", ""};
constexpr std::int64_t kStateDelay = 500;

// The whole state: Service::export_state, import_state and empty.
class StateTest : public ServiceTest {
 protected:
  StateTest() : ServiceTest({kStateDelay, [this] { return now_; }}) {}

  // Models, configurations and endpoints in two accounts and regions, one endpoint in each phase.
  void populate() {
    for (const identity::Caller& caller : {kCaller, kChina}) {
      call("CreateModel",
           {{"ModelName", "Model-1"},
            {"PrimaryContainer", {{"Image", "img:1"}, {"Environment", {{"B", "2"}, {"A", "1"}}}}},
            {"Tags", {{{"Key", "z"}, {"Value", "Grüße 東京"}}, {{"Key", "a"}, {"Value", ""}}}}},
           caller);
      for (const char* config : {"c1", "c2"}) {
        call("CreateEndpointConfig",
             {{"EndpointConfigName", config},
              {"ProductionVariants",
               {{{"VariantName", "v"}, {"ModelName", "Model-1"}, {"InitialInstanceCount", 1},
                 {"InstanceType", "ml.t2.medium"}, {"InitialVariantWeight", 0.25}}}}},
             caller);
      }
      call("CreateEndpoint", {{"EndpointName", "settled"}, {"EndpointConfigName", "c1"}}, caller);
    }
    now_ += kStateDelay;
    call("CreateEndpoint", {{"EndpointName", "creating"}, {"EndpointConfigName", "c1"}});
    call("CreateEndpoint", {{"EndpointName", "updating"}, {"EndpointConfigName", "c1"}});
    call("CreateEndpoint", {{"EndpointName", "deleting"}, {"EndpointConfigName", "c1"}});
    now_ += kStateDelay;
    call("CreateEndpoint", {{"EndpointName", "creating"}, {"EndpointConfigName", "c1"}}, kChina);
    call("UpdateEndpoint", {{"EndpointName", "updating"}, {"EndpointConfigName", "c2"}});
    call("DeleteEndpoint", {{"EndpointName", "deleting"}});
    now_ += 100;
  }

  // Every Describe of `names` (endpoints) as the service answers them now.
  std::vector<Json> endpoints(const std::vector<std::string>& names) {
    std::vector<Json> described;
    for (const std::string& name : names) described.push_back(call("DescribeEndpoint", {{"EndpointName", name}}));
    described.push_back(call("ListEndpoints", Json::object()));
    return described;
  }

  std::string import_error(const Json& document) {
    try {
      service_.import_state(document);
    } catch (const ApiError& error) {
      return error.code() + ": " + error.message();
    }
    return "no error";
  }

  std::int64_t now_ = 1'700'000'000'000;  // read by the service's clock only once the fixture is built
};

TEST_F(StateTest, ExportResetImportExportIsByteIdenticalAndServesTheSame) {
  populate();
  const std::vector<std::string> names{"settled", "creating", "updating", "deleting"};
  const std::vector<Json> before = endpoints(names);
  const std::string exported = service_.export_state().dump();
  service_.reset();
  EXPECT_TRUE(service_.empty());
  EXPECT_EQ(service_.import_state(Json::parse(exported)), 12u);
  EXPECT_EQ(service_.export_state().dump(), exported);
  EXPECT_EQ(endpoints(names), before);
  EXPECT_EQ(call("ListTags", {{"ResourceArn", "arn:aws-cn:sagemaker:cn-north-1:111122223333:model/model-1"}}, kChina),
            (Json{{"Tags", {{{"Key", "z"}, {"Value", "Grüße 東京"}}, {{"Key", "a"}, {"Value", ""}}}}}));
  // The phases go on from the imported records: each ends when it would have.
  now_ += kStateDelay;
  for (const char* name : {"creating", "updating"}) {
    EXPECT_EQ(call("DescribeEndpoint", {{"EndpointName", name}})["EndpointStatus"], "InService") << name;
  }
  EXPECT_EQ(call("DescribeEndpoint", {{"EndpointName", "updating"}})["EndpointConfigName"], "c2");
  EXPECT_THROW(call("DescribeEndpoint", {{"EndpointName", "deleting"}}), ApiError);
}

TEST_F(StateTest, TheExportIsOrderedAndVersioned) {
  populate();
  const Json state = service_.export_state();
  EXPECT_EQ(state.begin().key(), "sagebox_state");
  EXPECT_EQ(state["sagebox_state"], 1);
  std::vector<std::string> order;
  for (const Json& resource : state["resources"]) {
    order.push_back(resource["account"].get<std::string>() + " " + resource["type"].get<std::string>() + " " +
                    resource["name"].get<std::string>());
  }
  EXPECT_EQ(order, (std::vector<std::string>{
                       "111122223333 Endpoint creating", "111122223333 Endpoint settled",
                       "111122223333 EndpointConfig c1", "111122223333 EndpointConfig c2", "111122223333 Model Model-1",
                       "123456789012 Endpoint creating", "123456789012 Endpoint deleting",
                       "123456789012 Endpoint settled", "123456789012 Endpoint updating",
                       "123456789012 EndpointConfig c1", "123456789012 EndpointConfig c2",
                       "123456789012 Model Model-1"}));
  const Json& model = state["resources"][4];
  EXPECT_EQ(model["region"], "cn-north-1");
  EXPECT_EQ(model["created"], 1'700'000'000'000);
  EXPECT_EQ(model["document"]["ModelArn"], "arn:aws-cn:sagemaker:cn-north-1:111122223333:model/model-1");
  EXPECT_EQ(state["resources"][0]["document"]["Phase"],
            (Json{{"Status", "Creating"}, {"Start", 1'700'000'001'000}, {"End", 1'700'000'001'500}, {"Then", "InService"}}));
}

TEST_F(StateTest, ImportReplacesEverything) {
  populate();
  const Json one{{"sagebox_state", 1},
                 {"resources",
                  {{{"account", "999999999999"},
                    {"region", "eu-west-1"},
                    {"type", "Model"},
                    {"name", "only"},
                    {"created", 5000},
                    {"document",
                     {{"ModelArn", "arn:aws:sagemaker:eu-west-1:999999999999:model/only"},
                      {"CreationTime", "1970-01-01T00:00:05Z"},
                      {"ModelName", "only"}}}}}}};
  EXPECT_EQ(service_.import_state(one), 1u);
  const Json state = service_.export_state();
  ASSERT_EQ(state["resources"].size(), 1u);
  // Stored as Create stores it: Describe's member order, times as epoch seconds; no tags given, none stored.
  EXPECT_EQ(state["resources"][0]["document"].dump(),
            R"({"ModelName":"only","CreationTime":5.0,"ModelArn":"arn:aws:sagemaker:eu-west-1:999999999999:model/only"})");
  EXPECT_EQ(state["resources"][0]["tags"], Json::array());
  EXPECT_THROW(call("DescribeModel", {{"ModelName", "Model-1"}}), ApiError);
}

// Each bad document is refused with where and what, and leaves the state as it was.
TEST_F(StateTest, ABadDocumentSaysWhereAndChangesNothing) {
  populate();
  const Json good = service_.export_state();
  const std::string before = good.dump();
  // Indexes into `good`: 0 an endpoint of cn-north-1, 4 its model, 7 an endpoint of us-east-1.
  const std::vector<std::pair<std::function<void(Json&)>, std::string>> cases{
      {[](Json& s) { s = Json::array(); }, "state: must be an object"},
      {[](Json& s) { s["sagebox_state"] = 2; }, "sagebox_state: must be 1, the version this sagebox reads, not 2."},
      {[](Json& s) { s.erase("resources"); }, "state: \"resources\" is missing."},
      {[](Json& s) { s["extra"] = 1; }, "state: unknown member \"extra\""},
      {[](Json& s) { s["resources"][3]["account"] = "12345"; },
       "resources[3].account: must be 12 digits, not \"12345\"."},
      {[](Json& s) { s["resources"][3]["region"] = "us east 1"; }, "resources[3].region: must be a region"},
      {[](Json& s) { s["resources"][3]["type"] = "Notebook"; },
       "resources[3].type: must be \"Model\", \"EndpointConfig\" or \"Endpoint\", not \"Notebook\"."},
      {[](Json& s) { s["resources"][4]["name"] = "bad name!"; },
       "resources[4].name: 1 validation error detected: Value 'bad name!' at 'modelName' failed to satisfy "
       "constraint: Member must satisfy regular expression pattern"},
      {[](Json& s) {
         Json copy = s["resources"][4];
         copy["name"] = copy["document"]["ModelName"] = "MODEL-1";
         s["resources"].push_back(copy);
       },
       "resources[12].name: \"MODEL-1\" is resources[4]'s name already"},
      {[](Json& s) { s["resources"][4].erase("created"); }, "resources[4]: \"created\" is missing."},
      {[](Json& s) { s["resources"][4]["created"] = "soon"; }, "resources[4].created: must be the creation time"},
      {[](Json& s) { s["resources"][4]["created"] = 1; },
       "resources[4].document.CreationTime: must be 0.001, as \"created\" says."},
      {[](Json& s) { s["resources"][4]["document"]["ModelName"] = "other"; },
       "resources[4].document.ModelName: must be the resource's name \"Model-1\"."},
      {[](Json& s) { s["resources"][4]["document"]["ModelArn"] = "arn:aws:sagemaker:cn-north-1:111122223333:model/model-1"; },
       "resources[4].document.ModelArn: must be \"arn:aws-cn:sagemaker:cn-north-1:111122223333:model/model-1\""},
      {[](Json& s) { s["resources"][4]["document"]["PrimaryContainer"] = "img"; },
       "resources[4].document: "},
      {[](Json& s) { s["resources"][7]["document"]["Phase"]["End"] = "later"; },
       "resources[7].document.Phase.End: must be an integer, ms since the epoch."},
      {[](Json& s) { s["resources"][7]["document"]["Phase"]["End"] = 1; },
       "resources[7].document.Phase.End: must be at or after Phase.Start."},
      {[](Json& s) { s["resources"][7]["document"]["Phase"]["Then"] = "Sleeping"; },
       "resources[7].document: DescribeEndpoint after its phase would not be valid: 1 validation error detected: "
       "Value 'Sleeping' at 'endpointStatus'"},
      {[](Json& s) { s["resources"][7]["document"].erase("Pending"); },
       "resources[7].document: must be an endpoint's record with \"Serving\" or \"Pending\""},
      {[](Json& s) { s["resources"][7]["document"]["Pending"]["ProductionVariants"][0].erase("VariantName"); },
       "resources[7].document.Pending.ProductionVariants[0].VariantName: must be a string."},
      {[](Json& s) { s["resources"][7]["document"]["EndpointArn"] = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x"; },
       "resources[7].document.EndpointArn: must be \"arn:aws:sagemaker:us-east-1:123456789012:endpoint/settled\""},
      {[](Json& s) { s["resources"][7]["document"]["CreationTime"] = 3; },
       "resources[7].document.CreationTime: must be 1700000000000, as \"created\" says."},
      {[](Json& s) { s["resources"][4]["tags"][0]["Key"] = "aws:secret"; },
       "resources[4].tags: Tag keys beginning with 'aws:' are reserved for AWS use: aws:secret"},
      {[](Json& s) { s["resources"][4]["tags"][1]["Key"] = "z"; }, "resources[4].tags: the key \"z\" is given twice."},
      {[](Json& s) { s["resources"][4]["tags"][0]["Value"] = std::string(257, 'x'); },
       "resources[4].tags: 1 validation error detected: Value '"},
      {[](Json& s) { s["resources"][4]["tags"] = "none"; }, "resources[4].tags: must be an array"},
      {[](Json& s) { s["resources"][4]["colour"] = "red"; }, "resources[4]: unknown member \"colour\""},
  };
  for (const auto& [spoil, expected] : cases) {
    Json bad = good;
    spoil(bad);
    const std::string error = import_error(bad);
    EXPECT_EQ(error.rfind("ValidationException: " + expected, 0), 0u) << "expected: " << expected << "\ngot: " << error;
    EXPECT_EQ(service_.export_state().dump(), before) << expected;
  }
}

}  // namespace
}  // namespace sagebox::sagemaker
