// /etc/logrotate.d/perimeter: rotation of the firewall log that the syslog route writes. A pure
// function of the options; `perimeter setup` writes what it returns.
#pragma once

#include <string>
#include <string_view>

#include "cli/setup_options.h"

namespace perimeter {

inline constexpr std::string_view kLogrotatePath = "/etc/logrotate.d/perimeter";
// A week of files, as the seed kept; Perimeter's own store holds the history.
inline constexpr int kRotatedFilesKept = 7;
// Rotate early when a day is this big, whatever the rate limit lets through.
inline constexpr std::string_view kRotateMaxSize = "100M";

// `syslog` (rsyslog or syslog-ng, not kAuto) decides how the daemon is told to reopen the file.
std::string LogrotateConfig(const SetupOptions& options, SyslogKind syslog,
                            std::string_view file_owner);

}  // namespace perimeter
