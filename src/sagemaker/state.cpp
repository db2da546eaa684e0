// The whole state as one document, and back: Service::export_state, import_state and empty. The document's
// format is the README's ("State: export, import, seeds"); an import checks each resource as Create and AddTags
// would have, so that nothing it stores is something the operations could not have stored.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "endpoint_record.hpp"
#include "resources.hpp"
#include "sagebox/error.hpp"
#include "sagebox/sagemaker/service.hpp"

namespace sagebox::sagemaker {
namespace {

constexpr std::int64_t kStateVersion = 1;
constexpr const char* kVersionMember = "sagebox_state";
const std::set<std::string> kDocumentMembers{kVersionMember, "resources"};
const std::set<std::string> kResourceMembers{"account", "region", "type", "name", "created", "document", "tags"};
const ResourceKind* const kKinds[] = {&kModelKind, &kEndpointConfigKind, &kEndpointKind};

const ResourceKind* kind_of_type(std::string_view store_type) {
  for (const ResourceKind* kind : kKinds) {
    if (kind->type == store_type) return kind;
  }
  return nullptr;
}

const ResourceKind* kind_named(std::string_view type) {
  for (const ResourceKind* kind : kKinds) {
    if (kind->operation_noun == type) return kind;
  }
  return nullptr;
}

std::string shown(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

[[noreturn]] void wrong(const std::string& where, const std::string& what) {
  throw ApiError::validation(where + ": " + what);
}

void refuse_unknown_members(const Json& object, const std::set<std::string>& known, const std::string& where) {
  for (const auto& [key, value] : object.items()) {
    if (known.contains(key)) continue;
    std::string list;
    for (const std::string& member : known) list += (list.empty() ? "" : ", ") + member;
    wrong(where, "unknown member " + shown(Json(key)) + "; the members are " + list + ".");
  }
}

const Json& member(const Json& object, const char* name, const std::string& where) {
  const auto it = object.find(name);
  if (it == object.end()) wrong(where, "\"" + std::string(name) + "\" is missing.");
  return *it;
}

const std::string& text(const Json& value, const std::string& where, bool (*valid)(std::string_view),
                        std::string_view expected) {
  if (!value.is_string() || !valid(value.get_ref<const std::string&>())) {
    wrong(where, "must be " + std::string(expected) + ", not " + shown(value) + ".");
  }
  return value.get_ref<const std::string&>();
}

bool any_text(std::string_view) { return true; }

// Runs `check`; an ApiError it throws comes back with `where` before its message.
template <typename Check>
auto located(const std::string& where, Check&& check) {
  try {
    return check();
  } catch (const ApiError& error) {
    wrong(where, error.message());
  }
}

// A resource of the document, checked, as the store places it.
struct Checked {
  store::PlacedResource placed;
  std::string name_key;
};

// The document as Describe returns it (for an endpoint, its record), checked against name, ARN and creation time.
Json checked_document(const Context& context, const ResourceKind& kind, const Json& document,
                             const identity::Caller& caller, const std::string& name, std::int64_t created,
                             const std::string& where) {
  if (!document.is_object()) wrong(where, "must be an object, not " + shown(document) + ".");
  Json stored = document;
  if (kind.lifecycle) {
    check_endpoint_record(context, document, where);
  } else {
    // Normalized as Create stores it: Describe's member order, timestamps as epoch seconds.
    stored = located(where, [&] {
      return context.schema.project(kind.describe_output, context.schema.validate(kind.describe_output, document));
    });
  }
  const std::string arn = resource_arn(caller, kind.type, name);
  if (stored.value(std::string(kind.name_member), Json()) != Json(name)) {
    wrong(where + "." + std::string(kind.name_member), "must be the resource's name " + shown(Json(name)) + ".");
  }
  if (stored.value(std::string(kind.arn_member), Json()) != Json(arn)) {
    wrong(where + "." + std::string(kind.arn_member), "must be " + shown(Json(arn)) + ", the ARN of " +
                                                          std::string(kind.noun) + " " + shown(Json(name)) +
                                                          " in this account and region.");
  }
  const Json creation = kind.lifecycle ? Json(created) : epoch_seconds(created);
  if (stored.value("CreationTime", Json()) != creation) {
    wrong(where + ".CreationTime", "must be " + shown(creation) + ", as \"created\" says.");
  }
  stored["CreationTime"] = creation;  // as Create writes it, however the document wrote the same time
  return stored;
}

std::vector<store::Tag> checked_resource_tags(const Context& context, const Json& tags, const std::string& arn,
                                              const std::string& where) {
  if (!tags.is_array()) wrong(where, "must be an array of {\"Key\", \"Value\"}, not " + shown(tags) + ".");
  if (tags.empty()) return {};
  std::vector<store::Tag> checked = located(where, [&] {
    const Json input = context.schema.validate("AddTagsInput", Json{{"ResourceArn", arn}, {"Tags", tags}});
    return checked_tags(input.at("Tags"));
  });
  std::set<std::string> keys;
  for (const store::Tag& tag : checked) {
    if (!keys.insert(tag.first).second) wrong(where, "the key " + shown(Json(tag.first)) + " is given twice.");
  }
  return checked;
}

Checked checked_resource(const Context& context, const Json& resource, const std::string& where) {
  if (!resource.is_object()) wrong(where, "must be an object, not " + shown(resource) + ".");
  refuse_unknown_members(resource, kResourceMembers, where);
  const identity::Caller caller{
      text(member(resource, "account", where), where + ".account", identity::is_account_id, "12 digits"),
      text(member(resource, "region", where), where + ".region", identity::is_region,
           "a region such as \"us-east-1\""),
      ""};
  const Json& type = member(resource, "type", where);
  const ResourceKind* kind = type.is_string() ? kind_named(type.get_ref<const std::string&>()) : nullptr;
  if (!kind) wrong(where + ".type", "must be \"Model\", \"EndpointConfig\" or \"Endpoint\", not " + shown(type) + ".");
  const std::string& name = text(member(resource, "name", where), where + ".name", any_text, "a string");
  located(where + ".name", [&] {
    context.schema.validate("Describe" + std::string(kind->operation_noun) + "Input",
                            Json{{std::string(kind->name_member), name}});
  });
  const Json& created = member(resource, "created", where);
  if (!created.is_number_integer() || created.get<std::int64_t>() < 0) {
    wrong(where + ".created", "must be the creation time in ms since the epoch, not " + shown(created) + ".");
  }
  const std::int64_t created_ms = created.get<std::int64_t>();
  const Json document = checked_document(context, *kind, member(resource, "document", where), caller, name,
                                         created_ms, where + ".document");
  std::vector<store::Tag> tags;
  if (const auto it = resource.find("tags"); it != resource.end()) {
    tags = checked_resource_tags(context, *it, resource_arn(caller, kind->type, name), where + ".tags");
  }
  store::Resource stored = kind->lifecycle ? stored_endpoint(context, name, created_ms, document)
                                            : store::Resource{name, created_ms, document.dump(), std::nullopt};
  return {{scope_of(caller), std::string(kind->type), std::move(stored), std::move(tags)}, store::lowercase(name)};
}

}  // namespace

Json Service::export_state() {
  Json resources = Json::array();
  for (store::PlacedResource& placed : resources_.every_resource()) {
    const ResourceKind* kind = kind_of_type(placed.type);
    if (!kind) continue;  // a type this sagebox does not serve: nothing of it to export
    Json tags = Json::array();
    for (const store::Tag& tag : placed.tags) tags.push_back({{"Key", tag.first}, {"Value", tag.second}});
    resources.push_back({{"account", std::move(placed.scope.account)},
                         {"region", std::move(placed.scope.region)},
                         {"type", kind->operation_noun},
                         {"name", std::move(placed.resource.name)},
                         {"created", placed.resource.creation_ms},
                         {"document", Json::parse(placed.resource.document)},
                         {"tags", std::move(tags)}});
  }
  return Json{{kVersionMember, kStateVersion}, {"resources", std::move(resources)}};
}

std::size_t Service::import_state(const Json& document) {
  if (!document.is_object()) wrong("state", "must be an object {\"sagebox_state\": 1, \"resources\": [...]}.");
  refuse_unknown_members(document, kDocumentMembers, "state");
  const Json& version = member(document, kVersionMember, "state");
  if (version != Json(kStateVersion)) {
    wrong(kVersionMember, "must be " + std::to_string(kStateVersion) + ", the version this sagebox reads, not " +
                              shown(version) + ".");
  }
  const Json& resources = member(document, "resources", "state");
  if (!resources.is_array()) wrong("resources", "must be an array, not " + shown(resources) + ".");
  std::vector<store::PlacedResource> placed;
  // (account, region, type, lowercased name) → the index of the resource that has it.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::size_t> taken;
  for (std::size_t i = 0; i < resources.size(); ++i) {
    const std::string where = "resources[" + std::to_string(i) + "]";
    Checked checked = checked_resource(context_, resources[i], where);
    const store::PlacedResource& resource = checked.placed;
    const auto [it, fresh] = taken.try_emplace(
        {resource.scope.account, resource.scope.region, resource.type, checked.name_key}, i);
    if (!fresh) {
      wrong(where + ".name", shown(Json(resource.resource.name)) + " is resources[" + std::to_string(it->second) +
                                 "]'s name already (names of one type, account and region differ in more than "
                                 "case).");
    }
    placed.push_back(std::move(checked.placed));
  }
  resources_.replace_all(placed);
  return placed.size();
}

bool Service::empty() { return resources_.empty(); }

}  // namespace sagebox::sagemaker
