#include "store/event_store.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "store/byte_coding.h"
#include "store/fault_injecting_file_system.h"
#include "store/random_events.h"
#include "store/retention_policy.h"

namespace perimeter::store {
namespace {

constexpr int64_t kDay = 86'400'000'000'000;
constexpr int64_t kBase = 19'000 * kDay;  // 2022-01-08

std::string FreshDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/store_" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

StoreOptions Quiet(const std::string& dir) {
  StoreOptions o;
  o.path = dir;
  o.background = false;  // tests drive flushes and merges
  return o;
}

Event Numbered(int64_t seq, int64_t ts) {
  Event e;
  e.set_timestamp(Timestamp(ts));
  e.SetTop("seq", seq);
  e.SetTop("message",
           "event number " + std::to_string(seq) + " from 10.0.0." + std::to_string(seq % 7));
  return e;
}

Status AppendRange(EventStore* store, int64_t from, int64_t to, int64_t ts_step = 1'000'000,
                   int64_t ts_base = kBase, const std::string& checkpoint = "") {
  std::vector<Event> events;
  for (int64_t i = from; i < to; ++i) events.push_back(Numbered(i, ts_base + i * ts_step));
  std::vector<const Event*> ptrs;
  ptrs.reserve(events.size());
  for (const Event& e : events) ptrs.push_back(&e);
  std::vector<Checkpoint> cps;
  if (!checkpoint.empty()) cps.push_back({"input", checkpoint});
  return store->Append(ptrs, cps);
}

// Every `seq` in the snapshot, in part order.
std::vector<int64_t> Seqs(const Snapshot& snap) {
  std::vector<int64_t> out;
  for (const auto& part : snap.parts()) {
    int c = part->FindColumn("seq", ColumnType::kInt);
    if (c < 0) continue;
    for (size_t g = 0; g < part->group_count(); ++g) {
      auto block = part->ReadBlock(static_cast<size_t>(c), g);
      EXPECT_TRUE(block.ok()) << block.status().ToString();
      if (!block.ok()) continue;
      for (size_t r = 0; r < block->rows; ++r) {
        if (block->Has(r)) out.push_back(block->ints[r]);
      }
    }
  }
  return out;
}

std::vector<int64_t> SortedSeqs(const Snapshot& snap) {
  std::vector<int64_t> s = Seqs(snap);
  std::sort(s.begin(), s.end());
  return s;
}

std::vector<int64_t> Iota(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
  return v;
}

TEST(EventStore, AppendedEventsAreVisibleAndSurviveReopen) {
  std::string dir = FreshDir("reopen");
  {
    auto store = EventStore::Open(Quiet(dir));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE(AppendRange(store->get(), 0, 500, 1'000'000, kBase, "offset=500").ok());
    EXPECT_EQ(SortedSeqs(*(*store)->GetSnapshot()), Iota(500));  // before any flush
    ASSERT_TRUE((*store)->Flush().ok());
    ASSERT_TRUE(AppendRange(store->get(), 500, 800, 1'000'000, kBase, "offset=800").ok());
    EXPECT_EQ(SortedSeqs(*(*store)->GetSnapshot()), Iota(800));
    ASSERT_TRUE((*store)->Close().ok());
  }
  auto store = EventStore::Open(Quiet(dir));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(SortedSeqs(*(*store)->GetSnapshot()), Iota(800));
  auto cp = (*store)->LastCheckpoint("input");
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(*cp, "offset=800");
  EXPECT_EQ((*store)->LastCheckpoint("other").status().code(), StatusCode::kNotFound);
  auto stats = (*store)->Stats();
  EXPECT_EQ(stats.events, 800u);
  EXPECT_GT(stats.part_bytes, 0u);
  EXPECT_GT(stats.compression_ratio, 1.0);
}

// The WAL alone (no flush, no close) brings events back, and a torn tail is cut off.
TEST(EventStore, RecoveryReplaysTheWalAndCutsATornTail) {
  std::string dir = FreshDir("replay");
  std::string wal_path;
  {
    auto store = EventStore::Open(Quiet(dir));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(AppendRange(store->get(), 0, 300, 1'000'000, kBase, "a").ok());
    ASSERT_TRUE(AppendRange(store->get(), 300, 600, 1'000'000, kBase, "b").ok());
    // Copy the directory as a crash would leave it (the store is still open, nothing flushed).
    std::filesystem::copy(dir, dir + ".crash", std::filesystem::copy_options::recursive);
  }
  std::filesystem::remove_all(dir);
  std::filesystem::rename(dir + ".crash", dir);
  for (const auto& e : std::filesystem::directory_iterator(dir + "/wal")) wal_path = e.path();
  {
    std::ofstream f(wal_path, std::ios::binary | std::ios::app);
    f << std::string("\x30\x00\x00\x00\x01partial record", 19);  // an append cut short
  }
  auto store = EventStore::Open(Quiet(dir));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const RecoveryReport& r = (*store)->recovery();
  EXPECT_EQ(r.events_replayed, 600u);
  EXPECT_EQ(r.wal_records, 2u);
  EXPECT_EQ(r.torn_tail_bytes, 19u);
  EXPECT_EQ(SortedSeqs(*(*store)->GetSnapshot()), Iota(600));
  EXPECT_EQ(*(*store)->LastCheckpoint("input"), "b");
  ASSERT_TRUE(AppendRange(store->get(), 600, 700).ok());
  ASSERT_TRUE((*store)->Close().ok());
  auto again = EventStore::Open(Quiet(dir));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(SortedSeqs(*(*again)->GetSnapshot()), Iota(700));
  EXPECT_EQ((*again)->recovery().torn_tail_bytes, 0u);
}

// A crash right after opening leaves a segment with only its header; the next open starts a
// segment of the same name. Flushing must not delete it, or later appends would be lost.
TEST(EventStore, EmptySegmentFromACrashIsNotDeletedUnderTheWriter) {
  std::string dir = FreshDir("empty_segment");
  auto crash_copy = [&] {
    std::filesystem::remove_all(dir + ".crash");
    std::filesystem::copy(dir, dir + ".crash", std::filesystem::copy_options::recursive);
  };
  {
    auto store = EventStore::Open(Quiet(dir));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(AppendRange(store->get(), 0, 10).ok());
    ASSERT_TRUE((*store)->Close().ok());
  }
  {
    auto store = EventStore::Open(Quiet(dir));  // its fresh segment holds only a header
    ASSERT_TRUE(store.ok());
    crash_copy();
  }
  std::filesystem::remove_all(dir);
  std::filesystem::rename(dir + ".crash", dir);
  {
    auto store = EventStore::Open(Quiet(dir));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Flush().ok());
    ASSERT_TRUE(AppendRange(store->get(), 10, 20).ok());
    crash_copy();
  }
  std::filesystem::remove_all(dir);
  std::filesystem::rename(dir + ".crash", dir);
  auto store = EventStore::Open(Quiet(dir));
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(SortedSeqs(*(*store)->GetSnapshot()), Iota(20));
}

TEST(EventStore, SecondOpenOfTheSameDirectoryIsRefused) {
  std::string dir = FreshDir("lock");
  auto first = EventStore::Open(Quiet(dir));
  ASSERT_TRUE(first.ok());
  auto second = EventStore::Open(Quiet(dir));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

// `perimeter search` beside `perimeter run`: a read-only open needs no LOCK, sees flushed parts
// and the WAL's unflushed events, and changes nothing on disk.
TEST(EventStore, ReadOnlyOpenBesideTheWriterSeesEverythingAndChangesNothing) {
  std::string dir = FreshDir("read_only");
  auto writer = EventStore::Open(Quiet(dir));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(AppendRange(writer->get(), 0, 500).ok());
  ASSERT_TRUE((*writer)->Flush().ok());
  ASSERT_TRUE(AppendRange(writer->get(), 500, 800).ok());  // only in the WAL
  auto listing = [&] {
    std::vector<std::pair<std::string, uintmax_t>> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) files.emplace_back(e.path().string(), e.file_size());
    }
    std::sort(files.begin(), files.end());
    return files;
  };
  auto before = listing();
  StoreOptions o = Quiet(dir);
  o.read_only = true;
  auto reader = EventStore::Open(o);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  // The flushed 500 and, from the WAL, the 300 the writer acked but has not flushed.
  EXPECT_EQ(SortedSeqs(*(*reader)->GetSnapshot()), Iota(800));
  EXPECT_FALSE(AppendRange(reader->get(), 800, 801).ok());
  EXPECT_FALSE((*reader)->Flush().ok());
  ASSERT_TRUE((*reader)->Close().ok());
  EXPECT_EQ(listing(), before);
  // A missing store is a clear error, not an empty one created by a reader.
  StoreOptions missing = Quiet(FreshDir("read_only_missing"));
  missing.read_only = true;
  auto none = EventStore::Open(missing);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no store at"), std::string::npos);
}

// Read-only opens while the writer appends, flushes and merges: each sees every event acked
// before it opened, exactly once.
TEST(EventStore, ReadOnlyOpensDuringFlushesAndMergesSeeEachEventOnce) {
  std::string dir = FreshDir("read_only_race");
  StoreOptions wo = Quiet(dir);
  wo.merge.min_parts = 2;
  auto writer = EventStore::Open(wo);
  ASSERT_TRUE(writer.ok());
  std::atomic<int64_t> acked{0};
  std::atomic<bool> stop{false};
  std::thread ingest([&] {
    for (int64_t next = 0; !stop && next < 40'000; next += 200) {
      if (!AppendRange(writer->get(), next, next + 200).ok()) return;
      acked = next + 200;
      if ((next / 200) % 3 == 0) (void)(*writer)->Flush();
      (void)(*writer)->MaintainOnce();
    }
  });
  StoreOptions ro = Quiet(dir);
  ro.read_only = true;
  int opens = 0;
  while (acked < 40'000 && opens < 40) {
    int64_t before = acked;
    auto reader = EventStore::Open(ro);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto snap = (*reader)->GetSnapshot();
    std::vector<int64_t> seqs = SortedSeqs(*snap);
    EXPECT_EQ(std::adjacent_find(seqs.begin(), seqs.end()), seqs.end()) << "an event twice";
    // Sorted and unique from 0: the first `before` are 0..before-1 when none is missing.
    ASSERT_GE(static_cast<int64_t>(seqs.size()), before);
    if (before > 0) {
      EXPECT_EQ(seqs[static_cast<size_t>(before - 1)], before - 1);
    }
    ++opens;
  }
  stop = true;
  ingest.join();
  EXPECT_GT(opens, 0);
}

TEST(EventStore, PartitionsByUtcDayAndMergesKeepPartsBounded) {
  std::string dir = FreshDir("merge");
  StoreOptions o = Quiet(dir);
  o.merge.min_parts = 3;
  auto store = EventStore::Open(o);
  ASSERT_TRUE(store.ok());
  // 3 days, each flushed in 6 small parts.
  for (int flush = 0; flush < 6; ++flush) {
    for (int day = 0; day < 3; ++day) {
      int64_t first = int64_t{day * 6 + flush} * 100;
      ASSERT_TRUE(AppendRange(store->get(), first, first + 100, 1'000'000,
                              kBase + day * kDay - first * 1'000'000 + flush * 1'000'000'000LL)
                      .ok());
    }
    ASSERT_TRUE((*store)->Flush().ok());
  }
  auto before = (*store)->Stats();
  EXPECT_EQ(before.partitions, 3u);
  EXPECT_EQ(before.parts, 18u);
  ASSERT_TRUE((*store)->CompactAll().ok());
  auto after = (*store)->Stats();
  EXPECT_EQ(after.parts, 3u);
  EXPECT_GT(after.merges, 0u);
  auto snap = (*store)->GetSnapshot();
  EXPECT_EQ(snap->days().size(), 3u);
  EXPECT_EQ(SortedSeqs(*snap), Iota(1800));
  for (const auto& part : snap->parts()) {
    EXPECT_EQ(DayOf(part->min_ts()), part->day());
    EXPECT_EQ(DayOf(part->max_ts()), part->day());
  }
  // Superseded inputs are gone from disk.
  size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir + "/data")) {
    files += e.is_regular_file();
  }
  EXPECT_EQ(files, 3u);
}

// A backfill of a past day (an old log imported) is merged by size tiers while it is being
// written, not folded whole after every flush (which rewrote the day again and again); once no
// flush touched it for a while, it is folded.
TEST(EventStore, PastDayIsFoldedOnlyOnceItGoesQuiet) {
  std::string dir = FreshDir("quiet_day");
  StoreOptions o = Quiet(dir);
  std::atomic<int64_t> now{kBase + 10 * kDay};  // the store's clock: ten days after the data
  o.now_nanos = [&] { return now.load(); };
  auto store = EventStore::Open(o);
  ASSERT_TRUE(store.ok());
  // Three small flushes into the old day, with merges in between as the background runs them:
  // below the tier's min_parts (4), so nothing may merge yet.
  for (int flush = 0; flush < 3; ++flush) {
    ASSERT_TRUE(AppendRange(store->get(), int64_t{flush} * 100, int64_t{flush} * 100 + 100).ok());
    ASSERT_TRUE((*store)->Flush().ok());
    ASSERT_TRUE((*store)->MaintainOnce().ok());
    now += 1'000'000'000;  // a second later
  }
  EXPECT_EQ((*store)->Stats().parts, 3u);
  EXPECT_EQ((*store)->Stats().merges, 0u);
  // Quiet for ten minutes: folded into one part.
  now += int64_t{600} * 1'000'000'000;
  ASSERT_TRUE((*store)->MaintainOnce().ok());
  EXPECT_EQ((*store)->Stats().parts, 1u);
  EXPECT_EQ(SortedSeqs(*(*store)->GetSnapshot()), Iota(300));
}

// Readers see consistent snapshots — every event appended before the snapshot exactly once —
// while one thread appends, the background flushes and merges, and others read.
TEST(EventStore, SnapshotsStayConsistentUnderIngestMergeAndRead) {
  std::string dir = FreshDir("isolation");
  StoreOptions o;
  o.path = dir;
  o.flush_rows = 700;
  o.flush_interval_ms = 20;
  o.maintenance_interval_ms = 5;
  o.merge.min_parts = 2;
  auto store = EventStore::Open(o);
  ASSERT_TRUE(store.ok());
  std::atomic<int64_t> acked{0};
  std::atomic<bool> done{false};
  std::thread writer([&] {
    // Keeps appending until a background merge has run under the readers (bounded).
    for (int64_t i = 0; i < 12'000 || ((*store)->Stats().merges == 0 && i < 240'000); i += 150) {
      ASSERT_TRUE(AppendRange(store->get(), i, i + 150, 1'000'000'000).ok());
      acked = i + 150;
    }
    done = true;
  });
  std::atomic<int> checks{0};
  auto reader = [&] {
    while (!done) {
      int64_t before = acked.load();
      auto snap = (*store)->GetSnapshot();
      std::vector<int64_t> seqs = SortedSeqs(*snap);
      // A prefix, with nothing missing and nothing twice.
      ASSERT_GE(static_cast<int64_t>(seqs.size()), before);
      ASSERT_EQ(seqs, Iota(static_cast<int64_t>(seqs.size())));
      ++checks;
    }
  };
  std::thread r1(reader), r2(reader);
  writer.join();
  r1.join();
  r2.join();
  EXPECT_GT(checks.load(), 2);
  ASSERT_TRUE((*store)->Flush().ok());
  const int64_t total = acked.load();
  EXPECT_EQ(SortedSeqs(*(*store)->GetSnapshot()), Iota(total));
  EXPECT_GT((*store)->Stats().merges, 0u);
  ASSERT_TRUE((*store)->Close().ok());
  auto reopened = EventStore::Open(Quiet(dir));
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(SortedSeqs(*(*reopened)->GetSnapshot()), Iota(total));
}

TEST(EventStore, RetentionByAgeDropsWholeDays) {
  std::string dir = FreshDir("age");
  StoreOptions o = Quiet(dir);
  o.retention_age = "2d";
  std::atomic<int64_t> now{kBase + 3 * kDay + kDay / 2};  // day 3, noon
  o.now_nanos = [&] { return now.load(); };
  auto store = EventStore::Open(o);
  ASSERT_TRUE(store.ok());
  for (int day = 0; day < 4; ++day) {
    ASSERT_TRUE(AppendRange(store->get(), int64_t{day} * 10, int64_t{day} * 10 + 10, 1'000'000,
                            kBase + day * kDay - int64_t{day} * 10 * 1'000'000)
                    .ok());
  }
  ASSERT_TRUE((*store)->Flush().ok());
  // Day 0 ended 2.5 days before day 3 noon and is never written; day 1 ended 1.5 days ago.
  EXPECT_EQ((*store)->GetSnapshot()->days().size(), 3u);
  EXPECT_FALSE(std::filesystem::exists(dir + "/data/" + DayName(kBase / kDay)));
  EXPECT_TRUE(std::filesystem::exists(dir + "/data/" + DayName(kBase / kDay + 1)));
  now = kBase + 4 * kDay + kDay / 2;  // a day later, day 1 is wholly older than 2 days
  ASSERT_TRUE((*store)->MaintainOnce().ok());
  auto snap = (*store)->GetSnapshot();
  ASSERT_EQ(snap->days().size(), 2u);
  EXPECT_EQ(snap->days().front(), kBase / kDay + 2);
  EXPECT_EQ(SortedSeqs(*snap).front(), 20);
  EXPECT_EQ((*store)->Stats().days_dropped, 1u);
  EXPECT_FALSE(std::filesystem::exists(dir + "/data/" + DayName(kBase / kDay + 1)));
  // Late events for a dropped day are not stored again.
  ASSERT_TRUE(
      AppendRange(store->get(), 1000, 1005, 1'000'000, kBase - int64_t{1000} * 1'000'000).ok());
  ASSERT_TRUE((*store)->Flush().ok());
  EXPECT_EQ((*store)->GetSnapshot()->days().size(), 2u);
}

TEST(EventStore, RetentionBySizeDropsOldestDaysFirst) {
  std::string dir = FreshDir("size");
  StoreOptions o = Quiet(dir);
  o.retention_bytes = "400KB";
  auto store = EventStore::Open(o);
  ASSERT_TRUE(store.ok());
  testing::RandomEvents gen(5);
  for (int day = 0; day < 6; ++day) {
    std::vector<Event> events;
    for (int i = 0; i < 4000; ++i) {
      Event e = Numbered(day * 4000 + i, kBase + day * kDay + i * 1'000'000LL);
      e.SetTop("noise", gen.RandomString(100));  // hardly compressible: ~140 KB per day
      events.push_back(std::move(e));
    }
    std::vector<const Event*> ptrs;
    ptrs.reserve(events.size());
    for (const Event& e : events) ptrs.push_back(&e);
    ASSERT_TRUE((*store)->Append(ptrs).ok());
    ASSERT_TRUE((*store)->Flush().ok());
  }
  auto stats = (*store)->Stats();
  SCOPED_TRACE(::testing::Message() << stats.part_bytes << " bytes in " << stats.partitions);
  EXPECT_LE(stats.part_bytes, 400'000u);
  EXPECT_GE(stats.partitions, 2u);
  EXPECT_LT(stats.partitions, 6u);
  auto days = (*store)->GetSnapshot()->days();
  EXPECT_EQ(days.back(), kBase / kDay + 5);  // the newest survives
  // What is left is a suffix of the days.
  for (size_t i = 1; i < days.size(); ++i) EXPECT_EQ(days[i], days[i - 1] + 1);
}

TEST(EventStore, DamagedPartIsQuarantinedAndTheRestServed) {
  std::string dir = FreshDir("quarantine");
  {
    auto store = EventStore::Open(Quiet(dir));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(AppendRange(store->get(), 0, 1000, 1'000'000).ok());
    ASSERT_TRUE(AppendRange(store->get(), 1000, 2000, 1'000'000, kBase + kDay).ok());
    ASSERT_TRUE((*store)->Close().ok());
  }
  // Flip a byte inside the seq block of the first day's part.
  std::string victim = dir + "/data/" + DayName(kBase / kDay);
  std::string part_path;
  for (const auto& e : std::filesystem::directory_iterator(victim)) part_path = e.path();
  {
    auto part = Part::OpenFile(part_path);
    ASSERT_TRUE(part.ok());
    int seq = (*part)->FindColumn("seq", ColumnType::kInt);
    uint64_t off = (*part)->block(seq, 0)->data.offset + 8;
    std::fstream f(part_path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(off));
    f.put('\x7f');
  }
  auto store = EventStore::Open(Quiet(dir));
  ASSERT_TRUE(store.ok());
  auto snap = (*store)->GetSnapshot();
  ASSERT_EQ(snap->parts().size(), 2u);
  const Part& bad = *snap->parts()[0];
  auto block = bad.ReadBlock(static_cast<size_t>(bad.FindColumn("seq", ColumnType::kInt)), 0);
  ASSERT_FALSE(block.ok());
  EXPECT_EQ(block.status().code(), StatusCode::kCorruption);
  // Moved aside, no longer in new snapshots; the other day still answers.
  EXPECT_FALSE(std::filesystem::exists(part_path));
  EXPECT_FALSE(std::filesystem::is_empty(dir + "/quarantine"));
  auto after = (*store)->GetSnapshot();
  ASSERT_EQ(after->parts().size(), 1u);
  std::vector<int64_t> want;
  for (int64_t i = 1000; i < 2000; ++i) want.push_back(i);
  EXPECT_EQ(SortedSeqs(*after), want);
  EXPECT_EQ((*store)->Stats().quarantined_parts, 1u);
  ASSERT_TRUE((*store)->Close().ok());
  // A damaged footer is found while opening.
  {
    std::string other;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir + "/data")) {
      if (e.is_regular_file()) other = e.path();
    }
    std::fstream f(other, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-40, std::ios::end);
    f.put('\x01');
  }
  auto reopened = EventStore::Open(Quiet(dir));
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->recovery().parts_quarantined, 1u);
  EXPECT_EQ((*reopened)->GetSnapshot()->rows(), 0u);
}

TEST(EventStore, PartOfAnUnknownVersionRefusesTheOpen) {
  std::string dir = FreshDir("version");
  {
    auto store = EventStore::Open(Quiet(dir));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(AppendRange(store->get(), 0, 10).ok());
    ASSERT_TRUE((*store)->Close().ok());
  }
  std::string part_path;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir + "/data")) {
    if (e.is_regular_file()) part_path = e.path();
  }
  {
    std::fstream f(part_path, std::ios::in | std::ios::out | std::ios::binary);
    char header[12];
    f.read(header, 12);
    header[8] = 7;
    uint32_t sum = static_cast<uint32_t>(Checksum(std::string_view(header, 12)));
    f.seekp(0);
    f.write(header, 12);
    f.write(reinterpret_cast<const char*>(&sum), 4);
  }
  auto store = EventStore::Open(Quiet(dir));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("version 7"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(part_path));  // refused, not quarantined
}

// Disk full through the file-system seam: Append answers Unavailable, nothing is half-written,
// and ingest resumes once space returns.
TEST(EventStore, DiskFullPausesIngestAndResumes) {
  std::string dir = FreshDir("enospc");
  FaultInjectingFileSystem fs;
  StoreOptions o = Quiet(dir);
  o.fs = &fs;
  {
    auto store = EventStore::Open(o);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(AppendRange(store->get(), 0, 100).ok());
    fs.set_space_left(3000);
    int64_t next = 100;
    Status s;
    for (int i = 0; i < 50 && s.ok(); ++i) {
      s = AppendRange(store->get(), next, next + 20);
      if (s.ok()) next += 20;
    }
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kUnavailable);
    EXPECT_TRUE(IsDiskFull(s));
    EXPECT_TRUE((*store)->Stats().disk_full);
    EXPECT_FALSE((*store)->Flush().ok());  // cannot write parts either
    EXPECT_EQ(SortedSeqs(*(*store)->GetSnapshot()), Iota(next));
    fs.set_unlimited();
    ASSERT_TRUE(AppendRange(store->get(), next, next + 20).ok());
    next += 20;
    EXPECT_FALSE((*store)->Stats().disk_full);
    ASSERT_TRUE((*store)->Flush().ok());
    EXPECT_EQ(SortedSeqs(*(*store)->GetSnapshot()), Iota(next));
    ASSERT_TRUE((*store)->Close().ok());
    auto reopened = EventStore::Open(o);
    ASSERT_TRUE(reopened.ok());
    EXPECT_EQ(SortedSeqs(*(*reopened)->GetSnapshot()), Iota(next));
  }
}

// The same against a real, small file system, when the test may mount one.
TEST(EventStore, DiskFullOnARealTmpfs) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a tmpfs";
  std::string dir = FreshDir("tmpfs");
  std::filesystem::create_directories(dir);
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=2m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
  }
  int64_t acked = 0;
  {
    StoreOptions o = Quiet(dir + "/s");
    o.token_filters = false;
    auto store = EventStore::Open(o);
    ASSERT_TRUE(store.ok());
    testing::RandomEvents gen(9);
    Status s;
    while (s.ok()) {
      std::vector<Event> events;
      for (int i = 0; i < 200; ++i) {
        Event e = Numbered(acked + i, kBase + (acked + i) * 1'000'000);
        e.SetTop("noise", gen.RandomString(200));
        events.push_back(std::move(e));
      }
      std::vector<const Event*> ptrs;
      ptrs.reserve(events.size());
      for (const Event& e : events) ptrs.push_back(&e);
      s = (*store)->Append(ptrs);
      if (s.ok()) acked += 200;
    }
    EXPECT_TRUE(IsDiskFull(s)) << s.ToString();
    EXPECT_GT(acked, 0);
    (void)(*store)->Close();  // may fail to flush: the WAL holds everything acknowledged
  }
  {
    // Reopen with room to spare: every acknowledged event, once.
    std::filesystem::copy(dir + "/s", dir + ".copy", std::filesystem::copy_options::recursive);
    umount(dir.c_str());
    auto store = EventStore::Open(Quiet(dir + ".copy"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ(SortedSeqs(*(*store)->GetSnapshot()), Iota(acked));
  }
  std::filesystem::remove_all(dir + ".copy");
}

TEST(RetentionPolicy, ParsesSettingsAndSaysWhatIsWrong) {
  EXPECT_EQ(*ParseRetentionAge("90d"), 90 * kDay);
  EXPECT_EQ(*ParseRetentionAge("12h"), kDay / 2);
  EXPECT_EQ(*ParseRetentionAge(""), 0);
  EXPECT_FALSE(ParseRetentionAge("90").ok());
  EXPECT_NE(ParseRetentionAge("3y").status().message().find("unit"), std::string::npos);
  EXPECT_EQ(*ParseByteSize("20GB"), 20'000'000'000u);
  EXPECT_EQ(*ParseByteSize("1.5MiB"), 1'572'864u);
  EXPECT_FALSE(ParseByteSize("lots").ok());
}

TEST(MergePolicy, MergesATierOnceItHasEnoughParts) {
  MergePolicyOptions o;
  std::vector<PartRows> parts = {{1, 100}, {2, 200}, {3, 150}};
  EXPECT_TRUE(ChooseMerge(parts, false, o).empty());
  parts.push_back({4, 120});
  EXPECT_EQ(ChooseMerge(parts, false, o).size(), 4u);
  std::vector<PartRows> mixed = {{1, 10'000'000}, {2, 100}};
  EXPECT_TRUE(ChooseMerge(mixed, true, o).empty());  // would exceed max_part_rows... only one fits
  std::vector<PartRows> closed = {{1, 5000}, {2, 100}};
  EXPECT_EQ(ChooseMerge(closed, true, o).size(), 2u);
}

}  // namespace
}  // namespace perimeter::store
