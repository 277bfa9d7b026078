#include "cli/setup_host.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>
#include <utmpx.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/logrotate_config.h"
#include "cli/setup_paths.h"
#include "cli/syslog_route.h"
#include "cli/systemd_unit.h"
#include "core/ip_address.h"
#include "filters/geoip/default_database.h"
#include "server/atomic_file.h"
#include "server/htpasswd_file.h"

namespace perimeter {
namespace {

// Output of a probing command is a few lines; more is not what we asked for.
constexpr size_t kMaxCommandOutputBytes = 1 << 20;

constexpr std::string_view kProbedTools[] = {"iptables",  "iptables-restore", "ip6tables-restore",
                                             "nft",       "rsyslogd",         "syslog-ng",
                                             "systemctl", "useradd",          "ss",
                                             "ufw",       "logrotate"};

bool IsExecutable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

bool PathExists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

std::vector<std::string> ToolDirs(const std::string& root) {
  std::vector<std::string> dirs;
  if (root.empty()) {
    if (const char* path = std::getenv("PATH")) {
      std::string_view rest(path);
      while (!rest.empty()) {
        size_t colon = rest.find(':');
        if (colon != 0) dirs.emplace_back(rest.substr(0, colon));
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
      }
    }
  }
  // sudo's secure_path has these; a user's PATH often lacks them.
  for (const char* d :
       {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    dirs.push_back(root + d);
  }
  return dirs;
}

// stdout of a read-only command ("" when it fails or is absent).
std::string Capture(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0 && out.size() < kMaxCommandOutputBytes) {
    out.append(buf, n);
  }
  return ::pclose(pipe) == 0 ? out : std::string();
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty()) lines.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

std::string FirstWord(std::string_view text) {
  size_t end = text.find_first_of(" \t\n");
  return std::string(text.substr(0, end));
}

bool IsIpAddress(const std::string& text) { return IpAddress::Parse(text).has_value(); }

// sudo drops $SSH_CLIENT; the login record of our terminal still names the remote address.
std::string UtmpRemoteAddress() {
  const char* tty = ::ttyname(STDIN_FILENO);
  if (tty == nullptr) return "";
  std::string_view line(tty);
  if (line.starts_with("/dev/")) line.remove_prefix(5);
  std::string found;
  ::setutxent();
  while (const utmpx* u = ::getutxent()) {
    if (u->ut_type != USER_PROCESS) continue;
    if (std::string_view(u->ut_line, strnlen(u->ut_line, sizeof(u->ut_line))) != line) continue;
    std::string host(u->ut_host, strnlen(u->ut_host, sizeof(u->ut_host)));
    if (IsIpAddress(host)) found = host;
  }
  ::endutxent();
  return found;
}

std::vector<int> UniqueSorted(std::vector<int> ports) {
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

int PortAfterLastColon(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return 0;
  int port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') return 0;
    port = port * 10 + (c - '0');
    if (port > 65535) return 0;
  }
  return port;
}

}  // namespace

HostFacts ProbeHost(const SetupOptions& options) {
  const std::string& root = options.root;
  HostFacts facts;
  facts.is_root = ::geteuid() == 0;
  std::vector<std::string> dirs = ToolDirs(root);
  for (std::string_view tool : kProbedTools) {
    for (const std::string& dir : dirs) {
      if (IsExecutable(dir + "/" + std::string(tool))) {
        facts.tools.emplace(tool);
        break;
      }
    }
  }
  std::vector<std::string> text_files = {options.settings_file,
                                         std::string(kServiceUnitPath),
                                         std::string(kFirewallUnitPath),
                                         std::string(kFirewallV4Path),
                                         std::string(kFirewallV6Path),
                                         std::string(kNftablesTablePath),
                                         std::string(kNftablesConfPath),
                                         std::string(kIptablesRulesV4Path),
                                         std::string(kIptablesRulesV6Path),
                                         std::string(kRsyslogConfPath),
                                         std::string(kSyslogNgConfPath),
                                         std::string(kRsyslogRoutePath),
                                         std::string(kSyslogNgRoutePath),
                                         std::string(kLogrotatePath),
                                         std::string(kSshdConfigPath)};
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(root + std::string(kSshdConfigDir), ec)) {
    if (entry.path().extension() == ".conf") {
      text_files.push_back(std::string(kSshdConfigDir) + "/" + entry.path().filename().string());
    }
  }
  for (const std::string& path : text_files) {
    Result<std::string> text = ReadSmallFile(root + path, kMaxProbedFileBytes);
    if (text.ok()) facts.files[path] = std::move(*text);
  }
  for (std::string_view path :
       {std::string_view(options.binary), std::string_view(kNftablesServiceLink),
        std::string_view(kIptablesPersistentPlugin), std::string_view(options.data_dir)}) {
    if (PathExists(root + std::string(path))) facts.existing.emplace(path);
  }
  facts.nftables_service_enabled = facts.Exists(std::string(kNftablesServiceLink));
  facts.iptables_persistent = facts.Exists(std::string(kIptablesPersistentPlugin));

  if (root.empty()) {
    if (facts.Has("iptables")) {
      std::vector<std::string> version = SplitLines(Capture("iptables -V"));
      if (!version.empty()) facts.iptables_version = version[0];
    }
    if (facts.Has("nft") && facts.is_root)
      facts.nft_tables = SplitLines(Capture("nft list tables"));
    if (facts.Has("ss")) facts.listening_sockets = Capture("ss -Hltnp");
    for (const char* var : {"SSH_CLIENT", "SSH_CONNECTION"}) {
      const char* value = std::getenv(var);
      if (value != nullptr && IsIpAddress(FirstWord(value))) {
        facts.ssh_client = FirstWord(value);
        facts.ssh_client_source = fmt::format("${}", var);
        break;
      }
    }
    if (facts.ssh_client.empty()) {
      facts.ssh_client = UtmpRemoteAddress();
      if (!facts.ssh_client.empty()) facts.ssh_client_source = "the login record of this terminal";
    }
    facts.user_exists = ::getpwnam(options.user.c_str()) != nullptr;
  } else {
    Result<std::string> passwd = ReadSmallFile(root + std::string(kPasswdPath), 16 << 20);
    if (passwd.ok()) {
      for (const std::string& line : SplitLines(*passwd)) {
        if (line.starts_with(options.user + ":")) facts.user_exists = true;
      }
    }
  }
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) facts.self_binary = self.string();
  Result<HtpasswdFile> users = HtpasswdFile::Load(root + options.data_dir + "/htpasswd");
  facts.admin_exists = users.ok() && users->Find(options.admin) != nullptr;

  // The database the service would not reach: a source tree's (maybe under /home) or one named
  // by an environment variable the service does not have.
  Result<geoip::DatabaseFiles> db = geoip::FindDefaultDatabase(root + options.data_dir, "City");
  facts.geoip_missing = !db.ok();
  if (db.ok()) {
    for (const std::string& file : {db->v4, db->v6}) {
      bool reachable = file.starts_with(root + std::string(kSystemGeoipDir) + "/") ||
                       file.starts_with(root + options.data_dir + "/");
      if (!file.empty() && !reachable &&
          std::find(facts.geoip_files.begin(), facts.geoip_files.end(), file) ==
              facts.geoip_files.end()) {
        facts.geoip_files.push_back(file);
      }
    }
  }
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) == 0) facts.host_name = host;
  return facts;
}

Choice ChooseFirewall(const HostFacts& facts, FirewallKind requested) {
  Choice c;
  if (requested != FirewallKind::kAuto) {
    c.firewall = requested;
    c.why = "chosen with --firewall";
    return c;
  }
  bool native_nft_table = false;
  for (const std::string& table : facts.nft_tables) {
    // iptables-nft makes "table ip filter", "table ip6 nat", ...; inet/bridge/netdev tables,
    // or ip tables of other names, are nft's own.
    std::string family = table.size() > 6 ? FirstWord(std::string_view(table).substr(6)) : "";
    std::string name = table.substr(std::min(table.size(), 7 + family.size()));
    bool iptables_name = name == "filter" || name == "nat" || name == "mangle" || name == "raw" ||
                         name == "security";
    bool iptables_family =
        family == "ip" || family == "ip6" || family == "arp" || family == "bridge";
    if (!(iptables_name && iptables_family)) native_nft_table = true;
  }
  if (facts.Has("nft") && facts.nftables_service_enabled) {
    c.firewall = FirewallKind::kNftables;
    c.why = "nftables.service is enabled: the host loads /etc/nftables.conf at boot";
  } else if (facts.iptables_persistent) {
    c.firewall = FirewallKind::kIptables;
    c.why = "iptables-persistent restores /etc/iptables/rules.v4 at boot";
  } else if (facts.Has("ufw")) {
    c.firewall = FirewallKind::kIptables;
    c.why = "ufw manages the firewall through iptables";
  } else if (facts.Has("nft") && native_nft_table) {
    c.firewall = FirewallKind::kNftables;
    c.why = "the running ruleset has nftables tables of its own";
  } else if (facts.Has("iptables-restore")) {
    c.firewall = FirewallKind::kIptables;
    c.why = facts.iptables_version.find("nf_tables") != std::string::npos
                ? "iptables is installed (its nf_tables backend counts as iptables)"
                : "iptables is installed";
  } else if (facts.Has("nft")) {
    c.firewall = FirewallKind::kNftables;
    c.why = "nft is installed and iptables is not";
  } else {
    c.firewall = FirewallKind::kNftables;
    c.why = "neither iptables nor nft is installed; nftables is Debian's default";
  }
  return c;
}

Choice ChooseSyslog(const HostFacts& facts, SyslogKind requested) {
  Choice c;
  if (requested != SyslogKind::kAuto) {
    c.syslog = requested;
    c.why = "chosen with --syslog";
  } else if (facts.Has("rsyslogd") || facts.Exists(std::string(kRsyslogConfPath))) {
    c.syslog = SyslogKind::kRsyslog;
    c.why = "rsyslog is installed";
  } else if (facts.Has("syslog-ng") || facts.Exists(std::string(kSyslogNgConfPath))) {
    c.syslog = SyslogKind::kSyslogNg;
    c.why = "syslog-ng is installed";
  } else {
    c.syslog = SyslogKind::kRsyslog;
    c.why =
        "no syslog daemon: Debian 12 keeps logs only in the journal; setup installs rsyslog, "
        "which also writes /var/log/auth.log";
  }
  return c;
}

std::vector<int> SshdConfigPorts(const std::vector<std::string>& config_texts) {
  std::vector<int> ports;
  for (const std::string& text : config_texts) {
    for (const std::string& raw : SplitLines(text)) {
      std::string_view line(raw);
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      if (line.empty() || line.front() == '#') continue;
      size_t end = line.find_first_of(" \t=");
      if (end == std::string_view::npos) continue;
      std::string key(line.substr(0, end));
      std::transform(key.begin(), key.end(), key.begin(), ::tolower);
      std::string_view value = line.substr(end);
      while (!value.empty() &&
             (value.front() == ' ' || value.front() == '\t' || value.front() == '=')) {
        value.remove_prefix(1);
      }
      std::string word = FirstWord(value);
      if (key == "port") {
        int port = PortAfterLastColon(":" + word);
        if (port > 0) ports.push_back(port);
      } else if (key == "listenaddress") {
        // "host:port" or "[v6]:port"; a bare v6 address has colons but no brackets.
        bool has_port = word.find(':') != std::string::npos &&
                        (word.front() == '[' || word.find(':') == word.rfind(':'));
        int port = has_port ? PortAfterLastColon(word) : 0;
        if (port > 0) ports.push_back(port);
      }
    }
  }
  if (ports.empty()) ports.push_back(22);
  return UniqueSorted(ports);
}

std::vector<int> SsSshdPorts(std::string_view ss_output) {
  std::vector<int> ports;
  for (const std::string& line : SplitLines(ss_output)) {
    if (line.find("\"sshd\"") == std::string::npos) continue;
    // State Recv-Q Send-Q Local:Port Peer:Port Process
    std::vector<std::string> fields;
    std::string_view rest(line);
    while (!rest.empty()) {
      size_t start = rest.find_first_not_of(" \t");
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      size_t end = rest.find_first_of(" \t");
      fields.emplace_back(rest.substr(0, end));
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end);
    }
    if (fields.size() < 5) continue;
    int port = PortAfterLastColon(fields[3]);
    if (port > 0) ports.push_back(port);
  }
  return UniqueSorted(ports);
}

std::vector<int> SshdPorts(const HostFacts& facts, std::string* source) {
  if (facts.listening_sockets) {
    std::vector<int> live = SsSshdPorts(*facts.listening_sockets);
    if (!live.empty()) {
      *source = "ss -ltnp";
      return live;
    }
  }
  std::vector<std::string> texts;
  for (const auto& [path, text] : facts.files) {
    if (path == kSshdConfigPath || path.starts_with(std::string(kSshdConfigDir) + "/")) {
      texts.push_back(text);
    }
  }
  if (texts.empty()) {
    *source = "";
    return {};
  }
  *source = "sshd_config";
  return SshdConfigPorts(texts);
}

std::string RsyslogFileOwner(const HostFacts& facts) {
  auto conf = facts.files.find(std::string(kRsyslogConfPath));
  if (conf == facts.files.end()) return "root";
  for (const std::string& line : SplitLines(conf->second)) {
    std::string_view l(line);
    if (l.starts_with("$PrivDropToUser") && l.find("syslog") != std::string_view::npos) {
      return "syslog";
    }
  }
  return "root";
}

}  // namespace perimeter
