// Identity: who is calling. Reads the SigV4 Authorization header: the credential scope's region, and the
// access key id, which names the account. Resources are partitioned by (account, region).
//
// Lenient mode (the default) accepts any signature: the account is the access key id when it is 12 digits, else
// the default account. Strict mode verifies the signature exactly as AWS does against configured key pairs, whose
// account is configured with them, and answers with AWS's authentication errors.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "sagebox/config.hpp"
#include "sagebox/http/message.hpp"

namespace sagebox::identity {

struct Caller {
  std::string account;
  std::string region;
  std::string access_key;  // empty for an unsigned request
};

struct KeyPair {
  std::string secret;
  std::string account;
};

struct IdentityConfig {
  std::string default_account;
  std::string default_region;
  AuthMode mode = AuthMode::kLenient;
  std::map<std::string, KeyPair, std::less<>> keys = {};  // by access key id; strict mode only
  // The clock signatures are checked against (tests replace it).
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

// Whether `key` names an account: exactly 12 digits.
bool is_account_id(std::string_view key);

// Whether `region` is one a request may name (letters, digits and '-'), as the credential scope is checked.
bool is_region(std::string_view region);

// Reads a credentials file: one "ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID" per line, '#' comments, blank lines.
// Throws std::runtime_error naming the file and line of anything else.
std::map<std::string, KeyPair, std::less<>> load_credentials(const std::string& path);

// Throws ApiError: IncompleteSignatureException for a malformed Authorization header (both modes); in strict mode
// also MissingAuthenticationTokenException, UnrecognizedClientException and InvalidSignatureException.
Caller identify(const http::Request& request, const IdentityConfig& config);

// The header that carries the admin token to the admin paths.
inline constexpr std::string_view kAdminTokenHeader = "x-sagebox-admin-token";

// Whether `request` may use the admin paths: always in lenient mode or without a token; in strict mode with a
// token, only when it carries that token (compared in constant time).
bool admin_allowed(const http::Request& request, const IdentityConfig& config, std::string_view admin_token);

}  // namespace sagebox::identity
