#include "sagebox/store/resource_store.hpp"

#include <algorithm>
#include <cctype>

#include "sagebox/json.hpp"

namespace sagebox::store {

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
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
const std::string kWhereName = " WHERE scope = " + kScopeId + " AND name_key = ?";
const std::string kSelectTags = "SELECT tags FROM resources" + kWhereName;
const std::string kUpdateTags = "UPDATE resources SET tags = ?" + kWhereName;
const std::string kSelectExists = "SELECT 1 FROM resources" + kWhereName;
const std::string kSelectResource = "SELECT name, creation_ms, document FROM resources" + kWhereName;
const std::string kDeleteResource = "DELETE FROM resources" + kWhereName;
const std::string kInsertResource =
    "INSERT INTO resources (scope, name_key, name, creation_ms, document, tags) " +
    ("VALUES (" + kScopeId + ", ?, ?, ?, ?, ?)");

// Binds kScopeId's three parameters, from `first`.
Statement& bind_scope(Statement& statement, int first, const Scope& scope, std::string_view type) {
  return statement.bind(first, scope.account).bind(first + 1, scope.region).bind(first + 2, type);
}

Statement& bind_name(Statement& statement, int first, const Scope& scope, std::string_view type,
                     std::string_view name) {
  return bind_scope(statement, first, scope, type).bind(first + 3, lowercase(name));
}

// The stored tags of a resource, read inside the caller's transaction; nullopt if there is no such resource.
std::optional<std::vector<StoredTag>> stored_tags(Connection& c, const Scope& scope, std::string_view type,
                                                  std::string_view name) {
  Statement& select = bind_name(c.prepare(kSelectTags), 1, scope, type, name);
  if (!select.step()) return std::nullopt;
  std::string text = select.text(0);
  select.reset();
  return decode_tags(text);
}

void write_tags(Connection& c, const Scope& scope, std::string_view type, std::string_view name,
                const std::vector<StoredTag>& tags) {
  bind_name(c.prepare(kUpdateTags).bind(1, encode_tags(tags)), 2, scope, type, name).step();
}

}  // namespace

InsertResult ResourceStore::insert(const Scope& scope, std::string_view type, const Resource& resource,
                                   const std::vector<Tag>& tags, const std::vector<Reference>& references) {
  return db_.write([&](Connection& c) -> InsertResult {
    for (std::size_t i = 0; i < references.size(); ++i) {
      Statement& exists =
          bind_name(c.prepare(kSelectExists), 1, scope, references[i].type, references[i].name);
      const bool found = exists.step();
      exists.reset();
      if (!found) return {InsertResult::kMissingReference, i};
    }
    std::vector<StoredTag> stored;
    upsert(stored, tags);
    // Writes nothing once the scope has its row.
    bind_scope(c.prepare("INSERT OR IGNORE INTO scopes (account, region, type) VALUES (?, ?, ?)"), 1, scope,
               type)
        .step();
    try {
      bind_scope(c.prepare(kInsertResource), 1, scope, type)
          .bind(4, lowercase(resource.name))
          .bind(5, resource.name)
          .bind(6, resource.creation_ms)
          .bind(7, resource.document)
          .bind(8, encode_tags(stored))
          .step();
    } catch (const ConstraintViolation&) {
      return {InsertResult::kNameTaken};
    }
    return {InsertResult::kInserted};
  });
}

std::optional<Resource> ResourceStore::find(const Scope& scope, std::string_view type,
                                            std::string_view name) {
  return db_.read_one_statement([&](Connection& c) -> std::optional<Resource> {
    Statement& select = bind_name(c.prepare(kSelectResource), 1, scope, type, name);
    if (!select.step()) return std::nullopt;
    Resource found{select.text(0), select.integer(1), select.text(2)};
    select.reset();
    return found;
  });
}

bool ResourceStore::erase(const Scope& scope, std::string_view type, std::string_view name) {
  return db_.write([&](Connection& c) {
    bind_name(c.prepare(kDeleteResource), 1, scope, type, name).step();
    return c.changes() > 0;
  });
}

std::vector<Tag> ResourceStore::tags(const Scope& scope, std::string_view type, std::string_view name) {
  return db_.read_one_statement([&](Connection& c) {
    std::vector<Tag> found;
    if (auto stored = stored_tags(c, scope, type, name)) {
      for (StoredTag& tag : *stored) found.emplace_back(std::move(tag.key), std::move(tag.value));
    }
    return found;
  });
}

TagWrite ResourceStore::add_tags(const Scope& scope, std::string_view type, std::string_view name,
                                 const std::vector<Tag>& tags, std::size_t limit) {
  return db_.write([&](Connection& c) {
    auto stored = stored_tags(c, scope, type, name);
    if (!stored) return TagWrite::kNoResource;
    upsert(*stored, tags);
    if (stored->size() > limit) return TagWrite::kOverLimit;  // nothing written
    write_tags(c, scope, type, name, *stored);
    return TagWrite::kDone;
  });
}

bool ResourceStore::delete_tags(const Scope& scope, std::string_view type, std::string_view name,
                                const std::vector<std::string>& keys) {
  return db_.write([&](Connection& c) {
    auto stored = stored_tags(c, scope, type, name);
    if (!stored) return false;
    std::erase_if(*stored, [&](const StoredTag& tag) {
      return std::find(keys.begin(), keys.end(), tag.key) != keys.end();
    });
    write_tags(c, scope, type, name, *stored);
    return true;
  });
}

std::optional<std::vector<TagRow>> ResourceStore::tag_page(const Scope& scope, std::string_view type,
                                                           std::string_view name,
                                                           std::optional<std::int64_t> after,
                                                           std::size_t limit) {
  return db_.read_one_statement([&](Connection& c) -> std::optional<std::vector<TagRow>> {
    auto stored = stored_tags(c, scope, type, name);
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
  // its own rows, whatever the table holds; by time, the index alone answers.
  const bool by_time = query.sort == SortKey::kCreationTime;
  const char* order = query.descending ? "DESC" : "ASC";
  const char* past = query.descending ? "<" : ">";
  // kScopeId's parameters come first: 1 to 3.
  std::string sql = "SELECT name, creation_ms, name_key FROM resources WHERE scope = " + kScopeId;
  if (query.created_at_or_after_ms) sql += " AND creation_ms >= ?4";
  if (query.created_before_ms) sql += " AND creation_ms < ?5";
  if (query.after) {
    sql += by_time ? std::string(" AND (creation_ms, name_key) ") + past + " (?6, ?7)"
                   : std::string(" AND name_key ") + past + " ?7";
  }
  sql += by_time ? std::string(" ORDER BY creation_ms ") + order + ", name_key " + order
                 : std::string(" ORDER BY name_key ") + order;
  sql += " LIMIT ?8";

  return db_.read_one_statement([&](Connection& c) {
    Statement& select = bind_scope(c.prepare(sql), 1, scope, type);
    if (query.created_at_or_after_ms) select.bind(4, *query.created_at_or_after_ms);
    if (query.created_before_ms) select.bind(5, *query.created_before_ms);
    if (query.after) select.bind(6, query.after->creation_ms).bind(7, query.after->name_key);
    select.bind(8, static_cast<std::int64_t>(query.limit));
    std::vector<PageRow> rows;
    while (select.step()) {
      rows.push_back({select.text(0), select.integer(1), select.text(2)});
    }
    return rows;
  });
}

void ResourceStore::clear() {
  db_.write([](Connection& c) { c.exec("DELETE FROM resources; DELETE FROM scopes;"); });
}

}  // namespace sagebox::store
