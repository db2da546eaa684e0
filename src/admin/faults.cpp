#include "sagebox/admin/faults.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <random>
#include <utility>

namespace sagebox::admin {
namespace {

constexpr std::int64_t kMaxLatencyMs = 300000;
// A refused value is shown in the message up to this many bytes.
constexpr std::size_t kShownValueLength = 40;

constexpr std::string_view kMembers[] = {"operation", "account", "region",     "name",      "after",
                                         "probability", "times", "error",   "latency_ms", "connection"};
constexpr std::string_view kErrorMembers[] = {"code", "message", "status"};

ApiError invalid(std::string message) { return ApiError::validation(std::move(message)); }

std::string shown(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > kShownValueLength) text = text.substr(0, kShownValueLength) + "...";
  return text;
}

ApiError wrong(std::string_view member, std::string_view expected, const Json& value) {
  return invalid("\"" + std::string(member) + "\" must be " + std::string(expected) + ", not " +
                 shown(value) + ".");
}

template <std::size_t N>
void refuse_unknown_members(const Json& object, const std::string_view (&known)[N], std::string_view where) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(std::begin(known), std::end(known), key) != std::end(known)) continue;
    std::string list;
    for (std::size_t i = 0; i < N; ++i)
      list += (i == 0 ? "" : i + 1 == N ? " and " : ", ") + std::string(known[i]);
    throw invalid("Unknown member " + shown(Json(key)) + " in " + std::string(where) + "; its members are " +
                  list + ".");
  }
}

// An integer member within [low, high]; a larger unsigned number is refused like any other out of range.
std::int64_t integer(const Json& value, std::string_view member, std::int64_t low, std::int64_t high,
                     std::string_view expected) {
  const bool fits =
      value.is_number_integer() &&
      (!value.is_number_unsigned() ||
       value.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  if (!fits || value.get<std::int64_t>() < low || value.get<std::int64_t>() > high) {
    throw wrong(member, expected, value);
  }
  return value.get<std::int64_t>();
}

const std::string& text(const Json& value, std::string_view member, std::string_view expected,
                        bool (*valid)(const std::string&)) {
  if (!value.is_string() || !valid(value.get_ref<const std::string&>())) throw wrong(member, expected, value);
  return value.get_ref<const std::string&>();
}

bool non_empty(const std::string& s) { return !s.empty(); }
bool any_text(const std::string&) { return true; }
bool is_account(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}
bool is_region(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}
bool is_connection(const std::string& s) { return s == "reset" || s == "close"; }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

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

FaultRules::FaultRules(std::function<bool(std::string_view)> is_operation)
    : is_operation_(std::move(is_operation)) {}

FaultRules::Rule FaultRules::parse(const Json& rule) const {
  if (!rule.is_object()) throw invalid("A fault rule must be a JSON object, not " + shown(rule) + ".");
  refuse_unknown_members(rule, kMembers, "the fault rule");
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
    refuse_unknown_members(*it, kErrorMembers, "\"error\"");
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

Json FaultRules::listed(const Rule& rule) {
  Json out = rule.stored;
  out["fired"] = rule.fired;
  return out;
}

Json FaultRules::add(const Json& rule) {
  Rule parsed = parse(rule);
  std::lock_guard lock(mutex_);
  parsed.id = "fault-" + std::to_string(next_id_++);
  parsed.stored["id"] = parsed.id;
  rules_.push_back(std::move(parsed));
  any_.store(true, std::memory_order_release);
  return listed(rules_.back());
}

Json FaultRules::list() const {
  Json faults = Json::array();
  std::lock_guard lock(mutex_);
  for (const Rule& rule : rules_) faults.push_back(listed(rule));
  return Json{{"faults", std::move(faults)}};
}

std::size_t FaultRules::clear() {
  std::lock_guard lock(mutex_);
  const std::size_t count = rules_.size();
  rules_.clear();
  any_.store(false, std::memory_order_release);
  return count;
}

std::optional<Json> FaultRules::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto it =
      std::find_if(rules_.begin(), rules_.end(), [id](const Rule& rule) { return rule.id == id; });
  if (it == rules_.end()) return std::nullopt;
  Json removed = listed(*it);
  rules_.erase(it);
  any_.store(!rules_.empty(), std::memory_order_release);
  return removed;
}

std::optional<Fault> FaultRules::fire(const Call& call) {
  if (!any_.load(std::memory_order_acquire)) return std::nullopt;
  std::optional<std::optional<std::string_view>> name;  // looked up for the first rule that names a resource
  std::lock_guard lock(mutex_);
  for (Rule& rule : rules_) {
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
}

}  // namespace sagebox::admin
