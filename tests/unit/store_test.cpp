#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <limits>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "sagebox/store/database.hpp"
#include "sagebox/store/resource_store.hpp"

namespace sagebox::store {
namespace {

const Scope kScope{"123456789012", "us-east-1"};

Resource resource(std::string name, std::int64_t created) {
  return {name, created, "{}", std::nullopt};
}

std::vector<std::string> names(const std::vector<PageRow>& rows) {
  std::vector<std::string> out;
  for (const auto& row : rows) out.push_back(row.name);
  return out;
}

std::int64_t schema_version(Database& db) {
  return db.read_one_statement([](Connection& c) {
    Statement& version = c.prepare("PRAGMA user_version");
    version.step();
    const std::int64_t value = version.integer(0);
    version.reset();
    return value;
  });
}

// Writes a database file by hand, as an earlier sagebox left it.
void write_raw_file(const std::string& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
  sqlite3_close(raw);
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("sagebox-store-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

TEST(ResourceStore, InsertFindEraseCaseInsensitively) {
  Database db("");
  ResourceStore store(db);
  EXPECT_TRUE(store.insert(kScope, "model", resource("My-Model", 1), {}));
  EXPECT_FALSE(store.insert(kScope, "model", resource("my-model", 2), {}));
  auto found = store.find(kScope, "model", "MY-MODEL");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "My-Model");
  EXPECT_EQ(found->creation_ms, 1);
  EXPECT_FALSE(store.find(kScope, "endpoint-config", "my-model"));
  EXPECT_FALSE(store.find({"123456789012", "eu-west-1"}, "model", "my-model"));
  EXPECT_TRUE(store.erase(kScope, "model", "my-MODEL"));
  EXPECT_FALSE(store.erase(kScope, "model", "my-model"));
  EXPECT_TRUE(store.insert(kScope, "model", resource("my-model", 3), {}));
}

TEST(ResourceStore, PagesInEitherOrderWithCursors) {
  Database db("");
  ResourceStore store(db);
  store.insert(kScope, "model", resource("b", 20), {});
  store.insert(kScope, "model", resource("a", 30), {});
  store.insert(kScope, "model", resource("c", 10), {});
  store.insert(kScope, "model", resource("d", 20), {});  // same millisecond as b: the name breaks the tie
  PageQuery query;
  EXPECT_EQ(names(store.page(kScope, "model", query)), (std::vector<std::string>{"a", "d", "b", "c"}));
  query.descending = false;
  EXPECT_EQ(names(store.page(kScope, "model", query)), (std::vector<std::string>{"c", "b", "d", "a"}));
  query.limit = 2;
  auto first = store.page(kScope, "model", query);
  query.after = Cursor{first.back().creation_ms, first.back().name_key, ""};
  EXPECT_EQ(names(store.page(kScope, "model", query)), (std::vector<std::string>{"d", "a"}));

  PageQuery by_name;
  by_name.sort = SortKey::kName;
  by_name.descending = false;
  by_name.after = Cursor{0, "b", ""};
  EXPECT_EQ(names(store.page(kScope, "model", by_name)), (std::vector<std::string>{"c", "d"}));

  PageQuery window;
  window.created_at_or_after_ms = 20;
  window.created_before_ms = 30;
  EXPECT_EQ(names(store.page(kScope, "model", window)), (std::vector<std::string>{"d", "b"}));
}

TEST(ResourceStore, TagsAreStoredWithTheResourceAndGoWithIt) {
  Database db("");
  ResourceStore store(db);
  Resource m = resource("m", 1);
  store.insert(kScope, "model", m, {{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(store.tags(kScope, "model", "m"), (std::vector<Tag>{{"b", "2"}, {"a", "1"}}));
  EXPECT_EQ(store.tags(kScope, "model", "M").size(), 2u);
  store.erase(kScope, "model", "m");
  EXPECT_TRUE(store.tags(kScope, "model", "m").empty());
  store.insert(kScope, "model", m, {});
  EXPECT_TRUE(store.tags(kScope, "model", "m").empty());
}

TEST(ResourceStore, ClearRemovesEveryScope) {
  Database db("");
  ResourceStore store(db);
  store.insert(kScope, "model", resource("a", 1), {{"k", "v"}});
  store.insert({"111122223333", "eu-west-1"}, "model", resource("a", 1), {});
  store.clear();
  EXPECT_FALSE(store.find(kScope, "model", "a"));
  EXPECT_FALSE(store.find({"111122223333", "eu-west-1"}, "model", "a"));
}

TEST(Database, FileSurvivesReopenWithItsSecretAndSchemaVersion) {
  TempDir dir;
  std::string secret;
  {
    Database db(dir.file("state.db"));
    secret = db.secret();
    EXPECT_EQ(secret.size(), 64u);
    ResourceStore(db).insert(kScope, "model", resource("kept", 5), {});
  }
  Database db(dir.file("state.db"));
  EXPECT_EQ(db.secret(), secret);
  EXPECT_TRUE(ResourceStore(db).find(kScope, "model", "kept"));
  EXPECT_EQ(schema_version(db), 5);
}

// The tables of the first release (schema 1: documents keyed by name).
constexpr const char* kVersionOneTables = R"sql(
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE resources (account TEXT NOT NULL, region TEXT NOT NULL, type TEXT NOT NULL,
        name_key TEXT NOT NULL, name TEXT NOT NULL, arn TEXT NOT NULL, creation_ms INTEGER NOT NULL,
        document TEXT NOT NULL, PRIMARY KEY (account, region, type, name_key)) WITHOUT ROWID;
      CREATE INDEX resources_by_creation ON resources (account, region, type, creation_ms, name_key);
      CREATE TABLE tags (arn_key TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, position INTEGER NOT NULL,
        PRIMARY KEY (arn_key, key)) WITHOUT ROWID;
    )sql";

// A file written by the first release opens with its resources, tags and
// secret, and behaves as a new one: listing, name uniqueness regardless of case, tags.
TEST(Database, VersionOneFileIsMigratedWithItsData) {
  TempDir dir;
  const std::string path = dir.file("v1.db");
  write_raw_file(path, std::string(kVersionOneTables) + R"sql(
      INSERT INTO meta VALUES ('secret', 'old-secret');
      INSERT INTO resources VALUES ('123456789012', 'us-east-1', 'model', 'older', 'Older',
        'arn:aws:sagemaker:us-east-1:123456789012:model/older', 1, '{"ModelName":"Older"}');
      INSERT INTO resources VALUES ('123456789012', 'us-east-1', 'model', 'newer', 'newer',
        'arn:aws:sagemaker:us-east-1:123456789012:model/newer', 2, '{"ModelName":"newer"}');
      INSERT INTO tags VALUES ('arn:aws:sagemaker:us-east-1:123456789012:model/older', 'team', 'ml', 0);
      PRAGMA user_version = 1;
    )sql");
  Database db(path);
  ResourceStore store(db);
  EXPECT_EQ(db.secret(), "old-secret");
  auto older = store.find(kScope, "model", "OLDER");
  ASSERT_TRUE(older);
  EXPECT_EQ(older->name, "Older");
  EXPECT_EQ(older->document, "{\"ModelName\":\"Older\"}");
  EXPECT_EQ(store.tags(kScope, "model", "older"), (std::vector<Tag>{{"team", "ml"}}));
  PageQuery query;
  EXPECT_EQ(names(store.page(kScope, "model", query)), (std::vector<std::string>{"newer", "Older"}));
  query.sort = SortKey::kName;
  query.descending = false;
  EXPECT_EQ(names(store.page(kScope, "model", query)), (std::vector<std::string>{"newer", "Older"}));
  EXPECT_FALSE(store.insert(kScope, "model", resource("NEWER", 3), {}));
  EXPECT_TRUE(store.insert(kScope, "model", resource("third", 3), {}));
}

// A file of schema 4 (scopes as small integers, tags in their resource's row, no lifecycle columns) opens at
// schema 5 with its rows as they were, and then holds an endpoint with a lifecycle beside them.
TEST(Database, VersionFourFileIsMigratedAndThenHoldsLifecycles) {
  TempDir dir;
  const std::string path = dir.file("v4.db");
  write_raw_file(path, R"sql(
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE scopes (id INTEGER PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, type TEXT NOT NULL,
        UNIQUE (account, region, type));
      CREATE TABLE resources (scope INTEGER NOT NULL REFERENCES scopes (id), name_key TEXT NOT NULL,
        name TEXT NOT NULL, creation_ms INTEGER NOT NULL, document TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '[]');
      CREATE UNIQUE INDEX resources_by_name ON resources (scope, name_key);
      CREATE INDEX resources_by_creation ON resources (scope, creation_ms, name_key, name);
      INSERT INTO meta VALUES ('secret', 'v4-secret');
      INSERT INTO scopes VALUES (1, '123456789012', 'us-east-1', 'model'), (2, '123456789012', 'us-east-1',
        'endpoint-config');
      INSERT INTO resources VALUES (1, 'older', 'Older', 1, '{"ModelName":"Older"}', '[["team","ml",0],["x","",2]]');
      INSERT INTO resources (scope, name_key, name, creation_ms, document) VALUES
        (1, 'newer', 'newer', 2, '{"ModelName":"newer"}'), (2, 'cfg', 'Cfg', 3, '{"EndpointConfigName":"Cfg"}');
      PRAGMA user_version = 4;
    )sql");
  Database db(path);
  std::int64_t now = 1000;
  ResourceStore store(db, [&] { return now; });
  EXPECT_EQ(schema_version(db), 5);
  EXPECT_EQ(db.secret(), "v4-secret");
  auto older = store.find(kScope, "model", "OLDER");
  ASSERT_TRUE(older);
  EXPECT_EQ(older->name, "Older");
  EXPECT_EQ(older->creation_ms, 1);
  EXPECT_EQ(older->document, "{\"ModelName\":\"Older\"}");
  EXPECT_EQ(store.tags(kScope, "model", "older"), (std::vector<Tag>{{"team", "ml"}, {"x", ""}}));
  EXPECT_EQ(store.find(kScope, "endpoint-config", "cfg")->document, "{\"EndpointConfigName\":\"Cfg\"}");
  PageQuery query;
  EXPECT_EQ(names(store.page(kScope, "model", query)), (std::vector<std::string>{"newer", "Older"}));
  // A new tag goes after the highest position the file held.
  EXPECT_EQ(store.add_tags(kScope, "model", "older", {{"new", "1"}}, 50), TagWrite::kDone);
  EXPECT_EQ(store.tag_page(kScope, "model", "older", 0, 10)->back().position, 3);
  EXPECT_FALSE(store.insert(kScope, "model", resource("NEWER", 4), {}));

  // An endpoint with a lifecycle, in a scope the file did not have.
  ASSERT_TRUE(store.insert(kScope, "endpoint",
                           {"Ep", 1000, "{}", Lifecycle{"Creating", 1000, 1500, "InService", {}}},
                           {{"k", "v"}}));
  PageQuery endpoints;
  endpoints.lifecycle = true;
  now = 1499;
  auto rows = store.page(kScope, "endpoint", endpoints);
  ASSERT_EQ(names(rows), (std::vector<std::string>{"Ep"}));
  EXPECT_EQ(rows[0].status, "Creating");
  now = 1500;
  EXPECT_EQ(store.page(kScope, "endpoint", endpoints)[0].status, "InService");
  ASSERT_TRUE(store.replace(kScope, "endpoint", "ep", [](const Resource& r) -> std::optional<Resource> {
    return Resource{r.name, r.creation_ms, "{}", Lifecycle{"Deleting", 2000, 2500, "", 2500}};
  }));
  now = 2500;
  EXPECT_FALSE(store.find(kScope, "endpoint", "ep"));
  // The migrated rows have no lifecycle, so they are never gone.
  now = 9'000'000'000'000;
  EXPECT_TRUE(store.find(kScope, "model", "older"));
  EXPECT_TRUE(store.find(kScope, "endpoint-config", "cfg"));
}

// Every table's columns (name, type, NOT NULL, default, key) and every index's columns, in order.
std::vector<std::string> schema_shape(Database& db) {
  return db.read_one_statement([](Connection& c) {
    std::vector<std::string> shape;
    Statement& objects = c.prepare(
        "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
    std::vector<std::array<std::string, 3>> found;
    while (objects.step()) found.push_back({objects.text(0), objects.text(1), objects.text(2)});
    objects.reset();
    for (const auto& [type, name, table] : found) {
      const std::string pragma = type == "table" ? "PRAGMA table_info(" + name + ")" : "PRAGMA index_xinfo(" + name + ")";
      Statement& columns = c.prepare(pragma);
      while (columns.step()) {
        std::string line = type + " " + table + "." + name + ":";
        for (int i = 0; i < 6; ++i) line += " " + (columns.is_null(i) ? std::string("NULL") : columns.text(i));
        shape.push_back(line);
      }
      columns.reset();
    }
    return shape;
  });
}

// A new database is made from the current schema at once, not by replaying the migrations; both must agree.
TEST(Database, ANewDatabaseHasTheShapeTheMigrationsBuild) {
  TempDir dir;
  const std::string migrated_path = dir.file("migrated.db");
  write_raw_file(migrated_path, std::string(kVersionOneTables) + "PRAGMA user_version = 1;");
  Database migrated(migrated_path);
  Database fresh(dir.file("fresh.db"));
  Database in_memory("");
  const std::vector<std::string> shape = schema_shape(migrated);
  EXPECT_GT(shape.size(), 15u);
  EXPECT_EQ(schema_shape(fresh), shape);
  EXPECT_EQ(schema_shape(in_memory), shape);
  EXPECT_EQ(schema_version(fresh), schema_version(migrated));
}

TEST(Database, SecretsDifferBetweenDatabases) {
  Database a("");
  Database b("");
  EXPECT_NE(a.secret(), b.secret());
}

TEST(Database, RejectsANewerSchema) {
  TempDir dir;
  { Database db(dir.file("state.db")); db.write([](Connection& c) { c.exec("PRAGMA user_version = 99"); }); }
  EXPECT_THROW(Database(dir.file("state.db")), std::runtime_error);
}

// The writer never copies the WAL back itself (its requests would wait for the copy and its fsyncs); the
// checkpointer thread does, even under a steady stream of writes, so the WAL stays bounded and starts over.
TEST(Database, WalIsCopiedBackWhileWritesContinue) {
  TempDir dir;
  const std::string path = dir.file("busy.db");
  Database db(path);
  ResourceStore store(db);
  const std::string document(600, 'x');
  std::uintmax_t largest_wal = 0;
  for (int i = 0; i < 30000; ++i) {
    Resource r = resource("r" + std::to_string(i), i);
    r.document = document;
    ASSERT_TRUE(store.insert(kScope, "model", r, {{"k", "v"}}));
    if (i % 500 == 0) largest_wal = std::max(largest_wal, std::filesystem::file_size(path + "-wal"));
  }
  // About 100,000 pages of 1 KiB were written: without the copies the WAL would be over 100 MB by now. The
  // checkpointer lets it reach 16,000 pages before it holds writes back for a final copy, and stops copying beside
  // the writer at 32,000 (~33 MB), however short of CPU it is.
  EXPECT_LT(largest_wal, 60u * 1024 * 1024);
  EXPECT_GT(std::filesystem::file_size(path), 15u * 1024 * 1024);  // the copies reached the database file
  EXPECT_TRUE(store.find(kScope, "model", "r29999"));
}

TEST(Database, FailedWriteRollsBack) {
  Database db("");
  ResourceStore store(db);
  EXPECT_THROW(db.write([](Connection& c) {
    c.exec("INSERT INTO meta (key, value) VALUES ('probe', 'x')");
    throw std::runtime_error("abandon");
  }),
               std::runtime_error);
  EXPECT_EQ(db.read_one_statement([](Connection& c) {
              Statement& s = c.prepare("SELECT count(*) FROM meta WHERE key = 'probe'");
              s.step();
              return s.integer(0);
            }),
            0);
}

TEST(Database, ConcurrentWritersAndReadersNeverSeeLocks) {
  TempDir dir;
  Database db(dir.file("state.db"));
  ResourceStore store(db);
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (store.insert(kScope, "model", resource("m" + std::to_string(t) + "-" + std::to_string(i), i), {})) {
          ++created;
        }
        store.find(kScope, "model", "m0-0");
        store.page(kScope, "model", PageQuery{});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(created.load(), 200);
}

// The WAL's writes of a transaction are held in memory until its last frame (wal_batching_vfs): an acknowledged
// write must be in the file when write() returns, so a process killed right after loses none of them.
TEST(Database, AcknowledgedWritesSurviveAnAbruptExit) {
  TempDir dir;
  const std::string path = dir.file("killed.db");
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    // No destructors, no close, no checkpoint: as if killed.
    Database db(path);
    ResourceStore store(db);
    for (int i = 0; i < 300; ++i) {
      if (!store.insert(kScope, "model", resource("m" + std::to_string(i), i), {{"k", std::to_string(i)}})) _exit(2);
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  Database db(path);
  ResourceStore store(db);
  PageQuery everything;
  everything.limit = 1000;
  EXPECT_EQ(store.page(kScope, "model", everything).size(), 300u);
  EXPECT_EQ(store.tags(kScope, "model", "m299"), (std::vector<Tag>{{"k", "299"}}));
}

// A transaction larger than SQLite's page cache (it spills pages into the WAL before the commit, and reads them
// back) and larger than what the WAL writer holds at once: committed whole, or when it throws, not at all.
TEST(Database, TransactionsLargerThanTheCacheCommitOrRollBackWhole) {
  TempDir dir;
  Database db(dir.file("large.db"));
  ResourceStore store(db);
  const std::string document(700, 'd');
  auto insert_many = [&](Connection& c, const std::string& prefix) {
    for (int i = 0; i < 6000; ++i) {
      c.prepare("INSERT INTO meta (key, value) VALUES (?, ?)").bind(1, prefix + std::to_string(i)).bind(2, document).step();
    }
  };
  auto count = [&](const std::string& prefix) {
    return db.read_one_statement([&](Connection& c) {
      Statement& s = c.prepare("SELECT count(*) FROM meta WHERE key LIKE ?");
      s.bind(1, prefix + "%").step();
      return s.integer(0);
    });
  };
  EXPECT_THROW(db.write([&](Connection& c) {
    insert_many(c, "abandoned-");
    throw std::runtime_error("abandon");
  }),
               std::runtime_error);
  EXPECT_EQ(count("abandoned-"), 0);
  db.write([&](Connection& c) { insert_many(c, "kept-"); });
  EXPECT_EQ(count("kept-"), 6000);
  EXPECT_TRUE(store.insert(kScope, "model", resource("after", 1), {}));
  EXPECT_TRUE(store.find(kScope, "model", "after"));
}

}  // namespace
}  // namespace sagebox::store

namespace sagebox::store {
namespace {

// Resources with a lifecycle: listed with their status and last change at the query's time, filtered and
// sorted by them; gone ones are invisible to every lookup and free their name.
class LifecycleStore : public ::testing::Test {
 protected:
  LifecycleStore() : store(db, [this] { return now; }) {}

  static Resource endpoint(std::string name, std::int64_t created, Lifecycle lifecycle) {
    return {std::move(name), created, "{}", std::move(lifecycle)};
  }
  std::vector<PageRow> rows(PageQuery query) {
    query.lifecycle = true;
    return store.page(kScope, "endpoint", query);
  }

  Database db{""};
  std::int64_t now = 1000;
  ResourceStore store;
};

TEST_F(LifecycleStore, StatusAndLastModifiedFollowTheClock) {
  ASSERT_TRUE(store.insert(kScope, "endpoint", endpoint("a", 1000, {"Creating", 1000, 1500, "InService", {}}), {}));
  ASSERT_TRUE(store.insert(kScope, "endpoint", endpoint("b", 1001, {"Creating", 1001, 1001, "InService", {}}), {}));
  now = 1001;
  auto listed = rows({});
  ASSERT_EQ(names(listed), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(listed[0].status, "InService");
  EXPECT_EQ(listed[0].last_modified_ms, 1001);
  EXPECT_EQ(listed[1].status, "Creating");
  EXPECT_EQ(listed[1].last_modified_ms, 1000);
  now = 1499;
  EXPECT_EQ(rows({})[1].status, "Creating");
  now = 1500;
  listed = rows({});
  EXPECT_EQ(listed[1].status, "InService");
  EXPECT_EQ(listed[1].last_modified_ms, 1500);

  PageQuery in_service;
  in_service.status_equals = "InService";
  now = 1200;
  EXPECT_EQ(names(rows(in_service)), (std::vector<std::string>{"b"}));
  PageQuery modified;
  modified.modified_at_or_after_ms = 1001;
  EXPECT_EQ(names(rows(modified)), (std::vector<std::string>{"b"}));
  modified.modified_at_or_after_ms.reset();
  modified.modified_before_ms = 1001;
  EXPECT_EQ(names(rows(modified)), (std::vector<std::string>{"a"}));

  PageQuery by_status;
  by_status.sort = SortKey::kStatus;
  by_status.descending = false;
  by_status.limit = 1;
  listed = rows(by_status);
  ASSERT_EQ(names(listed), (std::vector<std::string>{"a"}));  // Creating < InService
  by_status.after = Cursor{listed[0].creation_ms, listed[0].name_key, listed[0].status};
  EXPECT_EQ(names(rows(by_status)), (std::vector<std::string>{"b"}));
}

TEST_F(LifecycleStore, GoneIsAbsentEverywhereAndFreesTheName) {
  ASSERT_TRUE(store.insert(kScope, "endpoint", endpoint("e", 1000, {"Creating", 1000, 1000, "InService", {}}),
                           {{"k", "v"}}));
  ASSERT_TRUE(store.replace(kScope, "endpoint", "E", [](const Resource& r) -> std::optional<Resource> {
    return Resource{r.name, r.creation_ms, "{\"deleting\":true}", Lifecycle{"Deleting", 1000, 2000, "", 2000}};
  }));
  now = 1999;
  EXPECT_EQ(store.find(kScope, "endpoint", "e")->document, "{\"deleting\":true}");
  EXPECT_EQ(rows({})[0].status, "Deleting");
  EXPECT_EQ(store.tags(kScope, "endpoint", "e"), (std::vector<Tag>{{"k", "v"}}));
  EXPECT_FALSE(store.insert(kScope, "endpoint", endpoint("e", 1999, {"Creating", 1999, 1999, "InService", {}}), {}));
  now = 2000;
  EXPECT_FALSE(store.find(kScope, "endpoint", "e"));
  EXPECT_TRUE(rows({}).empty());
  EXPECT_FALSE(store.tag_page(kScope, "endpoint", "e", std::nullopt, 10));
  EXPECT_FALSE(store.erase(kScope, "endpoint", "e"));
  EXPECT_FALSE(store.replace(kScope, "endpoint", "e", [](const Resource& r) { return std::optional<Resource>(r); }));
  ASSERT_TRUE(store.insert(kScope, "endpoint", endpoint("e", 2000, {"Creating", 2000, 2000, "InService", {}}), {}));
  EXPECT_EQ(store.find(kScope, "endpoint", "e")->creation_ms, 2000);
  EXPECT_TRUE(store.tags(kScope, "endpoint", "e").empty());  // the old endpoint's tags went with it
}

TEST_F(LifecycleStore, ReplaceRollsBackWhenTheChangeThrowsAndDeletesOnNullopt) {
  ASSERT_TRUE(store.insert(kScope, "endpoint", endpoint("e", 1000, {"Creating", 1000, 1000, "InService", {}}), {}));
  EXPECT_THROW(store.replace(kScope, "endpoint", "e",
                             [](const Resource&) -> std::optional<Resource> { throw std::runtime_error("no"); }),
               std::runtime_error);
  EXPECT_EQ(store.find(kScope, "endpoint", "e")->document, "{}");
  EXPECT_TRUE(store.replace(kScope, "endpoint", "e", [](const Resource&) { return std::optional<Resource>(); }));
  EXPECT_FALSE(store.find(kScope, "endpoint", "e"));
}

TEST_F(LifecycleStore, WithPhaseEndFindsRowsOfItsTypeInEveryScope) {
  constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  const Scope elsewhere{"111122223333", "eu-west-1"};
  ASSERT_TRUE(store.insert(kScope, "endpoint", endpoint("Held", 1000, {"Creating", 1000, kNever, "InService", {}}), {}));
  ASSERT_TRUE(store.insert(elsewhere, "endpoint", endpoint("h2", 1000, {"Deleting", 1000, kNever, "", kNever}), {}));
  ASSERT_TRUE(store.insert(kScope, "endpoint", endpoint("ends", 1000, {"Creating", 1000, 1500, "InService", {}}), {}));
  ASSERT_TRUE(store.insert(kScope, "other", endpoint("x", 1000, {"Creating", 1000, kNever, "InService", {}}), {}));
  ASSERT_TRUE(store.insert(kScope, "model", {"m", 1000, "{}", std::nullopt}, {}));
  std::vector<std::string> found;
  for (const Located& row : store.with_phase_end("endpoint", kNever)) {
    found.push_back(row.scope.account + "/" + row.scope.region + "/" + row.name);
  }
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{"111122223333/eu-west-1/h2", "123456789012/us-east-1/Held"}));
  EXPECT_EQ(store.with_phase_end("endpoint", 1500).size(), 1u);
  EXPECT_TRUE(store.with_phase_end("model", kNever).empty());
}

// The whole state: read in one order whatever order it was written in, and replaced all at once or not at all.
TEST_F(LifecycleStore, EveryResourceIsOrderedWithItsTagsAndWithoutGoneOnes) {
  const Scope other{"000000000000", "eu-west-1"};
  ASSERT_TRUE(store.insert(kScope, "model", resource("b", 5), {{"k", "1"}, {"a", "2"}}));
  ASSERT_TRUE(store.insert(kScope, "model", resource("A", 9), {}));
  ASSERT_TRUE(store.insert(other, "model", resource("z", 1), {}));
  ASSERT_TRUE(store.insert(kScope, "endpoint", endpoint("e", 1000, {"Deleting", 1000, 1100, "", 1100}), {}));
  ASSERT_TRUE(store.insert(kScope, "endpoint-config", resource("c", 2), {}));
  EXPECT_FALSE(store.empty());
  std::vector<std::string> seen;
  for (const PlacedResource& placed : store.every_resource()) {
    seen.push_back(placed.scope.account + "/" + placed.scope.region + "/" + placed.type + "/" + placed.resource.name +
                   "@" + std::to_string(placed.resource.creation_ms));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"000000000000/eu-west-1/model/z@1", "123456789012/us-east-1/endpoint/e@1000",
                                            "123456789012/us-east-1/endpoint-config/c@2",
                                            "123456789012/us-east-1/model/A@9", "123456789012/us-east-1/model/b@5"}));
  EXPECT_EQ(store.every_resource()[4].tags, (std::vector<Tag>{{"k", "1"}, {"a", "2"}}));
  now = 1100;  // the endpoint is gone
  EXPECT_EQ(store.every_resource().size(), 4u);
  store.clear();
  EXPECT_TRUE(store.empty());
  EXPECT_TRUE(store.every_resource().empty());
}

TEST_F(LifecycleStore, ReplaceAllWritesEverythingOrNothing) {
  ASSERT_TRUE(store.insert(kScope, "model", resource("old", 1), {{"k", "v"}}));
  const PlacedResource fresh{kScope, "model", resource("New", 2), {{"x", "1"}, {"y", "2"}}};
  const PlacedResource clash{kScope, "model", resource("NEW", 3), {}};
  EXPECT_THROW(store.replace_all({fresh, clash}), ConstraintViolation);
  ASSERT_EQ(store.every_resource().size(), 1u);
  EXPECT_EQ(store.every_resource()[0].resource.name, "old");
  EXPECT_EQ(store.tags(kScope, "model", "old"), (std::vector<Tag>{{"k", "v"}}));

  const PlacedResource creating{{"111122223333", "us-west-2"}, "endpoint",
                                endpoint("e", 1000, {"Creating", 1000, 1500, "InService", {}}), {}};
  store.replace_all({fresh, creating});
  EXPECT_FALSE(store.find(kScope, "model", "old"));
  EXPECT_EQ(store.find(kScope, "model", "new")->name, "New");
  EXPECT_EQ(store.tags(kScope, "model", "new"), (std::vector<Tag>{{"x", "1"}, {"y", "2"}}));
  // The lifecycle columns are written: listings see the endpoint's status as of the clock.
  PageQuery query;
  query.lifecycle = true;
  EXPECT_EQ(store.page(creating.scope, "endpoint", query).at(0).status, "Creating");
  now = 1500;
  EXPECT_EQ(store.page(creating.scope, "endpoint", query).at(0).status, "InService");
  store.replace_all({});
  EXPECT_TRUE(store.empty());
}

}  // namespace
}  // namespace sagebox::store
