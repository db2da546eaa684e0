#include "sagebox/identity/caller.hpp"

#include <gtest/gtest.h>

#include "sagebox/error.hpp"

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

}  // namespace
}  // namespace sagebox::identity
