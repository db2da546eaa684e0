// The cases of tests/data/validation_cases.json (scripts/gen-validation-cases): for each served operation,
// one request per constraint of its input with the message computed independently in Python, and one full
// valid request that must come back unchanged. One test per operation; a failure names its case.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sagebox/error.hpp"
#include "sagebox/schema/schema.hpp"

namespace {

using sagebox::ApiError;
using sagebox::Json;
using sagebox::schema::Schema;

const Json& cases_file() {
  static const Json document = [] {
    std::ifstream in(std::string(SAGEBOX_TEST_DATA_DIR) + "/validation_cases.json");
    if (!in) throw std::runtime_error("cannot open " SAGEBOX_TEST_DATA_DIR "/validation_cases.json");
    std::stringstream text;
    text << in.rdbuf();
    return Json::parse(text.str());
  }();
  return document;
}

std::vector<std::string> operations_with_input() {
  std::vector<std::string> names;
  for (const auto& [name, io] : Schema::embedded().operations()) {
    if (!io.input.empty()) names.push_back(name);
  }
  return names;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) { return info.param; }

class GeneratedValidation : public testing::TestWithParam<std::string> {};

TEST_P(GeneratedValidation, EachViolationGivesTheExactMessage) {
  std::size_t checked = 0;
  for (const Json& c : cases_file().at("cases")) {
    if (c.at("operation") != GetParam()) continue;
    ++checked;
    const std::string name = c.at("name").get<std::string>();
    try {
      const Json accepted = Schema::embedded().validate(c.at("shape").get<std::string>(), c.at("input"));
      ADD_FAILURE() << "case '" << name << "' was accepted: " << accepted.dump();
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), "ValidationException") << "case '" << name << "'";
      EXPECT_EQ(e.message(), c.at("message").get<std::string>()) << "case '" << name << "'";
    }
  }
  EXPECT_GT(checked, 0u) << "no generated case for " << GetParam();
}

TEST_P(GeneratedValidation, FullValidRequestRoundTripsUnchanged) {
  std::size_t checked = 0;
  for (const Json& v : cases_file().at("valid")) {
    if (v.at("operation") != GetParam()) continue;
    ++checked;
    const Json& input = v.at("input");
    try {
      EXPECT_EQ(Schema::embedded().validate(v.at("shape").get<std::string>(), input).dump(), input.dump());
    } catch (const ApiError& e) {
      ADD_FAILURE() << GetParam() << ": " << e.code() << ": " << e.message();
    }
  }
  EXPECT_EQ(checked, 1u) << "one full valid request expected for " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Operations, GeneratedValidation, testing::ValuesIn(operations_with_input()),
                         test_name);

TEST(GeneratedValidationFile, CoversEveryServedOperation) {
  std::map<std::string, int> per_operation;
  for (const Json& c : cases_file().at("cases")) ++per_operation[c.at("operation").get<std::string>()];
  for (const auto& name : operations_with_input()) EXPECT_GT(per_operation[name], 0) << name;
  EXPECT_GE(cases_file().at("cases").size(), 500u) << "the generator lost cases";
}

}  // namespace
