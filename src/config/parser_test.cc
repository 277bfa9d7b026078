#include "config/parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_loader.h"

namespace perimeter::config {
namespace {

namespace fs = std::filesystem;

Result<PipelineAst> Parse(std::string text, std::string name = "test.conf") {
  std::vector<SourceFile> files;
  files.push_back(FromString(std::move(name), std::move(text)));
  return ParsePipeline(std::move(files));
}

PipelineAst ParseOk(std::string text) {
  Result<PipelineAst> r = Parse(std::move(text));
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : PipelineAst{};
}

std::string ParseError(std::string text) {
  Result<PipelineAst> r = Parse(std::move(text));
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

// The settings of the first plugin of the first section.
const std::vector<Setting>& FirstSettings(const PipelineAst& ast) {
  return ast.sections.at(0).body.at(0).plugin.settings;
}

// A condition as an s-expression: (or (and [a] (== [b] "x")) (not [c])).
std::string Sexpr(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kField:
      return "[" + e.field.DottedName() + "]";
    case Expr::Kind::kLiteral:
      return e.literal.ToJson();
    case Expr::Kind::kRegex:
      return "/" + e.regex + "/";
    case Expr::Kind::kList: {
      std::string s = "(list";
      for (const auto& c : e.children) s += " " + Sexpr(*c);
      return s + ")";
    }
    case Expr::Kind::kNot:
      return "(not " + Sexpr(*e.children[0]) + ")";
    default:
      return "(" + e.op + " " + Sexpr(*e.children[0]) + " " + Sexpr(*e.children[1]) + ")";
  }
}

std::string ConditionOf(const std::string& condition) {
  PipelineAst ast = ParseOk("filter { if " + condition + " { drop {} } }");
  if (ast.sections.empty()) return "";
  return Sexpr(*ast.sections[0].body.at(0).branches.at(0).condition);
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const fs::path kTestdata = fs::path(PERIMETER_SOURCE_DIR) / "src/config/testdata";

TEST(Parser, EmptyConfigHasNoSections) {
  EXPECT_TRUE(ParseOk("").sections.empty());
  EXPECT_TRUE(ParseOk("  # only a comment\n").sections.empty());
}

TEST(Parser, SectionsInOrderAndRepeatable) {
  PipelineAst ast = ParseOk("input { } filter { } output { } filter { }");
  ASSERT_EQ(ast.sections.size(), 4u);
  EXPECT_EQ(ast.sections[0].kind, SectionKind::kInput);
  EXPECT_EQ(ast.sections[1].kind, SectionKind::kFilter);
  EXPECT_EQ(ast.sections[2].kind, SectionKind::kOutput);
  EXPECT_EQ(ast.sections[3].kind, SectionKind::kFilter);
}

TEST(Parser, EveryValueKind) {
  PipelineAst ast = ParseOk(R"(filter { test {
    dq => "double \"quoted\"\n"
    sq => 'single \'quoted\''
    unknown_escape => "\d+\.\w"
    int => 42
    negative => -7
    float => 1.5
    negative_float => -0.25
    bare_float => 3.
    yes => true
    no => false
    bare => rubydebug
    array => [ "a", 1, -2.5, true, word, [ "nested" ], { "k" => "v" } ]
    empty_array => []
    hash => { "k1" => "v1" k2 => 2, 3 => "three" "nested" => { "x" => [1] } }
    empty_hash => {}
  } })");
  const std::vector<Setting>& s = FirstSettings(ast);
  ASSERT_EQ(s.size(), 15u);
  EXPECT_EQ(s[0].value, Value("double \"quoted\"\n"));
  EXPECT_EQ(s[1].value, Value("single 'quoted'"));
  EXPECT_EQ(s[2].value, Value("\\d+\\.\\w"));
  EXPECT_TRUE(s[3].value.is_int());
  EXPECT_EQ(s[3].value.as_int(), 42);
  EXPECT_EQ(s[4].value.as_int(), -7);
  EXPECT_TRUE(s[5].value.is_float());
  EXPECT_EQ(s[5].value.as_float(), 1.5);
  EXPECT_EQ(s[6].value.as_float(), -0.25);
  EXPECT_TRUE(s[7].value.is_float());
  EXPECT_EQ(s[7].value.as_float(), 3.0);
  EXPECT_EQ(s[8].value, Value(true));
  EXPECT_EQ(s[9].value, Value(false));
  EXPECT_EQ(s[10].value, Value("rubydebug"));
  EXPECT_EQ(s[11].value.ToJson(), R"(["a",1,-2.5,true,"word",["nested"],{"k":"v"}])");
  EXPECT_EQ(s[12].value.ToJson(), "[]");
  EXPECT_EQ(s[13].value.ToJson(), R"({"k1":"v1","k2":2,"3":"three","nested":{"x":[1]}})");
  EXPECT_EQ(s[14].value.ToJson(), "{}");
}

TEST(Parser, QuotedSettingAndPluginNames) {
  PipelineAst ast = ParseOk(R"(output { "stdout" { "codec" => "json" } })");
  const PluginNode& p = ast.sections[0].body[0].plugin;
  EXPECT_EQ(p.name, "stdout");
  EXPECT_EQ(p.settings[0].name, "codec");
}

TEST(Parser, RepeatedSettingsStayInOrder) {
  PipelineAst ast = ParseOk(R"(filter { geoip {
    add_field => [ "[geoip][coordinates]", "%{[geoip][longitude]}" ]
    source => "ip"
    add_field => [ "[geoip][coordinates]", "%{[geoip][latitude]}" ]
  } })");
  const std::vector<Setting>& s = FirstSettings(ast);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].name, "add_field");
  EXPECT_EQ(s[1].name, "source");
  EXPECT_EQ(s[2].name, "add_field");
  EXPECT_EQ(s[2].value.as_array()[1], Value("%{[geoip][latitude]}"));
}

TEST(Parser, RepeatedHashKeyCollectsValues) {
  PipelineAst ast = ParseOk(R"(filter { grok { match => {
    "message" => "%{A}"
    "other" => "x"
    "message" => "%{B}"
    "message" => [ "%{C}", "%{D}" ]
  } } })");
  EXPECT_EQ(FirstSettings(ast)[0].value.ToJson(),
            R"({"message":["%{A}","%{B}","%{C}","%{D}"],"other":"x"})");
}

TEST(Parser, CommasBetweenSettingsAndHashEntriesAreOptional) {
  PipelineAst ast = ParseOk(R"(filter { kv { a => 1, b => { "x" => 1, "y" => 2 } } })");
  ASSERT_EQ(FirstSettings(ast).size(), 2u);
  EXPECT_EQ(FirstSettings(ast)[1].value.ToJson(), R"({"x":1,"y":2})");
}

TEST(Parser, CodecWithSettingsGoesIntoBlock) {
  PipelineAst ast =
      ParseOk("output { stdout { codec => json_lines { charset => \"UTF-8\" } id => \"x\" } }");
  const std::vector<Setting>& s = FirstSettings(ast);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].name, "codec");
  EXPECT_EQ(s[0].value, Value("json_lines"));
  ASSERT_EQ(s[0].block.size(), 1u);
  EXPECT_EQ(s[0].block[0].name, "charset");
  EXPECT_EQ(s[0].block[0].value, Value("UTF-8"));
  EXPECT_EQ(s[1].name, "id");

  PipelineAst bare = ParseOk("output { stdout { codec => rubydebug } }");
  EXPECT_EQ(FirstSettings(bare)[0].value, Value("rubydebug"));
  EXPECT_TRUE(FirstSettings(bare)[0].block.empty());
}

TEST(Parser, CommentsAnywhere) {
  PipelineAst ast = ParseOk(R"(# top
input # after keyword
{ # after brace
  # before plugin
  stdin # after name
  { # inside
    tags # before arrow
    => # after arrow
    [ # in array
      "a", # after item
      "b" # before close
    ] # after array
    add_field => { # in hash
      "k" # after key
      => "v" # after value
    }
  } # after plugin
} # after section
filter {
  if # before condition
     [a] == 1 # before brace
  { # in if
  } # before else
  else # between
  { }
}
# at the end)");
  ASSERT_EQ(ast.sections.size(), 2u);
  const std::vector<Setting>& s = FirstSettings(ast);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].value.ToJson(), R"(["a","b"])");
  EXPECT_EQ(s[1].value.ToJson(), R"({"k":"v"})");
  EXPECT_EQ(ast.sections[1].body[0].branches.size(), 2u);
}

TEST(Parser, IfElseIfElseChain) {
  PipelineAst ast = ParseOk(R"(filter {
  if [a] == 1 { mutate { add_tag => ["one"] } }
  else if [a] == 2 { mutate { add_tag => ["two"] } drop { } }
  else if [a] == 3 { }
  else { mutate { add_tag => ["other"] } }
  mutate { add_tag => ["after"] }
})");
  const std::vector<Statement>& body = ast.sections[0].body;
  ASSERT_EQ(body.size(), 2u);
  ASSERT_EQ(body[0].kind, Statement::Kind::kIf);
  const std::vector<Branch>& b = body[0].branches;
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(Sexpr(*b[0].condition), "(== [a] 1)");
  EXPECT_EQ(b[1].body.size(), 2u);
  EXPECT_EQ(Sexpr(*b[2].condition), "(== [a] 3)");
  EXPECT_TRUE(b[2].body.empty());
  EXPECT_EQ(b[3].condition, nullptr);
  EXPECT_EQ(b[3].location.line, 5);
  EXPECT_EQ(body[1].kind, Statement::Kind::kPlugin);
  EXPECT_EQ(body[1].plugin.name, "mutate");
}

TEST(Parser, NestedConditionalsInOutputs) {
  PipelineAst ast = ParseOk(R"(output {
  if [type] == "fw" { if [geoip] { stdout { } } else { file { path => "/x" } } }
})");
  const Branch& outer = ast.sections[0].body[0].branches[0];
  ASSERT_EQ(outer.body.size(), 1u);
  EXPECT_EQ(outer.body[0].branches.size(), 2u);
  EXPECT_EQ(outer.body[0].branches[1].body[0].plugin.name, "file");
}

TEST(Parser, EveryComparisonOperator) {
  EXPECT_EQ(ConditionOf("[a] == \"x\""), "(== [a] \"x\")");
  EXPECT_EQ(ConditionOf("[a] != 'x'"), "(!= [a] \"x\")");
  EXPECT_EQ(ConditionOf("[a] < 10"), "(< [a] 10)");
  EXPECT_EQ(ConditionOf("[a] > -1.5"), "(> [a] -1.5)");
  EXPECT_EQ(ConditionOf("[a]<=[b]"), "(<= [a] [b])");
  EXPECT_EQ(ConditionOf("1 >= [a]"), "(>= 1 [a])");
  EXPECT_EQ(ConditionOf("[message] =~ /DPT=(22|23) /"), "(=~ [message] /DPT=(22|23) /)");
  EXPECT_EQ(ConditionOf("[message] !~ \"^foo\""), "(!~ [message] \"^foo\")");
  EXPECT_EQ(ConditionOf("[path] =~ /\\/var\\/log/"), "(=~ [path] /\\/var\\/log/)");
  EXPECT_EQ(ConditionOf("\"_grokparsefailure\" in [tags]"), "(in \"_grokparsefailure\" [tags])");
  EXPECT_EQ(ConditionOf("\"x\" not in [tags]"), "(not in \"x\" [tags])");
  EXPECT_EQ(ConditionOf("[port] in [22, \"23\", ssh]"), "(in [port] (list 22 \"23\" \"ssh\"))");
  EXPECT_EQ(ConditionOf("[a] in [\"only\"]"), "(in [a] (list \"only\"))");
  EXPECT_EQ(ConditionOf("[a] in []"), "(in [a] (list))");
  EXPECT_EQ(ConditionOf("[a][b] == [@metadata][c]"), "(== [a.b] [@metadata.c])");
  EXPECT_EQ(ConditionOf("[src_ip]"), "[src_ip]");
  EXPECT_EQ(ConditionOf("![src_ip]"), "(not [src_ip])");
  EXPECT_EQ(ConditionOf("!([a] == 1)"), "(not (== [a] 1))");
  EXPECT_EQ(ConditionOf("\"constant\""), "\"constant\"");
}

TEST(Parser, AndBindsTighterThanOr) {
  EXPECT_EQ(ConditionOf("[a] or [b] and [c]"), "(or [a] (and [b] [c]))");
  EXPECT_EQ(ConditionOf("[a] and [b] or [c]"), "(or (and [a] [b]) [c])");
  EXPECT_EQ(ConditionOf("[a] and [b] and [c] or [d]"), "(or (and (and [a] [b]) [c]) [d])");
  EXPECT_EQ(ConditionOf("[a] or [b] or [c]"), "(or (or [a] [b]) [c])");
  EXPECT_EQ(ConditionOf("[a] or [b] and [c] or [d]"), "(or (or [a] (and [b] [c])) [d])");
}

TEST(Parser, ComparisonsBindTighterThanBooleanOperators) {
  EXPECT_EQ(ConditionOf("[a] == 1 and [b] =~ /x/ or \"t\" in [tags]"),
            "(or (and (== [a] 1) (=~ [b] /x/)) (in \"t\" [tags]))");
}

TEST(Parser, ParenthesesGroup) {
  EXPECT_EQ(ConditionOf("([a] or [b]) and [c]"), "(and (or [a] [b]) [c])");
  EXPECT_EQ(ConditionOf("(([a]))"), "[a]");
  EXPECT_EQ(ConditionOf("!([a] or [b]) and ([c] xor [d])"),
            "(and (not (or [a] [b])) (xor [c] [d]))");
}

TEST(Parser, XorAndNandAloneAreFine) {
  EXPECT_EQ(ConditionOf("[a] xor [b]"), "(xor [a] [b])");
  EXPECT_EQ(ConditionOf("[a] nand [b]"), "(nand [a] [b])");
}

TEST(Parser, ConditionsSpanLines) {
  EXPECT_EQ(ConditionOf("\"throttled\" not in [tags] and\n  (\n  [type] == \"fw\"\n  )"),
            "(and (not in \"throttled\" [tags]) (== [type] \"fw\"))");
}

TEST(Parser, LocationsOfEveryNode) {
  PipelineAst ast = ParseOk(
      "input {\n"
      "  stdin { id => \"in\" }\n"
      "}\n"
      "filter {\n"
      "    if [a] == \"x\" and [b] {\n"
      "      drop { }\n"
      "    } else {\n"
      "    }\n"
      "}\n");
  const Section& in = ast.sections[0];
  EXPECT_EQ(in.location.file, "test.conf");
  EXPECT_EQ(in.location.line, 1);
  EXPECT_EQ(in.location.column, 1);
  EXPECT_EQ(in.body[0].plugin.location.line, 2);
  EXPECT_EQ(in.body[0].plugin.location.column, 3);
  EXPECT_EQ(in.body[0].plugin.settings[0].location.column, 11);
  const Section& filter = ast.sections[1];
  EXPECT_EQ(filter.location.line, 4);
  const Branch& b = filter.body[0].branches[0];
  EXPECT_EQ(b.location.line, 5);
  EXPECT_EQ(b.location.column, 5);
  const Expr& cond = *b.condition;  // (and (== [a] "x") [b])
  EXPECT_EQ(cond.location.column, 8);
  EXPECT_EQ(cond.children[0]->children[1]->location.column, 15);
  EXPECT_EQ(cond.children[1]->location.column, 23);
  EXPECT_EQ(cond.children[1]->location.file, "test.conf");
  EXPECT_EQ(b.body[0].plugin.location.line, 6);
  EXPECT_EQ(filter.body[0].branches[1].location.line, 7);
  EXPECT_EQ(filter.body[0].branches[1].location.column, 7);
}

TEST(Parser, SeveralFilesConcatenateInOrder) {
  std::vector<SourceFile> files = {
      FromString("10-input.conf", "input { stdin { } }\nfilter { mutate { id => \"a\" } }"),
      FromString("20-filter.conf", "filter {\n  mutate { id => \"b\" }\n}"),
      FromString("30-output.conf", "output { stdout { } }")};
  Result<PipelineAst> r = ParsePipeline(std::move(files));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->sections.size(), 4u);
  EXPECT_EQ(r->sections[1].location.file, "10-input.conf");
  EXPECT_EQ(r->sections[2].location.file, "20-filter.conf");
  EXPECT_EQ(r->sections[2].body[0].plugin.location.line, 2);
  EXPECT_EQ(r->sections[3].kind, SectionKind::kOutput);
  ASSERT_EQ(r->files.size(), 3u);
  EXPECT_EQ(r->files[1].path, "20-filter.conf");
}

TEST(Parser, EachFileIsACompleteConfig) {
  // A section may not start in one file and end in the next.
  std::vector<SourceFile> files = {FromString("a.conf", "filter {\n  mutate { }\n"),
                                   FromString("b.conf", "}\n")};
  Result<PipelineAst> r = ParsePipeline(std::move(files));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("a.conf:1:8:"), std::string::npos) << r.status().message();
}

TEST(Parser, ErrorsInLaterFilesNameThatFile) {
  std::vector<SourceFile> files = {FromString("a.conf", "input { stdin { } }"),
                                   FromString("b.conf", "filter {\n  mutate { x = 1 }\n}")};
  Result<PipelineAst> r = ParsePipeline(std::move(files));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(r.status().message().starts_with("b.conf:2:14: error:")) << r.status().message();
  EXPECT_NE(r.status().message().find("    2 |   mutate { x = 1 }\n"), std::string::npos);
}

TEST(Parser, SeedStep23WithBracesRestoredParses) {
  std::string text = ReadFile(kTestdata / "seed_step23_restored.conf");
  ASSERT_FALSE(text.empty());
  PipelineAst ast = ParseOk(text);
  ASSERT_EQ(ast.sections.size(), 3u);
  const PluginNode& file = ast.sections[0].body[0].plugin;
  EXPECT_EQ(file.name, "file");
  EXPECT_EQ(file.settings[0].value.ToJson(), R"(["/var/log/iptables.log"])");
  EXPECT_EQ(file.settings[1].value, Value("iptables"));

  const std::vector<Statement>& filters = ast.sections[1].body;
  ASSERT_EQ(filters.size(), 2u);
  EXPECT_EQ(Sexpr(*filters[0].branches[0].condition), "(== [type] \"iptables\")");
  const PluginNode& grok = filters[0].branches[0].body[0].plugin;
  EXPECT_EQ(grok.settings[0].value.ToJson(), R"({"message":"%{IPTABLES}"})");
  EXPECT_EQ(Sexpr(*filters[1].branches[0].condition), "[src_ip]");
  const std::vector<Statement>& geo = filters[1].branches[0].body;
  ASSERT_EQ(geo.size(), 2u);
  EXPECT_EQ(geo[0].plugin.name, "geoip");
  EXPECT_EQ(geo[0].plugin.settings.size(), 5u);
  EXPECT_EQ(geo[1].plugin.name, "mutate");

  const std::vector<Statement>& outputs = ast.sections[2].body;
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[0].plugin.settings[0].value, Value("rubydebug"));
  EXPECT_EQ(outputs[1].plugin.name, "elasticsearch");
}

// The config exactly as the blog published it: every closing brace lost. The first place where
// it cannot be right is `filter {` inside the input's `file` plugin.
void ExpectLostBracesError(const std::string& text) {
  Result<PipelineAst> r = Parse(text, "geoiptables.conf");
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_TRUE(
      m.starts_with("geoiptables.conf:6:5: error: 'filter' section starts inside 'input' "
                    "opened at 1:1 — is a '}' missing before line 6?"))
      << m;
  EXPECT_NE(m.find("'input' (1:1), 'file' (3:5)"), std::string::npos) << m;
}

TEST(Parser, SeedStep23AsPublishedPointsAtTheMissingBrace) {
  ExpectLostBracesError(ReadFile(kTestdata / "errors/seed_step23_lost_braces.conf"));
}

TEST(Parser, SeedStep23FromSharedSeed) {
  fs::path seed_dir = fs::path(PERIMETER_SOURCE_DIR) / "../shared/seed";
  if (!fs::is_directory(seed_dir)) GTEST_SKIP() << "no " << seed_dir;
  std::string config;
  for (const auto& entry : fs::directory_iterator(seed_dir)) {
    std::istringstream in(ReadFile(entry.path()));
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
      if (line.starts_with("  23. input {")) {
        inside = true;
        line = line.substr(6);
      } else if (inside && line.starts_with("  24. ")) {
        break;
      }
      if (inside) config += line + "\n";
    }
    if (inside) break;
  }
  if (config.empty()) GTEST_SKIP() << "step 23 not found in the seed";
  ExpectLostBracesError(config);
}

TEST(Parser, FindsTheLikelyMissingBraceFromIndentation) {
  std::string m = ParseError(
      "filter {\n"
      "  if [a] {\n"
      "    grok { }\n"
      "  mutate { }\n"
      "}\n");
  EXPECT_TRUE(
      m.starts_with("test.conf:1:8: error: the 'filter' section opened here is never "
                    "closed"))
      << m;
  EXPECT_NE(m.find("is a '}' missing before line 4? 'mutate' at 4:3 is indented like 'if' at "
                   "2:3"),
            std::string::npos)
      << m;
}

TEST(Parser, WithoutIndentationCluesPointsAtTheInnermostBlock) {
  std::string m = ParseError("filter {\nif [a] {\ngrok {\nmatch => {\"a\" => \"b\"}\n");
  EXPECT_TRUE(m.starts_with("test.conf:3:6: error: plugin 'grok' opened here is never closed"))
      << m;
  EXPECT_NE(m.find("hint: add the missing '}'; still open at the end of the file: 'filter' "
                   "(1:1), 'if' (2:1), 'grok' (3:1)"),
            std::string::npos)
      << m;
}

// Each testdata/errors/NAME.conf must fail with exactly the message in NAME.golden.
// UPDATE_GOLDEN=1 rewrites the golden files from the current messages.
TEST(Parser, ErrorMessagesMatchGoldenFiles) {
  const bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
  int checked = 0;
  std::vector<fs::path> confs;
  for (const auto& entry : fs::directory_iterator(kTestdata / "errors")) {
    if (entry.path().extension() == ".conf") confs.push_back(entry.path());
  }
  std::sort(confs.begin(), confs.end());
  for (const fs::path& conf : confs) {
    SCOPED_TRACE(conf.filename().string());
    Result<PipelineAst> r = Parse(ReadFile(conf), conf.filename().string());
    ASSERT_FALSE(r.ok()) << "expected a parse error";
    fs::path golden = conf;
    golden.replace_extension(".golden");
    if (update) {
      std::ofstream(golden, std::ios::binary) << r.status().message();
    } else {
      ASSERT_TRUE(fs::exists(golden)) << "missing " << golden << " (run with UPDATE_GOLDEN=1)";
      EXPECT_EQ(r.status().message(), ReadFile(golden));
    }
    ++checked;
  }
  EXPECT_GE(checked, 30);
}

TEST(Parser, SectionKeywordAtEndOfFile) {
  EXPECT_TRUE(ParseError("input").starts_with(
      "test.conf:1:6: error: expected '{' after 'input', found the end of the file"));
}

TEST(Parser, RejectsBareFieldsButNotFieldRefs) {
  EXPECT_NE(ParseError("filter { if message =~ /x/ { } }").find("write [message] for the field"),
            std::string::npos);
  EXPECT_EQ(ConditionOf("[message] =~ /x/"), "(=~ [message] /x/)");
}

TEST(Parser, FieldNamedLikeSectionIsStillASetting) {
  PipelineAst ast = ParseOk("filter { test { filter => \"x\" output => 1 } }");
  EXPECT_EQ(FirstSettings(ast).size(), 2u);
}

TEST(Parser, LargeConfigParsesQuickly) {
  // 5000 plugins and conditionals: the parser must not be quadratic.
  std::string text = "filter {\n";
  for (int i = 0; i < 2500; ++i) {
    text += "  if [type] == \"t" + std::to_string(i) + "\" and [n] > " + std::to_string(i) +
            " {\n    mutate { add_field => { \"k\" => \"v\" } add_tag => [\"a\", \"b\"] }\n  }\n";
    text += "  grok { match => { \"message\" => \"%{SYSLOGLINE}\" } }\n";
  }
  text += "}\n";
  PipelineAst ast = ParseOk(text);
  EXPECT_EQ(ast.sections[0].body.size(), 5000u);
}

}  // namespace
}  // namespace perimeter::config
