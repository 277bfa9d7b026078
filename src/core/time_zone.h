// TimeZone: UTC offsets of an IANA time zone ("Europe/Berlin") read from the system's TZif files
// (/usr/share/zoneinfo, or $TZDIR), including the POSIX rule that extends them past their last
// transition; also fixed offsets ("UTC", "+05:30"). Zones are loaded once and cached for the life
// of the process; a TimeZone is immutable and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace perimeter {

class TimeZone {
 public:
  // "UTC", "Z", "GMT", "+01:00", "-0800", "+05", or an IANA name. Cached. Errors say which names
  // are accepted.
  static Result<std::shared_ptr<const TimeZone>> Find(std::string_view id);
  // The machine's zone: $TZ, else /etc/localtime, else UTC (what the JVM would use).
  static std::shared_ptr<const TimeZone> Local();
  static std::shared_ptr<const TimeZone> Utc();
  static std::shared_ptr<const TimeZone> Fixed(int32_t offset_seconds);
  // Parses a TZif file's bytes (for tests); `name` is what name() reports.
  static Result<std::shared_ptr<const TimeZone>> FromTzif(std::string name, std::string_view bytes);

  const std::string& name() const { return name_; }
  // Seconds east of UTC at the instant `utc_seconds`.
  int32_t OffsetAt(int64_t utc_seconds) const;
  // The instant a wall-clock reading names: the earlier one when the reading occurs twice (the
  // autumn overlap), nullopt when it never occurs (the spring gap), as Joda-Time decides.
  std::optional<int64_t> LocalToUtc(int64_t local_seconds) const;

 private:
  // A POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3") for instants after the last transition.
  struct PosixRule {
    struct Date {
      char kind = 'M';  // 'J': Julian day 1..365 without Feb 29; 'D': day 0..365; 'M': m.w.d
      int day = 0, month = 0, week = 0, weekday = 0;
      int32_t time = 7200;  // local seconds after midnight
    };
    int32_t std_offset = 0;  // seconds east of UTC
    int32_t dst_offset = 0;
    bool has_dst = false;
    Date start, end;
  };
  static std::optional<PosixRule> ParsePosix(std::string_view tz);
  static int64_t RuleTransition(const PosixRule::Date& d, int64_t year, int32_t offset_before);
  int32_t RuleOffsetAt(int64_t utc_seconds) const;

  std::string name_;
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int32_t> offsets_;      // offset in force from transitions_[i] on
  int32_t initial_offset_ = 0;        // before the first transition
  std::optional<PosixRule> rule_;     // after the last transition
};

}  // namespace perimeter
