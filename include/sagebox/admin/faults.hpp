// FaultRules: failures a test asks for, to see how its client copes — an AWS error, a slow answer, a dropped
// connection. A front door asks fire() about each call once it knows the operation and the caller, and before
// the service runs it; a call that fires an error or a connection fault therefore changes nothing.
//
// A rule (JSON, as POST /_sagebox/faults takes it; members other than these are refused):
//   operation   required: an operation name the service serves, or "*" for any
//   account     optional: the caller's account (12 digits)
//   region      optional: the caller's region
//   name        optional: the resource the call is about, compared case-insensitively (see resource_name)
//   after       optional, default 0: this many matching calls go through untouched before the rule may fire
//               ("after": 2 makes the third call the first one faulted)
//   probability optional, 0 to 1, default 1: the chance that a matching call fires the rule
//   times       optional, at least 1: the rule fires at most this often, then stays listed and no longer
//   fires
// and what firing does — `error`, `latency_ms` or `connection`; `latency_ms` may come with `error`:
//   error       {"code": non-empty string, "message": string, "status": 400..599}: answered as an API error
//   latency_ms  1..300000: the answer (the error, or else the real one) comes this much later
//   connection  "reset" (abort: the client sees a reset) or "close" (closed without an answer)
//
// Rules are kept in memory, in the order added, and tried in that order: the first that matches and fires
// wins (a rule whose coin says no, or whose times are used up, lets the next one try). Calls on many threads
// read them; with no rule at all fire() is one atomic load, otherwise the rules are under one mutex, which
// also makes the count of firings exact: two calls at once cannot both take a rule's last firing.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagebox/error.hpp"
#include "sagebox/http/router.hpp"
#include "sagebox/json.hpp"
#include "sagebox/rule_book.hpp"

namespace sagebox::admin {

// What a fired rule does to the call.
struct Fault {
  enum class Connection { kKeep, kClose, kReset };
  std::optional<ApiError> error;              // answer this instead of running the operation
  std::chrono::milliseconds latency{0};       // wait this long before answering
  Connection connection = Connection::kKeep;  // kClose, kReset: drop the connection instead of answering
};

// A call as the rules see it.
struct Call {
  std::string_view operation;  // without the "SageMaker." prefix
  std::string_view account;
  std::string_view region;
  const Json& input;  // as sent, not yet validated
};

// The name of the resource `input` is about, which a rule's `name` is compared with: for a call with a
// ResourceArn (the tag operations), what follows its last '/'; otherwise the top-level string member <X>Name
// whose X begins the operation's name after its verb, the longest such (CreateEndpoint: EndpointName, not
// EndpointConfigName; UpdateEndpointWeightsAndCapacities: EndpointName). None for the List operations.
std::optional<std::string_view> resource_name(std::string_view operation, const Json& input);

// What a front door answers for a call that fired `fault`: the connection dropped, or the fault's error as
// `error_response` shapes it, or else `proceed`'s reply (the call itself, only later); each after the fault's
// latency. `proceed` must own what it uses: it runs once the wait is over.
http::Reply fault_reply(const Fault& fault, const std::function<http::Response(const ApiError&)>& error_response,
                        std::function<http::Reply()> proceed);

class FaultRules {
 public:
  // `is_operation` says which operation names a rule may give.
  explicit FaultRules(std::function<bool(std::string_view)> is_operation);

  // Checks `rule` and adds it after the others. Returns it as stored: with its id ("fault-1", "fault-2", …
  // never reused), every member it has or defaults to (probability), and fired: 0. Throws ApiError
  // ValidationException (400) saying what is wrong.
  Json add(const Json& rule);

  // {"faults": [each rule as add() returned it, with fired: how often it has fired]}, in the order added.
  Json list() const;

  // Removes every rule; returns how many there were.
  std::size_t clear();

  // Removes rule `id` and returns it as it was last listed; nothing when there is no such rule.
  std::optional<Json> remove(std::string_view id);

  // The fault of the first rule that matches `call` and fires, counting the firing; nothing when none does.
  std::optional<Fault> fire(const Call& call);

 private:
  struct Rule {
    std::string id;
    std::string operation;
    std::optional<std::string> account;
    std::optional<std::string> region;
    std::optional<std::string> name;
    std::int64_t after = 0;
    std::int64_t passed = 0;  // matching calls let through so far, up to `after`
    double probability = 1;
    std::optional<std::int64_t> times;
    Fault fault;
    std::int64_t fired = 0;
    Json stored;  // as add() returned it, without `fired`
  };

  Rule parse(const Json& rule) const;

  std::function<bool(std::string_view)> is_operation_;
  RuleBook<Rule> rules_{"fault", "faults"};
};

}  // namespace sagebox::admin
