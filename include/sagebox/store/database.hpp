// Database: the SQLite file (or in-memory database) behind sagebox, with RAII statements and transactions.
// Opening migrates the schema by PRAGMA user_version. Writes are serialized through one connection in
// IMMEDIATE transactions, so two writers never race inside SQLite; with a file, reads use their own connections
// (WAL lets them run beside the writer).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sagebox::store {

// One prepared statement. Cached by its connection; reset after each use by the Query that borrowed it.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds are 1-based as in SQLite.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind_null(int index);

  // Advances; true while there is a row. Throws on error; a UNIQUE/PRIMARY KEY violation throws
  // ConstraintViolation so callers can map it to "already exists".
  bool step();
  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;
  void reset();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

struct ConstraintViolation : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Connection {
 public:
  Connection(const std::string& uri, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(std::string_view sql);
  // A statement prepared once per connection and reused; it comes back reset and unbound.
  Statement& prepare(std::string_view sql);
  std::int64_t changes() const;
  bool read_only() const;

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

class Database {
 public:
  // `path` empty: a private in-memory database. Throws std::runtime_error when the file cannot be opened or
  // migrated, is read-only, is not a database, or is in use by another sagebox (one process owns a file: an
  // advisory lock on "<path>.lock", which the kernel releases however the owner dies).
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `work` in a read transaction (a consistent snapshot).
  template <typename F>
  auto read(F&& work) {
    if (!file_backed_) {
      // An in-memory database lives in one connection.
      std::lock_guard lock(writer_mutex_);
      return work(*writer_);
    }
    ReadLease lease(*this);
    return work(lease.connection());
  }

  // Runs `work` in one IMMEDIATE transaction: committed (durably) if it returns, rolled back if it throws.
  template <typename F>
  auto write(F&& work) {
    std::lock_guard lock(writer_mutex_);
    writer_->exec("BEGIN IMMEDIATE");
    try {
      if constexpr (std::is_void_v<decltype(work(*writer_))>) {
        work(*writer_);
        writer_->exec("COMMIT");
      } else {
        auto result = work(*writer_);
        writer_->exec("COMMIT");
        return result;
      }
    } catch (...) {
      rollback();
      throw;
    }
  }

  // A random secret made when the database was created; it signs pagination tokens, so tokens survive restarts.
  const std::string& secret() const { return secret_; }

 private:
  // A reader connection borrowed for one read transaction and given back when it ends.
  class ReadLease {
   public:
    explicit ReadLease(Database& db);
    ~ReadLease();
    ReadLease(const ReadLease&) = delete;
    ReadLease& operator=(const ReadLease&) = delete;
    Connection& connection() { return *connection_; }

   private:
    Database& db_;
    std::unique_ptr<Connection> connection_;
  };

  std::unique_ptr<Connection> take_reader();
  void give_back(std::unique_ptr<Connection> reader);
  void rollback() noexcept;
  void migrate();

  class OwnerLock {
   public:
    explicit OwnerLock(const std::string& db_path);
    ~OwnerLock();
    OwnerLock(const OwnerLock&) = delete;
    OwnerLock& operator=(const OwnerLock&) = delete;

   private:
    int fd_ = -1;
  };

  std::string uri_;
  bool file_backed_ = false;
  std::unique_ptr<OwnerLock> owner_;  // before the connections: taken first, released last
  std::mutex writer_mutex_;
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  std::string secret_;
};

}  // namespace sagebox::store
