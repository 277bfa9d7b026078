#include "query/date_rounding.h"

#include <gtest/gtest.h>

#include "core/timestamp.h"

namespace perimeter::query {
namespace {

int64_t At(const char* iso) { return Timestamp::ParseIso8601(iso)->nanos(); }
std::string Iso(int64_t ns) { return Timestamp(ns).ToIso8601(); }

DateRounding Rounding(const char* interval, const char* zone) {
  auto i = DateInterval::Parse(interval);
  EXPECT_TRUE(i.ok()) << i.status().ToString();
  auto z = TimeZone::Find(zone);
  EXPECT_TRUE(z.ok()) << z.status().ToString();
  return DateRounding(*i, *z);
}

TEST(DateRounding, FixedIntervalsInUtcAndOffsets) {
  DateRounding h = Rounding("1h", "UTC");
  EXPECT_EQ(Iso(h.KeyOf(At("2024-05-03T10:59:59.999Z"))), "2024-05-03T10:00:00.000Z");
  EXPECT_EQ(Iso(h.NextKey(At("2024-05-03T10:00:00Z"))), "2024-05-03T11:00:00.000Z");
  DateRounding m = Rounding("15m", "+05:30");
  EXPECT_EQ(Iso(m.KeyOf(At("2024-05-03T10:07:00Z"))), "2024-05-03T10:00:00.000Z");
  DateRounding d = Rounding("1d", "+05:30");
  EXPECT_EQ(Iso(d.KeyOf(At("2024-05-03T20:00:00Z"))), "2024-05-03T18:30:00.000Z");
  // Before 1970 too.
  EXPECT_EQ(Iso(h.KeyOf(At("1969-12-31T23:30:00Z"))), "1969-12-31T23:00:00.000Z");
}

TEST(DateRounding, CalendarDaysFollowDaylightSaving) {
  // Europe/Berlin went to summer time on 2024-03-31 at 01:00 UTC: that day is 23 hours long.
  DateRounding d = Rounding("1d", "Europe/Berlin");
  int64_t day = d.KeyOf(At("2024-03-31T12:00:00Z"));
  EXPECT_EQ(Iso(day), "2024-03-30T23:00:00.000Z");
  EXPECT_EQ(Iso(d.NextKey(day)), "2024-03-31T22:00:00.000Z");
  EXPECT_EQ(d.KeyOf(At("2024-03-31T21:59:59Z")), day);
  // Hours around the change are real hours.
  DateRounding h = Rounding("1h", "Europe/Berlin");
  EXPECT_EQ(Iso(h.KeyOf(At("2024-03-31T00:30:00Z"))), "2024-03-31T00:00:00.000Z");
  EXPECT_EQ(Iso(h.KeyOf(At("2024-03-31T01:30:00Z"))), "2024-03-31T01:00:00.000Z");
  // The repeated autumn hour (2024-10-27, 00:00-02:00 UTC) gives two buckets.
  EXPECT_NE(h.KeyOf(At("2024-10-27T00:30:00Z")), h.KeyOf(At("2024-10-27T01:30:00Z")));
}

TEST(DateRounding, WeeksMonthsQuartersYears) {
  EXPECT_EQ(Iso(Rounding("1w", "UTC").KeyOf(At("2024-05-03T10:00:00Z"))),
            "2024-04-29T00:00:00.000Z");  // a Monday
  EXPECT_EQ(Iso(Rounding("1M", "UTC").KeyOf(At("2024-05-31T23:00:00Z"))),
            "2024-05-01T00:00:00.000Z");
  EXPECT_EQ(Iso(Rounding("1q", "UTC").KeyOf(At("2024-05-03T10:00:00Z"))),
            "2024-04-01T00:00:00.000Z");
  EXPECT_EQ(Iso(Rounding("1y", "UTC").KeyOf(At("2024-05-03T10:00:00Z"))),
            "2024-01-01T00:00:00.000Z");
  DateRounding month = Rounding("1M", "America/New_York");
  EXPECT_EQ(Iso(month.KeyOf(At("2024-03-01T03:00:00Z"))), "2024-02-01T05:00:00.000Z");
  EXPECT_EQ(Iso(month.NextKey(At("2024-03-01T05:00:00Z"))), "2024-04-01T04:00:00.000Z");
}

TEST(DateRounding, CursorAgreesWithKeyOf) {
  DateRounding h = Rounding("1h", "Europe/Berlin");
  DateRounding::Cursor cursor(h);
  for (int64_t t = At("2024-10-26T20:00:00Z"); t < At("2024-10-27T06:00:00Z");
       t += 97'000'000'000) {
    ASSERT_EQ(cursor.KeyOf(t), h.KeyOf(t)) << Iso(t);
  }
}

TEST(DateInterval, ParsesAndChoosesAutomatically) {
  EXPECT_EQ(DateInterval::Parse("30s")->fixed_ns, 30'000'000'000);
  EXPECT_EQ(DateInterval::Parse("hour")->fixed_ns, 3'600'000'000'000);
  EXPECT_FALSE(DateInterval::Parse("2w").ok());
  EXPECT_FALSE(DateInterval::Parse("5x").ok());
  EXPECT_FALSE(DateInterval::Parse("0h").ok());
  int64_t day = 86'400'000'000'000;
  EXPECT_EQ(DateInterval::Auto(30 * day, 720).text, "1h");
  EXPECT_EQ(DateInterval::Auto(day, 100).text, "30m");
  EXPECT_EQ(DateInterval::Auto(365 * day, 20).text, "1M");
}

}  // namespace
}  // namespace perimeter::query
