#include "cli/firewall_rules.h"

#include <fmt/format.h>

#include <vector>

#include "core/text_lines.h"

namespace perimeter {
namespace {

std::string_view Tool(IpFamily family) {
  return family == IpFamily::kV4 ? "iptables" : "ip6tables";
}

std::string PortList(const std::vector<int>& ports, std::string_view separator) {
  std::string out;
  for (int p : ports) {
    if (!out.empty()) out += separator;
    out += std::to_string(p);
  }
  return out;
}

// iptables' limit module spells the units as their first letters or in full; full is clearer.
std::string LogRule(const SetupOptions& o) {
  std::string match =
      o.ports.size() == 1
          ? fmt::format("-m tcp --dport {} --tcp-flags FIN,SYN,RST,ACK SYN", o.ports[0])
          : fmt::format(
                "-m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m multiport "
                "--dports {}",
                PortList(o.ports, ","));
  return fmt::format(
      "-A {} -p tcp {} -m limit --limit {}/{} --limit-burst {} -j LOG --log-prefix \"{}\" "
      "--log-level 4",
      kIptablesChain, match, o.log_rate.count, o.log_rate.unit, o.log_rate.burst,
      kFirewallLogPrefix);
}

std::string Declaration() { return fmt::format(":{} - [0:0]", kIptablesChain); }
std::string Jump() { return fmt::format("-A INPUT -j {}", kIptablesChain); }

}  // namespace

std::string IptablesFragment(const SetupOptions& options, IpFamily family) {
  return fmt::format(
      "# Perimeter ({} setup): log new TCP connections to port(s) {}, at most {}/{} (burst {})\n"
      "# so that a flood cannot fill the disk. Loaded with {}-restore --noflush; removed by\n"
      "# `perimeter setup --undo`.\n"
      "*filter\n"
      "{}\n"
      "-I INPUT 1 -j {}\n"
      "{}\n"
      "COMMIT\n",
      family == IpFamily::kV4 ? "IPv4" : "IPv6", PortList(options.ports, ", "),
      options.log_rate.count, options.log_rate.unit, options.log_rate.burst, Tool(family),
      Declaration(), kIptablesChain, LogRule(options));
}

std::string IptablesLoadCommand(IpFamily family, std::string_view path) {
  return fmt::format("{0} -D INPUT -j {1} 2>/dev/null; {0}-restore --noflush {2}", Tool(family),
                     kIptablesChain, path);
}

std::string IptablesRemoveCommand(IpFamily family) {
  return fmt::format("{0} -D INPUT -j {1}; {0} -F {1}; {0} -X {1}", Tool(family), kIptablesChain);
}

std::string MergeIntoIptablesSave(std::string_view existing, const SetupOptions& options) {
  std::vector<std::string_view> lines = SplitLines(existing);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline
  // Drop what an earlier setup added.
  std::vector<std::string_view> kept;
  for (std::string_view line : lines) {
    if (line.find(kIptablesChain) == std::string_view::npos) kept.push_back(line);
  }
  size_t filter = kept.size();
  for (size_t i = 0; i < kept.size(); ++i) {
    if (kept[i] == "*filter") {
      filter = i;
      break;
    }
  }
  std::string out;
  auto emit = [&out](std::string_view line) {
    out += line;
    out += '\n';
  };
  if (filter == kept.size()) {
    for (std::string_view line : kept) emit(line);
    emit("*filter");
    emit(":INPUT ACCEPT [0:0]");
    emit(":FORWARD ACCEPT [0:0]");
    emit(":OUTPUT ACCEPT [0:0]");
    emit(Declaration());
    emit(Jump());
    emit(LogRule(options));
    emit("COMMIT");
    return out;
  }
  size_t commit = kept.size();
  size_t last_declaration = filter;
  size_t first_input = kept.size();
  for (size_t i = filter + 1; i < kept.size(); ++i) {
    if (kept[i] == "COMMIT") {
      commit = i;
      break;
    }
    if (kept[i].starts_with(":")) last_declaration = i;
    if (first_input == kept.size() && kept[i].starts_with("-A INPUT ")) first_input = i;
  }
  if (first_input > commit) first_input = commit;
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i == first_input) emit(Jump());
    if (i == commit) emit(LogRule(options));
    emit(kept[i]);
    if (i == last_declaration) emit(Declaration());
  }
  if (commit == kept.size()) {  // a *filter table without COMMIT: complete it
    if (first_input == kept.size()) emit(Jump());
    emit(LogRule(options));
    emit("COMMIT");
  }
  return out;
}

std::string NftablesTable(const SetupOptions& options) {
  std::string ports = options.ports.size() == 1
                          ? std::to_string(options.ports[0])
                          : fmt::format("{{ {} }}", PortList(options.ports, ", "));
  return fmt::format(
      "#!/usr/sbin/nft -f\n"
      "# Perimeter (perimeter setup): log new TCP connections to port(s) {0}, at most {1}/{2}\n"
      "# (burst {3}) so that a flood cannot fill the disk. Included from /etc/nftables.conf;\n"
      "# removed by `perimeter setup --undo`.\n"
      "\n"
      "# Create-then-delete: loading this file again replaces the table instead of doubling it.\n"
      "table inet {4}\n"
      "delete table inet {4}\n"
      "\n"
      "table inet {4} {{\n"
      "  chain input {{\n"
      "    # Before the usual filter chains, so a drop there does not hide the attempt.\n"
      "    type filter hook input priority filter - 10; policy accept;\n"
      "    tcp dport {5} tcp flags & (fin | syn | rst | ack) == syn limit rate {1}/{2} burst {3} "
      "packets log prefix \"{6}\" level warn\n"
      "  }}\n"
      "}}\n",
      PortList(options.ports, ", "), options.log_rate.count, options.log_rate.unit,
      options.log_rate.burst, kNftablesTable, ports, kFirewallLogPrefix);
}

std::string AddNftablesInclude(std::string_view existing, std::string_view table_file) {
  std::string include = fmt::format("include \"{}\"", table_file);
  for (std::string_view line : SplitLines(existing)) {
    if (line == include) return std::string(existing);
  }
  std::string out(existing);
  if (out.empty()) out = "#!/usr/sbin/nft -f\n";
  if (out.back() != '\n') out += '\n';
  out += fmt::format(
      "\n# Perimeter's logging table (perimeter setup; `perimeter setup --undo` removes it).\n{}\n",
      include);
  return out;
}

std::string NftablesRemoveCommand() {
  return fmt::format("nft delete table inet {}", kNftablesTable);
}

}  // namespace perimeter
