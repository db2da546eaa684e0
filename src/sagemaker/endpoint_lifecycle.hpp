// An endpoint's lifecycle as data: what it is doing (Creating, Updating, Deleting), from when until when, and
// what it is afterwards. Its status is derived from the clock whenever it is read: there is no timer and no
// thread, and a restart changes nothing. A scripted outcome (lifecycle_script.hpp) is data of the phase too: a
// failure reason, or an end that never comes until a release sets one.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "sagebox/json.hpp"
#include "sagebox/store/resource_store.hpp"

namespace sagebox::sagemaker {

// The end of a held phase: later than any clock reads, so the phase's status lasts until a release.
inline constexpr std::int64_t kHeldUntilReleased = std::numeric_limits<std::int64_t>::max();

struct Phase {
  std::string status;        // while start_ms <= now < end_ms: "Creating", "Updating", "Deleting"
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;   // start_ms + the transition delay, or kHeldUntilReleased
  std::string then;          // from end_ms on: "InService", "Failed"; empty: gone (the end of a delete)
  // Non-empty: the phase fails. From end_ms on this is the endpoint's FailureReason, and what the phase was
  // bringing in (its Pending deployment) never serves: a create ends Failed with nothing deployed, an update
  // rolls back to what served before.
  std::string failure_reason{};

  bool held() const { return end_ms == kHeldUntilReleased; }
};

struct StatusAt {
  std::string status;            // empty when gone
  std::int64_t last_modified_ms; // the last status change at or before `now`
  bool settled;                  // the phase is over
  bool gone() const { return status.empty(); }
};

// REQUIRES: phase.start_ms <= phase.end_ms.
StatusAt status_at(const Phase& phase, std::int64_t now_ms);

// The phase as the store's columns, which listings filter and sort on.
store::Lifecycle lifecycle_columns(const Phase& phase);

Json phase_to_json(const Phase& phase);
Phase phase_from_json(const Json& json);

// Statuses during which no Update, UpdateWeights or Delete is accepted.
bool in_progress(std::string_view status);

// Throws ValidationException "Cannot update in-progress endpoint "<arn>"." while in progress and "Cannot update
// failed endpoint "<arn>"." when Failed (unless `failed_allowed`: DeleteEndpoint may remove a failed endpoint).
void require_changeable(std::string_view status, std::string_view arn, bool failed_allowed);

}  // namespace sagebox::sagemaker
