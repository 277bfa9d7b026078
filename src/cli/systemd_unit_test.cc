#include "cli/systemd_unit.h"

#include <gtest/gtest.h>

#include "cli/setup_test_tree.h"

namespace perimeter {
namespace {

bool HasLine(const std::string& text, std::string_view line) {
  return text.find("\n" + std::string(line) + "\n") != std::string::npos;
}

TEST(PerimeterServiceUnit, HardenedAndRunsWithTheSettingsFile) {
  SetupOptions o;
  std::string unit = PerimeterServiceUnit(o);
  for (std::string_view line :
       {"ExecStart=/usr/local/bin/perimeter run --settings /etc/perimeter/perimeter.toml",
        "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure", "User=perimeter",
        "Group=perimeter", "SupplementaryGroups=adm", "ProtectSystem=strict", "ProtectHome=yes",
        "PrivateTmp=yes", "NoNewPrivileges=yes", "ReadWritePaths=/var/lib/perimeter",
        "ReadOnlyPaths=-/var/log/iptables.log -/var/log/auth.log", "WantedBy=multi-user.target"}) {
    EXPECT_TRUE(HasLine(unit, line)) << line << "\n" << unit;
  }
  EXPECT_EQ(unit.find("DynamicUser=yes"), std::string::npos);
  EXPECT_EQ(unit.find("\nMemoryDenyWriteExecute="), std::string::npos) << "breaks PCRE2's JIT";
}

TEST(PerimeterServiceUnit, BindCapabilityOnlyBelow1024) {
  SetupOptions o;
  o.listen = "0.0.0.0:8443";
  std::string high = PerimeterServiceUnit(o);
  EXPECT_TRUE(HasLine(high, "CapabilityBoundingSet=")) << high;
  EXPECT_EQ(high.find("CAP_NET_BIND_SERVICE"), std::string::npos);
  o.listen = "[::]:443";
  std::string low = PerimeterServiceUnit(o);
  EXPECT_TRUE(HasLine(low, "AmbientCapabilities=CAP_NET_BIND_SERVICE")) << low;
  EXPECT_TRUE(HasLine(low, "CapabilityBoundingSet=CAP_NET_BIND_SERVICE"));
  o.listen = "127.0.0.1:1024";
  EXPECT_EQ(PerimeterServiceUnit(o).find("CAP_NET_BIND_SERVICE"), std::string::npos);
}

TEST(PerimeterServiceUnit, PathsFollowOptions) {
  SetupOptions o;
  o.data_dir = "/srv/perimeter";
  o.user = "fwlog";
  o.binary = "/opt/perimeter/bin/perimeter";
  o.settings_file = "/etc/fwlog.toml";
  std::string unit = PerimeterServiceUnit(o);
  EXPECT_TRUE(HasLine(unit, "ReadWritePaths=/srv/perimeter"));
  EXPECT_TRUE(HasLine(unit, "User=fwlog"));
  EXPECT_TRUE(
      HasLine(unit, "ExecStart=/opt/perimeter/bin/perimeter run --settings /etc/fwlog.toml"));
}

TEST(FirewallServiceUnit, LoadsBothFamiliesAndRemovesThemOnStop) {
  std::string unit =
      FirewallServiceUnit("/etc/perimeter/firewall.v4", "/etc/perimeter/firewall.v6");
  EXPECT_TRUE(HasLine(unit, "Type=oneshot"));
  EXPECT_TRUE(HasLine(unit, "RemainAfterExit=yes"));
  EXPECT_TRUE(HasLine(unit,
                      "ExecStart=/bin/sh -c 'iptables -D INPUT -j PERIMETER-LOG 2>/dev/null; "
                      "iptables-restore --noflush /etc/perimeter/firewall.v4'"))
      << unit;
  EXPECT_TRUE(HasLine(unit,
                      "ExecStop=/bin/sh -c 'ip6tables -D INPUT -j PERIMETER-LOG; ip6tables "
                      "-F PERIMETER-LOG; ip6tables -X PERIMETER-LOG'"))
      << unit;
  EXPECT_NE(unit.find("After=network-pre.target netfilter-persistent.service ufw.service"),
            std::string::npos);
}

// systemd-analyze verify reads the unit as systemd would and names unknown keys and bad values.
TEST(PerimeterServiceUnit, SystemdAnalyzeVerifyFindsNoProblem) {
  if (!HaveTool("systemd-analyze")) GTEST_SKIP() << "systemd-analyze is not installed";
  TempTree tree;
  SetupOptions o;
  o.binary = "/bin/true";  // verify checks that ExecStart's program exists
  for (std::string listen : {"0.0.0.0:8443", "0.0.0.0:443"}) {
    o.listen = listen;
    tree.Write("/perimeter.service", PerimeterServiceUnit(o));
    tree.Write("/perimeter-firewall.service", FirewallServiceUnit("/a.v4", "/a.v6"));
    for (const char* unit : {"/perimeter.service", "/perimeter-firewall.service"}) {
      ToolRun r = RunTool("systemd-analyze verify " + (tree / unit));
      EXPECT_EQ(r.status, 0) << r.output;
      for (std::string_view problem : {"Unknown", "Invalid", "Failed", "rror"}) {
        EXPECT_EQ(r.output.find(problem), std::string::npos) << unit << ": " << r.output;
      }
    }
  }
}

}  // namespace
}  // namespace perimeter
