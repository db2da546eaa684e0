// Text helpers of the validator: UTF-8 checks, Java-compatible string lengths, ISO-8601 timestamps.
// Private to src/schema/.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace sagebox::schema {

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// The length Java's String.length() reports, in UTF-16 code units: a character outside the BMP counts 2.
// REQUIRES: is_valid_utf8(text).
std::size_t utf16_length(std::string_view text);

// Seconds since the epoch of an ISO-8601 date-time: `YYYY-MM-DD[T ]hh:mm:ss[.fraction][Z|±hh:mm|±hhmm]`
// (no zone means UTC; a bare `YYYY-MM-DD` is midnight UTC). Empty when the text is not such a date-time.
std::optional<double> parse_iso8601(std::string_view text);

}  // namespace sagebox::schema
