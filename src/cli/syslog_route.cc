#include "cli/syslog_route.h"

#include <fmt/format.h>

#include "cli/firewall_rules.h"

namespace perimeter {

std::string RsyslogRoute(const SetupOptions& options, std::string_view file_owner) {
  return fmt::format(
      "# Perimeter (perimeter setup): the firewall's kernel lines (prefix \"{0}\") go to\n"
      "# {1} only.\n"
      "# `stop` keeps them out of kern.log, syslog and messages, so a scan does not fill those\n"
      "# as well. Group {3} may read the file: the perimeter service joins {3}.\n"
      "# This file sorts before 50-default.conf and rsyslog.conf includes rsyslog.d before its\n"
      "# own rules, so this rule sees the lines first. Removed by `perimeter setup --undo`.\n"
      "if $syslogfacility-text == \"kern\" and $msg contains \"{0}\" then {{\n"
      "  action(type=\"omfile\" file=\"{1}\"\n"
      "         fileOwner=\"{2}\" fileGroup=\"{3}\" fileCreateMode=\"{4}\")\n"
      "  stop\n"
      "}}\n",
      kFirewallLogPrefix, options.firewall_log, file_owner, kLogFileGroup, kLogFileMode);
}

std::string SyslogNgRoute(const SetupOptions& options) {
  return fmt::format(
      "# Perimeter (perimeter setup): the firewall's kernel lines (prefix \"{0}\") go to\n"
      "# {1}, readable by the group {2} that the perimeter service joins. syslog-ng.conf\n"
      "# includes conf.d at its end, after its own kern.log path, so these lines also reach\n"
      "# kern.log: add `and not filter(f_perimeter)` to that path's filter to stop it.\n"
      "# Removed by `perimeter setup --undo`.\n"
      "filter f_perimeter {{ facility(kern) and message(\"{0}\" type(string) flags(substring)); "
      "}};\n"
      "destination d_perimeter {{ file(\"{1}\" owner(\"root\") group(\"{2}\") perm({3})); }};\n"
      "log {{ source(s_src); filter(f_perimeter); destination(d_perimeter); flags(final); }};\n",
      kFirewallLogPrefix, options.firewall_log, kLogFileGroup, kLogFileMode);
}

}  // namespace perimeter
