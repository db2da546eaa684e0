#include "listing.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "sagebox/crypto.hpp"
#include "sagebox/error.hpp"

namespace sagebox::sagemaker {
namespace {

constexpr std::size_t kDefaultMaxResults = 10;
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::char_traits<char>::find(kBase64Url, 64, c);
    if (!at) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(at - kBase64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

ApiError invalid_token() { return ApiError::validation("Invalid pagination token"); }

// Appends `text` as a JSON string, escaped as nlohmann::json prints strings (UTF-8 passed through).
void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// `"name":` for a member name.
void append_member(std::string& out, std::string_view name) {
  append_json_string(out, name);
  out += ':';
}

// Epoch seconds (as validated: a number) to the millisecond the store keeps.
// Clamped so a far-future or far-past bound stays a bound instead of overflowing.
std::int64_t to_ms(const Json& seconds) {
  constexpr double kLimit = 9.0e15;
  return std::llround(std::clamp(seconds.get<double>() * 1000.0, -kLimit, kLimit));
}

}  // namespace

std::string encode_page_token(const std::string& secret, const TokenBinding& binding, const store::Cursor& cursor) {
  Json payload = {{"a", binding.account}, {"r", binding.region},       {"t", binding.type},
                  {"s", binding.sort},    {"c", cursor.creation_ms},   {"n", cursor.name_key}};
  // Only in the status order: tokens of the other orders stay as earlier versions issued them.
  if (!cursor.status.empty()) payload["st"] = cursor.status;
  const std::string text = payload.dump();
  return base64url_encode(text) + "." + base64url_encode(crypto::hmac_sha256(secret, text));
}

std::optional<store::Cursor> decode_page_token(const std::string& secret, const TokenBinding& binding,
                                               std::string_view token) {
  const std::size_t dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto text = base64url_decode(token.substr(0, dot));
  auto signature = base64url_decode(token.substr(dot + 1));
  if (!text || !signature) return std::nullopt;
  const std::string expected = crypto::hmac_sha256(secret, *text);
  if (!crypto::equal_in_constant_time(*signature, expected)) {
    return std::nullopt;
  }
  Json payload = Json::parse(*text, nullptr, false);
  try {
    if (payload.at("a") != binding.account || payload.at("r") != binding.region || payload.at("t") != binding.type ||
        payload.at("s") != binding.sort) {
      return std::nullopt;
    }
    // The time as encode_page_token writes it, an integer: a float's conversion is UB when out of range.
    if (!payload.at("c").is_number_integer()) return std::nullopt;
    return store::Cursor{payload.at("c").get<std::int64_t>(), payload.at("n").get<std::string>(),
                         payload.value("st", "")};
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

SerializedJson list_resources(const Context& context, const identity::Caller& caller, const ResourceKind& kind,
                              const Json& input) {
  const std::string sort_by = input.value("SortBy", "CreationTime");
  const std::string sort_order = input.value("SortOrder", "Descending");
  const TokenBinding binding{caller.account, caller.region, std::string(kind.type), sort_by + ":" + sort_order};

  store::PageQuery query;
  query.sort = sort_by == "Name"     ? store::SortKey::kName
               : sort_by == "Status" ? store::SortKey::kStatus
                                     : store::SortKey::kCreationTime;
  query.descending = sort_order == "Descending";
  const std::size_t max_results = input.value("MaxResults", kDefaultMaxResults);
  // One row more than the page tells whether another page follows.
  query.limit = max_results + 1;
  if (input.contains("CreationTimeAfter")) query.created_at_or_after_ms = to_ms(input["CreationTimeAfter"]);
  if (input.contains("CreationTimeBefore")) query.created_before_ms = to_ms(input["CreationTimeBefore"]);
  if (kind.lifecycle) {
    query.lifecycle = true;
    if (input.contains("StatusEquals")) query.status_equals = input["StatusEquals"].get<std::string>();
    if (input.contains("LastModifiedTimeAfter")) query.modified_at_or_after_ms = to_ms(input["LastModifiedTimeAfter"]);
    if (input.contains("LastModifiedTimeBefore")) query.modified_before_ms = to_ms(input["LastModifiedTimeBefore"]);
  }
  if (input.contains("NextToken")) {
    query.after = decode_page_token(context.token_secret, binding, input["NextToken"].get<std::string>());
    if (!query.after) throw invalid_token();
  }

  std::vector<store::PageRow> rows = context.resources.page(scope_of(caller), kind.type, query);
  const bool more = rows.size() > max_results;
  if (more) rows.resize(max_results);

  // NameContains filters the page MaxResults already cut, as SageMaker does.
  const std::string contains = store::lowercase(input.value("NameContains", ""));
  SerializedJson output;
  std::string& out = output.text;
  out.reserve(64 + rows.size() * 200);
  out += '{';
  append_member(out, kind.summary_list);
  out += '[';
  bool first = true;
  for (const store::PageRow& row : rows) {
    if (!contains.empty() && row.name_key.find(contains) == std::string::npos) continue;
    if (!first) out += ',';
    first = false;
    out += '{';
    append_member(out, kind.name_member);
    append_json_string(out, row.name);
    out += ',';
    append_member(out, kind.arn_member);
    append_json_string(out, resource_arn(caller, kind.type, row.name));
    out += ',';
    append_member(out, "CreationTime");
    // The same printing of the number as every stored document's CreationTime.
    out += epoch_seconds(row.creation_ms).dump();
    if (kind.lifecycle) {
      out += ',';
      append_member(out, "LastModifiedTime");
      out += epoch_seconds(row.last_modified_ms).dump();
      out += ',';
      append_member(out, "EndpointStatus");
      append_json_string(out, row.status);
    }
    out += '}';
  }
  out += ']';
  if (more) {
    const store::PageRow& last = rows.back();
    out += ',';
    append_member(out, "NextToken");
    append_json_string(out, encode_page_token(context.token_secret, binding,
                                              {last.creation_ms, last.name_key,
                                               query.sort == store::SortKey::kStatus ? last.status : ""}));
  }
  out += '}';
  return output;
}

}  // namespace sagebox::sagemaker
