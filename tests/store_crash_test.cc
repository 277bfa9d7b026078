// Whole-binary crash test of the file → store path: `perimeter run` is SIGKILLed at random
// moments while lines are being appended; after each restart the store opens cleanly and, in the
// end, every line is stored exactly once (the file input's positions ride in the store's WAL
// record with the events, so "stored" and "read up to here" cannot come apart).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <map>
#include <random>
#include <thread>

#include "inputs/file/checkpoint_store.h"
#include "process.h"
#include "store/event_store.h"

namespace perimeter::testing {
namespace {

const std::string kBinary = PERIMETER_BINARY;
constexpr int kKills = 6;  // restarts killed mid-ingest
constexpr int kLinesPerRound = 4000;

TEST(StoreCrash, FileToStoreKeepsEveryLineExactlyOnceAcrossKills) {
  std::string dir = MakeTempDir();
  std::string log = dir + "/fw.log";
  std::string sincedb = dir + "/data/sincedb-fw";
  WriteFile(dir + "/p.conf", "input { file { path => \"" + log +
                                 "\" start_position => \"beginning\" sincedb_path => \"" + sincedb +
                                 "\" } }\noutput { store { } }\n");
  std::mt19937 rng(12345);
  int next = 0;
  auto append = [&](int n) {
    std::string text;
    for (int i = 0; i < n; ++i) text += "seq=" + std::to_string(next++) + " SRC=192.0.2.1 DPT=22\n";
    FILE* f = std::fopen(log.c_str(), "a");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  };
  auto run = [&] {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{kBinary, "run", "--no-server", "-f", dir + "/p.conf", "--data-dir",
                                 dir + "/data", "-w", "2", "-b", "50"},
        dir);
  };
  for (int k = 0; k < kKills; ++k) {
    append(kLinesPerRound);
    auto p = run();
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 500));
    append(kLinesPerRound / 4);
    p->Signal(SIGKILL);
    ASSERT_EQ(p->Wait(10000), 128 + SIGKILL) << p->Stderr();
  }
  // A last, clean run to the end of the file.
  auto p = run();
  struct stat st;
  ASSERT_EQ(::stat(log.c_str(), &st), 0);
  CheckpointStore positions(sincedb);
  bool caught_up = WaitUntil(60000, [&] {
    auto entries = positions.Load();
    return entries.ok() && !entries->empty() &&
           entries->front().offset == static_cast<uint64_t>(st.st_size);
  });
  p->Signal(SIGTERM);
  ASSERT_EQ(p->Wait(20000), 0) << p->Stderr();
  ASSERT_TRUE(caught_up) << p->Stderr();

  store::StoreOptions options;
  options.path = dir + "/data/store";
  options.background = false;
  auto opened = store::EventStore::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  auto snapshot = (*opened)->GetSnapshot();
  std::map<int, int> seen;
  for (const auto& part : snapshot->parts()) {
    std::vector<uint64_t> rows(part->rows());
    for (uint64_t r = 0; r < rows.size(); ++r) rows[r] = r;
    std::vector<Event> events;
    ASSERT_TRUE(part->ReadEvents(rows, &events).ok());
    for (const Event& e : events) {
      const std::string& m = e.GetTop("message")->as_string();
      ++seen[std::stoi(m.substr(4))];
    }
  }
  int duplicates = 0, missing = 0;
  for (int i = 0; i < next; ++i) {
    auto it = seen.find(i);
    if (it == seen.end()) {
      ++missing;
    } else if (it->second > 1) {
      ++duplicates;
    }
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(seen.size(), static_cast<size_t>(next));
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace perimeter::testing
