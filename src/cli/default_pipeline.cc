#include "cli/default_pipeline.h"

#include <fmt/format.h>

#include "filters/cidr_filter.h"

namespace perimeter {

namespace {

// A string literal of the pipeline language (escapes are on, as Logstash's
// config.support_escapes), so any path reads back as it was written.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string QuotedList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ", ";
    out += Quote(item);
  }
  return out + "]";
}

std::string FileInput(const std::vector<std::string>& paths, std::string_view dataset) {
  return fmt::format(R"(  file {{
    path => {}
    start_position => "beginning"
    type => "{}"
    add_field => {{ "[event][dataset]" => "{}" }}
    ecs_compatibility => "v8"
  }}
)",
                     QuotedList(paths), dataset, dataset);
}

// The syslog header of both kinds of line: classic ("May  8 00:02:30") or RFC 3339
// ("2025-11-30T00:00:20.570472-07:00", rsyslog's newer default and journalctl -o short-iso).
constexpr const char* kSyslogTime =
    "(?:%{SYSLOGTIMESTAMP:[@metadata][timestamp]}|%{TIMESTAMP_ISO8601:[@metadata][timestamp]})";

// An auth.log line: the header, then the program's own text for the second grok.
std::string AuthLinePattern() {
  return std::string("^") + kSyslogTime +
         " %{SYSLOGHOST:[host][hostname]} %{SYSLOGPROG}: %{GREEDYDATA:[@metadata][text]}";
}

// A kernel firewall line: the header, the optional uptime, the rule's log prefix, the packet.
std::string FirewallLinePattern() {
  return std::string("^") + kSyslogTime +
         " %{SYSLOGHOST:[observer][hostname]} kernel: (?:\\[%{SPACE}%{NUMBER}\\] )?"
         "%{DATA:[iptables][prefix]}\\s*%{NETFILTER}";
}

// Every plugin with a field layout is pinned to ECS: the conditionals below, the dashboard and
// the store's field names expect it, whatever pipeline.ecs_compatibility says for -f configs.
std::string SshdFilter() {
  std::string failures;
  for (const std::string& e : SshdFailureEvents()) {
    if (!failures.empty()) failures += ", ";
    failures += Quote(e);
  }
  return fmt::format(R"(  if [event][dataset] == "sshd" {{
    grok {{
      match => {{ "message" => "{}" }}
      ecs_compatibility => "v8"
      remove_field => ["[event][original]"]
    }}
    # auth.log also holds CRON, sudo, su and systemd-logind sessions: local activity, not who
    # knocks from outside, and on a busy host more lines than sshd's. Only sshd's are kept
    # (OpenSSH 9.8+ logs as sshd-session); a line without a syslog header is kept, tagged
    # _grokparsefailure, so a log in an unexpected format shows up instead of vanishing.
    if [process][name] and [process][name] !~ /^sshd(?:-session|-auth)?$/ {{
      drop {{ }}
    }}
    grok {{
      match => {{ "[@metadata][text]" => "^%{{SSHD_MESSAGE}}" }}
      ecs_compatibility => "v8"
    }}
    if [system][auth][ssh][event] == "Accepted" {{
      mutate {{ add_field => {{ "[event][outcome]" => "success" }} }}
    }} else if [system][auth][ssh][event] in [{}] {{
      mutate {{ add_field => {{ "[event][outcome]" => "failure" }} }}
    }}
  }} else {{
    # iptables, UFW and nftables LOG lines, IPv4 and IPv6, ICMP and port-less protocols
    # included (NETFILTER); the text before IN= is the rule's log prefix.
    grok {{
      match => {{ "message" => "{}" }}
      ecs_compatibility => "v8"
      # [event][original] repeats the message word for word; the store keeps the message.
      remove_field => ["[event][original]"]
    }}
    # ECS spells the transport in lower case (tcp, udp, icmp); the kernel writes PROTO=TCP.
    mutate {{ lowercase => ["[network][transport]"] }}
  }}
  # The line's own time, not the time it was read; a classic syslog time has no year (guessed
  # as Logstash does) and no zone (this machine's).
  date {{
    match => ["[@metadata][timestamp]", "MMM  d HH:mm:ss", "MMM dd HH:mm:ss", "ISO8601"]
  }}
)",
                     AuthLinePattern(), failures, FirewallLinePattern());
}

}  // namespace

const std::vector<std::string>& SshdFailureEvents() {
  static const std::vector<std::string> events = {
      "Failed",
      "Invalid user",
      "Illegal user",
      "invalid user",
      "PAM: Authentication failure",
      "authentication failure",
      "more authentication failure",
      "Too many authentication failures",
      "maximum authentication attempts exceeded",
      "not allowed",
  };
  return events;
}

Result<std::string> DefaultPipeline(const DefaultPipelineInputs& inputs) {
  if (inputs.firewall_logs.empty() && inputs.auth_logs.empty()) {
    return Status::InvalidArgument(
        "the default pipeline has nothing to read: set pipeline.firewall_logs or "
        "pipeline.auth_logs in the settings (or --firewall-log / --auth-log)");
  }
  std::vector<std::string> networks;
  for (const std::string& entry : inputs.ignore) {
    auto net = ParseIpNetwork(entry);
    if (!net.ok()) return Status::InvalidArgument("pipeline.ignore: " + net.status().message());
    networks.push_back(net->ToString());
  }

  std::string text = "# Perimeter's default pipeline (perimeter run --print-default-pipeline).\n";
  text += "input {\n";
  if (!inputs.firewall_logs.empty()) text += FileInput(inputs.firewall_logs, "firewall");
  if (!inputs.auth_logs.empty()) text += FileInput(inputs.auth_logs, "sshd");
  text += "}\n\nfilter {\n";
  text += SshdFilter();
  text += "  if [source][ip] {\n";
  if (!networks.empty()) {
    text += fmt::format(
        R"(    # Your own addresses (pipeline.ignore): kept, out of the dashboard's default view.
    cidr {{
      address => ["%{{[source][ip]}}"]
      network => {}
      add_tag => ["ignored"]
    }}
)",
        QuotedList(networks));
  }
  text += R"(    geoip {
      source => "[source][ip]"
      target => "[source]"
      ecs_compatibility => "v8"
    }
  }
  # A source that touched 10 distinct ports (or, behind a gateway, 10 hosts) within an hour of
  # event time. Measured on real UFW logs, an hour catches the slow sweepers that dominate them;
  # a minute catches almost none.
  # Inbound firewall lines only (IN= set): outbound packets come from this host itself.
  if [observer][ingress][interface][name] and "ignored" not in [tags] {
    port_scan {
      source => "[source][ip]"
      destination_port => "[destination][port]"
      ports => 10
      hosts => 10
      window => 3600
    }
  }
}

output {
  store { }
}
)";
  return text;
}

}  // namespace perimeter
