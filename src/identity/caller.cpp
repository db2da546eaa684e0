#include "sagebox/identity/caller.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "sagebox/crypto.hpp"
#include "sagebox/error.hpp"
#include "sigv4.hpp"

namespace sagebox::identity {

bool is_account_id(std::string_view key) {
  return key.size() == 12 && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The region becomes part of ARNs and stored documents, so it must be a region's name ("eu-west-1"), not any
// bytes (a ':' would shift an ARN's fields, a byte that is not UTF-8 would make the stored JSON unwritable).
bool is_region(std::string_view region) {
  return !region.empty() && std::all_of(region.begin(), region.end(),
                                        [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kService = "sagemaker";
constexpr auto kAllowedSkew = std::chrono::minutes(15);

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

// The value of `name=` among the comma-separated parameters of the Authorization header, or empty.
std::string_view parameter(const std::vector<std::string_view>& parameters, std::string_view name) {
  for (std::string_view p : parameters) {
    p = trim(p);
    if (p.size() > name.size() && p.starts_with(name) && p[name.size()] == '=') return p.substr(name.size() + 1);
  }
  return {};
}

ApiError incomplete(std::string message) { return {"IncompleteSignatureException", std::move(message)}; }
ApiError invalid_signature(std::string message) { return {"InvalidSignatureException", std::move(message)}; }

// Reads the header; a header that is not SigV4 lacks every parameter and is reported that way, as Coral does.
sigv4::Authorization parse_authorization(std::string_view header) {
  header = trim(header);
  std::vector<std::string_view> parameters;
  if (header.starts_with(kAlgorithm) && header.size() > kAlgorithm.size() &&
      std::isspace(static_cast<unsigned char>(header[kAlgorithm.size()]))) {
    parameters = split(header.substr(kAlgorithm.size() + 1), ',');
  }
  std::string missing;
  for (std::string_view name : {"Credential", "Signature", "SignedHeaders"}) {
    if (parameter(parameters, name).empty()) {
      missing += "Authorization header requires '" + std::string(name) + "' parameter. ";
    }
  }
  const std::vector<std::string_view> scope = split(parameter(parameters, "Credential"), '/');
  if (missing.empty() &&
      (scope.size() != 5 || scope[0].empty() || !is_region(scope[2]) || scope[4] != "aws4_request")) {
    missing = "Credential should be scoped to a valid region. ";
  }
  if (!missing.empty()) {
    missing.pop_back();
    throw incomplete(missing);
  }
  sigv4::Authorization parsed{std::string(scope[0]), std::string(scope[1]), std::string(scope[2]),
                              std::string(scope[3]), {}, std::string(parameter(parameters, "Signature"))};
  for (std::string_view name : split(parameter(parameters, "SignedHeaders"), ';')) {
    std::string lowered(name);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    parsed.signed_headers.push_back(std::move(lowered));
  }
  std::sort(parsed.signed_headers.begin(), parsed.signed_headers.end());
  return parsed;
}

// yyyymmddThhmmssZ, as SigV4 writes times.
std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  std::tm tm{};
  std::istringstream in{std::string(text)};
  in >> std::get_time(&tm, "%Y%m%dT%H%M%SZ");
  if (in.fail()) return std::nullopt;
  // system_clock counts in 64 bits (libstdc++ nanoseconds, where years before 1678 or after 2261 do not fit, and
  // from_time_t would overflow). Such a date is simply far past or far future, which the skew check then reports
  // as AWS does.
  using Clock = std::chrono::system_clock;
  constexpr std::time_t kFirst =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::min()).count() + 1;
  constexpr std::time_t kLast =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::max()).count() - 1;
  return Clock::from_time_t(std::clamp<std::time_t>(timegm(&tm), kFirst, kLast));
}

std::string format_amz_date(std::chrono::system_clock::time_point time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

// The checks AWS makes, in its order: a date, the scope's service and date, the clock skew, the key, the signature.
Caller verify(const http::Request& request, const IdentityConfig& config, const sigv4::Authorization& auth) {
  const std::string amz_date(request.header("x-amz-date"));
  if (amz_date.empty()) {
    throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const auto signed_at = parse_amz_date(amz_date);
  if (!signed_at) {
    throw incomplete("Date must be in ISO-8601 'basic format'. Got '" + amz_date +
                     "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  if (auth.service != kService) {
    throw invalid_signature("Credential should be scoped to correct service: '" + std::string(kService) + "'. ");
  }
  if (auth.date != amz_date.substr(0, 8)) {
    throw invalid_signature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
                            "HTTP: '" + auth.date + "' != '" + amz_date.substr(0, 8) + "', from '" + amz_date + "'.");
  }
  const auto now = config.now();
  if (*signed_at < now - kAllowedSkew) {
    throw invalid_signature("Signature expired: " + amz_date + " is now earlier than " +
                            format_amz_date(now - kAllowedSkew) + " (" + format_amz_date(now) + " - 15 min.)");
  }
  if (*signed_at > now + kAllowedSkew) {
    throw invalid_signature("Signature not yet current: " + amz_date + " is still later than " +
                            format_amz_date(now + kAllowedSkew) + " (" + format_amz_date(now) + " + 15 min.)");
  }
  const auto key = config.keys.find(auth.access_key);
  if (key == config.keys.end()) {
    throw ApiError("UnrecognizedClientException", "The security token included in the request is invalid.");
  }
  const std::string expected =
      sigv4::signature(sigv4::canonical_request(request, auth.signed_headers), amz_date, key->second.secret,
                       auth.date, auth.region, auth.service);
  if (!crypto::equal_in_constant_time(expected, auth.signature)) {
    throw invalid_signature(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
        "Access Key and signing method. Consult the service documentation for details.");
  }
  return {key->second.account, auth.region, auth.access_key};
}

}  // namespace

std::map<std::string, KeyPair, std::less<>> load_credentials(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read credentials file " + path);
  std::map<std::string, KeyPair, std::less<>> keys;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::size_t hash = line.find('#');
    std::istringstream fields(line.substr(0, hash));
    std::string key, secret, account, extra;
    if (!(fields >> key)) continue;  // blank or comment
    if (!(fields >> secret >> account) || (fields >> extra) || !is_account_id(account)) {
      throw std::runtime_error(path + ":" + std::to_string(number) +
                               ": expected 'ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID' with a 12-digit account");
    }
    keys[key] = {secret, account};
  }
  if (keys.empty()) throw std::runtime_error("credentials file " + path + " holds no keys");
  return keys;
}

bool admin_allowed(const http::Request& request, const IdentityConfig& config, std::string_view admin_token) {
  if (config.mode != AuthMode::kStrict || admin_token.empty()) return true;
  const std::string_view given = request.header(kAdminTokenHeader);
  return crypto::equal_in_constant_time(given, admin_token);
}

Caller identify(const http::Request& request, const IdentityConfig& config) {
  const bool strict = config.mode == AuthMode::kStrict;
  if (!request.has_header("authorization")) {
    if (strict) throw ApiError("MissingAuthenticationTokenException", "Request is missing Authentication Token");
    return {config.default_account, config.default_region, ""};
  }
  const sigv4::Authorization auth = parse_authorization(request.header("authorization"));
  if (strict) return verify(request, config, auth);
  return {is_account_id(auth.access_key) ? auth.access_key : config.default_account, auth.region, auth.access_key};
}

}  // namespace sagebox::identity
