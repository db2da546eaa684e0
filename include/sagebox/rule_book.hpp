// RuleBook: the rules a test adds to the control plane (fault rules, endpoint lifecycle rules), kept in
// memory in the order added. Each gets an id "<prefix>-<n>", n counting from 1 and never reused, and is
// listed as it was stored plus `fired`. Calls on many threads consult the rules: with none, any() is one
// atomic load; otherwise they are under one mutex, which also makes counts of firings exact.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sagebox/json.hpp"

namespace sagebox {

// Rule: a struct with `std::string id`, `Json stored` (the rule as listed, without `fired`; its first member
// "id", filled in by add()) and `std::int64_t fired`.
template <typename Rule>
class RuleBook {
 public:
  // `prefix` begins each id ("fault"); `list_member` names the list in list()'s answer ("faults").
  RuleBook(std::string prefix, std::string list_member)
      : prefix_(std::move(prefix)), list_member_(std::move(list_member)) {}
  RuleBook(const RuleBook&) = delete;
  RuleBook& operator=(const RuleBook&) = delete;

  // Gives `rule` its id and adds it after the others; returns it as listed.
  Json add(Rule rule) {
    std::lock_guard lock(mutex_);
    rule.id = prefix_ + "-" + std::to_string(next_number_++);
    rule.stored["id"] = rule.id;
    rules_.push_back(std::move(rule));
    any_.store(true, std::memory_order_release);
    return listed(rules_.back());
  }

  // {<list_member>: [each rule as listed]}, in the order added.
  Json list() const {
    Json rules = Json::array();
    std::lock_guard lock(mutex_);
    for (const Rule& rule : rules_) rules.push_back(listed(rule));
    return Json{{list_member_, std::move(rules)}};
  }

  // Removes every rule; returns how many there were.
  std::size_t clear() {
    std::lock_guard lock(mutex_);
    const std::size_t count = rules_.size();
    rules_.clear();
    any_.store(false, std::memory_order_release);
    return count;
  }

  // Removes rule `id` and returns it as it was last listed; nothing when there is no such rule.
  std::optional<Json> remove(std::string_view id) {
    std::lock_guard lock(mutex_);
    const auto it =
        std::find_if(rules_.begin(), rules_.end(), [id](const Rule& rule) { return rule.id == id; });
    if (it == rules_.end()) return std::nullopt;
    Json removed = listed(*it);
    rules_.erase(it);
    any_.store(!rules_.empty(), std::memory_order_release);
    return removed;
  }

  // Whether there is any rule, without the mutex: the cheap first question of every call.
  bool any() const { return any_.load(std::memory_order_acquire); }

  // `visit(rules)` under the mutex, with the rules in the order added; returns what it returns.
  template <typename Visit>
  auto with_rules(Visit&& visit) {
    std::lock_guard lock(mutex_);
    return visit(rules_);
  }

 private:
  static Json listed(const Rule& rule) {
    Json out = rule.stored;
    out["fired"] = rule.fired;
    return out;
  }

  const std::string prefix_;
  const std::string list_member_;
  mutable std::mutex mutex_;
  std::vector<Rule> rules_;
  std::uint64_t next_number_ = 1;
  std::atomic<bool> any_{false};  // !rules_.empty(), read without the mutex
};

}  // namespace sagebox
