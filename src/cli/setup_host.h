// What `perimeter setup` needs to know about the host before it plans anything: which firewall
// and syslog tools it has, the files it would change, where sshd listens, who is logged in over
// SSH. ProbeHost gathers them (reads files, runs a few read-only commands); everything that
// decides from them is a pure function, tested on facts written by hand.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/setup_options.h"

namespace perimeter {

// Config files above this are not what setup edits; they are left alone.
inline constexpr size_t kMaxProbedFileBytes = 1 << 20;

struct HostFacts {
  bool is_root = false;
  // Commands found (on PATH and in /usr/sbin, /sbin; under --root in its own bin dirs):
  // iptables-restore, ip6tables-restore, nft, rsyslogd, syslog-ng, systemctl, useradd, ss, ufw.
  std::set<std::string> tools;
  std::string iptables_version;         // `iptables -V`, e.g. "iptables v1.8.9 (nf_tables)"
  std::vector<std::string> nft_tables;  // `nft list tables`, e.g. "table inet filter"
  bool nftables_service_enabled = false;
  bool iptables_persistent = false;  // its plugin saves and restores /etc/iptables/rules.v4/v6
  // Text of the existing files setup reads or may change, by absolute path (without --root).
  std::map<std::string, std::string> files;
  // Other paths that exist (large files: the binary, the GeoIP databases).
  std::set<std::string> existing;
  std::optional<std::string> listening_sockets;  // `ss -Hltnp`, when it could be run
  std::string ssh_client;         // the address this SSH session comes from, "" when none
  std::string ssh_client_source;  // where that was found ("$SSH_CLIENT", "utmp")
  std::string self_binary;        // this program, copied to options.binary
  bool user_exists = false;
  bool admin_exists = false;             // the users file already has options.admin
  std::vector<std::string> geoip_files;  // the database outside the service's reach, if any
  bool geoip_missing = false;            // no database anywhere the geoip filter looks
  std::string host_name;

  bool Has(std::string_view tool) const { return tools.count(std::string(tool)) != 0; }
  bool Exists(const std::string& path) const {
    return files.count(path) != 0 || existing.count(path) != 0;
  }
};

// Reads the host (under options.root when set; commands run only without it).
HostFacts ProbeHost(const SetupOptions& options);

struct Choice {
  FirewallKind firewall = FirewallKind::kIptables;
  SyslogKind syslog = SyslogKind::kRsyslog;
  std::string why;
};

// What the host uses: nftables when nftables.service is enabled or the live ruleset has native
// nft tables; iptables (its nf_tables backend counts as iptables) when iptables-persistent,
// ufw or iptables is there; nft alone means nftables. An explicit choice wins.
Choice ChooseFirewall(const HostFacts& facts, FirewallKind requested);
// rsyslog when installed, else syslog-ng when installed, else rsyslog (to be installed: Debian
// 12 keeps logs only in the journal, and the file input needs files).
Choice ChooseSyslog(const HostFacts& facts, SyslogKind requested);

// The ports of `Port` (and `ListenAddress host:port`) lines of sshd_config texts; {22} when
// none sets one, as sshd does.
std::vector<int> SshdConfigPorts(const std::vector<std::string>& config_texts);
// The TCP ports sshd listens on according to `ss -Hltnp` output; empty when the output names
// no sshd process (ss shows process names to root only).
std::vector<int> SsSshdPorts(std::string_view ss_output);

// The ports sshd listens on and how that is known (the live sockets, else the config files).
std::vector<int> SshdPorts(const HostFacts& facts, std::string* source);

// The user rsyslog writes files as: "syslog" when rsyslog.conf drops privileges to it
// (Ubuntu), else "root".
std::string RsyslogFileOwner(const HostFacts& facts);

}  // namespace perimeter
