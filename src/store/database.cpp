#include "sagebox/store/database.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sagebox/crypto.hpp"

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
};


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
  if (sqlite3_open_v2(uri.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
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
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    it = cache_.emplace(std::string(sql), std::make_unique<Statement>(db_, sql)).first;
  } else {
    it->second->reset();
  }
  return *it->second;
}

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }

bool Connection::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

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
    writer_->exec("PRAGMA journal_mode=WAL");
    // In WAL mode NORMAL keeps every committed transaction across a crash or kill of this process; only a power
    // cut can lose the last ones. Readers never wait for the writer.
    writer_->exec("PRAGMA synchronous=NORMAL");
  }
  migrate();
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
  for (std::size_t version = current; version < target; ++version) {
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
    writer_->exec("ROLLBACK");
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

Database::ReadLease::ReadLease(Database& db) : db_(db), connection_(db.take_reader()) {
  connection_->exec("BEGIN");
}

Database::ReadLease::~ReadLease() {
  try {
    connection_->exec("COMMIT");
    db_.give_back(std::move(connection_));
  } catch (...) {
    // A connection that cannot end its transaction is dropped rather than reused.
  }
}

}  // namespace sagebox::store
