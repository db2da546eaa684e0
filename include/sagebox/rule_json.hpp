// Checks of the JSON rules test authors send to the control plane (fault rules, endpoint lifecycle rules):
// each refusal is a ValidationException (400) that names the member and shows the value it refused, so that
// the author sees at once what to change.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "sagebox/error.hpp"
#include "sagebox/json.hpp"

namespace sagebox::rule_json {

// `value` as JSON text, cut to a length a message can carry.
std::string shown(const Json& value);

// ValidationException "\"<member>\" must be <expected>, not <value>."
ApiError wrong(std::string_view member, std::string_view expected, const Json& value);

// Throws ValidationException naming the first member of `object` that is not among `known`, and listing
// those; `where` says what `object` is ("the fault rule").
void refuse_unknown_members(const Json& object, std::initializer_list<std::string_view> known,
                            std::string_view where);

// An integer member within [low, high]; a larger unsigned number is refused like any other out of range.
std::int64_t integer(const Json& value, std::string_view member, std::int64_t low, std::int64_t high,
                     std::string_view expected);

// A string member that `valid` accepts; `expected` says what it must be.
const std::string& text(const Json& value, std::string_view member, std::string_view expected,
                        bool (*valid)(const std::string&));

bool non_empty(const std::string& s);
bool any_text(const std::string& s);
bool is_account(const std::string& s);  // 12 digits
bool is_region(const std::string& s);   // letters, digits and '-'

// ASCII case-insensitive equality and prefix: SageMaker names are unique regardless of case.
bool equal_ignoring_case(std::string_view a, std::string_view b);
bool starts_with_ignoring_case(std::string_view text, std::string_view prefix);

}  // namespace sagebox::rule_json
