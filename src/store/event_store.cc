#include "store/event_store.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>

#include "store/byte_coding.h"
#include "store/checkpoints_format.h"
#include "store/part_writer.h"
#include "store/retention_policy.h"
#include "store/row_set_codec.h"
#include "store/store_layout.h"
#include "store/wal_format.h"

namespace perimeter::store {

namespace {

// A commit leader writes at most this much in one group: bounds the latency a follower waits.
constexpr size_t kMaxGroupCommitBytes = 16u << 20;
// Append waits at most this long for flushes to drain the memtable before answering
// Unavailable, so the pipeline's retry (and its log line) happens instead of a silent stall.
constexpr auto kBackPressureWait = std::chrono::seconds(2);

}  // namespace

struct EventStore::Writer {
  std::string payload;
  std::shared_ptr<RowSet> rows;
  std::vector<Checkpoint> checkpoints;
  Status status;
  bool done = false;
  std::condition_variable cv;
};

// Forwards damage found by readers to the store while it is open; snapshots may outlive it.
class EventStore::Quarantine {
 public:
  explicit Quarantine(EventStore* store) : store_(store) {}
  void Report(const Part& part, const Status& s) {
    std::lock_guard<std::mutex> l(mu_);
    if (store_ != nullptr) store_->QuarantinePart(part.id(), s);
  }
  void Detach() {
    std::lock_guard<std::mutex> l(mu_);
    store_ = nullptr;
  }

 private:
  std::mutex mu_;
  EventStore* store_;
};

EventStore::EventStore(StoreOptions options)
    : options_(std::move(options)),
      fs_(options_.fs != nullptr ? options_.fs : FileSystem::Default()),
      quarantine_(std::make_shared<Quarantine>(this)) {}

Result<std::unique_ptr<EventStore>> EventStore::Open(StoreOptions options) {
  if (options.path.empty()) return Status::InvalidArgument("store: path is empty");
  ASSIGN_OR_RETURN(int64_t age, ParseRetentionAge(options.retention_age));
  ASSIGN_OR_RETURN(uint64_t bytes, ParseByteSize(options.retention_bytes));
  if (options.flush_rows == 0) options.flush_rows = 1;
  std::unique_ptr<EventStore> s(new EventStore(std::move(options)));
  s->retention_age_ns_ = age;
  s->retention_bytes_ = bytes;
  if (s->options_.read_only) {
    s->options_.background = false;
    RETURN_IF_ERROR(s->OpenForReading());
    spdlog::debug("store {} (read-only): {}", s->options_.path, s->recovery_.ToString());
    return s;
  }
  RETURN_IF_ERROR(s->Recover());
  spdlog::info("store {}: {}", s->options_.path, s->recovery_.ToString());
  if (s->options_.background) s->flush_thread_ = std::thread([p = s.get()] { p->FlushThread(); });
  if (s->options_.background && s->options_.background_merges) {
    s->merge_thread_ = std::thread([p = s.get()] { p->MergeThread(); });
  }
  return s;
}

EventStore::~EventStore() {
  Status s = Close();
  if (!s.ok()) spdlog::error("store {}: closing: {}", options_.path, s.ToString());
}

int64_t EventStore::NowNanos() const {
  return options_.now_nanos ? options_.now_nanos() : Timestamp::Now().nanos();
}

std::string EventStore::DayDir(int64_t day) const {
  return options_.path + "/data/" + DayName(day);
}

std::string EventStore::PartPath(int64_t day, uint64_t id) const {
  char name[32];
  std::snprintf(name, sizeof name, "%016" PRIx64, id);
  return DayDir(day) + "/" + name + std::string(kPartSuffix);
}

Part::CorruptionListener EventStore::DamageListener() const {
  std::weak_ptr<Quarantine> q = quarantine_;
  return [q](const Part& p, const Status& s) {
    if (auto sp = q.lock()) sp->Report(p, s);
  };
}

// ---------------------------------------------------------------------------------------------
// Append

Status EventStore::Append(std::span<const Event* const> events,
                          std::span<const Checkpoint> checkpoints) {
  {
    std::unique_lock<std::mutex> l(mu_);
    if (closed_ || stop_) return Status::Unavailable("store " + options_.path + " is closed");
    if (options_.read_only) {
      return Status::InvalidArgument("store " + options_.path + " is open read-only");
    }
    if (memtable_rows_ >= options_.max_memtable_rows) {
      if (options_.background) {
        state_cv_.notify_all();
        state_cv_.wait_for(l, kBackPressureWait, [&] {
          return memtable_rows_ < options_.max_memtable_rows || closed_ || stop_;
        });
        if (memtable_rows_ >= options_.max_memtable_rows) {
          return Status::Unavailable(
              "store: " + std::to_string(memtable_rows_) +
              " events wait to be flushed (flushes are behind or failing; see earlier errors); "
              "retrying");
        }
      } else {
        l.unlock();
        RETURN_IF_ERROR(Flush());
      }
    }
  }

  // The record carries the batch as columns: built once, used by the WAL and the memtable.
  Writer w;
  w.rows = std::make_shared<RowSet>();
  w.rows->ExpectRows(events.size());
  for (const Event* e : events) w.rows->AppendEvent(*e);
  w.rows->Seal();
  PutVarint(&w.payload, checkpoints.size());
  for (const Checkpoint& cp : checkpoints) {
    PutBytes(&w.payload, cp.key);
    PutBytes(&w.payload, cp.blob);
  }
  EncodeRowSet(*w.rows, &w.payload);
  w.rows->add_raw_bytes(w.payload.size());
  w.checkpoints.assign(checkpoints.begin(), checkpoints.end());

  std::unique_lock<std::mutex> l(commit_mu_);
  writers_.push_back(&w);
  w.cv.wait(l, [&] { return w.done || writers_.front() == &w; });
  if (!w.done) {
    // This writer leads: commit everyone queued so far in one write and one fsync.
    std::vector<Writer*> group;
    size_t bytes = 0;
    for (Writer* x : writers_) {
      group.push_back(x);
      bytes += x->payload.size();
      if (bytes >= kMaxGroupCommitBytes) break;
    }
    l.unlock();
    Status s = CommitGroup(group);
    l.lock();
    for (Writer* x : group) {
      writers_.pop_front();
      x->status = s;
      x->done = true;
      if (x != &w) x->cv.notify_one();
    }
    if (!writers_.empty()) writers_.front()->cv.notify_one();
  }
  l.unlock();
  if (!w.status.ok()) return w.status;
  std::shared_ptr<const AppendListener> listener;
  {
    std::lock_guard<std::mutex> g(listener_mu_);
    listener = append_listener_;
  }
  if (listener) (*listener)(events);

  bool flush_due;
  {
    std::lock_guard<std::mutex> g(mu_);
    flush_due = memtable_rows_ >= options_.flush_rows;
    if (flush_due && options_.background) state_cv_.notify_all();
  }
  if (flush_due && !options_.background) return Flush();
  return Status::OK();
}

void EventStore::SetAppendListener(AppendListener listener) {
  std::lock_guard<std::mutex> g(listener_mu_);
  append_listener_ =
      listener ? std::make_shared<const AppendListener>(std::move(listener)) : nullptr;
}

Status EventStore::CommitGroup(std::vector<Writer*>& group) {
  std::lock_guard<std::mutex> wl(wal_mu_);
  if (!wal_) return Status::Unavailable("store " + options_.path + " is closed");
  // Headers and payloads go out as pieces: the payloads (most of the bytes) are not copied.
  std::vector<std::string> headers;
  std::vector<std::string_view> pieces;
  headers.reserve(group.size());
  uint64_t lsn = last_lsn_;
  for (Writer* x : group) {
    headers.push_back(WalRecordHeader(kWalRecordCommit, ++lsn, x->payload));
    pieces.push_back(headers.back());
    pieces.push_back(x->payload);
  }
  uint64_t before = wal_->size();
  Status s = wal_->WritePieces(pieces);
  if (s.ok()) {
    s = wal_->Sync();
    if (!s.ok()) {
      // Not known to be durable: take the records back so a retry does not duplicate them.
      Status t = wal_->CutTo(before);
      if (!t.ok()) spdlog::error("store: cutting back the WAL failed: {}", t.ToString());
    }
  }
  if (!s.ok()) {
    NoteDiskFull(s);
    return s;
  }
  last_lsn_ = lsn;
  NoteWriteOk();
  {
    std::lock_guard<std::mutex> l(mu_);
    for (Writer* x : group) {
      if (x->rows->rows() > 0) {
        if (memtable_.empty()) memtable_since_ns_ = SteadyNanos();
        memtable_rows_ += x->rows->rows();
        memtable_.push_back({next_chunk_seq_++, std::move(x->rows)});
      }
      for (Checkpoint& cp : x->checkpoints) checkpoints_[cp.key] = std::move(cp.blob);
    }
  }
  if (wal_->size() >= options_.wal_segment_bytes) {
    Status r = RollWalLocked();
    if (!r.ok()) spdlog::warn("store: starting a new WAL segment: {}", r.ToString());
  }
  return Status::OK();
}

Status EventStore::RollWalLocked() {
  if (wal_->size() <= kWalHeaderBytes) return Status::OK();  // nothing in it yet
  ASSIGN_OR_RETURN(auto next, WalWriter::Create(fs_, options_.path + "/wal", last_lsn_ + 1));
  Status s = wal_->Close();
  if (!s.ok()) spdlog::warn("store: closing WAL segment: {}", s.ToString());
  old_segments_.push_back(wal_->path());
  wal_ = std::move(next);
  return Status::OK();
}

void EventStore::NoteDiskFull(const Status& s) {
  std::lock_guard<std::mutex> l(mu_);
  if (IsDiskFull(s)) {
    if (!disk_full_) spdlog::error("store: {}. Ingest is paused.", s.message());
    disk_full_ = true;
  }
}

void EventStore::NoteWriteOk() {
  std::lock_guard<std::mutex> l(mu_);
  if (disk_full_) spdlog::warn("store {}: writes succeed again; ingest resumed", options_.path);
  disk_full_ = false;
}

Result<std::string> EventStore::LastCheckpoint(std::string_view key) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = checkpoints_.find(key);
  if (it == checkpoints_.end()) {
    return Status::NotFound("store has no checkpoint for \"" + std::string(key) + "\"");
  }
  return it->second;
}

// ---------------------------------------------------------------------------------------------
// Flush

Status EventStore::WritePart(int64_t day, uint64_t max_lsn, std::vector<uint64_t> replaces,
                             std::shared_ptr<const Part>* out,
                             const std::function<Status(PartWriter*)>& fill) {
  uint64_t id;
  {
    std::lock_guard<std::mutex> l(mu_);
    id = next_part_id_++;
  }
  std::string dir = DayDir(day);
  RETURN_IF_ERROR(fs_->CreateDir(dir));
  RETURN_IF_ERROR(fs_->SyncDir(options_.path + "/data"));
  std::string path = PartPath(day, id);
  std::string tmp = path + std::string(kTmpSuffix);
  ASSIGN_OR_RETURN(auto file, fs_->NewWritableFile(tmp));
  PartWriterOptions po;
  po.part_id = id;
  po.day = day;
  po.max_lsn = max_lsn;
  po.replaces = std::move(replaces);
  po.template_columns = options_.template_columns;
  po.token_filters = options_.token_filters;
  PartWriter writer(std::move(po), file.get());
  Status s = fill(&writer);
  if (s.ok()) s = writer.Finish();
  if (s.ok()) s = file->Sync();
  if (s.ok()) s = file->Close();
  if (s.ok()) s = fs_->Rename(tmp, path);
  if (!s.ok()) {
    (void)file->Close();
    (void)fs_->RemoveFile(tmp);
    return s;
  }
  RETURN_IF_ERROR(fs_->SyncDir(dir));
  auto part = Part::OpenFile(path, DamageListener());
  if (!part.ok()) {
    (void)fs_->RemoveFile(path);
    return part.status();
  }
  *out = std::move(*part);
  return Status::OK();
}

Status EventStore::Flush() {
  if (options_.read_only) {
    return Status::InvalidArgument("store " + options_.path + " is open read-only");
  }
  std::lock_guard<std::mutex> fl(flush_mu_);
  std::vector<MemChunk> chunks;
  CheckpointsSnapshot cps;
  std::vector<std::string> segments;
  {
    std::lock_guard<std::mutex> wl(wal_mu_);
    if (!wal_) return Status::Unavailable("store " + options_.path + " is closed");
    {
      std::lock_guard<std::mutex> l(mu_);
      if (memtable_.empty() && flushing_.empty() && old_segments_.empty() &&
          wal_->size() <= kWalHeaderBytes) {
        return Status::OK();
      }
      for (MemChunk& c : memtable_) flushing_.push_back(std::move(c));
      memtable_.clear();
      memtable_since_ns_ = 0;
      chunks = flushing_;
      cps.blobs = checkpoints_;
    }
    RETURN_IF_ERROR(RollWalLocked());
    cps.lsn = last_lsn_;
    segments = old_segments_;
  }

  // Rows by day; days already past retention are not written.
  std::map<int64_t, std::vector<RowRef>> by_day;
  std::vector<const RowSet*> sets;
  int64_t cutoff_day = INT64_MIN;
  if (retention_age_ns_ > 0) cutoff_day = DayOf(NowNanos() - retention_age_ns_);
  uint64_t rows = 0, dropped = 0;
  for (uint32_t s = 0; s < chunks.size(); ++s) {
    const RowSet& rs = *chunks[s].rows;
    sets.push_back(&rs);
    rows += rs.rows();
    for (uint32_t r = 0; r < rs.rows(); ++r) {
      int64_t day = DayOf(rs.timestamps()[r]);
      if (day < cutoff_day) {
        ++dropped;
        continue;
      }
      by_day[day].push_back({s, r});
    }
  }
  std::vector<std::shared_ptr<const Part>> written;
  auto undo = [&](const Status& s) {
    for (const auto& p : written) (void)fs_->RemoveFile(p->path());
    NoteDiskFull(s);
    return s;
  };
  for (auto& [day, day_refs] : by_day) {
    // A plain reference: lambdas below capture it (clang before 16 cannot capture a binding).
    std::vector<RowRef>& refs = day_refs;
    auto ts = [&](const RowRef& r) { return sets[r.set]->timestamps()[r.row]; };
    bool sorted = true;
    for (size_t i = 1; i < refs.size() && sorted; ++i) sorted = ts(refs[i - 1]) <= ts(refs[i]);
    if (!sorted) {
      std::stable_sort(refs.begin(), refs.end(),
                       [&](const RowRef& a, const RowRef& b) { return ts(a) < ts(b); });
    }
    std::shared_ptr<const Part> part;
    Status s = WritePart(day, cps.lsn, {}, &part, [&](PartWriter* w) -> Status {
      for (size_t i = 0; i < refs.size(); i += kRowGroupRows) {
        size_t n = std::min(kRowGroupRows, refs.size() - i);
        RETURN_IF_ERROR(w->AddRowGroup(sets, std::span<const RowRef>(refs).subspan(i, n)));
      }
      return Status::OK();
    });
    if (!s.ok()) return undo(s);
    written.push_back(std::move(part));
  }
  Status s = WriteFileAtomically(fs_, options_.path + "/" + std::string(kCheckpointsFileName),
                                 EncodeCheckpoints(cps));
  if (!s.ok()) return undo(s);
  if (dropped > 0) {
    spdlog::info("store: {} events older than retention_age {} were not stored", dropped,
                 options_.retention_age);
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    const int64_t now = NowNanos();
    for (const auto& p : written) {
      parts_[p->day()].push_back(p);
      last_write_ns_[p->day()] = now;
    }
    flushing_.clear();
    memtable_rows_ -= rows;
    first_unflushed_seq_ = memtable_.empty() ? next_chunk_seq_ : memtable_.front().seq;
    ++counters_.flushes;
    state_cv_.notify_all();
  }
  {
    std::lock_guard<std::mutex> wl(wal_mu_);
    for (const std::string& seg : segments) {
      if (wal_ && seg == wal_->path()) continue;  // never the segment being written
      Status r = fs_->RemoveFile(seg);
      if (!r.ok()) spdlog::warn("store: removing flushed WAL segment: {}", r.ToString());
      old_segments_.erase(std::remove(old_segments_.begin(), old_segments_.end(), seg),
                          old_segments_.end());
    }
    if (!segments.empty()) (void)fs_->SyncDir(options_.path + "/wal");
  }
  return ApplyRetention();
}

// ---------------------------------------------------------------------------------------------
// Threads, snapshots, stats, close

std::shared_ptr<const Snapshot> EventStore::GetSnapshot() const {
  std::vector<std::shared_ptr<const Part>> parts;
  std::vector<MemChunk> unflushed;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [day, ps] : parts_) parts.insert(parts.end(), ps.begin(), ps.end());
    unflushed = flushing_;
    unflushed.insert(unflushed.end(), memtable_.begin(), memtable_.end());
  }
  if (!unflushed.empty()) {
    std::lock_guard<std::mutex> l(mem_cache_mu_);
    uint64_t first = unflushed.front().seq, last = unflushed.back().seq;
    // Entries holding flushed chunks are stale; the rest are reused in order.
    std::erase_if(mem_cache_, [&](const MemPartCache& e) { return e.first_seq < first; });
    uint64_t covered = first - 1;
    size_t keep = 0;
    while (keep < mem_cache_.size() && mem_cache_[keep].first_seq == covered + 1 &&
           mem_cache_[keep].last_seq <= last) {
      covered = mem_cache_[keep].last_seq;
      ++keep;
    }
    mem_cache_.resize(keep);
    if (covered < last) {
      MemPartCache entry;
      entry.first_seq = covered + 1;
      entry.last_seq = last;
      std::map<int64_t, std::vector<RowRef>> by_day;
      std::vector<const RowSet*> sets;
      for (const MemChunk& c : unflushed) {
        if (c.seq <= covered) continue;
        uint32_t s = static_cast<uint32_t>(sets.size());
        sets.push_back(c.rows.get());
        for (uint32_t r = 0; r < c.rows->rows(); ++r) {
          by_day[DayOf(c.rows->timestamps()[r])].push_back({s, r});
        }
      }
      for (auto& [day, refs] : by_day) {
        std::stable_sort(refs.begin(), refs.end(), [&](const RowRef& a, const RowRef& b) {
          return sets[a.set]->timestamps()[a.row] < sets[b.set]->timestamps()[b.row];
        });
        PartWriterOptions po;
        po.day = day;
        po.template_columns = options_.template_columns;
        po.token_filters = options_.token_filters;
        PartWriter w(po, nullptr);
        Status s;
        for (size_t i = 0; i < refs.size() && s.ok(); i += kRowGroupRows) {
          size_t n = std::min(kRowGroupRows, refs.size() - i);
          s = w.AddRowGroup(sets, std::span<const RowRef>(refs).subspan(i, n));
        }
        if (s.ok()) s = w.Finish();
        auto part = s.ok() ? Part::FromBytes(w.TakeBytes(), "memtable:" + DayName(day))
                           : Result<std::shared_ptr<const Part>>(s);
        if (!part.ok()) {
          spdlog::error("store: encoding unflushed events for a snapshot: {}",
                        part.status().ToString());
          continue;
        }
        entry.parts.push_back(std::move(*part));
      }
      mem_cache_.push_back(std::move(entry));
    }
    for (const MemPartCache& e : mem_cache_) {
      parts.insert(parts.end(), e.parts.begin(), e.parts.end());
    }
  }
  return std::make_shared<Snapshot>(std::move(parts));
}

StoreStats EventStore::Stats() const {
  StoreStats st;
  {
    std::lock_guard<std::mutex> l(mu_);
    st = counters_;
    for (const auto& [day, parts] : parts_) {
      if (parts.empty()) continue;
      ++st.partitions;
      for (const auto& p : parts) {
        ++st.parts;
        st.part_events += p->rows();
        st.part_bytes += p->size_bytes();
        st.raw_bytes += p->meta().raw_bytes;
      }
    }
    st.memtable_events = memtable_rows_;
    st.disk_full = disk_full_;
  }
  auto wal = ListDir(options_.path + "/wal");
  if (wal.ok()) {
    for (const std::string& n : *wal) {
      auto f = ReadOnlyFile::Open(options_.path + "/wal/" + n);
      if (f.ok()) st.wal_bytes += (*f)->size();
    }
  }
  st.events = st.part_events + st.memtable_events;
  st.bytes_per_event = st.part_events == 0 ? 0
                                           : static_cast<double>(st.part_bytes) /
                                                 static_cast<double>(st.part_events);
  st.compression_ratio =
      st.part_bytes == 0 ? 0
                         : static_cast<double>(st.raw_bytes) / static_cast<double>(st.part_bytes);
  return st;
}

Status EventStore::Close() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (closed_) return Status::OK();
    stop_ = true;
    state_cv_.notify_all();
  }
  if (flush_thread_.joinable()) flush_thread_.join();
  if (merge_thread_.joinable()) merge_thread_.join();
  bool opened;
  {
    std::lock_guard<std::mutex> wl(wal_mu_);
    opened = wal_ != nullptr;
  }
  Status s = opened ? Flush() : Status::OK();
  {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
  }
  {
    std::lock_guard<std::mutex> wl(wal_mu_);
    if (wal_) {
      Status c = wal_->Close();
      if (s.ok()) s = c;
      wal_.reset();
    }
  }
  quarantine_->Detach();
  if (lock_fd_ >= 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
  }
  return s;
}

}  // namespace perimeter::store
