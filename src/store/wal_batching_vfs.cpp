#include "wal_batching_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>

namespace sagebox::store {
namespace {

constexpr const char* kName = "sagebox-unix-excl";
// Past this much held, write it out anyway: only a transaction larger than the page cache (a migration) gets
// here.
constexpr std::size_t kMaxHeld = 64 * 1024;
// The unix VFS writes at most 128 KiB - 1 bytes per call (it masks larger sizes), so larger runs go in
// pieces.
constexpr std::size_t kMaxWrite = 64 * 1024;
constexpr int kFrameHeaderSize = 24;

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs batching_vfs;

// SQLite allocates szOsFile bytes per open file and never runs constructors: this header is plain data, the
// real file follows it, and `held` is created in open and deleted in close.
struct WalFile {
  sqlite3_file base;
  sqlite3_file* real;
  std::string* held;
  sqlite3_int64 held_offset;
  bool commit_frame_started;  // the last header written was a transaction's last frame's
};

constexpr std::size_t kRealOffset = (sizeof(WalFile) + 15) & ~std::size_t{15};

WalFile* wal(sqlite3_file* file) { return reinterpret_cast<WalFile*>(file); }
const sqlite3_io_methods* real_methods(WalFile* f) { return f->real->pMethods; }

int write_out(WalFile* f) {
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < f->held->size() && rc == SQLITE_OK; done += kMaxWrite) {
    const std::size_t amount = std::min(kMaxWrite, f->held->size() - done);
    rc = real_methods(f)->xWrite(f->real, f->held->data() + done, static_cast<int>(amount),
                                 f->held_offset + static_cast<sqlite3_int64>(done));
  }
  f->held->clear();
  return rc;
}

std::uint32_t big_endian_32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  WalFile* f = wal(file);
  if (!f->held->empty() && offset != f->held_offset + static_cast<sqlite3_int64>(f->held->size())) {
    if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
  }
  if (f->held->empty()) f->held_offset = offset;
  try {
    f->held->append(static_cast<const char*>(data), static_cast<std::size_t>(amount));
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
  if (amount == kFrameHeaderSize) {
    // Bytes 4-7 of a frame header: the database's size in pages after the commit, for a transaction's last
    // frame; zero for every other frame.
    f->commit_frame_started = big_endian_32(static_cast<const unsigned char*>(data) + 4) != 0;
    return SQLITE_OK;
  }
  if (f->commit_frame_started || f->held->size() >= kMaxHeld) {
    f->commit_frame_started = false;
    return write_out(f);
  }
  return SQLITE_OK;
}

int wal_close(sqlite3_file* file) {
  WalFile* f = wal(file);
  const int rc = write_out(f);
  const int closed = real_methods(f)->xClose(f->real);
  delete f->held;
  f->held = nullptr;
  return rc != SQLITE_OK ? rc : closed;
}

int wal_read(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
  WalFile* f = wal(file);
  if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xRead(f->real, data, amount, offset);
}

int wal_truncate(sqlite3_file* file, sqlite3_int64 size) {
  WalFile* f = wal(file);
  if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xTruncate(f->real, size);
}

int wal_sync(sqlite3_file* file, int flags) {
  WalFile* f = wal(file);
  if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xSync(f->real, flags);
}

int wal_file_size(sqlite3_file* file, sqlite3_int64* size) {
  WalFile* f = wal(file);
  if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xFileSize(f->real, size);
}

int wal_lock(sqlite3_file* file, int level) { return real_methods(wal(file))->xLock(wal(file)->real, level); }
int wal_unlock(sqlite3_file* file, int level) {
  return real_methods(wal(file))->xUnlock(wal(file)->real, level);
}
int wal_check_reserved_lock(sqlite3_file* file, int* out) {
  return real_methods(wal(file))->xCheckReservedLock(wal(file)->real, out);
}

int wal_file_control(sqlite3_file* file, int op, void* arg) {
  WalFile* f = wal(file);
  if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xFileControl(f->real, op, arg);
}

int wal_sector_size(sqlite3_file* file) { return real_methods(wal(file))->xSectorSize(wal(file)->real); }
int wal_device_characteristics(sqlite3_file* file) {
  return real_methods(wal(file))->xDeviceCharacteristics(wal(file)->real);
}

// SQLite keeps the WAL index in the database file's shared memory, never the WAL's; these only pass through.
int wal_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  return real_methods(wal(file))->xShmMap(wal(file)->real, region, size, extend, out);
}
int wal_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real_methods(wal(file))->xShmLock(wal(file)->real, offset, n, flags);
}
void wal_shm_barrier(sqlite3_file* file) { real_methods(wal(file))->xShmBarrier(wal(file)->real); }
int wal_shm_unmap(sqlite3_file* file, int delete_flag) {
  return real_methods(wal(file))->xShmUnmap(wal(file)->real, delete_flag);
}
int wal_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  WalFile* f = wal(file);
  if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xFetch(f->real, offset, amount, out);
}
int wal_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return real_methods(wal(file))->xUnfetch(wal(file)->real, offset, page);
}

const sqlite3_io_methods kWalMethods = {
    3,
    wal_close,
    wal_read,
    wal_write,
    wal_truncate,
    wal_sync,
    wal_file_size,
    wal_lock,
    wal_unlock,
    wal_check_reserved_lock,
    wal_file_control,
    wal_sector_size,
    wal_device_characteristics,
    wal_shm_map,
    wal_shm_lock,
    wal_shm_barrier,
    wal_shm_unmap,
    wal_fetch,
    wal_unfetch,
};

int open_file(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  if (!(flags & SQLITE_OPEN_WAL)) {
    // Not a WAL: the real file in this memory (which is at least as large as it needs).
    return real_vfs->xOpen(real_vfs, name, file, flags, out_flags);
  }
  WalFile* f = wal(file);
  f->base.pMethods = nullptr;  // until the real file is open: SQLite then does not close it
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
  const int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // The real xOpen leaves its own pMethods null on failure, or closes through it; nothing of ours to undo.
    if (f->real->pMethods) f->real->pMethods->xClose(f->real);
    return rc;
  }
  f->held = new (std::nothrow) std::string();
  if (!f->held) {
    f->real->pMethods->xClose(f->real);
    return SQLITE_NOMEM;
  }
  f->held_offset = 0;
  f->commit_frame_started = false;
  f->base.pMethods = &kWalMethods;
  return SQLITE_OK;
}

// "unix-excl" is one of the unix VFSes that SQLite's os_unix.c registers on every Unix (https://sqlite.org/vfs.html,
// section 2.1): macOS builds have it too, beside their extra lock styles (unix-afp, unix-flock, ...).
void register_once() {
  real_vfs = sqlite3_vfs_find("unix-excl");
  if (!real_vfs) throw std::runtime_error("SQLite has no unix-excl VFS");
  batching_vfs = *real_vfs;  // every other entry point, and pAppData, as unix-excl's
  batching_vfs.pNext = nullptr;
  batching_vfs.zName = kName;
  batching_vfs.szOsFile = static_cast<int>(kRealOffset) + real_vfs->szOsFile;
  batching_vfs.xOpen = open_file;
  if (sqlite3_vfs_register(&batching_vfs, 0) != SQLITE_OK)
    throw std::runtime_error("cannot register a SQLite VFS");
}

}  // namespace

const char* wal_batching_vfs() {
  static const bool registered = (register_once(), true);
  (void)registered;
  return kName;
}

}  // namespace sagebox::store
