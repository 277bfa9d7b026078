#include "pipeline/condition.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "config/parser.h"

namespace perimeter {
namespace {

// Parses `condition` as the `if` of a one-line config, as the pipeline does.
Result<Condition> CompileCondition(const std::string& condition,
                                   config::PipelineAst* keep = nullptr) {
  std::vector<config::SourceFile> files = {{"test.conf", "filter { if " + condition + " { } }"}};
  Result<config::PipelineAst> ast = config::ParsePipeline(std::move(files));
  if (!ast.ok()) return ast.status();
  const config::Expr& expr = *ast->sections.at(0).body.at(0).branches.at(0).condition;
  Result<Condition> c = Condition::Compile(expr, ast->files);
  if (keep != nullptr) *keep = std::move(ast).value();
  return c;
}

Event SampleEvent() {
  Event e =
      Event::FromMessage("May  5 09:55:37 host kernel: IN=venet0 SRC=1.2.3.4 DPT=22 PROTO=TCP",
                         Timestamp::FromMillis(1399298137658));
  e.SetTop("type", "iptables");
  e.SetTop("port", 22);
  e.SetTop("port_s", "22");
  e.SetTop("ports", Array{Value(22), Value(443)});
  e.SetTop("ratio", 0.5);
  e.SetTop("zero", 0);
  e.SetTop("empty", "");
  e.SetTop("f", false);
  e.SetTop("t", true);
  e.SetTop("nul", Value());
  e.SetTop("tags", Array{Value("a"), Value("_grokparsefailure")});
  e.SetTop("in_device", "venet0");
  e.SetTop("sub", "ven");
  Object geo;
  geo.Set("country", "GB");
  geo.Set("location", Array{Value(-0.13), Value(51.5)});
  e.SetTop("geoip", std::move(geo));
  e.Set(FieldRef::Of("[@metadata][target]"), "x");
  return e;
}

struct Case {
  const char* condition;
  bool expected;
};

void ExpectAll(const std::vector<Case>& cases) {
  Event event = SampleEvent();
  for (const Case& c : cases) {
    Result<Condition> cond = CompileCondition(c.condition);
    ASSERT_TRUE(cond.ok()) << c.condition << "\n" << cond.status().message();
    EXPECT_EQ(cond->Evaluate(event), c.expected) << c.condition;
  }
}

TEST(Condition, FieldAloneTestsTruthiness) {
  ExpectAll({
      {"[type]", true},
      {"[missing]", false},
      {"[nul]", false},
      {"[f]", false},
      {"[t]", true},
      {"[zero]", true},
      {"[empty]", true},
      {"[tags]", true},
      {"[geoip][country]", true},
      {"[geoip][missing]", false},
      {"[type][deeper]", false},
      {"[@metadata][target]", true},
      {"[@metadata][other]", false},
      {"![missing]", true},
      {"![type]", false},
  });
}

TEST(Condition, Equality) {
  ExpectAll({
      {"[type] == \"iptables\"", true},
      {"[type] == 'iptables'", true},
      {"\"iptables\" == [type]", true},
      {"[type] == \"IPTABLES\"", false},
      {"[port] == 22", true},
      {"[port] == 22.0", true},
      {"[port] == \"22\"", false},
      {"[port_s] == 22", false},
      {"[port_s] == \"22\"", true},
      {"[ratio] == 0.5", true},
      {"[t] == \"true\"", false},
      {"[geoip][country] == \"GB\"", true},
      {"[tags] == [\"a\", \"_grokparsefailure\"]", true},
      {"[type] == [type]", true},
      {"[port] == [port_s]", false},
      {"[missing] == \"x\"", false},
      {"[missing] == [also_missing]", true},
      {"[missing] == [nul]", true},
      {"[missing] == [type]", false},
      {"[missing] != \"x\"", true},
      {"[type] != \"iptables\"", false},
      {"[port] != \"22\"", true},
      {"[type] != [missing]", true},
  });
}

TEST(Condition, Ordering) {
  ExpectAll({
      {"[port] > 21", true},
      {"[port] >= 22", true},
      {"[port] < 22", false},
      {"[port] <= 22", true},
      {"[port] > 21.5", true},
      {"[ratio] < 1", true},
      {"23 > [port]", true},
      {"[port] > [ratio]", true},
      {"[type] > \"a\"", true},
      {"[type] < \"j\"", true},
      {"[port_s] > 21", false},  // string vs number: unordered
      {"[port_s] < 21", false},
      {"[port_s] >= \"22\"", true},
      {"[missing] < 5", false},
      {"[missing] >= 5", false},
      {"[tags] > 1", false},
      {"[nul] <= 0", false},
  });
}

TEST(Condition, RegexMatch) {
  ExpectAll({
      {"[message] =~ /DPT=22 /", true},
      {"[message] =~ \"DPT=2[0-9]\"", true},
      {"[message] =~ /^May/", true},
      {"[message] =~ /^IN=/", false},
      {"[message] =~ /dpt/", false},
      {"[message] =~ /(?i)dpt/", true},
      {"[message] =~ /SRC=\\d+\\.\\d+\\.\\d+\\.\\d+/", true},
      {"[message] !~ /DPT=23/", true},
      {"[message] !~ /DPT=22/", false},
      {"[port] =~ /22/", false},  // only strings match
      {"[port] !~ /22/", true},
      {"[missing] =~ /./", false},
      {"[missing] !~ /./", true},
      {"[tags] =~ /a/", false},
      {"[type] =~ //", true},
      {"\"abc\" =~ /b/", true},
      {"\"abc\" !~ /b/", false},
  });
}

TEST(Condition, RegexAnchorsWorkPerLineAsInRuby) {
  Result<Condition> c = CompileCondition("[message] =~ /^Caused by/");
  ASSERT_TRUE(c.ok());
  Event e = Event::FromMessage("java.lang.Error: x\nCaused by: y", Timestamp());
  EXPECT_TRUE(c->Evaluate(e));
  e.SetTop("message", "no cause here");
  EXPECT_FALSE(c->Evaluate(e));
}

TEST(Condition, RegexOnInvalidUtf8DoesNotFail) {
  Result<Condition> c = CompileCondition("[message] =~ /b.d/");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->Evaluate(Event::FromMessage("a\xff bcd", Timestamp())));
  EXPECT_FALSE(
      c->Evaluate(Event::FromMessage("b\xff\xfe"
                                     "d",
                                     Timestamp())));
}

TEST(Condition, InOperator) {
  ExpectAll({
      {"\"_grokparsefailure\" in [tags]", true},
      {"\"b\" in [tags]", false},
      {"\"x\" not in [tags]", true},
      {"\"_grokparsefailure\" not in [tags]", false},
      {"[type] in [\"iptables\", \"syslog\"]", true},
      {"[type] in [\"syslog\"]", false},
      {"[type] in [\"iptables\"]", true},
      {"[type] not in [\"syslog\"]", true},
      {"[port] in [22, 23]", true},
      {"[port] in [\"22\"]", true},  // list literals compare text, as Logstash
      {"[port_s] in [22, 23]", true},
      {"[port_s] in [22]", false},  // [22] is a field reference, as Logstash reads it
      {"[missing] in [\"x\"]", false},
      {"[missing] not in [\"x\"]", true},
      {"[tags] in [\"a\"]", false},  // an array is never "in" anything
      {"\"tab\" in [type]", true},   // substring of a string field
      {"\"xyz\" in [type]", false},
      {"[sub] in [in_device]", true},
      {"[in_device] in [sub]", false},
      {"[type] in [tags]", false},
      {"\"a\" in [tags]", true},
      {"\"a\" in [missing]", false},
      {"22 in [ports]", true},
      {"[port] in [ports]", true},
      {"[port_s] in [ports]", false},  // a field array compares with Ruby equality
      {"[type] in \"iptables-x\"", true},
      {"[type] in \"x\"", false},
      {"\"a\" in [\"a\", \"b\"]", true},
      {"\"c\" in [\"a\", \"b\"]", false},
  });
}

TEST(Condition, BooleanOperatorsAndPrecedence) {
  ExpectAll({
      {"[type] and [port]", true},
      {"[type] and [missing]", false},
      {"[missing] or [type]", true},
      {"[missing] or [nul]", false},
      {"[type] xor [missing]", true},
      {"[type] xor [port]", false},
      {"[missing] xor [nul]", false},
      {"[type] nand [port]", false},
      {"[type] nand [missing]", true},
      {"[missing] and [type] or [port]", true},  // (missing and type) or port
      {"[port] or [type] and [missing]", true},  // port or (type and missing)
      {"([port] or [type]) and [missing]", false},
      {"[missing] and [type] and [port] or [t]", true},
      {"!([type] == \"iptables\")", false},
      {"!([missing])", true},
      {"!([type] and [missing]) and [port] == 22", true},
      {"[type] == \"iptables\" and \"_grokparsefailure\" not in [tags]", false},
      {"[type] == \"iptables\" and ([port] == 22 or [port] == 23)", true},
  });
}

TEST(Condition, ConstantsAndNoInterpolation) {
  ExpectAll({
      {"\"x\"", true},
      {"1 == 1", true},
      {"1 == 2", false},
      {"\"%{type}\" == \"iptables\"", false},
      {"[type] == \"%{type}\"", false},
      {"\"%{type}\" == \"%{type}\"", true},
  });
}

TEST(Condition, InvalidRegexIsAConfigErrorAtItsColumn) {
  Result<Condition> c = CompileCondition("[a] =~ /ab(c/");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = c.status().message();
  // "filter { if [a] =~ /ab(c/": the pattern starts at column 21, its end is column 25.
  EXPECT_TRUE(
      m.starts_with("test.conf:1:25: error: invalid regular expression: missing "
                    "closing parenthesis (at offset 4 of the pattern)\n"))
      << m;
  EXPECT_NE(m.find("    1 | filter { if [a] =~ /ab(c/ { } }\n      |                         ^"),
            std::string::npos)
      << m;
}

TEST(Condition, InvalidRegexInStringPointsAtTheString) {
  Result<Condition> c = CompileCondition("[a] !~ \"[z-a]\"");
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(
      c.status().message().starts_with("test.conf:1:20: error: invalid regular "
                                       "expression: range out of order"))
      << c.status().message();
}

TEST(Condition, HandBuiltAstErrorsInsteadOfCrashing) {
  config::Expr broken;
  broken.kind = config::Expr::Kind::kCompare;
  broken.op = "==";  // no children
  Result<Condition> c = Condition::Compile(broken, {});
  ASSERT_FALSE(c.ok());

  config::Expr regex_alone;
  regex_alone.kind = config::Expr::Kind::kRegex;
  regex_alone.regex = "x";
  EXPECT_FALSE(Condition::Compile(regex_alone, {}).ok());
}

TEST(Condition, ConditionsMoveAndOutliveTheirAst) {
  std::optional<Condition> kept;
  {
    config::PipelineAst ast;
    Result<Condition> c = CompileCondition("[type] =~ /^ipt/ and [port] in [22, 23]", &ast);
    ASSERT_TRUE(c.ok());
    kept.emplace(std::move(c).value());
  }
  EXPECT_TRUE(kept->Evaluate(SampleEvent()));
}

TEST(Condition, EvaluatesConcurrently) {
  Result<Condition> c = CompileCondition("[message] =~ /DPT=(\\d+) / and [n] >= 0");
  ASSERT_TRUE(c.ok());
  const Condition& cond = *c;
  constexpr int kThreads = 4;
  constexpr int kEventsPerThread = 5000;
  std::atomic<int> matched{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Event e = Event::FromMessage("", Timestamp());
      for (int i = 0; i < kEventsPerThread; ++i) {
        e.SetTop("message", i % 2 == 0 ? "SRC=1.2.3.4 DPT=22 LEN=60" : "no port here");
        e.SetTop("n", t);
        if (cond.Evaluate(e)) matched.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(matched.load(), kThreads * kEventsPerThread / 2);
}

}  // namespace
}  // namespace perimeter
