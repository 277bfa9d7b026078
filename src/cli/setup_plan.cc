#include "cli/setup_plan.h"

#include <fmt/format.h>

#include <algorithm>

#include "cli/firewall_rules.h"
#include "cli/logrotate_config.h"
#include "cli/setup_paths.h"
#include "cli/setup_settings.h"
#include "cli/syslog_route.h"
#include "cli/systemd_unit.h"
#include "core/text_lines.h"

namespace perimeter {
namespace {

std::string Joined(const std::vector<int>& values) {
  std::string out;
  for (int v : values) out += (out.empty() ? "" : ", ") + std::to_string(v);
  return out;
}

class PlanBuilder {
 public:
  PlanBuilder(const SetupOptions& options, const HostFacts& facts) : o_(options), facts_(facts) {}

  SetupPlan Build() {
    plan_.firewall = ChooseFirewall(facts_, o_.firewall);
    plan_.syslog = ChooseSyslog(facts_, o_.syslog);
    Ignore();
    Warnings();
    plan_.directories.push_back({o_.data_dir, 0750,
                                 fmt::format("the data dir: events, positions, certificate, users "
                                             "(owned by {})",
                                             o_.user)});
    Binary();
    Geoip();
    File(o_.settings_file, SettingsFileText(o_, plan_.ignore), 0644, "the settings");
    User();
    plan_.make_certificate = true;
    plan_.add_admin = !facts_.admin_exists;
    if (facts_.admin_exists) {
      plan_.warnings.push_back(
          fmt::format("the users file already has '{}': its password is left as it is", o_.admin));
    }
    Command(fmt::format("chown -R {0}:{0} {1}", o_.user, o_.data_dir),
            "the service writes its data dir; nothing else is writable for it");
    if (plan_.firewall.firewall == FirewallKind::kNftables) {
      Nftables();
    } else {
      Iptables();
    }
    Syslog();
    File(std::string(kServiceUnitPath), PerimeterServiceUnit(o_), 0644,
         "the hardened service: own user, read-only system, restart on failure");
    if (facts_.Has("systemctl") || !o_.root.empty()) {
      Command("systemctl daemon-reload", "systemd reads the new perimeter.service");
    }
    plan_.undo_commands.insert(
        plan_.undo_commands.begin(),
        {"systemctl disable --now perimeter.service", "stop the service before its files go"});
    plan_.undo_commands_after.push_back(
        {"systemctl daemon-reload", "systemd forgets the removed units"});
    if (!facts_.user_exists) {
      plan_.undo_commands_after.push_back(
          {fmt::format("userdel {}", o_.user), "the system user setup created"});
    }
    NextSteps();
    return std::move(plan_);
  }

 private:
  void File(const std::string& path, std::string content, mode_t mode, std::string why) {
    PlannedFile f{path, std::move(content), "", mode, std::move(why), std::nullopt};
    if (auto it = facts_.files.find(path); it != facts_.files.end()) f.previous = it->second;
    plan_.files.push_back(std::move(f));
  }
  void Copy(std::string path, std::string from, mode_t mode, std::string why) {
    plan_.files.push_back(
        {std::move(path), "", std::move(from), mode, std::move(why), std::nullopt});
  }
  void Command(std::string line, std::string why) {
    plan_.commands.push_back({std::move(line), std::move(why)});
  }
  void Undo(std::string line, std::string why) {
    plan_.undo_commands.push_back({std::move(line), std::move(why)});
  }

  void Ignore() {
    plan_.ignore = o_.ignore;
    if (o_.ignore_ssh_client && !facts_.ssh_client.empty() &&
        std::find(plan_.ignore.begin(), plan_.ignore.end(), facts_.ssh_client) ==
            plan_.ignore.end()) {
      plan_.ignore.push_back(facts_.ssh_client);
      plan_.notes.push_back(fmt::format(
          "{} is the address this SSH session comes from ({}): it is ignored so that you never "
          "show up as a scanner (--no-ignore-ssh-client leaves it out)",
          facts_.ssh_client, facts_.ssh_client_source));
    }
  }

  void Warnings() {
    if (!facts_.is_root && o_.root.empty()) {
      plan_.warnings.push_back(
          "not running as root: --apply needs root (sudo), or --root DIR to write into a "
          "directory instead");
    }
    std::string source;
    std::vector<int> sshd = SshdPorts(facts_, &source);
    std::vector<int> logged;
    for (int p : sshd) {
      if (std::find(o_.ports.begin(), o_.ports.end(), p) != o_.ports.end()) logged.push_back(p);
    }
    if (!logged.empty()) {
      std::string own = facts_.ssh_client.empty()
                            ? std::string()
                            : fmt::format(
                                  " Your address {} is in the ignore list, so the "
                                  "default view hides it either way.",
                                  facts_.ssh_client);
      plan_.warnings.push_back(fmt::format(
          "sshd listens on port {} ({}), a port Perimeter logs: your own logins will be "
          "logged with the scanners'. The seed's step 1 moves sshd to another port so they do "
          "not clutter the statistics: put `Port 2222` in /etc/ssh/sshd_config.d/port.conf, "
          "allow it in the firewall, `systemctl restart ssh`, and check that a new session "
          "gets in before closing this one.{}",
          Joined(logged), source, own));
    }
    if (facts_.geoip_missing) {
      plan_.warnings.push_back(fmt::format(
          "no GeoIP database found: events will have no country and the map stays empty. Put "
          "GeoLite2-City.mmdb (or DB-IP's dbip-city-ipv4/ipv6.mmdb) in {} (docs/geoip.md)",
          kSystemGeoipDir));
    }
  }

  void Binary() {
    if (facts_.self_binary.empty()) {
      plan_.warnings.push_back(
          fmt::format("cannot tell where this program is: install it as {} yourself", o_.binary));
      return;
    }
    if (o_.root.empty() && facts_.self_binary == o_.binary) return;
    Copy(o_.binary, facts_.self_binary, 0755,
         "the program the service runs (ProtectHome=yes hides a build under /home or /root)");
  }

  void Geoip() {
    for (const std::string& file : facts_.geoip_files) {
      std::string name = file.substr(file.rfind('/') + 1);
      Copy(fmt::format("{}/{}", kSystemGeoipDir, name), file, 0644,
           "the GeoIP database, where the service finds it");
    }
  }

  void User() {
    if (facts_.user_exists) return;
    if (!facts_.Has("useradd") && o_.root.empty()) {
      plan_.warnings.push_back("useradd is missing: create the system user yourself");
    }
    Command(fmt::format("useradd --system --user-group --home-dir {} --no-create-home "
                        "--shell /usr/sbin/nologin {}",
                        o_.data_dir, o_.user),
            "the service's own user: no login, no home, owns only the data dir");
  }

  void Iptables() {
    if (!facts_.Has("iptables-restore")) {
      plan_.warnings.push_back(
          "iptables-restore is missing: setup installs the iptables package first");
      Command("DEBIAN_FRONTEND=noninteractive apt-get install -y iptables",
              "the iptables tools (--firewall iptables)");
    }
    std::string v4(kFirewallV4Path), v6(kFirewallV6Path);
    File(v4, IptablesFragment(o_, IpFamily::kV4), 0644, "the IPv4 logging rule");
    File(v6, IptablesFragment(o_, IpFamily::kV6), 0644, "the IPv6 logging rule");
    Command(fmt::format("iptables-restore --test {} && ip6tables-restore --test {}", v4, v6),
            "check the rules before loading them");
    if (facts_.iptables_persistent) {
      auto existing = [&](std::string_view path) {
        auto it = facts_.files.find(std::string(path));
        return it == facts_.files.end() ? std::string() : it->second;
      };
      File(std::string(kIptablesRulesV4Path),
           MergeIntoIptablesSave(existing(kIptablesRulesV4Path), o_), 0640,
           "iptables-persistent restores these rules at boot");
      File(std::string(kIptablesRulesV6Path),
           MergeIntoIptablesSave(existing(kIptablesRulesV6Path), o_), 0640,
           "iptables-persistent restores these rules at boot");
      Command(IptablesLoadCommand(IpFamily::kV4, v4), "load the IPv4 rule now");
      Command(IptablesLoadCommand(IpFamily::kV6, v6), "load the IPv6 rule now");
      Undo(IptablesRemoveCommand(IpFamily::kV4), "remove the IPv4 rule from the kernel");
      Undo(IptablesRemoveCommand(IpFamily::kV6), "remove the IPv6 rule from the kernel");
    } else {
      File(std::string(kFirewallUnitPath), FirewallServiceUnit(v4, v6), 0644,
           "loads the rules at boot (no iptables-persistent here)");
      Command(
          "systemctl daemon-reload && systemctl enable perimeter-firewall.service && "
          "systemctl restart perimeter-firewall.service",
          "load the rules now and at every boot");
      Undo("systemctl disable --now perimeter-firewall.service",
           "its stop removes the rules from the kernel");
    }
  }

  void Nftables() {
    if (!facts_.Has("nft")) {
      plan_.warnings.push_back("nft is missing: setup installs the nftables package first");
      Command("DEBIAN_FRONTEND=noninteractive apt-get install -y nftables",
              "the nft tool (--firewall nftables)");
    }
    std::string table(kNftablesTablePath);
    File(table, NftablesTable(o_), 0644, "the logging table (IPv4 and IPv6)");
    auto conf = facts_.files.find(std::string(kNftablesConfPath));
    File(std::string(kNftablesConfPath),
         AddNftablesInclude(conf == facts_.files.end() ? "" : conf->second, table), 0755,
         "nftables.service loads this file, and so our table, at boot");
    Command(fmt::format("nft -c -f {}", table), "check the table before loading it");
    Command(fmt::format("nft -f {}", table), "load the table now");
    Undo(NftablesRemoveCommand(), "remove the table from the kernel");
    if (!facts_.nftables_service_enabled) {
      Command("systemctl enable nftables.service", "load /etc/nftables.conf at every boot");
      plan_.undo_commands_after.push_back(
          {"systemctl disable nftables.service", "setup enabled it"});
      plan_.warnings.push_back(
          "nftables.service was not enabled: setup enables it. At boot it loads "
          "/etc/nftables.conf, which on Debian starts with `flush ruleset`: make sure that file "
          "holds the rules you want");
    }
  }

  void Syslog() {
    bool ng = plan_.syslog.syslog == SyslogKind::kSyslogNg;
    bool installed = ng ? (facts_.Has("syslog-ng") || facts_.Exists(std::string(kSyslogNgConfPath)))
                        : (facts_.Has("rsyslogd") || facts_.Exists(std::string(kRsyslogConfPath)));
    std::string owner = ng ? "root" : RsyslogFileOwner(facts_);
    if (ng) {
      File(std::string(kSyslogNgRoutePath), SyslogNgRoute(o_), 0644,
           "routes the firewall lines to " + o_.firewall_log);
    } else {
      File(std::string(kRsyslogRoutePath), RsyslogRoute(o_, owner), 0644,
           "routes the firewall lines to " + o_.firewall_log);
    }
    File(std::string(kLogrotatePath), LogrotateConfig(o_, plan_.syslog.syslog, owner), 0644,
         "rotates " + o_.firewall_log);
    std::string package = ng ? "syslog-ng" : "rsyslog";
    if (!installed) {
      Command(fmt::format("DEBIAN_FRONTEND=noninteractive apt-get install -y {}", package),
              "a syslog daemon writes the log files Perimeter reads; it starts with our route");
      plan_.next_steps.push_back(fmt::format(
          "--undo leaves {} installed (apt-get purge {} removes it)", package, package));
    } else if (ng) {
      Command("syslog-ng --syntax-only && systemctl reload syslog-ng",
              "check the configuration, then apply the route");
      plan_.undo_commands_after.push_back({"systemctl reload syslog-ng", "drop the route"});
    } else {
      Command("rsyslogd -N1 && systemctl restart rsyslog",
              "check the configuration, then apply the route");
      plan_.undo_commands_after.push_back({"systemctl restart rsyslog", "drop the route"});
    }
  }

  void NextSteps() {
    int port = ListenPort(o_.listen);
    std::string host = facts_.host_name.empty() ? "HOST" : facts_.host_name;
    plan_.next_steps.insert(
        plan_.next_steps.begin(),
        {"systemctl enable --now perimeter",
         fmt::format("open https://{}:{} (the certificate is self-signed: compare its "
                     "fingerprint with the one --apply prints) and log in as {}",
                     host, port, o_.admin),
         fmt::format("if the host's firewall drops incoming connections, allow tcp/{}", port),
         fmt::format("more users: sudo -u {} {} passwd --settings {} add NAME", o_.user, o_.binary,
                     o_.settings_file)});
  }

  const SetupOptions& o_;
  const HostFacts& facts_;
  SetupPlan plan_;
};

std::string Indented(std::string_view text, std::string_view prefix) {
  std::string out;
  for (std::string_view line : SplitLines(text)) {
    out += fmt::format("{}{}\n", prefix, line);
  }
  return out;
}

}  // namespace

SetupPlan BuildSetupPlan(const SetupOptions& options, const HostFacts& facts) {
  return PlanBuilder(options, facts).Build();
}

std::string LineChanges(std::string_view before, std::string_view after) {
  std::vector<std::string_view> a = SplitLines(before), b = SplitLines(after);
  std::string out;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      ++i;
      ++j;
    } else if (j < b.size() && (i == a.size() || std::find(a.begin() + static_cast<long>(i),
                                                           a.end(), b[j]) == a.end())) {
      out += fmt::format("+ {}\n", b[j++]);
    } else {
      out += fmt::format("- {}\n", a[i++]);
    }
  }
  return out;
}

std::string FormatSetupPlan(const SetupPlan& plan, const SetupOptions& o) {
  std::string out;
  std::string where = o.root.empty() ? "this machine" : "the tree under " + o.root;
  out += fmt::format("perimeter setup: the plan for {}\n\n", where);
  out += fmt::format("Firewall:  {} ({})\n", FirewallKindName(plan.firewall.firewall),
                     plan.firewall.why);
  out += fmt::format("Syslog:    {} ({})\n", SyslogKindName(plan.syslog.syslog), plan.syslog.why);
  out += fmt::format("Logged:    new TCP connections to port(s) {}, at most {}/{} (burst {})\n",
                     Joined(o.ports), o.log_rate.count, o.log_rate.unit, o.log_rate.burst);
  std::string ignore;
  for (const std::string& a : plan.ignore) ignore += (ignore.empty() ? "" : ", ") + a;
  out += fmt::format("Ignored:   {}\n",
                     ignore.empty() ? "(none; add your own with --ignore)" : ignore);
  out += fmt::format("Dashboard: https://{} as {} (service user {})\n", o.listen, o.admin, o.user);
  for (const std::string& n : plan.notes) out += fmt::format("           {}\n", n);
  if (!plan.warnings.empty()) {
    out += "\nWarnings:\n";
    for (const std::string& w : plan.warnings) out += fmt::format("  ! {}\n", w);
  }
  out += "\nDirectories:\n";
  for (const PlannedDirectory& d : plan.directories) {
    out += fmt::format("  {} (mode {:04o}): {}\n", d.path, d.mode, d.why);
  }
  out += "\nFiles:\n";
  for (const PlannedFile& f : plan.files) {
    if (!f.copy_from.empty()) {
      out += fmt::format("\n== {} (mode {:04o}): copy of {}\n   {}\n", f.path, f.mode, f.copy_from,
                         f.why);
    } else if (f.previous && *f.previous == f.content) {
      out += fmt::format("\n== {}: unchanged\n   {}\n", f.path, f.why);
    } else if (f.previous) {
      out += fmt::format("\n== {} (exists: changed, the original kept for --undo)\n   {}\n", f.path,
                         f.why);
      out += Indented(LineChanges(*f.previous, f.content), "   ");
    } else {
      out += fmt::format("\n== {} (new, mode {:04o})\n   {}\n", f.path, f.mode, f.why);
      out += Indented(f.content, "   | ");
    }
  }
  out += "\nGenerated:\n";
  out += fmt::format(
      "  {}/tls/cert.pem + key.pem: a self-signed TLS certificate (kept if one "
      "is there)\n",
      o.data_dir);
  if (plan.add_admin) {
    out += fmt::format("  {}/htpasswd: the user {} (role admin); {}\n", o.data_dir, o.admin,
                       o.prompt_password ? "the password is prompted for"
                                         : "the password is generated and printed once");
  }
  out += fmt::format("\nCommands{}:\n",
                     o.root.empty() ? ", in order" : " (printed, not run, under --root)");
  for (const PlannedCommand& c : plan.commands) {
    out += fmt::format("  $ {}\n      # {}\n", c.line, c.why);
  }
  out += fmt::format("\n--undo: runs\n");
  for (const PlannedCommand& c : plan.undo_commands) out += fmt::format("  $ {}\n", c.line);
  out +=
      "  then deletes the files it created, restores the ones it changed, removes the empty\n"
      "  directories it created (a data dir holding events stays), and runs\n";
  for (const PlannedCommand& c : plan.undo_commands_after) out += fmt::format("  $ {}\n", c.line);
  out += "\nThen:\n";
  for (const std::string& s : plan.next_steps) out += fmt::format("  - {}\n", s);
  return out;
}

}  // namespace perimeter
