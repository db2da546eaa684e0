// Canned answers: sagebox's queues per endpoint, moto's queue per account and region with its memo, the listing,
// clear(), and the checks of both admin bodies with their exact messages.
#include <gtest/gtest.h>

#include <initializer_list>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sagebox/error.hpp"
#include "sagebox/runtime/canned_answers.hpp"

namespace sagebox::runtime {
namespace {

constexpr const char* kAccount = "111122223333";
constexpr const char* kRegion = "eu-west-1";

CannedAnswer answer(const std::string& body, const std::string& variant = "") {
  CannedAnswer canned;
  canned.answer.body = body;
  canned.variant = variant;
  return canned;
}

// The body of the answer taken, or "none".
std::string body_of(const std::optional<CannedAnswer>& canned) { return canned ? canned->answer.body : "none"; }

using Bodies = std::vector<std::string>;

// The bodies of the answers taken for `endpoints` of kAccount and kRegion, one take each, in order.
Bodies bodies_taken(CannedAnswers& canned, std::initializer_list<const char*> endpoints) {
  Bodies bodies;
  for (const char* endpoint : endpoints) bodies.push_back(body_of(canned.take(kAccount, kRegion, endpoint)));
  return bodies;
}

// The ValidationException message `parse` throws, or "accepted".
template <typename Parse>
std::string refusal(Parse&& parse) {
  try {
    parse();
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), "ValidationException");
    EXPECT_EQ(error.http_status(), 400);
    return error.message();
  }
  return "accepted";
}

std::string answers_refusal(const char* list) {
  return refusal([&] { parse_answers(Json::parse(list)); });
}

std::string moto_refusal(const char* body) {
  return refusal([&] { parse_moto_results(Json::parse(body)); });
}

TEST(CannedAnswersTest, EachEndpointAnswersInTheOrderQueued) {
  CannedAnswers canned;
  canned.push(kAccount, kRegion, "ep", {answer("1"), answer("2")});
  canned.push(kAccount, kRegion, "ep", {answer("3")});
  EXPECT_EQ(bodies_taken(canned, {"ep", "ep", "ep", "ep"}), (Bodies{"1", "2", "3", "none"}));
}

TEST(CannedAnswersTest, EndpointsAreIndependentAndNamedRegardlessOfCase) {
  CannedAnswers canned;
  canned.push(kAccount, kRegion, "MyEndpoint", {answer("a1")});
  canned.push(kAccount, kRegion, "other", {answer("b1")});
  canned.push(kAccount, kRegion, "MYENDPOINT", {answer("a2")});
  EXPECT_EQ(bodies_taken(canned, {"myendpoint", "Other", "other", "MyEndpoint"}),
            (Bodies{"a1", "b1", "none", "a2"}));
}

TEST(CannedAnswersTest, AccountsAndRegionsAreSeparate) {
  CannedAnswers canned;
  canned.push(kAccount, kRegion, "ep", {answer("here")});
  EXPECT_EQ(body_of(canned.take("999988887777", kRegion, "ep")), "none");
  EXPECT_EQ(body_of(canned.take(kAccount, "us-east-1", "ep")), "none");
  EXPECT_EQ(body_of(canned.take(kAccount, kRegion, "ep")), "here");
}

TEST(CannedAnswersTest, AnAnswerKeepsEverythingQueued) {
  CannedAnswers canned;
  CannedAnswer queued = answer("{\"error\": 1}", "variant-b");
  queued.answer.status = 503;
  queued.answer.content_type = "application/json";
  queued.answer.custom_attributes = "trace=7";
  canned.push(kAccount, kRegion, "ep", {queued});
  const auto taken = canned.take(kAccount, kRegion, "ep");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->answer.status, 503);
  EXPECT_EQ(taken->answer.content_type, "application/json");
  EXPECT_EQ(taken->answer.body, "{\"error\": 1}");
  EXPECT_EQ(taken->answer.custom_attributes, "trace=7");
  EXPECT_EQ(taken->variant, "variant-b");
}

TEST(CannedAnswersTest, MotoGivesTheSameAnswerToTheSameEndpointAndBody) {
  CannedAnswers canned;
  canned.push_moto(kAccount, kRegion, {answer("first", "prod"), answer("second")});
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "x")), "first");
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "x")), "first");
  EXPECT_EQ(canned.take_moto(kAccount, kRegion, "ep", "x")->variant, "prod");
  // A new body, then the same body at another endpoint, each take the next; the queue is then empty.
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "y")), "second");
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "other", "x")), "none");
  // What was taken stays remembered once the queue is empty.
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "x")), "first");
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "y")), "second");
}

TEST(CannedAnswersTest, MotoDoesNotRememberARequestItHadNoAnswerFor) {
  CannedAnswers canned;
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "x")), "none");
  canned.push_moto(kAccount, kRegion, {answer("late")});
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "x")), "late");
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "x")), "late");
}

TEST(CannedAnswersTest, MotoKeysEndpointsByTheNameAsGivenAndSharesOneQueuePerAccountAndRegion) {
  CannedAnswers canned;
  canned.push_moto(kAccount, kRegion, {answer("1"), answer("2"), answer("3")});
  canned.push_moto(kAccount, "us-east-1", {answer("east")});
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "Ep", "x")), "1");
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "x")), "2");  // another name for moto
  EXPECT_EQ(body_of(canned.take_moto(kAccount, "us-east-1", "ep", "x")), "east");
  EXPECT_EQ(body_of(canned.take_moto("999988887777", kRegion, "ep", "x")), "none");
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "Ep", "x")), "1");
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "third", "x")), "3");
}

TEST(CannedAnswersTest, MotoAndSageboxQueuesAreSeparate) {
  CannedAnswers canned;
  canned.push(kAccount, kRegion, "ep", {answer("sagebox")});
  canned.push_moto(kAccount, kRegion, {answer("moto")});
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "x")), "moto");
  EXPECT_EQ(body_of(canned.take(kAccount, kRegion, "ep")), "sagebox");
  EXPECT_EQ(body_of(canned.take(kAccount, kRegion, "ep")), "none");
}

TEST(CannedAnswersTest, ListShowsQueuesThatHoldAnswers) {
  CannedAnswers canned;
  EXPECT_EQ(canned.list(), Json::parse(R"({"answers": []})"));
  canned.push("222233334444", kRegion, "Zeta", {answer("1")});
  canned.push(kAccount, kRegion, "Beta", {answer("1"), answer("2")});
  canned.push(kAccount, kRegion, "BETA", {answer("3")});
  canned.push(kAccount, kRegion, "alpha", {answer("1")});
  canned.push(kAccount, kRegion, "gone", {answer("1")});
  canned.push_moto(kAccount, kRegion, {answer("1"), answer("2")});
  canned.push_moto(kAccount, "us-east-1", {answer("1")});
  canned.take(kAccount, kRegion, "gone");
  canned.take_moto(kAccount, "us-east-1", "ep", "x");
  canned.push(kAccount, kRegion, "nothing", {});
  EXPECT_EQ(canned.list(), Json::parse(R"({"answers": [
      {"account": "111122223333", "region": "eu-west-1", "endpoint": "alpha", "queued": 1},
      {"account": "111122223333", "region": "eu-west-1", "endpoint": "Beta", "queued": 3},
      {"account": "222233334444", "region": "eu-west-1", "endpoint": "Zeta", "queued": 1},
      {"account": "111122223333", "region": "eu-west-1", "moto": true, "queued": 2}]})"));
}

TEST(CannedAnswersTest, ClearDropsBothQueuesAndMotosMemo) {
  CannedAnswers canned;
  canned.push(kAccount, kRegion, "ep", {answer("1"), answer("2")});
  canned.push_moto(kAccount, kRegion, {answer("m1"), answer("m2"), answer("m3")});
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "x")), "m1");
  EXPECT_EQ(canned.clear(), 4u);
  EXPECT_EQ(canned.list(), Json::parse(R"({"answers": []})"));
  EXPECT_EQ(body_of(canned.take(kAccount, kRegion, "ep")), "none");
  EXPECT_EQ(body_of(canned.take_moto(kAccount, kRegion, "ep", "x")), "none");
  EXPECT_EQ(canned.clear(), 0u);
}

TEST(CannedAnswersTest, EachAnswerIsTakenOnceWhenManyThreadsTake) {
  CannedAnswers canned;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  std::vector<std::vector<std::string>> taken(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        canned.push(kAccount, kRegion, "ep", {answer(std::to_string(t * kPerThread + i))});
        if (auto one = canned.take(kAccount, kRegion, "EP")) taken[t].push_back(one->answer.body);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> distinct;
  std::size_t count = 0;
  for (const auto& bodies : taken) {
    count += bodies.size();
    distinct.insert(bodies.begin(), bodies.end());
  }
  EXPECT_EQ(count, static_cast<std::size_t>(kThreads * kPerThread));  // each push is followed by a take
  EXPECT_EQ(distinct.size(), count);
  EXPECT_EQ(canned.clear(), 0u);
}

TEST(ParseAnswersTest, ReadsEveryMemberAndDefaults) {
  const auto answers = parse_answers(Json::parse(R"([
      {"Body": "plain"},
      {"BodyBase64": "AP8K", "ContentType": "application/x-npy", "CustomAttributes": "a=1", "Variant": "v2",
       "StatusCode": 599},
      {"Body": "", "StatusCode": 200}])"));
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].answer.body, "plain");
  EXPECT_EQ(answers[0].answer.status, 200);
  EXPECT_EQ(answers[0].answer.content_type, "");
  EXPECT_EQ(answers[0].answer.custom_attributes, "");
  EXPECT_EQ(answers[0].variant, "");
  EXPECT_EQ(answers[1].answer.body, std::string("\x00\xff\n", 3));
  EXPECT_EQ(answers[1].answer.content_type, "application/x-npy");
  EXPECT_EQ(answers[1].answer.custom_attributes, "a=1");
  EXPECT_EQ(answers[1].variant, "v2");
  EXPECT_EQ(answers[1].answer.status, 599);
  EXPECT_EQ(answers[2].answer.body, "");
  EXPECT_TRUE(parse_answers(Json::array()).empty());
}

TEST(ParseAnswersTest, RefusalsNameTheMemberByItsPlace) {
  EXPECT_EQ(answers_refusal(R"({"Body": "x"})"),
            R"("answers" must be an array of objects {"Body" or "BodyBase64", ...}, not {"Body":"x"}.)");
  EXPECT_EQ(answers_refusal(R"([{"Body": "x"}, "y"])"),
            R"("answers[1]" must be an object {"Body" or "BodyBase64", ...}, not "y".)");
  EXPECT_EQ(answers_refusal(R"([{"Body": "x", "Status": 500}])"),
            R"(Unknown member "Status" in answers[0]; its members are Body, BodyBase64, ContentType, )"
            R"(CustomAttributes, Variant and StatusCode.)");
  EXPECT_EQ(answers_refusal(R"([{"ContentType": "text/csv"}])"),
            R"("answers[0]" must have exactly one of "Body" and "BodyBase64".)");
  EXPECT_EQ(answers_refusal(R"([{"Body": "x", "BodyBase64": "eA=="}])"),
            R"("answers[0]" must have exactly one of "Body" and "BodyBase64".)");
  EXPECT_EQ(answers_refusal(R"([{"Body": 5}])"), R"("answers[0].Body" must be a string, not 5.)");
  EXPECT_EQ(answers_refusal(R"([{"BodyBase64": "eA="}])"),
            R"("answers[0].BodyBase64" must be a string in base64, not "eA=".)");
  EXPECT_EQ(answers_refusal(R"([{"BodyBase64": ["eA=="]}])"),
            R"("answers[0].BodyBase64" must be a string in base64, not ["eA=="].)");
  EXPECT_EQ(answers_refusal(R"([{"Body": "x", "ContentType": null}])"),
            R"("answers[0].ContentType" must be a string, not null.)");
  EXPECT_EQ(answers_refusal(R"([{"Body": "x", "CustomAttributes": 1}])"),
            R"("answers[0].CustomAttributes" must be a string, not 1.)");
  EXPECT_EQ(answers_refusal(R"([{"Body": "x", "Variant": ""}])"),
            R"("answers[0].Variant" must be a variant's name, not "".)");
  EXPECT_EQ(answers_refusal(R"([{"Body": "x"}, {"Body": "x"}, {"Body": "x", "StatusCode": 600}])"),
            R"("answers[2].StatusCode" must be an integer from 200 to 599, not 600.)");
  EXPECT_EQ(answers_refusal(R"([{"Body": "x", "StatusCode": 199}])"),
            R"("answers[0].StatusCode" must be an integer from 200 to 599, not 199.)");
  EXPECT_EQ(answers_refusal(R"([{"Body": "x", "StatusCode": 404.5}])"),
            R"("answers[0].StatusCode" must be an integer from 200 to 599, not 404.5.)");
  EXPECT_EQ(answers_refusal(R"([{"Body": "x", "StatusCode": "404"}])"),
            R"("answers[0].StatusCode" must be an integer from 200 to 599, not "404".)");
}

TEST(ParseMotoResultsTest, MotosDefaults) {
  const MotoResults results = parse_moto_results(Json::parse(R"({"results": [{"Body": "first body"}]})"));
  EXPECT_EQ(results.account, "123456789012");
  EXPECT_EQ(results.region, "us-east-1");
  ASSERT_EQ(results.answers.size(), 1u);
  EXPECT_EQ(results.answers[0].answer.body, "first body");
  EXPECT_EQ(results.answers[0].answer.status, 200);
  EXPECT_EQ(results.answers[0].answer.content_type, "");
  EXPECT_EQ(results.answers[0].variant, "");
  EXPECT_TRUE(parse_moto_results(Json::object()).answers.empty());
}

TEST(ParseMotoResultsTest, ReadsEveryMember) {
  // The example of moto's documentation.
  const MotoResults results = parse_moto_results(Json::parse(R"({
      "account_id": "111122223333", "region": "eu-west-1",
      "results": [{"Body": "first body", "ContentType": "text/xml", "InvokedProductionVariant": "prod",
                   "CustomAttributes": "my_attr"}, {"Body": "second"}]})"));
  EXPECT_EQ(results.account, "111122223333");
  EXPECT_EQ(results.region, "eu-west-1");
  ASSERT_EQ(results.answers.size(), 2u);
  EXPECT_EQ(results.answers[0].answer.body, "first body");
  EXPECT_EQ(results.answers[0].answer.content_type, "text/xml");
  EXPECT_EQ(results.answers[0].variant, "prod");
  EXPECT_EQ(results.answers[0].answer.custom_attributes, "my_attr");
  EXPECT_EQ(results.answers[0].answer.status, 200);
  EXPECT_EQ(results.answers[1].answer.body, "second");
}

TEST(ParseMotoResultsTest, Refusals) {
  EXPECT_EQ(moto_refusal(R"([])"), "moto's endpoint results must be a JSON object, not [].");
  EXPECT_EQ(moto_refusal(R"({"account": "111122223333"})"),
            R"(Unknown member "account" in moto's endpoint results; its members are account_id, region and )"
            R"(results.)");
  EXPECT_EQ(moto_refusal(R"({"account_id": "1234"})"),
            R"("account_id" must be a 12-digit account id, not "1234".)");
  EXPECT_EQ(moto_refusal(R"({"region": 1})"), R"("region" must be a region name such as "us-east-1", not 1.)");
  EXPECT_EQ(moto_refusal(R"({"results": {"Body": "x"}})"),
            R"("results" must be an array of objects {"Body", ...}, not {"Body":"x"}.)");
  EXPECT_EQ(moto_refusal(R"({"results": [{"Body": "x"}, 3]})"),
            R"("results[1]" must be an object {"Body", ...}, not 3.)");
  EXPECT_EQ(moto_refusal(R"({"results": [{"ContentType": "text/csv"}]})"), R"("results[0]" must have "Body".)");
  EXPECT_EQ(moto_refusal(R"({"results": [{"Body": {"a": 1}}]})"),
            R"("results[0].Body" must be a string, not {"a":1}.)");
  EXPECT_EQ(moto_refusal(R"({"results": [{"Body": "x", "Variant": "v"}]})"),
            R"(Unknown member "Variant" in results[0]; its members are Body, ContentType, )"
            R"(InvokedProductionVariant and CustomAttributes.)");
  EXPECT_EQ(moto_refusal(R"({"results": [{"Body": "x", "InvokedProductionVariant": false}]})"),
            R"("results[0].InvokedProductionVariant" must be a string, not false.)");
}

}  // namespace
}  // namespace sagebox::runtime
