// The SageMaker stage in-process: handlers over an in-memory store, with inputs as the schema stage hands them.
#include "sagebox/sagemaker/service.hpp"

#include <gtest/gtest.h>

#include <functional>

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
