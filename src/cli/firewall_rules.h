// The kernel rules that make the firewall log connection attempts to the watched ports, as text
// for iptables-restore (IPv4 and IPv6) or nft, and the edits that make them persistent. Pure
// functions of the options; `perimeter setup` writes what they return.
#pragma once

#include <string>
#include <string_view>

#include "cli/setup_options.h"

namespace perimeter {

// Every logged line starts with this after "kernel: "; the syslog route selects on it.
inline constexpr std::string_view kFirewallLogPrefix = "perimeter: ";
// Our own chain / table, so adding and removing ours never touches anyone else's rules.
inline constexpr std::string_view kIptablesChain = "PERIMETER-LOG";
inline constexpr std::string_view kNftablesTable = "perimeter";

enum class IpFamily { kV4, kV6 };

// iptables-restore input for `--noflush`: declares (and so empties) our chain, jumps to it first
// thing in INPUT and logs new TCP connections (SYN only: one line per attempt, not per packet)
// to the ports, rate-limited. Loading it again after removing the jump gives the same rules.
std::string IptablesFragment(const SetupOptions& options, IpFamily family);

// The shell line that (re)loads the fragment at `path` on the running kernel without
// duplicating the jump: `iptables -D INPUT -j PERIMETER-LOG …; iptables-restore --noflush …`.
std::string IptablesLoadCommand(IpFamily family, std::string_view path);
// The shell line that removes our chain and the jump to it.
std::string IptablesRemoveCommand(IpFamily family);

// iptables-persistent's rules file (/etc/iptables/rules.v4 or .v6, iptables-save format; the rule
// is the same for both families) with
// our chain added to its *filter table: declared with the others, jumped to before the first
// INPUT rule, its rule before COMMIT. Lines of an earlier setup are replaced, the rest is kept
// byte for byte. An empty `existing` gives a complete file that accepts everything.
std::string MergeIntoIptablesSave(std::string_view existing, const SetupOptions& options);

// An nft script defining the table `inet perimeter` (IPv4 and IPv6) with an input chain that
// logs the same connections; it deletes an older copy of the table first, so loading it twice
// leaves one. Its base chain runs before the usual filter chains (priority filter - 10), so a
// drop elsewhere does not hide an attempt.
std::string NftablesTable(const SetupOptions& options);
// /etc/nftables.conf with an `include` of our table file added at the end (unchanged when it
// is there already); a new file when `existing` is empty.
std::string AddNftablesInclude(std::string_view existing, std::string_view table_file);
std::string NftablesRemoveCommand();

}  // namespace perimeter
