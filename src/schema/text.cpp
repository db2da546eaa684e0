#include "text.hpp"

#include <cstdint>

namespace sagebox::schema {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not a valid one.
std::size_t sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  const std::size_t left = text.size() - i;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return left >= 2 && is_continuation(byte(1)) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (left < 3 || !is_continuation(byte(1)) || !is_continuation(byte(2))) return 0;
    if (lead == 0xE0 && byte(1) < 0xA0) return 0;  // overlong
    if (lead == 0xED && byte(1) > 0x9F) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (left < 4 || !is_continuation(byte(1)) || !is_continuation(byte(2)) || !is_continuation(byte(3)))
      return 0;
    if (lead == 0xF0 && byte(1) < 0x90) return 0;  // overlong
    if (lead == 0xF4 && byte(1) > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

struct Cursor {
  std::string_view text;
  std::size_t pos = 0;

  bool done() const { return pos == text.size(); }
  bool accept(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool accept_any(std::string_view chars) {
    if (pos < text.size() && chars.find(text[pos]) != std::string_view::npos) {
      ++pos;
      return true;
    }
    return false;
  }
  // Exactly `digits` decimal digits.
  std::optional<int> number(int digits) {
    int value = 0;
    for (int k = 0; k < digits; ++k, ++pos) {
      if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') return std::nullopt;
      value = value * 10 + (text[pos] - '0');
    }
    return value;
  }
};

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil-calendar algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Seconds east of UTC, or empty when the zone is malformed. No zone at all means UTC.
std::optional<int> parse_zone(Cursor& in) {
  if (in.done() || in.accept_any("Zz")) return 0;
  const bool negative = in.text[in.pos] == '-';
  if (!in.accept_any("+-")) return std::nullopt;
  const auto hours = in.number(2);
  in.accept(':');
  const auto minutes = in.number(2);
  if (!hours || !minutes || *hours > 23 || *minutes > 59) return std::nullopt;
  const int offset = *hours * 3600 + *minutes * 60;
  return negative ? -offset : offset;
}

// The fraction of a second after the '.', any number of digits.
std::optional<double> parse_fraction(Cursor& in) {
  if (!in.accept_any(".,")) return 0.0;
  double fraction = 0;
  double scale = 0.1;
  const std::size_t start = in.pos;
  while (!in.done() && in.text[in.pos] >= '0' && in.text[in.pos] <= '9') {
    fraction += (in.text[in.pos] - '0') * scale;
    scale /= 10;
    ++in.pos;
  }
  if (in.pos == start) return std::nullopt;
  return fraction;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::size_t utf16_length(std::string_view text) {
  std::size_t units = 0;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (!is_continuation(byte)) units += byte >= 0xF0 ? 2 : 1;
  }
  return units;
}

std::optional<double> parse_iso8601(std::string_view text) {
  Cursor in{text};
  const auto year = in.number(4);
  const bool date_ok = year && in.accept('-');
  const auto month = date_ok ? in.number(2) : std::nullopt;
  const auto day = month && in.accept('-') ? in.number(2) : std::nullopt;
  if (!day || *month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month))
    return std::nullopt;
  const double midnight = static_cast<double>(days_from_civil(*year, *month, *day)) * 86400;
  if (in.done()) return midnight;

  if (!in.accept_any("Tt ")) return std::nullopt;
  const auto hour = in.number(2);
  const auto minute = hour && in.accept(':') ? in.number(2) : std::nullopt;
  const auto second = minute && in.accept(':') ? in.number(2) : std::nullopt;
  // 60 admits a leap second, which POSIX time folds into the next minute.
  if (!second || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  const auto fraction = parse_fraction(in);
  const auto zone = fraction ? parse_zone(in) : std::nullopt;
  if (!zone || !in.done()) return std::nullopt;
  return midnight + *hour * 3600 + *minute * 60 + *second + *fraction - *zone;
}

}  // namespace sagebox::schema
