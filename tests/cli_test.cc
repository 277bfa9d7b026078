// Whole-binary tests of the `perimeter` command: check, run, signals, reload.
#include <gtest/gtest.h>
#include <signal.h>

#include <set>
#include <sstream>

#include "core/json.h"
#include "process.h"

namespace perimeter::testing {
namespace {

const std::string kBinary = PERIMETER_BINARY;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string dir_;
};

TEST_F(CliTest, VersionPrintsJson) {
  ChildProcess p({kBinary, "version", "--json"}, dir_);
  ASSERT_EQ(p.Wait(5000), 0);
  auto v = ParseJson(p.Stdout());
  ASSERT_TRUE(v.ok()) << p.Stdout();
  EXPECT_NE(v->as_object().Find("version"), nullptr);
}

TEST_F(CliTest, CheckAcceptsAValidPipeline) {
  WriteFile(Path("ok.conf"), "input { stdin { } }\noutput { stdout { codec => json_lines } }\n");
  ChildProcess p({kBinary, "check", "-f", Path("ok.conf")}, dir_);
  EXPECT_EQ(p.Wait(5000), 0) << p.Stderr();
  EXPECT_NE(p.Stdout().find("Configuration OK"), std::string::npos);
}

TEST_F(CliTest, CheckNamesEveryUnknownPluginWithItsLine) {
  WriteFile(Path("bad.conf"),
            "input { stdin { } }\nfilter {\n  nosuchfilter { }\n  otherfilter { }\n}\n"
            "output { stdout { } }\n");
  ChildProcess p({kBinary, "check", "-f", Path("bad.conf")}, dir_);
  EXPECT_EQ(p.Wait(5000), 1);
  std::string err = p.Stderr();
  EXPECT_NE(err.find("bad.conf:3:3: error: unknown filter plugin 'nosuchfilter'"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("bad.conf:4:3: error: unknown filter plugin 'otherfilter'"), std::string::npos)
      << err;
}

TEST_F(CliTest, CheckRejectsAMistypedOption) {
  WriteFile(Path("bad.conf"), "input { stdin { tpye => \"x\" } }\noutput { null { } }\n");
  ChildProcess p({kBinary, "check", "-f", Path("bad.conf"), "--json"}, dir_);
  EXPECT_EQ(p.Wait(5000), 1);
  auto v = ParseJson(p.Stdout());
  ASSERT_TRUE(v.ok()) << p.Stdout();
  std::string error = v->as_object().Find("error")->as_string();
  EXPECT_NE(error.find("1:17: error: unknown option 'tpye'"), std::string::npos) << error;
  EXPECT_NE(error.find("did you mean 'type'?"), std::string::npos) << error;
}

TEST_F(CliTest, RunsStdinToJsonLinesWithLogstashFields) {
  WriteFile(Path("p.conf"),
            "input { stdin { type => \"iptables\" ecs_compatibility => disabled } }\n"
            "filter { if [type] == \"iptables\" { } }\n"
            "output { stdout { codec => json_lines } }\n");
  ChildProcess p({kBinary, "run", "--no-server", "-f", Path("p.conf"), "--data-dir", Path("data")},
                 dir_);
  p.WriteStdin("first line\nsecond \"quoted\" line\n");
  p.CloseStdin();
  ASSERT_EQ(p.Wait(10000), 0) << p.Stderr();
  auto lines = Lines(p.Stdout());
  ASSERT_EQ(lines.size(), 2u) << p.Stdout();
  auto first = ParseJson(lines[0]);
  ASSERT_TRUE(first.ok());
  const Object& o = first->as_object();
  EXPECT_EQ(o.Find("message")->as_string(), "first line");
  EXPECT_EQ(o.Find("@version")->as_string(), "1");
  EXPECT_EQ(o.Find("type")->as_string(), "iptables");
  EXPECT_TRUE(o.Find("host")->is_string());
  ASSERT_TRUE(o.Find("@timestamp")->is_string());
  EXPECT_TRUE(Timestamp::ParseIso8601(o.Find("@timestamp")->as_string()).has_value());
  EXPECT_EQ(ParseJson(lines[1])->as_object().Find("message")->as_string(),
            "second \"quoted\" line");
}

TEST_F(CliTest, SigtermDrainsEveryEventHandedOver) {
  WriteFile(Path("p.conf"),
            "input { generator { count => 0 ecs_compatibility => disabled } }\n"
            "output { file { path => \"" +
                Path("out.json") + "\" } }\n");
  ChildProcess p(
      {kBinary, "run", "--no-server", "-f", Path("p.conf"), "-w", "2", "--data-dir", Path("data")},
      dir_);
  ASSERT_TRUE(WaitUntil(10000, [&] { return ReadFile(Path("out.json")).size() > 100000; }));
  p.Signal(SIGTERM);
  ASSERT_EQ(p.Wait(20000), 0) << p.Stderr();
  // Every line whole, and the sequence numbers 0..N-1 all present: nothing handed to the queue
  // was lost in the drain, and nothing was written twice.
  std::set<int64_t> seen;
  size_t count = 0;
  for (const std::string& line : Lines(ReadFile(Path("out.json")))) {
    auto v = ParseJson(line);
    ASSERT_TRUE(v.ok()) << "partial line: " << line;
    seen.insert(v->as_object().Find("sequence")->as_int());
    ++count;
  }
  EXPECT_EQ(seen.size(), count);
  EXPECT_EQ(*seen.rbegin(), static_cast<int64_t>(count) - 1);
  EXPECT_NE(p.Stderr().find("draining"), std::string::npos);
}

TEST_F(CliTest, SighupReloadsAndKeepsTheOldPipelineWhenTheNewOneIsInvalid) {
  auto config = [&](const std::string& tag) {
    WriteFile(Path("p.conf"), "input { stdin { add_field => { \"v\" => \"" + tag +
                                  "\" } } }\noutput { file { path => \"" + Path("out.json") +
                                  "\" } }\n");
  };
  config("one");
  ChildProcess p({kBinary, "run", "--no-server", "-f", Path("p.conf"), "--data-dir", Path("data")},
                 dir_);
  auto field_of_line = [&](size_t i) -> std::string {
    auto lines = Lines(ReadFile(Path("out.json")));
    if (lines.size() <= i) return "";
    auto v = ParseJson(lines[i]);
    return v.ok() ? v->as_object().Find("v")->as_string() : "";
  };
  p.WriteStdin("a\n");
  ASSERT_TRUE(WaitUntil(10000, [&] { return field_of_line(0) == "one"; })) << p.Stderr();

  config("two");
  p.Signal(SIGHUP);
  ASSERT_TRUE(WaitUntil(10000, [&] {
    return p.Stderr().find("pipeline reloaded") != std::string::npos;
  })) << p.Stderr();
  p.WriteStdin("b\n");
  ASSERT_TRUE(WaitUntil(10000, [&] { return field_of_line(1) == "two"; })) << p.Stderr();

  WriteFile(Path("p.conf"), "input { stdin { }\n");  // unclosed: invalid
  p.Signal(SIGHUP);
  ASSERT_TRUE(WaitUntil(10000, [&] {
    return p.Stderr().find("reload failed") != std::string::npos;
  })) << p.Stderr();
  p.WriteStdin("c\n");
  ASSERT_TRUE(WaitUntil(10000, [&] { return field_of_line(2) == "two"; })) << p.Stderr();
  p.CloseStdin();
  EXPECT_EQ(p.Wait(10000), 0) << p.Stderr();
}

}  // namespace
}  // namespace perimeter::testing

namespace perimeter::testing {
namespace {

// The seed's own config (examples/), file path pointed at a temp file, run on tests/data lines:
// rubydebug output with the fields the seed's post shows, and no `ttl` (the seed pattern's `.*`
// eats it, in Logstash too).
TEST_F(CliTest, SeedConfigPrintsTheFieldsTheSeedShows) {
  std::string config = ReadFile("examples/seed-geoiptables.conf");
  auto replace = [&](const std::string& from, const std::string& to) {
    config.replace(config.find(from), from.size(), to);
  };
  replace("/var/log/iptables.log", Path("iptables.log"));
  WriteFile(Path("seed.conf"), config);
  WriteFile(Path("iptables.log"), "");
  ChildProcess check({kBinary, "check", "-f", Path("seed.conf"), "--ecs-compatibility", "disabled"},
                     dir_);
  ASSERT_EQ(check.Wait(10000), 0) << check.Stderr();

  ChildProcess p({kBinary, "run", "--no-server", "-f", Path("seed.conf"), "--ecs-compatibility",
                  "disabled", "--data-dir", Path("data")},
                 dir_);
  ASSERT_TRUE(WaitUntil(10000, [&] {
    return p.Stderr().find("pipeline started") != std::string::npos;
  })) << p.Stderr();
  std::string lines = ReadFile("tests/data/iptables-sample.log");
  WriteFile(Path("iptables.log"), lines);  // appended after start: the seed reads from the end
  ASSERT_TRUE(WaitUntil(10000, [&] {
    return p.Stdout().find("this line is not a firewall line") != std::string::npos;
  })) << p.Stderr();
  p.Signal(SIGTERM);
  ASSERT_EQ(p.Wait(10000), 0) << p.Stderr();
  std::string out = p.Stdout();
  for (const char* field :
       {"\"in_device\" => \"venet0\"", "\"src_ip\" => \"81.2.69.160\"", "\"proto\" => \"TCP\"",
        "\"src_port\" => \"51955\"", "\"dst_port\" => \"22\"", "\"country_code2\" => \"GB\"",
        "\"country_code3\" => \"GBR\"", "\"country_name\" => \"United Kingdom\"",
        "\"continent_code\" => \"EU\"", "\"type\" => \"iptables\"", "\"coordinates\" => [",
        "\"_grokparsefailure\""}) {
    EXPECT_NE(out.find(field), std::string::npos) << field << "\n" << out.substr(0, 3000);
  }
  EXPECT_EQ(out.find("\"ttl\""), std::string::npos);
  // [geoip][coordinates] converted to floats: [lon, lat] printed as bare numbers.
  size_t c = out.find("\"coordinates\" => [");
  ASSERT_NE(c, std::string::npos);
  EXPECT_NE(out.substr(c, 80).find("[0] -0.09"), std::string::npos) << out.substr(c, 80);
}

}  // namespace
}  // namespace perimeter::testing

namespace perimeter::testing {
namespace {

// A tests/data file without its "#" lines, and how many of its lines the pipeline drops.
std::string DataLines(const std::string& path, size_t* dropped = nullptr) {
  std::string out;
  bool drop_next = false;
  for (const std::string& line : Lines(ReadFile(path))) {
    if (line.rfind("# expect: dropped", 0) == 0) drop_next = true;
    if (line.empty() || line[0] == '#') continue;
    out += line + "\n";
    if (drop_next && dropped != nullptr) ++*dropped;
    drop_next = false;
  }
  return out;
}

// `perimeter run` without -f on tests/data's firewall and auth lines plus a port scanner, the
// owner's address in the settings' ignore list; the stored events read back with `search`.
TEST_F(CliTest, DefaultPipelineStoresSshdLoginsIgnoredAddressesAndPortScans) {
  size_t dropped = 0;
  std::string auth = DataLines("tests/data/auth-sample.log", &dropped);
  std::string firewall = DataLines("tests/data/firewall-formats.log");
  constexpr int kScannedPorts = 12;
  for (int port = 1; port <= kScannedPorts; ++port) {
    firewall += "May  5 10:30:" + std::to_string(10 + port) +
                " fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC= SRC=175.16.199.77 DST=198.51.100.7 "
                "LEN=40 TOS=0x00 PREC=0x00 TTL=240 ID=54321 PROTO=TCP SPT=61000 DPT=" +
                std::to_string(1000 + port) + " WINDOW=1024 RES=0x00 SYN URGP=0\n";
  }
  WriteFile(Path("auth.log"), auth);
  WriteFile(Path("iptables.log"), firewall);
  WriteFile(Path("perimeter.toml"),
            "[pipeline]\nignore = [\"203.0.113.7\", \"2001:db8:9::/48\"]\n");
  const size_t expected = Lines(auth).size() - dropped + Lines(firewall).size();

  ChildProcess p(
      {kBinary, "run", "--no-server", "--settings", Path("perimeter.toml"), "--data-dir",
       Path("data"), "--firewall-log", Path("iptables.log"), "--auth-log", Path("auth.log")},
      dir_);
  auto search = [&](const std::string& query) {
    ChildProcess s({kBinary, "search", query, "--since", "3650d", "-n", "1000", "--json",
                    "--data-dir", Path("data")},
                   dir_);
    std::vector<Object> events;
    if (s.Wait(10000) != 0) return events;  // no store yet
    for (const std::string& line : Lines(s.Stdout())) {
      auto v = ParseJson(line);
      if (v.ok() && v->is_object()) events.push_back(v->as_object());
    }
    return events;
  };
  auto text = [](const Object& o, std::initializer_list<std::string_view> path) -> std::string {
    const Value* v = nullptr;
    const Object* at = &o;
    for (std::string_view key : path) {
      v = at != nullptr ? at->Find(key) : nullptr;
      at = v != nullptr && v->is_object() ? &v->as_object() : nullptr;
    }
    return v == nullptr ? "" : v->ToText();
  };
  ASSERT_TRUE(WaitUntil(20000, [&] { return search("").size() == expected; }))
      << "stored " << search("").size() << " of " << expected << "\n"
      << p.Stderr();

  auto admin = search("user.name:admin");
  ASSERT_EQ(admin.size(), 3u);  // Invalid user, Failed password, Connection closed
  for (const Object& e : admin) {
    EXPECT_EQ(text(e, {"event", "dataset"}), "sshd");
    EXPECT_EQ(text(e, {"source", "ip"}), "81.2.69.160");
    EXPECT_EQ(text(e, {"source", "geo", "country_iso_code"}), "GB");
  }
  EXPECT_EQ(search("user.name:admin AND event.outcome:failure").size(), 2u);

  auto accepted = search("event.outcome:success");
  ASSERT_EQ(accepted.size(), 2u);  // alice (from the ignored address) and bob
  for (const Object& e : accepted) {
    bool owner = text(e, {"user", "name"}) == "alice";
    EXPECT_EQ(text(e, {"tags"}).find("ignored") != std::string::npos, owner) << Value(e).ToJson();
  }
  for (const Object& e : search("tags:ignored")) {
    EXPECT_EQ(text(e, {"source", "ip"}), "203.0.113.7");
  }

  auto scans = search("tags:port_scan");
  ASSERT_EQ(scans.size(), static_cast<size_t>(kScannedPorts - 10 + 1));  // the 10th port on
  for (const Object& e : scans) {
    EXPECT_EQ(text(e, {"source", "ip"}), "175.16.199.77");
    EXPECT_GE(std::stoi(text(e, {"scan", "distinct_ports"})), 10);
  }
  EXPECT_TRUE(search("process.name:CRON").empty());
  EXPECT_TRUE(search("process.name:sudo").empty());
  EXPECT_EQ(search("event.dataset:firewall").size(), Lines(firewall).size());

  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(20000), 0) << p.Stderr();
}

// A missing auth log does not stop the run: it is reported once and the firewall log goes on.
TEST_F(CliTest, DefaultPipelineRunsWithoutTheAuthLog) {
  WriteFile(Path("iptables.log"), DataLines("tests/data/firewall-formats.log"));
  ChildProcess p({kBinary, "run", "--no-server", "--data-dir", Path("data"), "--firewall-log",
                  Path("iptables.log"), "--auth-log", Path("no-such-auth.log")},
                 dir_);
  ASSERT_TRUE(WaitUntil(15000, [&] {
    ChildProcess s({kBinary, "search", "event.dataset:firewall", "--since", "3650d", "-n", "1000",
                    "--json", "--data-dir", Path("data")},
                   dir_);
    s.Wait(10000);
    return Lines(s.Stdout()).size() == Lines(ReadFile(Path("iptables.log"))).size();
  })) << p.Stderr();
  EXPECT_NE(p.Stderr().find("no-such-auth.log does not exist (yet)"), std::string::npos)
      << p.Stderr();
  // Created later, it is picked up.
  WriteFile(Path("no-such-auth.log"),
            "May  5 10:00:10 host sshd[2160]: Accepted password for bob from 198.51.100.20 port "
            "50000 ssh2\n");
  ASSERT_TRUE(WaitUntil(15000, [&] {
    ChildProcess s({kBinary, "search", "user.name:bob", "--since", "3650d", "--json", "--data-dir",
                    Path("data")},
                   dir_);
    s.Wait(10000);
    return Lines(s.Stdout()).size() == 1;
  })) << p.Stderr();
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(20000), 0) << p.Stderr();
}

TEST_F(CliTest, PrintDefaultPipelineUsesTheSettings) {
  WriteFile(Path("perimeter.toml"),
            "[pipeline]\nfirewall_logs = [\"/srv/fw/*.log\"]\nauth_logs = []\n"
            "ignore = [\"198.51.100.0/24\"]\n");
  ChildProcess p({kBinary, "run", "--print-default-pipeline", "--settings", Path("perimeter.toml")},
                 dir_);
  ASSERT_EQ(p.Wait(5000), 0) << p.Stderr();
  std::string out = p.Stdout();
  EXPECT_NE(out.find("path => [\"/srv/fw/*.log\"]"), std::string::npos) << out;
  EXPECT_EQ(out.find("type => \"sshd\""), std::string::npos) << out;  // no auth input
  EXPECT_NE(out.find("network => [\"198.51.100.0/24\"]"), std::string::npos) << out;
  // --auth-log overrides the settings; the printed pipeline passes `check`.
  ChildProcess q({kBinary, "run", "--print-default-pipeline", "--settings", Path("perimeter.toml"),
                  "--auth-log", "/var/log/secure"},
                 dir_);
  ASSERT_EQ(q.Wait(5000), 0) << q.Stderr();
  EXPECT_NE(q.Stdout().find("path => [\"/var/log/secure\"]"), std::string::npos);
  WriteFile(Path("default.conf"), q.Stdout());
  ChildProcess check({kBinary, "check", "-f", Path("default.conf"), "--data-dir", Path("data")},
                     dir_);
  EXPECT_EQ(check.Wait(10000), 0) << check.Stderr();

  WriteFile(Path("bad.toml"), "[pipeline]\nignore = [\"10.0.0.0/8\",\n  \"10.0.0.0/33\"]\n");
  ChildProcess bad({kBinary, "run", "--print-default-pipeline", "--settings", Path("bad.toml")},
                   dir_);
  EXPECT_EQ(bad.Wait(5000), 1);
  EXPECT_NE(bad.Stderr().find("line 3"), std::string::npos) << bad.Stderr();
  EXPECT_NE(bad.Stderr().find("pipeline.ignore"), std::string::npos) << bad.Stderr();
}

}  // namespace
}  // namespace perimeter::testing
