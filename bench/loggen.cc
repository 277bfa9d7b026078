// loggen: writes realistic kernel firewall log lines (iptables LOG / UFW) for benchmarks, tests
// and the demo, shaped like the real logs of ../shared/samples: Zipf-distributed scanner IPs (a
// few heavy hitters, a long tail), mostly TCP SYNs to common ports (22 first), the heaviest
// sources sweeping many ports, some UDP, ICMP and GRE, IPv6 now and then, spread over the last D
// days. With --auth-out it also writes the sshd side (auth.log): password guessing with common
// user names (Zipf: root far ahead, then admin, ubuntu, test, ...), PAM keyboard-interactive
// failures, probes that never authenticate, the owner's own key logins, CRON noise.
//
//   loggen --lines 10000000 --days 30 --out /tmp/iptables.log
//   loggen --lines 300000 --days 30 --out fw.log --auth-out auth.log
//   loggen --lines 0 --live --append --out fw.log --auth-out auth.log
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Ports the long tail knocks on, most frequent first (22 leads: this is an SSH-scanner demo);
// each appears as often as it is repeated.
constexpr int kCommonPorts[] = {22,   22,   22,   22,   22,   22,   22,   23,
                                23,   80,   443,  3389, 25,   8080, 5555, 445,
                                1433, 5900, 2222, 6379, 3306, 8443, 5060, 2375};
// The heaviest sources sweep ports; below 30000 so that tests can use a port no line has.
constexpr int kSweepMaxPort = 30000;
constexpr size_t kSweepers = 8;  // Zipf ranks that sweep (the real samples' top talkers do)

// User names scanners try, most tried first (their order sets the Zipf ranks).
constexpr const char* kUserNames[] = {
    "root",     "admin",     "ubuntu",   "test",     "user",          "oracle",
    "postgres", "git",       "ftpuser",  "pi",       "guest",         "deploy",
    "ubnt",     "support",   "mysql",    "hadoop",   "jenkins",       "ansible",
    "centos",   "ec2-user",  "debian",   "steam",    "vagrant",       "minecraft",
    "tomcat",   "nagios",    "es",       "elastic",  "kafka",         "dev",
    "test1",    "user1",     "docker",   "odoo",     "zabbix",        "redis",
    "sol",      "teamspeak", "www",      "apache",   "administrator", "1234",
    "service",  "backup",    "operator", "www-data", "frappe",        "validator"};
// Real accounts of the demo host: a failure for these is "Failed password for root", for the
// others "Invalid user".
constexpr const char* kExistingUsers[] = {"root", "ubuntu", "deploy", "postgres", "git"};
constexpr const char* kOwnerIp = "203.0.113.7";  // the owner's own logins (a documentation address)

// A public IPv4 address: skips the private, loopback, link-local, multicast and reserved blocks.
uint32_t RandomPublicIpv4(std::mt19937_64& rng) {
  for (;;) {
    uint32_t ip = static_cast<uint32_t>(rng());
    uint32_t a = ip >> 24, b = (ip >> 16) & 0xff;
    if (a == 0 || a == 10 || a == 127 || a >= 224 || (a == 169 && b == 254) ||
        (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168) ||
        (a == 100 && b >= 64 && b < 128))
      continue;
    return ip;
  }
}

class ZipfSampler {
 public:
  ZipfSampler(size_t n, double s) : cdf_(n) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
      sum += 1.0 / std::pow(static_cast<double>(i + 1), s);
      cdf_[i] = sum;
    }
    for (double& c : cdf_) c /= sum;
  }
  size_t Sample(std::mt19937_64& rng) {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

struct Source {
  std::string ip;
  bool v6;
};

// "May  8 00:02:30": syslog's time, in UTC.
void AppendSyslogTime(fmt::memory_buffer& buf, int64_t t) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  fmt::format_to(std::back_inserter(buf), "{} {:2d} {:02d}:{:02d}:{:02d}", kMonths[tm.tm_mon],
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool IsExistingUser(std::string_view user) {
  return std::find(std::begin(kExistingUsers), std::end(kExistingUsers), user) !=
         std::end(kExistingUsers);
}

// Writes the sshd side: one "session" (a connection and its attempts) per call, its lines a
// second or two apart, as the real auth logs show them.
class AuthLogWriter {
 public:
  AuthLogWriter(std::string host, std::mt19937_64& rng) : host_(std::move(host)), rng_(rng) {}

  // Attempts per connection: mostly one or two, now and then up to sshd's MaxAuthTries (6).
  int Tries() {
    int r = static_cast<int>(rng_() % 100);
    return r < 60 ? 1 : r < 80 ? 2 : r < 90 ? 3 : r < 96 ? 4 + static_cast<int>(rng_() % 2) : 6;
  }

  void Session(fmt::memory_buffer& buf, int64_t t, const Source& src) {
    t_ = std::max(t, t_);
    ++pid_;
    int port = 1024 + static_cast<int>(rng_() % 64000);
    const char* user = kUserNames[users_.Sample(rng_)];
    bool valid = IsExistingUser(user);
    int style = static_cast<int>(rng_() % 100);
    const std::string& ip = src.ip;
    if (style < 2) {
      OwnerLogin(buf);
    } else if (style < 4) {
      Line(buf, "CRON", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)");
      Line(buf, "CRON", "pam_unix(cron:session): session closed for user root");
    } else if (style < 16) {  // probes: no authentication at all
      int kind = static_cast<int>(rng_() % 4);
      if (kind == 0) {
        Line(buf, "sshd", fmt::format("Connection closed by {} port {} [preauth]", ip, port));
      } else if (kind == 1) {
        Line(buf, "sshd",
             fmt::format("Did not receive identification string from {} port {}", ip, port));
      } else if (kind == 2) {
        Line(buf, "sshd", fmt::format("Connection reset by {} port {} [preauth]", ip, port));
      } else {
        Line(buf, "sshd",
             fmt::format("Bad protocol version identification '\\026\\003\\001' from "
                         "{} port {}",
                         ip, port));
      }
    } else if (style < 60) {  // a password host: "Failed password"
      if (!valid) Line(buf, "sshd", fmt::format("Invalid user {} from {} port {}", user, ip, port));
      int tries = Tries();
      for (int i = 0; i < tries; ++i) {
        Line(buf, "sshd",
             fmt::format("Failed password for {}{} from {} port {} ssh2",
                         valid ? "" : "invalid user ", user, ip, port));
      }
      Goodbye(buf, user, valid, ip, port, tries);
    } else {  // a PAM keyboard-interactive host: no "Failed password" at all
      if (!valid) Line(buf, "sshd", fmt::format("Invalid user {} from {} port {}", user, ip, port));
      int tries = Tries();
      for (int i = 0; i < tries; ++i) {
        Line(buf, "sshd",
             fmt::format("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
                         "tty=ssh ruser= rhost={}{}",
                         ip, valid ? fmt::format("  user={}", user) : ""));
        Line(buf, "sshd",
             fmt::format("error: PAM: Authentication failure for {}{} from {}",
                         valid ? "" : "illegal user ", user, ip));
      }
      if (rng_() % 4 == 0) {
        Line(buf, "sshd",
             fmt::format("Failed keyboard-interactive/pam for {}{} from {} port {} ssh2",
                         valid ? "" : "invalid user ", user, ip, port));
      }
      Goodbye(buf, user, valid, ip, port, tries);
    }
  }

 private:
  void Goodbye(fmt::memory_buffer& buf, const char* user, bool valid, const std::string& ip,
               int port, int tries) {
    const char* who = valid ? "authenticating" : "invalid";
    if (tries >= 6) {
      Line(buf, "sshd",
           fmt::format("error: maximum authentication attempts exceeded for {}{} from {} port {} "
                       "ssh2 [preauth]",
                       valid ? "" : "invalid user ", user, ip, port));
      Line(buf, "sshd",
           fmt::format("Disconnecting {} user {} {} port {}: Too many authentication failures "
                       "[preauth]",
                       who, user, ip, port));
    } else if (rng_() % 3 == 0) {
      Line(
          buf, "sshd",
          fmt::format("Connection closed by {} user {} {} port {} [preauth]", who, user, ip, port));
    } else {
      Line(buf, "sshd",
           fmt::format("Received disconnect from {} port {}:11: Bye Bye [preauth]", ip, port));
      Line(buf, "sshd",
           fmt::format("Disconnected from {} user {} {} port {} [preauth]", who, user, ip, port));
    }
  }

  // The owner deploying with a key from a fixed address.
  void OwnerLogin(fmt::memory_buffer& buf) {
    int port = 40000 + static_cast<int>(rng_() % 20000);
    Line(buf, "sshd",
         fmt::format("Accepted publickey for deploy from {} port {} ssh2: ED25519 "
                     "SHA256:bG9nZ2VuIGRlbW8ga2V5LCBub3QgYSByZWFsIG9uZQ",
                     kOwnerIp, port));
    Line(buf, "sshd",
         "pam_unix(sshd:session): session opened for user deploy(uid=1000) by (uid=0)");
    // A short session (a deploy script): a long one would need its last lines interleaved
    // with the sessions that follow.
    Line(buf, "sshd",
         fmt::format("Received disconnect from {} port {}:11: disconnected by user", kOwnerIp,
                     port));
    Line(buf, "sshd", fmt::format("Disconnected from user deploy {} port {}", kOwnerIp, port));
    Line(buf, "sshd", "pam_unix(sshd:session): session closed for user deploy");
  }

  void Line(fmt::memory_buffer& buf, std::string_view program, std::string_view text) {
    AppendSyslogTime(buf, t_);
    fmt::format_to(std::back_inserter(buf), " {} {}[{}]: {}\n", host_, program, pid_, text);
    t_ += static_cast<int64_t>(rng_() % 3);
  }

  std::string host_;
  std::mt19937_64& rng_;
  ZipfSampler users_{std::size(kUserNames), 1.1};
  int64_t t_ = 0;  // lines of one file never go back in time
  int pid_ = 14000;
};

}  // namespace

// NOLINTNEXTLINE(bugprone-exception-escape): an unexpected exception ends the tool (terminate)
int main(int argc, char** argv) {
  CLI::App app{"writes realistic iptables/UFW (and sshd) log lines"};
  uint64_t lines = 1'000'000;
  int days = 30;
  size_t distinct = 209'000;
  uint64_t seed = 42;
  std::string out_path = "-";
  std::string auth_path;
  double auth_ratio = 0.25;
  bool append = false;
  std::string host = "host";
  std::string dst = "203.0.113.5";
  int64_t end_epoch = 0;
  bool live = false;
  double rate = 5;
  app.add_option("--lines", lines, "how many firewall lines");
  app.add_option("--days", days, "spread over the last N days");
  app.add_option("--distinct-ips", distinct, "distinct source addresses");
  app.add_option("--seed", seed, "random seed (same seed, same file)");
  app.add_option("--out", out_path, "firewall log file ('-' = stdout)");
  app.add_option("--auth-out", auth_path, "also write sshd lines (an auth.log) to this file");
  app.add_option("--auth-ratio", auth_ratio,
                 "sshd connections per firewall line (each is 1 to 14 auth.log lines)");
  app.add_flag("--append", append, "append to the files instead of replacing them");
  app.add_option("--host", host, "syslog host name");
  app.add_option("--end", end_epoch, "last timestamp, Unix seconds (default: now)");
  app.add_flag("--live", live, "after the history, append lines in real time until killed");
  app.add_option("--rate", rate, "firewall lines per second in --live mode");
  CLI11_PARSE(app, argc, argv);

  std::mt19937_64 rng(seed);
  std::vector<Source> sources(std::max<size_t>(distinct, 1));
  for (Source& s : sources) {
    if (rng() % 100 < 3) {
      s.v6 = true;
      s.ip = fmt::format("2001:{:x}:{:x}:{:x}::{:x}", 0x200 + rng() % 0xd00, rng() % 0xffff,
                         rng() % 0xffff, rng() % 0xffff);
    } else {
      s.v6 = false;
      uint32_t ip = RandomPublicIpv4(rng);
      s.ip = fmt::format("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
    }
  }
  ZipfSampler zipf(sources.size(), 1.05);
  const char* mode = append ? "a" : "w";
  FILE* out = out_path == "-" ? stdout : std::fopen(out_path.c_str(), mode);
  if (out == nullptr) {
    std::perror(out_path.c_str());
    return 1;
  }
  FILE* auth_out = nullptr;
  if (!auth_path.empty()) {
    auth_out = std::fopen(auth_path.c_str(), mode);
    if (auth_out == nullptr) {
      std::perror(auth_path.c_str());
      return 1;
    }
  }
  if (end_epoch == 0) {
    end_epoch = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  }
  int64_t span = static_cast<int64_t>(days) * 86400;
  int64_t start = end_epoch - span;
  double uptime = 742317.869535;
  fmt::memory_buffer buf;
  fmt::memory_buffer auth_buf;
  AuthLogWriter auth(host, rng);
  std::bernoulli_distribution auth_session(std::clamp(auth_ratio, 0.0, 1.0));
  auto emit = [&](int64_t t) {
    size_t rank = zipf.Sample(rng);
    const Source& s = sources[rank];
    int kind = static_cast<int>(rng() % 1000);
    std::string_view proto = kind < 900 ? "TCP" : kind < 970 ? "UDP" : kind < 999 ? "ICMP" : "47";
    bool ufw = rng() % 5 == 0;
    uptime += 0.37;
    AppendSyslogTime(buf, t);
    fmt::format_to(std::back_inserter(buf), " {} kernel: [{:.6f}] {}", host, uptime,
                   ufw ? "[UFW BLOCK] " : "");
    fmt::format_to(std::back_inserter(buf),
                   "IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:{} SRC={} DST={} ",
                   s.v6 ? "86:dd" : "08:00", s.ip, s.v6 ? "2001:db8::5" : dst);
    int ttl = 30 + static_cast<int>(rng() % 220);
    if (s.v6) {
      fmt::format_to(std::back_inserter(buf), "LEN=80 TC=0 HOPLIMIT={} FLOWLBL={} ", ttl,
                     rng() % 1000000);
    } else {
      fmt::format_to(std::back_inserter(buf), "LEN={} TOS=0x00 PREC=0x00 TTL={} ID={} {}",
                     proto == "UDP" ? 28 + rng() % 100 : 40 + (rng() % 3) * 4, ttl, rng() % 65536,
                     rng() % 2 ? "DF " : "");
    }
    if (proto == "ICMP") {
      fmt::format_to(std::back_inserter(buf), "PROTO=ICMP TYPE=8 CODE=0 ID={} SEQ={}\n",
                     rng() % 65536, rng() % 100);
    } else if (proto == "47") {
      fmt::format_to(std::back_inserter(buf), "PROTO=47 \n");
    } else if (proto == "UDP") {
      fmt::format_to(std::back_inserter(buf), "PROTO=UDP SPT={} DPT={} LEN={}\n",
                     1024 + rng() % 64000, rng() % 2 ? 53 : 123, 8 + rng() % 100);
    } else {
      bool sweep = rank < kSweepers && rng() % 2 == 0;
      int port = sweep ? 1 + static_cast<int>(rng() % kSweepMaxPort)
                       : kCommonPorts[rng() % std::size(kCommonPorts)];
      fmt::format_to(std::back_inserter(buf),
                     "PROTO=TCP SPT={} DPT={} WINDOW={} RES=0x00 SYN URGP=0\n",
                     1024 + rng() % 64000, port, rng() % 2 ? 14600 : 65535);
    }
    // The same sources guess passwords: the dashboard's IP detail shows both sides.
    if (auth_out != nullptr && auth_session(rng))
      auth.Session(auth_buf, t, sources[zipf.Sample(rng)]);
  };
  auto flush = [&] {
    std::fwrite(buf.data(), 1, buf.size(), out);
    buf.clear();
    std::fflush(out);
    if (auth_out != nullptr) {
      std::fwrite(auth_buf.data(), 1, auth_buf.size(), auth_out);
      auth_buf.clear();
      std::fflush(auth_out);
    }
  };
  for (uint64_t i = 0; i < lines; ++i) {
    emit(start + static_cast<int64_t>(static_cast<double>(span) * static_cast<double>(i) /
                                      static_cast<double>(std::max<uint64_t>(lines, 1))));
    if (buf.size() + auth_buf.size() > (1 << 20)) flush();
  }
  flush();
  if (live) {
    auto period = std::chrono::duration<double>(1.0 / std::max(rate, 0.001));
    for (;;) {
      std::this_thread::sleep_for(period);
      emit(std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count());
      flush();
    }
  }
  if (out != stdout) std::fclose(out);
  if (auth_out != nullptr) std::fclose(auth_out);
  return 0;
}
