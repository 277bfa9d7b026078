// Kills a process that is ingesting (with background flushes, merges and WAL rollovers) at
// random moments, and checks after each kill that the store opens cleanly and holds every
// acknowledged event exactly once.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "store/event_store.h"

namespace perimeter::store {
namespace {

constexpr int kKills = 25;
constexpr int64_t kBase = 19'000LL * 86'400'000'000'000;

StoreOptions ChildOptions(const std::string& dir) {
  StoreOptions o;
  o.path = dir;
  o.flush_rows = 400;  // flush, merge and roll the WAL often so kills land inside them
  o.flush_interval_ms = 15;
  o.maintenance_interval_ms = 3;
  o.wal_segment_bytes = 32 << 10;
  o.merge.min_parts = 2;
  return o;
}

// The child: resumes after the last checkpoint and appends numbered events until killed,
// reporting each acknowledged high-water mark on `ack_fd`.
[[noreturn]] void Ingest(const std::string& dir, int ack_fd, uint64_t seed) {
  auto store = EventStore::Open(ChildOptions(dir));
  if (!store.ok()) _exit(3);
  int64_t next = 0;
  auto cp = (*store)->LastCheckpoint("crash");
  if (cp.ok()) next = std::stoll(*cp);
  std::mt19937_64 rng(seed);
  std::vector<Event> events;
  std::vector<const Event*> ptrs;
  for (;;) {
    int n = 1 + static_cast<int>(rng() % 120);
    events.assign(static_cast<size_t>(n), Event());
    ptrs.clear();
    for (int i = 0; i < n; ++i) {
      int64_t seq = next + i;
      // Spread over three days so flushes write several partitions at once.
      events[static_cast<size_t>(i)].set_timestamp(
          Timestamp(kBase + (seq % 3) * 86'400'000'000'000 + seq * 1'000'000));
      events[static_cast<size_t>(i)].SetTop("seq", seq);
      events[static_cast<size_t>(i)].SetTop("message", "crash test event " + std::to_string(seq));
      ptrs.push_back(&events[static_cast<size_t>(i)]);
    }
    Checkpoint c{"crash", std::to_string(next + n)};
    Status s = (*store)->Append(ptrs, {&c, 1});
    if (!s.ok()) _exit(4);
    next += n;
    if (write(ack_fd, &next, sizeof next) != sizeof next) _exit(5);
  }
}

std::vector<int64_t> AllSeqs(const Snapshot& snap) {
  std::vector<int64_t> out;
  for (const auto& part : snap.parts()) {
    int c = part->FindColumn("seq", ColumnType::kInt);
    if (c < 0) continue;
    for (size_t g = 0; g < part->group_count(); ++g) {
      auto block = part->ReadBlock(static_cast<size_t>(c), g);
      if (!block.ok()) {
        ADD_FAILURE() << block.status().ToString();
        continue;
      }
      for (size_t r = 0; r < block->rows; ++r) {
        if (block->Has(r)) out.push_back(block->ints[r]);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(EventStoreCrash, EveryAcknowledgedEventSurvivesKillsExactlyOnce) {
  std::string dir = ::testing::TempDir() + "/store_crash";
  std::filesystem::remove_all(dir);
  std::mt19937_64 rng(2024);
  int64_t acked = 0;
  size_t torn = 0, replayed = 0;
  for (int round = 0; round < kKills; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      Ingest(dir, fds[1], rng());
    }
    close(fds[1]);
    // Mostly mid-ingest; now and then while the child is still recovering.
    int ms = round % 5 == 0 ? static_cast<int>(rng() % 5) : 20 + static_cast<int>(rng() % 80);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited by itself with " << WEXITSTATUS(status);
    int64_t v;
    while (read(fds[0], &v, sizeof v) == sizeof v) acked = std::max(acked, v);
    close(fds[0]);

    StoreOptions o;
    o.path = dir;
    o.background = false;
    auto store = EventStore::Open(o);
    ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.status().ToString();
    torn += (*store)->recovery().torn_tail_bytes > 0;
    replayed += (*store)->recovery().events_replayed;
    std::vector<int64_t> seqs = AllSeqs(*(*store)->GetSnapshot());
    // Appends are atomic and in order: what is stored is a prefix 0..n-1, each once, covering
    // everything acknowledged (an append written but not yet acknowledged may be there too).
    ASSERT_GE(static_cast<int64_t>(seqs.size()), acked) << "round " << round;
    for (size_t i = 0; i < seqs.size(); ++i) {
      ASSERT_EQ(seqs[i], static_cast<int64_t>(i)) << "round " << round << ": lost or duplicated";
    }
    auto cp = (*store)->LastCheckpoint("crash");
    if (!seqs.empty()) {
      ASSERT_TRUE(cp.ok());
      EXPECT_EQ(std::stoll(*cp), static_cast<int64_t>(seqs.size())) << "round " << round;
    }
    ASSERT_TRUE((*store)->Close().ok());
    acked = static_cast<int64_t>(seqs.size());
  }
  EXPECT_GT(acked, 1000) << "the children barely ingested";
  RecordProperty("torn_tails", static_cast<int>(torn));
  RecordProperty("events_replayed", static_cast<int>(replayed));
}

}  // namespace
}  // namespace perimeter::store
