#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <set>

#include "store/byte_coding.h"
#include "store/checkpoints_format.h"
#include "store/event_store.h"
#include "store/row_set_codec.h"
#include "store/store_layout.h"

// EventStore::Open's recovery: loading parts, replaying the WAL, moving damage aside.
namespace perimeter::store {
namespace {

// `dir` + "/" + `name` with one allocation (recovery walks every file of the store).
std::string ChildPath(const std::string& dir, const std::string& name) {
  std::string path;
  path.reserve(dir.size() + 1 + name.size());
  return path.append(dir).append(1, '/').append(name);
}

}  // namespace

std::string RecoveryReport::ToString() const {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%zu parts loaded (%zu damaged and quarantined, %zu superseded by merges removed, "
                "%zu temporary files removed); WAL: %zu segments (%zu quarantined), %zu records, "
                "%zu events replayed, %zu already in parts, %" PRIu64
                " torn bytes cut; %zu checkpoints restored",
                parts_loaded, parts_quarantined, parts_superseded, temp_files_removed, wal_segments,
                wal_segments_quarantined, wal_records, events_replayed, events_already_in_parts,
                torn_tail_bytes, checkpoints_restored);
  return buf;
}

Status EventStore::Recover() {
  const std::string& root = options_.path;
  for (const std::string& d : {root, root + "/wal", root + "/data", root + "/quarantine"}) {
    RETURN_IF_ERROR(fs_->CreateDir(d));
  }
  std::string lock_path = root + "/LOCK";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return FileError("open", lock_path, errno);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    return Status::Unavailable("store " + root +
                               " is open in another process (its LOCK file is held); stop "
                               "that process or use another path");
  }
  auto root_names = ListDir(root);
  if (root_names.ok()) {
    for (const std::string& n : *root_names) {
      if (EndsWith(n, kTmpSuffix)) {
        RETURN_IF_ERROR(fs_->RemoveFile(ChildPath(root, n)));
        ++recovery_.temp_files_removed;
      }
    }
  }
  RETURN_IF_ERROR(LoadParts());
  RETURN_IF_ERROR(ReplayWal());
  ASSIGN_OR_RETURN(wal_, WalWriter::Create(fs_, root + "/wal", last_lsn_ + 1));
  // A replayed segment that held no record has the new segment's name: it is the new one now.
  std::erase(old_segments_, wal_->path());
  return Status::OK();
}

namespace {

// The names under data/ and wal/: when they differ after loading, a flush, merge or retention
// ran meanwhile, and a read-only open starts over.
std::string StoreListing(const std::string& root) {
  std::string out;
  for (const std::string& top : {root + "/data", root + "/wal"}) {
    auto names = ListDir(top);
    if (!names.ok()) continue;
    std::sort(names->begin(), names->end());
    for (const std::string& n : *names) {
      out += n + "\n";
      auto inner = ListDir(ChildPath(top, n));
      if (!inner.ok()) continue;
      std::sort(inner->begin(), inner->end());
      for (const std::string& m : *inner) out += " " + m + "\n";
    }
  }
  return out;
}

// Attempts of a read-only open before it gives up on a store that changes under every one.
constexpr int kReadOnlyOpenAttempts = 8;

}  // namespace

Status EventStore::OpenForReading() {
  const std::string& root = options_.path;
  if (!ListDir(root + "/data").ok()) {
    return Status::NotFound("no store at " + root + " (nothing was stored there yet)");
  }
  for (int attempt = 1;; ++attempt) {
    const std::string before = StoreListing(root);
    parts_.clear();
    memtable_.clear();
    memtable_rows_ = 0;
    checkpoints_.clear();
    old_segments_.clear();
    last_lsn_ = 0;
    recovery_ = RecoveryReport();
    read_race_ = false;
    RETURN_IF_ERROR(LoadParts());
    RETURN_IF_ERROR(ReplayWal());
    if (!read_race_ && StoreListing(root) == before) return Status::OK();
    if (attempt == kReadOnlyOpenAttempts) {
      return Status::Unavailable("store " + root +
                                 " changed under every attempt to read it; try again");
    }
  }
}

Status EventStore::QuarantineFile(const std::string& path, std::string_view why) {
  std::string dir = path.substr(0, path.rfind('/'));
  std::string parent = BaseName(dir);
  std::string target = options_.path + "/quarantine/" + parent + "-" + BaseName(path);
  spdlog::error("store: {} is damaged ({}); moved to {} and no longer read", path, why, target);
  RETURN_IF_ERROR(fs_->Rename(path, target));
  RETURN_IF_ERROR(fs_->SyncDir(dir));
  return fs_->SyncDir(options_.path + "/quarantine");
}

Status EventStore::LoadParts() {
  const std::string data = options_.path + "/data";
  ASSIGN_OR_RETURN(auto days, ListDir(data));
  std::sort(days.begin(), days.end());
  std::vector<std::shared_ptr<const Part>> loaded;
  auto listener = DamageListener();
  for (const std::string& d : days) {
    std::string dir = ChildPath(data, d);
    if (EndsWith(d, kDroppingSuffix)) {
      if (!options_.read_only) RETURN_IF_ERROR(fs_->RemoveTree(dir));
      continue;
    }
    auto day = ParseDayName(d);
    if (!day) {
      spdlog::warn("store: ignoring {}: not a day partition", dir);
      continue;
    }
    auto listed = ListDir(dir);
    if (!listed.ok() && options_.read_only) {
      read_race_ = true;  // retention dropped the day under us
      continue;
    }
    ASSIGN_OR_RETURN(auto names, std::move(listed));
    for (const std::string& n : names) {
      std::string path = ChildPath(dir, n);
      if (EndsWith(n, kTmpSuffix)) {
        if (options_.read_only) continue;
        RETURN_IF_ERROR(fs_->RemoveFile(path));
        ++recovery_.temp_files_removed;
        continue;
      }
      uint64_t id = PartIdFromName(n);
      if (id == 0) continue;
      next_part_id_ = std::max(next_part_id_, id + 1);
      auto part = Part::OpenFile(path, listener);
      if (!part.ok() && part.status().code() != StatusCode::kCorruption) {
        if (!options_.read_only) return part.status();
        read_race_ = true;  // a merge removed it between the listing and the open
        continue;
      }
      if (part.ok() && ((*part)->day() != *day || (*part)->id() != id)) {
        part = Status::Corruption("its footer names another day or id than its file name");
      }
      if (!part.ok() && options_.read_only) {
        spdlog::warn("store: {} is damaged ({}); not read", path, part.status().message());
        continue;
      }
      if (!part.ok()) {
        RETURN_IF_ERROR(QuarantineFile(path, part.status().message()));
        ++recovery_.parts_quarantined;
        continue;
      }
      loaded.push_back(std::move(*part));
    }
  }
  auto quarantined = ListDir(options_.path + "/quarantine");
  if (quarantined.ok()) {
    for (const std::string& n : *quarantined) {
      next_part_id_ = std::max(next_part_id_, PartIdFromName(n) + 1);
    }
  }
  // A merge writes its part before deleting its inputs: inputs still here are superseded.
  std::set<uint64_t> replaced;
  for (const auto& p : loaded)
    replaced.insert(p->meta().replaces.begin(), p->meta().replaces.end());
  std::set<std::string> touched;
  for (auto& p : loaded) {
    if (replaced.count(p->id())) {
      if (options_.read_only) continue;
      RETURN_IF_ERROR(fs_->RemoveFile(p->path()));
      touched.insert(p->path().substr(0, p->path().rfind('/')));
      ++recovery_.parts_superseded;
      continue;
    }
    parts_[p->day()].push_back(p);
    ++recovery_.parts_loaded;
  }
  for (const std::string& dir : touched) RETURN_IF_ERROR(fs_->SyncDir(dir));
  return Status::OK();
}

Status EventStore::ReplayWal() {
  const std::string root = options_.path;
  // Checkpoints as of the last flush; WAL records after it override them.
  uint64_t checkpoints_lsn = 0;
  std::string cp_path = root + "/" + std::string(kCheckpointsFileName);
  auto cp_bytes = ReadWholeFile(cp_path);
  if (cp_bytes.ok()) {
    auto cps = DecodeCheckpoints(*cp_bytes, cp_path);
    if (cps.ok()) {
      checkpoints_lsn = cps->lsn;
      for (auto& [k, v] : cps->blobs) checkpoints_[k] = v;
    } else if (cps.status().code() == StatusCode::kCorruption && options_.read_only) {
      spdlog::warn("store: {}", cps.status().message());
    } else if (cps.status().code() == StatusCode::kCorruption) {
      RETURN_IF_ERROR(QuarantineFile(cp_path, cps.status().message()));
    } else {
      return cps.status();
    }
  }

  std::map<int64_t, uint64_t> day_lsn;  // highest LSN already in each day's parts
  uint64_t max_part_lsn = 0;
  for (const auto& [day, parts] : parts_) {
    for (const auto& p : parts) {
      day_lsn[day] = std::max(day_lsn[day], p->meta().max_lsn);
      max_part_lsn = std::max(max_part_lsn, p->meta().max_lsn);
    }
  }

  const std::string wal_dir = root + "/wal";
  ASSIGN_OR_RETURN(auto names, ListDir(wal_dir));
  std::vector<std::pair<uint64_t, std::string>> segments;
  for (const std::string& n : names) {
    uint64_t first = WalSegmentFirstLsn(n);
    if (first > 0) segments.emplace_back(first, ChildPath(wal_dir, n));
  }
  std::sort(segments.begin(), segments.end());

  auto push_chunk = [&](std::shared_ptr<RowSet> chunk) {
    memtable_rows_ += chunk->rows();
    memtable_.push_back({next_chunk_seq_++, std::move(chunk)});
  };
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& path = segments[i].second;
    bool last = i + 1 == segments.size();
    ++recovery_.wal_segments;
    auto seg = ReadWalSegment(path);
    if (!seg.ok() && options_.read_only) {
      read_race_ = true;  // a flush deleted it after the listing (or it is being created)
      continue;
    }
    if (!seg.ok()) {
      if (seg.status().code() == StatusCode::kInvalidArgument) return seg.status();
      if (last) {
        // The newest segment was being created when the process stopped: nothing in it.
        auto size = ReadOnlyFile::Open(path);
        if (size.ok()) recovery_.torn_tail_bytes += (*size)->size();
        RETURN_IF_ERROR(fs_->RemoveFile(path));
        continue;
      }
      RETURN_IF_ERROR(QuarantineFile(path, seg.status().message()));
      ++recovery_.wal_segments_quarantined;
      continue;
    }
    std::string damage;
    for (const WalRecord& rec : seg->records) {
      ++recovery_.wal_records;
      last_lsn_ = std::max(last_lsn_, rec.lsn);
      ByteReader in(rec.payload);
      uint64_t ncp = in.BoundedVarint(in.remaining());
      std::vector<Checkpoint> cps;
      for (uint64_t k = 0; k < ncp && in.ok(); ++k) {
        Checkpoint cp;
        cp.key = in.Bytes();
        cp.blob = in.Bytes();
        cps.push_back(std::move(cp));
      }
      auto batch = std::make_shared<RowSet>();
      Status s = in.ok() ? DecodeRowSet(&in, batch.get())
                         : Status::Corruption("checkpoints are malformed");
      if (s.ok() && !in.empty()) s = Status::Corruption("trailing bytes after the batch");
      if (!s.ok()) {
        damage = "record " + std::to_string(rec.lsn) + ": " + s.message();
        break;
      }
      // Rows of days whose parts already hold this record (a flush finished) are skipped.
      std::vector<uint32_t> keep;
      for (uint32_t r = 0; r < batch->rows(); ++r) {
        auto it = day_lsn.find(DayOf(batch->timestamps()[r]));
        if (it != day_lsn.end() && it->second >= rec.lsn) {
          ++recovery_.events_already_in_parts;
        } else {
          keep.push_back(r);
        }
      }
      recovery_.events_replayed += keep.size();
      batch->add_raw_bytes(rec.payload.size());
      if (keep.size() == batch->rows()) {
        if (!keep.empty()) push_chunk(std::move(batch));
      } else if (!keep.empty()) {
        push_chunk(std::make_shared<RowSet>(batch->Select(keep)));
      }
      if (rec.lsn > checkpoints_lsn) {
        for (Checkpoint& cp : cps) checkpoints_[cp.key] = std::move(cp.blob);
      }
    }
    if (options_.read_only && (!damage.empty() || !seg->stop_reason.empty())) {
      // The writer may be in the middle of this very append: what decoded is what was acked.
      if (!last) spdlog::warn("store: WAL segment {}: {}", path, damage);
      continue;
    }
    if (damage.empty() && !seg->stop_reason.empty()) {
      if (last) {
        // A torn tail: the append that was being written when the process stopped was never
        // acknowledged. Cut it off.
        recovery_.torn_tail_bytes += seg->bytes.size() - seg->good_bytes;
        RETURN_IF_ERROR(fs_->TruncateFile(path, seg->good_bytes));
      } else {
        damage = seg->stop_reason + " at byte " + std::to_string(seg->good_bytes);
      }
    }
    if (!damage.empty()) {
      RETURN_IF_ERROR(QuarantineFile(path, "WAL segment: " + damage));
      ++recovery_.wal_segments_quarantined;
      continue;
    }
    old_segments_.push_back(path);
  }
  if (memtable_rows_ > 0) memtable_since_ns_ = SteadyNanos();
  recovery_.checkpoints_restored = checkpoints_.size();
  last_lsn_ = std::max({last_lsn_, max_part_lsn, checkpoints_lsn});
  first_unflushed_seq_ = memtable_.empty() ? next_chunk_seq_ : memtable_.front().seq;
  return Status::OK();
}

}  // namespace perimeter::store
