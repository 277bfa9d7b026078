#include "store/wal.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "store/byte_coding.h"
#include "store/fault_injecting_file_system.h"
#include "store/wal_format.h"

namespace perimeter::store {
namespace {

std::string FreshDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/wal_" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string Payload(int i) { return "record-" + std::to_string(i) + std::string(i % 50, 'x'); }

std::string WriteSegment(const std::string& dir, int records) {
  auto w = WalWriter::Create(FileSystem::Default(), dir, 1);
  EXPECT_TRUE(w.ok());
  for (int i = 0; i < records; ++i) {
    std::string rec;
    AppendWalRecord(&rec, kWalRecordCommit, static_cast<uint64_t>(i) + 1, Payload(i));
    EXPECT_TRUE((*w)->Write(rec).ok());
  }
  EXPECT_TRUE((*w)->Sync().ok());
  EXPECT_TRUE((*w)->Close().ok());
  return (*w)->path();
}

TEST(Wal, RecordsComeBackInOrder) {
  std::string path = WriteSegment(FreshDir("order"), 100);
  auto seg = ReadWalSegment(path);
  ASSERT_TRUE(seg.ok());
  ASSERT_EQ(seg->records.size(), 100u);
  EXPECT_TRUE(seg->stop_reason.empty());
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(seg->records[i].lsn, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(seg->records[i].payload, Payload(i));
  }
  EXPECT_EQ(WalSegmentFirstLsn("00000000000000000001.wal"), 1u);
  EXPECT_EQ(WalSegmentFirstLsn("junk.wal"), 0u);
}

// Cutting the file anywhere keeps every whole record before the cut and reports the rest.
TEST(Wal, TornTailKeepsEveryWholeRecord) {
  std::string dir = FreshDir("torn");
  std::string path = WriteSegment(dir, 20);
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  auto full = ReadWalSegment(path);
  ASSERT_TRUE(full.ok());
  std::vector<uint64_t> ends;  // end offset of each record
  for (const WalRecord& r : full->records) {
    ends.push_back(static_cast<uint64_t>(r.payload.data() - full->bytes.data()) + r.payload.size());
  }
  std::string cut_path = dir + "/cut.wal";
  // Cuts around every record boundary: inside the next header, inside its payload, exactly on it.
  std::set<size_t> cuts = {kWalHeaderBytes, bytes.size()};
  for (uint64_t e : ends) {
    for (int d : {-9, -1, 0, 1, 4, 12, 21, 22}) {
      size_t c = static_cast<size_t>(static_cast<int64_t>(e) + d);
      if (c >= kWalHeaderBytes && c <= bytes.size()) cuts.insert(c);
    }
  }
  for (size_t cut : cuts) {
    std::ofstream(cut_path, std::ios::binary | std::ios::trunc) << bytes.substr(0, cut);
    auto seg = ReadWalSegment(cut_path);
    ASSERT_TRUE(seg.ok());
    size_t whole =
        static_cast<size_t>(std::upper_bound(ends.begin(), ends.end(), cut) - ends.begin());
    ASSERT_EQ(seg->records.size(), whole) << "cut at " << cut;
    EXPECT_EQ(seg->good_bytes, whole == 0 ? kWalHeaderBytes : ends[whole - 1]);
    EXPECT_EQ(seg->stop_reason.empty(), cut == seg->good_bytes) << cut;
  }
}

TEST(Wal, FlippedByteStopsAtTheDamagedRecord) {
  std::string path = WriteSegment(FreshDir("flip"), 10);
  auto full = ReadWalSegment(path);
  ASSERT_TRUE(full.ok());
  size_t off = static_cast<size_t>(full->records[6].payload.data() - full->bytes.data()) + 2;
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(off));
    f.put('#');
  }
  auto seg = ReadWalSegment(path);
  ASSERT_TRUE(seg.ok());
  EXPECT_EQ(seg->records.size(), 6u);
  EXPECT_NE(seg->stop_reason.find("checksum"), std::string::npos);
}

TEST(Wal, UnknownVersionIsRefused) {
  std::string path = WriteSegment(FreshDir("version"), 1);
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  bytes[8] = 9;
  uint64_t sum = Checksum(std::string_view(bytes).substr(0, 24));
  std::memcpy(bytes.data() + 24, &sum, 8);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  auto seg = ReadWalSegment(path);
  ASSERT_FALSE(seg.ok());
  EXPECT_EQ(seg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(seg.status().message().find("version 9"), std::string::npos);
}

// A write that runs out of space leaves the segment ending on a whole record.
TEST(Wal, DiskFullWriteLeavesNoPartialRecord) {
  std::string dir = FreshDir("full");
  FaultInjectingFileSystem fs;
  auto w = WalWriter::Create(&fs, dir, 1);
  ASSERT_TRUE(w.ok());
  std::string rec;
  AppendWalRecord(&rec, kWalRecordCommit, 1, Payload(1));
  ASSERT_TRUE((*w)->Write(rec).ok());
  fs.set_space_left(10);
  std::string big;
  AppendWalRecord(&big, kWalRecordCommit, 2, std::string(1000, 'b'));
  Status s = (*w)->Write(big);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(IsDiskFull(s)) << s.ToString();
  fs.set_unlimited();
  std::string next;
  AppendWalRecord(&next, kWalRecordCommit, 2, Payload(2));
  ASSERT_TRUE((*w)->Write(next).ok());
  ASSERT_TRUE((*w)->Sync().ok());
  auto seg = ReadWalSegment((*w)->path());
  ASSERT_TRUE(seg.ok());
  ASSERT_EQ(seg->records.size(), 2u);
  EXPECT_TRUE(seg->stop_reason.empty());
  EXPECT_EQ(seg->records[1].payload, Payload(2));
}

}  // namespace
}  // namespace perimeter::store
