#include "sagebox/store/resource_store.hpp"

#include <cctype>

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

InsertResult ResourceStore::insert(const Scope& scope, std::string_view type, const Resource& resource,
                                   const std::vector<Tag>& tags, const std::vector<Reference>& references) {
  return db_.write([&](Connection& c) -> InsertResult {
    for (std::size_t i = 0; i < references.size(); ++i) {
      Statement& exists =
          c.prepare("SELECT 1 FROM resources WHERE account = ? AND region = ? AND type = ? AND name_key = ?");
      exists.bind(1, scope.account).bind(2, scope.region).bind(3, references[i].type);
      exists.bind(4, lowercase(references[i].name));
      const bool found = exists.step();
      exists.reset();
      if (!found) return {InsertResult::kMissingReference, i};
    }
    try {
      c.prepare(
           "INSERT INTO resources (account, region, type, name_key, name, arn, creation_ms, document) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
          .bind(1, scope.account)
          .bind(2, scope.region)
          .bind(3, type)
          .bind(4, lowercase(resource.name))
          .bind(5, resource.name)
          .bind(6, resource.arn)
          .bind(7, resource.creation_ms)
          .bind(8, resource.document)
          .step();
    } catch (const ConstraintViolation&) {
      return {InsertResult::kNameTaken};
    }
    const std::string arn_key = lowercase(resource.arn);
    // A resource created under a name that was used before starts with no tags.
    c.prepare("DELETE FROM tags WHERE arn_key = ?").bind(1, arn_key).step();
    std::int64_t position = 0;
    for (const auto& [key, value] : tags) {
      c.prepare(
           "INSERT INTO tags (arn_key, key, value, position) VALUES (?, ?, ?, ?) "
           "ON CONFLICT (arn_key, key) DO UPDATE SET value = excluded.value")
          .bind(1, arn_key)
          .bind(2, key)
          .bind(3, value)
          .bind(4, position++)
          .step();
    }
    return {InsertResult::kInserted};
  });
}

std::optional<Resource> ResourceStore::find(const Scope& scope, std::string_view type, std::string_view name) {
  return db_.read_one_statement([&](Connection& c) -> std::optional<Resource> {
    Statement& select = c.prepare(
        "SELECT name, arn, creation_ms, document FROM resources "
        "WHERE account = ? AND region = ? AND type = ? AND name_key = ?");
    select.bind(1, scope.account).bind(2, scope.region).bind(3, type).bind(4, lowercase(name));
    if (!select.step()) return std::nullopt;
    Resource found{select.text(0), select.text(1), select.integer(2), select.text(3)};
    select.reset();
    return found;
  });
}

bool ResourceStore::erase(const Scope& scope, std::string_view type, std::string_view name) {
  return db_.write([&](Connection& c) {
    Statement& remove = c.prepare(
        "DELETE FROM resources WHERE account = ? AND region = ? AND type = ? AND name_key = ? RETURNING arn");
    remove.bind(1, scope.account).bind(2, scope.region).bind(3, type).bind(4, lowercase(name));
    if (!remove.step()) return false;
    const std::string arn_key = lowercase(remove.text(0));
    remove.reset();
    c.prepare("DELETE FROM tags WHERE arn_key = ?").bind(1, arn_key).step();
    return true;
  });
}

std::vector<Tag> ResourceStore::tags(std::string_view arn) {
  return db_.read_one_statement([&](Connection& c) {
    Statement& select = c.prepare("SELECT key, value FROM tags WHERE arn_key = ? ORDER BY position, key");
    select.bind(1, lowercase(arn));
    std::vector<Tag> found;
    while (select.step()) found.emplace_back(select.text(0), select.text(1));
    return found;
  });
}

namespace {

// The ARN of a resource, read inside the caller's transaction; nullopt if there is no such resource.
std::optional<std::string> arn_key_of(Connection& c, const Scope& scope, std::string_view type, std::string_view name) {
  Statement& select =
      c.prepare("SELECT arn FROM resources WHERE account = ? AND region = ? AND type = ? AND name_key = ?");
  select.bind(1, scope.account).bind(2, scope.region).bind(3, type).bind(4, lowercase(name));
  if (!select.step()) return std::nullopt;
  std::string arn = lowercase(select.text(0));
  select.reset();
  return arn;
}

struct OverLimit {};

}  // namespace

TagWrite ResourceStore::add_tags(const Scope& scope, std::string_view type, std::string_view name,
                                 const std::vector<Tag>& tags, std::size_t limit) {
  try {
    return db_.write([&](Connection& c) {
      auto arn_key = arn_key_of(c, scope, type, name);
      if (!arn_key) return TagWrite::kNoResource;
      for (const auto& [key, value] : tags) {
        c.prepare(
             "INSERT INTO tags (arn_key, key, value, position) "
             "VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), -1) + 1 FROM tags WHERE arn_key = ?1)) "
             "ON CONFLICT (arn_key, key) DO UPDATE SET value = excluded.value")
            .bind(1, *arn_key)
            .bind(2, key)
            .bind(3, value)
            .step();
      }
      Statement& count = c.prepare("SELECT count(*) FROM tags WHERE arn_key = ?");
      count.bind(1, *arn_key).step();
      const auto total = static_cast<std::size_t>(count.integer(0));
      count.reset();
      // Throwing out of the transaction rolls every upsert back.
      if (total > limit) throw OverLimit{};
      return TagWrite::kDone;
    });
  } catch (const OverLimit&) {
    return TagWrite::kOverLimit;
  }
}

bool ResourceStore::delete_tags(const Scope& scope, std::string_view type, std::string_view name,
                                const std::vector<std::string>& keys) {
  return db_.write([&](Connection& c) {
    auto arn_key = arn_key_of(c, scope, type, name);
    if (!arn_key) return false;
    for (const std::string& key : keys) {
      c.prepare("DELETE FROM tags WHERE arn_key = ? AND key = ?").bind(1, *arn_key).bind(2, key).step();
    }
    return true;
  });
}

std::optional<std::vector<TagRow>> ResourceStore::tag_page(const Scope& scope, std::string_view type,
                                                           std::string_view name, std::optional<std::int64_t> after,
                                                           std::size_t limit) {
  return db_.read([&](Connection& c) -> std::optional<std::vector<TagRow>> {
    auto arn_key = arn_key_of(c, scope, type, name);
    if (!arn_key) return std::nullopt;
    Statement& select = c.prepare(
        "SELECT position, key, value FROM tags WHERE arn_key = ? AND position > ? ORDER BY position LIMIT ?");
    select.bind(1, *arn_key).bind(2, after.value_or(-1)).bind(3, static_cast<std::int64_t>(limit));
    std::vector<TagRow> rows;
    while (select.step()) rows.push_back({select.integer(0), select.text(1), select.text(2)});
    return rows;
  });
}

std::vector<PageRow> ResourceStore::page(const Scope& scope, std::string_view type, const PageQuery& query) {
  // The ORDER BY matches an index (resources_by_name, resources_by_creation), so a page costs a range scan of its
  // own rows, whatever the table holds; by time, the index alone answers.
  const bool by_time = query.sort == SortKey::kCreationTime;
  const char* order = query.descending ? "DESC" : "ASC";
  const char* past = query.descending ? "<" : ">";
  std::string sql =
      "SELECT name, creation_ms, name_key FROM resources WHERE account = ?1 AND region = ?2 AND type = ?3";
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
    Statement& select = c.prepare(sql);
    select.bind(1, scope.account).bind(2, scope.region).bind(3, type);
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
  db_.write([](Connection& c) {
    c.exec("DELETE FROM resources");
    c.exec("DELETE FROM tags");
  });
}

}  // namespace sagebox::store
