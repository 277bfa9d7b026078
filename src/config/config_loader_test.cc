#include "config/config_loader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace perimeter::config {
namespace {

namespace fs = std::filesystem;

class ConfigLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("config_loader_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  fs::path dir_;
};

TEST_F(ConfigLoaderTest, ReadsOneFile) {
  std::string path = Write("a.conf", "input { stdin { } }\n");
  Result<std::vector<SourceFile>> r = LoadConfigFiles({path});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].path, path);
  EXPECT_EQ((*r)[0].text, "input { stdin { } }\n");
}

TEST_F(ConfigLoaderTest, DirectoryGivesRegularFilesSortedByName) {
  Write("conf.d/20-filter.conf", "b");
  Write("conf.d/10-input.conf", "a");
  Write("conf.d/30-output", "c");  // any name, as Logstash
  Write("conf.d/.10-input.conf.swp", "hidden");
  Write("conf.d/sub/40-ignored.conf", "in a subdirectory");
  Result<std::vector<SourceFile>> r = LoadConfigFiles({(dir_ / "conf.d").string()});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].text, "a");
  EXPECT_EQ((*r)[1].text, "b");
  EXPECT_EQ((*r)[2].text, "c");
  EXPECT_EQ((*r)[0].path, (dir_ / "conf.d" / "10-input.conf").string());
}

TEST_F(ConfigLoaderTest, GlobExpandsSorted) {
  Write("b.conf", "b");
  Write("a.conf", "a");
  Write("c.txt", "c");
  Result<std::vector<SourceFile>> r = LoadConfigFiles({(dir_ / "*.conf").string()});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].text, "a");
  EXPECT_EQ((*r)[1].text, "b");

  Result<std::vector<SourceFile>> braces = LoadConfigFiles({(dir_ / "{c.txt,a.conf}").string()});
  ASSERT_TRUE(braces.ok()) << braces.status().message();
  EXPECT_EQ(braces->size(), 2u);
}

TEST_F(ConfigLoaderTest, SeveralPathsKeepTheirOrder) {
  std::string z = Write("z.conf", "z");
  std::string a = Write("a.conf", "a");
  Result<std::vector<SourceFile>> r = LoadConfigFiles({z, a});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].text, "z");
  EXPECT_EQ((*r)[1].text, "a");
}

TEST_F(ConfigLoaderTest, MissingPathIsNotFound) {
  std::string missing = (dir_ / "nope.conf").string();
  Result<std::vector<SourceFile>> r = LoadConfigFiles({missing});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find(missing), std::string::npos);
  EXPECT_NE(r.status().message().find("does not exist"), std::string::npos);
}

TEST_F(ConfigLoaderTest, GlobMatchingNothingIsAnError) {
  Result<std::vector<SourceFile>> r = LoadConfigFiles({(dir_ / "*.conf").string()});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no config file matches"), std::string::npos);
}

TEST_F(ConfigLoaderTest, EmptyDirectoryIsAnError) {
  fs::create_directories(dir_ / "empty");
  Result<std::vector<SourceFile>> r = LoadConfigFiles({(dir_ / "empty").string()});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("has no files"), std::string::npos);
}

TEST_F(ConfigLoaderTest, UnreadableFileNamesThePath) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  std::string path = Write("secret.conf", "x");
  ::chmod(path.c_str(), 0);
  Result<std::vector<SourceFile>> r = LoadConfigFiles({path});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find(path), std::string::npos);
}

TEST_F(ConfigLoaderTest, BinaryFileIsRejected) {
  std::string path = Write("data.conf", std::string("input {\0}", 9));
  Result<std::vector<SourceFile>> r = LoadConfigFiles({path});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("NUL"), std::string::npos);
}

TEST_F(ConfigLoaderTest, ByteOrderMarkIsDropped) {
  std::string path = Write("bom.conf", "\xEF\xBB\xBFinput { }");
  Result<std::vector<SourceFile>> r = LoadConfigFiles({path});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].text, "input { }");
}

TEST(ConfigLoader, FromStringKeepsNameAndText) {
  SourceFile f = FromString("config string", "input { stdin { } }");
  EXPECT_EQ(f.path, "config string");
  EXPECT_EQ(f.text, "input { stdin { } }");
}

}  // namespace
}  // namespace perimeter::config
