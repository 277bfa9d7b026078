#include "inputs/file/checkpoint_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "inputs/file/checkpoint_format.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace perimeter {
namespace {

std::vector<CheckpointEntry> SampleEntries() {
  return {
      {{2049, 131},
       ComputeFingerprint("May  5 09:55:37 host kernel: IN=eth0"),
       4096,
       1700000000,
       "/var/log/iptables.log"},
      {{2049, 7}, Fingerprint{}, 0, 1700000123, ""},
      {{64768, 1ULL << 40}, ComputeFingerprint(std::string(300, 'x')), 1ULL << 35, 1, "/a/b"},
  };
}

TEST(Checkpoint, RoundTrips) {
  auto entries = SampleEntries();
  auto decoded = DecodeCheckpoints(EncodeCheckpoints(entries));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, entries);
  EXPECT_EQ(entries[2].fingerprint.length, kFingerprintBytes);
}

TEST(Fingerprint, MatchesOnlyFilesStartingWithTheSameBytes) {
  Fingerprint fp = ComputeFingerprint("May  5 09:55:37 a");
  EXPECT_TRUE(FingerprintMatches(fp, "May  5 09:55:37 a and more"));
  EXPECT_FALSE(FingerprintMatches(fp, "May  5 09:55:38 a and more"));
  EXPECT_FALSE(FingerprintMatches(fp, "May  5"));  // shorter: truncated or another file
  EXPECT_TRUE(FingerprintMatches(Fingerprint{}, "anything"));
  EXPECT_TRUE(FingerprintMatches(ComputeFingerprint(""), ""));
  EXPECT_EQ(ComputeFingerprint(std::string(1000, 'x')).length, kFingerprintBytes);
}

TEST(Checkpoint, EmptyListRoundTrips) {
  std::string bytes = EncodeCheckpoints({});
  EXPECT_EQ(bytes.size(), kCheckpointHeaderBytes + kCheckpointTrailerBytes);
  auto decoded = DecodeCheckpoints(bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->empty());
}

TEST(Checkpoint, EveryFlippedByteIsDetected) {
  std::string good = EncodeCheckpoints(SampleEntries());
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    auto decoded = DecodeCheckpoints(bad);
    ASSERT_FALSE(decoded.ok()) << "byte " << i;
    bool version_byte = i >= 8 && i < 12;
    EXPECT_EQ(decoded.status().code(),
              version_byte ? StatusCode::kInvalidArgument : StatusCode::kCorruption)
        << "byte " << i << ": " << decoded.status().ToString();
  }
}

TEST(Checkpoint, EveryTruncationIsDetected) {
  std::string good = EncodeCheckpoints(SampleEntries());
  for (size_t n = 0; n < good.size(); ++n) {
    auto decoded = DecodeCheckpoints(std::string_view(good).substr(0, n));
    ASSERT_FALSE(decoded.ok()) << n;
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption) << n;
  }
}

// Re-seals `body` with a correct checksum, as a buggy writer would have produced it.
std::string Seal(std::string body) {
  uint64_t sum = XXH3_64bits(body.data(), body.size());
  for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>(sum >> (8 * i)));
  return body;
}

TEST(Checkpoint, LengthFieldsAreBoundsCheckedEvenWithAValidChecksum) {
  std::string bytes = EncodeCheckpoints(SampleEntries());
  std::string body = bytes.substr(0, bytes.size() - kCheckpointTrailerBytes);
  ASSERT_TRUE(DecodeCheckpoints(Seal(body)).ok());

  std::string huge_count = body;
  for (int i = 12; i < 16; ++i) huge_count[i] = '\xff';
  auto decoded = DecodeCheckpoints(Seal(huge_count));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);

  const size_t first = kCheckpointHeaderBytes;
  std::string long_path = body;
  long_path[first + kCheckpointEntryFixedBytes - 1] = '\x7f';  // path length high byte
  decoded = DecodeCheckpoints(Seal(long_path));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);

  std::string big_fingerprint = body;
  big_fingerprint[first + 32 + 1] = '\x01';  // fingerprint length 256 + x
  decoded = DecodeCheckpoints(Seal(big_fingerprint));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);

  std::string stray = body + "x";
  decoded = DecodeCheckpoints(Seal(stray));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
}

TEST(Checkpoint, NewerVersionIsRefusedWithAClearError) {
  std::string bytes = EncodeCheckpoints(SampleEntries());
  bytes[8] = 2;
  auto decoded = DecodeCheckpoints(bytes);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find("version 2"), std::string::npos);
}

class CheckpointStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/perimeter-checkpoint-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(CheckpointStoreTest, MissingFileIsNotFound) {
  CheckpointStore store(dir_ + "/none");
  auto loaded = store.Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
}

TEST_F(CheckpointStoreTest, SaveReplacesTheFileAndLeavesNoTemporary) {
  CheckpointStore store(dir_ + "/sub/dir/sincedb");  // directories are created
  auto entries = SampleEntries();
  ASSERT_TRUE(store.Save(entries).ok());
  entries.pop_back();
  entries[0].offset = 9999;
  ASSERT_TRUE(store.Save(entries).ok());
  auto loaded = store.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, entries);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/sub/dir/sincedb.tmp"));
}

TEST_F(CheckpointStoreTest, DamagedFileIsCorruptionNamingThePath) {
  std::string path = dir_ + "/sincedb";
  std::ofstream(path) << "12345 0 2049 4096\n";  // e.g. a Logstash sincedb
  auto loaded = CheckpointStore(path).Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(loaded.status().message().find(path), std::string::npos);
}

TEST_F(CheckpointStoreTest, UnwritableDirectoryIsAnIOError) {
  if (geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  std::filesystem::create_directory(dir_ + "/ro");
  std::filesystem::permissions(
      dir_ + "/ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  Status s = CheckpointStore(dir_ + "/ro/sincedb").Save(SampleEntries());
  EXPECT_EQ(s.code(), StatusCode::kIOError);
}

}  // namespace
}  // namespace perimeter
