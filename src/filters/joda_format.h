// JodaFormat: a Joda-Time DateTimeFormat pattern ("MMM  d HH:mm:ss", "dd/MMM/yyyy:HH:mm:ss Z")
// compiled for parsing with Joda's rules (literals match exactly but case-insensitively, numbers
// take up to their maximum width, month and day names in English), plus Logstash's date-filter
// behaviour around it: the year of a year-less syslog stamp is guessed from the clock, and
// "ISO8601" means Joda's ISO parser with its fallbacks. Results have millisecond precision, as
// Joda's do. Immutable after Compile(); Parse() is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time_zone.h"
#include "core/timestamp.h"

namespace perimeter {

// What year-guessing compares against: the current instant and the zone its month is read in
// (Logstash reads the JVM's default zone, i.e. the machine's).
struct DateClock {
  Timestamp now;
  const TimeZone* zone = nullptr;
};

class JodaFormat {
 public:
  // Errors name the offending pattern letter ("pattern 'yyyy-MM-dd bb': 'b' is not a Joda
  // pattern letter; quote literal text like 'T'").
  static Result<JodaFormat> Compile(std::string_view pattern, Timestamp now = Timestamp::Now());

  // The instant `text` names, or nullopt when it does not match the whole pattern or names an
  // impossible date (Feb 30, a local time skipped by a DST change). An offset or zone in the text
  // wins over `zone`.
  std::optional<Timestamp> Parse(std::string_view text, const TimeZone& zone,
                                 const DateClock& clock) const;

  const std::string& pattern() const { return pattern_; }
  // Logstash's tests, done on the raw pattern text: a 'y' or 'Y' anywhere means "has a year",
  // a 'Z' anywhere means "has a zone".
  bool has_year() const { return has_year_; }
  bool has_zone() const { return has_zone_; }

  // Fields read from text, before calendar arithmetic.
  struct Fields;

 private:
  enum class Kind : uint8_t {
    kLiteral,
    kYear,                // y: proleptic year, signed
    kYearOfEra,           // Y
    kTwoDigitYear,        // yy
    kEra,                 // G
    kMonth,               // M, MM
    kMonthText,           // MMM, MMMM
    kDayOfMonth,          // d
    kDayOfYear,           // D
    kDayOfWeek,           // e
    kDayOfWeekText,       // E
    kHalfday,             // a
    kHourOfDay,           // H 0..23
    kClockhourOfDay,      // k 1..24
    kHourOfHalfday,       // K 0..11
    kClockhourOfHalfday,  // h 1..12
    kMinute,              // m
    kSecond,              // s
    kFraction,            // S
    kOffset,              // Z, ZZ
    kZoneId,              // ZZZ
    kZoneName,            // z
  };
  struct Element {
    Kind kind;
    int max_digits = 0;
    std::string literal;
  };

  bool ParseFields(std::string_view text, Fields* f) const;

  std::string pattern_;
  std::vector<Element> elements_;
  bool has_year_ = false;
  bool has_zone_ = false;
  int two_digit_year_pivot_ = 0;
};

// Milliseconds since the epoch as a Timestamp; nullopt outside what Timestamp's 64-bit nanoseconds
// hold (years 1677..2262).
std::optional<Timestamp> TimestampFromMillis(int64_t millis);

// Logstash's "ISO8601": Joda's ISODateTimeFormat.dateTimeParser(), then "yyyy-MM-dd
// HH:mm:ss.SSSZ", "yyyy-MM-dd HH:mm:ss.SSS" and the same with ','. Immutable; thread-safe.
class Iso8601Parser {
 public:
  static Result<Iso8601Parser> Create();
  std::optional<Timestamp> Parse(std::string_view text, const TimeZone& zone) const;

 private:
  std::vector<JodaFormat> fallbacks_;
};

}  // namespace perimeter
