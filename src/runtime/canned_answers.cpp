// Canned answers: the two admin bodies checked into answers, and the queues they fill (see
// include/sagebox/runtime/canned_answers.hpp for moto's memo and how it differs from moto's own).
#include "sagebox/runtime/canned_answers.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "sagebox/crypto.hpp"
#include "sagebox/error.hpp"
#include "sagebox/rule_json.hpp"

namespace sagebox::runtime {
namespace {

using rule_json::any_text;
using rule_json::text;
using rule_json::wrong;

// moto's defaults for a body that names no account or region.
constexpr const char* kMotoDefaultAccount = "123456789012";
constexpr const char* kMotoDefaultRegion = "us-east-1";

constexpr const char* kString = "a string";
constexpr const char* kBase64 = "a string in base64";

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The string member `name` of `object` into `target`, when present.
void optional_text(const Json& object, const char* name, const std::string& where, std::string& target) {
  const auto it = object.find(name);
  if (it != object.end()) target = text(*it, where + "." + name, kString, any_text);
}

// Each element of `list` (the member `where` of a body; objects `shape`) as an answer, by
// `parse_one(element, "where[i]")`.
template <typename ParseOne>
std::vector<CannedAnswer> parse_list(const Json& list, const std::string& where, std::string_view shape,
                                     ParseOne&& parse_one) {
  if (!list.is_array()) throw wrong(where, "an array of objects " + std::string(shape), list);
  std::vector<CannedAnswer> answers;
  answers.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string place = where + "[" + std::to_string(i) + "]";
    if (!list[i].is_object()) throw wrong(place, "an object " + std::string(shape), list[i]);
    answers.push_back(parse_one(list[i], place));
  }
  return answers;
}

CannedAnswer parse_answer(const Json& item, const std::string& where) {
  rule_json::refuse_unknown_members(
      item, {"Body", "BodyBase64", "ContentType", "CustomAttributes", "Variant", "StatusCode"}, where);
  const auto body = item.find("Body");
  const auto body_base64 = item.find("BodyBase64");
  if ((body == item.end()) == (body_base64 == item.end())) {
    throw ApiError::validation("\"" + where + "\" must have exactly one of \"Body\" and \"BodyBase64\".");
  }
  CannedAnswer canned;
  if (body != item.end()) {
    canned.answer.body = text(*body, where + ".Body", kString, any_text);
  } else {
    const std::string member = where + ".BodyBase64";
    auto bytes = crypto::base64_decode(text(*body_base64, member, kBase64, any_text));
    if (!bytes) throw wrong(member, kBase64, *body_base64);
    canned.answer.body = std::move(*bytes);
  }
  optional_text(item, "ContentType", where, canned.answer.content_type);
  optional_text(item, "CustomAttributes", where, canned.answer.custom_attributes);
  if (const auto variant = item.find("Variant"); variant != item.end()) {
    canned.variant = text(*variant, where + ".Variant", "a variant's name", rule_json::non_empty);
  }
  if (const auto status = item.find("StatusCode"); status != item.end()) {
    canned.answer.status =
        static_cast<int>(rule_json::integer(*status, where + ".StatusCode", 200, 599, "an integer from 200 to 599"));
  }
  return canned;
}

CannedAnswer parse_moto_result(const Json& item, const std::string& where) {
  rule_json::refuse_unknown_members(item, {"Body", "ContentType", "InvokedProductionVariant", "CustomAttributes"},
                                    where);
  const auto body = item.find("Body");
  if (body == item.end()) throw ApiError::validation("\"" + where + "\" must have \"Body\".");
  CannedAnswer canned;
  canned.answer.body = text(*body, where + ".Body", kString, any_text);
  optional_text(item, "ContentType", where, canned.answer.content_type);
  optional_text(item, "InvokedProductionVariant", where, canned.variant);
  optional_text(item, "CustomAttributes", where, canned.answer.custom_attributes);
  return canned;
}

}  // namespace

std::vector<CannedAnswer> parse_answers(const Json& list) {
  return parse_list(list, "answers", "{\"Body\" or \"BodyBase64\", ...}", parse_answer);
}

MotoResults parse_moto_results(const Json& body) {
  if (!body.is_object()) {
    throw ApiError::validation("moto's endpoint results must be a JSON object, not " + rule_json::shown(body) + ".");
  }
  rule_json::refuse_unknown_members(body, {"account_id", "region", "results"}, "moto's endpoint results");
  MotoResults results{kMotoDefaultAccount, kMotoDefaultRegion, {}};
  if (const auto account = body.find("account_id"); account != body.end()) {
    results.account = text(*account, "account_id", "a 12-digit account id", rule_json::is_account);
  }
  if (const auto region = body.find("region"); region != body.end()) {
    results.region = text(*region, "region", "a region name such as \"us-east-1\"", rule_json::is_region);
  }
  if (const auto list = body.find("results"); list != body.end()) {
    results.answers = parse_list(*list, "results", "{\"Body\", ...}", parse_moto_result);
  }
  return results;
}

void CannedAnswers::push(const std::string& account, const std::string& region, const std::string& endpoint,
                         std::vector<CannedAnswer> answers) {
  if (answers.empty()) return;
  std::lock_guard lock(mutex_);
  EndpointQueue& queue = queues_[{account, region, lowercase(endpoint)}];
  if (queue.answers.empty()) queue.endpoint = endpoint;
  std::move(answers.begin(), answers.end(), std::back_inserter(queue.answers));
}

std::optional<CannedAnswer> CannedAnswers::take(const std::string& account, const std::string& region,
                                                const std::string& endpoint) {
  std::lock_guard lock(mutex_);
  const auto it = queues_.find({account, region, lowercase(endpoint)});
  if (it == queues_.end()) return std::nullopt;
  CannedAnswer answer = std::move(it->second.answers.front());
  it->second.answers.pop_front();
  if (it->second.answers.empty()) queues_.erase(it);  // a queue is only kept while it holds answers
  return answer;
}

void CannedAnswers::push_moto(const std::string& account, const std::string& region,
                              std::vector<CannedAnswer> answers) {
  if (answers.empty()) return;
  std::lock_guard lock(mutex_);
  std::deque<CannedAnswer>& queue = moto_[{account, region}].answers;
  std::move(answers.begin(), answers.end(), std::back_inserter(queue));
}

std::optional<CannedAnswer> CannedAnswers::take_moto(const std::string& account, const std::string& region,
                                                     const std::string& endpoint, const std::string& body) {
  std::lock_guard lock(mutex_);
  const auto it = moto_.find({account, region});
  if (it == moto_.end()) return std::nullopt;
  MotoQueue& moto = it->second;
  std::pair<std::string, std::string> request{endpoint, body};
  if (const auto remembered = moto.memo.find(request); remembered != moto.memo.end()) return remembered->second;
  if (moto.answers.empty()) return std::nullopt;
  CannedAnswer answer = std::move(moto.answers.front());
  moto.answers.pop_front();
  moto.memo.emplace(std::move(request), answer);
  return answer;
}

Json CannedAnswers::list() const {
  std::lock_guard lock(mutex_);
  Json listed = Json::array();
  for (const auto& [key, queue] : queues_) {
    const auto& [account, region, name] = key;
    listed.push_back(
        {{"account", account}, {"region", region}, {"endpoint", queue.endpoint}, {"queued", queue.answers.size()}});
  }
  for (const auto& [key, moto] : moto_) {
    if (moto.answers.empty()) continue;
    listed.push_back({{"account", key.first}, {"region", key.second}, {"moto", true}, {"queued", moto.answers.size()}});
  }
  return Json{{"answers", std::move(listed)}};
}

std::size_t CannedAnswers::clear() {
  std::lock_guard lock(mutex_);
  std::size_t dropped = 0;
  for (const auto& [key, queue] : queues_) dropped += queue.answers.size();
  for (const auto& [key, moto] : moto_) dropped += moto.answers.size();
  queues_.clear();
  moto_.clear();
  return dropped;
}

}  // namespace sagebox::runtime
