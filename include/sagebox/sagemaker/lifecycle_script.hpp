// LifecycleScript: how an endpoint's next transitions go, as a test asks — a create that ends Failed, an
// update that rolls back, a delete that fails, or a status held until the test releases it. The endpoint
// operations consult it; the admin API adds, lists and deletes rules and asks the service for releases.
//
// A rule (JSON, as POST /_sagebox/lifecycle takes it; members other than these are refused):
//   resource     required: "endpoint"
//   name         the endpoint's name, compared case-insensitively     } exactly one of the two
//   name_prefix  the beginning of its name, compared the same way     }
//   account      optional: the caller's account (12 digits)
//   region       optional: the caller's region
//   on           required: "create" | "update" | "delete" (UpdateEndpointWeightsAndCapacities is an update)
//   outcome      required: "fail" | "hold"
//   reason       the FailureReason, 1 to 1024 characters: required with "fail", refused with "hold"
//   times        optional, at least 1, default 1: how many transitions the rule scripts
//
// Rules are kept in memory, in the order added; a transition takes the first rule that matches it and has
// firings left. A firing is counted only when the operation succeeds: the operation claims it first (a claim
// in flight counts against `times`, so two calls at once cannot both take a rule's last firing) and commits
// it once done; a call that is refused gives it back. With no rule at all, claim() is one atomic load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sagebox/json.hpp"
#include "sagebox/rule_book.hpp"

namespace sagebox::sagemaker {

enum class Transition { kCreate, kUpdate, kDelete };

// Which endpoints a rule or a release is about: every part that is set must match.
struct EndpointSelector {
  std::optional<std::string> name;         // the whole name, case-insensitively
  std::optional<std::string> name_prefix;  // its beginning, case-insensitively
  std::optional<std::string> account;
  std::optional<std::string> region;

  bool matches(std::string_view account, std::string_view region, std::string_view name) const;
};

// The selector of a release (POST /_sagebox/lifecycle/release): an object with the optional members name or
// name_prefix (not both), account and region; {} selects every endpoint. Throws ApiError ValidationException
// (400) saying what is wrong.
EndpointSelector release_selector(const Json& body);

// What a rule does to the transition it scripts.
struct ScriptedOutcome {
  bool hold = false;           // the status lasts until released
  std::string failure_reason;  // non-empty: the transition fails with this FailureReason
};

class LifecycleScript {
 public:
  // A rule's firing taken by an operation in progress: commit() counts it; destroyed uncommitted, it is given
  // back. REQUIRES: the script outlives it.
  class Claim {
   public:
    Claim(Claim&& other) noexcept;
    Claim& operator=(Claim&&) = delete;
    Claim(const Claim&) = delete;
    ~Claim();

    const ScriptedOutcome& outcome() const { return outcome_; }
    void commit();

   private:
    friend class LifecycleScript;
    Claim(LifecycleScript* script, std::string rule, ScriptedOutcome outcome)
        : script_(script), rule_(std::move(rule)), outcome_(std::move(outcome)) {}

    LifecycleScript* script_;  // nullptr once committed or moved from
    std::string rule_;         // its id
    ScriptedOutcome outcome_;
  };

  LifecycleScript() = default;
  LifecycleScript(const LifecycleScript&) = delete;
  LifecycleScript& operator=(const LifecycleScript&) = delete;

  // Checks `rule` and adds it after the others. Returns it as stored: with its id ("lifecycle-1", … never
  // reused), every member it has or defaults to (times), and fired: 0. Throws ApiError ValidationException
  // (400) saying what is wrong.
  Json add(const Json& rule);

  // {"rules": [each rule as add() returned it, with fired: how many transitions it has scripted]}.
  Json list() const;

  // Removes every rule; returns how many there were.
  std::size_t clear();

  // Removes rule `id` and returns it as it was last listed; nothing when there is no such rule.
  std::optional<Json> remove(std::string_view id);

  // The first rule that matches `transition` of endpoint `name` called in `account` and `region` and has
  // firings left, with one of them claimed; nothing when none does.
  std::optional<Claim> claim(Transition transition, std::string_view account, std::string_view region,
                             std::string_view name);

 private:
  struct Rule {
    std::string id;
    EndpointSelector selector;
    Transition on;
    ScriptedOutcome outcome;
    std::int64_t times = 1;
    std::int64_t fired = 0;
    std::int64_t claimed = 0;  // taken by operations still running
    Json stored;               // as add() returned it, without `fired`
  };

  static Rule parse(const Json& rule);
  // Counts (`commit`) or gives back a claim on rule `id`; nothing when the rule was removed meanwhile.
  void settle_claim(const std::string& id, bool commit);

  RuleBook<Rule> rules_{"lifecycle", "rules"};
};

}  // namespace sagebox::sagemaker
