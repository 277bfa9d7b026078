#include "cli/default_pipeline.h"

#include <fmt/format.h>

namespace perimeter {

std::string DefaultPipeline(const std::vector<std::string>& firewall_logs) {
  std::string paths;
  for (const std::string& p : firewall_logs) {
    if (!paths.empty()) paths += ", ";
    paths += fmt::format("\"{}\"", p);
  }
  return fmt::format(R"(# Perimeter's default pipeline (perimeter run --print-default-pipeline).
input {{
  file {{
    path => [{}]
    start_position => "beginning"
    type => "firewall"
  }}
}}

filter {{
  # iptables, UFW and nftables LOG lines, IPv4 and IPv6, ICMP included; ECS field names.
  grok {{
    match => {{ "message" => [
      "%{{SYSLOGTIMESTAMP:[@metadata][timestamp]}} %{{SYSLOGHOST:[observer][hostname]}} kernel: (?:\[%{{SPACE}}%{{NUMBER}}\] )?%{{DATA:[iptables][prefix]}}%{{IPTABLES}}",
      "%{{TIMESTAMP_ISO8601:[@metadata][timestamp]}} %{{SYSLOGHOST:[observer][hostname]}} kernel: (?:\[%{{SPACE}}%{{NUMBER}}\] )?%{{DATA:[iptables][prefix]}}%{{IPTABLES}}"
    ] }}
    # [event][original] repeats the message word for word; the store keeps the message.
    remove_field => ["[event][original]"]
  }}
  # The line's own time, not the time it was read; the year as Logstash guesses it.
  date {{
    match => ["[@metadata][timestamp]", "MMM  d HH:mm:ss", "MMM dd HH:mm:ss", "ISO8601"]
  }}
  if [source][ip] {{
    geoip {{
      source => "[source][ip]"
      target => "[source]"
    }}
  }}
}}

output {{
  store {{ }}
}}
)",
                     paths);
}

}  // namespace perimeter
