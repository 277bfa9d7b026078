#include "pipeline/sprintf.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

// 2014-05-05T13:55:37.658Z, the seed's sample event (a Monday, ISO week 19, day 125).
constexpr int64_t kSeedMillis = 1399298137658;

Event SampleEvent() {
  Event e = Event::FromMessage("hello", Timestamp::FromMillis(kSeedMillis));
  e.SetTop("type", "iptables");
  e.SetTop("port", 22);
  e.SetTop("ratio", 0.5);
  e.SetTop("lat", 50.0);
  e.SetTop("ok", true);
  e.SetTop("nul", Value());
  e.SetTop("tags", Array{Value("a"), Value("b")});
  e.SetTop("dotted.name", "dot");
  Object geo;
  geo.Set("country", "GB");
  geo.Set("location", Array{Value(-0.13), Value(51.5)});
  e.SetTop("geoip", std::move(geo));
  e.Set(FieldRef::Of("[@metadata][index]"), "fw");
  return e;
}

std::string Render(std::string_view tmpl, const Event& e) {
  Result<Sprintf> s = Sprintf::Compile(tmpl);
  EXPECT_TRUE(s.ok()) << tmpl << ": " << s.status().message();
  return s.ok() ? s->Render(e) : "";
}

std::string Render(std::string_view tmpl) { return Render(tmpl, SampleEvent()); }

TEST(Sprintf, ConstantTemplates) {
  for (std::string_view t : {"", "plain text", "100%", "%{", "50%{ no close", "a}b"}) {
    Result<Sprintf> s = Sprintf::Compile(t);
    ASSERT_TRUE(s.ok()) << t;
    EXPECT_TRUE(s->is_constant()) << t;
    EXPECT_EQ(s->text(), t);
    EXPECT_EQ(s->Render(SampleEvent()), t);
  }
  EXPECT_FALSE(Sprintf::Compile("%{type}")->is_constant());
  EXPECT_FALSE(Sprintf::Compile("%{+yyyy}")->is_constant());
  EXPECT_TRUE(Sprintf().is_constant());
  EXPECT_EQ(Sprintf().Render(SampleEvent()), "");
}

TEST(Sprintf, FieldReferences) {
  EXPECT_EQ(Render("%{type}"), "iptables");
  EXPECT_EQ(Render("[%{type}] port %{port}!"), "[iptables] port 22!");
  EXPECT_EQ(Render("%{[geoip][country]}"), "GB");
  EXPECT_EQ(Render("%{[type]}-%{type}"), "iptables-iptables");
  EXPECT_EQ(Render("%{[@metadata][index]}-%{+YYYY.MM.dd}"), "fw-2014.05.05");
  EXPECT_EQ(Render("%{dotted.name}"), "dot");
  EXPECT_EQ(Render("%{message}"), "hello");
}

TEST(Sprintf, ValuesRenderAsLogstashDoes) {
  EXPECT_EQ(Render("%{port}"), "22");
  EXPECT_EQ(Render("%{ratio}"), "0.5");
  EXPECT_EQ(Render("%{lat}"), "50.0");
  EXPECT_EQ(Render("%{ok}"), "true");
  EXPECT_EQ(Render("%{tags}"), "a,b");
  EXPECT_EQ(Render("%{[geoip][location]}"), "-0.13,51.5");
  EXPECT_EQ(Render("%{geoip}"), R"({"country":"GB","location":[-0.13,51.5]})");
  EXPECT_EQ(Render("%{@timestamp}"), "2014-05-05T13:55:37.658Z");
}

TEST(Sprintf, MissingFieldsStayAsWritten) {
  EXPECT_EQ(Render("%{missing}"), "%{missing}");
  EXPECT_EQ(Render("x %{[a][b]} y"), "x %{[a][b]} y");
  EXPECT_EQ(Render("%{[geoip][city]}"), "%{[geoip][city]}");
  EXPECT_EQ(Render("%{nul}"), "%{nul}");
  EXPECT_EQ(Render("%{}"), "%{}");
  // As Logstash: "%{" runs to the first '}', so this names a field "a %{type".
  EXPECT_EQ(Render("%{a %{type}"), "%{a %{type}");
}

TEST(Sprintf, RenderAppends) {
  Result<Sprintf> s = Sprintf::Compile("%{type};");
  ASSERT_TRUE(s.ok());
  std::string out = "start:";
  Event e = SampleEvent();
  s->Render(e, &out);
  s->Render(e, &out);
  EXPECT_EQ(out, "start:iptables;iptables;");
}

TEST(Sprintf, JodaTimestampFormats) {
  EXPECT_EQ(Render("%{+YYYY.MM.dd}"), "2014.05.05");
  EXPECT_EQ(Render("logstash-%{+yyyy.MM.dd}"), "logstash-2014.05.05");
  EXPECT_EQ(Render("%{+yyyy-MM-dd'T'HH:mm:ss.SSSZ}"), "2014-05-05T13:55:37.658+0000");
  EXPECT_EQ(Render("%{+yy M d H m s}"), "14 5 5 13 55 37");
  EXPECT_EQ(Render("%{+ZZ}|%{+ZZZ}|%{+z}"), "+00:00|UTC|UTC");
  EXPECT_EQ(Render("%{+MMM MMMM EEE EEEE e}"), "May May Mon Monday 1");
  EXPECT_EQ(Render("%{+D DDD}"), "125 125");
  EXPECT_EQ(Render("%{+xxxx.ww}"), "2014.19");
  EXPECT_EQ(Render("%{+hh:mm a}"), "01:55 PM");
  EXPECT_EQ(Render("%{+k K}"), "13 1");
  EXPECT_EQ(Render("%{+S SS SSS SSSS}"), "6 65 658 6580");
  EXPECT_EQ(Render("%{+''}|%{+'it''s' yyyy}"), "'|it's 2014");
  EXPECT_EQ(Render("%{+G C}"), "AD 20");
}

Event At(int64_t millis) { return Event::FromMessage("", Timestamp::FromMillis(millis)); }

TEST(Sprintf, IsoWeekYearAtYearBoundaries) {
  // 2021-01-01 is a Friday: still week 53 of 2020.
  EXPECT_EQ(Render("%{+xxxx-'W'ww e}", At(1609459200000)), "2020-W53 5");
  // 2024-12-30 is a Monday: week 1 of 2025.
  EXPECT_EQ(Render("%{+xxxx-'W'ww}", At(1735516800000)), "2025-W01");
  EXPECT_EQ(Render("%{+yyyy-MM-dd}", At(1735516800000)), "2024-12-30");
}

TEST(Sprintf, TimestampsBeforeTheEpoch) {
  EXPECT_EQ(Render("%{+yyyy-MM-dd HH:mm:ss.SSS}", At(-1)), "1969-12-31 23:59:59.999");
  EXPECT_EQ(Render("%{+%s}", At(-1)), "-1");
}

TEST(Sprintf, EpochSeconds) {
  EXPECT_EQ(Render("%{+%s}"), "1399298137");
  EXPECT_EQ(Render("t=%{+%s}."), "t=1399298137.");
}

TEST(Sprintf, JavaTimeFormats) {
  Event e = Event::FromMessage("", Timestamp(1399298137658123456));
  EXPECT_EQ(Render("%{{yyyy-MM-dd}}", e), "2014-05-05");
  EXPECT_EQ(Render("%{{uuuu-MM-dd'T'HH:mm:ss.SSSSSS}}", e), "2014-05-05T13:55:37.658123");
  EXPECT_EQ(Render("%{+SSSSSS}", e), "658000");  // Joda stops at milliseconds
  Result<Sprintf> now = Sprintf::Compile("%{{TIME_NOW}}");
  ASSERT_TRUE(now.ok());
  EXPECT_FALSE(now->is_constant());
  std::string text = now->Render(e);
  EXPECT_TRUE(Timestamp::ParseIso8601(text).has_value()) << text;
  EXPECT_GT(Timestamp::ParseIso8601(text)->seconds(), 1700000000);
}

TEST(Sprintf, WithoutTimestampTimeFormsRenderNothing) {
  Event e;
  e.SetTop("type", "x");
  EXPECT_EQ(Render("a%{+yyyy}b%{+%s}c%{{yyyy}}d %{type}", e), "abcd x");
  e.SetTop("@timestamp", "2014-05-05");  // a string is not a timestamp
  EXPECT_EQ(Render("a%{+yyyy}b", e), "ab");
}

TEST(Sprintf, CompileErrorsNameTheProblem) {
  Result<Sprintf> letter = Sprintf::Compile("idx-%{+yyyy.QQ}");
  ASSERT_FALSE(letter.ok());
  EXPECT_NE(letter.status().message().find("unsupported letter 'Q'"), std::string::npos)
      << letter.status().message();
  EXPECT_NE(letter.status().message().find("idx-%{+yyyy.QQ}"), std::string::npos);

  // java.time's Y is a week-based year, unlike Joda's: refused rather than silently different.
  EXPECT_FALSE(Sprintf::Compile("%{{YYYY}}").ok());
  EXPECT_FALSE(Sprintf::Compile("%{+yyyy 'unclosed}").ok());

  Result<Sprintf> ref = Sprintf::Compile("%{[a}");
  ASSERT_FALSE(ref.ok());
  EXPECT_NE(ref.status().message().find("bad field reference %{[a}"), std::string::npos)
      << ref.status().message();
}

TEST(Sprintf, CopiesRenderTheSame) {
  Result<Sprintf> s = Sprintf::Compile("%{type}-%{+yyyy}-tail text that is long enough");
  ASSERT_TRUE(s.ok());
  Sprintf copy = *s;
  Sprintf moved = std::move(copy);
  EXPECT_EQ(moved.Render(SampleEvent()), "iptables-2014-tail text that is long enough");
}

}  // namespace
}  // namespace perimeter
