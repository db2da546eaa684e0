// Signature Version 4, as AWS computes it: canonical request, string to sign, signing key. Private to identity/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sagebox/http/message.hpp"

namespace sagebox::identity::sigv4 {

// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
struct Authorization {
  std::string access_key;
  std::string date;     // yyyymmdd of the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lowercase, as listed
  std::string signature;                    // lowercase hex
};

// The canonical request of AWS's SigV4 for a request that is not S3: path segments URI-encoded (again),
// query parameters sorted and encoded, the signed headers' values trimmed with inner whitespace collapsed, and the
// SHA-256 of the body.
std::string canonical_request(const http::Request& request, const std::vector<std::string>& signed_headers);

// Hex HMAC-SHA256 signature of `canonical` with the key derived from `secret` for the scope.
std::string signature(const std::string& canonical, std::string_view amz_date, std::string_view secret,
                      std::string_view date, std::string_view region, std::string_view service);

std::string sha256_hex(std::string_view data);

}  // namespace sagebox::identity::sigv4
