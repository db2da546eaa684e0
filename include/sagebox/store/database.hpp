// Database: the SQLite file (or in-memory database) behind sagebox, with RAII statements and transactions.
// Opening migrates the schema by PRAGMA user_version. Writes are serialized through one connection in
// IMMEDIATE transactions, so two writers never race inside SQLite; with a file, reads use their own connections
// (WAL lets them run beside the writer).
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <string>
#include <string_view>
#include <thread>
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

  // Runs SQL text (any number of statements), parsed anew each time: for schema changes and pragmas.
  void exec(std::string_view sql);
  // A statement prepared once per connection and reused; it comes back reset and unbound.
  Statement& prepare(std::string_view sql);
  // Runs one statement without results (BEGIN, COMMIT, ...) through the prepared-statement cache.
  void run(std::string_view sql) { prepare(sql).step(); }
  std::int64_t changes() const;
  // Resets every statement still part-way through its rows, which ends the read it holds open.
  void reset_unfinished_statements();
  bool read_only() const;
  sqlite3* native() const { return db_; }

 private:
  // Looked up by the SQL text without copying it (heterogeneous lookup).
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>, TextHash, std::equal_to<>> cache_;
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

  // Runs `work`, which runs a single statement, on a reader connection: SQLite reads one statement from one
  // snapshot by itself, so no BEGIN and COMMIT are needed. (Every read of the store is one statement.)
  template <typename F>
  auto read_one_statement(F&& work) {
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
    writer_->run("BEGIN IMMEDIATE");
    try {
      if constexpr (std::is_void_v<decltype(work(*writer_))>) {
        work(*writer_);
        writer_->run("COMMIT");
      } else {
        auto result = work(*writer_);
        writer_->run("COMMIT");
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
  // A reader connection borrowed for one read and given back when it ends.
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

  // Copies the WAL back into the database file on a thread and connection of its own, so that no request waits
  // for the copy or its fsyncs. The writer's commits wake it once the WAL holds enough pages.
  class Checkpointer {
   public:
    // `writer_mutex` is the database's: held for a copy that must not race the writer.
    Checkpointer(const std::string& uri, std::mutex& writer_mutex);
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // After a commit: the WAL now holds `pages` pages.
    void wal_holds(int pages);

   private:
    void run();

    Connection connection_;
    std::mutex& writer_mutex_;
    std::mutex mutex_;
    std::condition_variable wake_;
    int wal_pages_ = 0;  // set when there is a copy to make
    int woken_at_ = 0;   // WAL size at the last wake-up
    bool stopping_ = false;
    std::thread thread_;  // started last, in the constructor
  };

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
  std::unique_ptr<Checkpointer> checkpointer_;  // after the writer: stopped before the writer closes
  std::string secret_;
};

}  // namespace sagebox::store
