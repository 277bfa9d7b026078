#include "filters/grok/grok_filter.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "filters/grok/ruby_number.h"

namespace perimeter::grok {
namespace {

// A grok filter from options given as an object; the test fails on a configuration error.
std::unique_ptr<FilterPlugin> Make(const Object& options, const PluginContext& context = {}) {
  auto config = PluginConfig::FromObject(kGrokFilter, options);
  EXPECT_TRUE(config.ok()) << config.status().message();
  if (!config.ok()) return nullptr;
  auto plugin = kGrokFilter.create(*config, context);
  EXPECT_TRUE(plugin.ok()) << plugin.status().message();
  if (!plugin.ok()) return nullptr;
  return std::unique_ptr<FilterPlugin>(static_cast<FilterPlugin*>(plugin->release()));
}

Status MakeError(const Object& options) {
  auto config = PluginConfig::FromObject(kGrokFilter, options);
  if (!config.ok()) return config.status();
  auto plugin = kGrokFilter.create(*config, PluginContext{});
  return plugin.ok() ? Status::OK() : plugin.status();
}

Object Match(const std::string& field, Value patterns) {
  Object o;
  Object m;
  m.Set(field, std::move(patterns));
  o.Set("match", std::move(m));
  return o;
}

Object With(Object o, std::string_view key, Value v) {
  o.Set(key, std::move(v));
  return o;
}

Event Line(std::string text) { return Event::FromMessage(std::move(text), Timestamp(0)); }

const Value* Get(const Event& e, std::string_view ref) { return e.Get(FieldRef::Of(ref)); }

TEST(GrokFilter, CapturesFieldsWithConversions) {
  auto f = Make(Match("message", "%{WORD:verb} %{INT:count:int} %{NUMBER:ratio:float}"));
  Event e = Line("GET 42 0.5");
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(Get(e, "verb")->as_string(), "GET");
  EXPECT_EQ(Get(e, "count")->as_int(), 42);
  ASSERT_TRUE(Get(e, "ratio")->is_float());
  EXPECT_DOUBLE_EQ(Get(e, "ratio")->as_float(), 0.5);
  EXPECT_FALSE(e.HasTag("_grokparsefailure"));
}

TEST(GrokFilter, FailureTagsTheEventAndKeepsIt) {
  auto f = Make(Match("message", "^%{INT:n}$"));
  Event e = Line("not a number");
  EXPECT_FALSE(f->Filter(e));
  EXPECT_TRUE(e.HasTag("_grokparsefailure"));
  EXPECT_FALSE(e.cancelled());
  EXPECT_EQ(Get(e, "message")->as_string(), "not a number");

  auto custom = Make(
      With(Match("message", "^%{INT:n}$"), "tag_on_failure", Array{Value("bad"), Value("worse")}));
  Event c = Line("x");
  EXPECT_FALSE(custom->Filter(c));
  EXPECT_TRUE(c.HasTag("bad") && c.HasTag("worse"));
  EXPECT_FALSE(c.HasTag("_grokparsefailure"));
}

TEST(GrokFilter, FieldReferencesAndOnigurumaNamedGroups) {
  auto f = Make(
      Match("message", "%{IP:[source][ip]} (?<queue_id>[0-9A-F]{5}) (?<[a][b]>\\w+) (?<hex>\\h+)"));
  Event e = Line("10.1.2.3 BEF25 word 0aF9");
  ASSERT_TRUE(f->Filter(e));
  EXPECT_EQ(Get(e, "[source][ip]")->as_string(), "10.1.2.3");
  EXPECT_EQ(Get(e, "queue_id")->as_string(), "BEF25");
  EXPECT_EQ(Get(e, "[a][b]")->as_string(), "word");
  EXPECT_EQ(Get(e, "hex")->as_string(), "0aF9");  // \h is a hex digit, as in Oniguruma
}

TEST(GrokFilter, BreakOnMatchStopsAtTheFirstMatchingPattern) {
  Array patterns{Value("%{WORD:first}"), Value("%{WORD:second}")};
  auto f = Make(Match("message", patterns));
  Event e = Line("hello");
  EXPECT_TRUE(f->Filter(e));
  EXPECT_NE(Get(e, "first"), nullptr);
  EXPECT_EQ(Get(e, "second"), nullptr);

  auto all = Make(With(Match("message", patterns), "break_on_match", false));
  Event both = Line("hello");
  EXPECT_TRUE(all->Filter(both));
  EXPECT_NE(Get(both, "first"), nullptr);
  EXPECT_NE(Get(both, "second"), nullptr);
}

TEST(GrokFilter, WithoutBreakOnMatchTheLastPatternDecidesAsInLogstash) {
  Array patterns{Value("%{WORD:first}"), Value("^%{INT:n}$")};
  auto f = Make(With(Match("message", patterns), "break_on_match", false));
  Event e = Line("hello");
  EXPECT_FALSE(f->Filter(e));
  EXPECT_EQ(Get(e, "first")->as_string(), "hello");  // captured, yet the event failed
  EXPECT_TRUE(e.HasTag("_grokparsefailure"));
}

TEST(GrokFilter, SeveralFieldsAndTheOldArrayForm) {
  Object o;
  o.Set("match", Array{Value("message"), Value("%{WORD:w}"), Value("other"), Value("%{INT:i}")});
  auto f = Make(With(std::move(o), "break_on_match", false));
  Event e = Line("abc");
  e.SetTop("other", "12");
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(Get(e, "w")->as_string(), "abc");
  EXPECT_EQ(Get(e, "i")->as_string(), "12");
}

TEST(GrokFilter, NamedCapturesOnlyOffCapturesBareReferences) {
  auto f = Make(With(Match("message", "%{WORD} %{INT:n}"), "named_captures_only", false));
  Event e = Line("abc 7");
  ASSERT_TRUE(f->Filter(e));
  EXPECT_EQ(Get(e, "WORD")->as_string(), "abc");
  EXPECT_EQ(Get(e, "n")->as_string(), "7");
  auto only = Make(Match("message", "%{WORD} %{INT:n}"));
  Event o = Line("abc 7");
  ASSERT_TRUE(only->Filter(o));
  EXPECT_EQ(Get(o, "WORD"), nullptr);
}

TEST(GrokFilter, EmptyCapturesAreDroppedUnlessKept) {
  Object m = Match("message", "(?<empty>a*)b(?<absent>z)?");
  auto f = Make(m);
  Event e = Line("b");
  ASSERT_TRUE(f->Filter(e));
  EXPECT_EQ(Get(e, "empty"), nullptr);
  EXPECT_EQ(Get(e, "absent"), nullptr);

  auto keep = Make(With(m, "keep_empty_captures", true));
  Event k = Line("b");
  ASSERT_TRUE(keep->Filter(k));
  ASSERT_NE(Get(k, "empty"), nullptr);
  EXPECT_EQ(Get(k, "empty")->as_string(), "");
  ASSERT_NE(Get(k, "absent"), nullptr);
  EXPECT_TRUE(Get(k, "absent")->is_null());
}

TEST(GrokFilter, ExistingFieldsGetCapturesAppendedUnlessOverwritten) {
  auto f = Make(Match("message", "%{WORD} %{GREEDYDATA:message}"));
  Event e = Line("prefix rest of it");
  ASSERT_TRUE(f->Filter(e));
  ASSERT_TRUE(Get(e, "message")->is_array());
  EXPECT_EQ(Get(e, "message")->as_array().size(), 2u);
  EXPECT_EQ(Get(e, "message")->as_array()[1].as_string(), "rest of it");

  auto o = Make(With(Match("message", "%{WORD} %{GREEDYDATA:message}"), "overwrite",
                     Array{Value("message")}));
  Event w = Line("prefix rest of it");
  ASSERT_TRUE(o->Filter(w));
  EXPECT_EQ(Get(w, "message")->as_string(), "rest of it");

  // A field holding a number is left alone.
  auto n = Make(Match("message", "%{WORD:count}"));
  Event num = Line("abc");
  num.SetTop("count", 5);
  ASSERT_TRUE(n->Filter(num));
  EXPECT_EQ(Get(num, "count")->as_int(), 5);
}

TEST(GrokFilter, RepeatedNamesCollectAndOnlyTheFirstIsConverted) {
  auto f = Make(Match("message", "%{WORD:w} %{WORD:w} %{INT:n:int} %{INT:n:int}"));
  Event e = Line("a b 1 2");
  ASSERT_TRUE(f->Filter(e));
  ASSERT_TRUE(Get(e, "w")->is_array());
  EXPECT_EQ(Get(e, "w")->as_array()[0].as_string(), "a");
  EXPECT_EQ(Get(e, "w")->as_array()[1].as_string(), "b");
  // n became the integer 1; a capture into a field holding a number is dropped.
  EXPECT_EQ(Get(e, "n")->as_int(), 1);

  // Only the first group of a name gets :int (jls-grok, as Logstash): the IPv6 ttl quirk.
  auto alt = Make(Match("message", "(?:v4 %{INT:ttl:int}|v6 %{INT:ttl:int})"));
  Event v4 = Line("v4 64");
  Event v6 = Line("v6 64");
  ASSERT_TRUE(alt->Filter(v4) && alt->Filter(v6));
  EXPECT_TRUE(Get(v4, "ttl")->is_int());
  EXPECT_TRUE(Get(v6, "ttl")->is_string());
}

// A fresh event (none of the pattern's fields set) takes the append-only path: nested objects
// built in first-capture order, the same fields as the general path would give.
TEST(GrokFilter, FreshEventsGetNestedFieldsInCaptureOrder) {
  auto f =
      Make(Match("message", "%{INT:[a][n]:int} %{WORD:[a][w]} %{WORD:top} %{INT:[b][c][d]:int}"));
  Event e = Line("007 x y -5");
  ASSERT_TRUE(f->Filter(e));
  std::string json = e.ToJson();
  EXPECT_NE(json.find(R"("a":{"n":7,"w":"x"},"top":"y","b":{"c":{"d":-5}})"), std::string::npos)
      << json;
  // The same pattern on an event that already has `top` (general path): top collects both.
  Event seeded = Line("007 x y -5");
  seeded.SetTop("top", "before");
  ASSERT_TRUE(f->Filter(seeded));
  ASSERT_TRUE(Get(seeded, "top")->is_array());
  EXPECT_EQ(Get(seeded, "top")->as_array()[1].as_string(), "y");
  EXPECT_EQ(Get(seeded, "[a][n]")->as_int(), 7);
  EXPECT_EQ(Get(seeded, "[b][c][d]")->as_int(), -5);
}

// The fast integer conversion of fresh fields agrees with Ruby's to_i on every kind of text.
TEST(GrokFilter, FreshIntegerConversionMatchesRubyToI) {
  auto f = Make(Match("message", "%{NOTSPACE:n:int}"));
  for (const char* text : {"0", "007", "-12", "+4", "123456789012345678", "1234567890123456789",
                           "99999999999999999999", "1_000", "12abc", "abc", "-"}) {
    Event e = Line(text);
    ASSERT_TRUE(f->Filter(e)) << text;
    EXPECT_EQ(*Get(e, "n"), RubyToI(text)) << text;
    EXPECT_EQ(Get(e, "n")->type(), RubyToI(text).type()) << text;
  }
  // Inside a longer line, where up to 8 digits are read as one word.
  auto within = Make(Match("message", "%{NOTSPACE:n:int} %{GREEDYDATA:rest}"));
  for (const char* text :
       {"0", "7", "42", "1234567", "12345678", "123456789", "1x", "1234567x", "-1", "12:34"}) {
    Event e = Line(std::string(text) + " WINDOW=64240 RES=0x00");
    ASSERT_TRUE(within->Filter(e)) << text;
    EXPECT_EQ(*Get(e, "n"), RubyToI(text)) << text;
  }
}

// Short text captures are copied as a fixed 15 bytes and cut to size when the subject goes on
// that far: every length, at every distance from the subject's end, reads back exactly.
TEST(GrokFilter, FreshTextOfEveryLengthAtEveryDistanceFromTheEnd) {
  for (size_t n = 1; n <= 20; ++n) {
    auto f = Make(Match("message", fmt::format("^x*(?<a>[a-z]{{{}}})y*$", n)));
    std::string word;
    for (size_t i = 0; i < n; ++i) word.push_back(static_cast<char>('a' + i));
    for (size_t tail = 0; tail <= 20; ++tail) {
      Event e = Line("xxx" + word + std::string(tail, 'y'));
      ASSERT_TRUE(f->Filter(e)) << n << " " << tail;
      const std::string& a = Get(e, "a")->as_string();
      EXPECT_EQ(a, word) << n << " " << tail;
      EXPECT_EQ(a.c_str()[n], '\0');
    }
  }
}

// A flat pattern's fresh fields may outgrow the room an event was made with: the event's field
// list grows while they are stored, and keeps them all, in order.
TEST(GrokFilter, FreshFlatFieldsOutgrowTheEvent) {
  std::string pattern;
  for (int i = 0; i < 40; ++i) pattern += fmt::format("(?<f{}>x)?", i);
  auto f = Make(With(Match("message", pattern + "(?<last>y)"), "keep_empty_captures", true));
  Event bare;  // not made by an input: no room reserved
  bare.SetTop("message", "xxy");
  Event line = Line("xxy");
  for (Event* e : {&bare, &line}) {
    ASSERT_TRUE(f->Filter(*e));
    EXPECT_EQ(Get(*e, "f0")->as_string(), "x");
    EXPECT_EQ(Get(*e, "f1")->as_string(), "x");
    for (int i = 2; i < 40; ++i) EXPECT_TRUE(Get(*e, fmt::format("f{}", i))->is_null()) << i;
    EXPECT_EQ(Get(*e, "last")->as_string(), "y");
    EXPECT_EQ(e->fields().key(e->fields().size() - 1), "last");
  }
}

// A field both set and nested into by one pattern goes the general way, as in Logstash: an
// object is left alone by a later text capture; a text is replaced by a later nested one.
TEST(GrokFilter, FieldSetAndNestedIntoByOnePattern) {
  auto nested_first = Make(Match("message", "%{WORD:[a][b]} %{WORD:a}"));
  Event e = Line("x y");
  ASSERT_TRUE(nested_first->Filter(e));
  EXPECT_EQ(Get(e, "[a][b]")->as_string(), "x");

  auto text_first = Make(Match("message", "%{WORD:a} %{WORD:[a][b]}"));
  Event t = Line("x y");
  ASSERT_TRUE(text_first->Filter(t));
  EXPECT_EQ(Get(t, "[a][b]")->as_string(), "y");
}

// A long message is matched in place unless a capture stores into it.
TEST(GrokFilter, CapturesIntoTheSourceFieldReadACopy) {
  std::string long_text(200, 'z');
  auto o = Make(With(Match("message", "%{WORD:first} %{GREEDYDATA:message}"), "overwrite",
                     Array{Value("message")}));
  Event w = Line("ab " + long_text);
  ASSERT_TRUE(o->Filter(w));
  EXPECT_EQ(Get(w, "message")->as_string(), long_text);
  EXPECT_EQ(Get(w, "first")->as_string(), "ab");

  auto in_place = Make(Match("message", "(?<head>.{10})(?<tail>.*)"));
  Event p = Line(long_text + "tail");
  ASSERT_TRUE(in_place->Filter(p));
  EXPECT_EQ(Get(p, "head")->as_string(), long_text.substr(0, 10));
  EXPECT_EQ(Get(p, "tail")->as_string(), long_text.substr(10) + "tail");
  EXPECT_EQ(Get(p, "message")->as_string(), long_text + "tail");
}

TEST(GrokFilter, PatternDefinitionsAndPatternsDirOverrideBuiltins) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("grok_filter_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "mine") << "WORD [a-z]{2}\nPOSTFIX_QUEUEID [0-9A-F]{10,11}\n";
  std::ofstream(dir / "a.bak") << "POSTFIX_QUEUEID nope\n";
  auto f = Make(With(With(Match("message", "%{WORD:w} %{POSTFIX_QUEUEID:q} %{MINE:m}"),
                          "patterns_dir", Array{Value(dir.string())}),
                     "pattern_definitions", [] {
                       Object d;
                       d.Set("MINE", "x+");
                       return Value(std::move(d));
                     }()));
  Event e = Line("abcd BEF25A72965 xxx");
  ASSERT_TRUE(f->Filter(e));
  EXPECT_EQ(Get(e, "w")->as_string(), "cd");  // our WORD, not the built-in one
  EXPECT_EQ(Get(e, "q")->as_string(), "BEF25A72965");
  EXPECT_EQ(Get(e, "m")->as_string(), "xxx");

  auto glob = Make(With(
      With(Match("message", "%{POSTFIX_QUEUEID:q}"), "patterns_dir", Array{Value(dir.string())}),
      "patterns_files_glob", "*.bak"));
  Event g = Line("nope");
  EXPECT_TRUE(glob->Filter(g));
  fs::remove_all(dir);
}

TEST(GrokFilter, ConfigurationErrorsSayWhatIsWrong) {
  Status undefined = MakeError(Match("message", "%{NOT_A_PATTERN:x}"));
  EXPECT_NE(undefined.message().find("NOT_A_PATTERN"), std::string::npos);
  Object defs;
  defs.Set("A", "%{B}");
  defs.Set("B", "%{A}");
  Status recursive = MakeError(With(Match("message", "%{A}"), "pattern_definitions", defs));
  EXPECT_NE(recursive.message().find("recursive"), std::string::npos) << recursive.message();
  Status bad_regex = MakeError(Match("message", "(unclosed"));
  EXPECT_NE(bad_regex.message().find("does not compile"), std::string::npos);
  EXPECT_FALSE(
      MakeError(With(Match("message", "x"), "patterns_dir", Array{Value("/no/such")})).ok());
  EXPECT_FALSE(MakeError(Object()).ok());  // no match
}

TEST(GrokFilter, CatastrophicBacktrackingTimesOutQuickly) {
  auto f = Make(With(Match("message", "^(\\w+\\s?)+$"), "timeout_millis", 50));
  Event e = Line(std::string(40, 'a') + " " + std::string(40, 'b') + "!");
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(f->Filter(e));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(2));
  EXPECT_TRUE(e.HasTag("_groktimeout"));
  EXPECT_FALSE(e.HasTag("_grokparsefailure"));  // a timeout is not a parse failure

  auto custom = Make(
      With(With(Match("message", "^(\\w+\\s?)+$"), "timeout_millis", 0), "tag_on_timeout", "slow"));
  Event c = Line(std::string(40, 'a') + " " + std::string(40, 'b') + "!");
  EXPECT_FALSE(custom->Filter(c));  // 0: no timeout, but the hard step cap still stops it
  EXPECT_TRUE(c.HasTag("slow"));
}

TEST(GrokFilter, EventScopeTimeoutStillMatchesNormalLines) {
  auto f = Make(With(With(Match("message", Array{Value("^%{INT:a}$"), Value("%{WORD:w}")}),
                          "timeout_scope", "event"),
                     "timeout_millis", 1000));
  Event e = Line("word");
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(Get(e, "w")->as_string(), "word");
}

TEST(GrokFilter, EcsCompatibilitySelectsTheLibraryFlavour) {
  const char* line = "Jun 10 06:25:01 fw01 sshd[42]: hi";
  auto ecs = Make(Match("message", "%{SYSLOGBASE} %{GREEDYDATA:rest}"));  // context: v8
  Event e = Line(line);
  ASSERT_TRUE(ecs->Filter(e));
  EXPECT_EQ(Get(e, "[process][name]")->as_string(), "sshd");
  EXPECT_EQ(Get(e, "[process][pid]")->as_int(), 42);
  EXPECT_EQ(Get(e, "[host][hostname]")->as_string(), "fw01");

  auto legacy = Make(
      With(Match("message", "%{SYSLOGBASE} %{GREEDYDATA:rest}"), "ecs_compatibility", "disabled"));
  Event l = Line(line);
  ASSERT_TRUE(legacy->Filter(l));
  EXPECT_EQ(Get(l, "program")->as_string(), "sshd");
  EXPECT_EQ(Get(l, "pid")->as_string(), "42");
  EXPECT_EQ(Get(l, "logsource")->as_string(), "fw01");

  PluginContext ctx;
  ctx.ecs_compatibility = "disabled";
  auto from_context = Make(Match("message", "%{SYSLOGBASE}"), ctx);
  Event c = Line(line);
  ASSERT_TRUE(from_context->Filter(c));
  EXPECT_NE(Get(c, "program"), nullptr);
}

TEST(GrokFilter, ArrayFieldsMatchEachElement) {
  auto f = Make(Match("tags_in", "%{INT:n}"));
  Event e = Line("x");
  e.SetTop("tags_in", Array{Value("1"), Value("no"), Value("3")});
  EXPECT_TRUE(f->Filter(e));
  ASSERT_TRUE(Get(e, "n")->is_array());
  EXPECT_EQ(Get(e, "n")->as_array().size(), 2u);
}

TEST(GrokFilter, MissingFieldIsMatchedAsEmptyTextAsInLogstash) {
  auto f = Make(Match("nosuch", "^$"));
  Event e = Line("x");
  EXPECT_TRUE(f->Filter(e));
  auto g = Make(Match("nosuch", "%{WORD:w}"));
  Event h = Line("x");
  EXPECT_FALSE(g->Filter(h));
}

TEST(GrokFilter, TargetNestsEveryCapture) {
  auto f = Make(With(Match("message", "%{WORD:a} %{INT:[b][c]:int}"), "target", "parsed"));
  Event e = Line("x 5");
  ASSERT_TRUE(f->Filter(e));
  EXPECT_EQ(Get(e, "[parsed][a]")->as_string(), "x");
  EXPECT_EQ(Get(e, "[parsed][b][c]")->as_int(), 5);
}

TEST(GrokFilter, MetadataCapturesGoToMetadata) {
  auto f = Make(Match("message", "%{WORD:[@metadata][w]}"));
  Event e = Line("x");
  ASSERT_TRUE(f->Filter(e));
  EXPECT_EQ(Get(e, "[@metadata][w]")->as_string(), "x");
  EXPECT_EQ(e.ToJson().find("@metadata"), std::string::npos);
}

TEST(GrokFilter, ConcurrentWorkersGetTheirOwnResults) {
  auto f = Make(Match("message", "%{IP:ip} %{INT:n:int} %{WORD:w}"));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        Event e = Line(fmt::format("10.0.{}.{} {} w{}", t, i % 250, i, t));
        if (!f->Filter(e) || Get(e, "n")->as_int() != i ||
            Get(e, "w")->as_string() != fmt::format("w{}", t)) {
          ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  Object stats;
  f->AppendStats(&stats);
  EXPECT_EQ(stats.Find("matches")->as_int(), 8000);
}

// A filter made from `options`, and the same filter storing every match with the general
// fresh-store loop instead of per-shape programs.
std::pair<std::unique_ptr<FilterPlugin>, std::unique_ptr<FilterPlugin>> ProgramsAndLoop(
    const Object& options) {
  auto programs = Make(options);
  auto loop = Make(options);
  if (loop != nullptr) static_cast<GrokFilter*>(loop.get())->DisableShapePrograms();
  return {std::move(programs), std::move(loop)};
}

// Filters `line` with both and expects the same event: the same fields, values, member order
// (the JSON shows it) and tags. Returns that event's JSON.
std::string ExpectSameEvent(FilterPlugin* programs, FilterPlugin* loop, const std::string& line) {
  Event a = Line(line);
  Event b = Line(line);
  const bool matched_a = programs->Filter(a);
  const bool matched_b = loop->Filter(b);
  EXPECT_EQ(matched_a, matched_b) << line;
  EXPECT_EQ(a.ToJson(), b.ToJson()) << line;
  return a.ToJson();
}

int64_t ShapePrograms(const FilterPlugin& f) {
  Object stats;
  f.AppendStats(&stats);
  return stats.Find("shape_programs")->as_int();
}

// The per-shape programs store exactly what the general loop stores, for every shape of a
// pattern with nested and flat fields, optional and empty captures, conversions (an empty one
// too) and a name captured twice (merged into an array); each line twice, the second time from
// the table. First in slices of 64 shapes, each with fresh filters, so that every shape gets a
// program; then all 512 with one pair, more than a table keeps, so the later ones take the loop.
TEST(GrokFilter, ShapeProgramsStoreWhatTheGeneralLoopStores) {
  Object options =
      Match("message",
            "^(?:a=%{DATA:[x][a]} )?(?:b=%{DIGITS:[x][y][b]:int} )?(?:c=%{NOTSPACE:c} )?"
            "(?:d=%{NUMBER:[z][d]:float} )?(?:r=%{WORD:rep} )?(?:s=%{INT:rep} )?"
            "(?:t=%{WORD:[x][t]} )?(?:u=%{WORD:[z][w][u]} )?(?:v=%{INT:v:int} )?end$");
  Object definitions;
  definitions.Set("DIGITS", "\\d*");
  options.Set("pattern_definitions", std::move(definitions));
  const char* parts[] = {"a={} ", "b={} ",  "c=c{} ", "d={}.5 ", "r=r{} ",
                         "s={} ", "t=t{} ", "u=u{} ", "v={} "};
  auto line_of = [&](uint32_t mask) {
    std::string line;
    for (uint32_t p = 0; p < 9; ++p) {
      if ((mask >> p & 1) == 0) continue;
      // Every third line leaves a= and b= empty: dropped as text, 0 as an integer.
      const bool empty = (p == 0 || p == 1) && mask % 3 == 0;
      line += fmt::format(fmt::runtime(parts[p]), empty ? "" : std::to_string(mask + p));
    }
    return line + "end";
  };
  std::set<std::string> events;
  for (uint32_t slice = 0; slice < 8; ++slice) {
    auto [programs, loop] = ProgramsAndLoop(options);
    ASSERT_NE(programs, nullptr);
    for (int round = 0; round < 2; ++round) {
      for (uint32_t mask = slice; mask < 512; mask += 8) {
        events.insert(ExpectSameEvent(programs.get(), loop.get(), line_of(mask)));
      }
    }
    // The lines of a slice have about 64 shapes (empty captures merge some); the loop has none.
    EXPECT_GE(ShapePrograms(*programs), 32) << slice;
    EXPECT_EQ(ShapePrograms(*loop), 0);
  }
  EXPECT_EQ(events.size(), 512u);  // distinct events: the lines were told apart

  auto [programs, loop] = ProgramsAndLoop(options);
  for (uint32_t mask = 0; mask < 512; ++mask) {
    ExpectSameEvent(programs.get(), loop.get(), line_of(mask));
  }
  EXPECT_LE(ShapePrograms(*programs), static_cast<int64_t>(ShapeTable::kSlots));
  Event both = Line("b= r=rr s=7 end");
  ASSERT_TRUE(programs->Filter(both));
  EXPECT_NE(both.ToJson().find(R"("x":{"y":{"b":0}})"), std::string::npos) << both.ToJson();
  ASSERT_TRUE(Get(both, "rep")->is_array());
  EXPECT_EQ(Get(both, "rep")->as_array()[1].as_string(), "7");
}

// The same for the built-in IPTABLES pattern, in both flavours, on real lines of every kind
// (TCP, UDP, ICMP, IPv6, with and without MACs and flags).
TEST(GrokFilter, ShapeProgramsStoreIptablesLinesAsTheLoop) {
  std::vector<std::string> lines;
  for (const char* file : {"iptables-sample.log", "firewall-formats.log"}) {
    std::ifstream in(std::string(PERIMETER_SOURCE_DIR) + "/tests/data/" + file);
    for (std::string line; std::getline(in, line);) {
      if (!line.starts_with("#")) lines.push_back(line);
    }
  }
  ASSERT_GE(lines.size(), 20u);
  for (const char* ecs : {"disabled", "v8"}) {
    auto [programs, loop] =
        ProgramsAndLoop(With(Match("message", "%{IPTABLES}"), "ecs_compatibility", ecs));
    ASSERT_NE(programs, nullptr);
    size_t fields = 0;
    for (const std::string& line : lines) {
      fields += ExpectSameEvent(programs.get(), loop.get(), line).size();
    }
    EXPECT_GT(fields, lines.size() * 200) << "the lines were parsed into fields";
    EXPECT_GE(ShapePrograms(*programs), 4) << "TCP, UDP, ICMP, IPv6 lines";
  }
}

// Last in this file: it fills the process-wide name pool, so the names below are owned by their
// keys, not interned. The fresh-event path must tell them apart by text then: an event already
// carrying one of the pattern's fields still takes Logstash's append rule.
TEST(GrokFilter, NamesOwnedOnceThePoolIsFull) {
  for (size_t i = 0; FieldKey::PoolSize() < FieldKey::kMaxNames; ++i) {
    FieldKey filler("grok_filler_" + std::to_string(i));
  }
  auto f = Make(Match("message", "%{WORD:owned_verb} %{INT:[owned_obj][n]:int}"));
  ASSERT_FALSE(FieldKey("owned_verb").interned());
  Event fresh = Line("get 42");
  ASSERT_TRUE(f->Filter(fresh));
  EXPECT_EQ(Get(fresh, "owned_verb")->as_string(), "get");
  EXPECT_EQ(Get(fresh, "[owned_obj][n]")->as_int(), 42);

  Event existing = Line("put 7");
  existing.SetTop("owned_verb", "before");
  ASSERT_TRUE(f->Filter(existing));
  ASSERT_TRUE(Get(existing, "owned_verb")->is_array());
  EXPECT_EQ(Get(existing, "owned_verb")->as_array()[0].as_string(), "before");
  EXPECT_EQ(Get(existing, "owned_verb")->as_array()[1].as_string(), "put");
}

}  // namespace
}  // namespace perimeter::grok
