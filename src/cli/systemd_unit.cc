#include "cli/systemd_unit.h"

#include <fmt/format.h>

#include "cli/firewall_rules.h"

namespace perimeter {

std::string PerimeterServiceUnit(const SetupOptions& o) {
  bool privileged_port = ListenPort(o.listen) < kFirstUnprivilegedPort;
  std::string capabilities =
      privileged_port
          ? fmt::format(
                "# It listens on port {} (below {}): binding it is the one privilege it keeps.\n"
                "AmbientCapabilities=CAP_NET_BIND_SERVICE\n"
                "CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n",
                ListenPort(o.listen), kFirstUnprivilegedPort)
          : "# It listens on an unprivileged port: no capabilities at all.\n"
            "CapabilityBoundingSet=\n";
  return fmt::format(
      "# Perimeter (perimeter setup): firewall and SSH log dashboard. Removed by\n"
      "# `perimeter setup --undo`. Local changes: `systemctl edit perimeter`.\n"
      "[Unit]\n"
      "Description=Perimeter: firewall and SSH logs, parsed, stored and shown over HTTPS\n"
      "After=network-online.target rsyslog.service syslog-ng.service\n"
      "Wants=network-online.target\n"
      "\n"
      "[Service]\n"
      "Type=simple\n"
      "ExecStart={0} run --settings {1}\n"
      "# SIGHUP reloads the settings, the pipeline, the certificate and the users.\n"
      "ExecReload=/bin/kill -HUP $MAINPID\n"
      "Restart=on-failure\n"
      "RestartSec=5s\n"
      "# SIGTERM drains the events in flight and flushes the store.\n"
      "TimeoutStopSec=60s\n"
      "User={2}\n"
      "Group={2}\n"
      "# adm may read /var/log/auth.log and the firewall log; nothing more is needed.\n"
      "SupplementaryGroups=adm\n"
      "UMask=0027\n"
      "\n"
      "# The whole file system is read-only except the data dir.\n"
      "ProtectSystem=strict\n"
      "ReadWritePaths={3}\n"
      "# Read-only already under ProtectSystem=strict; listed to say what it reads ('-': the\n"
      "# unit starts even before the first line is logged).\n"
      "ReadOnlyPaths=-{4} -{5}\n"
      "ProtectHome=yes\n"
      "PrivateTmp=yes\n"
      "PrivateDevices=yes\n"
      "NoNewPrivileges=yes\n"
      "{6}"
      "ProtectKernelTunables=yes\n"
      "ProtectKernelModules=yes\n"
      "ProtectKernelLogs=yes\n"
      "ProtectControlGroups=yes\n"
      "ProtectClock=yes\n"
      "ProtectHostname=yes\n"
      "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n"
      "RestrictNamespaces=yes\n"
      "RestrictRealtime=yes\n"
      "RestrictSUIDSGID=yes\n"
      "LockPersonality=yes\n"
      "SystemCallArchitectures=native\n"
      "# No MemoryDenyWriteExecute: grok's PCRE2 JIT compiles patterns into executable memory.\n"
      "\n"
      "[Install]\n"
      "WantedBy=multi-user.target\n",
      o.binary, o.settings_file, o.user, o.data_dir, o.firewall_log, o.auth_log, capabilities);
}

std::string FirewallServiceUnit(std::string_view v4_rules, std::string_view v6_rules) {
  return fmt::format(
      "# Perimeter (perimeter setup): loads the rate-limited LOG rules at boot, after the host's\n"
      "# own firewall (which may flush INPUT when it loads). Removed by `perimeter setup --undo`.\n"
      "[Unit]\n"
      "Description=Perimeter: log connection attempts to the watched ports\n"
      "After=network-pre.target netfilter-persistent.service ufw.service firewalld.service\n"
      "Before=network.target\n"
      "\n"
      "[Service]\n"
      "Type=oneshot\n"
      "RemainAfterExit=yes\n"
      "ExecStart=/bin/sh -c '{0}'\n"
      "ExecStart=/bin/sh -c '{1}'\n"
      "ExecStop=/bin/sh -c '{2}'\n"
      "ExecStop=/bin/sh -c '{3}'\n"
      "\n"
      "[Install]\n"
      "WantedBy=multi-user.target\n",
      IptablesLoadCommand(IpFamily::kV4, v4_rules), IptablesLoadCommand(IpFamily::kV6, v6_rules),
      IptablesRemoveCommand(IpFamily::kV4), IptablesRemoveCommand(IpFamily::kV6));
}

}  // namespace perimeter
