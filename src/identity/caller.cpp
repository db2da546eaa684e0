#include "sagebox/identity/caller.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "sagebox/error.hpp"

namespace sagebox::identity {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool is_account_id(std::string_view key) {
  return key.size() == 12 && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The value of `name=` among the comma-separated parameters of the Authorization header, or empty.
std::string_view parameter(const std::vector<std::string_view>& parameters, std::string_view name) {
  for (std::string_view p : parameters) {
    p = trim(p);
    if (p.size() > name.size() && p.starts_with(name) && p[name.size()] == '=') return p.substr(name.size() + 1);
  }
  return {};
}

}  // namespace

Caller identify(const http::Request& request, const IdentityConfig& config) {
  if (!request.has_header("authorization")) return {config.default_account, config.default_region, ""};

  std::string_view header = trim(request.header("authorization"));
  // A header of another scheme lacks every SigV4 parameter, and is reported that way.
  std::vector<std::string_view> parameters;
  if (header.starts_with(kAlgorithm) && header.size() > kAlgorithm.size() &&
      std::isspace(static_cast<unsigned char>(header[kAlgorithm.size()]))) {
    parameters = split(header.substr(kAlgorithm.size() + 1), ',');
  }
  // Coral names every missing parameter in one message, in this order.
  std::string missing;
  for (std::string_view name : {"Credential", "Signature", "SignedHeaders"}) {
    if (parameter(parameters, name).empty()) {
      missing += "Authorization header requires '" + std::string(name) + "' parameter. ";
    }
  }
  std::string_view credential = parameter(parameters, "Credential");
  std::vector<std::string_view> scope = split(credential, '/');
  if (missing.empty() && (scope.size() != 5 || scope[0].empty() || scope[2].empty() || scope[4] != "aws4_request")) {
    missing = "Credential should be scoped to a valid region. ";
  }
  if (!missing.empty()) {
    missing.pop_back();
    throw ApiError("IncompleteSignatureException", missing);
  }
  std::string access_key(scope[0]);
  std::string account = is_account_id(access_key) ? access_key : config.default_account;
  return {account, std::string(scope[2]), access_key};
}

}  // namespace sagebox::identity
