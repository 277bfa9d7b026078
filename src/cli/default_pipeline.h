// The pipeline `perimeter run` uses when no -f/-e is given: kernel firewall lines and sshd
// lines from the configured files, parsed by the built-in patterns, timestamps fixed, the
// owner's own addresses tagged `ignored`, port scanners tagged, GeoIP-enriched, stored.
// `perimeter run --print-default-pipeline` prints it so users can start from it. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace perimeter {

struct DefaultPipelineInputs {
  std::vector<std::string> firewall_logs;  // kernel firewall lines (iptables, UFW, nftables)
  std::vector<std::string> auth_logs;      // syslog auth logs; only sshd's lines are kept
  std::vector<std::string> ignore;         // the owner's addresses and networks
};

// The pipeline in the Logstash language. InvalidArgument when there is nothing to read or an
// `ignore` entry is not an address or network.
Result<std::string> DefaultPipeline(const DefaultPipelineInputs& inputs);

// The [system][auth][ssh][event] values the default pipeline turns into
// [event][outcome] = "failure" (and "Accepted" into "success"); docs/grok.md lists them.
const std::vector<std::string>& SshdFailureEvents();

}  // namespace perimeter
