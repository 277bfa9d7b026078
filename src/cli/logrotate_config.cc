#include "cli/logrotate_config.h"

#include <fmt/format.h>

#include "cli/syslog_route.h"

namespace perimeter {

std::string LogrotateConfig(const SetupOptions& options, SyslogKind syslog,
                            std::string_view file_owner) {
  // Debian's own logrotate files reopen the daemons' files this way.
  std::string_view reopen = syslog == SyslogKind::kSyslogNg
                                ? "invoke-rc.d syslog-ng reload > /dev/null"
                                : "/usr/lib/rsyslog/rsyslog-rotate";
  return fmt::format(
      "# Perimeter (perimeter setup): rotation of the firewall log. Removed by\n"
      "# `perimeter setup --undo`.\n"
      "# No copytruncate: Perimeter's file input keeps reading a renamed file to its end and\n"
      "# then opens the new one, so rename-and-create loses no line, while copytruncate can\n"
      "# lose the lines written between the copy and the truncation. delaycompress leaves the\n"
      "# newest rotated file uncompressed for that last read.\n"
      "{0} {{\n"
      "    daily\n"
      "    maxsize {1}\n"
      "    rotate {2}\n"
      "    missingok\n"
      "    notifempty\n"
      "    compress\n"
      "    delaycompress\n"
      "    create {3} {4} {5}\n"
      "    sharedscripts\n"
      "    postrotate\n"
      "        {6}\n"
      "    endscript\n"
      "}}\n",
      options.firewall_log, kRotateMaxSize, kRotatedFilesKept, kLogFileMode, file_owner,
      kLogFileGroup, reopen);
}

}  // namespace perimeter
