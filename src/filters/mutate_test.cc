#include "filters/mutate.h"

#include <gtest/gtest.h>

#include <cmath>

#include "filters/filter_testing.h"

namespace perimeter {
namespace {

using filter_testing::FieldJson;
using filter_testing::MakeFilter;
using filter_testing::Options;

Value Pairs(std::initializer_list<const char*> items) {
  Array a;
  for (const char* i : items) a.emplace_back(i);
  return Value(std::move(a));
}

TEST(MutateFilter, SeedConvertsCoordinatePairToFloats) {
  // The seed: add_field puts two strings in [geoip][coordinates]; mutate makes them floats.
  auto f =
      MakeFilter(kMutateFilter, Options({{"convert", Pairs({"[geoip][coordinates]", "float"})}}));
  Event e;
  e.Set(FieldRef::Of("[geoip][coordinates]"), Array{Value("-0.12999999999999545"), Value("51.5")});
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "[geoip][coordinates]"), "[-0.12999999999999545,51.5]");
  const Value* c = e.Get(FieldRef::Of("[geoip][coordinates]"));
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->as_array()[0].is_float());
}

TEST(MutateFilter, OperationsRunInLogstashOrderNotConfigOrder) {
  // Written in reverse; Logstash runs rename, update, replace, uppercase, capitalize,
  // lowercase, copy.
  auto f = MakeFilter(kMutateFilter, Options({
                                         {"copy", Pairs({"b", "c"})},
                                         {"lowercase", Pairs({"b"})},
                                         {"capitalize", Pairs({"d"})},
                                         {"uppercase", Pairs({"b", "d"})},
                                         {"replace", Pairs({"b", "r-%{b}"})},
                                         {"update", Pairs({"b", "u-%{b}"})},
                                         {"rename", Pairs({"a", "b"})},
                                     }));
  Event e;
  e.SetTop("a", "Hello");
  e.SetTop("d", "mIxEd");
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "a"), "null");
  EXPECT_EQ(FieldJson(e, "b"), "\"r-u-hello\"");
  EXPECT_EQ(FieldJson(e, "c"), "\"r-u-hello\"");
  EXPECT_EQ(FieldJson(e, "d"), "\"Mixed\"");  // upper-cased, then capitalized
}

TEST(MutateFilter, CoerceOnlyFillsNulls) {
  auto f = MakeFilter(kMutateFilter,
                      Options({{"coerce", Pairs({"a", "dflt", "b", "dflt", "c", "dflt"})}}));
  Event e;
  e.SetTop("a", Value());
  e.SetTop("b", "set");
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "a"), "\"dflt\"");
  EXPECT_EQ(FieldJson(e, "b"), "\"set\"");
  EXPECT_EQ(FieldJson(e, "c"), "null");
}

TEST(MutateFilter, RenameUpdateReplace) {
  auto f = MakeFilter(
      kMutateFilter,
      Options(
          {{"rename", Pairs({"[src][ip]", "client_ip", "%{which}", "moved", "missing", "nowhere"})},
           {"update", Pairs({"absent", "x", "present", "now %{present}"})},
           {"replace", Pairs({"[new][field]", "%{client_ip}"})}}));
  Event e;
  e.Set(FieldRef::Of("[src][ip]"), "1.2.3.4");
  e.SetTop("which", "dyn");
  e.SetTop("dyn", 7);
  e.SetTop("present", "before");
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "client_ip"), "\"1.2.3.4\"");
  EXPECT_EQ(FieldJson(e, "src"), "{}");
  EXPECT_EQ(FieldJson(e, "moved"), "7");
  EXPECT_EQ(FieldJson(e, "dyn"), "null");
  EXPECT_EQ(FieldJson(e, "nowhere"), "null");
  EXPECT_EQ(FieldJson(e, "absent"), "null");
  EXPECT_EQ(FieldJson(e, "present"), "\"now before\"");
  EXPECT_EQ(FieldJson(e, "[new][field]"), "\"1.2.3.4\"");
}

TEST(MutateFilter, ConvertInteger) {
  auto f = MakeFilter(kMutateFilter,
                      Options({{"convert", Pairs({"a", "integer", "b", "integer", "c", "integer",
                                                  "d", "integer", "e", "integer", "g", "integer",
                                                  "h", "integer", "obj", "integer"})}}));
  Event e;
  e.SetTop("a", "12abc");
  e.SetTop("b", Array{Value("1.9"), Value(" 42 "), Value("1,234"), Value(), Value("abc"),
                      Value("0x1A"), Value("1e3"), Value("-7")});
  e.SetTop("c", true);
  e.SetTop("d", 3.7);
  e.SetTop("e", -3.7);
  e.SetTop("g", 5);
  e.SetTop("h", "");
  Object obj;
  obj.Set("k", "1");
  e.SetTop("obj", obj);
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "a"), "12");
  EXPECT_EQ(FieldJson(e, "b"), "[1,42,1234,null,0,26,1000,-7]");
  EXPECT_EQ(FieldJson(e, "c"), "1");
  EXPECT_EQ(FieldJson(e, "d"), "3");
  EXPECT_EQ(FieldJson(e, "e"), "-3");
  EXPECT_EQ(FieldJson(e, "g"), "5");
  EXPECT_EQ(FieldJson(e, "h"), "0");
  EXPECT_EQ(FieldJson(e, "obj"), "{\"k\":\"1\"}");  // hashes are left alone
}

TEST(MutateFilter, ConvertFloatAndEuropeanNumbers) {
  auto f = MakeFilter(kMutateFilter,
                      Options({{"convert", Pairs({"a", "float", "b", "float_eu", "c", "integer_eu",
                                                  "d", "float", "e", "float"})}}));
  Event e;
  e.SetTop("a", "1,234.5");
  e.SetTop("b", "1.234,56");
  e.SetTop("c", "1.234,56");
  e.SetTop("d", 3);
  e.SetTop("e", "-0x1A");
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "a"), "1234.5");
  EXPECT_EQ(FieldJson(e, "b"), "1234.56");
  EXPECT_EQ(FieldJson(e, "c"), "1234");
  EXPECT_EQ(FieldJson(e, "d"), "3.0");
  EXPECT_EQ(FieldJson(e, "e"), "-26.0");
}

TEST(MutateFilter, FailedConversionTagsAndStopsLaterSteps) {
  auto f = MakeFilter(kMutateFilter, Options({{"rename", Pairs({"x", "y"})},
                                              {"convert", Pairs({"n", "float"})},
                                              {"uppercase", Pairs({"y"})},
                                              {"add_tag", "converted"}}));
  Event e;
  e.SetTop("x", "abc");
  e.SetTop("n", Array{Value("1.5"), Value("12abc")});
  EXPECT_FALSE(f->Filter(e));  // no add_tag / add_field from the runtime
  EXPECT_EQ(FieldJson(e, "tags"), "[\"_mutate_error\"]");
  EXPECT_EQ(FieldJson(e, "y"), "\"abc\"");              // rename ran before the failure
  EXPECT_EQ(FieldJson(e, "n"), "[\"1.5\",\"12abc\"]");  // the array is left as it was
  auto custom =
      MakeFilter(kMutateFilter,
                 Options({{"convert", Pairs({"n", "float"})}, {"tag_on_failure", "bad_number"}}));
  Event c;
  c.SetTop("n", "");
  EXPECT_FALSE(custom->Filter(c));
  EXPECT_EQ(FieldJson(c, "tags"), "[\"bad_number\"]");
}

TEST(MutateFilter, ConvertBooleanAndString) {
  auto f =
      MakeFilter(kMutateFilter, Options({{"convert", Pairs({"b", "boolean", "s", "string"})}}));
  Event e;
  e.SetTop("b", Array{Value("yes"), Value("Y"), Value("1"), Value("TRUE"), Value("1.0"), Value("t"),
                      Value("no"), Value("0"), Value("F"), Value(""), Value("maybe"), Value(1),
                      Value(0.0)});
  e.SetTop("s", Array{Value(5), Value(1.5), Value(100.0), Value(1e20), Value(true), Value(1e-5)});
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "b"),
            "[true,true,true,true,true,true,false,false,false,false,\"maybe\",true,false]");
  EXPECT_EQ(FieldJson(e, "s"), "[\"5\",\"1.5\",\"100.0\",\"1.0e+20\",\"true\",\"1.0e-05\"]");
}

TEST(MutateFilter, Gsub) {
  auto f = MakeFilter(
      kMutateFilter,
      Options({{"gsub", Pairs({"path", "/", "_", "chars", "[\\\\?#-]", ".", "port", "(\\d+)",
                               "<\\1>", "list", "a", "A", "dyn", "%{sep}", "+"})}}));
  Event e;
  e.SetTop("path", "/var/log/syslog");
  e.SetTop("chars", "a?b#c-d\\e");
  e.SetTop("port", "from 22 to 2222");
  e.SetTop("list", Array{Value("banana"), Value(3)});
  e.SetTop("dyn", "x;y;z");
  e.SetTop("sep", ";");
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "path"), "\"_var_log_syslog\"");
  EXPECT_EQ(FieldJson(e, "chars"), "\"a.b.c.d.e\"");
  EXPECT_EQ(FieldJson(e, "port"), "\"from <22> to <2222>\"");
  EXPECT_EQ(FieldJson(e, "list"), "[\"bAnAnA\",3]");
  EXPECT_EQ(FieldJson(e, "dyn"), "\"x+y+z\"");
}

TEST(MutateFilter, SplitJoinStrip) {
  auto f = MakeFilter(kMutateFilter, Options({{"split", Pairs({"csv", ",", "words", " "})},
                                              {"join", Pairs({"list", "|"})},
                                              {"strip", Pairs({"pad", "pads"})}}));
  Event e;
  e.SetTop("csv", "a,b,,c,,");
  e.SetTop("words", "  one two\tthree ");
  e.SetTop("list", Array{Value("a"), Value(1), Array{Value("b"), Value("c")}, Value()});
  e.SetTop("pad", "  x\t\n");
  e.SetTop("pads", Array{Value(" a "), Value("b ")});
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "csv"), "[\"a\",\"b\",\"\",\"c\"]");
  EXPECT_EQ(FieldJson(e, "words"), "[\"one\",\"two\",\"three\"]");
  EXPECT_EQ(FieldJson(e, "list"), "\"a|1|b|c|\"");
  EXPECT_EQ(FieldJson(e, "pad"), "\"x\"");
  EXPECT_EQ(FieldJson(e, "pads"), "[\"a\",\"b\"]");

  auto strip = MakeFilter(kMutateFilter, Options({{"strip", Pairs({"mixed"})}}));
  Event bad;
  bad.SetTop("mixed", Array{Value(" a "), Value(5)});
  EXPECT_FALSE(strip->Filter(bad));  // Ruby: 5.strip raises
  EXPECT_TRUE(bad.HasTag("_mutate_error"));
}

TEST(MutateFilter, Merge) {
  auto f =
      MakeFilter(kMutateFilter, Options({{"merge", Pairs({"arr", "one", "str", "two", "h1", "h2",
                                                          "mismatch", "h2", "fresh", "one"})}}));
  Event e;
  e.SetTop("arr", Array{Value("x")});
  e.SetTop("one", "1");
  e.SetTop("str", "s");
  e.SetTop("two", Array{Value("2a"), Value("2b")});
  Object h1, h2;
  h1.Set("a", 1);
  h1.Set("b", 1);
  h2.Set("b", 2);
  h2.Set("c", 2);
  e.SetTop("h1", h1);
  e.SetTop("h2", h2);
  e.SetTop("mismatch", Array{Value("m")});
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "arr"), "[\"x\",\"1\"]");
  EXPECT_EQ(FieldJson(e, "str"), "[\"s\",\"2a\",\"2b\"]");
  EXPECT_EQ(FieldJson(e, "h1"), "{\"a\":1,\"b\":2,\"c\":2}");
  EXPECT_EQ(FieldJson(e, "mismatch"), "[\"m\"]");  // array and hash: skipped
  EXPECT_EQ(FieldJson(e, "fresh"), "[\"1\"]");

  // A repeated destination merges every source in turn.
  auto twice = MakeFilter(kMutateFilter, Options({{"merge", Pairs({"d", "a", "d", "b"})}}));
  Event t;
  t.SetTop("d", Array{});
  t.SetTop("a", "A");
  t.SetTop("b", "B");
  EXPECT_TRUE(twice->Filter(t));
  EXPECT_EQ(FieldJson(t, "d"), "[\"A\",\"B\"]");
}

TEST(MutateFilter, CopyIsDeep) {
  auto f = MakeFilter(kMutateFilter,
                      Options({{"copy", Pairs({"src", "[dst][inner]", "none", "never"})}}));
  Event e;
  Object o;
  o.Set("list", Array{Value(1), Value(2)});
  e.SetTop("src", o);
  EXPECT_TRUE(f->Filter(e));
  e.GetMutable(FieldRef::Of("src"))->as_object().Find("list")->as_array().push_back(3);
  EXPECT_EQ(FieldJson(e, "[dst][inner]"), "{\"list\":[1,2]}");
  EXPECT_EQ(FieldJson(e, "never"), "null");
}

TEST(MutateFilter, ConfigErrors) {
  std::string error;
  EXPECT_EQ(filter_testing::TryMakeFilter(kMutateFilter,
                                          Options({{"convert", Pairs({"a", "number"})}}), &error),
            nullptr);
  EXPECT_NE(error.find("integer_eu"), std::string::npos) << error;
  EXPECT_EQ(
      filter_testing::TryMakeFilter(kMutateFilter, Options({{"gsub", Pairs({"a", "b"})}}), &error),
      nullptr);
  EXPECT_NE(error.find("triples"), std::string::npos) << error;
  EXPECT_EQ(filter_testing::TryMakeFilter(kMutateFilter,
                                          Options({{"gsub", Pairs({"a", "(", "b"})}}), &error),
            nullptr);
  EXPECT_NE(error.find("regular expression"), std::string::npos) << error;
  EXPECT_EQ(
      filter_testing::TryMakeFilter(
          kMutateFilter, Options({{"convert", Pairs({"a", "integer", "a", "float"})}}), &error),
      nullptr);
  EXPECT_NE(error.find("one value per field"), std::string::npos) << error;
}

TEST(ConvertScalar, MatchesRubyConversions) {
  auto conv = [](const Value& v, MutateConversion to) {
    auto r = ConvertScalar(v, to);
    return r ? r->ToJson() : std::string("raises");
  };
  EXPECT_EQ(conv("1_000", MutateConversion::kInteger), "1000");
  EXPECT_EQ(conv("+5", MutateConversion::kInteger), "5");
  EXPECT_EQ(conv("e5", MutateConversion::kInteger), "raises");  // BigDecimal("e5")
  EXPECT_EQ(conv("0xZZ", MutateConversion::kInteger), "raises");
  EXPECT_EQ(conv(Value(std::nan("")), MutateConversion::kInteger), "raises");
  EXPECT_EQ(conv("1.", MutateConversion::kFloat), "raises");
  EXPECT_EQ(conv("1e-2", MutateConversion::kFloat), "0.01");
  EXPECT_EQ(conv(" 2.5 ", MutateConversion::kFloat), "2.5");
  EXPECT_EQ(conv(Timestamp(0), MutateConversion::kFloat), "raises");
  EXPECT_EQ(conv(Timestamp(0), MutateConversion::kString), "\"1970-01-01T00:00:00.000Z\"");
}

}  // namespace
}  // namespace perimeter
