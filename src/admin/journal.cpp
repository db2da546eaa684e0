#include "sagebox/admin/journal.hpp"

#include <algorithm>
#include <boost/algorithm/string/predicate.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string_view>
#include <utility>

#include "sagebox/error.hpp"

namespace sagebox::admin {
namespace {

using Clock = std::chrono::system_clock;

constexpr std::string_view kParameters[] = {"operation", "status", "error", "since", "limit"};
// Bodies are parsed only this deep when listed; a deeper one (which the API refused) is listed as a string.
constexpr int kMaxBodyDepth = 100;
// A refused value is shown in the message up to this many bytes.
constexpr std::size_t kShownValueLength = 40;

std::string shown(std::string_view value) {
  std::string text = Json(std::string(value.substr(0, kShownValueLength)))
                         .dump(-1, ' ', false, Json::error_handler_t::replace);
  if (value.size() > kShownValueLength) text.insert(text.size() - 1, "...");
  return text;
}

ApiError bad_value(std::string_view parameter, std::string_view expected, std::string_view value) {
  return ApiError::validation("The query parameter \"" + std::string(parameter) + "\" must be " +
                              std::string(expected) + ", not " + shown(value) + ".");
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The number `text` spells, when it is nothing but decimal digits and fits.
template <typename Number>
std::optional<Number> number(std::string_view text) {
  Number n{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (!all_digits(text) || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// Digits after a decimal point as nanoseconds; those past the ninth count for nothing.
std::optional<std::chrono::nanoseconds> fraction(std::string_view digits) {
  if (!all_digits(digits)) return std::nullopt;
  std::int64_t ns = 0;
  for (std::size_t i = 0; i < 9; ++i) ns = ns * 10 + (i < digits.size() ? digits[i] - '0' : 0);
  return std::chrono::nanoseconds(ns);
}

// `seconds` since the epoch plus `extra`, kept within what the clock can hold (with libstdc++'s nanoseconds,
// years 1678 to 2261): a time beyond is simply before or after every entry. `extra` is rounded up to the clock's
// tick (libc++ counts microseconds), so that an entry before the instant asked for is never counted after it.
Clock::time_point clamped(std::chrono::sys_seconds seconds, std::chrono::nanoseconds extra) {
  const auto first =
      std::chrono::floor<std::chrono::seconds>(Clock::time_point::min()) + std::chrono::seconds(1);
  const auto last =
      std::chrono::floor<std::chrono::seconds>(Clock::time_point::max()) - std::chrono::seconds(1);
  if (seconds <= first) return Clock::time_point::min();
  if (seconds >= last) return Clock::time_point::max();
  return std::chrono::time_point_cast<Clock::duration>(seconds) + std::chrono::ceil<Clock::duration>(extra);
}

// Epoch seconds, "1733300000" or "1733300000.5".
std::optional<Clock::time_point> epoch_seconds(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const auto seconds = whole.size() <= 12 ? number<std::int64_t>(whole) : std::nullopt;
  const auto extra =
      dot == std::string_view::npos ? std::chrono::nanoseconds(0) : fraction(text.substr(dot + 1));
  if (!seconds || !extra) return std::nullopt;
  return clamped(std::chrono::sys_seconds(std::chrono::seconds(*seconds)), *extra);
}

// "YYYY-MM-DDTHH:MM:SS", an optional fraction, then "Z" or an offset "+hh:mm" / "-hh:mm".
std::optional<Clock::time_point> iso8601(std::string_view text) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < kShape.size() + 1) return std::nullopt;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? !(text[i] >= '0' && text[i] <= '9') : text[i] != kShape[i]) return std::nullopt;
  }
  const auto field = [text](std::size_t at, std::size_t length) {
    return *number<int>(text.substr(at, length));
  };
  const std::chrono::year_month_day date{std::chrono::year(field(0, 4)), std::chrono::month(field(5, 2)),
                                         std::chrono::day(field(8, 2))};
  const int hours = field(11, 2), minutes = field(14, 2), seconds = field(17, 2);
  if (!date.ok() || hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;

  std::string_view rest = text.substr(kShape.size());
  std::chrono::nanoseconds extra{0};
  if (rest.starts_with('.')) {
    const std::size_t end = std::min(rest.find_first_not_of("0123456789", 1), rest.size());
    const auto digits = fraction(rest.substr(1, end - 1));
    if (!digits) return std::nullopt;
    extra = *digits;
    rest = rest.substr(end);
  }
  std::chrono::minutes offset{0};
  if (rest != "Z") {
    if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return std::nullopt;
    const auto offset_hours = number<int>(rest.substr(1, 2));
    const auto offset_minutes = number<int>(rest.substr(4, 2));
    if (!offset_hours || !offset_minutes || *offset_hours > 23 || *offset_minutes > 59) return std::nullopt;
    offset = std::chrono::minutes((rest[0] == '-' ? -1 : 1) * (*offset_hours * 60 + *offset_minutes));
  }
  const std::chrono::sys_seconds local = std::chrono::sys_days(date) + std::chrono::hours(hours) +
                                         std::chrono::minutes(minutes) + std::chrono::seconds(seconds);
  return clamped(local - offset, extra);
}

// A body as JSON when it parses (within kMaxBodyDepth), else as the string it is.
Json body_json(const std::string& body) {
  bool too_deep = false;
  const auto limit = [&too_deep](int depth, Json::parse_event_t, Json&) {
    too_deep = too_deep || depth > kMaxBodyDepth;
    return !too_deep;
  };
  Json parsed = Json::parse(body, limit, /*allow_exceptions=*/false);
  if (too_deep || parsed.is_discarded()) return Json(body);
  return parsed;
}

Json or_null(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json listed(const JournalEntry& entry) {
  const bool answered = entry.status != 0;
  Json response = answered ? body_json(entry.response) : Json(nullptr);
  Json error_code = nullptr;
  Json error_message = nullptr;
  if (entry.status >= 400 && response.is_object()) {
    // SageMaker's modeled exceptions carry `Message`, Coral's generic ones `message`.
    if (const auto it = response.find("__type"); it != response.end()) error_code = *it;
    if (const auto it = response.find("message"); it != response.end()) error_message = *it;
    if (const auto it = response.find("Message"); it != response.end()) error_message = *it;
  }
  if (entry.status >= 400 && !entry.error_code.empty()) error_code = entry.error_code;
  Json out = Json::object();
  out["time"] = iso8601_milliseconds(entry.time);
  out["request_id"] = or_null(entry.request_id);
  out["operation"] = or_null(entry.operation);
  out["account"] = or_null(entry.account);
  out["region"] = or_null(entry.region);
  out["request"] = body_json(entry.request);
  out["status"] = answered ? Json(entry.status) : Json(nullptr);
  out["error_code"] = std::move(error_code);
  out["error_message"] = std::move(error_message);
  out["response"] = std::move(response);
  out["duration_ms"] = std::round(entry.duration_ms * 1000) / 1000;
  out["connection"] = or_null(entry.connection);
  out["variant"] = or_null(entry.variant);
  out["shadow"] = entry.shadow;
  return out;
}

}  // namespace

std::string iso8601_milliseconds(Clock::time_point time) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(time);
  const auto days = std::chrono::floor<std::chrono::days>(ms);
  const std::chrono::year_month_day date(days);
  const std::chrono::hh_mm_ss clock(ms - days);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

JournalQuery JournalQuery::parse(const http::QueryParams& params) {
  JournalQuery query;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto& [name, value] = params[i];
    if (std::find(std::begin(kParameters), std::end(kParameters), name) == std::end(kParameters)) {
      throw ApiError::validation("Unknown query parameter " + shown(name) +
                                 "; the parameters are operation, status, error, since and limit.");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (params[j].first == name) {
        throw ApiError::validation("The query parameter \"" + name + "\" is given more than once.");
      }
    }
    if (name == "operation" || name == "error") {
      if (value.empty())
        throw bad_value(name, name == "error" ? "an error code" : "an operation name", value);
      (name == "operation" ? query.operation : query.error) = value;
    } else if (name == "status") {
      const auto status = value.size() == 3 ? number<int>(value) : std::nullopt;
      if (!status || *status < 100 || *status > 599)
        throw bad_value(name, "an HTTP status from 100 to 599", value);
      query.status = status;
    } else if (name == "since") {
      query.since = epoch_seconds(value);
      if (!query.since) query.since = iso8601(value);
      if (!query.since) {
        throw bad_value(name, "a time: ISO 8601 such as \"2026-12-04T10:15:30.123Z\", or epoch seconds",
                        value);
      }
    } else {
      query.limit = number<std::size_t>(value);
      if (!query.limit || *query.limit == 0) throw bad_value(name, "a positive integer", value);
    }
  }
  return query;
}

std::string clipped_body(const std::string& body, std::size_t limit) {
  if (body.size() <= limit) return body;
  return body.substr(0, limit) + "…(" + std::to_string(body.size()) + " bytes in all)";
}

JournalEntry JournalEntry::arriving(std::string request) {
  JournalEntry entry;
  entry.time = Clock::now();
  entry.started = std::chrono::steady_clock::now();
  entry.request = std::move(request);
  return entry;
}

RequestJournal::RequestJournal(std::size_t capacity) : capacity_(capacity) {}

void RequestJournal::record(JournalEntry entry) {
  if (capacity_ == 0) return;
  // The entry replaced is swapped into `entry` and freed after the lock, which `entry` outlives.
  std::lock_guard lock(mutex_);
  if (ring_.size() < capacity_) {
    ring_.push_back(std::move(entry));
    return;
  }
  std::swap(ring_[oldest_], entry);
  oldest_ = (oldest_ + 1) % capacity_;
}

http::Reply RequestJournal::journaled(http::Reply reply, JournalEntry entry) {
  if (reply.later && !reply.then && reply.delay.count() == 0) {
    http::Reply waited;
    waited.later = [this, entry = std::move(entry), later = std::move(reply.later)](
                       const http::Loop& loop, std::function<void(http::Reply)> done) mutable {
      later(loop, [this, entry = std::move(entry), done = std::move(done)](http::Reply next) mutable {
        done(journaled(std::move(next), std::move(entry)));
      });
    };
    return waited;
  }
  if (!reply.then && reply.delay.count() == 0) {
    record_answer(reply, std::move(entry));
    return reply;
  }
  // The answer is known only after the wait: what `then` makes of it, or else the reply as it stands.
  http::Reply waited;
  waited.delay = std::exchange(reply.delay, std::chrono::milliseconds(0));
  std::function<http::Reply()> then = std::move(reply.then);
  waited.then = [this, entry = std::move(entry), then = std::move(then), as_is = std::move(reply)]() mutable {
    return journaled(then ? then() : std::move(as_is), std::move(entry));
  };
  return waited;
}

void RequestJournal::record_answer(const http::Reply& reply, JournalEntry entry) {
  entry.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - entry.started).count();
  switch (reply.action) {
    case http::Reply::Action::kRespond:
      entry.status = reply.response.status;
      entry.response = clipped_body(reply.response.body, entry.response_limit);
      for (const auto& [name, value] : reply.response.headers) {
        if (boost::algorithm::iequals(name, "x-amzn-requestid")) entry.request_id = value;
        if (boost::algorithm::iequals(name, "x-amzn-errortype")) entry.error_code = value;
        if (boost::algorithm::iequals(name, "x-amzn-invoked-production-variant")) entry.variant = value;
      }
      break;
    case http::Reply::Action::kClose:
      entry.connection = "close";
      break;
    case http::Reply::Action::kReset:
      entry.connection = "reset";
      break;
  }
  record(std::move(entry));
}

std::vector<JournalEntry> RequestJournal::snapshot() const {
  std::vector<JournalEntry> entries;
  std::lock_guard lock(mutex_);
  entries.reserve(ring_.size());
  entries.insert(entries.end(), ring_.begin() + static_cast<std::ptrdiff_t>(oldest_), ring_.end());
  entries.insert(entries.end(), ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(oldest_));
  return entries;
}

Json RequestJournal::list(const JournalQuery& query) const {
  const std::vector<JournalEntry> entries = snapshot();
  // Newest first, so that a limit stops the walk early; reversed at the end.
  std::vector<Json> matching;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (query.limit && matching.size() == *query.limit) break;
    const JournalEntry& entry = *it;
    if (query.operation && entry.operation != *query.operation) continue;
    if (query.status && entry.status != *query.status) continue;
    if (query.since && entry.time < *query.since) continue;
    Json shaped = listed(entry);
    if (query.error && shaped["error_code"] != *query.error) continue;
    matching.push_back(std::move(shaped));
  }
  Json requests = Json::array();
  for (auto it = matching.rbegin(); it != matching.rend(); ++it) requests.push_back(std::move(*it));
  return Json{{"requests", std::move(requests)}, {"journal_size", capacity_}};
}

std::size_t RequestJournal::clear() {
  std::vector<JournalEntry> removed;  // freed after the lock
  std::lock_guard lock(mutex_);
  removed.swap(ring_);
  oldest_ = 0;
  return removed.size();
}

}  // namespace sagebox::admin
