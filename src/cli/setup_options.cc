#include "cli/setup_options.h"

#include <fmt/format.h>

#include <charconv>

#include "core/ip_address.h"

namespace perimeter {
namespace {

// A count above this per second is no longer a limit on what reaches the disk.
constexpr int kMaxLogCount = 10000;

bool ParseInt(std::string_view text, int* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

}  // namespace

std::string_view FirewallKindName(FirewallKind kind) {
  switch (kind) {
    case FirewallKind::kAuto:
      return "auto";
    case FirewallKind::kIptables:
      return "iptables";
    case FirewallKind::kNftables:
      return "nftables";
  }
  return "?";
}

std::string_view SyslogKindName(SyslogKind kind) {
  switch (kind) {
    case SyslogKind::kAuto:
      return "auto";
    case SyslogKind::kRsyslog:
      return "rsyslog";
    case SyslogKind::kSyslogNg:
      return "syslog-ng";
  }
  return "?";
}

Result<LogRate> ParseLogRate(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format(
        "--log-rate '{}': {}; write e.g. \"10/minute burst 20\" (units: second, minute, hour, "
        "day)",
        text, why));
  };
  std::vector<std::string_view> words = Words(text);
  if (words.size() != 1 && words.size() != 3) return bad("expected COUNT/UNIT [burst N]");
  LogRate rate;
  size_t slash = words[0].find('/');
  if (slash == std::string_view::npos) return bad("no '/' between count and unit");
  if (!ParseInt(words[0].substr(0, slash), &rate.count) || rate.count < 1 ||
      rate.count > kMaxLogCount) {
    return bad(fmt::format("the count must be 1..{}", kMaxLogCount));
  }
  rate.unit = std::string(words[0].substr(slash + 1));
  if (rate.unit != "second" && rate.unit != "minute" && rate.unit != "hour" && rate.unit != "day") {
    return bad(fmt::format("unknown unit '{}'", rate.unit));
  }
  rate.burst = std::min(rate.count * 2, kMaxLogBurst);
  if (words.size() == 3) {
    if (words[1] != "burst") return bad(fmt::format("'{}' where 'burst' was expected", words[1]));
    if (!ParseInt(words[2], &rate.burst) || rate.burst < 1 || rate.burst > kMaxLogBurst) {
      return bad(fmt::format("the burst must be 1..{}", kMaxLogBurst));
    }
  }
  return rate;
}

Result<std::string> ValidateNetwork(std::string_view text) {
  // The same parser as the settings' [pipeline] ignore, so what setup writes always loads.
  Result<IpNetwork> network = ParseIpNetwork(text);
  if (!network.ok()) {
    return Status::InvalidArgument(
        fmt::format("--ignore '{}': {} (e.g. 203.0.113.7, 198.51.100.0/24, 2001:db8::/32)", text,
                    network.status().message()));
  }
  return std::string(text);
}

int ListenPort(std::string_view listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon + 1 >= listen.size()) return 0;
  if (listen.front() != '[' && listen.find(':') != colon) return 0;  // a bare IPv6 address
  int port = 0;
  if (!ParseInt(listen.substr(colon + 1), &port) || port < 1 || port > 65535) return 0;
  return port;
}

Status SetupOptions::Validate() const {
  if (ports.empty()) return Status::InvalidArgument("--port: give at least one port to log");
  if (ports.size() > kMaxLoggedPorts) {
    return Status::InvalidArgument(fmt::format(
        "--port: at most {} ports (one iptables multiport rule); log a range in your own rules",
        kMaxLoggedPorts));
  }
  for (int p : ports) {
    if (p < 1 || p > 65535)
      return Status::InvalidArgument(fmt::format("--port {}: not 1..65535", p));
  }
  for (const std::string& net : ignore) {
    ASSIGN_OR_RETURN(std::string checked, ValidateNetwork(net));
    (void)checked;
  }
  if (ListenPort(listen) == 0) {
    return Status::InvalidArgument(
        fmt::format("--listen '{}': expected HOST:PORT, e.g. 0.0.0.0:8443", listen));
  }
  for (const std::string* path : {&data_dir, &settings_file, &binary}) {
    if (path->empty() || path->front() != '/') {
      return Status::InvalidArgument(fmt::format("'{}' must be an absolute path", *path));
    }
    if (path->find_first_of("\"'\\ \n") != std::string::npos) {
      return Status::InvalidArgument(fmt::format(
          "'{}': quotes, backslashes and spaces cannot go into the generated files", *path));
    }
  }
  if (!root.empty() && root.front() != '/') {
    return Status::InvalidArgument(fmt::format("--root '{}' must be an absolute path", root));
  }
  auto plain_name = [](const std::string& name) {
    if (name.empty() || name.size() > 32) return false;
    for (char c : name) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) return false;
    }
    return name.front() >= 'a' && name.front() <= 'z';
  };
  if (!plain_name(user)) {
    return Status::InvalidArgument(fmt::format(
        "--user '{}': a system user name is lowercase letters, digits, '-' and '_'", user));
  }
  if (admin.empty()) return Status::InvalidArgument("--admin: give the first user's name");
  return Status::OK();
}

}  // namespace perimeter
