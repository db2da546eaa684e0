// ResourceStore: SageMaker resources as rows of (account, region, type, lowercased name) → stored JSON document
// and tags, with the columns listing sorts and filters on indexed.
// It knows nothing of SageMaker's rules: it stores, finds, pages and deletes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sagebox/store/database.hpp"

namespace sagebox::store {

struct Scope {
  std::string account;
  std::string region;
};

struct Resource {
  std::string name;  // as created, original case
  std::int64_t creation_ms = 0;
  std::string document;  // serialized JSON as Describe returns it
};

using Tag = std::pair<std::string, std::string>;

enum class SortKey { kCreationTime, kName };

// Where the previous page stopped: the sort position of its last row.
struct Cursor {
  std::int64_t creation_ms = 0;
  std::string name_key;  // lowercased name
};

struct PageQuery {
  SortKey sort = SortKey::kCreationTime;
  bool descending = true;
  std::optional<std::int64_t> created_at_or_after_ms;
  std::optional<std::int64_t> created_before_ms;
  std::optional<Cursor> after;
  std::size_t limit = 10;
};

struct PageRow {
  std::string name;
  std::int64_t creation_ms;
  std::string name_key;
};

enum class TagWrite { kDone, kNoResource, kOverLimit };

// A resource, in the same scope, that must exist for an insert to happen (an endpoint configuration's models).
struct Reference {
  std::string type;
  std::string name;
};

struct InsertResult {
  enum Outcome { kInserted, kNameTaken, kMissingReference } outcome;
  std::size_t missing = 0;  // kMissingReference: index of the first missing reference
};

struct TagRow {
  std::int64_t position;  // order of first setting; the cursor of tag pages
  std::string key;
  std::string value;
};

class ResourceStore {
 public:
  explicit ResourceStore(Database& db) : db_(db) {}

  // Stores a new resource with its tags in one transaction; false (and nothing written) if the name is taken
  // case-insensitively in that scope and type.
  bool insert(const Scope& scope, std::string_view type, const Resource& resource, const std::vector<Tag>& tags);

  // The same, in one transaction with the check that every reference exists (checked first, in order): the check
  // and the insert cannot be split by a delete, and they run on the writer's warm cache.
  InsertResult insert(const Scope& scope, std::string_view type, const Resource& resource,
                      const std::vector<Tag>& tags, const std::vector<Reference>& references);

  std::optional<Resource> find(const Scope& scope, std::string_view type, std::string_view name);

  // Deletes the resource and its tags; false if there was none.
  bool erase(const Scope& scope, std::string_view type, std::string_view name);

  // The tags of a resource, in the order they were first set; none if there is no such resource.
  std::vector<Tag> tags(const Scope& scope, std::string_view type, std::string_view name);

  // Adds or overwrites tags of an existing resource, in one transaction with the existence check. Nothing is
  // written when the resource is missing or when it would end with more than `limit` tags.
  TagWrite add_tags(const Scope& scope, std::string_view type, std::string_view name, const std::vector<Tag>& tags,
                    std::size_t limit);

  // Removes the listed keys (unknown keys are no error); false if the resource is missing.
  bool delete_tags(const Scope& scope, std::string_view type, std::string_view name,
                   const std::vector<std::string>& keys);

  // Up to `limit` tags after position `after`, in the order they were first set; nullopt if the resource is
  // missing.
  std::optional<std::vector<TagRow>> tag_page(const Scope& scope, std::string_view type, std::string_view name,
                                              std::optional<std::int64_t> after, std::size_t limit);

  // Up to query.limit rows in sort order after query.after. Served by an index of (scope, type, sort key).
  std::vector<PageRow> page(const Scope& scope, std::string_view type, const PageQuery& query);

  // Every resource of every account and region, and their tags.
  void clear();

 private:
  Database& db_;
};

// Lowercased (ASCII) copy: names and ARNs are matched case-insensitively.
std::string lowercase(std::string_view text);

}  // namespace sagebox::store
