#include "sagebox/store/database.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sagebox/crypto.hpp"
#include "wal_batching_vfs.hpp"

#include <stdexcept>
#include <string>

namespace sagebox::store {
namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : "out of memory";
  throw std::runtime_error(message);
}

// Each entry moves the database from user_version N to N+1. Append only: a shipped step never changes.
constexpr const char* kMigrations[] = {
    R"sql(
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE resources (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      type TEXT NOT NULL,
      name_key TEXT NOT NULL,
      name TEXT NOT NULL,
      arn TEXT NOT NULL,
      creation_ms INTEGER NOT NULL,
      document TEXT NOT NULL,
      PRIMARY KEY (account, region, type, name_key)
    ) WITHOUT ROWID;
    CREATE INDEX resources_by_creation ON resources (account, region, type, creation_ms, name_key);
    CREATE TABLE tags (
      arn_key TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (arn_key, key)
    ) WITHOUT ROWID;
    )sql",
    // Documents move out of the name-ordered key into a table that grows at its end: a create then writes a few
    // small index entries and appends its document, instead of splitting pages of whole documents in name order.
    // resources_by_creation also holds the name, so a page of a listing by time reads the index alone.
    R"sql(
    CREATE TABLE resources_v2 (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      type TEXT NOT NULL,
      name_key TEXT NOT NULL,
      name TEXT NOT NULL,
      arn TEXT NOT NULL,
      creation_ms INTEGER NOT NULL,
      document TEXT NOT NULL
    );
    INSERT INTO resources_v2 (account, region, type, name_key, name, arn, creation_ms, document)
      SELECT account, region, type, name_key, name, arn, creation_ms, document FROM resources
      ORDER BY creation_ms, name_key;
    DROP TABLE resources;
    ALTER TABLE resources_v2 RENAME TO resources;
    CREATE UNIQUE INDEX resources_by_name ON resources (account, region, type, name_key);
    CREATE INDEX resources_by_creation ON resources (account, region, type, creation_ms, name_key, name);
    )sql",
    // Tags move into their resource's row ([[key, value, position], ...]): a create with tags writes one row
    // instead of a row and entries in another tree, and tags go with their resource when it is deleted.
    R"sql(
    ALTER TABLE resources ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
    UPDATE resources SET tags = (
      SELECT json_group_array(json_array(key, value, position))
      FROM (SELECT key, value, position FROM tags WHERE arn_key = lower(resources.arn) ORDER BY position, key))
    WHERE EXISTS (SELECT 1 FROM tags WHERE arn_key = lower(resources.arn));
    DROP TABLE tags;
    )sql",
    // (account, region, type) becomes a small integer: every index entry repeated those ~36 bytes, so a 1 KiB page
    // held about 15 names; it now holds about 35, and a create splits fewer pages and writes fewer to the WAL. The
    // ARN column goes: it was never read (the document holds the ARN).
    R"sql(
    CREATE TABLE scopes (
      id INTEGER PRIMARY KEY,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      type TEXT NOT NULL,
      UNIQUE (account, region, type)
    );
    INSERT INTO scopes (account, region, type) SELECT DISTINCT account, region, type FROM resources ORDER BY 1, 2, 3;
    CREATE TABLE resources_v4 (
      scope INTEGER NOT NULL REFERENCES scopes (id),
      name_key TEXT NOT NULL,
      name TEXT NOT NULL,
      creation_ms INTEGER NOT NULL,
      document TEXT NOT NULL,
      tags TEXT NOT NULL DEFAULT '[]'
    );
    INSERT INTO resources_v4 (scope, name_key, name, creation_ms, document, tags)
      SELECT scopes.id, name_key, name, creation_ms, document, tags
      FROM resources JOIN scopes USING (account, region, type)
      ORDER BY resources.rowid;
    DROP TABLE resources;
    ALTER TABLE resources_v4 RENAME TO resources;
    CREATE UNIQUE INDEX resources_by_name ON resources (scope, name_key);
    CREATE INDEX resources_by_creation ON resources (scope, creation_ms, name_key, name);
    )sql",
    // Endpoints have a lifecycle: a status for a while (phase_status, from phase_start_ms to phase_end_ms), then
    // another (settled_status); a deleted one is gone from gone_at_ms on. Columns, so that listings can filter
    // and sort on the status at the time of the request; settled_document is what the resource reads as from
    // phase_end_ms on, so that most reads need not work it out. NULL for resources without a lifecycle; adding
    // columns with no default rewrites nothing.
    R"sql(
    ALTER TABLE resources ADD COLUMN phase_status TEXT;
    ALTER TABLE resources ADD COLUMN phase_start_ms INTEGER;
    ALTER TABLE resources ADD COLUMN phase_end_ms INTEGER;
    ALTER TABLE resources ADD COLUMN settled_status TEXT;
    ALTER TABLE resources ADD COLUMN gone_at_ms INTEGER;
    ALTER TABLE resources ADD COLUMN settled_document TEXT;
    )sql",
};

// What the migrations above build, written at once for a new database: replaying the history costs a new
// database (every in-memory start) several milliseconds, as each ALTER re-reads the whole schema. A test checks
// that both give the same tables, columns and indexes.
constexpr const char* kCurrentSchema = R"sql(
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE scopes (
      id INTEGER PRIMARY KEY,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      type TEXT NOT NULL,
      UNIQUE (account, region, type)
    );
    CREATE TABLE resources (
      scope INTEGER NOT NULL REFERENCES scopes (id),
      name_key TEXT NOT NULL,
      name TEXT NOT NULL,
      creation_ms INTEGER NOT NULL,
      document TEXT NOT NULL,
      tags TEXT NOT NULL DEFAULT '[]',
      phase_status TEXT,
      phase_start_ms INTEGER,
      phase_end_ms INTEGER,
      settled_status TEXT,
      gone_at_ms INTEGER,
      settled_document TEXT
    );
    CREATE UNIQUE INDEX resources_by_name ON resources (scope, name_key);
    CREATE INDEX resources_by_creation ON resources (scope, creation_ms, name_key, name);
    )sql";


}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                         nullptr) != SQLITE_OK) {
    fail(db, "cannot prepare statement");
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db_, "cannot bind");
  }
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, "cannot bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(db_, "cannot bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string message = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintViolation(message);
  throw std::runtime_error("database error: " + message);
}

std::string Statement::text(int column) const {
  const unsigned char* value = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return value ? std::string(reinterpret_cast<const char*>(value), static_cast<std::size_t>(size)) : std::string();
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Connection::Connection(const std::string& uri, bool read_only) {
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_URI |
              SQLITE_OPEN_NOMUTEX;
  // "unix-excl": the file is this process's alone (see OwnerLock), so SQLite may lock it once for the process and
  // keep the WAL index in memory. Reads then take no file lock each, and readers still never wait for the writer.
  // Through wal_batching_vfs, which writes a transaction's WAL frames in one system call.
  const char* vfs = uri == ":memory:" ? nullptr : wal_batching_vfs();
  if (sqlite3_open_v2(uri.c_str(), &db_, flags, vfs) != SQLITE_OK) {
    std::string message = "cannot open database " + uri + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(message);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Another process (or a checkpoint) may hold the lock for a moment; wait rather than fail the request.
  sqlite3_busy_timeout(db_, 5000);
}

Connection::~Connection() {
  cache_.clear();  // statements are finalized before the connection closes
  sqlite3_close(db_);
}

void Connection::exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw std::runtime_error("database error: " + message);
  }
}

Statement& Connection::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(std::string(sql), std::make_unique<Statement>(db_, sql)).first;
  } else {
    it->second->reset();
  }
  return *it->second;
}

void Connection::reset_unfinished_statements() {
  for (sqlite3_stmt* stmt = sqlite3_next_stmt(db_, nullptr); stmt; stmt = sqlite3_next_stmt(db_, stmt)) {
    if (sqlite3_stmt_busy(stmt)) sqlite3_reset(stmt);
  }
}

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }

bool Connection::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

namespace {

// Four times SQLite's default. Each copy syncs the WAL and the database file, and copies once every page the WAL
// holds, however often it was rewritten since (index leaves and interior pages are, by nearly every create): fewer,
// larger copies cost durable creates less (measured: 5-10% more creates per second than at 1,000).
constexpr int kCheckpointPages = 4000;
// Copies run beside the writer, so under a steady stream of writes the WAL never gets copied to its end and can
// never start over. Past this size the checkpointer holds writes back for one short copy of what the last
// unhindered copy left, after which the next write starts the WAL over.
constexpr int kCatchUpPages = 4 * kCheckpointPages;
constexpr int kCatchUpRemainder = 200;
constexpr int kMaxCatchUpPasses = 8;
// When writes outrun even the unhindered copies (the checkpointer short of CPU), the WAL would keep growing while
// they run: past this size they stop, and the copy that holds writes back takes all that is left.
constexpr int kHoldPages = 2 * kCatchUpPages;
// And when the checkpointer gets no CPU at all for a while (a machine running more than it has cores for), the
// writer copies the WAL back itself past this size, once per kCheckpointPages: the WAL stays bounded whatever the
// checkpointer's share of the machine.
constexpr int kWriterCopiesPages = kHoldPages + kCatchUpPages;

}  // namespace

Database::Checkpointer::Checkpointer(const std::string& uri, std::mutex& writer_mutex)
    : connection_(uri, false), writer_mutex_(writer_mutex) {
  // A connection learns that the database is in WAL mode when it first reads it; until then it cannot checkpoint.
  connection_.exec("SELECT count(*) FROM sqlite_master");
  thread_ = std::thread([this] { run(); });
}

Database::Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Database::Checkpointer::wal_holds(int pages) {
  {
    std::lock_guard lock(mutex_);
    if (pages < woken_at_) woken_at_ = 0;  // the WAL started over
    // Once per kCheckpointPages new pages, not after every commit: a writer can only start the WAL over while no
    // copy is running, so copies must leave it gaps.
    if (pages - woken_at_ < kCheckpointPages) return;
    woken_at_ = pages;
    wal_pages_ = pages;
  }
  wake_.notify_one();
}

void Database::Checkpointer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || wal_pages_ >= kCheckpointPages; });
    if (stopping_) return;
    bool catch_up = wal_pages_ >= kCatchUpPages;
    wal_pages_ = 0;
    lock.unlock();
    // A failed or partial copy is retried at the next wake-up; the data is safe in the WAL meanwhile.
    int wal_frames = 0, copied = 0;
    sqlite3_wal_checkpoint_v2(connection_.native(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
    catch_up = catch_up || wal_frames >= kCatchUpPages;  // it grew past the mark during this copy
    // Each unhindered pass leaves only what was written while it ran; the pass that holds writes back should
    // have little left to copy.
    for (int pass = 0; catch_up && pass < kMaxCatchUpPasses && wal_frames - copied > kCatchUpRemainder &&
                       wal_frames < kHoldPages;
         ++pass) {
      sqlite3_wal_checkpoint_v2(connection_.native(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
    }
    if (catch_up) {
      std::lock_guard no_writes(writer_mutex_);
      sqlite3_wal_checkpoint_v2(connection_.native(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
    lock.lock();
  }
}

// flock(2) is BSD's call: macOS has it in <sys/file.h> with the same LOCK_EX | LOCK_NB (EWOULDBLOCK when held),
// released when the descriptor closes, as on Linux. It locks a file of its own, which SQLite never locks: on
// macOS and the BSDs flock and fcntl locks on one file may conflict, on Linux they never do.
Database::OwnerLock::OwnerLock(const std::string& db_path) {
  const std::string lock_path = db_path + ".lock";
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open database " + db_path + ": cannot create " + lock_path + ": " +
                             std::strerror(errno));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    throw std::runtime_error("database " + db_path + " is in use by another sagebox (it holds " + lock_path + ")");
  }
}

Database::OwnerLock::~OwnerLock() { ::close(fd_); }

Database::Database(const std::string& path) : file_backed_(!path.empty()) {
  uri_ = file_backed_ ? path : ":memory:";
  if (file_backed_) owner_ = std::make_unique<OwnerLock>(path);
  writer_ = std::make_unique<Connection>(uri_, false);
  if (file_backed_) {
    // SQLite quietly opens a write-protected file read-only; every write would then fail. Refuse at start.
    if (writer_->read_only()) throw std::runtime_error("database " + path + " is read-only");
    // For a new file (an existing one keeps its own): 1 KiB pages. A create changes a few pages (its appended
    // document, an entry in each index, its tags) and the WAL gets each of them whole: small pages make each
    // durable create write a quarter as much as SQLite's default 4 KiB.
    writer_->exec("PRAGMA page_size=1024");
    // In WAL mode NORMAL keeps every committed transaction across a crash or kill of this process; only a power
    // cut can lose the last ones. Set first, so that turning a new file to WAL does not sync it as FULL would.
    writer_->exec("PRAGMA synchronous=NORMAL");
    writer_->exec("PRAGMA journal_mode=WAL");
    // A WAL that grew under a burst of writes shrinks back to this once it is copied and restarted.
    writer_->exec("PRAGMA journal_size_limit=33554432");
  }
  migrate();
  if (file_backed_) {
    checkpointer_ = std::make_unique<Checkpointer>(uri_, writer_mutex_);
    // Replaces SQLite's own checkpoint after commits, which would make that request wait for it.
    sqlite3_wal_hook(
        writer_->native(),
        [](void* checkpointer, sqlite3* db, const char*, int pages) {
          if (pages >= kWriterCopiesPages && pages % kCheckpointPages < 16) {
            // Busy (the checkpointer is copying) and partial copies are fine: this is the last resort.
            sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
          }
          static_cast<Checkpointer*>(checkpointer)->wal_holds(pages);
          return SQLITE_OK;
        },
        checkpointer_.get());
  }
}

Database::~Database() = default;

void Database::migrate() {
  Statement& version_query = writer_->prepare("PRAGMA user_version");
  version_query.step();
  const auto current = static_cast<std::size_t>(version_query.integer(0));
  version_query.reset();
  const std::size_t target = std::size(kMigrations);
  if (current > target) {
    throw std::runtime_error("database " + uri_ + " was written by a newer sagebox (schema version " +
                             std::to_string(current) + ", this one knows " + std::to_string(target) + ")");
  }
  std::size_t version = current;
  if (version == 0) {
    write([&](Connection& c) {
      c.exec(kCurrentSchema);
      c.exec("PRAGMA user_version = " + std::to_string(target));
    });
    version = target;
  }
  for (; version < target; ++version) {
    write([&](Connection& c) {
      c.exec(kMigrations[version]);
      c.exec("PRAGMA user_version = " + std::to_string(version + 1));
    });
  }
  secret_ = write([&](Connection& c) {
    Statement& select = c.prepare("SELECT value FROM meta WHERE key = 'secret'");
    if (select.step()) {
      std::string value = select.text(0);
      select.reset();
      return value;
    }
    select.reset();
    std::string value = crypto::hex(crypto::random_bytes(32));
    c.prepare("INSERT INTO meta (key, value) VALUES ('secret', ?)").bind(1, value).step();
    return value;
  });
}

void Database::rollback() noexcept {
  try {
    writer_->run("ROLLBACK");
  } catch (...) {
    // SQLite already rolled back (e.g. after an I/O error); nothing is left to undo.
  }
}

std::unique_ptr<Connection> Database::take_reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
  }
  return std::make_unique<Connection>(uri_, false);
}

void Database::give_back(std::unique_ptr<Connection> reader) {
  std::lock_guard lock(readers_mutex_);
  idle_readers_.push_back(std::move(reader));
}

Database::ReadLease::ReadLease(Database& db) : db_(db), connection_(db.take_reader()) {}

Database::ReadLease::~ReadLease() {
  try {
    // A statement left part-way (its reader threw) would keep its snapshot open on this connection.
    connection_->reset_unfinished_statements();
    db_.give_back(std::move(connection_));
  } catch (...) {
    // Giving back can only fail for want of memory; the connection is then dropped rather than reused.
  }
}

}  // namespace sagebox::store
