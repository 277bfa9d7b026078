// /etc/perimeter/perimeter.toml as `perimeter setup` writes it: the data dir, the logs the
// default pipeline follows, the owner's own addresses, and the HTTPS server. A pure function;
// the keys are those Settings::Load reads (src/cli/settings.cc).
#pragma once

#include <string>
#include <vector>

#include "cli/setup_options.h"

namespace perimeter {

// `ignore` is the final list (options.ignore plus the SSH client's address when wanted).
std::string SettingsFileText(const SetupOptions& options, const std::vector<std::string>& ignore);

}  // namespace perimeter
