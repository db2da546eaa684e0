#include "sagebox/rule_json.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include "sagebox/identity/caller.hpp"

namespace sagebox::rule_json {
namespace {

// A refused value is shown in the message up to this many bytes.
constexpr std::size_t kShownValueLength = 40;

}  // namespace

std::string shown(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > kShownValueLength) text = text.substr(0, kShownValueLength) + "...";
  return text;
}

ApiError wrong(std::string_view member, std::string_view expected, const Json& value) {
  return ApiError::validation("\"" + std::string(member) + "\" must be " + std::string(expected) + ", not " +
                              shown(value) + ".");
}

void refuse_unknown_members(const Json& object, std::initializer_list<std::string_view> known,
                            std::string_view where) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    std::size_t i = 0;
    for (const std::string_view member : known) {
      list += (i == 0 ? "" : i + 1 == known.size() ? " and " : ", ") + std::string(member);
      ++i;
    }
    throw ApiError::validation("Unknown member " + shown(Json(key)) + " in " + std::string(where) +
                               "; its members are " + list + ".");
  }
}

std::int64_t integer(const Json& value, std::string_view member, std::int64_t low, std::int64_t high,
                     std::string_view expected) {
  const bool fits =
      value.is_number_integer() &&
      (!value.is_number_unsigned() ||
       value.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  if (!fits || value.get<std::int64_t>() < low || value.get<std::int64_t>() > high) {
    throw wrong(member, expected, value);
  }
  return value.get<std::int64_t>();
}

const std::string& text(const Json& value, std::string_view member, std::string_view expected,
                        bool (*valid)(const std::string&)) {
  if (!value.is_string() || !valid(value.get_ref<const std::string&>())) throw wrong(member, expected, value);
  return value.get_ref<const std::string&>();
}

bool non_empty(const std::string& s) { return !s.empty(); }
bool any_text(const std::string&) { return true; }
// The identity stage's own rules: a rule names accounts and regions as callers have them.
bool is_account(const std::string& s) { return identity::is_account_id(s); }
bool is_region(const std::string& s) { return identity::is_region(s); }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equal_ignoring_case(text.substr(0, prefix.size()), prefix);
}

}  // namespace sagebox::rule_json
