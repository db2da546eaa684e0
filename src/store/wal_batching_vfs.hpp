// A SQLite VFS over "unix-excl" that hands each transaction's WAL frames to the kernel in one write.
//
// SQLite writes a WAL frame as two writes (its 24-byte header, then its page), so a create that changes five pages
// costs ten pwrite calls, most of a durable create's time in the kernel. This VFS keeps the WAL writes of a
// transaction in memory while they arrive in sequence and writes them out together when the transaction's last
// frame (the one whose header carries the commit's database size) is complete: before SQLite publishes the frames
// to readers, which it does only after its writes return. Anything else that touches the WAL file first writes out
// what is held (a read, a sync, a truncate, a write elsewhere, closing it), so SQLite never observes the file
// without its own writes. Other files pass straight to "unix-excl".
#pragma once

namespace sagebox::store {

// Registers the VFS once (not as the default) and returns its name, for sqlite3_open_v2.
const char* wal_batching_vfs();

}  // namespace sagebox::store
