#include "sagebox/admin/faults.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <random>
#include <utility>

#include "sagebox/rule_json.hpp"

namespace sagebox::admin {
namespace {

constexpr std::int64_t kMaxLatencyMs = 300000;

using rule_json::any_text;
using rule_json::equal_ignoring_case;
using rule_json::integer;
using rule_json::is_account;
using rule_json::is_region;
using rule_json::non_empty;
using rule_json::refuse_unknown_members;
using rule_json::shown;
using rule_json::text;
using rule_json::wrong;

ApiError invalid(std::string message) { return ApiError::validation(std::move(message)); }

bool is_connection(const std::string& s) { return s == "reset" || s == "close"; }

// A fair coin of bias `probability`; 1 needs no draw.
bool lucky(double probability) {
  if (probability >= 1) return true;
  thread_local std::mt19937_64 random{std::random_device{}()};
  return std::uniform_real_distribution<double>(0, 1)(random) < probability;
}

}  // namespace

std::optional<std::string_view> resource_name(std::string_view operation, const Json& input) {
  if (!input.is_object()) return std::nullopt;
  const auto arn = input.find("ResourceArn");
  if (arn != input.end() && arn->is_string()) {
    const std::string_view value = arn->get_ref<const std::string&>();
    return value.substr(value.rfind('/') + 1);  // npos + 1 == 0: no '/', the whole value
  }
  // The verb is the first capitalized word: Create, Describe, UpdateEndpoint's Update …
  std::size_t verb = 1;
  while (verb < operation.size() && std::islower(static_cast<unsigned char>(operation[verb]))) ++verb;
  const std::string_view subject = operation.substr(std::min(verb, operation.size()));
  std::optional<std::string_view> name;
  std::size_t longest = 0;
  for (const auto& [key, value] : input.items()) {
    const std::string_view member = key;
    if (!value.is_string() || !member.ends_with("Name")) continue;
    const std::string_view resource = member.substr(0, member.size() - 4);
    if (resource.size() > longest && subject.starts_with(resource)) {
      longest = resource.size();
      name = value.get_ref<const std::string&>();
    }
  }
  return name;
}

http::Reply fault_reply(const Fault& fault, const std::function<http::Response(const ApiError&)>& error_response,
                        std::function<http::Reply()> proceed) {
  http::Reply reply;
  reply.delay = fault.latency;
  switch (fault.connection) {
    case Fault::Connection::kClose:
      reply.action = http::Reply::Action::kClose;
      return reply;
    case Fault::Connection::kReset:
      reply.action = http::Reply::Action::kReset;
      return reply;
    case Fault::Connection::kKeep:
      break;
  }
  if (fault.error) {
    reply.response = error_response(*fault.error);
  } else {
    reply.then = std::move(proceed);
  }
  return reply;
}

FaultRules::FaultRules(std::function<bool(std::string_view)> is_operation)
    : is_operation_(std::move(is_operation)) {}

FaultRules::Rule FaultRules::parse(const Json& rule) const {
  if (!rule.is_object()) throw invalid("A fault rule must be a JSON object, not " + shown(rule) + ".");
  refuse_unknown_members(
      rule,
      {"operation", "account", "region", "name", "after", "probability", "times", "error", "latency_ms",
       "connection"},
      "the fault rule");
  Rule parsed;
  Json& stored = parsed.stored;
  stored["id"] = nullptr;  // first in the listing; set by add()

  const auto operation = rule.find("operation");
  if (operation == rule.end())
    throw invalid("A fault rule needs \"operation\": an operation name, or \"*\" for any.");
  parsed.operation = text(*operation, "operation", "an operation name, or \"*\" for any", non_empty);
  if (parsed.operation != "*" && !is_operation_(parsed.operation)) {
    throw invalid("Unknown operation " + shown(*operation) +
                  ": name an operation sagebox serves, such as CreateEndpointConfig, or \"*\" for any.");
  }
  stored["operation"] = parsed.operation;
  if (const auto it = rule.find("account"); it != rule.end()) {
    stored["account"] = *(parsed.account = text(*it, "account", "a 12-digit account id", is_account));
  }
  if (const auto it = rule.find("region"); it != rule.end()) {
    stored["region"] =
        *(parsed.region = text(*it, "region", "a region name such as \"us-east-1\"", is_region));
  }
  if (const auto it = rule.find("name"); it != rule.end()) {
    stored["name"] = *(parsed.name = text(*it, "name", "a non-empty string", non_empty));
  }
  if (const auto it = rule.find("after"); it != rule.end()) {
    stored["after"] = parsed.after = integer(*it, "after", 0, std::numeric_limits<std::int64_t>::max(),
                                             "an integer of at least 0");
  }
  if (const auto it = rule.find("probability"); it != rule.end()) {
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1) {
      throw wrong("probability", "a number from 0 to 1", *it);
    }
    parsed.probability = it->get<double>();
  }
  stored["probability"] = parsed.probability;
  if (const auto it = rule.find("times"); it != rule.end()) {
    stored["times"] = *(parsed.times = integer(*it, "times", 1, std::numeric_limits<std::int64_t>::max(),
                                               "an integer of at least 1"));
  }

  if (const auto it = rule.find("error"); it != rule.end()) {
    if (!it->is_object()) throw wrong("error", "an object {\"code\", \"message\", \"status\"}", *it);
    refuse_unknown_members(*it, {"code", "message", "status"}, "\"error\"");
    if (!it->contains("code") || !it->contains("message") || !it->contains("status")) {
      throw invalid("\"error\" needs \"code\", \"message\" and \"status\".");
    }
    const std::string& code = text(it->at("code"), "error.code", "a non-empty string", non_empty);
    const std::string& message = text(it->at("message"), "error.message", "a string", any_text);
    const auto status =
        static_cast<int>(integer(it->at("status"), "error.status", 400, 599, "an integer from 400 to 599"));
    parsed.fault.error = ApiError(code, message, status);
    stored["error"] = Json{{"code", code}, {"message", message}, {"status", status}};
  }
  if (const auto it = rule.find("latency_ms"); it != rule.end()) {
    const std::int64_t ms = integer(*it, "latency_ms", 1, kMaxLatencyMs, "an integer from 1 to 300000");
    parsed.fault.latency = std::chrono::milliseconds(ms);
    stored["latency_ms"] = ms;
  }
  if (const auto it = rule.find("connection"); it != rule.end()) {
    const std::string& how = text(*it, "connection", "\"reset\" or \"close\"", is_connection);
    parsed.fault.connection = how == "reset" ? Fault::Connection::kReset : Fault::Connection::kClose;
    stored["connection"] = how;
  }

  const bool error = parsed.fault.error.has_value();
  const bool latency = parsed.fault.latency.count() > 0;
  const bool connection = parsed.fault.connection != Fault::Connection::kKeep;
  if (!error && !latency && !connection) {
    throw invalid("A fault rule needs what to do: \"error\", \"latency_ms\" or \"connection\".");
  }
  if (error && connection) {
    throw invalid(
        "A fault rule either answers an error or drops the connection: give \"error\" or "
        "\"connection\", not both.");
  }
  if (latency && connection)
    throw invalid("\"latency_ms\" goes with \"error\" or alone, not with \"connection\".");
  return parsed;
}

Json FaultRules::add(const Json& rule) { return rules_.add(parse(rule)); }

Json FaultRules::list() const { return rules_.list(); }

std::size_t FaultRules::clear() { return rules_.clear(); }

std::optional<Json> FaultRules::remove(std::string_view id) { return rules_.remove(id); }

std::optional<Fault> FaultRules::fire(const Call& call) {
  if (!rules_.any()) return std::nullopt;
  std::optional<std::optional<std::string_view>> name;  // looked up for the first rule that names a resource
  return rules_.with_rules([&](std::vector<Rule>& rules) -> std::optional<Fault> {
    for (Rule& rule : rules) {
      if (rule.times && rule.fired >= *rule.times) continue;
      if (rule.operation != "*" && rule.operation != call.operation) continue;
      if (rule.account && *rule.account != call.account) continue;
      if (rule.region && *rule.region != call.region) continue;
      if (rule.name) {
        if (!name) name = resource_name(call.operation, call.input);
        if (!*name || !equal_ignoring_case(**name, *rule.name)) continue;
      }
      if (rule.passed < rule.after) {
        ++rule.passed;
        continue;
      }
      if (!lucky(rule.probability)) continue;
      ++rule.fired;
      return rule.fault;
    }
    return std::nullopt;
  });
}

}  // namespace sagebox::admin
