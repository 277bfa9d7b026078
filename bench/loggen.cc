// loggen: writes realistic kernel firewall log lines (iptables LOG / UFW) for benchmarks, tests
// and the demo: Zipf-distributed scanner IPs (a few heavy hitters, a long tail), mostly TCP to
// port 22 with SYN, some UDP and ICMP, IPv6 now and then, spread over the last D days.
//
//   loggen --lines 10000000 --days 30 --out /tmp/iptables.log
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"writes realistic iptables/UFW log lines"};
  uint64_t lines = 1'000'000;
  int days = 30;
  size_t distinct = 209'000;
  uint64_t seed = 42;
  std::string out_path = "-";
  std::string host = "host";
  std::string dst = "203.0.113.5";
  int64_t end_epoch = 0;
  bool live = false;
  double rate = 5;
  app.add_option("--lines", lines, "how many lines");
  app.add_option("--days", days, "spread over the last N days");
  app.add_option("--distinct-ips", distinct, "distinct source addresses");
  app.add_option("--seed", seed, "random seed (same seed, same file)");
  app.add_option("--out", out_path, "output file ('-' = stdout)");
  app.add_option("--host", host, "syslog host name");
  app.add_option("--end", end_epoch, "last timestamp, Unix seconds (default: now)");
  app.add_flag("--live", live, "after the history, append lines in real time until killed");
  app.add_option("--rate", rate, "lines per second in --live mode");
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
  static constexpr int kPorts[] = {22, 22, 22, 22, 22, 22, 22, 23, 80, 443, 3389, 8080, 5900, 2222};
  FILE* out = out_path == "-" ? stdout : std::fopen(out_path.c_str(), "w");
  if (out == nullptr) {
    std::perror(out_path.c_str());
    return 1;
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
  auto emit = [&](int64_t t) {
    time_t tt = static_cast<time_t>(t);
    struct tm tm;
    gmtime_r(&tt, &tm);
    const Source& s = sources[zipf.Sample(rng)];
    int kind = static_cast<int>(rng() % 100);
    std::string_view proto = kind < 90 ? "TCP" : kind < 97 ? "UDP" : "ICMP";
    bool ufw = rng() % 5 == 0;
    uptime += 0.37;
    fmt::format_to(std::back_inserter(buf), "{} {:2d} {:02d}:{:02d}:{:02d} {} kernel: [{:.6f}] {}",
                   kMonths[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, host, uptime,
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
    } else if (proto == "UDP") {
      fmt::format_to(std::back_inserter(buf), "PROTO=UDP SPT={} DPT={} LEN={}\n",
                     1024 + rng() % 64000, rng() % 2 ? 53 : 123, 8 + rng() % 100);
    } else {
      fmt::format_to(
          std::back_inserter(buf), "PROTO=TCP SPT={} DPT={} WINDOW={} RES=0x00 SYN URGP=0\n",
          1024 + rng() % 64000, kPorts[rng() % std::size(kPorts)], rng() % 2 ? 14600 : 65535);
    }
  };
  for (uint64_t i = 0; i < lines; ++i) {
    emit(start + static_cast<int64_t>(static_cast<double>(span) * static_cast<double>(i) /
                                      static_cast<double>(std::max<uint64_t>(lines, 1))));
    if (buf.size() > (1 << 20)) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
  buf.clear();
  std::fflush(out);
  if (live) {
    auto period = std::chrono::duration<double>(1.0 / std::max(rate, 0.001));
    for (;;) {
      std::this_thread::sleep_for(period);
      emit(std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count());
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
      std::fflush(out);
    }
  }
  if (out != stdout) std::fclose(out);
  return 0;
}
