#include "cli/setup_apply.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "cli/setup_paths.h"
#include "cli/setup_test_tree.h"
#include "server/htpasswd_file.h"
#include "server/password_hash.h"

namespace perimeter {
namespace {

constexpr std::string_view kDebianNftablesConf =
    "#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n}\n";

// A small Debian-like tree: nftables enabled, rsyslog, sshd on 22, no perimeter user.
class SetupApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_.Write("/etc/nftables.conf", kDebianNftablesConf, 0755);
    tree_.Write("/etc/systemd/system/sysinit.target.wants/nftables.service", "[Unit]\n");
    tree_.Write("/etc/rsyslog.conf", "$IncludeConfig /etc/rsyslog.d/*.conf\n");
    tree_.Write("/etc/rsyslog.d/50-default.conf", "kern.* -/var/log/kern.log\n");
    tree_.Write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
    tree_.Write("/etc/ssh/sshd_config", "#Port 22\n", 0600);
    tree_.Write("/usr/sbin/nft", "#!/bin/sh\n", 0755);
    tree_.Write("/usr/sbin/rsyslogd", "#!/bin/sh\n", 0755);
    tree_.Write("/var/log/auth.log", "", 0640);
    binary_.Write("/perimeter", "a stand-in for the program", 0700);
    options_.root = tree_.path();
    options_.ports = {22, 2222};
  }

  HostFacts Facts() {
    HostFacts f = ProbeHost(options_);
    f.self_binary = binary_ / "/perimeter";
    f.geoip_files.clear();  // the real database is 130 MB: copying it is not this test's point
    return f;
  }

  // Applies, returning what it printed; no command may run under --root.
  std::string Apply() {
    HostFacts facts = Facts();
    SetupPlan plan = BuildSetupPlan(options_, facts);
    std::ostringstream out, err;
    SetupIo io{out, err,
               [](const std::string& line) {
                 ADD_FAILURE() << "ran a command under --root: " << line;
                 return 1;
               },
               [](std::string_view) -> Result<std::string> {
                 return Status::Unavailable("no terminal in tests");
               }};
    Status st = ApplySetupPlan(plan, options_, facts, io);
    EXPECT_TRUE(st.ok()) << st.message() << "\n" << err.str();
    return out.str();
  }

  std::string Undo() {
    std::ostringstream out, err;
    SetupIo io{out, err,
               [](const std::string& line) {
                 ADD_FAILURE() << "ran a command under --root: " << line;
                 return 1;
               },
               nullptr};
    Status st = UndoSetup(options_.root, io);
    EXPECT_TRUE(st.ok()) << st.message();
    return out.str();
  }

  TempTree tree_;
  TempTree binary_;
  SetupOptions options_;
};

TEST_F(SetupApplyTest, WritesEveryFileWithItsModeAndAWorkingAdmin) {
  std::string out = Apply();
  EXPECT_EQ(tree_.Mode("/etc/perimeter/perimeter.toml"), 0644u);
  EXPECT_EQ(tree_.Mode("/etc/perimeter/firewall.nft"), 0644u);
  EXPECT_EQ(tree_.Mode("/etc/nftables.conf"), 0755u);  // kept
  EXPECT_EQ(tree_.Mode("/etc/rsyslog.d/10-perimeter.conf"), 0644u);
  EXPECT_EQ(tree_.Mode("/etc/logrotate.d/perimeter"), 0644u);
  EXPECT_EQ(tree_.Mode("/etc/systemd/system/perimeter.service"), 0644u);
  EXPECT_EQ(tree_.Mode("/usr/local/bin/perimeter"), 0755u);
  EXPECT_EQ(tree_.Read("/usr/local/bin/perimeter"), "a stand-in for the program");
  EXPECT_EQ(tree_.Mode("/var/lib/perimeter"), 0750u);
  EXPECT_EQ(tree_.Mode("/var/lib/perimeter/tls"), 0700u);
  EXPECT_EQ(tree_.Mode("/var/lib/perimeter/tls/key.pem"), 0600u);
  EXPECT_EQ(tree_.Mode("/var/lib/perimeter/htpasswd"), 0600u);
  EXPECT_EQ(tree_.Mode("/var/lib/perimeter-setup"), 0700u);
  EXPECT_EQ(tree_.Mode("/var/lib/perimeter-setup/manifest.json"), 0600u);
  EXPECT_EQ(tree_.Read("/var/lib/perimeter-setup/backup/etc/nftables.conf"), kDebianNftablesConf);
  std::string conf = tree_.Read("/etc/nftables.conf");
  EXPECT_TRUE(conf.starts_with(kDebianNftablesConf));
  EXPECT_NE(conf.find("include \"/etc/perimeter/firewall.nft\""), std::string::npos);
  EXPECT_NE(tree_.Read("/etc/perimeter/firewall.nft").find("tcp dport { 22, 2222 }"),
            std::string::npos);

  // The password printed once is the admin's, and the admin is an admin.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("Password of admin: (\\S+)"))) << out;
  Result<HtpasswdFile> users = HtpasswdFile::Load(tree_ / "/var/lib/perimeter/htpasswd");
  ASSERT_TRUE(users.ok());
  const UserEntry* admin = users->Find("admin");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->role, Role::kAdmin);
  EXPECT_TRUE(VerifyPassword(m[1].str(), admin->hash));
  EXPECT_FALSE(VerifyPassword(m[1].str() + "x", admin->hash));
  EXPECT_NE(out.find("SHA-256 fingerprint: "), std::string::npos);
  EXPECT_NE(out.find("not run under --root: $ nft -c -f /etc/perimeter/firewall.nft"),
            std::string::npos)
      << out;
}

TEST_F(SetupApplyTest, UndoRestoresTheTreeExactly) {
  std::map<std::string, std::string> before = tree_.Snapshot();
  Apply();
  EXPECT_NE(tree_.Snapshot(), before);
  std::string out = Undo();
  EXPECT_EQ(tree_.Snapshot(), before) << out;
  EXPECT_NE(out.find("restored " + (tree_ / "/etc/nftables.conf")), std::string::npos) << out;
  EXPECT_NE(out.find("not run under --root: $ nft delete table inet perimeter"), std::string::npos);
}

TEST_F(SetupApplyTest, ApplyingTwiceThenUndoStillRestoresTheOriginals) {
  std::map<std::string, std::string> before = tree_.Snapshot();
  Apply();
  std::string htpasswd = tree_.Read("/var/lib/perimeter/htpasswd");
  options_.ports = {22};  // a second run with another choice
  std::string second = Apply();
  EXPECT_EQ(second.find("Password of admin"), std::string::npos) << "the admin is kept";
  EXPECT_EQ(tree_.Read("/var/lib/perimeter/htpasswd"), htpasswd);
  EXPECT_NE(tree_.Read("/etc/perimeter/firewall.nft").find("tcp dport 22 "), std::string::npos);
  Undo();
  EXPECT_EQ(tree_.Snapshot(), before);
}

TEST_F(SetupApplyTest, UndoKeepsWhatWasEditedSinceAndSaysWhere) {
  std::map<std::string, std::string> before = tree_.Snapshot();
  Apply();
  tree_.Write("/etc/perimeter/perimeter.toml", "data_dir = \"/elsewhere\"\n");
  std::string edited_conf = tree_.Read("/etc/nftables.conf") + "# mine\n";
  tree_.Write("/etc/nftables.conf", edited_conf, 0755);
  std::string out = Undo();
  EXPECT_EQ(tree_.Read("/etc/perimeter/perimeter.toml"), "data_dir = \"/elsewhere\"\n");
  EXPECT_EQ(tree_.Read("/etc/nftables.conf"), edited_conf);
  EXPECT_NE(out.find("kept " + (tree_ / "/etc/nftables.conf") +
                     ": it changed since setup wrote it; the original is in " +
                     (tree_ / "/var/lib/perimeter-setup/backup/etc/nftables.conf")),
            std::string::npos)
      << out;
  EXPECT_EQ(tree_.Read("/var/lib/perimeter-setup/backup/etc/nftables.conf"), kDebianNftablesConf);
  EXPECT_NE(out.find("kept " + (tree_ / "/etc/perimeter") + "/: it is not empty"),
            std::string::npos)
      << out;
  EXPECT_FALSE(std::filesystem::exists(tree_ / "/etc/systemd/system/perimeter.service"));
}

TEST_F(SetupApplyTest, UndoWithoutManifestSaysThereIsNothingToUndo) {
  std::ostringstream out, err;
  SetupIo io{out, err, nullptr, nullptr};
  Status st = UndoSetup(options_.root, io);
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_NE(st.message().find("nothing to undo"), std::string::npos);
}

TEST(ApplySetupPlan, RefusesToChangeTheSystemWithoutRoot) {
  SetupOptions o;  // no --root: the real system
  HostFacts facts;
  facts.is_root = false;
  std::ostringstream out, err;
  SetupIo io{out, err, nullptr, nullptr};
  Status st = ApplySetupPlan(BuildSetupPlan(o, facts), o, facts, io);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("as root"), std::string::npos);
  EXPECT_TRUE(out.str().empty());
}

}  // namespace
}  // namespace perimeter
