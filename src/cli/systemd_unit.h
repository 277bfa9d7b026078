// The systemd units `perimeter setup` installs: perimeter.service (the hardened service) and,
// on iptables hosts without iptables-persistent, perimeter-firewall.service (loads the logging
// rules at boot). Pure functions of the options.
#pragma once

#include <string>
#include <string_view>

#include "cli/setup_options.h"

namespace perimeter {

inline constexpr std::string_view kServiceUnitPath = "/etc/systemd/system/perimeter.service";
inline constexpr std::string_view kFirewallUnitPath =
    "/etc/systemd/system/perimeter-firewall.service";
// Ports below this need CAP_NET_BIND_SERVICE (Linux's ip_unprivileged_port_start default).
inline constexpr int kFirstUnprivilegedPort = 1024;

// perimeter.service: runs `perimeter run --settings FILE` as options.user (groups: its own and
// adm, to read the logs), with the file system read-only except the data dir, no capabilities
// unless the listen port is privileged, restarted on failure, reloaded with SIGHUP.
std::string PerimeterServiceUnit(const SetupOptions& options);

// perimeter-firewall.service: a oneshot that loads `v4_rules` / `v6_rules` (iptables-restore
// fragments) at boot, after the host's own firewall, and removes them when stopped.
std::string FirewallServiceUnit(std::string_view v4_rules, std::string_view v6_rules);

}  // namespace perimeter
