// Hand-written examples of the validator against AWS-BEHAVIOR §1 (type errors first) and §2 (Coral's
// messages). The exhaustive per-constraint cases are generated: see schema_generated_test.cpp.
// Then the partition of a region (AWS-BEHAVIOR §3 "ARNs and partitions"), from the embedded partition table.
#include "sagebox/schema/schema.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "sagebox/error.hpp"
#include "sagebox/schema/partitions.hpp"

namespace {

using sagebox::ApiError;
using sagebox::Json;
using sagebox::schema::partition_of;
using sagebox::schema::Schema;

const Schema& schema() { return Schema::embedded(); }

// The error `validate` throws, or a failure when it throws none.
ApiError error_of(std::string_view shape, const Json& input) {
  try {
    schema().validate(shape, input);
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "validate(" << shape << ") accepted " << input.dump();
  return {"(none)", "(none)"};
}

std::string validation_message(std::string_view shape, const Json& input) {
  const ApiError e = error_of(shape, input);
  EXPECT_EQ(e.code(), "ValidationException") << e.message();
  EXPECT_EQ(e.http_status(), 400);
  return e.message();
}

std::string serialization_message(std::string_view shape, const Json& input) {
  const ApiError e = error_of(shape, input);
  EXPECT_EQ(e.code(), "SerializationException") << e.message();
  EXPECT_EQ(e.http_status(), 400);
  return e.message();
}

Json variant(const std::string& name = "v1") {
  return {{"VariantName", name},
          {"ModelName", "m"},
          {"InitialInstanceCount", 1},
          {"InstanceType", "ml.m5.large"}};
}

Json endpoint_config(Json variants = Json::array({variant()})) {
  return {{"EndpointConfigName", "cfg"}, {"ProductionVariants", std::move(variants)}};
}

// The enum of a shape as the messages print it, read from the schema text itself.
std::string enum_text(const std::string& shape) {
  const Json document = Json::parse(sagebox::schema::embedded_schema_text());
  std::string text = "[";
  for (const auto& value : document["shapes"][shape]["enum"]) {
    text += (text.size() > 1 ? ", " : "") + value.get<std::string>();
  }
  return text + "]";
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

const std::string kModelNamePattern = R"(^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?)";
const std::string kArn = "arn:aws:sagemaker:us-east-1:123456789012:model/m";
const std::string kTagPattern = R"(^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$)";

// --- §2 observed messages
// --------------------------------------------------------------------------------------

TEST(SchemaMessages, EndpointConfigNamePattern) {
  Json input = endpoint_config();
  input["EndpointConfigName"] = "my_config";
  EXPECT_EQ(
      validation_message("CreateEndpointConfigInput", input),
      "1 validation error detected: Value 'my_config' at 'endpointConfigName' failed to satisfy constraint: "
      "Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
}

TEST(SchemaMessages, TwoErrorsOnOneMemberLengthThenPattern) {
  const std::string name = std::string(63, 'a') + "-";
  EXPECT_EQ(
      validation_message("CreateModelInput", {{"ModelName", name}}),
      "2 validation errors detected: Value '" + name +
          "' at 'modelName' failed to satisfy constraint: Member must have length less than or equal to 63; "
          "Value '" +
          name +
          "' at 'modelName' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
          kModelNamePattern);
}

TEST(SchemaMessages, OverLongNameThatMatchesThePatternFailsLengthOnly) {
  const std::string name(64, 'm');
  EXPECT_EQ(
      validation_message("DescribeModelInput", {{"ModelName", name}}),
      "1 validation error detected: Value '" + name +
          "' at 'modelName' failed to satisfy constraint: Member must have length less than or equal to 63");
}

TEST(SchemaMessages, ValuesAreQuotedWithoutEscaping) {
  EXPECT_EQ(validation_message("DescribeModelInput", {{"ModelName", "a'b"}}),
            "1 validation error detected: Value 'a'b' at 'modelName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: " +
                kModelNamePattern);
}

TEST(SchemaMessages, NumbersAreQuoted) {
  EXPECT_EQ(validation_message("ListModelsInput", {{"MaxResults", 0}}),
            "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1");
  EXPECT_EQ(validation_message("ListModelsInput", {{"MaxResults", 101}}),
            "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: "
            "Member must have value less than or equal to 100");
}

TEST(SchemaMessages, MissingRequiredMemberIsValueNull) {
  EXPECT_EQ(validation_message("CreateEndpointConfigInput", {{"EndpointConfigName", "cfg"}}),
            "1 validation error detected: Value null at 'productionVariants' failed to satisfy constraint: "
            "Member must not be null");
}

TEST(SchemaMessages, NullRequiredMemberIsDroppedThenReported) {
  EXPECT_EQ(validation_message("DescribeModelInput", {{"ModelName", nullptr}}),
            "1 validation error detected: Value null at 'modelName' failed to satisfy constraint: "
            "Member must not be null");
}

TEST(SchemaMessages, NestedListPathUsesOneBasedMemberIndex) {
  Json input = endpoint_config({variant("a"), variant("b")});
  input["ProductionVariants"][1]["InstanceType"] = "ml.bogus";
  EXPECT_EQ(
      validation_message("CreateEndpointConfigInput", input),
      "1 validation error detected: Value 'ml.bogus' at 'productionVariants.2.member.instanceType' failed to "
      "satisfy constraint: Member must satisfy enum value set: " +
          enum_text("ProductionVariantInstanceType"));
}

TEST(SchemaMessages, StructureThenListThenMember) {
  Json input = endpoint_config();
  input["DataCaptureConfig"] = {
      {"InitialSamplingPercentage", 50},
      {"DestinationS3Uri", "s3://bucket/capture"},
      {"CaptureOptions", {{{"CaptureMode", "Input"}}, {{"CaptureMode", "Sideways"}}}}};
  EXPECT_EQ(
      validation_message("CreateEndpointConfigInput", input),
      "1 validation error detected: Value 'Sideways' at "
      "'dataCaptureConfig.captureOptions.2.member.captureMode' "
      "failed to satisfy constraint: Member must satisfy enum value set: [Input, Output, InputAndOutput]");
}

TEST(SchemaMessages, NestedRequiredMembersInModelOrder) {
  Json input = endpoint_config();
  input["DataCaptureConfig"] = {{"EnableCapture", false}};
  EXPECT_EQ(validation_message("CreateEndpointConfigInput", input),
            "3 validation errors detected: "
            "Value null at 'dataCaptureConfig.initialSamplingPercentage' failed to satisfy constraint: "
            "Member must not be null; "
            "Value null at 'dataCaptureConfig.destinationS3Uri' failed to satisfy constraint: Member must "
            "not be null; "
            "Value null at 'dataCaptureConfig.captureOptions' failed to satisfy constraint: Member must not "
            "be null");
}

TEST(SchemaMessages, ItemsFollowShapeOrderDepthFirstNotInputOrder) {
  // Input order is reversed on purpose: the message follows the model (EndpointConfigName, then variants).
  const Json input = {{"ProductionVariants", {{{"VariantName", "bad name"}}}},
                      {"EndpointConfigName", "bad name"}};
  const std::string message = validation_message("CreateEndpointConfigInput", input);
  EXPECT_EQ(message.rfind("2 validation errors detected: Value 'bad name' at 'endpointConfigName'", 0), 0u)
      << message;
  EXPECT_NE(message.find("; Value 'bad name' at 'productionVariants.1.member.variantName'"),
            std::string::npos);
}

TEST(SchemaMessages, AtMostTenItemsAndTheCountSaysHowManyAreListed) {
  Json variants = Json::array();
  for (int i = 1; i <= 12; ++i) {
    Json v = variant("v" + std::to_string(i));
    v["InstanceType"] = "ml.bogus";
    variants.push_back(v);
  }
  const std::string message = validation_message("CreateEndpointConfigInput", endpoint_config(variants));
  EXPECT_EQ(message.rfind("10 validation errors detected: ", 0), 0u) << message;
  EXPECT_EQ(count(message, "failed to satisfy constraint"), 10u);
  // The list's own length comes first, rendered as Java prints a list of structures.
  EXPECT_EQ(
      message.find("Value '[{VariantName=v1, ModelName=m, InitialInstanceCount=1, InstanceType=ml.bogus}, "
                   "{VariantName=v2,"),
      std::string("10 validation errors detected: ").size());
  EXPECT_NE(message.find(
                "}]' at 'productionVariants' failed to satisfy constraint: Member must have length less than "
                "or equal to 10; Value 'ml.bogus' at 'productionVariants.1.member.instanceType'"),
            std::string::npos);
  EXPECT_NE(message.find("'productionVariants.9.member.instanceType'"), std::string::npos);
  EXPECT_EQ(message.find("'productionVariants.10.member.instanceType'"), std::string::npos);
  EXPECT_EQ(message.substr(message.size() - 2), "e]") << "no final period";
}

TEST(SchemaMessages, ListsRenderInBrackets) {
  Json keys = Json::array();
  for (int i = 0; i < 51; ++i) keys.push_back("k" + std::to_string(i));
  const std::string message =
      validation_message("DeleteTagsInput", {{"ResourceArn", kArn}, {"TagKeys", keys}});
  EXPECT_EQ(message.rfind("1 validation error detected: Value '[k0, k1, k2, ", 0), 0u) << message;
  EXPECT_NE(
      message.find(", k50]' at 'tagKeys' failed to satisfy constraint: Member must have length less than or "
                   "equal to 50"),
      std::string::npos);
}

TEST(SchemaMessages, MinZeroOnStringsNeverReportsGreaterThanOrEqualToZero) {
  Json input = endpoint_config();
  input["EndpointConfigName"] = "";  // EndpointConfigName has min 0 in the model
  EXPECT_EQ(validation_message("CreateEndpointConfigInput", input),
            "1 validation error detected: Value '' at 'endpointConfigName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
}

TEST(SchemaMessages, MinZeroOnNumbersStillReportsNegativeValues) {
  Json input = endpoint_config();
  input["ProductionVariants"][0]["InitialVariantWeight"] = -1;
  EXPECT_EQ(validation_message("CreateEndpointConfigInput", input),
            "1 validation error detected: Value '-1.0' at 'productionVariants.1.member.initialVariantWeight' "
            "failed "
            "to satisfy constraint: Member must have value greater than or equal to 0");

  input["ProductionVariants"][0]["InitialVariantWeight"] = 0;
  input["ProductionVariants"][0]["ManagedInstanceScaling"] = {{"MinInstanceCount", -1}};
  EXPECT_EQ(
      validation_message("CreateEndpointConfigInput", input),
      "1 validation error detected: Value '-1' at 'productionVariants.1.member.managedInstanceScaling."
      "minInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 0");
}

TEST(SchemaMessages, TerraformZeroValuesPass) {
  Json input = endpoint_config();
  input["ProductionVariants"][0]["EnableSSMAccess"] = false;
  input["ProductionVariants"][0]["ManagedInstanceScaling"] = {{"MinInstanceCount", 0}};
  input["ProductionVariants"][0]["CoreDumpConfig"] = {{"DestinationS3Uri", "s3://b/d"}, {"KmsKeyId", ""}};
  input["DataCaptureConfig"] = {{"EnableCapture", false},
                                {"InitialSamplingPercentage", 0},
                                {"DestinationS3Uri", "s3://b/c"},
                                {"CaptureOptions", {{{"CaptureMode", "Input"}}}}};
  EXPECT_NO_THROW(schema().validate("CreateEndpointConfigInput", input));
}

// --- Tags: Unicode patterns
// ------------------------------------------------------------------------------------

TEST(SchemaTags, UnicodeKeysAndValuesMatchTheTagPattern) {
  const Json input = {{"ResourceArn", kArn},
                      {"Tags",
                       {{{"Key", "名前"}, {"Value", "café ü"}},
                        {{"Key", "Ωmega 2"}, {"Value", "١٢٣ @x=y+z:/._-"}},
                        {{"Key", "e"}, {"Value", ""}}}}};
  EXPECT_EQ(schema().validate("AddTagsInput", input), input);
}

TEST(SchemaTags, PunctuationOutsideTheClassFailsWithTheDisplayedPattern) {
  const Json input = {{"ResourceArn", kArn}, {"Tags", {{{"Key", "a#b"}, {"Value", "ok"}}}}};
  EXPECT_EQ(validation_message("AddTagsInput", input),
            "1 validation error detected: Value 'a#b' at 'tags.1.member.key' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: " +
                kTagPattern);
}

TEST(SchemaTags, LengthCountsUtf16UnitsAsJavaDoes) {
  // 128 BMP letters fit TagKey's max of 128; 64 letters outside the BMP (U+1D49C) are 128 UTF-16 units and
  // fit too, 65 do not.
  std::string bmp;
  for (int i = 0; i < 128; ++i) bmp += "é";
  std::string astral;
  for (int i = 0; i < 64; ++i) astral += "\xF0\x9D\x92\x9C";
  Json input = {{"ResourceArn", kArn},
                {"Tags", {{{"Key", bmp}, {"Value", "v"}}, {{"Key", astral}, {"Value", "v"}}}}};
  EXPECT_NO_THROW(schema().validate("AddTagsInput", input));

  input["Tags"][1]["Key"] = astral + "\xF0\x9D\x92\x9C";
  EXPECT_EQ(
      validation_message("AddTagsInput", input),
      "1 validation error detected: Value '" + astral + "\xF0\x9D\x92\x9C" +
          "' at 'tags.2.member.key' failed to satisfy constraint: Member must have length less than or equal "
          "to 128");
}

// --- Maps
// -------------------------------------------------------------------------------------------------------

TEST(SchemaMaps, ValuePathsUseKeyDotMember) {
  const Json input = {
      {"ModelName", "m"},
      {"PrimaryContainer", {{"Environment", {{"GOOD", "x"}, {"LONG", std::string(1025, 'v')}}}}}};
  EXPECT_EQ(
      validation_message("CreateModelInput", input),
      "1 validation error detected: Value '" + std::string(1025, 'v') +
          "' at 'primaryContainer.environment.LONG.member' failed to satisfy constraint: Member must have "
          "length less than or equal to 1024");
}

TEST(SchemaMaps, BadKeysAreReportedOnceForTheMap) {
  const Json input = {
      {"ModelName", "m"},
      {"PrimaryContainer", {{"Environment", {{"1BAD", "x"}, {"ALSO-BAD", "y"}, {"FINE", "z"}}}}}};
  EXPECT_EQ(
      validation_message("CreateModelInput", input),
      "1 validation error detected: Value '{1BAD=x, ALSO-BAD=y, FINE=z}' at 'primaryContainer.environment' "
      "failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular "
      "expression pattern: [a-zA-Z_][a-zA-Z0-9_]*]");
}

TEST(SchemaMaps, TooManyEntries) {
  Json environment = Json::object();
  for (int i = 0; i < 101; ++i) environment["K" + std::to_string(i)] = "v";
  const std::string message = validation_message(
      "CreateModelInput", {{"ModelName", "m"}, {"PrimaryContainer", {{"Environment", environment}}}});
  EXPECT_EQ(message.rfind("1 validation error detected: Value '{K0=v, K1=v, ", 0), 0u) << message;
  EXPECT_NE(message.find(
                "K100=v}' at 'primaryContainer.environment' failed to satisfy constraint: Member must have "
                "length less than or equal to 100"),
            std::string::npos);
}

TEST(SchemaNulls, NullListItemIsReportedAtItsIndex) {
  const Json input = endpoint_config({variant("a"), nullptr});
  EXPECT_EQ(validation_message("CreateEndpointConfigInput", input),
            "1 validation error detected: Value null at 'productionVariants.2.member' failed to satisfy "
            "constraint: "
            "Member must not be null");
}

// --- Types: SerializationException before any constraint
// --------------------------------------------------------

struct TypeCase {
  const char* name;
  const char* shape;
  Json input;
  const char* message;
};

class SchemaTypes : public testing::TestWithParam<TypeCase> {};

TEST_P(SchemaTypes, WrongJsonTypeIsSerializationException) {
  EXPECT_EQ(serialization_message(GetParam().shape, GetParam().input), GetParam().message);
}

Json with_variant_member(const char* member, Json value) {
  Json input = endpoint_config();
  input["ProductionVariants"][0][member] = std::move(value);
  return input;
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, SchemaTypes,
    testing::Values(
        TypeCase{"StringForInteger", "CreateEndpointConfigInput",
                 with_variant_member("InitialInstanceCount", "1"),
                 "Expected integer at 'productionVariants.1.member.initialInstanceCount', got string"},
        TypeCase{"FractionForInteger", "CreateEndpointConfigInput",
                 with_variant_member("InitialInstanceCount", 1.5),
                 "Expected integer at 'productionVariants.1.member.initialInstanceCount', got number 1.5"},
        TypeCase{"IntegerOutOfRange", "ListModelsInput", Json{{"MaxResults", 3000000000LL}},
                 "Number out of range for integer at 'maxResults': 3000000000"},
        TypeCase{"NegativeIntegerOutOfRange", "ListModelsInput", Json{{"MaxResults", -3000000000LL}},
                 "Number out of range for integer at 'maxResults': -3000000000"},
        TypeCase{
            "FloatOutOfRange", "CreateEndpointConfigInput", with_variant_member("InitialVariantWeight", 1e39),
            "Number out of range for float at 'productionVariants.1.member.initialVariantWeight': 1e+39"},
        TypeCase{"StringForFloat", "CreateEndpointConfigInput",
                 with_variant_member("InitialVariantWeight", "1"),
                 "Expected float at 'productionVariants.1.member.initialVariantWeight', got string"},
        TypeCase{"BooleanForString", "DescribeModelInput", Json{{"ModelName", true}},
                 "Expected string at 'modelName', got boolean"},
        TypeCase{"NumberForString", "DescribeModelInput", Json{{"ModelName", 7}},
                 "Expected string at 'modelName', got number 7"},
        TypeCase{"StringForBoolean", "CreateModelInput",
                 Json{{"ModelName", "m"}, {"EnableNetworkIsolation", "true"}},
                 "Expected boolean at 'enableNetworkIsolation', got string"},
        TypeCase{"NumberForBoolean", "CreateEndpointConfigInput", with_variant_member("EnableSSMAccess", 0),
                 "Expected boolean at 'productionVariants.1.member.enableSSMAccess', got number 0"},
        TypeCase{"ListForStructure", "CreateEndpointConfigInput",
                 Json{{"EndpointConfigName", "c"},
                      {"ProductionVariants", Json::array()},
                      {"DataCaptureConfig", Json::array()}},
                 "Expected structure at 'dataCaptureConfig', got array"},
        TypeCase{"StructureForList", "CreateEndpointConfigInput",
                 Json{{"EndpointConfigName", "c"}, {"ProductionVariants", Json::object()}},
                 "Expected list at 'productionVariants', got object"},
        TypeCase{"StringForListItem", "DeleteTagsInput", Json{{"ResourceArn", "a"}, {"TagKeys", {"k", 5}}},
                 "Expected string at 'tagKeys.2.member', got number 5"},
        TypeCase{"NumberForMap", "CreateModelInput",
                 Json{{"ModelName", "m"}, {"PrimaryContainer", {{"Environment", 5}}}},
                 "Expected map at 'primaryContainer.environment', got number 5"},
        TypeCase{"NumberForMapValue", "CreateModelInput",
                 Json{{"ModelName", "m"}, {"PrimaryContainer", {{"Environment", {{"K", 1}}}}}},
                 "Expected string at 'primaryContainer.environment.K.member', got number 1"},
        TypeCase{"BooleanForTimestamp", "ListModelsInput", Json{{"CreationTimeAfter", true}},
                 "Expected timestamp at 'creationTimeAfter', got boolean"},
        TypeCase{"UnparseableTimestamp", "ListModelsInput", Json{{"CreationTimeAfter", "yesterday"}},
                 "Invalid timestamp at 'creationTimeAfter': expected epoch seconds or an ISO-8601 date-time"},
        TypeCase{"ArrayForInput", "ListModelsInput", Json::array(),
                 "Expected structure at the top level, got array"},
        TypeCase{"InvalidUtf8", "DescribeModelInput", Json{{"ModelName", "a\xff\xfe"}},
                 "Invalid UTF-8 in string at 'modelName'"}),
    [](const testing::TestParamInfo<TypeCase>& info) { return std::string(info.param.name); });

TEST(SchemaTypesOrder, TypeErrorWinsOverAnEarlierConstraintError) {
  Json input = with_variant_member("InitialInstanceCount", "one");
  input["EndpointConfigName"] = "my_config";  // a pattern failure, earlier in member order
  EXPECT_EQ(serialization_message("CreateEndpointConfigInput", input),
            "Expected integer at 'productionVariants.1.member.initialInstanceCount', got string");
}

TEST(SchemaTypesOrder, UnknownMembersAreNotTypeChecked) {
  Json input = endpoint_config();
  input["Bogus"] = Json::array({1, 2});
  EXPECT_NO_THROW(schema().validate("CreateEndpointConfigInput", input));
}

// --- Normalization
// ----------------------------------------------------------------------------------------------

TEST(SchemaNormalize, UnknownMembersAndNullsAreDroppedAndOrderFollowsTheModel) {
  const Json input = Json::parse(R"({
    "Tags": null,
    "ProductionVariants": [{"InstanceType": "ml.m5.large", "Surprise": {"x": 1}, "VariantName": "v1",
                            "InitialVariantWeight": 1, "ModelName": "m", "InitialInstanceCount": 2.0}],
    "Whatever": "dropped",
    "EndpointConfigName": "cfg"
  })");
  const Json out = schema().validate("CreateEndpointConfigInput", input);
  EXPECT_EQ(out.dump(),
            R"({"EndpointConfigName":"cfg","ProductionVariants":[{"VariantName":"v1","ModelName":"m",)"
            R"("InitialInstanceCount":2,"InstanceType":"ml.m5.large","InitialVariantWeight":1.0}]})");
}

TEST(SchemaNormalize, ValidInputRoundTripsUnchanged) {
  Json input = endpoint_config();
  input["ProductionVariants"][0]["InitialVariantWeight"] = 0.5;
  input["Tags"] = {{{"Key", "k"}, {"Value", "v"}}};
  input["AsyncInferenceConfig"] = {
      {"OutputConfig", {{"S3OutputPath", "s3://b/o"}, {"NotificationConfig", Json::object()}}}};
  EXPECT_EQ(schema().validate("CreateEndpointConfigInput", input).dump(), input.dump());
}

TEST(SchemaNormalize, TimestampsBecomeEpochSeconds) {
  const Json out =
      schema().validate("ListEndpointsInput", {{"CreationTimeBefore", "2018-06-24T19:59:29.986Z"},
                                               {"CreationTimeAfter", "2018-06-24T21:59:29+02:00"},
                                               {"LastModifiedTimeBefore", 1529870369.986},
                                               {"LastModifiedTimeAfter", 1529870369}});
  EXPECT_EQ(out.dump(), R"({"CreationTimeBefore":1529870369.986,"CreationTimeAfter":1529870369,)"
                        R"("LastModifiedTimeBefore":1529870369.986,"LastModifiedTimeAfter":1529870369})");
  EXPECT_EQ(
      schema().validate("ListEndpointsInput", {{"CreationTimeAfter", "1970-01-02"}})["CreationTimeAfter"],
      86400);
}

TEST(SchemaNormalize, ProjectReordersAndDropsWithoutChecking) {
  const Json stored = Json::parse(R"({
    "CreationTime": 5, "Internal": 1, "ModelArn": "arn", "ModelName": "bad name!",
    "PrimaryContainer": {"Environment": {"B": "1", "A": "2"}, "Image": "i", "x": 0}
  })");
  EXPECT_EQ(schema().project("DescribeModelOutput", stored).dump(),
            R"({"ModelName":"bad name!","PrimaryContainer":{"Image":"i","Environment":{"B":"1","A":"2"}},)"
            R"("CreationTime":5,"ModelArn":"arn"})");
}

// --- Robustness
// --------------------------------------------------------------------------------------------------

TEST(SchemaRobustness, MebibyteValuesFinishFast) {
  const std::string huge(1 << 20, 'a');
  const auto start = std::chrono::steady_clock::now();
  // Fails the length (and, with the '-' tail, the pattern); both walk the whole MiB.
  const std::string message = validation_message("DescribeModelInput", {{"ModelName", huge + "-"}});
  EXPECT_EQ(message.rfind("2 validation errors detected: ", 0), 0u);
  // [\S\s]* over a MiB: the match limit, not the value, bounds the work.
  validation_message("CreateModelInput",
                     {{"ModelName", "m"}, {"PrimaryContainer", {{"Environment", {{"K", huge}}}}}});
  const std::string dashes = "a" + std::string(1 << 20, '-');
  validation_message("DescribeEndpointConfigInput", {{"EndpointConfigName", dashes}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 2000);
}

TEST(SchemaRobustness, InvalidUtf8NeverReachesTheRegexEngine) {
  for (const char* bad : {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "abc\xe2\x82", "\x80"}) {
    EXPECT_EQ(
        error_of("AddTagsInput", {{"ResourceArn", "a"}, {"Tags", {{{"Key", "k"}, {"Value", bad}}}}}).code(),
        "SerializationException");
  }
}

TEST(SchemaRobustness, UnknownShapeIsAProgrammingError) {
  EXPECT_THROW(schema().validate("NoSuchShape", Json::object()), std::invalid_argument);
  EXPECT_FALSE(schema().has_shape("NoSuchShape"));
  EXPECT_TRUE(schema().has_shape("CreateEndpointConfigInput"));
}

TEST(SchemaRobustness, MalformedDocumentIsRejectedAtConstruction) {
  EXPECT_THROW(Schema(Json::parse(R"({"operations": {}, "shapes": {"A": {"type": "blob"}}})")),
               std::runtime_error);
  EXPECT_THROW(
      Schema(Json::parse(R"({"operations": {}, "shapes": {"L": {"type": "list", "member": "Nope"}}})")),
      std::runtime_error);
  EXPECT_THROW(
      Schema(Json::parse(R"({"operations": {}, "shapes": {"S": {"type": "string", "pattern": "("}}})")),
      std::runtime_error);
  EXPECT_THROW(Schema(Json::parse(R"({"operations": {"Op": {"input": "Missing"}}, "shapes": {}})")),
               std::runtime_error);
}

TEST(SchemaOperations, EveryServedOperationHasItsShapes) {
  const auto& operations = schema().operations();
  EXPECT_EQ(operations.size(), 17u);
  EXPECT_EQ(operations.at("CreateEndpointConfig").input, "CreateEndpointConfigInput");
  EXPECT_EQ(operations.at("DeleteModel").output, "");
  for (const auto& [name, io] : operations) {
    EXPECT_TRUE(schema().has_shape(io.input)) << name;
    if (!io.output.empty()) {
      EXPECT_TRUE(schema().has_shape(io.output)) << name;
    }
  }
}

// Each (region, partition) pair: partition_of(region) must be partition.
void expect_partitions(const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [region, partition] : cases) EXPECT_EQ(partition_of(region), partition) << region;
}

TEST(Partitions, RegionsOfEachPartitionsList) {
  expect_partitions({{"us-east-1", "aws"},
                     {"eu-west-1", "aws"},
                     {"cn-north-1", "aws-cn"},
                     {"cn-northwest-1", "aws-cn"},
                     {"us-gov-west-1", "aws-us-gov"},
                     {"us-gov-east-1", "aws-us-gov"},
                     {"us-iso-east-1", "aws-iso"},
                     {"us-isob-east-1", "aws-iso-b"},
                     {"eu-isoe-west-1", "aws-iso-e"},
                     {"us-isof-south-1", "aws-iso-f"},
                     {"eusc-de-east-1", "aws-eusc"},
                     // Listed, though no regionRegex matches them: the lists are consulted on their own.
                     {"aws-cn-global", "aws-cn"},
                     {"aws-us-gov-global", "aws-us-gov"}});
}

TEST(Partitions, EveryRegionOfTheEmbeddedTableIsItsPartitions) {
  const Json table = Json::parse(sagebox::schema::embedded_partitions_text());
  std::size_t regions = 0;
  for (const Json& partition : table.at("partitions")) {
    for (const Json& region : partition.at("regions")) {
      EXPECT_EQ(partition_of(region.get<std::string>()), partition.at("id").get<std::string>()) << region;
      ++regions;
    }
  }
  EXPECT_EQ(table.at("partitions").size(), 8u);
  EXPECT_GT(regions, 50u) << "the generator lost regions";
}

TEST(Partitions, UnlistedRegionsGoByTheRegionRegex) {
  expect_partitions({{"us-west-9", "aws"},
                     {"mx-south-4", "aws"},
                     {"cn-south-7", "aws-cn"},
                     {"us-gov-central-3", "aws-us-gov"},
                     {"us-iso-north-2", "aws-iso"},
                     {"us-isob-south-4", "aws-iso-b"},
                     {"eu-isoe-north-5", "aws-iso-e"},
                     {"us-isof-west-6", "aws-iso-f"},
                     {"eusc-de-west-2", "aws-eusc"}});
}

TEST(Partitions, AnythingElseIsAws) {
  // Whole-string matches only, case-sensitive as in the SDKs; text that is not UTF-8 never reaches PCRE2.
  for (const char* region : {"", "mars-east-1", "cn-north", "cn-north-1x", "xcn-north-1", "cn-north-1\n",
                             "CN-NORTH-1", "eusc-fr-east-1", "cn-\xff-1", "cn-north_1"}) {
    EXPECT_EQ(partition_of(region), "aws") << region;
  }
}

}  // namespace
