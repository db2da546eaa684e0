// CannedAnswers: the answers test authors queue for an endpoint, so that an invocation is answered without a
// container. Two queues, filled by two admin bodies:
// - sagebox's own (the admin API), one FIFO queue per endpoint, keyed by account, region and the endpoint's name
//   regardless of case (as SageMaker names are unique): each invocation of that endpoint takes the oldest answer.
// - moto's (`POST /moto-api/static/sagemaker/endpoint-results`, for suites written against moto's server mode),
//   one queue per account and region, shared by every endpoint there, with moto's memo: the first invocation of an
//   endpoint with a given request body takes the next queued answer, and every later invocation of that endpoint
//   (its name as given, case and all, as moto keys it) with that same body gets that same answer again. A new
//   endpoint and body once the queue is empty get nothing, and are not remembered: the runtime falls back to the
//   model's other backends, and an answer queued later serves them. (moto answers such a call with its static
//   placeholder and remembers that; sagebox has a real fallback to offer instead. moto's memo also tells apart
//   requests that differ in Accept or an X-Amzn-SageMaker-* header; this one knows the body only.)
// Both are emptied, moto's memo with them, by clear(), which a reset of the state calls.
//
// Thread-safe: invocations take answers from many threads while the admin API adds them.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sagebox/json.hpp"
#include "sagebox/runtime/invocation.hpp"

namespace sagebox::runtime {

struct CannedAnswer {
  ModelAnswer answer;
  std::string variant;  // the variant that says it answered; empty: the variant routing picked
};

// sagebox's admin body, checked: a JSON array of
//   {"Body": string | "BodyBase64": string (exactly one of them), "ContentType": string, "CustomAttributes": string,
//    "Variant": string, "StatusCode": integer 200..599 (default 200)}
// Throws ApiError ValidationException naming the member by its place, e.g.
//   "answers[2].StatusCode" must be an integer from 200 to 599, not 600.
std::vector<CannedAnswer> parse_answers(const Json& list);

// moto's admin body, checked: {"account_id": 12 digits (default "123456789012"), "region": a region (default
// "us-east-1"), "results": [{"Body": string (required), "ContentType": string, "InvokedProductionVariant": string,
// "CustomAttributes": string}, …] (default none)}; each result answers with status 200. Unknown members are refused
// (moto ignores them, but a mistyped member would silently change what a test gets). Throws ApiError
// ValidationException as parse_answers does ("results[0].Body" …).
struct MotoResults {
  std::string account;
  std::string region;
  std::vector<CannedAnswer> answers;
};
MotoResults parse_moto_results(const Json& body);

class CannedAnswers {
 public:
  // Queues `answers` after those already queued for the endpoint.
  void push(const std::string& account, const std::string& region, const std::string& endpoint,
            std::vector<CannedAnswer> answers);

  // The endpoint's oldest queued answer, taken off its queue; nullopt when none is queued.
  std::optional<CannedAnswer> take(const std::string& account, const std::string& region,
                                   const std::string& endpoint);

  // Queues moto's results after those already queued for the account and region.
  void push_moto(const std::string& account, const std::string& region, std::vector<CannedAnswer> answers);

  // moto's answer for an invocation of `endpoint` with request body `body`: the one remembered for them, else the
  // next queued (remembered from now on), else nullopt.
  std::optional<CannedAnswer> take_moto(const std::string& account, const std::string& region,
                                        const std::string& endpoint, const std::string& body);

  // {"answers": [{"account", "region", "endpoint", "queued": n}, … then {"account", "region", "moto": true,
  // "queued": n}, …]}: each queue that holds answers, in order of account, region and endpoint. An endpoint shows
  // the name it was first given with.
  Json list() const;

  // Drops every queued answer of both kinds and moto's memo; returns how many queued answers were dropped.
  std::size_t clear();

 private:
  struct EndpointQueue {
    std::string endpoint;  // as first given
    std::deque<CannedAnswer> answers;
  };
  struct MotoQueue {
    std::deque<CannedAnswer> answers;
    std::map<std::pair<std::string, std::string>, CannedAnswer> memo;  // (endpoint, body) → the answer it took
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, std::string>, EndpointQueue> queues_;  // (account, region, name)
  std::map<std::pair<std::string, std::string>, MotoQueue> moto_;                      // (account, region)
};

}  // namespace sagebox::runtime
