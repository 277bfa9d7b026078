// What `perimeter setup` is asked to do: the choices of its command line, validated, with the
// defaults of a Debian server. A plain value type, filled once by the CLI and read by the plan.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace perimeter {

enum class FirewallKind { kAuto, kIptables, kNftables };
enum class SyslogKind { kAuto, kRsyslog, kSyslogNg };

std::string_view FirewallKindName(FirewallKind kind);
std::string_view SyslogKindName(SyslogKind kind);

// iptables' `-m multiport` takes at most 15 ports; one rule (and so one shared rate limit) for
// all of them keeps a flood on many ports from multiplying the log volume.
inline constexpr size_t kMaxLoggedPorts = 15;
// iptables refuses a larger --limit-burst.
inline constexpr int kMaxLogBurst = 10000;

// The kernel's log rate limit: `count` lines per `unit`, up to `burst` at once.
struct LogRate {
  int count = 10;
  std::string unit = "minute";  // second, minute, hour or day
  int burst = 20;
};

// "10/minute burst 20", "5/second", "100/hour burst 200" (the burst defaults to twice the count,
// at most kMaxLogBurst).
Result<LogRate> ParseLogRate(std::string_view text);

// Accepts an IPv4 or IPv6 address with an optional prefix length ("203.0.113.7",
// "198.51.100.0/24", "2001:db8::/32") and returns it unchanged; InvalidArgument otherwise.
Result<std::string> ValidateNetwork(std::string_view text);

// The port of "host:port" / "[v6]:port"; 0 when there is none.
int ListenPort(std::string_view listen);

struct SetupOptions {
  std::string root;  // "" = this machine; otherwise every path is written under it
  FirewallKind firewall = FirewallKind::kAuto;
  SyslogKind syslog = SyslogKind::kAuto;
  std::vector<int> ports = {22};
  LogRate log_rate;
  std::vector<std::string> ignore;  // the owner's own addresses/networks
  bool ignore_ssh_client = true;    // also ignore the address this SSH session comes from
  std::string data_dir = "/var/lib/perimeter";
  std::string listen = "0.0.0.0:8443";
  std::string user = "perimeter";
  std::string admin = "admin";
  bool prompt_password = false;
  // Where the files go. Fixed for a Debian host; tests and packagers change `root` instead.
  std::string settings_file = "/etc/perimeter/perimeter.toml";
  std::string binary = "/usr/local/bin/perimeter";
  std::string firewall_log = "/var/log/iptables.log";
  std::string auth_log = "/var/log/auth.log";

  // Checks every value against what the generated files can express.
  Status Validate() const;
};

}  // namespace perimeter
