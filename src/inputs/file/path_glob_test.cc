#include "inputs/file/path_glob.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace perimeter {
namespace {

TEST(ExpandBraces, ExpandsEveryAlternativeIncludingNested) {
  EXPECT_EQ(ExpandBraces("/var/log/{ufw,iptables}.log"),
            (std::vector<std::string>{"/var/log/ufw.log", "/var/log/iptables.log"}));
  EXPECT_EQ(ExpandBraces("a{b,c{d,e}}f"), (std::vector<std::string>{"abf", "acdf", "acef"}));
  EXPECT_EQ(ExpandBraces("x{1,2}y{3,4}").size(), 4u);
  EXPECT_EQ(ExpandBraces("unbalanced{a,b"), (std::vector<std::string>{"unbalanced{a,b"}));
}

class PathGlobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/perimeter-glob-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    for (const char* f : {"auth.log", "auth.log.1", "auth.log.2.gz", "ufw.log", ".hidden.log",
                          "sub/kern.log", "sub/deeper/app.log", "sub/.dot/secret.log"}) {
      std::filesystem::create_directories(std::filesystem::path(dir_ + "/" + f).parent_path());
      std::ofstream(dir_ + "/" + f) << "x\n";
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<std::string> Expand(std::vector<std::string> patterns,
                                  const std::vector<std::string>& excludes = {}) {
    for (auto& p : patterns) p.insert(0, dir_ + "/");
    auto found = ExpandPaths(patterns, excludes, nullptr);
    for (auto& f : found) f = f.substr(dir_.size() + 1);
    return found;
  }
  std::string dir_;
};

TEST_F(PathGlobTest, StarMatchesWithinOneDirectoryAndSkipsHiddenFiles) {
  EXPECT_EQ(Expand({"*.log"}), (std::vector<std::string>{"auth.log", "ufw.log"}));
  EXPECT_EQ(Expand({"auth.log*"}),
            (std::vector<std::string>{"auth.log", "auth.log.1", "auth.log.2.gz"}));
  EXPECT_EQ(Expand({"auth.log.?"}), (std::vector<std::string>{"auth.log.1"}));
  EXPECT_EQ(Expand({"[u]fw.log"}), (std::vector<std::string>{"ufw.log"}));
}

TEST_F(PathGlobTest, DoubleStarMatchesAnyDepth) {
  EXPECT_EQ(Expand({"**/*.log"}), (std::vector<std::string>{"auth.log", "sub/deeper/app.log",
                                                            "sub/kern.log", "ufw.log"}));
}

TEST_F(PathGlobTest, BracesAndExcludesOnTheFileName) {
  EXPECT_EQ(Expand({"{auth,ufw}.log*"}, {"*.gz"}),
            (std::vector<std::string>{"auth.log", "auth.log.1", "ufw.log"}));
  EXPECT_EQ(Expand({"**/*.log"}, {"kern*"}),
            (std::vector<std::string>{"auth.log", "sub/deeper/app.log", "ufw.log"}));
}

TEST_F(PathGlobTest, LiteralPathsAreReturnedEvenWhenMissingAndDuplicatesCollapse) {
  EXPECT_EQ(Expand({"not-yet.log", "ufw.log", "u*.log"}),
            (std::vector<std::string>{"not-yet.log", "ufw.log"}));
}

TEST_F(PathGlobTest, UnlistableDirectoryIsReported) {
  if (geteuid() == 0) GTEST_SKIP() << "root lists every directory";
  std::filesystem::permissions(dir_ + "/sub", std::filesystem::perms::none);
  std::vector<GlobProblem> problems;
  ExpandPaths({dir_ + "/sub/*.log"}, {}, &problems);
  std::filesystem::permissions(dir_ + "/sub", std::filesystem::perms::owner_all);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].directory, dir_ + "/sub");
  EXPECT_EQ(problems[0].error, EACCES);
}

}  // namespace
}  // namespace perimeter
