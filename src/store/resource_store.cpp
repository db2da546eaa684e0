#include "sagebox/store/resource_store.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "sagebox/json.hpp"

namespace sagebox::store {

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::int64_t system_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool ResourceStore::insert(const Scope& scope, std::string_view type, const Resource& resource,
                           const std::vector<Tag>& tags) {
  return insert(scope, type, resource, tags, {}).outcome == InsertResult::kInserted;
}

namespace {

// A resource's tags live in its own row, as JSON: [[key, value, position], ...] in position order. Position
// is the order in which a key was first set, and the cursor of ListTags pages; it only grows, so a cursor
// stays valid across deletions.
struct StoredTag {
  std::string key;
  std::string value;
  std::int64_t position;
};

std::vector<StoredTag> decode_tags(const std::string& text) {
  std::vector<StoredTag> tags;
  for (const Json& entry : Json::parse(text)) {
    tags.push_back(
        {entry.at(0).get<std::string>(), entry.at(1).get<std::string>(), entry.at(2).get<std::int64_t>()});
  }
  return tags;
}

std::string encode_tags(const std::vector<StoredTag>& tags) {
  Json list = Json::array();
  for (const StoredTag& tag : tags) list.push_back(Json::array({tag.key, tag.value, tag.position}));
  return list.dump();
}

// Sets each tag: a key already there keeps its position and takes the new value; a new key goes last.
void upsert(std::vector<StoredTag>& stored, const std::vector<Tag>& tags) {
  for (const Tag& tag : tags) {
    auto it =
        std::find_if(stored.begin(), stored.end(), [&](const StoredTag& t) { return t.key == tag.first; });
    if (it != stored.end()) {
      it->value = tag.second;
    } else {
      stored.push_back({tag.first, tag.second, stored.empty() ? 0 : stored.back().position + 1});
    }
  }
}

// A scope is stored as the id of its (account, region, type) row in `scopes`; this subquery, bound by
// bind_scope, runs once per statement. The statements are whole strings made once: the statement cache looks
// them up by their text on every use.
const std::string kScopeId = "(SELECT id FROM scopes WHERE account = ? AND region = ? AND type = ?)";
// A gone resource (a deleted endpoint whose Deleting has passed) is as good as absent; its row goes at the next
// insert of its name.
std::string not_gone(std::string_view now_parameter) {
  return "(gone_at_ms IS NULL OR gone_at_ms > " + std::string(now_parameter) + ")";
}
const std::string kNotGone = not_gone("?");
const std::string kWhereName = " WHERE scope = " + kScopeId + " AND name_key = ? AND " + kNotGone;
const std::string kSelectTags = "SELECT tags FROM resources" + kWhereName;
const std::string kUpdateTags = "UPDATE resources SET tags = ?" + kWhereName;
const std::string kSelectExists = "SELECT 1 FROM resources" + kWhereName;
const std::string kSelectResource =
    "SELECT name, creation_ms, document, phase_end_ms, settled_document FROM resources" + kWhereName;
const std::string kDeleteResource = "DELETE FROM resources" + kWhereName;
const std::string kDeleteGone =
    "DELETE FROM resources WHERE scope = " + kScopeId + " AND name_key = ? AND gone_at_ms <= ?";
const std::string kInsertResource =
    "INSERT INTO resources (scope, name_key, name, creation_ms, document, tags, phase_status, phase_start_ms, "
    "phase_end_ms, settled_status, gone_at_ms, settled_document) " +
    ("VALUES (" + kScopeId + ", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
const std::string kSelectEveryResource =
    "SELECT scopes.account, scopes.region, scopes.type, name, creation_ms, document, tags FROM resources "
    "JOIN scopes ON scopes.id = resources.scope WHERE " + kNotGone +
    " ORDER BY scopes.account, scopes.region, scopes.type, name_key";
const std::string kSelectAnyResource = "SELECT 1 FROM resources WHERE " + kNotGone + " LIMIT 1";
const std::string kReplaceResource =
    "UPDATE resources SET document = ?, phase_status = ?, phase_start_ms = ?, phase_end_ms = ?, settled_status = ?, "
    "gone_at_ms = ?, settled_document = ?" + kWhereName;

// Binds kScopeId's three parameters, from `first`.
Statement& bind_scope(Statement& statement, int first, const Scope& scope, std::string_view type) {
  return statement.bind(first, scope.account).bind(first + 1, scope.region).bind(first + 2, type);
}

// Binds kWhereName's five parameters, from `first`.
Statement& bind_name(Statement& statement, int first, const Scope& scope, std::string_view type,
                     std::string_view name, std::int64_t now_ms) {
  return bind_scope(statement, first, scope, type).bind(first + 3, lowercase(name)).bind(first + 4, now_ms);
}

// Binds a lifecycle's six columns, from `first`; NULLs for a resource without one.
Statement& bind_lifecycle(Statement& statement, int first, const std::optional<Lifecycle>& lifecycle) {
  if (!lifecycle) {
    for (int i = 0; i < 6; ++i) statement.bind_null(first + i);
    return statement;
  }
  statement.bind(first, lifecycle->phase_status)
      .bind(first + 1, lifecycle->phase_start_ms)
      .bind(first + 2, lifecycle->phase_end_ms)
      .bind(first + 3, lifecycle->settled_status);
  if (lifecycle->gone_at_ms) {
    statement.bind(first + 4, *lifecycle->gone_at_ms);
  } else {
    statement.bind_null(first + 4);
  }
  if (lifecycle->settled_document) return statement.bind(first + 5, *lifecycle->settled_document);
  return statement.bind_null(first + 5);
}

// A row of kSelectResource.
Resource resource_of(const Statement& select) {
  Resource found{select.text(0), select.integer(1), select.text(2), std::nullopt};
  if (!select.is_null(3)) {
    found.lifecycle = Lifecycle{};
    found.lifecycle->phase_end_ms = select.integer(3);
    if (!select.is_null(4)) found.lifecycle->settled_document = select.text(4);
  }
  return found;
}

// The stored tags of a resource, read inside the caller's transaction; nullopt if there is no such resource.
std::optional<std::vector<StoredTag>> stored_tags(Connection& c, const Scope& scope, std::string_view type,
                                                  std::string_view name, std::int64_t now_ms) {
  Statement& select = bind_name(c.prepare(kSelectTags), 1, scope, type, name, now_ms);
  if (!select.step()) return std::nullopt;
  std::string text = select.text(0);
  select.reset();
  return decode_tags(text);
}

void write_tags(Connection& c, const Scope& scope, std::string_view type, std::string_view name,
                const std::vector<StoredTag>& tags, std::int64_t now_ms) {
  bind_name(c.prepare(kUpdateTags).bind(1, encode_tags(tags)), 2, scope, type, name, now_ms).step();
}

// Gives (account, region, type) its row in `scopes`; writes nothing once it has one.
void add_scope(Connection& c, const Scope& scope, std::string_view type) {
  bind_scope(c.prepare("INSERT OR IGNORE INTO scopes (account, region, type) VALUES (?, ?, ?)"), 1, scope, type)
      .step();
}

// REQUIRES: the scope has its row (add_scope). Throws ConstraintViolation when the name is taken.
void insert_row(Connection& c, const Scope& scope, std::string_view type, const Resource& resource,
                const std::vector<Tag>& tags) {
  std::vector<StoredTag> stored;
  upsert(stored, tags);
  Statement& insert = bind_scope(c.prepare(kInsertResource), 1, scope, type)
                          .bind(4, lowercase(resource.name))
                          .bind(5, resource.name)
                          .bind(6, resource.creation_ms)
                          .bind(7, resource.document)
                          .bind(8, encode_tags(stored));
  bind_lifecycle(insert, 9, resource.lifecycle).step();
}

constexpr std::string_view kDeleteEverything = "DELETE FROM resources; DELETE FROM scopes;";

}  // namespace

InsertResult ResourceStore::insert(const Scope& scope, std::string_view type, const Resource& resource,
                                   const std::vector<Tag>& tags, const std::vector<Reference>& references) {
  const std::int64_t now = clock_();
  return db_.write([&](Connection& c) -> InsertResult {
    for (std::size_t i = 0; i < references.size(); ++i) {
      Statement& exists =
          bind_name(c.prepare(kSelectExists), 1, scope, references[i].type, references[i].name, now);
      const bool found = exists.step();
      exists.reset();
      if (!found) return {InsertResult::kMissingReference, i};
    }
    add_scope(c, scope, type);
    bind_name(c.prepare(kDeleteGone), 1, scope, type, resource.name, now).step();
    try {
      insert_row(c, scope, type, resource, tags);
    } catch (const ConstraintViolation&) {
      return {InsertResult::kNameTaken};
    }
    return {InsertResult::kInserted};
  });
}

std::optional<Resource> ResourceStore::find(const Scope& scope, std::string_view type,
                                            std::string_view name) {
  const std::int64_t now = clock_();
  return db_.read_one_statement([&](Connection& c) -> std::optional<Resource> {
    Statement& select = bind_name(c.prepare(kSelectResource), 1, scope, type, name, now);
    if (!select.step()) return std::nullopt;
    Resource found = resource_of(select);
    select.reset();
    return found;
  });
}

bool ResourceStore::erase(const Scope& scope, std::string_view type, std::string_view name) {
  const std::int64_t now = clock_();
  return db_.write([&](Connection& c) {
    bind_name(c.prepare(kDeleteResource), 1, scope, type, name, now).step();
    return c.changes() > 0;
  });
}

bool ResourceStore::replace(const Scope& scope, std::string_view type, std::string_view name,
                            const std::function<std::optional<Resource>(const Resource&)>& change) {
  const std::int64_t now = clock_();
  return db_.write([&](Connection& c) {
    Statement& select = bind_name(c.prepare(kSelectResource), 1, scope, type, name, now);
    if (!select.step()) return false;
    const Resource stored = resource_of(select);
    select.reset();
    const std::optional<Resource> changed = change(stored);
    if (!changed) {
      bind_name(c.prepare(kDeleteResource), 1, scope, type, name, now).step();
      return true;
    }
    Statement& update =
        bind_lifecycle(c.prepare(kReplaceResource).bind(1, changed->document), 2, changed->lifecycle);
    bind_name(update, 8, scope, type, name, now).step();
    return true;
  });
}

std::vector<Tag> ResourceStore::tags(const Scope& scope, std::string_view type, std::string_view name) {
  const std::int64_t now = clock_();
  return db_.read_one_statement([&](Connection& c) {
    std::vector<Tag> found;
    if (auto stored = stored_tags(c, scope, type, name, now)) {
      for (StoredTag& tag : *stored) found.emplace_back(std::move(tag.key), std::move(tag.value));
    }
    return found;
  });
}

TagWrite ResourceStore::add_tags(const Scope& scope, std::string_view type, std::string_view name,
                                 const std::vector<Tag>& tags, std::size_t limit) {
  const std::int64_t now = clock_();
  return db_.write([&](Connection& c) {
    auto stored = stored_tags(c, scope, type, name, now);
    if (!stored) return TagWrite::kNoResource;
    upsert(*stored, tags);
    if (stored->size() > limit) return TagWrite::kOverLimit;  // nothing written
    write_tags(c, scope, type, name, *stored, now);
    return TagWrite::kDone;
  });
}

bool ResourceStore::delete_tags(const Scope& scope, std::string_view type, std::string_view name,
                                const std::vector<std::string>& keys) {
  const std::int64_t now = clock_();
  return db_.write([&](Connection& c) {
    auto stored = stored_tags(c, scope, type, name, now);
    if (!stored) return false;
    std::erase_if(*stored, [&](const StoredTag& tag) {
      return std::find(keys.begin(), keys.end(), tag.key) != keys.end();
    });
    write_tags(c, scope, type, name, *stored, now);
    return true;
  });
}

std::optional<std::vector<TagRow>> ResourceStore::tag_page(const Scope& scope, std::string_view type,
                                                           std::string_view name,
                                                           std::optional<std::int64_t> after,
                                                           std::size_t limit) {
  const std::int64_t now = clock_();
  return db_.read_one_statement([&](Connection& c) -> std::optional<std::vector<TagRow>> {
    auto stored = stored_tags(c, scope, type, name, now);
    if (!stored) return std::nullopt;
    std::vector<TagRow> rows;
    for (StoredTag& tag : *stored) {
      if (rows.size() == limit) break;
      if (tag.position > after.value_or(-1))
        rows.push_back({tag.position, std::move(tag.key), std::move(tag.value)});
    }
    return rows;
  });
}

std::vector<PageRow> ResourceStore::page(const Scope& scope, std::string_view type, const PageQuery& query) {
  // The ORDER BY matches an index (resources_by_name, resources_by_creation), so a page costs a range scan of
  // its own rows, whatever the table holds; by time, the index alone answers. Resources with a lifecycle also
  // read their rows, for the status at ?9.
  const char* order = query.descending ? "DESC" : "ASC";
  const char* past = query.descending ? "<" : ">";
  const std::string status = "(CASE WHEN ?9 < phase_end_ms THEN phase_status ELSE settled_status END)";
  const std::string modified = "(CASE WHEN ?9 < phase_end_ms THEN phase_start_ms ELSE phase_end_ms END)";
  // The scope's parameters are 1 to 3, numbered: an anonymous "?" after "?9" in the select list would be 10.
  std::string sql = "SELECT name, creation_ms, name_key";
  if (query.lifecycle) sql += ", " + status + ", " + modified;
  sql += " FROM resources WHERE scope = (SELECT id FROM scopes WHERE account = ?1 AND region = ?2 AND type = ?3)";
  if (query.lifecycle) sql += " AND " + not_gone("?9");
  if (query.created_at_or_after_ms) sql += " AND creation_ms >= ?4";
  if (query.created_before_ms) sql += " AND creation_ms < ?5";
  if (query.status_equals) sql += " AND " + status + " = ?10";
  if (query.modified_at_or_after_ms) sql += " AND " + modified + " >= ?11";
  if (query.modified_before_ms) sql += " AND " + modified + " < ?12";
  switch (query.sort) {
    case SortKey::kCreationTime:
      if (query.after) sql += std::string(" AND (creation_ms, name_key) ") + past + " (?6, ?7)";
      sql += std::string(" ORDER BY creation_ms ") + order + ", name_key " + order;
      break;
    case SortKey::kName:
      if (query.after) sql += std::string(" AND name_key ") + past + " ?7";
      sql += std::string(" ORDER BY name_key ") + order;
      break;
    case SortKey::kStatus:
      if (query.after) sql += " AND (" + status + ", name_key) " + past + " (?13, ?7)";
      sql += " ORDER BY " + status + " " + order + ", name_key " + order;
      break;
  }
  sql += " LIMIT ?8";

  const std::int64_t now = clock_();
  return db_.read_one_statement([&](Connection& c) {
    Statement& select = bind_scope(c.prepare(sql), 1, scope, type);
    if (query.created_at_or_after_ms) select.bind(4, *query.created_at_or_after_ms);
    if (query.created_before_ms) select.bind(5, *query.created_before_ms);
    if (query.after) {
      select.bind(6, query.after->creation_ms).bind(7, query.after->name_key);
      if (query.sort == SortKey::kStatus) select.bind(13, query.after->status);
    }
    select.bind(8, static_cast<std::int64_t>(query.limit));
    if (query.lifecycle) select.bind(9, now);
    if (query.status_equals) select.bind(10, *query.status_equals);
    if (query.modified_at_or_after_ms) select.bind(11, *query.modified_at_or_after_ms);
    if (query.modified_before_ms) select.bind(12, *query.modified_before_ms);
    std::vector<PageRow> rows;
    while (select.step()) {
      PageRow row{select.text(0), select.integer(1), select.text(2), "", 0};
      if (query.lifecycle) {
        row.status = select.text(3);
        row.last_modified_ms = select.integer(4);
      }
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

std::vector<Located> ResourceStore::with_phase_end(std::string_view type, std::int64_t phase_end_ms) {
  return db_.read_one_statement([&](Connection& c) {
    Statement& select = c.prepare(
        "SELECT scopes.account, scopes.region, resources.name FROM resources JOIN scopes ON scopes.id = "
        "resources.scope WHERE scopes.type = ? AND resources.phase_end_ms = ?");
    select.bind(1, type).bind(2, phase_end_ms);
    std::vector<Located> found;
    while (select.step()) found.push_back({{select.text(0), select.text(1)}, select.text(2)});
    return found;
  });
}

void ResourceStore::clear() {
  db_.write([](Connection& c) { c.exec(kDeleteEverything); });
}

std::vector<PlacedResource> ResourceStore::every_resource() {
  const std::int64_t now = clock_();
  return db_.read_one_statement([&](Connection& c) {
    Statement& select = c.prepare(kSelectEveryResource).bind(1, now);
    std::vector<PlacedResource> found;
    while (select.step()) {
      PlacedResource placed{{select.text(0), select.text(1)},
                            select.text(2),
                            {select.text(3), select.integer(4), select.text(5), std::nullopt},
                            {}};
      for (StoredTag& tag : decode_tags(select.text(6))) placed.tags.emplace_back(std::move(tag.key), std::move(tag.value));
      found.push_back(std::move(placed));
    }
    return found;
  });
}

void ResourceStore::replace_all(const std::vector<PlacedResource>& resources) {
  db_.write([&](Connection& c) {
    c.exec(kDeleteEverything);
    for (const PlacedResource& placed : resources) {
      add_scope(c, placed.scope, placed.type);
      insert_row(c, placed.scope, placed.type, placed.resource, placed.tags);
    }
  });
}

bool ResourceStore::empty() {
  const std::int64_t now = clock_();
  return db_.read_one_statement([&](Connection& c) {
    Statement& select = c.prepare(kSelectAnyResource).bind(1, now);
    const bool any = select.step();
    select.reset();
    return !any;
  });
}

}  // namespace sagebox::store
