// DataCapture: what an endpoint configuration's DataCaptureConfig asks SageMaker to record of each invocation,
// written under a local folder (--capture-dir) in the layout SageMaker uses below DestinationS3Uri, so that a
// test can read the records its monitoring code would read from S3.
//
// The layout: for DestinationS3Uri "s3://bucket/some/prefix", the records of endpoint E's variant V invoked at
// hour H (UTC) go to
//   <dir>/bucket/some/prefix/E/V/yyyy/mm/dd/hh/<file>.jsonl
// (SageMaker names its files "<mm>-<ss>-<mmm>-<uuid>.jsonl" after the time the file was started; sagebox starts one
// file per variant and hour per run and appends to it, one line per invocation, flushed before the call is
// answered.)
//
// A line (SageMaker's JSON Lines format):
//   {"captureData": {"endpointInput": {"observedContentType": "...", "mode": "INPUT", "data": "...",
//                                      "encoding": "CSV"|"JSON"|"BASE64"},
//                    "endpointOutput": {… "mode": "OUTPUT" …}},
//    "eventMetadata": {"eventId": "<uuid>", "inferenceId": "<X-Amzn-SageMaker-Inference-Id, when sent>",
//                      "inferenceTime": "2026-12-04T10:15:30Z"},
//    "eventVersion": "0"}
// What is captured follows the configuration: EnableCapture (default true), InitialSamplingPercentage (each
// invocation is captured with that chance, drawn from the generator given), CaptureOptions (Input and/or Output:
// a mode not listed is left out of captureData), and CaptureContentTypeHeader (a content type listed under
// CsvContentTypes is written as text with encoding "CSV", under JsonContentTypes as text with encoding "JSON";
// any other is written base64 with encoding "BASE64").
//
// The details, where SageMaker's documentation leaves a choice:
// - DestinationS3Uri "s3://" or "https://" (the schemes its pattern allows): the rest is split at '/'; empty
//   segments ("a//b", a trailing '/') are skipped. A segment "." or ".." is refused (std::runtime_error), as is
//   an endpoint or variant name that is empty, "." or ".." or holds a '/': S3 would keep them as names, a folder
//   would lead out of `directory`, and nothing is ever written outside it. So is a DestinationS3Uri that is
//   missing, has another scheme or names no bucket. These are refused before the sampling draw.
// - A content type matches a listed one when it is equal to it, or when its media type (what comes before any ';',
//   spaces trimmed) is equal to it ignoring case: "text/csv; charset=utf-8" matches CsvContentTypes ["text/csv"].
//   A type in both lists is CSV. With no CaptureContentTypeHeader everything is BASE64, as in SageMaker.
// - Data that is not valid UTF-8 is BASE64 whatever its type: a JSON line cannot hold it as text.
// - observedContentType is the header as received (empty when none was sent); the input's is the invocation's
//   Content-Type, the output's the model's.
// - The sampling draw is taken once per invocation whose configuration captures something (enabled, and at least
//   one mode); it is captured when draw * 100 < InitialSamplingPercentage, so 0 never and 100 always.
// - The time given is the invocation's: inferenceTime (UTC, to the second), the hour folder and a new file's name
//   all come from it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "sagebox/json.hpp"
#include "sagebox/runtime/invocation.hpp"

namespace sagebox::runtime {

class DataCapture {
 public:
  // `random` returns a uniform draw in [0, 1) for the sampling; it is called under this object's lock.
  DataCapture(std::filesystem::path directory, std::function<double()> random);

  // Records `invocation` and `answer` when `config` (an endpoint configuration's DataCaptureConfig as
  // DescribeEndpointConfig answers it; null when it has none) asks for it and the sampling draw says so. Returns
  // the file written to, or an empty path when nothing was captured. Safe from any thread. Throws
  // std::runtime_error when the file cannot be written or its path would leave `directory` (see above).
  std::filesystem::path record(const Json& config, const Invocation& invocation, const ModelAnswer& answer,
                               std::chrono::system_clock::time_point time);

 private:
  std::filesystem::path directory_;
  std::function<double()> random_;
  std::mutex mutex_;
  std::map<std::filesystem::path, std::filesystem::path> files_;  // hour folder → the file this run appends to
};

}  // namespace sagebox::runtime
