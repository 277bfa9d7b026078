#include "cli/setup_host.h"

#include <gtest/gtest.h>

#include "cli/setup_paths.h"
#include "cli/setup_test_tree.h"

namespace perimeter {
namespace {

HostFacts Tools(std::initializer_list<const char*> tools) {
  HostFacts f;
  for (const char* t : tools) f.tools.insert(t);
  return f;
}

TEST(ChooseFirewall, ExplicitChoiceWins) {
  HostFacts f = Tools({"nft"});
  f.nftables_service_enabled = true;
  EXPECT_EQ(ChooseFirewall(f, FirewallKind::kIptables).firewall, FirewallKind::kIptables);
}

TEST(ChooseFirewall, EnabledNftablesServiceMeansNftables) {
  HostFacts f = Tools({"nft", "iptables-restore"});
  f.nftables_service_enabled = true;
  EXPECT_EQ(ChooseFirewall(f, FirewallKind::kAuto).firewall, FirewallKind::kNftables);
}

TEST(ChooseFirewall, IptablesPersistentOrUfwMeansIptables) {
  HostFacts f = Tools({"nft", "iptables-restore"});
  f.iptables_persistent = true;
  f.nft_tables = {"table inet filter"};
  Choice c = ChooseFirewall(f, FirewallKind::kAuto);
  EXPECT_EQ(c.firewall, FirewallKind::kIptables);
  EXPECT_NE(c.why.find("iptables-persistent"), std::string::npos);
  HostFacts ufw = Tools({"nft", "iptables-restore", "ufw"});
  EXPECT_EQ(ChooseFirewall(ufw, FirewallKind::kAuto).firewall, FirewallKind::kIptables);
}

TEST(ChooseFirewall, IptablesNftTablesCountAsIptables) {
  HostFacts f = Tools({"nft", "iptables-restore"});
  f.iptables_version = "iptables v1.8.9 (nf_tables)";
  f.nft_tables = {"table ip filter", "table ip6 filter", "table ip nat"};
  Choice c = ChooseFirewall(f, FirewallKind::kAuto);
  EXPECT_EQ(c.firewall, FirewallKind::kIptables);
  EXPECT_NE(c.why.find("nf_tables backend counts as iptables"), std::string::npos) << c.why;
  f.nft_tables.push_back("table inet fw");
  EXPECT_EQ(ChooseFirewall(f, FirewallKind::kAuto).firewall, FirewallKind::kNftables);
}

TEST(ChooseFirewall, WhateverToolIsThere) {
  EXPECT_EQ(ChooseFirewall(Tools({"nft"}), FirewallKind::kAuto).firewall, FirewallKind::kNftables);
  EXPECT_EQ(ChooseFirewall(Tools({"iptables-restore"}), FirewallKind::kAuto).firewall,
            FirewallKind::kIptables);
  EXPECT_EQ(ChooseFirewall(Tools({}), FirewallKind::kAuto).firewall, FirewallKind::kNftables);
}

TEST(ChooseSyslog, InstalledDaemonElseRsyslog) {
  EXPECT_EQ(ChooseSyslog(Tools({"rsyslogd", "syslog-ng"}), SyslogKind::kAuto).syslog,
            SyslogKind::kRsyslog);
  HostFacts ng;
  ng.files[std::string(kSyslogNgConfPath)] = "@version: 3.38\n";
  EXPECT_EQ(ChooseSyslog(ng, SyslogKind::kAuto).syslog, SyslogKind::kSyslogNg);
  Choice none = ChooseSyslog(HostFacts{}, SyslogKind::kAuto);
  EXPECT_EQ(none.syslog, SyslogKind::kRsyslog);
  EXPECT_NE(none.why.find("journal"), std::string::npos);
  EXPECT_EQ(ChooseSyslog(HostFacts{}, SyslogKind::kSyslogNg).syslog, SyslogKind::kSyslogNg);
}

TEST(SshdConfigPorts, PortAndListenAddressLinesOr22) {
  EXPECT_EQ(SshdConfigPorts({"#Port 22\nPermitRootLogin no\n"}), std::vector<int>{22});
  EXPECT_EQ(SshdConfigPorts(
                {"Include /etc/ssh/sshd_config.d/*.conf\n#Port 22\n", "Port 2222\n  port=2223\n"}),
            (std::vector<int>{2222, 2223}));
  EXPECT_EQ(SshdConfigPorts({"ListenAddress 0.0.0.0:2200\nListenAddress [::]:2201\n"
                             "ListenAddress ::1\nPort 22\n"}),
            (std::vector<int>{22, 2200, 2201}));
  EXPECT_EQ(SshdConfigPorts({"\tPORT 2022 # comment\n"}), std::vector<int>{2022});
}

TEST(SsSshdPorts, ListeningSshdSocketsOnly) {
  std::string ss =
      "LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    "
      "users:((\"sshd\",pid=612,fd=3))\n"
      "LISTEN 0      128             [::]:22           [::]:*    "
      "users:((\"sshd\",pid=612,fd=4))\n"
      "LISTEN 0      4096       127.0.0.1:8443      0.0.0.0:*    "
      "users:((\"perimeter\",pid=900,fd=7))\n"
      "LISTEN 0      128          0.0.0.0:2222      0.0.0.0:*    "
      "users:((\"sshd\",pid=612,fd=5))\n";
  EXPECT_EQ(SsSshdPorts(ss), (std::vector<int>{22, 2222}));
  // Without root ss shows no process names: nothing can be said.
  EXPECT_TRUE(SsSshdPorts("LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n").empty());
}

TEST(SshdPorts, LiveSocketsBeforeConfigFiles) {
  HostFacts f;
  f.files[std::string(kSshdConfigPath)] = "Port 22\n";
  f.files[std::string(kSshdConfigDir) + "/port.conf"] = "Port 2222\n";
  std::string source;
  EXPECT_EQ(SshdPorts(f, &source), (std::vector<int>{22, 2222}));
  EXPECT_EQ(source, "sshd_config");
  f.listening_sockets = "LISTEN 0 128 0.0.0.0:2222 0.0.0.0:* users:((\"sshd\",pid=1,fd=3))\n";
  EXPECT_EQ(SshdPorts(f, &source), std::vector<int>{2222});
  EXPECT_EQ(source, "ss -ltnp");
  EXPECT_TRUE(SshdPorts(HostFacts{}, &source).empty());  // no sshd at all
}

TEST(RsyslogFileOwner, SyslogWhenPrivilegesAreDropped) {
  HostFacts f;
  EXPECT_EQ(RsyslogFileOwner(f), "root");
  f.files[std::string(kRsyslogConfPath)] = "$FileOwner syslog\n$PrivDropToUser syslog\n";
  EXPECT_EQ(RsyslogFileOwner(f), "syslog");
}

TEST(ProbeHost, ReadsTheTreeUnderRoot) {
  TempTree tree;
  tree.Write("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n");
  tree.Write("/etc/ssh/sshd_config.d/port.conf", "Port 2222\n");
  tree.Write("/etc/ssh/sshd_config.d/ignored.txt", "Port 1\n");
  tree.Write("/etc/nftables.conf", "flush ruleset\n", 0755);
  tree.Write("/etc/systemd/system/sysinit.target.wants/nftables.service", "");
  tree.Write("/etc/passwd", "root:x:0:0::/root:/bin/bash\nperimeter:x:999:999::/:/bin/false\n");
  tree.Write("/usr/sbin/nft", "#!/bin/sh\n", 0755);
  tree.Write("/usr/sbin/rsyslogd", "not executable", 0644);
  SetupOptions o;
  o.root = tree.path();
  HostFacts f = ProbeHost(o);
  EXPECT_TRUE(f.Has("nft"));
  EXPECT_FALSE(f.Has("rsyslogd"));
  EXPECT_TRUE(f.nftables_service_enabled);
  EXPECT_FALSE(f.iptables_persistent);
  EXPECT_TRUE(f.user_exists);
  EXPECT_FALSE(f.admin_exists);
  EXPECT_EQ(f.files.at("/etc/nftables.conf"), "flush ruleset\n");
  EXPECT_EQ(f.files.count("/etc/ssh/sshd_config.d/ignored.txt"), 0u);
  std::string source;
  EXPECT_EQ(SshdPorts(f, &source), std::vector<int>{2222});
  EXPECT_TRUE(f.ssh_client.empty()) << "the SSH session is this machine's, not the tree's";
  EXPECT_FALSE(f.listening_sockets.has_value());
}

}  // namespace
}  // namespace perimeter
