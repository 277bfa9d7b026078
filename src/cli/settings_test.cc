#include "cli/settings.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace perimeter {
namespace {

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/settings_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  Result<Settings> Load(const std::string& text) {
    std::string path = dir_ + "/perimeter.toml";
    std::ofstream(path) << text;
    return Settings::Load(path);
  }
  std::string dir_;
};

TEST_F(SettingsTest, DefaultsReadTheUsualLogsAndIgnoreNothing) {
  Settings s;
  EXPECT_EQ(s.firewall_logs, std::vector<std::string>{"/var/log/iptables.log"});
  EXPECT_EQ(s.auth_logs, std::vector<std::string>{"/var/log/auth.log"});
  EXPECT_TRUE(s.ignore.empty());
}

TEST_F(SettingsTest, TheDocumentedDefaultsFileLoadsAsTheDefaults) {
  auto s = Load(Settings::DefaultsToml());
  ASSERT_TRUE(s.ok()) << s.status().message();
  Settings d;
  EXPECT_EQ(s->firewall_logs, d.firewall_logs);
  EXPECT_EQ(s->auth_logs, d.auth_logs);
  EXPECT_EQ(s->ignore, d.ignore);
  EXPECT_EQ(s->batch_size, d.batch_size);
}

TEST_F(SettingsTest, ReadsTheDefaultPipelineInputs) {
  auto s = Load(
      "[pipeline]\n"
      "firewall_logs = [\"/var/log/ufw.log\", \"/var/log/kern*.log\"]\n"
      "auth_logs = \"/var/log/secure\"\n"
      "ignore = [\"203.0.113.7\", \"198.51.100.0/24\", \"2001:db8:1::/48\"]\n");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->firewall_logs, (std::vector<std::string>{"/var/log/ufw.log", "/var/log/kern*.log"}));
  EXPECT_EQ(s->auth_logs, std::vector<std::string>{"/var/log/secure"});
  EXPECT_EQ(s->ignore.size(), 3u);
  auto none = Load("[pipeline]\nauth_logs = []\n");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->auth_logs.empty());
}

TEST_F(SettingsTest, ABadIgnoreEntryNamesTheKeyAndItsLine) {
  auto s = Load("[pipeline]\nignore = [\n  \"203.0.113.7\",\n  \"203.0.113.0/40\",\n]\n");
  ASSERT_FALSE(s.ok());
  const std::string& m = s.status().message();
  EXPECT_NE(m.find("line 4"), std::string::npos) << m;
  EXPECT_NE(m.find("pipeline.ignore"), std::string::npos) << m;
  EXPECT_NE(m.find("0..32"), std::string::npos) << m;
  auto host = Load("[pipeline]\nignore = [\"my-laptop.example\"]\n");
  ASSERT_FALSE(host.ok());
  EXPECT_NE(host.status().message().find("not an IP address or network"), std::string::npos);
  auto not_list = Load("[pipeline]\nignore = \"203.0.113.7\"\n");
  ASSERT_FALSE(not_list.ok());
  EXPECT_NE(not_list.status().message().find("must be a list"), std::string::npos);
}

TEST_F(SettingsTest, LogListsMustHoldPaths) {
  auto number = Load("[pipeline]\nfirewall_logs = [\"/var/log/a.log\", 7]\n");
  ASSERT_FALSE(number.ok());
  EXPECT_NE(number.status().message().find("pipeline.firewall_logs"), std::string::npos);
  EXPECT_NE(number.status().message().find("line 2"), std::string::npos);
  auto empty = Load("[pipeline]\nauth_logs = [\"\"]\n");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty path"), std::string::npos);
}

}  // namespace
}  // namespace perimeter
