// The admin stage in-process: fault rules (checking, matching, counting) and the admin routes on a router.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "sagebox/admin/admin_api.hpp"
#include "sagebox/admin/faults.hpp"
#include "sagebox/admin/journal.hpp"
#include "sagebox/error.hpp"
#include "sagebox/store/database.hpp"

namespace sagebox::admin {
namespace {

bool known_operation(std::string_view name) {
  return name == "CreateEndpointConfig" || name == "CreateEndpoint" || name == "ListTags" ||
         name == "ListModels";
}

// The ValidationException message add() throws for `rule`, or "accepted".
std::string refusal(const Json& rule) {
  FaultRules rules(known_operation);
  try {
    rules.add(rule);
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), "ValidationException");
    EXPECT_EQ(error.http_status(), 400);
    return error.message();
  }
  return "accepted";
}

Json throttle() {
  return Json::parse(R"({"operation": "CreateEndpointConfig",
                         "error": {"code": "ThrottlingException", "message": "Rate exceeded", "status": 400},
                         "times": 1})");
}

// A call of `operation` in the default account and region, about the resource named in `input`.
struct TestCall {
  std::string operation;
  Json input = Json::object();
  std::string account = "123456789012";
  std::string region = "us-east-1";
  Call call() const { return {operation, account, region, input}; }
};

TEST(FaultRules, TheSmallestRuleIsStoredWithItsIdAndDefaults) {
  FaultRules rules(known_operation);
  EXPECT_EQ(rules.add(throttle()).dump(),
            R"({"id":"fault-1","operation":"CreateEndpointConfig","probability":1.0,"times":1,)"
            R"("error":{"code":"ThrottlingException","message":"Rate exceeded","status":400},"fired":0})");
  const Json every = Json::parse(R"({"connection": "reset", "name": "C", "region": "eu-west-1",
                                     "account": "111122223333", "probability": 0.25, "operation": "*"})");
  EXPECT_EQ(rules.add(every).dump(),
            R"({"id":"fault-2","operation":"*","account":"111122223333","region":"eu-west-1","name":"C",)"
            R"("probability":0.25,"connection":"reset","fired":0})");
  EXPECT_EQ(
      rules.add(Json{{"operation", "ListTags"}, {"latency_ms", 20}, {"error", throttle()["error"]}}).dump(),
      R"({"id":"fault-3","operation":"ListTags","probability":1.0,)"
      R"("error":{"code":"ThrottlingException","message":"Rate exceeded","status":400},"latency_ms":20,)"
      R"("fired":0})");
  const Json listed = rules.list();
  ASSERT_EQ(listed["faults"].size(), 3u);
  EXPECT_EQ(listed["faults"][1]["id"], "fault-2");
}

TEST(FaultRules, RulesAreCheckedStrictly) {
  const Json error = throttle()["error"];
  const std::vector<std::pair<Json, std::string>> cases = {
      {Json::array(), "A fault rule must be a JSON object, not []."},
      {Json{{"latency_ms", 5}}, "A fault rule needs \"operation\": an operation name, or \"*\" for any."},
      {Json{{"operation", "CreateModel"}, {"latency_ms", 5}},
       "Unknown operation \"CreateModel\": name an operation sagebox serves, such as CreateEndpointConfig, "
       "or "
       "\"*\" for any."},
      {Json{{"operation", 7}, {"latency_ms", 5}},
       "\"operation\" must be an operation name, or \"*\" for any, not 7."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"Operation", "x"}},
       "Unknown member \"Operation\" in the fault rule; its members are operation, account, region, name, "
       "after, probability, times, error, latency_ms and connection."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"after", -1}},
       "\"after\" must be an integer of at least 0, not -1."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"after", "2"}},
       "\"after\" must be an integer of at least 0, not \"2\"."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"account", "12345"}},
       "\"account\" must be a 12-digit account id, not \"12345\"."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"region", "us east"}},
       "\"region\" must be a region name such as \"us-east-1\", not \"us east\"."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"name", ""}},
       "\"name\" must be a non-empty string, not \"\"."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"probability", 1.5}},
       "\"probability\" must be a number from 0 to 1, not 1.5."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"probability", -0.1}},
       "\"probability\" must be a number from 0 to 1, not -0.1."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"probability", "1"}},
       "\"probability\" must be a number from 0 to 1, not \"1\"."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"times", 0}},
       "\"times\" must be an integer of at least 1, not 0."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"times", 1.5}},
       "\"times\" must be an integer of at least 1, not 1.5."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"times", nullptr}},
       "\"times\" must be an integer of at least 1, not null."},
      {Json{{"operation", "*"}, {"latency_ms", 0}},
       "\"latency_ms\" must be an integer from 1 to 300000, not 0."},
      {Json{{"operation", "*"}, {"latency_ms", 300001}},
       "\"latency_ms\" must be an integer from 1 to 300000, not 300001."},
      {Json{{"operation", "*"}, {"latency_ms", 18446744073709551615ull}},
       "\"latency_ms\" must be an integer from 1 to 300000, not 18446744073709551615."},
      {Json{{"operation", "*"}, {"connection", "drop"}},
       "\"connection\" must be \"reset\" or \"close\", not \"drop\"."},
      {Json{{"operation", "*"}, {"error", "ThrottlingException"}},
       "\"error\" must be an object {\"code\", \"message\", \"status\"}, not \"ThrottlingException\"."},
      {Json{{"operation", "*"}, {"error", {{"code", "X"}, {"status", 400}}}},
       "\"error\" needs \"code\", \"message\" and \"status\"."},
      {Json{{"operation", "*"}, {"error", {{"code", "X"}, {"message", "m"}, {"status", 400}, {"type", "x"}}}},
       "Unknown member \"type\" in \"error\"; its members are code, message and status."},
      {Json{{"operation", "*"}, {"error", {{"code", ""}, {"message", "m"}, {"status", 400}}}},
       "\"error.code\" must be a non-empty string, not \"\"."},
      {Json{{"operation", "*"}, {"error", {{"code", "X"}, {"message", 1}, {"status", 400}}}},
       "\"error.message\" must be a string, not 1."},
      {Json{{"operation", "*"}, {"error", {{"code", "X"}, {"message", "m"}, {"status", 399}}}},
       "\"error.status\" must be an integer from 400 to 599, not 399."},
      {Json{{"operation", "*"}, {"error", {{"code", "X"}, {"message", "m"}, {"status", 600}}}},
       "\"error.status\" must be an integer from 400 to 599, not 600."},
      {Json{{"operation", "*"}, {"times", 3}},
       "A fault rule needs what to do: \"error\", \"latency_ms\" or \"connection\"."},
      {Json{{"operation", "*"}, {"error", error}, {"connection", "close"}},
       "A fault rule either answers an error or drops the connection: give \"error\" or \"connection\", not "
       "both."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"connection", "reset"}},
       "\"latency_ms\" goes with \"error\" or alone, not with \"connection\"."},
      {Json{{"operation", "*"}, {"name", std::string(100, 'x') + "\""}, {"account", 1}},
       "\"account\" must be a 12-digit account id, not 1."},
      {Json{{"operation", "*"}, {"latency_ms", 5}, {"region", std::string(100, 'r') + " "}},
       "\"region\" must be a region name such as \"us-east-1\", not \"" + std::string(39, 'r') + "...."},
  };
  for (const auto& [rule, message] : cases) EXPECT_EQ(refusal(rule), message) << rule.dump();
  EXPECT_EQ(refusal(Json{{"operation", "*"}, {"latency_ms", 300000}, {"probability", 0}}), "accepted");
  EXPECT_EQ(refusal(Json{{"operation", "*"}, {"error", {{"status", 599}, {"message", ""}, {"code", "X"}}}}),
            "accepted");
}

TEST(FaultRules, ARefusedRuleIsNotAdded) {
  FaultRules rules(known_operation);
  EXPECT_THROW(rules.add(Json{{"operation", "*"}}), ApiError);
  EXPECT_EQ(rules.list(), Json::parse(R"({"faults": []})"));
  EXPECT_FALSE(rules.fire(TestCall{"ListModels"}.call()).has_value());
  EXPECT_EQ(rules.add(throttle())["id"], "fault-1");
}

TEST(FaultRules, TimesCountsFiringsThenTheRuleStaysListedAndQuiet) {
  FaultRules rules(known_operation);
  Json rule = throttle();
  rule["times"] = 2;
  rules.add(rule);
  const TestCall create{"CreateEndpointConfig"};
  for (int i = 0; i < 2; ++i) {
    const auto fault = rules.fire(create.call());
    ASSERT_TRUE(fault.has_value());
    ASSERT_TRUE(fault->error.has_value());
    EXPECT_EQ(fault->error->code(), "ThrottlingException");
    EXPECT_EQ(fault->error->message(), "Rate exceeded");
    EXPECT_EQ(fault->error->http_status(), 400);
    EXPECT_EQ(fault->latency.count(), 0);
    EXPECT_EQ(fault->connection, Fault::Connection::kKeep);
  }
  EXPECT_FALSE(rules.fire(create.call()).has_value());
  EXPECT_EQ(rules.list()["faults"][0]["fired"], 2);
}

TEST(FaultRules, AfterLetsThatManyMatchingCallsThroughFirst) {
  FaultRules rules(known_operation);
  Json rule = throttle();
  rule["after"] = 2;
  EXPECT_EQ(rules.add(rule)["after"], 2);
  const TestCall create{"CreateEndpointConfig"};
  const TestCall other{"CreateModel"};
  EXPECT_FALSE(rules.fire(create.call()).has_value());
  EXPECT_FALSE(rules.fire(other.call()).has_value());  // does not match, so it is not counted
  EXPECT_FALSE(rules.fire(create.call()).has_value());
  EXPECT_TRUE(rules.fire(create.call()).has_value());  // the third CreateEndpointConfig
  EXPECT_FALSE(rules.fire(create.call()).has_value());  // times: 1
  EXPECT_EQ(rules.list()["faults"][0]["fired"], 1);
}

TEST(FaultRules, MatchingByOperationAccountRegionAndName) {
  FaultRules rules(known_operation);
  rules.add(Json{{"operation", "CreateEndpoint"}, {"account", "111122223333"}, {"latency_ms", 1}});
  rules.add(Json{{"operation", "CreateEndpoint"}, {"region", "eu-west-1"}, {"latency_ms", 2}});
  rules.add(Json{{"operation", "CreateEndpoint"}, {"name", "My-Endpoint"}, {"latency_ms", 3}});
  rules.add(Json{{"operation", "ListTags"}, {"name", "tagged"}, {"latency_ms", 4}});
  rules.add(Json{{"operation", "*"}, {"latency_ms", 5}});
  const auto latency = [&rules](const TestCall& call) {
    const auto fault = rules.fire(call.call());
    return fault ? fault->latency.count() : 0;
  };
  TestCall call{"CreateEndpoint", Json{{"EndpointName", "e"}, {"EndpointConfigName", "my-endpoint"}}};
  EXPECT_EQ(latency(call), 5);  // only "*": the name is EndpointName's
  call.account = "111122223333";
  EXPECT_EQ(latency(call), 1);
  call.account = "123456789012";
  call.region = "eu-west-1";
  EXPECT_EQ(latency(call), 2);
  call.region = "us-east-1";
  call.input["EndpointName"] = "my-endpoint";  // names compare case-insensitively
  EXPECT_EQ(latency(call), 3);
  EXPECT_EQ(
      latency(TestCall{"ListTags", Json{{"ResourceArn", "arn:aws:sagemaker:us-east-1:1:model/Tagged"}}}), 4);
  EXPECT_EQ(latency(TestCall{"ListTags", Json{{"ResourceArn", "arn:aws:sagemaker:us-east-1:1:model/other"}}}),
            5);
  EXPECT_EQ(latency(TestCall{"ListModels"}), 5);
  const Json listed = rules.list();
  std::vector<std::int64_t> fired;
  for (const Json& rule : listed["faults"]) fired.push_back(rule["fired"]);
  EXPECT_EQ(fired, (std::vector<std::int64_t>{1, 1, 1, 1, 3}));
}

TEST(FaultRules, ProbabilityZeroNeverFiresAndLetsTheNextRuleTry) {
  FaultRules rules(known_operation);
  rules.add(Json{{"operation", "*"}, {"probability", 0}, {"connection", "reset"}});
  rules.add(Json{{"operation", "*"}, {"probability", 1}, {"connection", "close"}});
  for (int i = 0; i < 200; ++i) {
    const auto fault = rules.fire(TestCall{"ListModels"}.call());
    ASSERT_TRUE(fault.has_value());
    EXPECT_EQ(fault->connection, Fault::Connection::kClose);
  }
  EXPECT_EQ(rules.list()["faults"][0]["fired"], 0);
  EXPECT_EQ(rules.list()["faults"][1]["fired"], 200);
}

TEST(FaultRules, AHalfChanceFiresAboutHalfTheTime) {
  FaultRules rules(known_operation);
  rules.add(Json{{"operation", "*"}, {"probability", 0.5}, {"latency_ms", 1}});
  int fired = 0;
  for (int i = 0; i < 2000; ++i) fired += rules.fire(TestCall{"ListModels"}.call()).has_value() ? 1 : 0;
  EXPECT_GT(fired, 800);  // more than 9 standard deviations from 1000 each way: never by chance
  EXPECT_LT(fired, 1200);
}

TEST(FaultRules, ConcurrentCallsNeverTakeMoreFiringsThanTimes) {
  FaultRules rules(known_operation);
  rules.add(Json{{"operation", "*"}, {"times", 100}, {"latency_ms", 1}});
  std::atomic<int> fired{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) fired += rules.fire(TestCall{"ListModels"}.call()).has_value() ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(fired, 100);
  EXPECT_EQ(rules.list()["faults"][0]["fired"], 100);
}

TEST(FaultRules, RemoveAndClear) {
  FaultRules rules(known_operation);
  rules.add(throttle());
  rules.add(throttle());
  ASSERT_TRUE(rules.fire(TestCall{"CreateEndpointConfig"}.call()).has_value());
  const auto removed = rules.remove("fault-1");
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ((*removed)["fired"], 1);
  EXPECT_FALSE(rules.remove("fault-1").has_value());
  EXPECT_FALSE(rules.remove("nope").has_value());
  EXPECT_EQ(rules.list()["faults"].size(), 1u);
  EXPECT_EQ(rules.clear(), 1u);
  EXPECT_EQ(rules.clear(), 0u);
  EXPECT_FALSE(rules.fire(TestCall{"CreateEndpointConfig"}.call()).has_value());
  EXPECT_EQ(rules.add(throttle())["id"], "fault-3");  // ids are never reused
}

TEST(FaultRules, ResourceName) {
  // A std::string: resource_name's view points into the parsed input, which ends with this full expression.
  const auto name = [](std::string_view operation, const char* input) {
    return std::string(resource_name(operation, Json::parse(input)).value_or("(none)"));
  };
  EXPECT_EQ(name("CreateEndpointConfig",
                 R"({"EndpointConfigName": "c", "ProductionVariants": [{"ModelName": "m"}]})"),
            "c");
  EXPECT_EQ(name("CreateEndpoint", R"({"EndpointConfigName": "c", "EndpointName": "e"})"), "e");
  EXPECT_EQ(name("UpdateEndpoint", R"({"EndpointName": "e", "EndpointConfigName": "c"})"), "e");
  EXPECT_EQ(name("UpdateEndpointWeightsAndCapacities", R"({"EndpointName": "e"})"), "e");
  EXPECT_EQ(name("DescribeModel", R"({"ModelName": "m"})"), "m");
  EXPECT_EQ(name("DeleteModel", R"({"ModelName": 5})"), "(none)");
  EXPECT_EQ(
      name("AddTags", R"({"ResourceArn": "arn:aws:sagemaker:us-east-1:1:endpoint-config/c", "Tags": []})"),
      "c");
  EXPECT_EQ(name("ListTags", R"({"ResourceArn": "no-slash"})"), "no-slash");
  EXPECT_EQ(name("ListModels", R"({"NameContains": "m", "SortBy": "Name"})"), "(none)");
  EXPECT_EQ(name("ListModels", "[]"), "(none)");
}

// ---------------------------------------------------------------------------------------------------------------
// The admin routes, on a router, over an in-memory service.

class AdminRoutesTest : public ::testing::Test {
 protected:
  explicit AdminRoutesTest(AuthMode mode = AuthMode::kLenient)
      : identity_{"123456789012", "us-east-1", mode}, api_(service_, faults_, journal_, identity_, "t0ken") {
    api_.add_routes(router_);
  }

  http::Response send(std::string method, std::string target, std::string body = "", std::string token = "") {
    http::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    if (!token.empty()) request.headers.emplace_back("x-sagebox-admin-token", token);
    return router_.route(request).response;
  }
  static Json body_of(const http::Response& response) { return Json::parse(response.body); }

  store::Database db_{""};
  sagemaker::Service service_{db_, schema::Schema::embedded()};
  FaultRules faults_{[this](std::string_view name) { return service_.find(name) != nullptr; }};
  RequestJournal journal_{3};
  identity::IdentityConfig identity_;
  AdminApi api_;
  http::Router router_{[](int status, std::string_view message) {
    http::Response response;
    response.status = status;
    response.body = std::string(message);
    return response;
  }};
};

TEST_F(AdminRoutesTest, FaultsAreAddedListedAndDeleted) {
  const http::Response added = send("POST", "/_sagebox/faults", throttle().dump());
  EXPECT_EQ(added.status, 200);
  EXPECT_EQ(added.content_type, "application/x-amz-json-1.1");
  EXPECT_EQ(body_of(added)["id"], "fault-1");
  send("POST", "/_sagebox/faults/", R"({"operation": "*", "latency_ms": 10})");
  EXPECT_EQ(body_of(send("GET", "/_sagebox/faults"))["faults"].size(), 2u);
  EXPECT_EQ(body_of(send("DELETE", "/_sagebox/faults/fault-1"))["operation"], "CreateEndpointConfig");
  const http::Response missing = send("DELETE", "/_sagebox/faults/fault-1");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body,
            R"({"__type":"ResourceNotFoundException","message":"No fault rule has the id \"fault-1\"."})");
  EXPECT_EQ(body_of(send("DELETE", "/_sagebox/faults")), Json::parse(R"({"deleted": 1})"));
  EXPECT_EQ(body_of(send("GET", "/_sagebox/faults")), Json::parse(R"({"faults": []})"));
}

TEST_F(AdminRoutesTest, ABadRuleOrBodyIsA400) {
  const http::Response refused =
      send("POST", "/_sagebox/faults", R"({"operation": "Nope", "latency_ms": 1})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(body_of(refused)["__type"], "ValidationException");
  const http::Response not_json = send("POST", "/_sagebox/faults", "{");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(body_of(not_json), Json::parse(R"({"__type": "SerializationException",
                                              "message": "The request body is not valid JSON."})"));
  const http::Response deep =
      send("POST", "/_sagebox/faults", R"({"operation": "*", "error": {"code": [[1]]}})");
  EXPECT_EQ(body_of(deep)["message"], "The request body nests deeper than a fault rule does.");
  EXPECT_EQ(body_of(send("POST", "/_sagebox/faults", std::string(100000, '[')))["message"],
            "The request body nests deeper than a fault rule does.");
  EXPECT_EQ(body_of(send("GET", "/_sagebox/faults"))["faults"].size(), 0u);
}

TEST_F(AdminRoutesTest, MethodsAndUnknownPaths) {
  const http::Response put = send("PUT", "/_sagebox/faults");
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.headers.at(0), std::make_pair(std::string("Allow"), std::string("POST, GET, DELETE")));
  EXPECT_EQ(send("GET", "/_sagebox/faults/fault-1").status, 405);
  const http::Response unknown = send("GET", "/_sagebox/fault");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(body_of(unknown)["message"], "No such admin path: /_sagebox/fault");
  EXPECT_EQ(send("POST", "/moto-api/reset").status, 200);
  EXPECT_EQ(send("GET", "/_sagebox/health").status, 200);
}

TEST_F(AdminRoutesTest, LifecycleRulesAreAddedListedDeletedAndReleased) {
  const std::string rule = R"({"resource": "endpoint", "name": "e1", "on": "create", "outcome": "hold"})";
  const http::Response added = send("POST", "/_sagebox/lifecycle", rule);
  EXPECT_EQ(added.status, 200);
  EXPECT_EQ(body_of(added)["id"], "lifecycle-1");
  EXPECT_EQ(body_of(send("GET", "/_sagebox/lifecycle"))["rules"][0]["fired"], 0);
  const http::Response refused = send("POST", "/_sagebox/lifecycle", R"({"resource": "endpoint"})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(body_of(refused)["__type"], "ValidationException");

  EXPECT_EQ(body_of(send("POST", "/_sagebox/lifecycle/release", "")), Json::parse(R"({"released": []})"));
  const http::Response bad_release = send("POST", "/_sagebox/lifecycle/release", R"({"times": 1})");
  EXPECT_EQ(bad_release.status, 400);
  EXPECT_EQ(body_of(bad_release)["message"],
            "Unknown member \"times\" in the release; its members are name, name_prefix, account and region.");

  EXPECT_EQ(body_of(send("DELETE", "/_sagebox/lifecycle/lifecycle-1"))["name"], "e1");
  const http::Response missing = send("DELETE", "/_sagebox/lifecycle/lifecycle-1");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body,
            R"({"__type":"ResourceNotFoundException","message":"No lifecycle rule has the id \"lifecycle-1\"."})");
  send("POST", "/_sagebox/lifecycle", rule);
  EXPECT_EQ(send("POST", "/_sagebox/reset").status, 200);  // rules stay
  EXPECT_EQ(body_of(send("DELETE", "/_sagebox/lifecycle")), Json::parse(R"({"deleted": 1})"));
  EXPECT_EQ(send("GET", "/_sagebox/lifecycle/release").status, 405);
}

TEST_F(AdminRoutesTest, TheJournalIsListedFilteredAndCleared) {
  for (const char* operation : {"CreateModel", "ListModels", "CreateModel", "DescribeModel"}) {
    JournalEntry entry = JournalEntry::arriving("{}");
    entry.operation = operation;
    entry.status = 200;
    entry.response = "{}";
    journal_.record(std::move(entry));
  }
  const http::Response listed = send("GET", "/_sagebox/requests");
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.content_type, "application/x-amz-json-1.1");
  EXPECT_EQ(body_of(listed)["journal_size"], 3);
  EXPECT_EQ(body_of(listed)["requests"].size(), 3u);  // the ring holds 3
  const Json filtered =
      body_of(send("GET", "/_sagebox/requests/?operation=Create%4Dodel&status=200&limit=5"));
  ASSERT_EQ(filtered["requests"].size(), 1u);
  EXPECT_EQ(filtered["requests"][0]["operation"], "CreateModel");

  const http::Response unknown = send("GET", "/_sagebox/requests?op=CreateModel");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(body_of(unknown)["__type"], "ValidationException");
  EXPECT_EQ(body_of(unknown)["message"],
            "Unknown query parameter \"op\"; the parameters are operation, status, error, since and limit.");
  const http::Response malformed = send("GET", "/_sagebox/requests?operation=%zz");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(body_of(malformed)["message"],
            "The query string has a '%' that is not followed by two hex digits.");
  // A value that is not UTF-8 is shown, not thrown.
  const http::Response binary = send("GET", "/_sagebox/requests?limit=%ff");
  EXPECT_EQ(binary.status, 400);
  EXPECT_EQ(body_of(binary)["message"],
            "The query parameter \"limit\" must be a positive integer, not \"\xEF\xBF\xBD\".");

  EXPECT_EQ(body_of(send("DELETE", "/_sagebox/requests")), Json::parse(R"({"deleted": 3})"));
  EXPECT_EQ(body_of(send("GET", "/_sagebox/requests")),
            Json::parse(R"({"requests": [], "journal_size": 3})"));
  EXPECT_EQ(send("POST", "/_sagebox/requests").status, 405);
}

class StrictAdminRoutesTest : public AdminRoutesTest {
 protected:
  StrictAdminRoutesTest() : AdminRoutesTest(AuthMode::kStrict) {}
};

TEST_F(StrictAdminRoutesTest, EveryPathButHealthNeedsTheToken) {
  EXPECT_EQ(send("GET", "/_sagebox/health").status, 200);
  const std::vector<std::pair<std::string, std::string>> guarded = {
      {"POST", "/_sagebox/reset"}, {"POST", "/moto-api/reset"},    {"POST", "/_sagebox/faults"},
      {"GET", "/_sagebox/faults"}, {"DELETE", "/_sagebox/faults"}, {"DELETE", "/_sagebox/faults/fault-1"},
      {"POST", "/_sagebox/lifecycle"}, {"GET", "/_sagebox/lifecycle"}, {"DELETE", "/_sagebox/lifecycle"},
      {"DELETE", "/_sagebox/lifecycle/lifecycle-1"}, {"POST", "/_sagebox/lifecycle/release"},
      {"GET", "/_sagebox/requests"}, {"DELETE", "/_sagebox/requests"}};
  for (const auto& [method, path] : guarded) {
    for (const char* token : {"", "wrong"}) {
      const http::Response denied = send(method, path, throttle().dump(), token);
      EXPECT_EQ(denied.status, 403) << method << " " << path;
      EXPECT_EQ(body_of(denied)["__type"], "AccessDeniedException");
    }
  }
  EXPECT_EQ(body_of(send("GET", "/_sagebox/faults", "", "t0ken"))["faults"].size(), 0u);  // nothing was added
  EXPECT_EQ(send("POST", "/_sagebox/faults", throttle().dump(), "t0ken").status, 200);
  EXPECT_EQ(send("DELETE", "/_sagebox/faults/fault-1", "", "t0ken").status, 200);
}

}  // namespace
}  // namespace sagebox::admin
