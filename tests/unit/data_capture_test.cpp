// The runtime stage's data capture in-process: the exact lines (member order, CSV/JSON/BASE64 encodings,
// modes, inference id), sampling and EnableCapture, the S3 key layout below the capture folder and the files
// appended to, destinations that would leave the folder, and whole lines from concurrent callers. Also
// crypto::base64, which the BASE64 encoding is.
#include "sagebox/runtime/data_capture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sagebox/crypto.hpp"

namespace sagebox::runtime {
namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;
using namespace std::chrono_literals;

// 2026-12-04T10:15:30.123Z
const system_clock::time_point kT0 = system_clock::time_point(1796379330123ms);

const std::regex kUuid4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

Json config(const char* text) { return Json::parse(text); }

// Both modes, always sampled, CSV and JSON types listed.
const char* const kCsvAndJson = R"({"EnableCapture": true, "InitialSamplingPercentage": 100,
  "DestinationS3Uri": "s3://bucket/some/prefix", "CaptureOptions": [{"CaptureMode": "InputAndOutput"}],
  "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"], "JsonContentTypes": ["application/json"]}})";

Invocation invocation(std::string content_type = "text/csv", std::string body = "1,2,3") {
  Invocation call;
  call.account = "123456789012";
  call.region = "us-east-1";
  call.endpoint = "my-endpoint";
  call.variant = "AllTraffic";
  call.model = "my-model";
  call.content_type = std::move(content_type);
  call.body = std::move(body);
  return call;
}

ModelAnswer answer(std::string content_type = "text/csv; charset=utf-8", std::string body = "0.5") {
  ModelAnswer result;
  result.content_type = std::move(content_type);
  result.body = std::move(body);
  return result;
}

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every regular file below `folder`, sorted.
std::vector<fs::path> files_below(const fs::path& folder) {
  std::vector<fs::path> files;
  if (!fs::exists(folder)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A fresh folder per test; the draws are counted and each returns draw_.
class DataCaptureTest : public testing::Test {
 protected:
  void SetUp() override { fs::create_directories(directory_); }
  void TearDown() override { fs::remove_all(root_); }

  // The one line of the one file written, checked to be the only one, with its eventId (a UUID v4) replaced
  // by
  // "<id>" so that it can be compared whole.
  std::string only_line() {
    const std::vector<fs::path> files = files_below(directory_);
    EXPECT_EQ(files.size(), 1u);
    if (files.size() != 1) return "";
    const std::vector<std::string> lines = lines_of(files[0]);
    EXPECT_EQ(lines.size(), 1u);
    if (lines.size() != 1) return "";
    std::string line = lines[0];
    const std::string id = Json::parse(line)["eventMetadata"]["eventId"].get<std::string>();
    EXPECT_TRUE(std::regex_match(id, kUuid4)) << id;
    line.replace(line.find(id), id.size(), "<id>");
    return line;
  }

  const fs::path root_ = fs::path(testing::TempDir()) / ("sagebox_capture_" + crypto::request_id());
  const fs::path directory_ = root_ / "capture";  // nothing may appear in root_ beside it
  double draw_ = 0.0;
  int draws_ = 0;
  DataCapture capture_{directory_, [this] {
                         ++draws_;
                         return draw_;
                       }};
};

TEST_F(DataCaptureTest, WritesCsvInSageMakersLineFormatAndMemberOrder) {
  const fs::path file = capture_.record(config(kCsvAndJson), invocation(), answer(), kT0);
  EXPECT_FALSE(file.empty());
  EXPECT_EQ(
      only_line(),
      R"({"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"1,2,3",)"
      R"("encoding":"CSV"},"endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT",)"
      R"("data":"0.5","encoding":"CSV"}},"eventMetadata":{"eventId":"<id>","inferenceTime":)"
      R"("2026-12-04T10:15:30Z"},"eventVersion":"0"})");
}

TEST_F(DataCaptureTest, WritesJsonAsTextWithEncodingJson) {
  capture_.record(config(kCsvAndJson), invocation("application/json", R"({"instances": [1, "é"]})"),
                  answer("application/json", "{\"predictions\":\n[0.5]}"), kT0);
  EXPECT_EQ(
      only_line(),
      R"({"captureData":{"endpointInput":{"observedContentType":"application/json","mode":"INPUT",)"
      R"("data":"{\"instances\": [1, \"é\"]}","encoding":"JSON"},"endpointOutput":{"observedContentType":)"
      R"("application/json","mode":"OUTPUT","data":"{\"predictions\":\n[0.5]}","encoding":"JSON"}},)"
      R"("eventMetadata":{"eventId":"<id>","inferenceTime":"2026-12-04T10:15:30Z"},"eventVersion":"0"})");
}

TEST_F(DataCaptureTest, WritesEverythingBase64WithoutCaptureContentTypeHeader) {
  capture_.record(config(R"({"InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://bucket",
                             "CaptureOptions": [{"CaptureMode": "InputAndOutput"}]})"),
                  invocation(), answer("application/json", "{}"), kT0);
  EXPECT_EQ(
      only_line(),
      R"({"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"MSwyLDM=",)"
      R"("encoding":"BASE64"},"endpointOutput":{"observedContentType":"application/json","mode":"OUTPUT",)"
      R"("data":"e30=","encoding":"BASE64"}},"eventMetadata":{"eventId":"<id>","inferenceTime":)"
      R"("2026-12-04T10:15:30Z"},"eventVersion":"0"})");
}

// The encoding of the input of one invocation with `content_type` and `body`, under kCsvAndJson's lists.
class EncodingTest : public DataCaptureTest {
 protected:
  Json input_of(const char* capture_config, std::string content_type, std::string body) {
    const fs::path file = capture_.record(
        config(capture_config), invocation(std::move(content_type), std::move(body)), answer(), kT0);
    const std::vector<std::string> lines = lines_of(file);
    if (lines.empty()) return Json();
    return Json::parse(lines.back())["captureData"]["endpointInput"];
  }
};

TEST_F(EncodingTest, MatchesTheWholeTypeOrItsMediaTypeIgnoringCase) {
  EXPECT_EQ(input_of(kCsvAndJson, "text/csv", "a")["encoding"], "CSV");
  EXPECT_EQ(input_of(kCsvAndJson, "TEXT/CSV; charset=utf-8", "a")["encoding"], "CSV");
  EXPECT_EQ(input_of(kCsvAndJson, "Application/JSON ;charset=utf-8", "1")["encoding"], "JSON");
  EXPECT_EQ(input_of(kCsvAndJson, "text/csvx", "a")["encoding"], "BASE64");
  EXPECT_EQ(input_of(kCsvAndJson, "text", "a")["encoding"], "BASE64");
  const Json npy = input_of(kCsvAndJson, "application/x-npy", std::string("\x93NUMPY\0\x01", 8));
  EXPECT_EQ(npy["encoding"], "BASE64");
  EXPECT_EQ(npy["data"], "k05VTVBZAAE=");
  EXPECT_EQ(npy["observedContentType"], "application/x-npy");
}

TEST_F(EncodingTest, ListedParametersMustMatchExactly) {
  const char* with_parameters = R"({"InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://bucket",
    "CaptureOptions": [{"CaptureMode": "Input"}],
    "CaptureContentTypeHeader": {"JsonContentTypes": ["application/json; charset=utf-8"]}})";
  EXPECT_EQ(input_of(with_parameters, "application/json; charset=utf-8", "1")["encoding"], "JSON");
  EXPECT_EQ(input_of(with_parameters, "application/json", "1")["encoding"], "BASE64");
}

TEST_F(EncodingTest, ATypeInBothListsIsCsv) {
  const char* both = R"({"InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://bucket",
    "CaptureOptions": [{"CaptureMode": "Input"}],
    "CaptureContentTypeHeader": {"CsvContentTypes": ["text/plain"], "JsonContentTypes": ["text/plain"]}})";
  EXPECT_EQ(input_of(both, "text/plain", "x")["encoding"], "CSV");
}

TEST_F(EncodingTest, DataThatIsNotUtf8IsBase64WhateverItsType) {
  const Json input = input_of(kCsvAndJson, "text/csv", "1,\xff,3");
  EXPECT_EQ(input["encoding"], "BASE64");
  EXPECT_EQ(input["data"], "MSz/LDM=");
  EXPECT_EQ(input_of(kCsvAndJson, "application/json", "\"\xc3\"")["encoding"], "BASE64");  // cut sequence
}

TEST_F(EncodingTest, NoContentTypeIsObservedEmptyAndBase64) {
  const Json input = input_of(kCsvAndJson, "", "1,2");
  EXPECT_EQ(input["observedContentType"], "");
  EXPECT_EQ(input["encoding"], "BASE64");
  EXPECT_EQ(input["data"], "MSwy");
}

TEST_F(DataCaptureTest, HeadersThatAreNotUtf8AreReplacedNotFatal) {
  Invocation call = invocation("text/\xff");
  call.inference_id = "id-\xfe";
  const fs::path file = capture_.record(config(kCsvAndJson), call, answer(), kT0);
  const Json line = Json::parse(lines_of(file).at(0));
  EXPECT_EQ(line["captureData"]["endpointInput"]["observedContentType"], "text/\xEF\xBF\xBD");
  EXPECT_EQ(line["eventMetadata"]["inferenceId"], "id-\xEF\xBF\xBD");
}

TEST_F(DataCaptureTest, CapturesOnlyTheModesListed) {
  const char* input_only = R"({"InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://in",
    "CaptureOptions": [{"CaptureMode": "Input"}]})";
  const char* output_only = R"({"InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://out",
    "CaptureOptions": [{"CaptureMode": "Output"}]})";
  const char* both_listed = R"({"InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://both",
    "CaptureOptions": [{"CaptureMode": "Output"}, {"CaptureMode": "Input"}]})";
  const auto capture_data = [&](const char* text) {
    return Json::parse(
        lines_of(capture_.record(config(text), invocation(), answer(), kT0)).at(0))["captureData"];
  };
  const Json input = capture_data(input_only);
  EXPECT_EQ(input.size(), 1u);
  EXPECT_EQ(input["endpointInput"]["mode"], "INPUT");
  const Json output = capture_data(output_only);
  EXPECT_EQ(output.size(), 1u);
  EXPECT_EQ(output["endpointOutput"]["mode"], "OUTPUT");
  EXPECT_EQ(output["endpointOutput"]["data"], "MC41");
  const Json both = capture_data(both_listed);
  EXPECT_EQ(both.size(), 2u);
  EXPECT_EQ(both.begin().key(), "endpointInput");  // input first, whatever the order of the options
}

TEST_F(DataCaptureTest, WritesNothingWithoutAModeOrAConfiguration) {
  EXPECT_EQ(capture_.record(config(R"({"InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://bucket",
                                       "CaptureOptions": []})"),
                            invocation(), answer(), kT0),
            fs::path());
  EXPECT_EQ(capture_.record(Json(), invocation(), answer(), kT0), fs::path());
  EXPECT_EQ(draws_, 0);
  EXPECT_TRUE(files_below(directory_).empty());
}

TEST_F(DataCaptureTest, SamplesWithTheInitialPercentage) {
  const auto sampled = [&](int percentage, double draw) {
    draw_ = draw;
    Json settings = config(kCsvAndJson);
    settings["InitialSamplingPercentage"] = percentage;
    return !capture_.record(settings, invocation(), answer(), kT0).empty();
  };
  EXPECT_FALSE(sampled(0, 0.0));
  EXPECT_TRUE(sampled(100, 0.0));
  EXPECT_TRUE(sampled(100, 0.999999));
  EXPECT_FALSE(sampled(30, 0.3));
  EXPECT_TRUE(sampled(31, 0.3));
  EXPECT_TRUE(sampled(30, 0.29));
  EXPECT_EQ(draws_, 6);  // one draw per invocation, sampled or not
  EXPECT_EQ(lines_of(files_below(directory_).at(0)).size(), 4u);
}

TEST_F(DataCaptureTest, EnableCaptureFalseCapturesNothingAndDrawsNothing) {
  Json settings = config(kCsvAndJson);
  settings["EnableCapture"] = false;
  EXPECT_EQ(capture_.record(settings, invocation(), answer(), kT0), fs::path());
  EXPECT_EQ(draws_, 0);
  EXPECT_TRUE(files_below(directory_).empty());
  settings.erase("EnableCapture");  // absent: enabled
  EXPECT_NE(capture_.record(settings, invocation(), answer(), kT0), fs::path());
}

TEST_F(DataCaptureTest, InferenceIdGoesBetweenEventIdAndInferenceTimeWhenSent) {
  Invocation call = invocation();
  call.inference_id = "inference-42";
  capture_.record(config(kCsvAndJson), call, answer(), kT0);
  const std::string line = only_line();
  EXPECT_NE(line.find(R"("eventMetadata":{"eventId":"<id>","inferenceId":"inference-42",)"
                      R"("inferenceTime":"2026-12-04T10:15:30Z"},"eventVersion":"0"})"),
            std::string::npos)
      << line;
}

TEST_F(DataCaptureTest, LaysFilesOutAsSageMakerDoesBelowTheDestination) {
  const fs::path file = capture_.record(config(kCsvAndJson), invocation(), answer(), kT0);
  EXPECT_EQ(file.parent_path(), directory_ / "bucket/some/prefix/my-endpoint/AllTraffic/2026/12/04/10");
  EXPECT_TRUE(std::regex_match(file.filename().string(),
                               std::regex("15-30-123-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                          "[0-9a-f]{12}\\.jsonl")))
      << file;
  EXPECT_EQ(files_below(directory_), std::vector<fs::path>{file});
}

TEST_F(DataCaptureTest, AppendsWithinAnHourAndStartsAFileForAnotherHourOrVariant) {
  const Json settings = config(kCsvAndJson);
  const fs::path first = capture_.record(settings, invocation(), answer(), kT0);
  const fs::path same_hour = capture_.record(settings, invocation(), answer(), kT0 + 44min);  // 10:59:30
  EXPECT_EQ(same_hour, first);
  const std::vector<std::string> lines = lines_of(first);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(Json::parse(lines[1])["eventMetadata"]["inferenceTime"], "2026-12-04T10:59:30Z");
  EXPECT_NE(Json::parse(lines[0])["eventMetadata"]["eventId"],
            Json::parse(lines[1])["eventMetadata"]["eventId"]);

  const fs::path next_hour = capture_.record(settings, invocation(), answer(), kT0 + 45min);  // 11:00:30.123
  EXPECT_EQ(next_hour.parent_path(), directory_ / "bucket/some/prefix/my-endpoint/AllTraffic/2026/12/04/11");
  EXPECT_TRUE(next_hour.filename().string().starts_with("00-30-123-")) << next_hour;

  Invocation shadow = invocation();
  shadow.variant = "Shadow";
  shadow.shadow = true;
  const fs::path other_variant = capture_.record(settings, shadow, answer(), kT0);
  EXPECT_EQ(other_variant.parent_path(), directory_ / "bucket/some/prefix/my-endpoint/Shadow/2026/12/04/10");
  EXPECT_EQ(files_below(directory_).size(), 3u);
  EXPECT_EQ(lines_of(next_hour).size(), 1u);
}

TEST_F(DataCaptureTest, AnotherRunStartsItsOwnFile) {
  const fs::path first = capture_.record(config(kCsvAndJson), invocation(), answer(), kT0);
  DataCapture second_run(directory_, [] { return 0.0; });
  const fs::path second = second_run.record(config(kCsvAndJson), invocation(), answer(), kT0);
  EXPECT_EQ(second.parent_path(), first.parent_path());
  EXPECT_NE(second, first);
  EXPECT_EQ(lines_of(first).size(), 1u);
}

TEST_F(DataCaptureTest, RecreatesAFolderRemovedSinceItsFileWasStarted) {
  const fs::path first = capture_.record(config(kCsvAndJson), invocation(), answer(), kT0);
  fs::remove_all(directory_ / "bucket");
  EXPECT_EQ(capture_.record(config(kCsvAndJson), invocation(), answer(), kT0), first);
  EXPECT_EQ(lines_of(first).size(), 1u);
}

TEST_F(DataCaptureTest, MapsTheDestinationUriToFolders) {
  const auto folder_for = [&](const char* uri) {
    Json settings = config(kCsvAndJson);
    settings["DestinationS3Uri"] = uri;
    const fs::path file = capture_.record(settings, invocation(), answer(), kT0);
    return file.parent_path().lexically_relative(directory_).generic_string();
  };
  EXPECT_EQ(folder_for("s3://bucket"), "bucket/my-endpoint/AllTraffic/2026/12/04/10");
  EXPECT_EQ(folder_for("s3://bucket/"), "bucket/my-endpoint/AllTraffic/2026/12/04/10");
  EXPECT_EQ(folder_for("s3://bucket/a/b"), "bucket/a/b/my-endpoint/AllTraffic/2026/12/04/10");
  EXPECT_EQ(folder_for("s3://bucket/a/b/"), "bucket/a/b/my-endpoint/AllTraffic/2026/12/04/10");
  EXPECT_EQ(folder_for("s3://bucket//a///b//"), "bucket/a/b/my-endpoint/AllTraffic/2026/12/04/10");
  EXPECT_EQ(folder_for("https://bucket/c"), "bucket/c/my-endpoint/AllTraffic/2026/12/04/10");
  EXPECT_EQ(folder_for("s3://bucket/..x/x.."), "bucket/..x/x../my-endpoint/AllTraffic/2026/12/04/10");
}

TEST_F(DataCaptureTest, RefusesDestinationsAndNamesThatWouldLeaveTheFolder) {
  const auto refused = [&](const char* uri, std::string endpoint = "my-endpoint", std::string variant = "v") {
    Json settings = config(kCsvAndJson);
    settings["DestinationS3Uri"] = uri;
    Invocation call = invocation();
    call.endpoint = std::move(endpoint);
    call.variant = std::move(variant);
    try {
      capture_.record(settings, call, answer(), kT0);
    } catch (const std::runtime_error& error) {
      return std::string(error.what()).starts_with("data capture: ");
    }
    return false;
  };
  EXPECT_TRUE(refused("s3://bucket/../../etc"));
  EXPECT_TRUE(refused("s3://../etc"));
  EXPECT_TRUE(refused("s3://bucket/a/.."));
  EXPECT_TRUE(refused("s3://bucket/./a"));
  EXPECT_TRUE(refused("s3://"));
  EXPECT_TRUE(refused("s3:///"));
  EXPECT_TRUE(refused("bucket/prefix"));
  EXPECT_TRUE(refused("/etc/bucket"));
  EXPECT_TRUE(refused("s3://bucket", ".."));
  EXPECT_TRUE(refused("s3://bucket", "a/../../..", "v"));
  EXPECT_TRUE(refused("s3://bucket", "my-endpoint", ".."));
  EXPECT_TRUE(refused("s3://bucket", "my-endpoint", ""));
  EXPECT_TRUE(refused("s3://bucket", std::string("a\0b", 3)));
  EXPECT_EQ(draws_, 0);  // refused before the draw: a bad destination fails every time, sampled or not
  EXPECT_TRUE(files_below(root_).empty());
  for (const auto& entry : fs::directory_iterator(root_)) EXPECT_EQ(entry.path(), directory_);
}

TEST_F(DataCaptureTest, ThrowsWhenTheFileCannotBeWritten) {
  std::ofstream(directory_ / "bucket") << "a file where the bucket's folder would be";
  EXPECT_THROW(capture_.record(config(kCsvAndJson), invocation(), answer(), kT0), std::runtime_error);
}

TEST_F(DataCaptureTest, ConcurrentCallersWriteWholeLines) {
  constexpr int kThreads = 4;
  constexpr int kCallsEach = 25;
  const Json settings = config(kCsvAndJson);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Long lines, so that writes that interleaved would show.
      const std::string body(30000, static_cast<char>('a' + t));
      for (int i = 0; i < kCallsEach; ++i)
        capture_.record(settings, invocation("text/csv", body), answer(), kT0);
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::vector<fs::path> files = files_below(directory_);
  ASSERT_EQ(files.size(), 1u);
  const std::vector<std::string> lines = lines_of(files[0]);
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kCallsEach));
  std::vector<int> per_thread(kThreads, 0);
  for (const std::string& line : lines) {
    const std::string data = Json::parse(line)["captureData"]["endpointInput"]["data"].get<std::string>();
    ASSERT_EQ(data.size(), 30000u);
    ASSERT_EQ(data.find_first_not_of(data[0]), std::string::npos);
    ++per_thread.at(data[0] - 'a');
  }
  EXPECT_EQ(per_thread, std::vector<int>(kThreads, kCallsEach));
  EXPECT_EQ(draws_, kThreads * kCallsEach);
}

TEST(CryptoBase64, EncodesRfc4648Vectors) {
  EXPECT_EQ(crypto::base64(""), "");
  EXPECT_EQ(crypto::base64("f"), "Zg==");
  EXPECT_EQ(crypto::base64("fo"), "Zm8=");
  EXPECT_EQ(crypto::base64("foo"), "Zm9v");
  EXPECT_EQ(crypto::base64("foob"), "Zm9vYg==");
  EXPECT_EQ(crypto::base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(crypto::base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(crypto::base64(std::string("\xfb\xff\x00", 3)), "+/8A");
}

TEST(CryptoBase64, EncodesInputsLongerThanOneChunk) {
  const std::string bytes((3u << 20) * 2 + 1, 'a');  // two whole chunks of OpenSSL's and one byte
  std::string expected;
  for (std::size_t i = 0; i < bytes.size() / 3; ++i) expected += "YWFh";
  expected += "YQ==";
  EXPECT_EQ(crypto::base64(bytes), expected);
}

}  // namespace
}  // namespace sagebox::runtime
