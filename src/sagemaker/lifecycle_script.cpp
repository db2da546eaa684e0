#include "sagebox/sagemaker/lifecycle_script.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "sagebox/error.hpp"
#include "sagebox/rule_json.hpp"

namespace sagebox::sagemaker {
namespace {

using rule_json::shown;
using rule_json::text;
using rule_json::wrong;

// FailureReason's length limit in SageMaker's model.
constexpr std::size_t kMaxReasonLength = 1024;

bool is_reason(const std::string& s) { return !s.empty() && s.size() <= kMaxReasonLength; }

// The member `member` of `object` when it has one.
const Json* member_of(const Json& object, std::string_view member) {
  const auto it = object.find(member);
  return it == object.end() ? nullptr : &*it;
}

// Reads the selector's members of `object` into `selector` and `stored`: name or name_prefix (both refused;
// neither is refused when `name_required`), then account and region.
EndpointSelector selector_of(const Json& object, bool name_required, Json& stored) {
  EndpointSelector selector;
  const Json* name = member_of(object, "name");
  const Json* prefix = member_of(object, "name_prefix");
  if (name && prefix) throw ApiError::validation("Give \"name\" or \"name_prefix\", not both.");
  if (name_required && !name && !prefix) {
    throw ApiError::validation(
        "A lifecycle rule needs \"name\" (the endpoint's name) or \"name_prefix\" (the beginning of it).");
  }
  if (name)
    stored["name"] = *(selector.name = text(*name, "name", "a non-empty string", rule_json::non_empty));
  if (prefix) {
    stored["name_prefix"] =
        *(selector.name_prefix = text(*prefix, "name_prefix", "a non-empty string", rule_json::non_empty));
  }
  if (const Json* account = member_of(object, "account")) {
    stored["account"] =
        *(selector.account = text(*account, "account", "a 12-digit account id", rule_json::is_account));
  }
  if (const Json* region = member_of(object, "region")) {
    stored["region"] = *(selector.region = text(*region, "region", "a region name such as \"us-east-1\"",
                                                rule_json::is_region));
  }
  return selector;
}

Transition transition_of(const Json& on) {
  if (on == "create") return Transition::kCreate;
  if (on == "update") return Transition::kUpdate;
  if (on == "delete") return Transition::kDelete;
  throw wrong("on", "\"create\", \"update\" or \"delete\"", on);
}

}  // namespace

bool EndpointSelector::matches(std::string_view caller_account, std::string_view caller_region,
                               std::string_view endpoint) const {
  return (!account || *account == caller_account) && (!region || *region == caller_region) &&
         (!name || rule_json::equal_ignoring_case(endpoint, *name)) &&
         (!name_prefix || rule_json::starts_with_ignoring_case(endpoint, *name_prefix));
}

EndpointSelector release_selector(const Json& body) {
  if (!body.is_object())
    throw ApiError::validation("A release must be a JSON object, not " + shown(body) + ".");
  rule_json::refuse_unknown_members(body, {"name", "name_prefix", "account", "region"}, "the release");
  Json ignored;
  return selector_of(body, /*name_required=*/false, ignored);
}

// --- claims
// -------------------------------------------------------------------------------------------------

LifecycleScript::Claim::Claim(Claim&& other) noexcept
    : script_(std::exchange(other.script_, nullptr)),
      rule_(std::move(other.rule_)),
      outcome_(std::move(other.outcome_)) {}

LifecycleScript::Claim::~Claim() {
  if (script_) script_->settle_claim(rule_, /*commit=*/false);
}

void LifecycleScript::Claim::commit() {
  if (script_) std::exchange(script_, nullptr)->settle_claim(rule_, /*commit=*/true);
}

void LifecycleScript::settle_claim(const std::string& id, bool commit) {
  rules_.with_rules([&](std::vector<Rule>& rules) {
    const auto it =
        std::find_if(rules.begin(), rules.end(), [&id](const Rule& rule) { return rule.id == id; });
    if (it == rules.end()) return;
    --it->claimed;
    if (commit) ++it->fired;
  });
}

// --- rules
// --------------------------------------------------------------------------------------------------

LifecycleScript::Rule LifecycleScript::parse(const Json& rule) {
  if (!rule.is_object())
    throw ApiError::validation("A lifecycle rule must be a JSON object, not " + shown(rule) + ".");
  rule_json::refuse_unknown_members(
      rule, {"resource", "name", "name_prefix", "account", "region", "on", "outcome", "reason", "times"},
      "the lifecycle rule");
  Rule parsed{};
  Json& stored = parsed.stored;
  stored["id"] = nullptr;  // first in the listing; set by add()

  const Json* resource = member_of(rule, "resource");
  if (!resource) throw ApiError::validation("A lifecycle rule needs \"resource\": \"endpoint\".");
  if (*resource != "endpoint") throw wrong("resource", "\"endpoint\"", *resource);
  stored["resource"] = "endpoint";
  parsed.selector = selector_of(rule, /*name_required=*/true, stored);

  const Json* on = member_of(rule, "on");
  if (!on) throw ApiError::validation("A lifecycle rule needs \"on\": \"create\", \"update\" or \"delete\".");
  parsed.on = transition_of(*on);
  stored["on"] = *on;

  const Json* outcome = member_of(rule, "outcome");
  if (!outcome) throw ApiError::validation("A lifecycle rule needs \"outcome\": \"fail\" or \"hold\".");
  if (*outcome != "fail" && *outcome != "hold") throw wrong("outcome", "\"fail\" or \"hold\"", *outcome);
  stored["outcome"] = *outcome;
  const Json* reason = member_of(rule, "reason");
  if (*outcome == "hold") {
    if (reason) {
      throw ApiError::validation(
          "A held transition does not fail: \"reason\" goes with \"outcome\": \"fail\" only.");
    }
    parsed.outcome.hold = true;
  } else {
    if (!reason)
      throw ApiError::validation("\"outcome\": \"fail\" needs \"reason\": the endpoint's FailureReason.");
    stored["reason"] = parsed.outcome.failure_reason =
        text(*reason, "reason", "a string of 1 to 1024 characters", is_reason);
  }

  if (const Json* times = member_of(rule, "times")) {
    parsed.times = rule_json::integer(*times, "times", 1, std::numeric_limits<std::int64_t>::max(),
                                      "an integer of at least 1");
  }
  stored["times"] = parsed.times;
  return parsed;
}

Json LifecycleScript::add(const Json& rule) { return rules_.add(parse(rule)); }

Json LifecycleScript::list() const { return rules_.list(); }

std::size_t LifecycleScript::clear() { return rules_.clear(); }

std::optional<Json> LifecycleScript::remove(std::string_view id) { return rules_.remove(id); }

std::optional<LifecycleScript::Claim> LifecycleScript::claim(Transition transition, std::string_view account,
                                                             std::string_view region, std::string_view name) {
  if (!rules_.any()) return std::nullopt;
  return rules_.with_rules([&](std::vector<Rule>& rules) -> std::optional<Claim> {
    for (Rule& rule : rules) {
      if (rule.on != transition || rule.fired + rule.claimed >= rule.times) continue;
      if (!rule.selector.matches(account, region, name)) continue;
      ++rule.claimed;
      return Claim(this, rule.id, rule.outcome);
    }
    return std::nullopt;
  });
}

}  // namespace sagebox::sagemaker
