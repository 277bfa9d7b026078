// EventStore: Perimeter's embedded event store (docs/storage.md). Append makes events durable
// (WAL, group commit, fsync) and visible; background threads flush them into day partitions of
// immutable columnar parts, merge parts and apply retention. Readers take a Snapshot and never
// block the writer. Every method is thread-safe; Append may be called from many threads.
//
// For the `store` output plugin:
//   auto store = EventStore::Open(options);            // recovers; see recovery()
//   Status s = store->Append(events, Checkpoint{"file:/var/log/x", blob});
//   // OK: durable, acknowledge. Unavailable: disk full or flushes behind; retry with back-off.
//   store->LastCheckpoint("file:/var/log/x");          // what the input last committed
// Bigger batches are cheaper (one fsync each); concurrent Appends share fsyncs (group commit).
// For the query engine: GetSnapshot() (snapshot.h), then Part's scan API (part.h).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "store/checkpoints_file.h"
#include "store/file_system.h"
#include "store/merge_policy.h"
#include "store/part.h"
#include "store/part_writer.h"
#include "store/row_set.h"
#include "store/snapshot.h"
#include "store/wal.h"

namespace perimeter::store {

struct StoreOptions {
  std::string path;  // the store directory (created when missing)
  // Retention: "90d" (days wholly older are dropped), "20GB" (oldest days dropped to fit).
  // Empty = no limit.
  std::string retention_age;
  std::string retention_bytes;

  // Flush the memtable into parts at this many events (two row groups; ~70 MB of columns for
  // firewall events) or this age, whichever comes first.
  size_t flush_rows = size_t{128} * 1024;
  int64_t flush_interval_ms = 5000;
  // Append waits (then returns Unavailable) while this many events are not yet in parts:
  // bounds memory when flushes cannot keep up or fail.
  size_t max_memtable_rows = size_t{512} * 1024;
  size_t wal_segment_bytes = 64u << 20;

  // Background threads for flushes and retention, and for merges. Without them the caller
  // drives: Append flushes inline at flush_rows; MaintainOnce() merges and applies retention.
  bool background = true;
  bool background_merges = true;
  int64_t maintenance_interval_ms = 1000;
  MergePolicyOptions merge;

  // String columns stored as message templates, and whether their blocks get token filters.
  std::vector<std::string> template_columns = {"message"};
  bool token_filters = true;

  // A reader beside the process that writes the store (`perimeter search` while `perimeter run`
  // holds the LOCK): takes no lock, changes nothing on disk (no cleanup, no quarantine, no torn
  // tail cut), replays the WAL into memory, starts no thread; Append and Flush fail. It sees the
  // store as of its open.
  bool read_only = false;

  FileSystem* fs = nullptr;            // null = the real file system
  std::function<int64_t()> now_nanos;  // null = the wall clock (tests move time)
};

// An input's position, committed atomically with the events it produced.
struct Checkpoint {
  std::string key;   // e.g. "file:/var/log/iptables.log"
  std::string blob;  // opaque to the store
};

// What Open found and did.
struct RecoveryReport {
  size_t parts_loaded = 0;
  size_t parts_quarantined = 0;  // damaged, moved to quarantine/
  size_t parts_superseded = 0;   // inputs of a finished merge, deleted
  size_t temp_files_removed = 0;
  size_t wal_segments = 0;
  size_t wal_segments_quarantined = 0;
  size_t wal_records = 0;
  size_t events_replayed = 0;          // back in the memtable
  size_t events_already_in_parts = 0;  // flushed before the crash; skipped
  size_t checkpoints_restored = 0;
  uint64_t torn_tail_bytes = 0;  // cut off the last segment (unacknowledged appends)
  std::string ToString() const;
};

struct StoreStats {
  uint64_t partitions = 0;
  uint64_t parts = 0;
  uint64_t events = 0;  // in parts and in memory
  uint64_t part_events = 0;
  uint64_t memtable_events = 0;
  uint64_t part_bytes = 0;
  uint64_t wal_bytes = 0;
  uint64_t raw_bytes = 0;        // the stored events' size in the value codec (WAL size)
  double bytes_per_event = 0;    // part_bytes / part_events
  double compression_ratio = 0;  // raw_bytes / part_bytes
  uint64_t quarantined_parts = 0;
  uint64_t flushes = 0;
  uint64_t merges = 0;
  uint64_t days_dropped = 0;
  bool disk_full = false;
};

class EventStore {
 public:
  static Result<std::unique_ptr<EventStore>> Open(StoreOptions options);
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Returns once the events (and checkpoints) are on disk; they are visible to snapshots taken
  // after it returns. Unavailable when the disk is full or flushes fall behind: nothing was
  // stored, retry later.
  Status Append(std::span<const Event* const> events, std::span<const Checkpoint> checkpoints = {});
  // The blob of the last committed checkpoint with `key`; NotFound when there is none.
  Result<std::string> LastCheckpoint(std::string_view key) const;

  // Called after every successful Append with the events it stored, in the order appends
  // commit, on the appending thread and outside the store's locks: what a live tail follows.
  // Must be quick and copy what it keeps. One listener; null removes it.
  using AppendListener = std::function<void(std::span<const Event* const>)>;
  void SetAppendListener(AppendListener listener);

  std::shared_ptr<const Snapshot> GetSnapshot() const;
  StoreStats Stats() const;
  const RecoveryReport& recovery() const { return recovery_; }

  // Writes the memtable into parts now.
  Status Flush();
  // One round of merges and retention (what the background threads do).
  Status MaintainOnce();
  // Flush, then merge every day down to as few parts as the merge limits allow.
  Status CompactAll();
  // Stops the threads, flushes, closes. Later calls fail with Unavailable.
  Status Close();

 private:
  struct MemChunk {
    uint64_t seq;
    std::shared_ptr<const RowSet> rows;
  };
  struct Writer;
  class Quarantine;

  explicit EventStore(StoreOptions options);
  Status Recover();
  // Recover's read-only twin (StoreOptions::read_only): loads what a writer may be changing,
  // and starts over when a flush or merge replaced files under it.
  Status OpenForReading();
  Status LoadParts();
  Status ReplayWal();
  Status QuarantineFile(const std::string& path, std::string_view why);
  // The listener given to parts: forwards damage to QuarantinePart while the store is open.
  Part::CorruptionListener DamageListener() const;
  void QuarantinePart(uint64_t id, const Status& why);
  Status CommitGroup(std::vector<Writer*>& group);
  Status RollWalLocked();
  Status ApplyRetention();
  Result<bool> MergeOnce(bool compact_all);
  // Writes a part of `day` whose rows `fill` adds (temporary file, fsync, rename, fsync).
  Status WritePart(int64_t day, uint64_t max_lsn, std::vector<uint64_t> replaces,
                   std::shared_ptr<const Part>* out,
                   const std::function<Status(PartWriter*)>& fill);
  std::string DayDir(int64_t day) const;
  std::string PartPath(int64_t day, uint64_t id) const;
  int64_t NowNanos() const;
  void FlushThread();
  void MergeThread();
  void NoteDiskFull(const Status& s);
  void NoteWriteOk();

  StoreOptions options_;
  FileSystem* fs_;
  int64_t retention_age_ns_ = 0;
  uint64_t retention_bytes_ = 0;
  int lock_fd_ = -1;
  RecoveryReport recovery_;
  std::shared_ptr<Quarantine> quarantine_;

  // The commit path: Append queues a Writer; the first in line writes the group.
  std::mutex commit_mu_;
  std::deque<Writer*> writers_;  // guarded by commit_mu_
  // The WAL; held by the commit leader while writing and by a flush while rolling.
  std::mutex wal_mu_;
  std::unique_ptr<WalWriter> wal_;         // guarded by wal_mu_
  std::vector<std::string> old_segments_;  // guarded by wal_mu_: segments before wal_
  uint64_t last_lsn_ = 0;                  // guarded by wal_mu_

  // Store state, held briefly.
  mutable std::mutex mu_;
  std::map<int64_t, std::vector<std::shared_ptr<const Part>>> parts_;  // by day
  std::vector<MemChunk> flushing_;  // being written by a flush; still visible
  std::vector<MemChunk> memtable_;
  uint64_t memtable_rows_ = 0;     // in memtable_ and flushing_
  int64_t memtable_since_ns_ = 0;  // when memtable_ got its first rows
  uint64_t next_chunk_seq_ = 1;
  uint64_t first_unflushed_seq_ = 1;
  std::map<std::string, std::string, std::less<>> checkpoints_;
  uint64_t next_part_id_ = 1;
  std::set<uint64_t> merging_;  // ids of parts a merge is reading
  // Store-clock time of the last flush into each day written since open; a day absent here or
  // quiet for kDayQuietNanos is folded into few parts (see MergeOnce).
  std::map<int64_t, int64_t> last_write_ns_;
  std::mutex listener_mu_;
  std::shared_ptr<const AppendListener> append_listener_;  // guarded by listener_mu_
  bool read_race_ = false;  // read-only open: a file vanished while loading; start over
  bool disk_full_ = false;
  bool closed_ = false;
  StoreStats counters_;               // flushes, merges, days_dropped, quarantined_parts
  std::condition_variable state_cv_;  // memtable drained, work to do, stop

  // In-memory parts of unflushed chunks, encoded on the first snapshot that needs them.
  struct MemPartCache {
    uint64_t first_seq = 0, last_seq = 0;
    std::vector<std::shared_ptr<const Part>> parts;
  };
  mutable std::mutex mem_cache_mu_;
  mutable std::vector<MemPartCache> mem_cache_;  // guarded by mem_cache_mu_

  std::mutex flush_mu_;  // one flush at a time
  std::mutex merge_mu_;  // one merge at a time
  bool stop_ = false;    // guarded by mu_
  std::thread flush_thread_;
  std::thread merge_thread_;
};

}  // namespace perimeter::store
