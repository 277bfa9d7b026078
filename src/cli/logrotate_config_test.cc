#include "cli/logrotate_config.h"

#include <gtest/gtest.h>

#include "cli/setup_test_tree.h"

namespace perimeter {
namespace {

// Directive lines only (comments removed), to tell a directive from the comment explaining it.
std::string Directives(const std::string& text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl - pos);
    if (!line.starts_with("#")) out += line + "\n";
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  return out;
}

TEST(LogrotateConfig, RotatesByRenameNeverCopytruncate) {
  SetupOptions o;
  std::string text = LogrotateConfig(o, SyslogKind::kRsyslog, "root");
  std::string directives = Directives(text);
  EXPECT_EQ(directives.find("copytruncate"), std::string::npos) << directives;
  EXPECT_NE(text.find("# No copytruncate: Perimeter's file input"), std::string::npos);
  EXPECT_TRUE(directives.starts_with("/var/log/iptables.log {\n")) << directives;
  for (std::string_view d :
       {"    daily\n", "    rotate 7\n", "    maxsize 100M\n", "    delaycompress\n",
        "    create 0640 root adm\n", "        /usr/lib/rsyslog/rsyslog-rotate\n"}) {
    EXPECT_NE(directives.find(d), std::string::npos) << d;
  }
}

TEST(LogrotateConfig, SyslogNgIsReloadedAndOwnerFollows) {
  SetupOptions o;
  std::string text = LogrotateConfig(o, SyslogKind::kSyslogNg, "syslog");
  EXPECT_NE(text.find("invoke-rc.d syslog-ng reload"), std::string::npos);
  EXPECT_EQ(text.find("rsyslog-rotate"), std::string::npos);
  EXPECT_NE(text.find("create 0640 syslog adm"), std::string::npos);
}

TEST(LogrotateConfig, LogrotateAcceptsIt) {
  if (!HaveTool("logrotate")) GTEST_SKIP() << "logrotate is not installed";
  TempTree tree;
  SetupOptions o;
  o.firewall_log = tree / "/iptables.log";
  tree.Write("/iptables.log", "May  3 17:20:08 host kernel: perimeter: IN=eth0\n", 0640);
  tree.Write("/perimeter", LogrotateConfig(o, SyslogKind::kRsyslog, "root"));
  // -d: a dry run that parses the file and says what it would do, changing nothing.
  ToolRun r = RunTool(fmt::format("logrotate -d -s {} {}", tree / "/state", tree / "/perimeter"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("error"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rotating pattern: " + o.firewall_log), std::string::npos) << r.output;
}

}  // namespace
}  // namespace perimeter
