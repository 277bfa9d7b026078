#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "store/event_store.h"
#include "store/part_merger.h"
#include "store/retention_policy.h"
#include "store/store_layout.h"

// EventStore's background work: retention, merges, quarantine, and the threads that run them.
namespace perimeter::store {

namespace {

// How long a past day must go without a flush before its parts are folded together. Live
// ingest stops writing yesterday within seconds of midnight (late lines aside); a backfill
// moves on from a day once its lines are read. Store-clock time, so tests can move it.
constexpr int64_t kDayQuietNanos = int64_t{300} * 1'000'000'000;

}  // namespace

Status EventStore::ApplyRetention() {
  if (retention_age_ns_ == 0 && retention_bytes_ == 0) return Status::OK();
  std::map<int64_t, uint64_t> bytes;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [day, parts] : parts_) {
      uint64_t b = 0;
      for (const auto& p : parts) b += p->size_bytes();
      if (!parts.empty()) bytes[day] = b;
    }
  }
  for (const DayDrop& drop :
       ChooseDaysToDrop(bytes, NowNanos(), retention_age_ns_, retention_bytes_)) {
    uint64_t events = 0;
    {
      std::lock_guard<std::mutex> l(mu_);
      auto it = parts_.find(drop.day);
      if (it == parts_.end()) continue;
      for (const auto& p : it->second) events += p->rows();
      parts_.erase(it);
      last_write_ns_.erase(drop.day);
      ++counters_.days_dropped;
    }
    std::string dir = DayDir(drop.day);
    std::string dropping = dir + std::string(kDroppingSuffix);
    RETURN_IF_ERROR(fs_->Rename(dir, dropping));
    RETURN_IF_ERROR(fs_->SyncDir(options_.path + "/data"));
    RETURN_IF_ERROR(fs_->RemoveTree(dropping));
    spdlog::info("store: dropped {} ({} events, {} bytes): {}", DayName(drop.day), events,
                 bytes[drop.day], drop.reason);
  }
  return Status::OK();
}

void EventStore::QuarantinePart(uint64_t id, const Status& why) {
  std::shared_ptr<const Part> part;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [day, parts] : parts_) {
      auto it =
          std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return p->id() == id; });
      if (it != parts.end()) {
        part = *it;
        parts.erase(it);
        ++counters_.quarantined_parts;
        break;
      }
    }
  }
  if (!part) return;  // already quarantined, or an in-memory part
  if (options_.read_only) {
    spdlog::error("store: {} is damaged ({}); no longer read", part->path(), why.message());
    return;
  }
  Status s = QuarantineFile(part->path(), why.message());
  if (!s.ok()) spdlog::error("store: moving damaged part aside failed: {}", s.ToString());
}

Result<bool> EventStore::MergeOnce(bool compact_all) {
  std::lock_guard<std::mutex> ml(merge_mu_);
  int64_t day = 0;
  std::vector<std::shared_ptr<const Part>> inputs;
  {
    std::lock_guard<std::mutex> l(mu_);
    const int64_t now = NowNanos();
    const int64_t today = DayOf(now);
    for (const auto& [d, parts] : parts_) {
      // A day is folded into few parts once it stops getting writes: a past day that no flush
      // touched for kDayQuietNanos. Not "any day before today": a backfill of old days writes
      // each of them for a while, and folding after every flush would rewrite it again and again.
      auto written = last_write_ns_.find(d);
      const bool quiet = written == last_write_ns_.end() || now - written->second >= kDayQuietNanos;
      const bool day_closed = compact_all || (d < today && quiet);
      std::vector<PartRows> rows;
      std::vector<size_t> index;
      for (size_t i = 0; i < parts.size(); ++i) {
        if (merging_.count(parts[i]->id())) continue;
        rows.push_back({parts[i]->id(), parts[i]->rows()});
        index.push_back(i);
      }
      std::vector<size_t> pick = ChooseMerge(rows, day_closed, options_.merge);
      if (pick.empty()) continue;
      day = d;
      for (size_t k : pick) {
        inputs.push_back(parts[index[k]]);
        merging_.insert(parts[index[k]]->id());
      }
      break;
    }
  }
  if (inputs.empty()) return false;
  auto unmark = [&] {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& p : inputs) merging_.erase(p->id());
  };
  std::sort(inputs.begin(), inputs.end(),
            [](const auto& a, const auto& b) { return a->min_ts() < b->min_ts(); });
  std::vector<uint64_t> replaces;
  uint64_t max_lsn = 0;
  for (const auto& p : inputs) {
    replaces.push_back(p->id());
    max_lsn = std::max(max_lsn, p->meta().max_lsn);
    // Inputs of an earlier merge whose deletion failed must stay superseded.
    for (uint64_t old : p->meta().replaces) {
      if (ReadOnlyFile::Open(PartPath(day, old)).ok()) replaces.push_back(old);
    }
  }
  std::shared_ptr<const Part> merged;
  Status s = WritePart(day, max_lsn, replaces, &merged,
                       [&](PartWriter* w) { return MergeParts(inputs, w); });
  if (!s.ok()) {
    unmark();
    NoteDiskFull(s);
    return s;
  }
  bool installed = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = parts_.find(day);
    if (it != parts_.end()) {
      auto& parts = it->second;
      bool all = std::all_of(inputs.begin(), inputs.end(), [&](const auto& in) {
        return std::find(parts.begin(), parts.end(), in) != parts.end();
      });
      if (all) {
        for (const auto& in : inputs) parts.erase(std::find(parts.begin(), parts.end(), in));
        parts.push_back(merged);
        ++counters_.merges;
        installed = true;
      }
    }
    for (const auto& p : inputs) merging_.erase(p->id());
  }
  if (!installed) {
    // Retention dropped the day, or an input was quarantined, while merging.
    (void)fs_->RemoveFile(merged->path());
    return true;
  }
  for (const auto& p : inputs) {
    Status r = fs_->RemoveFile(p->path());
    if (!r.ok()) spdlog::warn("store: removing merged part: {}", r.ToString());
  }
  (void)fs_->SyncDir(DayDir(day));
  return true;
}

Status EventStore::MaintainOnce() {
  if (options_.read_only) return Status::OK();  // a reader changes nothing
  {
    std::lock_guard<std::mutex> fl(flush_mu_);
    RETURN_IF_ERROR(ApplyRetention());
  }
  for (;;) {
    ASSIGN_OR_RETURN(bool merged, MergeOnce(false));
    if (!merged) return Status::OK();
  }
}

Status EventStore::CompactAll() {
  RETURN_IF_ERROR(Flush());
  for (;;) {
    ASSIGN_OR_RETURN(bool merged, MergeOnce(true));
    if (!merged) return Status::OK();
  }
}

void EventStore::FlushThread() {
  std::unique_lock<std::mutex> l(mu_);
  Status last = Status::OK();
  while (!stop_) {
    state_cv_.wait_for(l, std::chrono::milliseconds(options_.maintenance_interval_ms),
                       [&] { return stop_ || memtable_rows_ >= options_.flush_rows; });
    if (stop_) break;
    bool due = memtable_rows_ >= options_.flush_rows || !flushing_.empty() ||
               (memtable_rows_ > 0 &&
                SteadyNanos() - memtable_since_ns_ >= options_.flush_interval_ms * 1'000'000);
    l.unlock();
    Status s;
    if (due) {
      s = Flush();
    } else {
      std::lock_guard<std::mutex> fl(flush_mu_);
      s = ApplyRetention();
    }
    if (!s.ok() && s.ToString() != last.ToString()) {
      spdlog::error("store {}: background flush: {}", options_.path, s.ToString());
    }
    last = s;
    l.lock();
  }
}

void EventStore::MergeThread() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    l.unlock();
    auto merged = MergeOnce(false);
    if (!merged.ok()) {
      spdlog::error("store {}: background merge: {}", options_.path, merged.status().ToString());
    }
    l.lock();
    if (merged.ok() && *merged) continue;
    state_cv_.wait_for(l, std::chrono::milliseconds(options_.maintenance_interval_ms),
                       [&] { return stop_; });
  }
}

}  // namespace perimeter::store
