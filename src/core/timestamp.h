// Timestamp: an instant as nanoseconds since the Unix epoch (UTC), and its ISO 8601 text form.
// A plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace perimeter {

class Timestamp {
 public:
  constexpr Timestamp() = default;
  constexpr explicit Timestamp(int64_t nanos) : nanos_(nanos) {}
  static Timestamp Now();
  static constexpr Timestamp FromMillis(int64_t ms) { return Timestamp(ms * 1'000'000); }
  static constexpr Timestamp FromSeconds(int64_t s) { return Timestamp(s * 1'000'000'000); }

  constexpr int64_t nanos() const { return nanos_; }
  constexpr int64_t millis() const { return FloorDiv(nanos_, 1'000'000); }
  constexpr int64_t seconds() const { return FloorDiv(nanos_, 1'000'000'000); }

  // "2014-05-05T13:55:37.658Z" as Logstash prints it: milliseconds, or more digits when the
  // instant has sub-millisecond precision.
  std::string ToIso8601() const;
  // Appends ToIso8601() to `out` without a temporary string.
  void AppendIso8601(std::string* out) const;
  // Parses "YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|±HH[:]MM]". Without a zone the time is UTC.
  static std::optional<Timestamp> ParseIso8601(std::string_view text);

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 false positive on a defaulted <=>
  friend constexpr auto operator<=>(Timestamp a, Timestamp b) = default;

 private:
  static constexpr int64_t FloorDiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
  }
  int64_t nanos_ = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian civil date, and back.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

}  // namespace perimeter
