#include "sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "sagebox/crypto.hpp"
#include "sagebox/http/router.hpp"

namespace sagebox::identity::sigv4 {
namespace {

bool unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~'; }

// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX in uppercase.
std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kUpperHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kUpperHex[c >> 4];
      out += kUpperHex[c & 15];
    }
  }
  return out;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> parameters;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string key = uri_encode(http::percent_decoded(pair.substr(0, eq)), false);
    std::string value = eq == std::string_view::npos ? "" : uri_encode(http::percent_decoded(pair.substr(eq + 1)), false);
    parameters.emplace_back(std::move(key), std::move(value));
  }
  std::sort(parameters.begin(), parameters.end());
  std::string out;
  for (const auto& [key, value] : parameters) {
    if (!out.empty()) out += '&';
    out += key + "=" + value;
  }
  return out;
}

// A header's values as signed: every occurrence joined by commas, each trimmed, inner runs of spaces collapsed.
std::string canonical_header_value(const http::Request& request, std::string_view name) {
  std::string out;
  bool first = true;
  for (const auto& [header, value] : request.headers) {
    if (header != name) continue;
    if (!first) out += ',';
    first = false;
    bool in_space = false;
    std::string trimmed;
    for (char c : value) {
      if (c == ' ' || c == '\t') {
        in_space = true;
        continue;
      }
      if (in_space && !trimmed.empty()) trimmed += ' ';
      in_space = false;
      trimmed += c;
    }
    out += trimmed;
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) { return crypto::sha256_hex(data); }

std::string canonical_request(const http::Request& request, const std::vector<std::string>& signed_headers) {
  const std::string_view target = request.target;
  const std::size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  if (path.empty()) path = "/";
  const std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  std::string canonical = request.method + "\n" + uri_encode(path, true) + "\n" + canonical_query(query) + "\n";
  std::string names;
  for (const std::string& name : signed_headers) {
    canonical += name + ":" + canonical_header_value(request, name) + "\n";
    names += (names.empty() ? "" : ";") + name;
  }
  // The body's own hash, whatever X-Amz-Content-Sha256 declares: a body that does not match its declaration then
  // fails the signature, as it must (outside S3, AWS has no unsigned payloads).
  canonical += "\n" + names + "\n" + crypto::sha256_hex(request.body);
  return canonical;
}

std::string signature(const std::string& canonical, std::string_view amz_date, std::string_view secret,
                      std::string_view date, std::string_view region, std::string_view service) {
  const std::string scope =
      std::string(date) + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  const std::string to_sign =
      "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + scope + "\n" + crypto::sha256_hex(canonical);
  std::string key = crypto::hmac_sha256("AWS4" + std::string(secret), date);
  key = crypto::hmac_sha256(key, region);
  key = crypto::hmac_sha256(key, service);
  key = crypto::hmac_sha256(key, "aws4_request");
  return crypto::hex(crypto::hmac_sha256(key, to_sign));
}

}  // namespace sagebox::identity::sigv4
