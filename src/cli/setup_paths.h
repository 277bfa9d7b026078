// Where `perimeter setup` reads and writes on a Debian host (absolute, before --root is
// prepended). The generated files' own paths sit with their generators (syslog_route.h,
// logrotate_config.h, systemd_unit.h); these are the rest. Constants only.
#pragma once

#include <string_view>

namespace perimeter {

inline constexpr std::string_view kFirewallV4Path = "/etc/perimeter/firewall.v4";
inline constexpr std::string_view kFirewallV6Path = "/etc/perimeter/firewall.v6";
inline constexpr std::string_view kNftablesTablePath = "/etc/perimeter/firewall.nft";
inline constexpr std::string_view kNftablesConfPath = "/etc/nftables.conf";
// Debian's nftables.service is WantedBy=sysinit.target; this link exists when it is enabled.
inline constexpr std::string_view kNftablesServiceLink =
    "/etc/systemd/system/sysinit.target.wants/nftables.service";
inline constexpr std::string_view kIptablesRulesV4Path = "/etc/iptables/rules.v4";
inline constexpr std::string_view kIptablesRulesV6Path = "/etc/iptables/rules.v6";
// Installed by iptables-persistent: netfilter-persistent restores rules.v4 at boot through it.
inline constexpr std::string_view kIptablesPersistentPlugin =
    "/usr/share/netfilter-persistent/plugins.d/15-ip4tables";
inline constexpr std::string_view kRsyslogConfPath = "/etc/rsyslog.conf";
inline constexpr std::string_view kSyslogNgConfPath = "/etc/syslog-ng/syslog-ng.conf";
inline constexpr std::string_view kSshdConfigPath = "/etc/ssh/sshd_config";
inline constexpr std::string_view kSshdConfigDir = "/etc/ssh/sshd_config.d";
inline constexpr std::string_view kPasswdPath = "/etc/passwd";
// Searched by the geoip filter (src/filters/geoip/default_database.h) and readable by the
// service, unlike a source tree under /home or /root (ProtectHome=yes).
inline constexpr std::string_view kSystemGeoipDir = "/usr/share/perimeter/geoip";
// The manifest of what setup did and the originals of the files it changed. Root's alone, and
// outside the data dir: the service user can write there, and must not be able to steer what
// `setup --undo`, running as root, deletes or restores.
inline constexpr std::string_view kSetupStateDir = "/var/lib/perimeter-setup";
inline constexpr std::string_view kManifestPath = "/var/lib/perimeter-setup/manifest.json";
inline constexpr std::string_view kBackupDir = "/var/lib/perimeter-setup/backup";

}  // namespace perimeter
