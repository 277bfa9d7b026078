#include "filters/kv.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include "filters/filter_testing.h"
#include "filters/kv_scanner.h"

namespace perimeter {
namespace {

using filter_testing::FieldJson;
using filter_testing::MakeFilter;
using filter_testing::MessageEvent;
using filter_testing::Options;

constexpr char kTcpWithMac[] =
    "Feb  3 10:15:42 gw kernel: [1234567.123456] IN=eth0 OUT= "
    "MAC=00:16:3e:5c:7a:10:00:1b:21:3a:4c:5d:08:00 SRC=203.0.113.7 DST=198.51.100.2 LEN=60 "
    "TOS=0x00 PREC=0x00 TTL=52 ID=41235 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=29200 RES=0x00 SYN "
    "URGP=0";
constexpr char kVenetWithoutMac[] =
    "May  5 09:55:37 host kernel: [888446.478915] IN=venet0 OUT= MAC= SRC=192.0.2.44 "
    "DST=198.51.100.3 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=29355 DF PROTO=TCP SPT=51955 DPT=22 "
    "WINDOW=14600 RES=0x00 SYN URGP=0 ";
constexpr char kIpv6[] =
    "IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:86:dd "
    "SRC=2001:0db8:85a3:0000:0000:8a2e:0370:7334 DST=2001:db8::1 LEN=80 TC=0 HOPLIMIT=57 "
    "FLOWLBL=325426 PROTO=TCP SPT=44028 DPT=22 WINDOW=64800 RES=0x00 SYN URGP=0";
constexpr char kUdp[] =
    "IN=eth0 OUT= MAC=00:16:3e:5c:7a:10:00:1b:21:3a:4c:5d:08:00 SRC=198.51.100.9 "
    "DST=203.0.113.5 LEN=76 TOS=0x00 PREC=0x00 TTL=55 ID=0 DF PROTO=UDP SPT=123 DPT=123 LEN=56";

Event RunKv(const Object& options, std::string message, bool* matched = nullptr) {
  auto f = MakeFilter(kKvFilter, options);
  Event e = MessageEvent(std::move(message));
  bool m = f->Filter(e);
  if (matched != nullptr) *matched = m;
  return e;
}

TEST(KvFilter, NetfilterLineStrictWhitespaceParsesEveryPair) {
  Event e = RunKv(Options({{"whitespace", "strict"}}), kTcpWithMac);
  EXPECT_EQ(FieldJson(e, "IN"), "\"eth0\"");
  EXPECT_EQ(FieldJson(e, "OUT"), "null");  // empty: skipped
  EXPECT_EQ(FieldJson(e, "MAC"), "\"00:16:3e:5c:7a:10:00:1b:21:3a:4c:5d:08:00\"");
  EXPECT_EQ(FieldJson(e, "SRC"), "\"203.0.113.7\"");
  EXPECT_EQ(FieldJson(e, "DST"), "\"198.51.100.2\"");
  EXPECT_EQ(FieldJson(e, "TTL"), "\"52\"");
  EXPECT_EQ(FieldJson(e, "PROTO"), "\"TCP\"");
  EXPECT_EQ(FieldJson(e, "SPT"), "\"51234\"");
  EXPECT_EQ(FieldJson(e, "DPT"), "\"22\"");
  EXPECT_EQ(FieldJson(e, "URGP"), "\"0\"");
  // Flags without '=' and the syslog prefix produce nothing.
  EXPECT_EQ(FieldJson(e, "DF"), "null");
  EXPECT_EQ(FieldJson(e, "SYN"), "null");
  EXPECT_EQ(FieldJson(e, "kernel:"), "null");
  // message, @version, @timestamp + IN MAC SRC DST LEN TOS PREC TTL ID PROTO SPT DPT WINDOW RES
  // URGP.
  EXPECT_EQ(e.fields().size(), 3u + 15u);
}

TEST(KvFilter, NetfilterLineLenientWhitespaceLetsEmptyOutSwallowTheNextPair) {
  // Logstash's default (lenient) value split is / *= */, so "OUT= MAC=x" reads as OUT="MAC=x".
  Event e = RunKv(Options({}), kTcpWithMac);
  EXPECT_EQ(FieldJson(e, "OUT"), "\"MAC=00:16:3e:5c:7a:10:00:1b:21:3a:4c:5d:08:00\"");
  EXPECT_EQ(FieldJson(e, "MAC"), "null");
  EXPECT_EQ(FieldJson(e, "IN"), "\"eth0\"");
  EXPECT_EQ(FieldJson(e, "SRC"), "\"203.0.113.7\"");
  EXPECT_EQ(FieldJson(e, "DPT"), "\"22\"");
}

TEST(KvFilter, NetfilterLineWithoutMac) {
  Event strict = RunKv(Options({{"whitespace", "strict"}}), kVenetWithoutMac);
  EXPECT_EQ(FieldJson(strict, "IN"), "\"venet0\"");
  EXPECT_EQ(FieldJson(strict, "OUT"), "null");
  EXPECT_EQ(FieldJson(strict, "MAC"), "null");
  EXPECT_EQ(FieldJson(strict, "SRC"), "\"192.0.2.44\"");
  EXPECT_EQ(FieldJson(strict, "WINDOW"), "\"14600\"");

  Event lenient = RunKv(Options({}), kVenetWithoutMac);
  EXPECT_EQ(FieldJson(lenient, "OUT"), "\"MAC=\"");
  EXPECT_EQ(FieldJson(lenient, "SRC"), "\"192.0.2.44\"");

  Event empty =
      RunKv(Options({{"whitespace", "strict"}, {"allow_empty_values", true}}), kVenetWithoutMac);
  EXPECT_EQ(FieldJson(empty, "OUT"), "\"\"");
  EXPECT_EQ(FieldJson(empty, "MAC"), "\"\"");
}

TEST(KvFilter, NetfilterIpv6Source) {
  Event e = RunKv(Options({{"whitespace", "strict"}}), kIpv6);
  EXPECT_EQ(FieldJson(e, "SRC"), "\"2001:0db8:85a3:0000:0000:8a2e:0370:7334\"");
  EXPECT_EQ(FieldJson(e, "DST"), "\"2001:db8::1\"");
  EXPECT_EQ(FieldJson(e, "HOPLIMIT"), "\"57\"");
  EXPECT_EQ(FieldJson(e, "FLOWLBL"), "\"325426\"");
}

TEST(KvFilter, UdpRepeatedLenCollectsIntoArray) {
  Event e = RunKv(Options({{"whitespace", "strict"}}), kUdp);
  EXPECT_EQ(FieldJson(e, "LEN"), "[\"76\",\"56\"]");
  EXPECT_EQ(FieldJson(e, "PROTO"), "\"UDP\"");
}

TEST(KvFilter, NoPairsMeansNoMatch) {
  bool matched = true;
  Event e = RunKv(Options({}), "this is not key value", &matched);
  EXPECT_FALSE(matched);
  EXPECT_EQ(e.fields().size(), 3u);
}

TEST(KvFilter, QuotesAndBracketsWrapValues) {
  Event e = RunKv(Options({}),
                  "hello=world foo=bar baz=fizz doublequoted=\"hello world\" "
                  "singlequoted='hello world' bracketsone=(hello world) bracketstwo=[hello world] "
                  "bracketsthree=<hello world>");
  EXPECT_EQ(FieldJson(e, "hello"), "\"world\"");
  EXPECT_EQ(FieldJson(e, "baz"), "\"fizz\"");
  EXPECT_EQ(FieldJson(e, "doublequoted"), "\"hello world\"");
  EXPECT_EQ(FieldJson(e, "singlequoted"), "\"hello world\"");
  EXPECT_EQ(FieldJson(e, "bracketsone"), "\"hello world\"");
  EXPECT_EQ(FieldJson(e, "bracketstwo"), "\"hello world\"");
  EXPECT_EQ(FieldJson(e, "bracketsthree"), "\"hello world\"");
}

TEST(KvFilter, IncludeBracketsFalseKeepsThemAsText) {
  Event e = RunKv(Options({{"include_brackets", false}}),
                  "bracketsone=(hello world) bracketstwo=[hello world]");
  EXPECT_EQ(FieldJson(e, "bracketsone"), "\"(hello\"");
  EXPECT_EQ(FieldJson(e, "bracketstwo"), "\"[hello\"");
}

TEST(KvFilter, QuotedValueFollowedByTextIsCutAtTheQuote) {
  Event e =
      RunKv(Options({}),
            "foo=bar baz=\"quoted stuff\" and more unquoted msg=\"some fully-quoted message \" "
            "empty=\"\" non-empty=\"foo\" odd=\"x\"y");
  EXPECT_EQ(FieldJson(e, "baz"), "\"quoted stuff\"");
  EXPECT_EQ(FieldJson(e, "msg"), "\"some fully-quoted message \"");
  EXPECT_EQ(FieldJson(e, "empty"), "null");
  EXPECT_EQ(FieldJson(e, "non-empty"), "\"foo\"");
  EXPECT_EQ(FieldJson(e, "odd"), "\"\\\"x\\\"y\"");  // not followed by a split: plain value
}

TEST(KvFilter, LenientSpacesAroundValueSplit) {
  Event e = RunKv(Options({}),
                  "hello = world foo =bar baz= fizz doublequoted = \"hello world\" "
                  "singlequoted= 'hello world' brackets =(hello world)");
  EXPECT_EQ(FieldJson(e, "hello"), "\"world\"");
  EXPECT_EQ(FieldJson(e, "foo"), "\"bar\"");
  EXPECT_EQ(FieldJson(e, "baz"), "\"fizz\"");
  EXPECT_EQ(FieldJson(e, "doublequoted"), "\"hello world\"");
  EXPECT_EQ(FieldJson(e, "brackets"), "\"hello world\"");
}

TEST(KvFilter, StrictWhitespaceExtractsOnlyUnambiguousPairs) {
  Event e = RunKv(Options({{"whitespace", "strict"}}),
                  "hello = world foo =bar baz= fizz whitespace=none doublequoted = \"hello world\" "
                  "singlequoted= 'hello world' brackets =(hello world) strict=true");
  EXPECT_EQ(FieldJson(e, "whitespace"), "\"none\"");
  EXPECT_EQ(FieldJson(e, "strict"), "\"true\"");
  EXPECT_EQ(e.fields().size(), 3u + 2u);
}

TEST(KvFilter, TransformKeysAndValues) {
  Event up = RunKv(Options({{"transform_key", "uppercase"}, {"transform_value", "lowercase"}}),
                   "hello = world Foo =Bar doublequoteD = \"hellO worlD\"");
  EXPECT_EQ(FieldJson(up, "HELLO"), "\"world\"");
  EXPECT_EQ(FieldJson(up, "FOO"), "\"bar\"");
  EXPECT_EQ(FieldJson(up, "DOUBLEQUOTED"), "\"hello world\"");
  Event cap = RunKv(Options({{"transform_key", "capitalize"}, {"transform_value", "capitalize"}}),
                    "fOo =bar DOUBLEQUOTED = \"hellO worlD\"");
  EXPECT_EQ(FieldJson(cap, "Foo"), "\"Bar\"");
  EXPECT_EQ(FieldJson(cap, "Doublequoted"), "\"Hello world\"");
}

TEST(KvFilter, TransformChoicesAreValidated) {
  std::string error;
  EXPECT_EQ(filter_testing::TryMakeFilter(kKvFilter, Options({{"transform_key", "shout"}}), &error),
            nullptr);
  EXPECT_NE(error.find("lowercase"), std::string::npos) << error;
}

TEST(KvFilter, FieldSplitCharacters) {
  Event e =
      RunKv(Options({{"field_split", "?&"}}),
            "?hello=world&foo=bar&baz=fizz&doublequoted=\"hello world\"&ignoreme&foo12=bar12");
  EXPECT_EQ(FieldJson(e, "hello"), "\"world\"");
  EXPECT_EQ(FieldJson(e, "doublequoted"), "\"hello world\"");
  EXPECT_EQ(FieldJson(e, "foo12"), "\"bar12\"");
  EXPECT_EQ(FieldJson(e, "ignoreme"), "null");
  Event pipe =
      RunKv(Options({{"field_split", "|"}}), "field1=test|field2=another test|field3=test3");
  EXPECT_EQ(FieldJson(pipe, "field2"), "\"another test\"");
}

TEST(KvFilter, ValueSplitCharacter) {
  Event e = RunKv(Options({{"value_split", ":"}}),
                  "hello:=world foo:bar baz=:fizz brackets:(hello world)");
  EXPECT_EQ(FieldJson(e, "hello"), "\"=world\"");
  EXPECT_EQ(FieldJson(e, "foo"), "\"bar\"");
  EXPECT_EQ(FieldJson(e, "baz="), "\"fizz\"");
  EXPECT_EQ(FieldJson(e, "brackets"), "\"hello world\"");
}

TEST(KvFilter, EmptyValueSplitIsAConfigError) {
  std::string error;
  EXPECT_EQ(filter_testing::TryMakeFilter(kKvFilter, Options({{"value_split", ""}}), &error),
            nullptr);
  EXPECT_NE(error.find("value_split"), std::string::npos) << error;
}

TEST(KvFilter, EmptyValuesBetweenSplitters) {
  Event chars = RunKv(Options({{"field_split", "|"}}), "a=1|b=|c=3");
  EXPECT_EQ(FieldJson(chars, "a"), "\"1\"");
  EXPECT_EQ(FieldJson(chars, "b"), "null");
  EXPECT_EQ(FieldJson(chars, "c"), "\"3\"");
  Event pattern =
      RunKv(Options({{"field_split_pattern", "\\|"}, {"value_split_pattern", "="}}), "a=1|b=|c=3");
  EXPECT_EQ(FieldJson(pattern, "a"), "\"1\"");
  EXPECT_EQ(FieldJson(pattern, "b"), "null");
  EXPECT_EQ(FieldJson(pattern, "c"), "\"3\"");
}

TEST(KvFilter, AllowEmptyValuesKeepsThemAsEmptyStrings) {
  Event e = RunKv(Options({{"allow_empty_values", true}, {"whitespace", "strict"}}),
                  "present=one empty= emptyquoted='' present=two emptybracketed=[] endofinput=");
  EXPECT_EQ(FieldJson(e, "present"), "[\"one\",\"two\"]");
  EXPECT_EQ(FieldJson(e, "empty"), "\"\"");
  EXPECT_EQ(FieldJson(e, "emptyquoted"), "\"\"");
  EXPECT_EQ(FieldJson(e, "emptybracketed"), "\"\"");
  EXPECT_EQ(FieldJson(e, "endofinput"), "\"\"");
}

TEST(KvFilter, SplitPatterns) {
  Event multi = RunKv(Options({{"field_split_pattern", "_+"}, {"value_split_pattern", ":+"}}),
                      "hello:world_foo::bar__baz:::fizz___doublequoted:::\"hello world\"____"
                      "bracketsthree::::::<hello world>");
  EXPECT_EQ(FieldJson(multi, "hello"), "\"world\"");
  EXPECT_EQ(FieldJson(multi, "foo"), "\"bar\"");
  EXPECT_EQ(FieldJson(multi, "baz"), "\"fizz\"");
  EXPECT_EQ(FieldJson(multi, "doublequoted"), "\"hello world\"");
  EXPECT_EQ(FieldJson(multi, "bracketsthree"), "\"hello world\"");

  Event bangs = RunKv(Options({{"field_split_pattern", "!!!!!"}}),
                      "foo=bar!!!!!baz=\"quoted stuff\" and more unquoted!!!!!msg=\"fully-quoted "
                      "with a part! of the separator\"!!!!!blip=\"this!!!!!is it\"!!!!!empty=\"\"");
  EXPECT_EQ(FieldJson(bangs, "foo"), "\"bar\"");
  EXPECT_EQ(FieldJson(bangs, "baz"), "\"\\\"quoted stuff\\\" and more unquoted\"");
  EXPECT_EQ(FieldJson(bangs, "msg"), "\"fully-quoted with a part! of the separator\"");
  EXPECT_EQ(FieldJson(bangs, "blip"), "\"this!!!!!is it\"");
  EXPECT_EQ(FieldJson(bangs, "empty"), "null");

  Event lookahead = RunKv(
      Options({{"field_split_pattern", ";\\s*(?=key.+?:)|;$"}, {"value_split_pattern", ":\\s+"}}),
      "key1: val1; key2: val2; key3:  https://site/?g={......\"...;  CLR  "
      "rv:11.0)\"..}; key4: val4;");
  EXPECT_EQ(FieldJson(lookahead, "key1"), "\"val1\"");
  EXPECT_EQ(FieldJson(lookahead, "key3"),
            "\"https://site/?g={......\\\"...;  CLR  rv:11.0)\\\"..}\"");
  EXPECT_EQ(FieldJson(lookahead, "key4"), "\"val4\"");
}

TEST(KvFilter, BackslashEscapedSpacesStayInKeysAndValues) {
  Event e = RunKv(Options({{"value_split", ":"}}),
                  "IKE:=Quick\\ Mode\\ completion IKE\\ IDs:=subnet:\\ x.x.x.x\\ "
                  "(mask=\\ 255.255.255.254)\\ and\\ host:\\ y.y.y.y");
  EXPECT_EQ(FieldJson(e, "IKE"), "\"=Quick\\\\ Mode\\\\ completion\"");
  EXPECT_EQ(FieldJson(e, "IKE\\ IDs"),
            "\"=subnet:\\\\ x.x.x.x\\\\ (mask=\\\\ 255.255.255.254)\\\\ and\\\\ host:\\\\ "
            "y.y.y.y\"");
}

TEST(KvFilter, RecursiveParsesNestedPairs) {
  Event e = RunKv(Options({{"recursive", true}}),
                  "IKE=\"Quick Mode completion\" IKE\\ IDs = (subnet= x.x.x.x mask= "
                  "255.255.255.254 and host=y.y.y.y)");
  EXPECT_EQ(FieldJson(e, "IKE"), "\"Quick Mode completion\"");
  EXPECT_EQ(FieldJson(e, "IKE\\ IDs"),
            "{\"subnet\":\"x.x.x.x\",\"mask\":\"255.255.255.254\",\"host\":\"y.y.y.y\"}");
  Event plain = RunKv(Options({{"recursive", true}}), "foo=1 bar=(baz=2)");
  EXPECT_EQ(FieldJson(plain, "foo"), "\"1\"");
  EXPECT_EQ(FieldJson(plain, "[bar][baz]"), "\"2\"");
}

TEST(KvFilter, PrefixTargetAndSource) {
  Event p = RunKv(Options({{"prefix", "__"}}), "hello=world foo=bar");
  EXPECT_EQ(FieldJson(p, "__hello"), "\"world\"");
  EXPECT_EQ(FieldJson(p, "hello"), "null");

  Event t = RunKv(Options({{"target", "kv"}}), "hello=world foo=bar");
  EXPECT_EQ(FieldJson(t, "kv"), "{\"hello\":\"world\",\"foo\":\"bar\"}");

  Event none = RunKv(Options({{"target", "kv"}}), "hello:world:foo:bar");
  EXPECT_EQ(FieldJson(none, "kv"), "null");

  auto f = MakeFilter(kKvFilter, Options({{"source", "[data][text]"}, {"target", "[out]"}}));
  Event e;
  e.Set(FieldRef::Of("[data][text]"), Value("a=1 b=2"));
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "[out][b]"), "\"2\"");
  Event missing;
  EXPECT_FALSE(f->Filter(missing));
  EXPECT_EQ(FieldJson(missing, "out"), "null");

  // The target may replace the source itself.
  auto same = MakeFilter(kKvFilter, Options({{"source", "happy"}, {"target", "happy"}}));
  Event h;
  h.SetTop("happy", "foo=bar baz=fizz");
  EXPECT_TRUE(same->Filter(h));
  EXPECT_EQ(FieldJson(h, "[happy][baz]"), "\"fizz\"");
}

TEST(KvFilter, SourceArrayParsesEveryString) {
  auto f = MakeFilter(kKvFilter, Options({{"source", "lines"}}));
  Event e;
  e.SetTop("lines", Array{Value("a=1"), Value(5), Value("a=2 b=3")});
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "a"), "[\"1\",\"2\"]");
  EXPECT_EQ(FieldJson(e, "b"), "\"3\"");
}

TEST(KvFilter, IncludeAndExcludeKeys) {
  const char* text = "hello=world foo=bar baz=fizz singlequoted='hello world'";
  Event inc = RunKv(Options({{"include_keys", Array{Value("foo"), Value("singlequoted")}}}), text);
  EXPECT_EQ(FieldJson(inc, "foo"), "\"bar\"");
  EXPECT_EQ(FieldJson(inc, "singlequoted"), "\"hello world\"");
  EXPECT_EQ(FieldJson(inc, "hello"), "null");

  Event exc = RunKv(Options({{"exclude_keys", Array{Value("foo"), Value("singlequoted")}}}), text);
  EXPECT_EQ(FieldJson(exc, "foo"), "null");
  EXPECT_EQ(FieldJson(exc, "baz"), "\"fizz\"");

  // Matching happens before the prefix is added.
  Event pre = RunKv(Options({{"include_keys", Array{Value("foo")}}, {"prefix", "__"}}), text);
  EXPECT_EQ(FieldJson(pre, "__foo"), "\"bar\"");
  EXPECT_EQ(FieldJson(pre, "__hello"), "null");

  Event both =
      RunKv(Options({{"include_keys", Array{Value("foo")}}, {"exclude_keys", Array{Value("foo")}}}),
            text);
  EXPECT_EQ(both.fields().size(), 3u);
}

TEST(KvFilter, DynamicIncludeKeysUseEventFields) {
  auto f = MakeFilter(kKvFilter, Options({{"source", "data"}, {"include_keys", "%{key}"}}));
  Event e;
  e.SetTop("data", "foo=bar baz=fizz");
  e.SetTop("key", "foo");
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "foo"), "\"bar\"");
  EXPECT_EQ(FieldJson(e, "baz"), "null");
}

TEST(KvFilter, DefaultKeysFillWhatIsMissing) {
  Event e = RunKv(
      Options({{"default_keys", Array{Value("foo"), Value("xxx"), Value("goo"), Value("yyy")}}}),
      "hello=world foo=bar");
  EXPECT_EQ(FieldJson(e, "foo"), "\"bar\"");
  EXPECT_EQ(FieldJson(e, "goo"), "\"yyy\"");
  EXPECT_EQ(FieldJson(e, "hello"), "\"world\"");
  bool matched = false;
  Event only =
      RunKv(Options({{"default_keys", Array{Value("goo"), Value("yyy")}}}), "nothing", &matched);
  EXPECT_TRUE(matched);
  EXPECT_EQ(FieldJson(only, "goo"), "\"yyy\"");
}

TEST(KvFilter, DuplicateValues) {
  Event all = RunKv(Options({{"field_split", "&"}}), "foo=bar&foo=yeah&foo=yeah");
  EXPECT_EQ(FieldJson(all, "foo"), "[\"bar\",\"yeah\",\"yeah\"]");
  Event unique = RunKv(Options({{"field_split", "&"}, {"allow_duplicate_values", false}}),
                       "foo=bar&foo=yeah&foo=yeah");
  EXPECT_EQ(FieldJson(unique, "foo"), "[\"bar\",\"yeah\"]");
}

TEST(KvFilter, TrimAndRemoveCharacters) {
  Event trim = RunKv(Options({{"field_split", "|"}, {"trim_value", " "}, {"trim_key", " "}}),
                     "key1= value1 with spaces | key2 with spaces =value2");
  EXPECT_EQ(FieldJson(trim, "key1"), "\"value1 with spaces\"");
  EXPECT_EQ(FieldJson(trim, "key2 with spaces"), "\"value2\"");

  Event postfix = RunKv(Options({{"trim_value", "<>,"}, {"trim_key", "%+"}}),
                        "to=<foo@example.com>, orig_to=<bar@example.com>, "
                        "%+relay=mail.example.com[private/dovecot-lmtp], delay=2.2, dsn=2.0.0, "
                        "status=sent (250 2.0.0 <foo@example.com> Saved) ");
  EXPECT_EQ(FieldJson(postfix, "to"), "\"foo@example.com\"");
  EXPECT_EQ(FieldJson(postfix, "orig_to"), "\"bar@example.com\"");
  EXPECT_EQ(FieldJson(postfix, "relay"), "\"mail.example.com[private/dovecot-lmtp]\"");
  EXPECT_EQ(FieldJson(postfix, "delay"), "\"2.2\"");
  EXPECT_EQ(FieldJson(postfix, "status"), "\"sent\"");

  Event removed =
      RunKv(Options({{"field_split", "|"}, {"remove_char_value", " "}, {"remove_char_key", " "}}),
            "key1= value1 with spaces | key2 with spaces =value2");
  EXPECT_EQ(FieldJson(removed, "key1"), "\"value1withspaces\"");
  EXPECT_EQ(FieldJson(removed, "key2withspaces"), "\"value2\"");

  // A class the byte path cannot represent goes through the regex: \p{Punct}.
  Event unicode = RunKv(Options({{"trim_value", "\\p{P}"}}), "a=...x!!");
  EXPECT_EQ(FieldJson(unicode, "a"), "\"x\"");
}

TEST(KvFilter, KeysInBracketsAreFieldReferences) {
  Event nested = RunKv(Options({}), "[geo][ip]=1.2.3.4 plain=x");
  EXPECT_EQ(FieldJson(nested, "[geo][ip]"), "\"1.2.3.4\"");
  bool matched = true;
  Event bad = RunKv(Options({}), "a=1 [b=2 c=3", &matched);
  EXPECT_FALSE(matched);
  EXPECT_EQ(FieldJson(bad, "tags"), "[\"_kv_filter_error\"]");
  EXPECT_EQ(FieldJson(bad, "a"), "\"1\"");  // set before the failure, as in Logstash
  Event custom = RunKv(Options({{"tag_on_failure", Array{Value("one"), Value("two")}}}), "[b=2");
  EXPECT_EQ(FieldJson(custom, "tags"), "[\"one\",\"two\"]");
}

TEST(KvFilter, PathologicalSplitPatternTimesOut) {
  bool matched = true;
  Event e = RunKv(
      Options({{"value_split_pattern", "(?:=+=+)+:"},
               {"default_keys", Array{Value("default"), Value("key")}}}),
      "foo========:bar baz================================================bingo end:", &matched);
  EXPECT_FALSE(matched);
  EXPECT_EQ(FieldJson(e, "tags"), "[\"_kv_filter_timeout\"]");
  EXPECT_EQ(FieldJson(e, "default"), "null");
  Event fine = RunKv(Options({{"value_split_pattern", "(?:=+=+)+:"}}), "foo==:bar baz==:bingo");
  EXPECT_EQ(FieldJson(fine, "foo"), "\"bar\"");
  EXPECT_EQ(FieldJson(fine, "baz"), "\"bingo\"");
}

TEST(KvFilter, OneInstanceServesManyThreads) {
  auto f = MakeFilter(kKvFilter, Options({{"whitespace", "strict"}}));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string port = std::to_string(t * 10000 + i);
        Event e = MessageEvent(std::string(kUdp) + " SPT=" + port);
        f->Filter(e);
        if (FieldJson(e, "SPT") != "[\"123\",\"" + port + "\"]" ||
            FieldJson(e, "LEN") != "[\"76\",\"56\"]") {
          ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong, 0);
}

// Every line of the real UFW samples: both scanners agree, and strict kv finds the addresses.
TEST(KvFilter, RealUfwSamples) {
  const std::string dir = PERIMETER_SOURCE_DIR "/../shared/samples/iptables/";
  const char* files[] = {"teliten-vultr-ufw-dpt22.log", "rafmio-ufw-1day.log",
                         "khaefner-lab-ufw-rfc3339-1000.log"};
  auto f = MakeFilter(kKvFilter, Options({{"whitespace", "strict"}}));
  KvScanner::Options so;
  so.strict_whitespace = true;
  auto scanner = KvScanner::Create(so);
  ASSERT_TRUE(scanner.ok());
  size_t lines = 0;
  for (const char* name : files) {
    std::ifstream in(dir + name);
    if (!in) GTEST_SKIP() << "samples not found under " << dir;
    std::string line;
    while (std::getline(in, line)) {
      ++lines;
      std::vector<KvPair> fast, slow;
      scanner->ScanFast(line, &fast);
      ASSERT_EQ(scanner->ScanWithRegex(line, &slow), KvScanner::Outcome::kOk);
      ASSERT_EQ(fast.size(), slow.size()) << line;
      for (size_t i = 0; i < fast.size(); ++i) {
        ASSERT_EQ(fast[i].key, slow[i].key) << line;
        ASSERT_EQ(fast[i].value, slow[i].value) << line;
      }
      Event e = MessageEvent(line);
      ASSERT_TRUE(f->Filter(e)) << line;
      EXPECT_NE(e.GetTop("SRC"), nullptr) << line;
      EXPECT_NE(e.GetTop("DST"), nullptr) << line;
      EXPECT_NE(e.GetTop("PROTO"), nullptr) << line;
      EXPECT_EQ(e.GetTop("tags"), nullptr) << line;
    }
  }
  EXPECT_GT(lines, 5000u);
}

TEST(KvScanner, NetfilterLinesTakeTheFastPath) {
  auto s = KvScanner::Create({});
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->UsesFastPath(kTcpWithMac));
  EXPECT_FALSE(s->UsesFastPath("a=b\\ c"));
  KvScanner::Options pattern;
  pattern.field_split_pattern = ",";
  auto p = KvScanner::Create(pattern);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->UsesFastPath(kTcpWithMac));
}

// The byte scanner must give exactly what Logstash's regex gives, on any text it accepts.
TEST(KvScanner, FastPathAgreesWithTheRegexOnRandomText) {
  const std::string alphabet = "ab=:| \"'()[]<>\n,";
  std::mt19937 rng(12345);
  struct Config {
    const char* field_split;
    const char* value_split;
    bool strict;
    bool brackets;
  };
  const Config configs[] = {{" ", "=", false, true}, {" ", "=", true, true},
                            {"|", "=", false, true}, {" ,", ":", false, false},
                            {"|", "=", true, false}, {"a-b", "=", false, true}};
  for (const Config& c : configs) {
    KvScanner::Options o;
    o.field_split = c.field_split;
    o.value_split = c.value_split;
    o.strict_whitespace = c.strict;
    o.include_brackets = c.brackets;
    auto s = KvScanner::Create(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    for (int i = 0; i < 3000; ++i) {
      std::string text;
      size_t len = rng() % 24;
      for (size_t j = 0; j < len; ++j) text.push_back(alphabet[rng() % alphabet.size()]);
      ASSERT_TRUE(s->UsesFastPath(text));
      std::vector<KvPair> fast, slow;
      s->ScanFast(text, &fast);
      ASSERT_EQ(s->ScanWithRegex(text, &slow), KvScanner::Outcome::kOk);
      ASSERT_EQ(fast.size(), slow.size()) << "text: [" << text << "] " << s->scan_pattern();
      for (size_t k = 0; k < fast.size(); ++k) {
        EXPECT_EQ(fast[k].key, slow[k].key) << "text: [" << text << "]";
        EXPECT_EQ(fast[k].has_value, slow[k].has_value) << "text: [" << text << "]";
        EXPECT_EQ(fast[k].value, slow[k].value) << "text: [" << text << "]";
      }
    }
  }
}

}  // namespace
}  // namespace perimeter
