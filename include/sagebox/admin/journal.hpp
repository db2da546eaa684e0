// RequestJournal: the last N SageMaker calls, for a test to see what its code sent and what it got back. The
// SageMaker front door records every call that reaches it — answered, refused, faulted or dropped — once its
// answer is known; GET /_sagebox/requests lists them.
//
// Calls arrive on many threads, so the ring is under one mutex, held only to move an entry in (what it
// replaces is freed after) or to copy the entries out. Recording is kept cheap because it sits on every
// call's path: an entry holds the bodies as raw bytes and the time as a clock value; they are parsed and
// formatted only when listed. No header is recorded, so neither credentials nor signatures ever are.
//
// An entry as listed (every member always present, null when it does not apply):
//   time           when the call arrived: ISO 8601 UTC with milliseconds, "2026-12-04T10:15:30.123Z"
//   request_id     the x-amzn-RequestId the answer carried; null when the connection was dropped instead
//   operation      what X-Amz-Target named after "SageMaker." (the whole target without that prefix); null
//                  without a target
//   account        the caller's account and region; null when the call failed before its caller was
//   identified region         (an unreadable body, a missing or unknown target, a refused signature) request
//   the body: as JSON when it parses, else as a string status         the HTTP status answered; null when the
//   connection was dropped error_code     the error answered (`__type`) and its message; null for a success
//   error_message
//   response       the body answered, as JSON; null when the connection was dropped
//   duration_ms    from arrival to the answer (or the drop), including a fault's latency, in fractional ms
//   connection     "reset" or "close" when a fault dropped the connection instead of answering; for a shadow
//                  variant's copy, "unreachable" when its container could not be reached; else null
//   variant        for an invocation (InvokeEndpoint…), the variant that answered; else null
//   shadow         true for the copy of an invocation a shadow variant was given (its answer is recorded here,
//                  never returned); else false
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sagebox/http/router.hpp"
#include "sagebox/json.hpp"

namespace sagebox::admin {

// One call as the front door saw it. Empty strings stand for the nulls of the listing above.
struct JournalEntry {
  // An entry for a call arriving now with `request` as its body.
  static JournalEntry arriving(std::string request);

  std::chrono::system_clock::time_point time;
  std::chrono::steady_clock::time_point started;  // what duration_ms is measured from
  std::string request_id;
  std::string operation;
  std::string account;
  std::string region;
  std::string request;
  int status = 0;  // 0: the connection was dropped
  std::string response;
  std::string connection;
  double duration_ms = 0;
  // Invocations only (runtime/): the variant that answered, and whether it was a shadow given a copy.
  std::string variant;
  bool shadow = false;
  // The error answered, when the body does not say it as `__type` (REST-JSON puts it in x-amzn-ErrorType).
  std::string error_code;
  // The most of the response body kept (invocations' bodies may be 6 MiB, and the journal holds many).
  std::size_t response_limit = std::string::npos;
};

// `body` cut to `limit` bytes, saying so and how long it was when it is cut.
std::string clipped_body(const std::string& body, std::size_t limit);

// Which entries GET /_sagebox/requests wants; every member unset lists them all.
struct JournalQuery {
  std::optional<std::string> operation;
  std::optional<int> status;
  std::optional<std::string> error;                            // the error code
  std::optional<std::chrono::system_clock::time_point> since;  // arrived at or after
  std::optional<std::size_t> limit;                            // the newest this many of those that match

  // From the query parameters operation, status (100..599), error, since (ISO 8601, such as
  // "2026-12-04T10:15:30Z", with an optional fraction and a "Z" or "+hh:mm"/"-hh:mm" offset; or epoch
  // seconds, fraction allowed) and limit (1..1000000). Throws ApiError ValidationException (400) naming an
  // unknown or repeated parameter or a bad value.
  static JournalQuery parse(const http::QueryParams& params);
};

class RequestJournal {
 public:
  // Keeps the `capacity` newest entries; 0 keeps none.
  explicit RequestJournal(std::size_t capacity);
  RequestJournal(const RequestJournal&) = delete;
  RequestJournal& operator=(const RequestJournal&) = delete;

  std::size_t capacity() const { return capacity_; }
  // False with capacity 0: then the front door need not build entries at all.
  bool enabled() const { return capacity_ > 0; }

  // Adds `entry` as the newest, dropping the oldest when full. Safe from any thread.
  void record(JournalEntry entry);

  // `reply`, recording `entry` with what the reply turns out to be: its status, body and x-amzn-RequestId, or
  // the connection it drops, and the time taken. At once, or, for a reply that waits (a delay, `then`, `later`),
  // once the wait is over and the answer is known (so a call still waiting when the server stops is not recorded). REQUIRES: this
  // journal outlives the reply (it may run later, on the server's thread).
  http::Reply journaled(http::Reply reply, JournalEntry entry);

  // {"requests": [entry, …], "journal_size": capacity}: the entries that match `query`, oldest first, in the
  // order they were recorded (a call's answer, not its arrival, places it: a delayed answer comes after
  // quicker calls).
  Json list(const JournalQuery& query) const;

  // Removes every entry; returns how many there were.
  std::size_t clear();

 private:
  // Records `entry` with what `reply`, which neither waits nor has a `then`, does.
  void record_answer(const http::Reply& reply, JournalEntry entry);
  // The entries, oldest first: copied out, so that parsing and shaping them for a listing holds no lock.
  std::vector<JournalEntry> snapshot() const;

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<JournalEntry> ring_;  // grows to capacity_, then each entry replaces the oldest
  std::size_t oldest_ = 0;          // where the oldest is once the ring is full
};

// A time as the journal lists it: ISO 8601 UTC with milliseconds ("2026-12-04T10:15:30.123Z").
std::string iso8601_milliseconds(std::chrono::system_clock::time_point time);

}  // namespace sagebox::admin
