// fuzz_sigv4: identity::identify over an attacker-chosen Authorization header, in lenient mode and in strict
// mode (one key pair, the clock fixed at 2026-11-25T12:00:00Z, the date of the seed signatures).
//
// Input: newline-separated parts "authorization\nx-amz-date\ntarget\nmethod\nbody"; every part after the
// first is optional (no X-Amz-Date header, "/", "POST", empty body). The other headers are fixed: the ones
// the seeds sign.
//
// Properties: identify throws ApiError and nothing else, with the codes its header documents; lenient mode
// takes the account from a 12-digit access key id, else the default; strict mode answers only for the
// configured key, and whatever strict mode accepts, lenient mode accepts with the same region and key; the
// region a caller gets can go into an ARN (fuzz/regressions/fuzz_pipeline/region_not_utf8 made a 500 of one
// that could not).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "sagebox/error.hpp"
#include "sagebox/identity/caller.hpp"

namespace {

using namespace sagebox;
using identity::Caller;
using identity::IdentityConfig;

constexpr std::string_view kAccessKey = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kKeyAccount = "111122223333";
constexpr std::string_view kDefaultAccount = "123456789012";
constexpr std::time_t kNow = 1795564800 + 12 * 3600;  // 2026-11-25T12:00:00Z

const IdentityConfig& lenient() {
  static const IdentityConfig config{std::string(kDefaultAccount), "us-east-1"};
  return config;
}

const IdentityConfig& strict() {
  static const IdentityConfig config = [] {
    IdentityConfig c{std::string(kDefaultAccount),
                     "us-east-1",
                     AuthMode::kStrict,
                     {{std::string(kAccessKey), {std::string(kSecret), std::string(kKeyAccount)}}}};
    c.now = [] { return std::chrono::system_clock::from_time_t(kNow); };
    return c;
  }();
  return config;
}

// The next newline-terminated part of `rest` (all of it when `last`), or nullopt when `rest` is used up.
std::optional<std::string> next_part(std::string_view& rest, bool last = false) {
  if (rest.data() == nullptr) return std::nullopt;
  const std::size_t newline = last ? std::string_view::npos : rest.find('\n');
  std::string part(rest.substr(0, newline));
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return part;
}

[[noreturn]] void fail(const http::Request& request, const std::string& what) {
  std::fprintf(stderr, "fuzz_sigv4: %s\nauthorization: %.2000s\n", what.c_str(),
               std::string(request.header("authorization")).c_str());
  std::abort();
}

bool is_account_id(std::string_view key) {
  return key.size() == 12 && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Printable ASCII without the ARN's separators: what "arn:aws:sagemaker:<region>:..." and JSON can carry.
bool fits_an_arn(std::string_view region) {
  return !region.empty() && std::all_of(region.begin(), region.end(),
                                        [](char c) { return c > ' ' && c < 127 && c != ':' && c != '/'; });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  if (rest.data() == nullptr) rest = std::string_view("", 0);
  http::Request request;
  const std::string authorization = *next_part(rest);
  const std::optional<std::string> amz_date = next_part(rest);
  request.target = next_part(rest).value_or("/");
  request.method = next_part(rest).value_or("POST");
  request.body = next_part(rest, /*last=*/true).value_or("");
  request.headers = {{"host", "localhost:8080"},
                     {"content-type", "application/x-amz-json-1.1"},
                     {"x-amz-target", "SageMaker.DescribeModel"},
                     {"x-amz-security-token", "session-token-1"}};
  if (amz_date) request.headers.emplace_back("x-amz-date", *amz_date);
  request.headers.emplace_back("authorization", authorization);

  std::optional<Caller> lenient_caller;
  try {
    lenient_caller = identity::identify(request, lenient());
    const std::string_view key = lenient_caller->access_key;
    if (lenient_caller->account != (is_account_id(key) ? key : kDefaultAccount)) {
      fail(request, "lenient account");
    }
    if (!fits_an_arn(lenient_caller->region)) fail(request, "a region that cannot go into an ARN");
  } catch (const ApiError& error) {
    if (error.code() != "IncompleteSignatureException") fail(request, "lenient mode threw " + error.code());
  }

  try {
    const Caller caller = identity::identify(request, strict());
    if (caller.access_key != kAccessKey || caller.account != kKeyAccount) fail(request, "strict caller");
    if (!lenient_caller || lenient_caller->region != caller.region ||
        lenient_caller->access_key != kAccessKey) {
      fail(request, "strict mode accepts what lenient mode does not");
    }
  } catch (const ApiError& error) {
    const std::string& code = error.code();
    if (code != "IncompleteSignatureException" && code != "UnrecognizedClientException" &&
        code != "InvalidSignatureException") {
      fail(request, "strict mode threw " + code);
    }
    if (error.http_status() != 400 && error.http_status() != 403) fail(request, "strict status");
  }
  return 0;
}
