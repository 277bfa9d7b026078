#include "inputs/file/file_tailer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace perimeter {
namespace {

class FileTailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/perimeter-tailer-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/f.log";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Append(const std::string& text) {
    std::ofstream(path_, std::ios::app | std::ios::binary) << text;
  }
  std::unique_ptr<FileTailer> Open(std::string delimiter, size_t chunk, uint64_t offset = 0) {
    int fd = ::open(path_.c_str(), O_RDONLY | O_CREAT, 0644);
    EXPECT_GE(fd, 0);
    return std::make_unique<FileTailer>(fd, std::move(delimiter), chunk, offset);
  }
  // Fills until the end of the file and returns every complete line.
  std::vector<std::string> Drain(FileTailer& t) {
    std::vector<std::string> lines;
    for (;;) {
      auto got = t.Fill(path_);
      EXPECT_TRUE(got.ok());
      std::string_view line;
      while (t.NextLine(&line)) lines.emplace_back(line);
      if (t.at_end()) return lines;
    }
  }

  std::string dir_;
  std::string path_;
};

TEST_F(FileTailerTest, SplitsLinesAcrossChunkBoundariesAndHoldsThePartialLast) {
  Append("alpha\nbeta\n\ngamma");
  auto t = Open("\n", 4);  // chunks far smaller than lines
  EXPECT_EQ(Drain(*t), (std::vector<std::string>{"alpha", "beta", ""}));
  EXPECT_EQ(t->line_end_offset(), 12u);  // just past "\n\n"
  EXPECT_EQ(t->buffered_bytes(), 5u);    // "gamma" waits for its newline
  Append(" ray\ndelta\n");
  EXPECT_EQ(Drain(*t), (std::vector<std::string>{"gamma ray", "delta"}));
  EXPECT_EQ(t->line_end_offset(), 28u);
  EXPECT_EQ(t->read_offset(), 28u);
}

TEST_F(FileTailerTest, MultiByteDelimiterSplitAcrossReads) {
  Append("one||two|");
  auto t = Open("||", 3);
  EXPECT_EQ(Drain(*t), (std::vector<std::string>{"one"}));
  Append("|three||");
  EXPECT_EQ(Drain(*t), (std::vector<std::string>{"two", "three"}));
}

TEST_F(FileTailerTest, StartsAtTheGivenOffset) {
  Append("skip me\nkeep me\n");
  auto t = Open("\n", 1 << 20, 8);
  EXPECT_EQ(Drain(*t), (std::vector<std::string>{"keep me"}));
  EXPECT_EQ(t->line_end_offset(), 16u);
}

TEST_F(FileTailerTest, RestartDropsTheBufferAndRereads) {
  Append("a\nbb");
  auto t = Open("\n", 64);
  EXPECT_EQ(Drain(*t), (std::vector<std::string>{"a"}));
  std::filesystem::resize_file(path_, 0);
  Append("new\n");
  t->Restart(0);
  EXPECT_EQ(Drain(*t), (std::vector<std::string>{"new"}));
}

TEST_F(FileTailerTest, ReleasedBufferKeepsThePartialLine) {
  Append("one\ntw");
  auto t = Open("\n", 1 << 20);
  EXPECT_EQ(Drain(*t), (std::vector<std::string>{"one"}));
  t->ReleaseBuffer();
  EXPECT_LT(t->buffer_capacity(), 8192u);
  Append("o\nthree\n");
  EXPECT_EQ(Drain(*t), (std::vector<std::string>{"two", "three"}));
  EXPECT_GE(t->buffer_capacity(), 1u << 20);  // grown back for reading
}

TEST_F(FileTailerTest, CutsALineLongerThanTheLimit) {
  std::string big(kMaxLineBytes + 10, 'x');
  Append(big + "\nnext\n");
  auto t = Open("\n", 1 << 20);
  auto lines = Drain(*t);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].size(), kMaxLineBytes);
  EXPECT_EQ(lines[1], std::string(10, 'x'));
  EXPECT_EQ(lines[2], "next");
  EXPECT_EQ(t->cut_lines(), 1u);
}

}  // namespace
}  // namespace perimeter
