#include "cli/syslog_route.h"

#include <gtest/gtest.h>

#include "cli/setup_test_tree.h"

namespace perimeter {
namespace {

TEST(RsyslogRoute, SendsPrefixedKernelLinesToTheFileThenStops) {
  SetupOptions o;
  std::string text = RsyslogRoute(o, "root");
  EXPECT_NE(text.find("if $syslogfacility-text == \"kern\" and $msg contains \"perimeter: \" "
                      "then {\n"
                      "  action(type=\"omfile\" file=\"/var/log/iptables.log\"\n"
                      "         fileOwner=\"root\" fileGroup=\"adm\" fileCreateMode=\"0640\")\n"
                      "  stop\n}\n"),
            std::string::npos)
      << text;
  EXPECT_TRUE(text.starts_with("# Perimeter (perimeter setup)"));
}

TEST(RsyslogRoute, OwnerIsWhoRsyslogRunsAsAndPathFollowsOptions) {
  SetupOptions o;
  o.firewall_log = "/var/log/fw.log";
  std::string text = RsyslogRoute(o, "syslog");
  EXPECT_NE(text.find("file=\"/var/log/fw.log\""), std::string::npos);
  EXPECT_NE(text.find("fileOwner=\"syslog\""), std::string::npos);
  EXPECT_EQ(text.find("iptables.log"), std::string::npos);
}

TEST(RsyslogRoute, PassesRsyslogConfigCheck) {
  if (!HaveTool("rsyslogd")) GTEST_SKIP() << "rsyslogd is not installed";
  TempTree tree;
  SetupOptions o;
  o.firewall_log = tree / "/iptables.log";
  tree.Write("/rsyslog.conf", RsyslogRoute(o, "root"));
  ToolRun r = RunTool("rsyslogd -N1 -f " + (tree / "/rsyslog.conf"));
  EXPECT_EQ(r.status, 0) << r.output;
}

TEST(SyslogNgRoute, HasOwnerGroupPermAndFinalFlag) {
  SetupOptions o;
  std::string text = SyslogNgRoute(o);
  EXPECT_NE(text.find("filter f_perimeter { facility(kern) and message(\"perimeter: \" "
                      "type(string) flags(substring)); };"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("destination d_perimeter { file(\"/var/log/iptables.log\" owner(\"root\") "
                      "group(\"adm\") perm(0640)); };"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("log { source(s_src); filter(f_perimeter); destination(d_perimeter); "
                      "flags(final); };"),
            std::string::npos);
}

TEST(SyslogNgRoute, PassesSyslogNgSyntaxCheck) {
  if (!HaveTool("syslog-ng")) GTEST_SKIP() << "syslog-ng is not installed";
  TempTree tree;
  SetupOptions o;
  o.firewall_log = tree / "/iptables.log";
  tree.Write("/syslog-ng.conf",
             "@version: 3.38\nsource s_src { internal(); };\n" + SyslogNgRoute(o));
  ToolRun r = RunTool("syslog-ng --syntax-only --cfgfile=" + (tree / "/syslog-ng.conf"));
  EXPECT_EQ(r.status, 0) << r.output;
}

}  // namespace
}  // namespace perimeter
