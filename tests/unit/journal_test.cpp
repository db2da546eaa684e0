// The admin stage's request journal in-process: the ring (capacity, order, clear, off), how entries are
// listed, the query filters and their checks, and how a reply is recorded once its answer is known.
#include "sagebox/admin/journal.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "sagebox/error.hpp"

namespace sagebox::admin {
namespace {

using std::chrono::system_clock;
using namespace std::chrono_literals;

// 2026-12-04T10:15:30.123Z
const system_clock::time_point kT0 = system_clock::time_point(1796379330123ms);

JournalEntry entry(std::string operation, int status = 200, std::string response = "{}",
                   system_clock::time_point time = kT0) {
  JournalEntry e;
  e.time = time;
  e.request_id = "id-" + operation;
  e.operation = std::move(operation);
  e.account = "123456789012";
  e.region = "us-east-1";
  e.request = "{}";
  e.status = status;
  e.response = std::move(response);
  return e;
}

std::vector<std::string> operations(const Json& listing) {
  std::vector<std::string> names;
  for (const Json& e : listing["requests"]) names.push_back(e["operation"].get<std::string>());
  return names;
}

JournalQuery query(const http::QueryParams& params) { return JournalQuery::parse(params); }

// The ValidationException message JournalQuery::parse throws for `params`, or "accepted".
std::string refusal(const http::QueryParams& params) {
  try {
    JournalQuery::parse(params);
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), "ValidationException");
    EXPECT_EQ(error.http_status(), 400);
    return error.message();
  }
  return "accepted";
}

TEST(RequestJournal, KeepsTheNewestUpToItsCapacityOldestFirst) {
  RequestJournal journal(3);
  EXPECT_TRUE(journal.enabled());
  EXPECT_EQ(journal.list({}), Json::parse(R"({"requests": [], "journal_size": 3})"));
  journal.record(entry("A"));
  journal.record(entry("B"));
  EXPECT_EQ(operations(journal.list({})), (std::vector<std::string>{"A", "B"}));
  for (const char* name : {"C", "D", "E", "F", "G"}) journal.record(entry(name));
  EXPECT_EQ(operations(journal.list({})), (std::vector<std::string>{"E", "F", "G"}));
  EXPECT_EQ(journal.list({})["journal_size"], 3);
}

TEST(RequestJournal, ClearEmptiesItAndRecordingGoesOn) {
  RequestJournal journal(2);
  for (const char* name : {"A", "B", "C"}) journal.record(entry(name));
  EXPECT_EQ(journal.clear(), 2u);
  EXPECT_EQ(journal.list({})["requests"], Json::array());
  EXPECT_EQ(journal.clear(), 0u);
  for (const char* name : {"D", "E", "F"}) journal.record(entry(name));
  EXPECT_EQ(operations(journal.list({})), (std::vector<std::string>{"E", "F"}));
}

TEST(RequestJournal, SizeZeroIsOffAndKeepsNothing) {
  RequestJournal journal(0);
  EXPECT_FALSE(journal.enabled());
  journal.record(entry("A"));
  EXPECT_EQ(journal.list({}), Json::parse(R"({"requests": [], "journal_size": 0})"));
  EXPECT_EQ(journal.clear(), 0u);
}

TEST(RequestJournal, AnEntryIsListedWithEveryMember) {
  RequestJournal journal(10);
  JournalEntry success = entry("DescribeModel", 200, R"({"ModelName":"m"})");
  success.request = R"({"ModelName": "m"})";
  success.duration_ms = 1.23456;
  journal.record(success);
  EXPECT_EQ(
      journal.list({})["requests"][0].dump(),
      R"({"time":"2026-12-04T10:15:30.123Z","request_id":"id-DescribeModel","operation":"DescribeModel",)"
      R"("account":"123456789012","region":"us-east-1","request":{"ModelName":"m"},"status":200,)"
      R"("error_code":null,"error_message":null,"response":{"ModelName":"m"},"duration_ms":1.235,)"
      R"("connection":null,"variant":null,"shadow":false})");

  // A body that is not JSON is listed as the string it is; unknown caller and operation as null.
  JournalEntry refused = entry("", 400, R"({"__type":"SerializationException","message":"Not JSON."})");
  refused.account.clear();
  refused.region.clear();
  refused.request = "not json";
  journal.record(refused);
  const Json listed = journal.list({})["requests"][1];
  EXPECT_EQ(listed["operation"], nullptr);
  EXPECT_EQ(listed["account"], nullptr);
  EXPECT_EQ(listed["region"], nullptr);
  EXPECT_EQ(listed["request"], "not json");
  EXPECT_EQ(listed["error_code"], "SerializationException");
  EXPECT_EQ(listed["error_message"], "Not JSON.");

  // SageMaker's modeled exceptions carry `Message`.
  journal.record(entry("DescribeEndpoint", 400, R"({"__type":"ResourceNotFound","Message":"Gone."})"));
  EXPECT_EQ(journal.list({})["requests"][2]["error_message"], "Gone.");

  JournalEntry dropped = entry("CreateModel", 0, "");
  dropped.request_id.clear();
  dropped.connection = "reset";
  journal.record(dropped);
  const Json reset = journal.list({})["requests"][3];
  EXPECT_EQ(reset["request_id"], nullptr);
  EXPECT_EQ(reset["status"], nullptr);
  EXPECT_EQ(reset["response"], nullptr);
  EXPECT_EQ(reset["error_code"], nullptr);
  EXPECT_EQ(reset["connection"], "reset");
}

TEST(RequestJournal, ABodyNestedTooDeepOrNotUtf8IsListedAsAString) {
  RequestJournal journal(10);
  JournalEntry deep = entry("CreateModel");
  deep.request = std::string(100000, '[');
  journal.record(deep);
  JournalEntry deep_but_whole = entry("CreateModel");
  deep_but_whole.request = std::string(200, '[') + std::string(200, ']');
  journal.record(deep_but_whole);
  const Json listed = journal.list({});
  EXPECT_EQ(listed["requests"][0]["request"], deep.request);
  EXPECT_EQ(listed["requests"][1]["request"], deep_but_whole.request);
  JournalEntry binary = entry("CreateModel");
  binary.request = "\xff\xfe";
  journal.record(binary);
  // Listing it still works: the admin API writes it with replacement characters.
  EXPECT_EQ(journal.list({})["requests"][2]["request"].dump(-1, ' ', false, Json::error_handler_t::replace),
            "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(RequestJournal, FiltersAndLimit) {
  RequestJournal journal(100);
  const std::string throttled = R"({"__type":"ThrottlingException","message":"Rate exceeded"})";
  journal.record(entry("CreateModel", 200, "{}", kT0));
  journal.record(entry("CreateModel", 400, throttled, kT0 + 1s));
  journal.record(entry("ListModels", 400, throttled, kT0 + 2s));
  journal.record(entry("ListModels", 503, R"({"__type":"ServiceUnavailable","message":"x"})", kT0 + 3s));
  journal.record(entry("CreateModel", 200, "{}", kT0 + 4s));
  const auto times = [&journal](const http::QueryParams& params) {
    std::vector<std::string> listed;
    const Json listing = journal.list(query(params));
    for (const Json& e : listing["requests"]) {
      listed.push_back(e["operation"].get<std::string>() + "@" + e["time"].get<std::string>().substr(17, 2));
    }
    return listed;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(times({{"operation", "CreateModel"}}), (V{"CreateModel@30", "CreateModel@31", "CreateModel@34"}));
  EXPECT_EQ(times({{"status", "400"}}), (V{"CreateModel@31", "ListModels@32"}));
  EXPECT_EQ(times({{"error", "ThrottlingException"}}), (V{"CreateModel@31", "ListModels@32"}));
  EXPECT_EQ(times({{"error", "ServiceUnavailable"}}), (V{"ListModels@33"}));
  EXPECT_EQ(times({{"since", "2026-12-04T10:15:32.123Z"}}),
            (V{"ListModels@32", "ListModels@33", "CreateModel@34"}));
  EXPECT_EQ(times({{"since", "2026-12-04T10:15:32.124Z"}}), (V{"ListModels@33", "CreateModel@34"}));
  EXPECT_EQ(times({{"limit", "2"}}), (V{"ListModels@33", "CreateModel@34"}));
  EXPECT_EQ(times({{"limit", "99"}}).size(), 5u);
  EXPECT_EQ(times({{"operation", "CreateModel"}, {"limit", "2"}}), (V{"CreateModel@31", "CreateModel@34"}));
  EXPECT_EQ(times({{"operation", "ListModels"},
                   {"status", "400"},
                   {"error", "ThrottlingException"},
                   {"since", "1796379331"}}),
            (V{"ListModels@32"}));
  EXPECT_EQ(times({{"operation", "DeleteModel"}}), V{});
}

TEST(JournalQuery, SinceTakesIso8601OrEpochSeconds) {
  const auto since = [](const std::string& text) { return query({{"since", text}}).since.value(); };
  EXPECT_EQ(since("2026-12-04T10:15:30.123Z"), kT0);
  EXPECT_EQ(since("2026-12-04T10:15:30Z"), kT0 - 123ms);
  // Finer than the clock's tick (libstdc++ counts nanoseconds, libc++ microseconds): rounded up, never before.
  const auto kT0Plus456789ns = kT0 + std::chrono::ceil<system_clock::duration>(456789ns);
  EXPECT_EQ(since("2026-12-04T10:15:30.123456789Z"), kT0Plus456789ns);
  EXPECT_EQ(since("2026-12-04T10:15:30.1234567891Z"), kT0Plus456789ns);
  EXPECT_EQ(since("2026-12-04T12:15:30.123+02:00"), kT0);
  EXPECT_EQ(since("2026-12-04T05:45:30.123-04:30"), kT0);
  EXPECT_EQ(since("1796379330.123"), kT0);
  EXPECT_EQ(since("1796379330"), kT0 - 123ms);
  EXPECT_EQ(since("0"), system_clock::time_point{});
  EXPECT_EQ(since("1970-01-01T00:00:00Z"), system_clock::time_point{});
  if constexpr (std::is_same_v<system_clock::duration, std::chrono::nanoseconds>) {
    // Beyond what the clock holds (libstdc++: 1678 to 2261): after, or before, every entry.
    EXPECT_EQ(since("9999-12-31T23:59:59Z"), system_clock::time_point::max());
    EXPECT_EQ(since("999999999999"), system_clock::time_point::max());
    EXPECT_EQ(since("0001-01-01T00:00:00Z"), system_clock::time_point::min());
  } else {
    // libc++'s microseconds hold every time these can spell.
    EXPECT_EQ(since("9999-12-31T23:59:59Z"), std::chrono::sys_days(std::chrono::year(10000) / 1 / 1) - 1s);
    EXPECT_EQ(since("999999999999"), system_clock::time_point(999999999999s));
    EXPECT_EQ(since("0001-01-01T00:00:00Z"), std::chrono::sys_days(std::chrono::year(1) / 1 / 1));
  }
}

TEST(JournalQuery, BadParametersAreRefusedSayingWhatIsWrong) {
  EXPECT_EQ(refusal({}), "accepted");
  EXPECT_EQ(refusal({{"operation", "A"}, {"status", "200"}, {"error", "E"}, {"since", "0"}, {"limit", "1"}}),
            "accepted");
  EXPECT_EQ(
      refusal({{"Operation", "A"}}),
      "Unknown query parameter \"Operation\"; the parameters are operation, status, error, since and limit.");
  EXPECT_EQ(refusal({{"limit", "1"}, {"limit", "2"}}),
            "The query parameter \"limit\" is given more than once.");
  EXPECT_EQ(refusal({{"operation", ""}}),
            "The query parameter \"operation\" must be an operation name, not \"\".");
  EXPECT_EQ(refusal({{"error", ""}}), "The query parameter \"error\" must be an error code, not \"\".");
  for (const char* status : {"", "abc", "99", "600", "2000", "-40", "+200", "0200", " 200"}) {
    EXPECT_EQ(refusal({{"status", status}}),
              "The query parameter \"status\" must be an HTTP status from 100 to 599, "
              "not " +
                  Json(status).dump() + ".")
        << status;
  }
  for (const char* limit : {"", "0", "-1", "1.5", "x", "99999999999999999999999"}) {
    EXPECT_EQ(refusal({{"limit", limit}}),
              "The query parameter \"limit\" must be a positive integer, not " + Json(limit).dump() + ".")
        << limit;
  }
  for (const char* since :
       {"", "yesterday", "2026-12-04", "2026-12-04T10:15:30", "2026-12-04 10:15:30Z", "2026-13-04T10:15:30Z",
        "2026-02-30T10:15:30Z", "2026-12-04T24:00:00Z", "2026-12-04T10:15:30.Z", "2026-12-04T10:15:30+0200",
        "2026-12-04T10:15:30 02:00", "2026-12-04T10:15:30ZZ", "1.", ".5", "-5", "1e9", "1234567890123"}) {
    EXPECT_EQ(
        refusal({{"since", since}}),
        "The query parameter \"since\" must be a time: ISO 8601 such as \"2026-12-04T10:15:30.123Z\", or "
        "epoch seconds, not " +
            Json(since).dump() + ".")
        << since;
  }
  // A long value is shown cut short.
  EXPECT_EQ(refusal({{"status", std::string(100, '9')}}),
            "The query parameter \"status\" must be an HTTP status from 100 to 599, not \"" +
                std::string(40, '9') + "...\".");
}

TEST(Iso8601Milliseconds, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(iso8601_milliseconds(kT0), "2026-12-04T10:15:30.123Z");
  EXPECT_EQ(iso8601_milliseconds(kT0 + 876999us), "2026-12-04T10:15:30.999Z");
  EXPECT_EQ(iso8601_milliseconds(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_milliseconds(system_clock::time_point(951782400000ms)), "2000-02-29T00:00:00.000Z");
}

http::Response answered(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.headers.emplace_back("x-amzn-RequestId", "rid-" + std::to_string(status));
  response.body = std::move(body);
  return response;
}

TEST(RequestJournal, AReplyIsRecordedWithItsAnswer) {
  RequestJournal journal(10);
  JournalEntry arriving = JournalEntry::arriving(R"({"ModelName":"m"})");
  arriving.operation = "DescribeModel";
  const http::Reply reply = journal.journaled(answered(200, R"({"ok":true})"), arriving);
  EXPECT_EQ(reply.response.body, R"({"ok":true})");  // passed on unchanged
  const Json listed = journal.list({})["requests"].at(0);
  EXPECT_EQ(listed["request_id"], "rid-200");
  EXPECT_EQ(listed["status"], 200);
  EXPECT_EQ(listed["request"], Json::parse(R"({"ModelName":"m"})"));
  EXPECT_EQ(listed["response"], Json::parse(R"({"ok":true})"));
  EXPECT_GE(listed["duration_ms"].get<double>(), 0);
  EXPECT_LT(listed["duration_ms"].get<double>(), 1000);
  const auto now = system_clock::now();
  EXPECT_LE(iso8601_milliseconds(arriving.time), iso8601_milliseconds(now));
  EXPECT_GT(arriving.time, now - 10s);

  for (const auto& [action, name] :
       {std::pair{http::Reply::Action::kClose, "close"}, std::pair{http::Reply::Action::kReset, "reset"}}) {
    http::Reply dropped;
    dropped.action = action;
    journal.journaled(dropped, JournalEntry::arriving("{}"));
    const Json last = journal.list({})["requests"].back();
    EXPECT_EQ(last["connection"], name);
    EXPECT_EQ(last["status"], nullptr);
    EXPECT_EQ(last["request_id"], nullptr);
  }
}

TEST(RequestJournal, AReplyThatWaitsIsRecordedOnceItsAnswerIsKnown) {
  RequestJournal journal(10);
  // An error after a latency: the same error, once the wait is over.
  http::Reply late = answered(400, R"({"__type":"ThrottlingException","message":"Slow down"})");
  late.delay = 250ms;
  http::Reply waiting = journal.journaled(late, JournalEntry::arriving("{}"));
  EXPECT_EQ(waiting.delay, 250ms);
  ASSERT_TRUE(waiting.then);
  EXPECT_EQ(journal.list({})["requests"].size(), 0u);
  std::this_thread::sleep_for(30ms);
  const http::Reply after = waiting.then();
  EXPECT_EQ(after.delay, 0ms);  // waited once, not again
  EXPECT_FALSE(after.then);
  EXPECT_EQ(after.response.status, 400);
  ASSERT_EQ(journal.list({})["requests"].size(), 1u);
  EXPECT_EQ(journal.list({})["requests"][0]["error_code"], "ThrottlingException");
  EXPECT_GE(journal.list({})["requests"][0]["duration_ms"].get<double>(), 30);

  // The real answer computed after the wait.
  http::Reply slow;
  slow.delay = 10ms;
  slow.then = [] { return http::Reply(answered(200, R"({"late":1})")); };
  http::Reply wrapped = journal.journaled(slow, JournalEntry::arriving("{}"));
  EXPECT_EQ(journal.list({})["requests"].size(), 1u);
  EXPECT_EQ(wrapped.then().response.body, R"({"late":1})");
  EXPECT_EQ(journal.list({})["requests"][1]["response"], Json::parse(R"({"late":1})"));
}

TEST(RequestJournal, ConcurrentRecordsAndListsKeepTheRingWhole) {
  RequestJournal journal(50);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&journal, t] {
      for (int i = 0; i < 500; ++i) {
        journal.record(entry("T" + std::to_string(t)));
        if (i % 100 == 0) journal.list({});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(journal.list({})["requests"].size(), 50u);
  EXPECT_EQ(journal.clear(), 50u);
}

}  // namespace
}  // namespace sagebox::admin
