// The syslog daemon's rule that sends the firewall's kernel lines to their own file, for rsyslog
// or syslog-ng, with the owner, group and mode the service needs to read it. Pure functions of
// the options; `perimeter setup` writes what they return.
#pragma once

#include <string>
#include <string_view>

#include "cli/setup_options.h"

namespace perimeter {

// Sorts before Debian's 50-default.conf, so our rule sees the lines first and can stop them.
inline constexpr std::string_view kRsyslogRoutePath = "/etc/rsyslog.d/10-perimeter.conf";
inline constexpr std::string_view kSyslogNgRoutePath = "/etc/syslog-ng/conf.d/perimeter.conf";

// Group and mode of the firewall log: the service joins `adm` (SupplementaryGroups=adm), as
// it must to read /var/log/auth.log anyway, so it needs no write access and no file of its own.
inline constexpr std::string_view kLogFileGroup = "adm";
inline constexpr std::string_view kLogFileMode = "0640";

// rsyslog (RainerScript): kernel lines carrying our prefix go to options.firewall_log, created
// `file_owner`:adm 0640, then `stop` so they do not also fill kern.log, syslog and messages.
// `file_owner` is the user rsyslog runs as when it drops privileges ("syslog" on Ubuntu), else
// "root".
std::string RsyslogRoute(const SetupOptions& options, std::string_view file_owner);

// syslog-ng: the same route from Debian's source `s_src`, with owner()/group()/perm() (the
// seed's troubleshooting note: without them the reader gets "Permission denied").
std::string SyslogNgRoute(const SetupOptions& options);

}  // namespace perimeter
