#include "filters/date.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>

#include "core/time_zone.h"
#include "filters/filter_testing.h"
#include "filters/joda_format.h"

namespace perimeter {
namespace {

using filter_testing::FieldJson;
using filter_testing::Options;

Timestamp At(const char* iso) { return *Timestamp::ParseIso8601(iso); }

// A date filter whose clock reads `now` (in UTC).
std::unique_ptr<FilterPlugin> MakeDate(const Object& options, const char* now) {
  auto config = PluginConfig::FromObject(kDateFilter, options);
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  Timestamp t = At(now);
  auto f = CreateDateFilter(
      *config, [t] { return t; }, TimeZone::Utc());
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return std::move(f).value();
}

// @timestamp after filtering `value` in field "logdate"; "FAILED" when the filter tagged it.
std::string Parse(const Object& options, const Value& value,
                  const char* now = "2024-05-20T12:00:00Z") {
  auto f = MakeDate(options, now);
  Event e;
  e.SetTop("logdate", value);
  e.set_timestamp(Timestamp(0));
  bool ok = f->Filter(e);
  if (!ok) return e.HasTag("_dateparsefailure") ? "FAILED" : "NO MATCH, NO TAG";
  return e.timestamp().ToIso8601();
}

Object Match(std::initializer_list<const char*> formats, const char* timezone = "UTC") {
  Array m{Value("logdate")};
  for (const char* f : formats) m.emplace_back(f);
  Object o = Options({{"match", Value(std::move(m))}});
  if (timezone != nullptr) o.Set("timezone", timezone);
  return o;
}

const auto kSyslog = {"MMM  d HH:mm:ss", "MMM dd HH:mm:ss"};

TEST(DateFilter, SyslogStampsWithOneOrTwoDigitDays) {
  EXPECT_EQ(Parse(Match(kSyslog), "May  5 09:55:37"), "2024-05-05T09:55:37.000Z");
  EXPECT_EQ(Parse(Match(kSyslog), "May 15 09:55:37"), "2024-05-15T09:55:37.000Z");
  // Joda matches literal spaces exactly: each pattern alone takes only its own shape.
  EXPECT_EQ(Parse(Match({"MMM dd HH:mm:ss"}), "May  5 09:55:37"), "FAILED");
  EXPECT_EQ(Parse(Match({"MMM  d HH:mm:ss"}), "May 15 09:55:37"), "FAILED");
  EXPECT_EQ(Parse(Match({"MMM d HH:mm:ss"}), "May 5 09:55:37"), "2024-05-05T09:55:37.000Z");
}

TEST(DateFilter, YearGuessAcrossNewYear) {
  // Read just after midnight on January 1st: a December stamp is from the year before.
  EXPECT_EQ(Parse(Match(kSyslog), "Dec 31 23:59:59", "2025-01-01T00:00:30Z"),
            "2024-12-31T23:59:59.000Z");
  EXPECT_EQ(Parse(Match(kSyslog), "Jan  1 00:00:01", "2025-01-01T00:00:30Z"),
            "2025-01-01T00:00:01.000Z");
  // Read just before midnight on December 31st: a January stamp (a fast clock) is next year's.
  EXPECT_EQ(Parse(Match(kSyslog), "Jan  1 00:00:05", "2024-12-31T23:59:50Z"),
            "2025-01-01T00:00:05.000Z");
  EXPECT_EQ(Parse(Match(kSyslog), "Dec 31 23:59:49", "2024-12-31T23:59:50Z"),
            "2024-12-31T23:59:49.000Z");
  // Logstash's rule looks only at December/January; other months are this year's.
  EXPECT_EQ(Parse(Match(kSyslog), "Nov 30 10:00:00", "2024-06-15T00:00:00Z"),
            "2024-11-30T10:00:00.000Z");
  EXPECT_EQ(Parse(Match(kSyslog), "Dec 31 10:00:00", "2025-02-01T00:00:00Z"),
            "2025-12-31T10:00:00.000Z");
}

TEST(DateFilter, YearGuessUsesTheClockZoneMonth) {
  auto config = PluginConfig::FromObject(kDateFilter, Match(kSyslog, "UTC"));
  ASSERT_TRUE(config.ok());
  // 2024-12-31T23:30Z is already January 1st in Berlin: the machine's zone decides.
  Timestamp now = At("2024-12-31T23:30:00Z");
  auto berlin = TimeZone::Find("Europe/Berlin");
  ASSERT_TRUE(berlin.ok());
  auto f = CreateDateFilter(
      *config, [now] { return now; }, *berlin);
  ASSERT_TRUE(f.ok());
  Event e;
  e.SetTop("logdate", "Dec 31 23:00:00");
  ASSERT_TRUE((*f)->Filter(e));
  EXPECT_EQ(e.timestamp().ToIso8601(), "2024-12-31T23:00:00.000Z");
}

TEST(DateFilter, February29thWithoutYear) {
  EXPECT_EQ(Parse(Match(kSyslog), "Feb 29 12:00:00", "2024-03-01T00:00:00Z"),
            "2024-02-29T12:00:00.000Z");
  // Joda parses into the leap year 2000, then withYear() clamps to the 28th.
  EXPECT_EQ(Parse(Match(kSyslog), "Feb 29 12:00:00", "2023-03-01T00:00:00Z"),
            "2023-02-28T12:00:00.000Z");
  EXPECT_EQ(Parse(Match(kSyslog), "Feb 30 12:00:00"), "FAILED");
}

TEST(DateFilter, ZoneAppliesToTextWithoutOffset) {
  auto berlin = Match({"yyyy-MM-dd HH:mm:ss"}, "Europe/Berlin");
  EXPECT_EQ(Parse(berlin, "2024-07-01 12:00:00"), "2024-07-01T10:00:00.000Z");  // CEST
  EXPECT_EQ(Parse(berlin, "2024-01-15 12:00:00"), "2024-01-15T11:00:00.000Z");  // CET
  // Past the last transition in the TZif file, the POSIX rule still knows summer time.
  EXPECT_EQ(Parse(berlin, "2045-07-01 12:00:00"), "2045-07-01T10:00:00.000Z");
  EXPECT_EQ(Parse(berlin, "2045-12-01 12:00:00"), "2045-12-01T11:00:00.000Z");
  auto fixed = Match({"yyyy-MM-dd HH:mm:ss"}, "+05:30");
  EXPECT_EQ(Parse(fixed, "2024-07-01 12:00:00"), "2024-07-01T06:30:00.000Z");
}

TEST(DateFilter, DaylightSavingGapFailsAndOverlapTakesTheEarlierInstant) {
  auto berlin = Match({"yyyy-MM-dd HH:mm:ss"}, "Europe/Berlin");
  EXPECT_EQ(Parse(berlin, "2024-03-31 02:30:00"), "FAILED");  // clocks jump 02:00 → 03:00
  EXPECT_EQ(Parse(berlin, "2024-03-31 03:00:00"), "2024-03-31T01:00:00.000Z");
  EXPECT_EQ(Parse(berlin, "2024-10-27 02:30:00"), "2024-10-27T00:30:00.000Z");  // still CEST
  EXPECT_EQ(Parse(berlin, "2024-10-27 03:30:00"), "2024-10-27T02:30:00.000Z");
  auto ny = Match({"yyyy-MM-dd HH:mm:ss"}, "America/New_York");
  EXPECT_EQ(Parse(ny, "2024-03-10 02:30:00"), "FAILED");
  EXPECT_EQ(Parse(ny, "2024-11-03 01:30:00"), "2024-11-03T05:30:00.000Z");  // EDT
  EXPECT_EQ(Parse(ny, "2024-11-03 02:30:00"), "2024-11-03T07:30:00.000Z");  // EST
}

TEST(DateFilter, OffsetInTextWinsOverTimezone) {
  auto apache = Match({"dd/MMM/yyyy:HH:mm:ss Z"}, "Europe/Berlin");
  EXPECT_EQ(Parse(apache, "05/May/2014:09:55:37 -0400"), "2014-05-05T13:55:37.000Z");
  EXPECT_EQ(Parse(apache, "05/May/2014:09:55:37 +05:30"), "2014-05-05T04:25:37.000Z");
  EXPECT_EQ(Parse(apache, "05/May/2014:09:55:37 Z"), "2014-05-05T09:55:37.000Z");
  EXPECT_EQ(Parse(apache, "05/May/2014:09:55:37"), "FAILED");
  auto colon = Match({"yyyy-MM-dd'T'HH:mm:ssZZ"}, "UTC");
  EXPECT_EQ(Parse(colon, "2024-01-02T03:04:05+01:00"), "2024-01-02T02:04:05.000Z");
  auto id = Match({"yyyy-MM-dd HH:mm:ss ZZZ"}, "UTC");
  EXPECT_EQ(Parse(id, "2024-07-01 12:00:00 Europe/Berlin"), "2024-07-01T10:00:00.000Z");
  auto name = Match({"yyyy-MM-dd HH:mm:ss z"}, "UTC");
  EXPECT_EQ(Parse(name, "2024-07-01 12:00:00 EDT"), "2024-07-01T16:00:00.000Z");
}

TEST(DateFilter, SyslogWithOffsetAndNoYear) {
  auto f = Match({"MMM dd HH:mm:ss Z"}, "UTC");
  EXPECT_EQ(Parse(f, "Dec 31 23:30:00 -0100", "2025-01-01T12:00:00Z"),
            "2025-01-01T00:30:00.000Z");  // in UTC it is January already: this year
  EXPECT_EQ(Parse(f, "Jul 01 10:00:00 +0200", "2025-01-01T12:00:00Z"), "2025-07-01T08:00:00.000Z");
}

TEST(DateFilter, Iso8601) {
  auto iso = Match({"ISO8601"}, nullptr);
  EXPECT_EQ(Parse(iso, "2011-04-19T03:44:01.103Z"), "2011-04-19T03:44:01.103Z");
  EXPECT_EQ(Parse(iso, "2024-05-05T10:00:00+02:00"), "2024-05-05T08:00:00.000Z");
  EXPECT_EQ(Parse(iso, "2024-05-05T10:00:00-0530"), "2024-05-05T15:30:00.000Z");
  EXPECT_EQ(Parse(iso, "2024-05-05T10:00:00.123456789-05:30"), "2024-05-05T15:30:00.123Z");
  EXPECT_EQ(Parse(iso, "2024-05-05T10:00:00,5Z"), "2024-05-05T10:00:00.500Z");
  EXPECT_EQ(Parse(iso, "2024-05-05T10.5Z"), "2024-05-05T10:30:00.000Z");  // hour fraction
  EXPECT_EQ(Parse(iso, "2024-W01-1T00:00Z"), "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(Parse(iso, "2024-123T00:00Z"), "2024-05-02T00:00:00.000Z");
  EXPECT_EQ(Parse(iso, "2024-05-05 10:00:00.250+0100"), "2024-05-05T09:00:00.250Z");
  EXPECT_EQ(Parse(iso, "2024-05-05T10:00:00 "), "FAILED");
  EXPECT_EQ(Parse(iso, "2024-05-05T25:00:00Z"), "FAILED");
  // Logstash's ISO8601 does not take a space and no fraction.
  EXPECT_EQ(Parse(iso, "2024-05-05 10:00:00"), "FAILED");

  auto berlin = Match({"ISO8601"}, "Europe/Berlin");
  EXPECT_EQ(Parse(berlin, "2024-05-05T10:00"), "2024-05-05T08:00:00.000Z");
  EXPECT_EQ(Parse(berlin, "2024-05-05"), "2024-05-04T22:00:00.000Z");
  EXPECT_EQ(Parse(berlin, "2024-05-05 10:00:00,123"), "2024-05-05T08:00:00.123Z");
  EXPECT_EQ(Parse(berlin, "2024-05-05T10:00:00Z"), "2024-05-05T10:00:00.000Z");
}

TEST(DateFilter, EpochFormats) {
  auto epoch = Match({"UNIX"}, nullptr);
  EXPECT_EQ(Parse(epoch, "1326149001.132"), "2012-01-09T22:43:21.132Z");
  EXPECT_EQ(Parse(epoch, "1326149001.1329"), "2012-01-09T22:43:21.132Z");
  EXPECT_EQ(Parse(epoch, "1326149001.5"), "2012-01-09T22:43:21.500Z");
  EXPECT_EQ(Parse(epoch, Value(1326149001)), "2012-01-09T22:43:21.000Z");
  EXPECT_EQ(Parse(epoch, Value(1326149001.25)), "2012-01-09T22:43:21.250Z");
  EXPECT_EQ(Parse(epoch, "9999999999"), "FAILED");  // beyond Logstash's 32-bit limit
  EXPECT_EQ(Parse(epoch, "12abc"), "FAILED");
  auto ms = Match({"UNIX_MS"}, nullptr);
  EXPECT_EQ(Parse(ms, "1366125117000"), "2013-04-16T15:11:57.000Z");
  EXPECT_EQ(Parse(ms, Value(1366125117123)), "2013-04-16T15:11:57.123Z");
  auto tai = Match({"TAI64N"}, nullptr);
  EXPECT_EQ(Parse(tai, "@4000000037c219bf2ef02e94"), "1999-08-24T04:04:05.787Z");
  EXPECT_EQ(Parse(tai, "4000000037c219bf2ef02e94"), "1999-08-24T04:04:05.787Z");
  EXPECT_EQ(Parse(tai, "@40000000"), "FAILED");
  // Text formats refuse numbers, number formats refuse other text.
  EXPECT_EQ(Parse(Match({"ISO8601"}, nullptr), Value(1326149001)), "FAILED");
}

TEST(DateFilter, FormatsAreTriedInOrder) {
  auto many = Match({"UNIX", "dd/MM/yyyy", "ISO8601"}, "UTC");
  EXPECT_EQ(Parse(many, "1326149001"), "2012-01-09T22:43:21.000Z");
  EXPECT_EQ(Parse(many, "05/06/2024"), "2024-06-05T00:00:00.000Z");
  EXPECT_EQ(Parse(many, "2024-06-05T01:02:03Z"), "2024-06-05T01:02:03.000Z");
  EXPECT_EQ(Parse(many, "yesterday"), "FAILED");
}

TEST(DateFilter, JodaPatternDetails) {
  auto text = Match({"MMM dd yyyy HH:mm:ss"}, "UTC");
  EXPECT_EQ(Parse(text, "MAY 05 2024 01:02:03"), "2024-05-05T01:02:03.000Z");
  EXPECT_EQ(Parse(text, "may 05 2024 01:02:03"), "2024-05-05T01:02:03.000Z");
  EXPECT_EQ(Parse(text, "mAy 05 2024 01:02:03"), "FAILED");
  EXPECT_EQ(Parse(text, "September 05 2024 01:02:03"), "2024-09-05T01:02:03.000Z");
  auto twelve = Match({"yyyy-MM-dd hh:mm:ss a"}, "UTC");
  EXPECT_EQ(Parse(twelve, "2024-05-05 03:04:05 PM"), "2024-05-05T15:04:05.000Z");
  EXPECT_EQ(Parse(twelve, "2024-05-05 12:04:05 am"), "2024-05-05T00:04:05.000Z");
  auto weekday = Match({"EEE MMM dd HH:mm:ss yyyy"}, "UTC");
  EXPECT_EQ(Parse(weekday, "Tue May 05 10:11:12 2015"), "2015-05-05T10:11:12.000Z");
  auto compact = Match({"yyyyMMddHHmmss"}, "UTC");
  EXPECT_EQ(Parse(compact, "20240505101112"), "2024-05-05T10:11:12.000Z");
  auto millis = Match({"yyyy-MM-dd HH:mm:ss,SSS"}, "UTC");
  EXPECT_EQ(Parse(millis, "2024-05-05 10:11:12,345"), "2024-05-05T10:11:12.345Z");
  EXPECT_EQ(Parse(millis, "2024-05-05 10:11:12,5"), "2024-05-05T10:11:12.500Z");
  EXPECT_EQ(Parse(millis, "2024-05-05 10:11:12,3456"), "FAILED");
  auto micros = Match({"yyyy-MM-dd HH:mm:ss.SSSSSS"}, "UTC");
  EXPECT_EQ(Parse(micros, "2024-05-05 10:11:12.345678"), "2024-05-05T10:11:12.345Z");
  auto quoted = Match({"yyyy-MM-dd'T'HH:mm:ss'Z'"}, "UTC");
  EXPECT_EQ(Parse(quoted, "2024-05-05T10:11:12Z"), "2024-05-05T10:11:12.000Z");
  auto two = Match({"dd.MM.yy"}, "UTC");
  EXPECT_EQ(Parse(two, "05.05.24"), "2024-05-05T00:00:00.000Z");
  EXPECT_EQ(Parse(two, "05.05.70"), "1970-05-05T00:00:00.000Z");
  EXPECT_EQ(Parse(two, "05.05.43"), "2043-05-05T00:00:00.000Z");
  EXPECT_EQ(Parse(two, "05.05.2001"), "2001-05-05T00:00:00.000Z");  // lenient: a full year
}

TEST(DateFilter, TargetMissingFieldAndCustomTags) {
  auto f = MakeDate(Options({{"match", Array{Value("when"), Value("ISO8601")}},
                             {"target", "[parsed][at]"},
                             {"tag_on_failure", Array{Value("bad_date"), Value("x")}}}),
                    "2024-01-01T00:00:00Z");
  Event e;
  e.set_timestamp(Timestamp(0));
  e.SetTop("when", "2024-02-03T04:05:06Z");
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "[parsed][at]"), "\"2024-02-03T04:05:06.000Z\"");
  EXPECT_EQ(e.timestamp(), Timestamp(0));

  Event missing;
  EXPECT_FALSE(f->Filter(missing));
  EXPECT_EQ(FieldJson(missing, "tags"), "null");

  Event bad;
  bad.SetTop("when", "garbage");
  EXPECT_FALSE(f->Filter(bad));
  EXPECT_EQ(FieldJson(bad, "tags"), "[\"bad_date\",\"x\"]");
}

TEST(DateFilter, TimezoneFromAField) {
  auto f = MakeDate(Match({"yyyy-MM-dd HH:mm:ss"}, "%{tz}"), "2024-01-01T00:00:00Z");
  Event e;
  e.SetTop("logdate", "2024-07-01 12:00:00");
  e.SetTop("tz", "America/New_York");
  ASSERT_TRUE(f->Filter(e));
  EXPECT_EQ(e.timestamp().ToIso8601(), "2024-07-01T16:00:00.000Z");
  Event bad;
  bad.SetTop("logdate", "2024-07-01 12:00:00");
  bad.SetTop("tz", "Mars/Olympus");
  EXPECT_FALSE(f->Filter(bad));
  EXPECT_TRUE(bad.HasTag("_dateparsefailure"));
}

TEST(DateFilter, ConfigErrorsSayWhatToDo) {
  std::string error;
  EXPECT_EQ(filter_testing::TryMakeFilter(kDateFilter, Match({"yyyy-MM-dd bb"}), &error), nullptr);
  EXPECT_NE(error.find("'b'"), std::string::npos) << error;
  EXPECT_EQ(filter_testing::TryMakeFilter(kDateFilter, Match({"ISO8601"}, "Mars/Olympus"), &error),
            nullptr);
  EXPECT_NE(error.find("Europe/Berlin"), std::string::npos) << error;
  Object de = Match({"MMM dd"});
  de.Set("locale", "de");
  EXPECT_EQ(filter_testing::TryMakeFilter(kDateFilter, de, &error), nullptr);
  EXPECT_NE(error.find("English"), std::string::npos) << error;
  Object en = Match({"MMM dd"});
  en.Set("locale", "en-US");
  EXPECT_NE(filter_testing::TryMakeFilter(kDateFilter, en, &error), nullptr) << error;
  EXPECT_EQ(filter_testing::TryMakeFilter(kDateFilter,
                                          Options({{"match", Array{Value("logdate")}}}), &error),
            nullptr);
  EXPECT_NE(error.find("at least one date format"), std::string::npos) << error;
}

// The stamps of the real samples: classic syslog (no year) and RFC 3339 with microseconds.
TEST(DateFilter, RealSampleStamps) {
  const std::string dir = PERIMETER_SOURCE_DIR "/../shared/samples/";
  auto syslog = MakeDate(Match(kSyslog, "UTC"), "2022-05-30T00:00:00Z");
  auto iso = MakeDate(Match({"ISO8601"}, nullptr), "2025-12-01T00:00:00Z");
  struct Sample {
    const char* file;
    bool rfc3339;
  };
  const Sample samples[] = {{"iptables/teliten-vultr-ufw-dpt22.log", false},
                            {"iptables/khaefner-lab-ufw-rfc3339-1000.log", true},
                            {"sshd/loghub-OpenSSH_2k.log", false}};
  size_t parsed = 0;
  for (const Sample& s : samples) {
    std::ifstream in(dir + s.file);
    if (!in) GTEST_SKIP() << "samples not found under " << dir;
    std::string line;
    while (std::getline(in, line)) {
      Event e;
      e.SetTop("logdate", s.rfc3339 ? line.substr(0, line.find(' ')) : line.substr(0, 15));
      bool ok = (s.rfc3339 ? iso : syslog)->Filter(e);
      EXPECT_TRUE(ok) << s.file << ": " << line;
      parsed += ok;
      if (line.rfind("2025-11-30T00:00:20.570472-07:00", 0) == 0) {
        // 2025-11-30T00:00:20.570472-07:00: microseconds truncated to milliseconds.
        EXPECT_EQ(e.timestamp().ToIso8601(), "2025-11-30T07:00:20.570Z");
      }
    }
  }
  EXPECT_GT(parsed, 3000u);
}

TEST(TimeZone, OffsetsAndTransitions) {
  auto berlin = TimeZone::Find("Europe/Berlin");
  ASSERT_TRUE(berlin.ok()) << berlin.status().ToString();
  EXPECT_EQ((*berlin)->OffsetAt(At("2024-01-01T00:00:00Z").seconds()), 3600);
  EXPECT_EQ((*berlin)->OffsetAt(At("2024-07-01T00:00:00Z").seconds()), 7200);
  // The switch happens at 01:00 UTC on the last Sunday of March.
  EXPECT_EQ((*berlin)->OffsetAt(At("2024-03-31T00:59:59Z").seconds()), 3600);
  EXPECT_EQ((*berlin)->OffsetAt(At("2024-03-31T01:00:00Z").seconds()), 7200);
  // Far beyond the file's transitions: the POSIX rule.
  EXPECT_EQ((*berlin)->OffsetAt(At("2100-03-28T00:59:59Z").seconds()), 3600);
  EXPECT_EQ((*berlin)->OffsetAt(At("2100-03-28T01:00:00Z").seconds()), 7200);
  auto sydney = TimeZone::Find("Australia/Sydney");
  ASSERT_TRUE(sydney.ok());
  EXPECT_EQ((*sydney)->OffsetAt(At("2060-01-15T00:00:00Z").seconds()), 11 * 3600);
  EXPECT_EQ((*sydney)->OffsetAt(At("2060-07-15T00:00:00Z").seconds()), 10 * 3600);
  EXPECT_FALSE(TimeZone::Find("../etc/passwd").ok());
  EXPECT_FALSE(TimeZone::Find("No/Such_Zone").ok());
  auto fixed = TimeZone::Find("-08:00");
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ((*fixed)->OffsetAt(0), -8 * 3600);
}

TEST(TimeZone, RejectsCorruptTzif) {
  EXPECT_FALSE(TimeZone::FromTzif("x", "").ok());
  EXPECT_FALSE(TimeZone::FromTzif("x", "TZif2").ok());
  std::string header(44, '\0');
  header.replace(0, 5, "TZif2");
  header[35] = 100;  // timecnt = 100 with no data behind it
  auto truncated = TimeZone::FromTzif("x", header);
  EXPECT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), StatusCode::kCorruption);
}

// Damaged zone files are refused or read, never crash (run under ASan to see the difference).
TEST(TimeZone, SurvivesDamagedFiles) {
  std::ifstream in("/usr/share/zoneinfo/Europe/Berlin", std::ios::binary);
  if (!in) GTEST_SKIP() << "no system zoneinfo";
  std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::mt19937 rng(7);
  int refused = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bad = good;
    if (i % 2 == 0) {
      bad.resize(rng() % bad.size());
    } else {
      for (int j = 0; j < 4; ++j) bad[rng() % bad.size()] = static_cast<char>(rng());
    }
    auto z = TimeZone::FromTzif("damaged", bad);
    if (!z.ok()) {
      ++refused;
      continue;
    }
    for (int64_t t :
         {int64_t{-4'000'000'000}, int64_t{0}, int64_t{1'700'000'000}, int64_t{4'000'000'000}}) {
      (void)(*z)->OffsetAt(t);
      (void)(*z)->LocalToUtc(t);
    }
  }
  EXPECT_GT(refused, 500);
}

TEST(JodaFormat, RandomTextNeverCrashes) {
  const std::string alphabet = "0123456789-:+ TZWtz.,JanMayDecPMam/";
  std::mt19937 rng(11);
  auto iso = Iso8601Parser::Create();
  ASSERT_TRUE(iso.ok());
  std::vector<JodaFormat> formats;
  for (const char* p : {"MMM  d HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "yyMMddHHmmssSSS",
                        "dd/MMM/yyyy:HH:mm:ss Z", "EEE MMM dd hh:mm:ss a yyyy", "D yyyy G"}) {
    auto f = JodaFormat::Compile(p, At("2024-06-01T00:00:00Z"));
    ASSERT_TRUE(f.ok()) << p;
    formats.push_back(std::move(f).value());
  }
  DateClock clock{At("2024-06-01T00:00:00Z"), TimeZone::Utc().get()};
  size_t parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    size_t len = rng() % 32;
    for (size_t j = 0; j < len; ++j) text.push_back(alphabet[rng() % alphabet.size()]);
    parsed += iso->Parse(text, *TimeZone::Utc()).has_value();
    for (const JodaFormat& f : formats)
      parsed += f.Parse(text, *TimeZone::Utc(), clock).has_value();
  }
  EXPECT_GT(parsed, 0u);  // short numeric strings are valid ISO 8601 years
}

}  // namespace
}  // namespace perimeter
