// Identity: who is calling. Reads the SigV4 Authorization header: the credential scope's region, and the
// access key id, which is the account when it is 12 digits. Resources are partitioned by (account, region).
#pragma once

#include <string>

#include "sagebox/http/message.hpp"

namespace sagebox::identity {

struct Caller {
  std::string account;
  std::string region;
  std::string access_key;  // empty for an unsigned request
};

struct IdentityConfig {
  std::string default_account;
  std::string default_region;
};

// REQUIRES: nothing; any request yields a Caller (unsigned ones get the defaults).
// Throws ApiError IncompleteSignatureException when an Authorization header is present but is not SigV4.
Caller identify(const http::Request& request, const IdentityConfig& config);

}  // namespace sagebox::identity
