// ResourceStore: SageMaker resources as rows of (account, region, type, lowercased name) → stored JSON document
// and tags, with the columns listing sorts and filters on indexed.
// It knows nothing of SageMaker's rules: it stores, finds, pages and deletes.
#pragma once

#include <cstdint>
#include <functional>
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

// The status of a resource with a lifecycle (an endpoint), as columns that listings filter and sort on: from
// phase_start_ms it is phase_status; from phase_end_ms on, settled_status. A deleted resource is gone from
// gone_at_ms on: no lookup, listing or insert sees it after that.
struct Lifecycle {
  std::string phase_status;
  std::int64_t phase_start_ms = 0;
  std::int64_t phase_end_ms = 0;
  std::string settled_status;
  std::optional<std::int64_t> gone_at_ms;
  // What the resource reads as from phase_end_ms on (until its next change), when that is known in advance.
  std::optional<std::string> settled_document{};
};

struct Resource {
  std::string name;  // as created, original case
  std::int64_t creation_ms = 0;
  std::string document;  // serialized JSON (as Describe returns it, for resources without a lifecycle)
  // Written by insert and replace; find reads back only phase_end_ms and settled_document.
  std::optional<Lifecycle> lifecycle;
};

using Tag = std::pair<std::string, std::string>;

// kStatus: by the status at the time of the query, then by name; only for resources with a lifecycle.
enum class SortKey { kCreationTime, kName, kStatus };

// Where the previous page stopped: the sort position of its last row.
struct Cursor {
  std::int64_t creation_ms = 0;
  std::string name_key;  // lowercased name
  std::string status;    // SortKey::kStatus only
};

struct PageQuery {
  SortKey sort = SortKey::kCreationTime;
  bool descending = true;
  std::optional<std::int64_t> created_at_or_after_ms;
  std::optional<std::int64_t> created_before_ms;
  std::optional<Cursor> after;
  std::size_t limit = 10;
  // Resources with a lifecycle: rows carry their status and last change as of the store's clock, may be
  // filtered on them, and gone ones are left out.
  bool lifecycle = false;
  std::optional<std::string> status_equals;
  std::optional<std::int64_t> modified_at_or_after_ms;
  std::optional<std::int64_t> modified_before_ms;
};

struct PageRow {
  std::string name;
  std::int64_t creation_ms;
  std::string name_key;
  std::string status;                // PageQuery::lifecycle only
  std::int64_t last_modified_ms = 0;  // PageQuery::lifecycle only
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

// A resource and where it is.
struct Located {
  Scope scope;
  std::string name;  // as created
};

struct TagRow {
  std::int64_t position;  // order of first setting; the cursor of tag pages
  std::string key;
  std::string value;
};

// A resource with where it lives and its tags: what an export of the whole state reads and an import writes.
struct PlacedResource {
  Scope scope;
  std::string type;
  Resource resource;      // replace_all writes its lifecycle; every_resource reads none back
  std::vector<Tag> tags;  // in the order they were first set
};

// Milliseconds since the epoch, now: what "gone" is measured against.
using Clock = std::function<std::int64_t()>;
std::int64_t system_clock_ms();

class ResourceStore {
 public:
  explicit ResourceStore(Database& db, Clock clock = system_clock_ms) : db_(db), clock_(std::move(clock)) {}

  // Stores a new resource with its tags in one transaction; false (and nothing written) if the name is taken
  // case-insensitively in that scope and type. A gone resource's name is free (its row is removed first).
  bool insert(const Scope& scope, std::string_view type, const Resource& resource, const std::vector<Tag>& tags);

  // The same, in one transaction with the check that every reference exists (checked first, in order): the check
  // and the insert cannot be split by a delete, and they run on the writer's warm cache.
  InsertResult insert(const Scope& scope, std::string_view type, const Resource& resource,
                      const std::vector<Tag>& tags, const std::vector<Reference>& references);

  std::optional<Resource> find(const Scope& scope, std::string_view type, std::string_view name);

  // Deletes the resource and its tags; false if there was none.
  bool erase(const Scope& scope, std::string_view type, std::string_view name);

  // Read-modify-write of one resource in one transaction: `change` receives the stored resource and returns
  // what to store instead (document and lifecycle; the name, creation time and tags stay), or nullopt to delete
  // it. False, and `change` not called, if there is no such resource. When `change` throws, nothing is written.
  bool replace(const Scope& scope, std::string_view type, std::string_view name,
               const std::function<std::optional<Resource>(const Resource&)>& change);

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

  // Up to query.limit rows in sort order after query.after. Served by an index of (scope, type, sort key), except
  // the status order, which is computed.
  std::vector<PageRow> page(const Scope& scope, std::string_view type, const PageQuery& query);

  // Every resource of `type`, in every account and region, whose phase ends at `phase_end_ms` (a lifecycle
  // that waits for an outside event gives its phase an end no clock reaches, and finds it again by it), in no
  // particular order. It reads every row of the store: for rare calls, not for the request path.
  std::vector<Located> with_phase_end(std::string_view type, std::int64_t phase_end_ms);

  // Every resource of every account and region, and their tags.
  void clear();

  // Every resource that is not gone, of every account, region and type, with its tags: ordered by account,
  // region, type and lowercased name (byte order), and read in one statement, so from one snapshot.
  std::vector<PlacedResource> every_resource();

  // Replaces every resource of every account and region with `resources`, in one transaction: all or nothing.
  // Throws ConstraintViolation, having written nothing, when two share a scope, type and lowercased name.
  void replace_all(const std::vector<PlacedResource>& resources);

  // Whether no resource (that is not gone) is stored at all.
  bool empty();

 private:
  Database& db_;
  Clock clock_;
};

// Lowercased (ASCII) copy: names and ARNs are matched case-insensitively.
std::string lowercase(std::string_view text);

}  // namespace sagebox::store
