// The default pipeline, compiled with the built-in plugins and run on lines: the test data's
// own lines (tests/data/*.log, each with the fields it must get), and the real logs of
// ../shared/samples when they are there (parse rates printed; skipped when absent).
#include "cli/default_pipeline.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <utility>

#include "cli/builtin_plugins.h"
#include "config/parser.h"
#include "core/ip_address.h"
#include "pipeline/batch_processor.h"
#include "pipeline/pipeline_compiler.h"

namespace perimeter {
namespace {

constexpr size_t kFirewallInput = 0;  // the default pipeline's inputs, in order
constexpr size_t kAuthInput = 1;
constexpr size_t kBatch = 125;           // as the file input makes them
constexpr size_t kUnknownExamples = 12;  // enough to see what kinds there are
const std::string kSamples = PERIMETER_SOURCE_DIR "/../shared/samples";

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

FieldRef Dotted(std::string_view dotted) {
  std::string ref;
  size_t pos = 0;
  while (pos <= dotted.size()) {
    size_t dot = std::min(dotted.find('.', pos), dotted.size());
    ref += "[" + std::string(dotted.substr(pos, dot - pos)) + "]";
    pos = dot + 1;
  }
  return FieldRef::Of(ref);
}

std::string Text(const Event& e, std::string_view dotted) {
  const Value* v = e.Get(Dotted(dotted));
  return v == nullptr || v->is_null() ? "" : v->ToText();
}

bool Has(const Event& e, std::string_view dotted) {
  const Value* v = e.Get(Dotted(dotted));
  return v != nullptr && !v->is_null();
}

// The default pipeline with its inputs and filters as `perimeter run` builds them; the store
// output is swapped for `null`, so the test reads the filtered events from the batch.
class DefaultPipelineRun {
 public:
  explicit DefaultPipelineRun(std::vector<std::string> ignore = {},
                              std::string ecs_compatibility = "v8") {
    auto text =
        DefaultPipeline({{"/nonexistent/fw.log"}, {"/nonexistent/auth.log"}, std::move(ignore)});
    EXPECT_TRUE(text.ok()) << text.status().message();
    std::string t = *text;
    t.replace(t.find("store { }"), 9, "null { }");
    auto ast = config::ParsePipeline({{"default pipeline", t}});
    EXPECT_TRUE(ast.ok()) << ast.status().message();
    PluginContext ctx;
    ctx.ecs_compatibility = std::move(ecs_compatibility);
    auto compiled = CompilePipeline(*ast, BuiltinPlugins(), ctx);
    EXPECT_TRUE(compiled.ok()) << compiled.status().message();
    pipeline_ = std::move(compiled).value();
    processor_ = std::make_unique<BatchProcessor>(*pipeline_, abort_);
  }

  // The lines as the given input would hand them over, through every filter. Dropped events
  // are returned too (cancelled()).
  std::vector<Event> Run(const std::vector<std::string>& lines, size_t input) {
    std::vector<Event> out;
    for (size_t begin = 0; begin < lines.size(); begin += kBatch) {
      Batch batch;
      for (size_t i = begin; i < std::min(lines.size(), begin + kBatch); ++i) {
        Event e = Event::FromMessage(lines[i], Timestamp::Now());
        pipeline_->inputs[input]->actions.Apply(e);
        batch.events.push_back(std::move(e));
      }
      EXPECT_TRUE(processor_->Process(batch));
      for (Event& e : batch.events) out.push_back(std::move(e));
    }
    return out;
  }

 private:
  std::atomic<bool> abort_{false};
  std::unique_ptr<CompiledPipeline> pipeline_;
  std::unique_ptr<BatchProcessor> processor_;
};

// A tests/data file: each line with the expectations of the "# expect:" line before it.
struct ExpectedLine {
  std::string line;
  std::vector<std::string> expectations;  // "a.b=value", "-a.b" (absent) or "dropped"
};

std::vector<ExpectedLine> ReadExpectations(const std::string& path) {
  std::vector<ExpectedLine> out;
  std::vector<std::string> pending;
  for (const std::string& line : ReadLines(path)) {
    if (line.rfind("# expect: ", 0) == 0) {
      // Values may hold blanks: a new expectation starts at a blank followed by "name=" or "-".
      std::string rest = line.substr(10);
      size_t start = 0;
      for (size_t i = 1; i <= rest.size(); ++i) {
        bool boundary = i == rest.size();
        if (!boundary && rest[i - 1] == ' ') {
          size_t eq = rest.find('=', i), sp = rest.find(' ', i);
          boundary = rest[i] == '-' || (eq != std::string::npos && eq < sp) ||
                     rest.compare(i, 7, "dropped") == 0;
        }
        if (boundary) {
          std::string item = rest.substr(start, i - start);
          while (!item.empty() && item.back() == ' ') item.pop_back();
          pending.push_back(item);
          start = i;
        }
      }
    } else if (!line.empty() && line[0] != '#') {
      out.push_back({line, std::move(pending)});
      pending.clear();
    }
  }
  return out;
}

void CheckExpectations(const std::vector<ExpectedLine>& lines, const std::vector<Event>& events) {
  ASSERT_EQ(lines.size(), events.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const Event& e = events[i];
    SCOPED_TRACE(lines[i].line);
    ASSERT_FALSE(lines[i].expectations.empty()) << "no # expect: line";
    for (const std::string& x : lines[i].expectations) {
      if (x == "dropped") {
        EXPECT_TRUE(e.cancelled());
        continue;
      }
      EXPECT_FALSE(e.cancelled()) << x;
      if (x[0] == '-') {
        EXPECT_FALSE(Has(e, x.substr(1))) << x << " in " << e.ToJson();
        continue;
      }
      size_t eq = x.find('=');
      EXPECT_EQ(Text(e, x.substr(0, eq)), x.substr(eq + 1)) << e.ToJson();
    }
    if (!e.cancelled() && std::find(lines[i].expectations.begin(), lines[i].expectations.end(),
                                    "tags=_grokparsefailure") == lines[i].expectations.end()) {
      EXPECT_FALSE(e.HasTag("_grokparsefailure")) << e.ToJson();
      EXPECT_FALSE(e.HasTag("_dateparsefailure")) << e.ToJson();
    }
  }
}

// The kernel's PROTO=TCP as ECS spells it (tcp).
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(DefaultPipeline, ParsesEveryFirewallFormatOfTheTestData) {
  auto lines = ReadExpectations("tests/data/firewall-formats.log");
  ASSERT_GE(lines.size(), 15u);
  DefaultPipelineRun run;
  std::vector<std::string> text;
  text.reserve(lines.size());
  for (const auto& l : lines) text.push_back(l.line);
  auto events = run.Run(text, kFirewallInput);
  CheckExpectations(lines, events);
  for (const Event& e : events) {
    EXPECT_EQ(Text(e, "event.dataset"), "firewall");
    EXPECT_EQ(Text(e, "type"), "firewall");
  }
}

TEST(DefaultPipeline, ParsesEverySshdKindOfTheTestDataAndDropsOtherPrograms) {
  auto lines = ReadExpectations("tests/data/auth-sample.log");
  ASSERT_GE(lines.size(), 30u);
  DefaultPipelineRun run;
  std::vector<std::string> text;
  text.reserve(lines.size());
  for (const auto& l : lines) text.push_back(l.line);
  auto events = run.Run(text, kAuthInput);
  CheckExpectations(lines, events);
  for (const Event& e : events) {
    if (!e.cancelled()) {
      EXPECT_EQ(Text(e, "event.dataset"), "sshd");
    }
  }
}

// pipeline.ecs_compatibility = "disabled" is for the seed's -f config; the default pipeline's
// conditionals and the dashboard need ECS names whatever it says.
TEST(DefaultPipeline, KeepsEcsNamesWhenThePipelineDefaultIsLegacy) {
  DefaultPipelineRun run({}, "disabled");
  auto ssh = run.Run(
      {"May  5 09:55:42 host sshd[2101]: Failed password for root from 81.2.69.160 port 5 ssh2"},
      kAuthInput);
  EXPECT_EQ(Text(ssh[0], "user.name"), "root") << ssh[0].ToJson();
  EXPECT_EQ(Text(ssh[0], "event.outcome"), "failure");
  EXPECT_EQ(Text(ssh[0], "source.geo.country_iso_code"), "GB");
  auto fw = run.Run(
      {"May  5 09:55:37 fw kernel: IN=eth0 OUT= MAC= SRC=81.2.69.160 DST=198.51.100.7 LEN=60 "
       "TOS=0x00 PREC=0x00 TTL=50 ID=1 DF PROTO=TCP SPT=51955 DPT=22 WINDOW=14600 RES=0x00 SYN "
       "URGP=0"},
      kFirewallInput);
  EXPECT_EQ(Text(fw[0], "destination.port"), "22") << fw[0].ToJson();
  EXPECT_FALSE(Has(fw[0], "src_ip"));
}

TEST(DefaultPipeline, GeolocatesTheSshdClient) {
  DefaultPipelineRun run;
  auto events = run.Run(
      {"May  5 09:55:42 host sshd[2101]: Failed password for root from 81.2.69.160 port 5 ssh2"},
      kAuthInput);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(Text(events[0], "source.geo.country_iso_code"), "GB") << events[0].ToJson();
}

TEST(DefaultPipeline, IgnoredAddressesAreTaggedAndNeverCountAsScanners) {
  DefaultPipelineRun run({"203.0.113.0/24", "2001:db8:1::/48"});
  std::vector<std::string> lines;
  for (int port = 1; port <= 12; ++port) {
    for (const char* src : {"203.0.113.9", "81.2.69.160"}) {
      lines.push_back(fmt::format(
          "May  5 10:0{}:00 fw kernel: IN=eth0 OUT= MAC= SRC={} DST=198.51.100.7 LEN=40 TOS=0x00 "
          "PREC=0x00 TTL=240 ID=1 PROTO=TCP SPT=40000 DPT={} WINDOW=1024 RES=0x00 SYN URGP=0",
          port % 10, src, port));
    }
  }
  auto events = run.Run(lines, kFirewallInput);
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    bool own = i % 2 == 0;
    int port = static_cast<int>(i / 2) + 1;
    EXPECT_EQ(e.HasTag("ignored"), own) << e.ToJson();
    // The 10th distinct port makes 81.2.69.160 a scanner; the owner never is one.
    EXPECT_EQ(e.HasTag("port_scan"), !own && port >= 10) << e.ToJson();
    if (!own && port >= 10) {
      EXPECT_EQ(Text(e, "scan.distinct_ports"), std::to_string(port));
    }
  }
  auto ssh = run.Run(
      {"May  5 10:00:10 host sshd[2160]: Accepted password for bob from 2001:db8:1::5 port 5 ssh2"},
      kAuthInput);
  EXPECT_TRUE(ssh[0].HasTag("ignored")) << ssh[0].ToJson();
}

TEST(DefaultPipeline, OutboundPacketsAreNoPortScan) {
  DefaultPipelineRun run;
  std::vector<std::string> lines;
  for (int port = 1; port <= 20; ++port) {
    lines.push_back(fmt::format(
        "May  5 10:00:00 fw kernel: IN= OUT=eth0 SRC=198.51.100.7 DST=81.2.69.160 LEN=40 "
        "TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=40000 DPT={} WINDOW=1024 RES=0x00 SYN URGP=0",
        port));
  }
  for (const Event& e : run.Run(lines, kFirewallInput)) EXPECT_FALSE(e.HasTag("port_scan"));
}

TEST(DefaultPipeline, ExplainsWhatIsWrong) {
  auto empty = DefaultPipeline({{}, {}, {}});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("pipeline.firewall_logs"), std::string::npos);
  auto bad = DefaultPipeline({{"/var/log/iptables.log"}, {}, {"10.0.0.0/8", "my-laptop"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'my-laptop'"), std::string::npos);
}

TEST(DefaultPipeline, PathsAreQuotedSoAnyNameReadsBack) {
  std::string odd = R"(/var/log/fw "edge" \ case.log)";
  auto text = DefaultPipeline({{odd}, {}, {}});
  ASSERT_TRUE(text.ok());
  auto ast = config::ParsePipeline({{"default pipeline", *text}});
  ASSERT_TRUE(ast.ok()) << ast.status().message();
  ASSERT_EQ(ast->sections[0].kind, config::SectionKind::kInput);
  const auto& inputs = ast->sections[0].body;
  ASSERT_EQ(inputs.size(), 1u);  // no auth input when auth_logs is empty
  const config::Setting& path = inputs[0].plugin.settings[0];
  ASSERT_EQ(path.name, "path");
  EXPECT_EQ(path.value.as_array()[0].as_string(), odd);
}

// --- the real samples -------------------------------------------------------------------------

// The kinds of sshd message issue 7 names, told apart by their words (independently of the
// grok patterns under test). "" for a message of no listed kind.
std::string KindOf(std::string_view m) {
  auto has = [&](std::string_view s) { return m.find(s) != std::string_view::npos; };
  if (has("Too many authentication failures")) return "too many authentication failures";
  if (has("maximum authentication attempts exceeded")) return "maximum attempts exceeded";
  if (has("PAM: Authentication failure") || has("pam_unix(sshd:auth): authentication failure") ||
      has("more authentication failure")) {
    return "PAM authentication failure";
  }
  if (has("Disconnected from ") || has("Received disconnect from ")) return "disconnected";
  if (has("Connection closed by ") || has("Connection reset by ")) return "connection closed/reset";
  if (has("Accepted ") && has(" for ")) return "accepted";
  if (has("Failed ") && has(" for ")) return "failed";
  if (has("nvalid user ") || has("llegal user ")) return "invalid user";
  return "";
}

// The next word after `marker` ("" when a blank follows at once); nullopt without the marker.
std::optional<std::string> WordAfter(std::string_view m, std::string_view marker) {
  size_t p = m.find(marker);
  if (p == std::string_view::npos) return std::nullopt;
  p += marker.size();
  size_t end = m.find(' ', p);
  return std::string(m.substr(p, end == std::string_view::npos ? end : end - p));
}

// The first word that is an IP address (brackets, "rhost=" and a trailing colon stripped).
std::optional<std::string> AddressOf(std::string_view m) {
  std::istringstream words{std::string(m)};
  for (std::string w; words >> w;) {
    if (w.rfind("rhost=", 0) == 0) w = w.substr(6);
    while (!w.empty() && (w.back() == ':' || w.back() == ']')) w.pop_back();
    if (!w.empty() && w[0] == '[') w = w.substr(1);
    if (IpAddress::Parse(w)) return w;
  }
  return std::nullopt;
}

// The user name the line names, found by its words: what follows "invalid user " (and the like)
// up to " from ", " [preauth]" or the client's address, since a name may hold blanks. "" when
// the name is empty, nullopt when the line names none.
std::optional<std::string> UserOf(std::string_view m) {
  size_t start = std::string_view::npos;
  for (std::string_view marker : {" user=", "invalid user ", "Invalid user ", "illegal user ",
                                  "Illegal user ", "authenticating user ", "failures for "}) {
    size_t p = m.find(marker);
    if (p != std::string_view::npos) {
      start = p + marker.size();
      break;
    }
  }
  if (start == std::string_view::npos) {
    size_t f = m.find(" for ");
    if (f == std::string_view::npos || m.find(" from ", f) == std::string_view::npos) {
      return std::nullopt;
    }
    start = f + 5;
  }
  size_t end = m.size();
  auto ip = AddressOf(m.substr(start));
  for (const std::string& delimiter :
       {std::string(" from "), std::string(" [preauth]"), ip ? " " + *ip : std::string(" from ")}) {
    end = std::min(end, m.find(delimiter, start));
  }
  return std::string(m.substr(start, end - start));
}

struct SampleReport {
  size_t sshd_lines = 0, known = 0, known_ok = 0, unknown = 0, unknown_parsed = 0;
  std::map<std::string, size_t> per_kind;
  std::map<std::string, size_t> unknown_examples;  // message with numbers masked → count
  std::vector<std::string> failures;
};

std::string Masked(std::string_view message) {
  std::string out;
  for (char c : message) {
    if (c >= '0' && c <= '9') {
      if (out.empty() || out.back() != 'N') out += 'N';
    } else {
      out += c;
    }
  }
  return out;
}

// The *.log files of a sample folder, sorted.
std::vector<std::string> SampleLogs(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() == ".log") files.push_back(f.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(DefaultPipelineOnRealSamples, EverySshdLineOfAKnownKindParses) {
  const std::string dir = kSamples + "/sshd";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " is absent";
  std::vector<std::string> files = SampleLogs(dir);
  ASSERT_FALSE(files.empty());
  for (const std::string& file : files) {
    DefaultPipelineRun run;
    std::vector<std::string> lines = ReadLines(file);
    std::vector<Event> events = run.Run(lines, kAuthInput);
    SampleReport r;
    for (size_t i = 0; i < lines.size(); ++i) {
      const Event& e = events[i];
      if (e.cancelled()) continue;  // not sshd's
      ++r.sshd_lines;
      size_t colon = lines[i].find("]: ");
      std::string_view m = colon == std::string::npos
                               ? std::string_view(lines[i])
                               : std::string_view(lines[i]).substr(colon + 3);
      while (!m.empty() && std::isspace(static_cast<unsigned char>(m.back()))) m.remove_suffix(1);
      std::string kind = KindOf(m);
      bool parsed = !e.HasTag("_grokparsefailure") && Has(e, "system.auth.ssh.event");
      if (kind.empty()) {
        ++r.unknown;
        r.unknown_parsed += parsed ? 1 : 0;
        ++r.unknown_examples[(parsed ? "parsed:   " : "unparsed: ") + Masked(m)];
        continue;
      }
      ++r.known;
      ++r.per_kind[kind];
      std::vector<std::string> wrong;
      if (!parsed) wrong.push_back("not parsed");
      auto user = UserOf(m);
      if (user && Text(e, "user.name") != *user) {
        wrong.push_back(fmt::format("user.name '{}', expected '{}'", Text(e, "user.name"), *user));
      }
      auto ip = AddressOf(m);
      if (ip && Text(e, "source.ip") != *ip) {
        wrong.push_back(fmt::format("source.ip '{}', expected '{}'", Text(e, "source.ip"), *ip));
      }
      auto port = WordAfter(m, " port ");
      if (port && port->find_first_not_of("0123456789") != std::string::npos) {
        port = port->substr(0, port->find_first_not_of("0123456789"));
      }
      if (port && Text(e, "source.port") != *port) {
        wrong.push_back(
            fmt::format("source.port '{}', expected '{}'", Text(e, "source.port"), *port));
      }
      std::string outcome = kind == "accepted" ? "success"
                            : kind == "disconnected" || kind == "connection closed/reset"
                                ? ""
                                : "failure";
      if (Text(e, "event.outcome") != outcome) {
        wrong.push_back(
            fmt::format("event.outcome '{}', expected '{}'", Text(e, "event.outcome"), outcome));
      }
      if (wrong.empty()) {
        ++r.known_ok;
      } else if (r.failures.size() < 20) {
        std::string all;
        for (const auto& w : wrong) all += (all.empty() ? "" : "; ") + w;
        r.failures.push_back(lines[i] + "\n      " + all);
      }
    }
    std::string report = fmt::format(
        "{}: {} sshd lines; {} of a kind issue 7 lists, {} parsed with user/ip/port/outcome "
        "({:.2f}%); {} of no listed kind ({} of them still parsed by the other sshd patterns, {} "
        "not)\n",
        std::filesystem::path(file).filename().string(), r.sshd_lines, r.known, r.known_ok,
        r.known ? 100.0 * static_cast<double>(r.known_ok) / static_cast<double>(r.known) : 0.0,
        r.unknown, r.unknown_parsed, r.unknown - r.unknown_parsed);
    for (const auto& [kind, n] : r.per_kind) report += fmt::format("    {:>6}  {}\n", n, kind);
    // The most frequent lines of no listed kind (digits masked as N).
    std::vector<std::pair<size_t, std::string>> examples;
    for (const auto& [text, n] : r.unknown_examples) examples.emplace_back(n, text);
    std::sort(examples.rbegin(), examples.rend());
    if (examples.size() > kUnknownExamples) examples.resize(kUnknownExamples);
    if (!examples.empty()) report += "  lines of no listed kind, the most frequent:\n";
    for (const auto& [n, text] : examples) report += fmt::format("    {:>6}  {}\n", n, text);
    std::cout << report;
    for (const std::string& f : r.failures) ADD_FAILURE() << f;
    EXPECT_GT(r.known, 0u);
    EXPECT_EQ(r.known_ok, r.known);
  }
}

TEST(DefaultPipelineOnRealSamples, EveryKernelFirewallLineParses) {
  const std::string dir = kSamples + "/iptables";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " is absent";
  std::vector<std::string> files = SampleLogs(dir);
  ASSERT_FALSE(files.empty());
  for (const std::string& file : files) {
    DefaultPipelineRun run;
    std::vector<std::string> lines = ReadLines(file);
    std::vector<Event> events = run.Run(lines, kFirewallInput);
    size_t kernel = 0, ok = 0, scans = 0;
    std::vector<std::string> failures;
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string_view m = lines[i];
      if (m.find(" kernel: ") == std::string_view::npos ||
          m.find(" SRC=") == std::string_view::npos)
        continue;
      ++kernel;
      const Event& e = events[i];
      auto src = WordAfter(m, " SRC=");
      auto dpt = WordAfter(m, " DPT=");
      auto proto = WordAfter(m, " PROTO=");
      bool good = !e.HasTag("_grokparsefailure") && !e.HasTag("_dateparsefailure") &&
                  Text(e, "source.ip") == *src && Text(e, "network.transport") == Lower(*proto) &&
                  (!dpt || Text(e, "destination.port") == *dpt);
      if (good) {
        ++ok;
      } else if (failures.size() < 20) {
        failures.push_back(lines[i] + "\n      got " + e.ToJson());
      }
      scans += e.HasTag("port_scan") ? 1 : 0;
    }
    std::cout << fmt::format(
        "{}: {} of {} kernel firewall lines parsed ({:.2f}%); {} tagged port_scan\n",
        std::filesystem::path(file).filename().string(), ok, kernel,
        kernel ? 100.0 * static_cast<double>(ok) / static_cast<double>(kernel) : 0.0, scans);
    for (const std::string& f : failures) ADD_FAILURE() << f;
    EXPECT_GT(kernel, 0u);
    EXPECT_EQ(ok, kernel);
  }
}

}  // namespace
}  // namespace perimeter
