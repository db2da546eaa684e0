#include "sagebox/identity/caller.hpp"

#include <gtest/gtest.h>

#include "sagebox/error.hpp"
#include "../../src/identity/sigv4.hpp"

namespace sagebox::identity {
namespace {

const IdentityConfig kDefaults{"123456789012", "us-east-1"};

http::Request signed_by(std::string authorization) {
  http::Request request;
  request.method = "POST";
  request.headers.emplace_back("authorization", std::move(authorization));
  return request;
}

std::string header(std::string_view key, std::string_view region) {
  return "AWS4-HMAC-SHA256 Credential=" + std::string(key) + "/20261125/" + std::string(region) +
         "/sagemaker/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abcdef0123";
}

std::string error_code(const http::Request& request) {
  try {
    identify(request, kDefaults);
  } catch (const ApiError& error) {
    return error.code() + ": " + error.message();
  }
  return "no error";
}

TEST(Identity, UnsignedRequestsGetTheDefaults) {
  Caller caller = identify(http::Request{}, kDefaults);
  EXPECT_EQ(caller.account, "123456789012");
  EXPECT_EQ(caller.region, "us-east-1");
  EXPECT_EQ(caller.access_key, "");
}

TEST(Identity, RegionComesFromTheCredentialScope) {
  Caller caller = identify(signed_by(header("AKIAIOSFODNN7EXAMPLE", "eu-central-1")), kDefaults);
  EXPECT_EQ(caller.region, "eu-central-1");
  EXPECT_EQ(caller.account, "123456789012");
  EXPECT_EQ(caller.access_key, "AKIAIOSFODNN7EXAMPLE");
}

TEST(Identity, TwelveDigitKeyIsTheAccount) {
  EXPECT_EQ(identify(signed_by(header("111122223333", "us-west-2")), kDefaults).account, "111122223333");
  EXPECT_EQ(identify(signed_by(header("11112222333", "us-west-2")), kDefaults).account, "123456789012");
  EXPECT_EQ(identify(signed_by(header("11112222333a", "us-west-2")), kDefaults).account, "123456789012");
}

TEST(Identity, ParametersWithoutSpacesAfterCommas) {
  http::Request request = signed_by(
      "AWS4-HMAC-SHA256 Credential=111122223333/20261125/ap-south-1/sagemaker/aws4_request,"
      "SignedHeaders=host,Signature=00");
  Caller caller = identify(request, kDefaults);
  EXPECT_EQ(caller.region, "ap-south-1");
  EXPECT_EQ(caller.account, "111122223333");
}

TEST(Identity, MalformedHeadersAreIncompleteSignatures) {
  EXPECT_EQ(error_code(signed_by("Basic dXNlcjpwYXNz")),
            "IncompleteSignatureException: Authorization header requires 'Credential' parameter. Authorization "
            "header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.");
  EXPECT_EQ(error_code(signed_by("AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/sagemaker/aws4_request")),
            "IncompleteSignatureException: Authorization header requires 'Signature' parameter. Authorization "
            "header requires 'SignedHeaders' parameter.");
  EXPECT_EQ(error_code(signed_by("AWS4-HMAC-SHA256 Credential=AKID/us-east-1, SignedHeaders=host, Signature=00")),
            "IncompleteSignatureException: Credential should be scoped to a valid region.");
  EXPECT_EQ(error_code(signed_by("")).substr(0, 28), "IncompleteSignatureException");
  EXPECT_EQ(error_code(signed_by("AWS4-HMAC-SHA256")).substr(0, 28), "IncompleteSignatureException");
}

// --- strict mode ---------------------------------------------------------------------------------------------

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::chrono::system_clock::time_point at(int hour, int minute) {
  // 2026-11-25, the date of the signatures below.
  return std::chrono::system_clock::from_time_t(1795564800 + hour * 3600 + minute * 60);
}

IdentityConfig strict_config(std::chrono::system_clock::time_point now = at(12, 0)) {
  IdentityConfig config{"123456789012", "us-east-1", AuthMode::kStrict, {{"AKIDEXAMPLE", {kSecret, "111122223333"}}}};
  config.now = [now] { return now; };
  return config;
}

std::string auth_header(std::string_view signed_headers, std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/eu-west-1/sagemaker/aws4_request, SignedHeaders=" +
         std::string(signed_headers) + ", Signature=" + std::string(signature);
}

// Exactly what botocore 1.43's SigV4Auth produced for these requests at 2026-11-25T12:00:00Z.
http::Request botocore_post() {
  http::Request request{"POST", "/", {}, R"({"ModelName":"m"})"};
  request.headers = {{"host", "localhost:8080"},
                     {"content-type", "application/x-amz-json-1.1"},
                     {"x-amz-target", "SageMaker.DescribeModel"},
                     {"x-amz-date", "20261125T120000Z"},
                     {"authorization", auth_header("content-type;host;x-amz-date;x-amz-target",
                                                   "ce388811d626cda9169aaba9f9e8bf38ddd6ccb56ee5b0f9a7c23c278e38abd7")},
                     {"content-length", "17"}};
  return request;
}

http::Request botocore_get_with_query_and_token() {
  http::Request request{"GET", "/base%20path/x?b=2&a=1&c=%20x&a=0", {}, ""};
  request.headers = {{"host", "localhost:8080"},
                     {"x-amz-date", "20261125T120000Z"},
                     {"x-amz-security-token", "session-token-1"},
                     {"authorization", auth_header("host;x-amz-date;x-amz-security-token",
                                                   "6f1674d179661e6c72467b074119428b7e352a5fa297d6d69b3664b5bb2381ec")}};
  return request;
}

http::Request botocore_unicode_post() {
  http::Request request{"POST", "/", {}, "{\"ModelName\":\"m\",\"Tags\":[{\"Key\":\"名前\",\"Value\":\"café\"}]}"};
  request.headers = {{"host", "localhost:8080"},
                     {"x-amz-target", "SageMaker.CreateModel"},
                     {"x-amz-date", "20261125T120000Z"},
                     {"authorization", auth_header("host;x-amz-date;x-amz-target",
                                                   "ed86fac3d5af2208a3c409fd7d25e0fcd01e56141f5221a0b6eba60d848fe5c5")}};
  return request;
}

std::string strict_error(const http::Request& request, const IdentityConfig& config = strict_config()) {
  try {
    identify(request, config);
  } catch (const ApiError& error) {
    return error.code() + ": " + error.message();
  }
  return "no error";
}

TEST(SigV4, AwsDocumentationExample) {
  // The worked example of AWS's "Create a signed AWS API request" documentation (IAM ListUsers).
  http::Request request{"GET", "/?Action=ListUsers&Version=2010-05-08", {}, ""};
  request.headers = {{"host", "iam.amazonaws.com"},
                     {"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"x-amz-date", "20150830T123600Z"}};
  const std::string canonical = sigv4::canonical_request(request, {"content-type", "host", "x-amz-date"});
  EXPECT_EQ(canonical,
            "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; "
            "charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sigv4::sha256_hex(canonical), "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(sigv4::signature(canonical, "20150830T123600Z", kSecret, "20150830", "us-east-1", "iam"),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(StrictIdentity, AcceptsBotocoreSignatures) {
  for (const http::Request& request : {botocore_post(), botocore_get_with_query_and_token(), botocore_unicode_post()}) {
    Caller caller = identify(request, strict_config());
    EXPECT_EQ(caller.account, "111122223333") << request.target;
    EXPECT_EQ(caller.region, "eu-west-1");
    EXPECT_EQ(caller.access_key, "AKIDEXAMPLE");
  }
  // Within the allowed skew on either side.
  EXPECT_EQ(identify(botocore_post(), strict_config(at(12, 14))).account, "111122223333");
  EXPECT_EQ(identify(botocore_post(), strict_config(at(11, 46))).account, "111122223333");
}

TEST(StrictIdentity, AnyChangeBreaksTheSignature) {
  const std::string mismatch =
      "InvalidSignatureException: The request signature we calculated does not match the signature you provided. "
      "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
  http::Request body = botocore_post();
  body.body = R"({"ModelName":"n"})";
  http::Request header = botocore_post();
  header.headers[2].second = "SageMaker.DeleteModel";
  http::Request token = botocore_get_with_query_and_token();
  token.headers[2].second = "session-token-2";
  http::Request query = botocore_get_with_query_and_token();
  query.target = "/base%20path/x?b=2&a=1&c=%20y&a=0";
  for (const auto& request : {body, header, token, query}) EXPECT_EQ(strict_error(request), mismatch);
  IdentityConfig wrong_secret = strict_config();
  wrong_secret.keys["AKIDEXAMPLE"].secret = "other";
  EXPECT_EQ(strict_error(botocore_post(), wrong_secret), mismatch);
}

TEST(StrictIdentity, ErrorsOfEachKind) {
  http::Request unsigned_request{"POST", "/", {{"host", "localhost"}}, "{}"};
  EXPECT_EQ(strict_error(unsigned_request),
            "MissingAuthenticationTokenException: Request is missing Authentication Token");

  IdentityConfig unknown = strict_config();
  unknown.keys = {{"AKIDOTHER", {kSecret, "111122223333"}}};
  EXPECT_EQ(strict_error(botocore_post(), unknown),
            "UnrecognizedClientException: The security token included in the request is invalid.");

  EXPECT_EQ(strict_error(botocore_post(), strict_config(at(12, 16))),
            "InvalidSignatureException: Signature expired: 20261125T120000Z is now earlier than 20261125T120100Z "
            "(20261125T121600Z - 15 min.)");
  EXPECT_EQ(strict_error(botocore_post(), strict_config(at(11, 44))),
            "InvalidSignatureException: Signature not yet current: 20261125T120000Z is still later than "
            "20261125T115900Z (20261125T114400Z + 15 min.)");

  http::Request no_date = botocore_post();
  no_date.headers.erase(no_date.headers.begin() + 3);
  EXPECT_EQ(strict_error(no_date),
            "IncompleteSignatureException: Authorization header requires existence of either a 'X-Amz-Date' or a "
            "'Date' header.");

  http::Request other_service = botocore_post();
  other_service.headers[4].second = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/eu-west-1/s3/aws4_request, "
                                    "SignedHeaders=host, Signature=00";
  EXPECT_EQ(strict_error(other_service),
            "InvalidSignatureException: Credential should be scoped to correct service: 'sagemaker'. ");

  http::Request malformed = botocore_post();
  malformed.headers[4].second = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/eu-west-1/sagemaker/aws4_request";
  EXPECT_EQ(strict_error(malformed).substr(0, 29), "IncompleteSignatureException:");
}

// Found by fuzz_sigv4: a year outside the clock's range overflowed while converting.
TEST(StrictIdentity, DatesFarOutsideTheClockRangeAreJustExpiredOrNotYetCurrent) {
  http::Request ancient = botocore_post();
  ancient.headers[3].second = "00261125T120000Z";
  ancient.headers[4].second = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/00261125/eu-west-1/sagemaker/aws4_request, "
                              "SignedHeaders=host, Signature=00";
  EXPECT_EQ(strict_error(ancient),
            "InvalidSignatureException: Signature expired: 00261125T120000Z is now earlier than 20261125T114500Z "
            "(20261125T120000Z - 15 min.)");
  http::Request future = botocore_post();
  future.headers[3].second = "99991231T120000Z";
  future.headers[4].second = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/99991231/eu-west-1/sagemaker/aws4_request, "
                             "SignedHeaders=host, Signature=00";
  EXPECT_EQ(strict_error(future),
            "InvalidSignatureException: Signature not yet current: 99991231T120000Z is still later than "
            "20261125T121500Z (20261125T120000Z + 15 min.)");
}

// Found by fuzz_pipeline: any bytes were taken as the region and broke the ARN and the stored document.
TEST(Identity, RegionMustLookLikeARegion) {
  for (std::string region : {std::string("us-ea\xff"), std::string("us-east-1:999999999999"), std::string("a/b")}) {
    EXPECT_EQ(error_code(signed_by("AWS4-HMAC-SHA256 Credential=AKID/20261125/" + region +
                                   "/sagemaker/aws4_request, SignedHeaders=host, Signature=00")),
              "IncompleteSignatureException: Credential should be scoped to a valid region.")
        << region;
  }
}

TEST(StrictIdentity, AdminTokenGuardsResetOnlyInStrictModeWithAToken) {
  http::Request request;
  IdentityConfig lenient{"123456789012", "us-east-1"};
  EXPECT_TRUE(admin_allowed(request, lenient, "token"));
  EXPECT_TRUE(admin_allowed(request, strict_config(), ""));
  EXPECT_FALSE(admin_allowed(request, strict_config(), "token"));
  request.headers = {{"x-sagebox-admin-token", "tokex"}};
  EXPECT_FALSE(admin_allowed(request, strict_config(), "token"));
  request.headers = {{"x-sagebox-admin-token", "token"}};
  EXPECT_TRUE(admin_allowed(request, strict_config(), "token"));
}

}  // namespace
}  // namespace sagebox::identity
