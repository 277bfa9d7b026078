// Whole-binary tests of the commands that read the store — `perimeter search`, `top`, `stats` —
// on events stored by `perimeter run`, including while `run` is still running (it holds the
// store's LOCK; the commands open it read-only).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <sstream>

#include "core/json.h"
#include "core/timestamp.h"
#include "process.h"

namespace perimeter::testing {
namespace {

const std::string kBinary = PERIMETER_BINARY;

// A pipeline that stores JSON lines from stdin as they are.
constexpr const char* kStoreStdin = "input { stdin { codec => json_lines } } output { store { } }";

struct Scanner {
  const char* ip;
  const char* country;
  int port;
  int events;
};
// Two countries, three sources, two ports, known counts.
constexpr Scanner kScanners[] = {
    {"61.177.172.10", "CN", 22, 7}, {"61.177.172.11", "CN", 23, 2}, {"45.95.147.3", "NL", 22, 4}};

std::string Events(int64_t base_seconds) {
  std::string out;
  int i = 0;
  for (const Scanner& s : kScanners) {
    for (int k = 0; k < s.events; ++k, ++i) {
      std::string ts = Timestamp::FromSeconds(base_seconds - int64_t{60} * i).ToIso8601();
      out += fmt::format(
          "{{\"@timestamp\":\"{}\",\"src_ip\":\"{}\",\"dst_port\":{},\"geoip\":{{\"country_code2\":"
          "\"{}\"}},\"message\":\"IN=eth0 SRC={} DPT={}\"}}\n",
          ts, s.ip, s.port, s.country, s.ip, s.port);
    }
  }
  return out;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class StoreCliTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::string Data() const { return dir_ + "/data"; }

  // Runs a reading command; returns its exit code, stdout in *out.
  int Read(std::vector<std::string> args, std::string* out, std::string* err = nullptr) {
    args.insert(args.begin(), kBinary);
    args.push_back("--data-dir");
    args.push_back(Data());
    ChildProcess p(args, dir_);
    int rc = p.Wait(20000);
    *out = p.Stdout();
    if (err != nullptr) *err = p.Stderr();
    return rc;
  }

  void StoreAndExit(const std::string& lines) {
    ChildProcess run({kBinary, "run", "--no-server", "--data-dir", Data(), "-e", kStoreStdin},
                     dir_);
    run.WriteStdin(lines);
    run.CloseStdin();
    ASSERT_EQ(run.Wait(30000), 0) << run.Stderr();
  }

  std::string dir_;
};

int CountJsonLines(const std::string& text) {
  std::istringstream in(text);
  int n = 0;
  for (std::string l; std::getline(in, l);) {
    if (ParseJson(l).ok()) ++n;
  }
  return n;
}

TEST_F(StoreCliTest, SearchFindsExactlyTheMatchingEvents) {
  StoreAndExit(Events(NowSeconds()));
  std::string out;
  ASSERT_EQ(
      Read({"search", "dst_port:22 AND geoip.country_code2:CN", "--since", "24h", "--json"}, &out),
      0);
  EXPECT_EQ(CountJsonLines(out), 7) << out;
  ASSERT_EQ(
      Read({"search", "src_ip:\"61.177.0.0/16\"", "--since", "24h", "--json", "-n", "100"}, &out),
      0);
  EXPECT_EQ(CountJsonLines(out), 9) << out;
  // The table form says how many matched.
  ASSERT_EQ(Read({"search", "NOT geoip.country_code2:CN", "--since", "24h"}, &out), 0);
  EXPECT_NE(out.find("4 of 4 matching events"), std::string::npos) << out;
  // Outside the time range: nothing.
  ASSERT_EQ(Read({"search", "*", "--since", "2000-01-01T00:00:00Z", "--until",
                  "2000-01-02T00:00:00Z", "--json"},
                 &out),
            0);
  EXPECT_EQ(CountJsonLines(out), 0);
}

TEST_F(StoreCliTest, TopCountsValuesAndStatsCountsEvents) {
  StoreAndExit(Events(NowSeconds()));
  std::string out;
  ASSERT_EQ(Read({"top", "src_ip", "--since", "7d", "-n", "2", "--json"}, &out), 0);
  auto top = ParseJson(out);
  ASSERT_TRUE(top.ok()) << out;
  const Object& o = top->as_object();
  EXPECT_EQ(o.Find("total")->as_int(), 13);
  const Array& values = o.Find("values")->as_array();
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].as_object().Find("key")->ToText(), "61.177.172.10");
  EXPECT_EQ(values[0].as_object().Find("count")->as_int(), 7);
  EXPECT_EQ(values[1].as_object().Find("key")->ToText(), "45.95.147.3");
  EXPECT_EQ(values[1].as_object().Find("count")->as_int(), 4);
  EXPECT_EQ(o.Find("other")->as_int(), 2);  // the third source's 2 events
  ASSERT_EQ(Read({"top", "geoip.country_code2", "--since", "7d", "--query", "dst_port:22"}, &out),
            0);
  EXPECT_NE(out.find("CN"), std::string::npos);
  EXPECT_NE(out.find("NL"), std::string::npos);

  ASSERT_EQ(Read({"stats", "--json"}, &out), 0);
  auto stats = ParseJson(out);
  ASSERT_TRUE(stats.ok()) << out;
  EXPECT_EQ(stats->as_object().Find("events")->as_int(), 13);
  EXPECT_GT(stats->as_object().Find("bytes_per_event")->as_number(), 0);
}

TEST_F(StoreCliTest, BadQueriesAndMissingStoresAreClearErrors) {
  std::string out, err;
  EXPECT_NE(Read({"search", "*"}, &out, &err), 0);
  EXPECT_NE(err.find("no event store"), std::string::npos) << err;
  StoreAndExit(Events(NowSeconds()));
  EXPECT_NE(Read({"search", "dst_port:(22"}, &out, &err), 0);
  // The column of the problem, with a caret under it.
  EXPECT_NE(err.find("column 13"), std::string::npos) << err;
  EXPECT_NE(err.find('^'), std::string::npos) << err;
  EXPECT_NE(Read({"search", "*", "--since", "yesterday-ish"}, &out, &err), 0);
  EXPECT_NE(err.find("--since"), std::string::npos) << err;
}

// The settings' [store] retention applies to the pipeline's store output (which has no
// retention option of its own): events older than it are not kept.
TEST_F(StoreCliTest, SettingsRetentionAppliesToTheStoreOutput) {
  WriteFile(dir_ + "/perimeter.toml", "[store]\nretention = \"2d\"\n");
  ChildProcess run({kBinary, "run", "--no-server", "--settings", dir_ + "/perimeter.toml",
                    "--data-dir", Data(), "-e", kStoreStdin},
                   dir_);
  run.WriteStdin(Events(NowSeconds()) + Events(NowSeconds() - int64_t{10} * 86400));
  run.CloseStdin();
  ASSERT_EQ(run.Wait(30000), 0) << run.Stderr();
  std::string out;
  ASSERT_EQ(Read({"stats", "--json"}, &out), 0);
  EXPECT_NE(out.find("\"events\":13,"), std::string::npos) << out;  // the recent 13 only
}

// The commands work beside a running `perimeter run`, which holds the store's LOCK, and see what
// it acknowledged (read from its WAL before any flush).
TEST_F(StoreCliTest, CommandsReadTheStoreWhileRunHoldsIt) {
  ChildProcess run({kBinary, "run", "--no-server", "--data-dir", Data(), "-e", kStoreStdin}, dir_);
  run.WriteStdin(Events(NowSeconds()));
  std::string out;
  bool seen = WaitUntil(15000, [&] {
    return Read({"search", "*", "--since", "24h", "--json", "-n", "100"}, &out) == 0 &&
           CountJsonLines(out) == 13;
  });
  EXPECT_TRUE(seen) << out;
  ASSERT_EQ(Read({"top", "dst_port", "--since", "24h", "--json"}, &out), 0);
  EXPECT_NE(out.find("\"total\":13"), std::string::npos) << out;
  // Reading left the writer alone: it still takes events and stops cleanly.
  run.WriteStdin(Events(NowSeconds() - 3600));
  run.CloseStdin();
  ASSERT_EQ(run.Wait(30000), 0) << run.Stderr();
  ASSERT_EQ(Read({"stats", "--json"}, &out), 0);
  EXPECT_NE(out.find("\"events\":26"), std::string::npos) << out;
}

}  // namespace
}  // namespace perimeter::testing
