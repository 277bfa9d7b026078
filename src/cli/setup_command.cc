// `perimeter setup`: prints what it would do to make this host log its firewall and serve the
// dashboard (`--apply` does it, `--undo` takes it back). The choices are in setup_options.h,
// the plan in setup_plan.h, the doing in setup_apply.h.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/setup_apply.h"
#include "cli/setup_host.h"
#include "cli/setup_plan.h"

namespace perimeter {
namespace {

struct SetupFlags {
  SetupOptions options;
  bool apply = false;
  bool undo = false;
  bool no_ignore_ssh_client = false;
  std::string log_rate = "10/minute burst 20";
};

int RunSetup(SetupFlags& flags) {
  SetupIo io = ProcessSetupIo();
  SetupOptions& o = flags.options;
  if (flags.undo) {
    if (o.root.empty() && ::geteuid() != 0) {
      io.err << "perimeter setup --undo: run it as root (sudo), or with --root DIR\n";
      return 1;
    }
    Status st = UndoSetup(o.root, io);
    if (!st.ok()) {
      io.err << "perimeter setup --undo: " << st.message() << "\n";
      return 1;
    }
    return 0;
  }
  Result<LogRate> rate = ParseLogRate(flags.log_rate);
  if (!rate.ok()) {
    io.err << "perimeter setup: " << rate.status().message() << "\n";
    return 2;
  }
  o.log_rate = *rate;
  o.ignore_ssh_client = !flags.no_ignore_ssh_client;
  if (Status st = o.Validate(); !st.ok()) {
    io.err << "perimeter setup: " << st.message() << "\n";
    return 2;
  }
  HostFacts facts = ProbeHost(o);
  SetupPlan plan = BuildSetupPlan(o, facts);
  io.out << FormatSetupPlan(plan, o);
  if (!flags.apply) {
    io.out
        << "\nNothing was changed. Run it again with --apply (as root) to do all of the above.\n";
    return 0;
  }
  io.out << "\nApplying.\n";
  Status st = ApplySetupPlan(plan, o, facts, io);
  if (!st.ok()) {
    io.err << "perimeter setup --apply: " << st.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

CommandRunner AddSetupCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "setup",
      "print (and with --apply, do) what makes this host log its firewall and serve "
      "the dashboard: rules, syslog route, logrotate, settings, certificate, first "
      "user, systemd unit");
  auto flags = std::make_shared<SetupFlags>();
  SetupOptions& o = flags->options;
  auto* apply = cmd->add_flag("--apply", flags->apply, "do it (as root, unless --root)");
  cmd->add_flag("--undo", flags->undo, "take back what an earlier --apply did")->excludes(apply);
  cmd->add_option("--root", o.root,
                  "write every file under this directory and run no command (tests, packaging)");
  cmd->add_option("--firewall", o.firewall, "iptables, nftables or auto (what the host uses)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, FirewallKind>{{"auto", FirewallKind::kAuto},
                                              {"iptables", FirewallKind::kIptables},
                                              {"nftables", FirewallKind::kNftables}},
          CLI::ignore_case));
  cmd->add_option("--syslog", o.syslog, "rsyslog, syslog-ng or auto (the one installed)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, SyslogKind>{{"auto", SyslogKind::kAuto},
                                            {"rsyslog", SyslogKind::kRsyslog},
                                            {"syslog-ng", SyslogKind::kSyslogNg}},
          CLI::ignore_case));
  cmd->add_option("--port", o.ports, "TCP port(s) whose connection attempts are logged")
      ->default_str("22");
  cmd->add_option("--log-rate", flags->log_rate,
                  "most lines the kernel logs, e.g. \"10/minute burst 20\", so a flood cannot "
                  "fill the disk")
      ->default_str(flags->log_rate);
  cmd->add_option("--ignore", o.ignore,
                  "your own address or network (repeatable): tagged and hidden by default");
  cmd->add_flag("--no-ignore-ssh-client", flags->no_ignore_ssh_client,
                "do not add the address of this SSH session to the ignore list");
  cmd->add_option("--data-dir", o.data_dir, "the service's data dir")->default_str(o.data_dir);
  cmd->add_option("--listen", o.listen, "HTTPS address of the dashboard")->default_str(o.listen);
  cmd->add_option("--user", o.user, "system user the service runs as")->default_str(o.user);
  cmd->add_option("--admin", o.admin, "the first dashboard user (role admin)")
      ->default_str(o.admin);
  cmd->add_flag("--prompt-password", o.prompt_password,
                "ask for the admin's password instead of generating one");
  return [flags] { return RunSetup(*flags); };
}

}  // namespace perimeter
