#include "filters/joda_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>

namespace perimeter {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
// Joda's default year for a date without one (the year of the parse bucket), chosen by Joda
// because 2000 is a leap year, so "Feb 29" parses.
constexpr int64_t kJodaDefaultYear = 2000;
// Joda accepts up to nine digits for a year ("appendYear(4, 9)").
constexpr int kMaxYearDigits = 9;
// Timestamp counts nanoseconds in an int64.
constexpr int64_t kMaxTimestampMillis = INT64_MAX / 1'000'000;

constexpr std::array<const char*, 12> kMonthsLong = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<const char*, 12> kMonthsShort = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
// ISO day numbers: Monday = 1.
constexpr std::array<const char*, 7> kDaysLong = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                  "Friday", "Saturday", "Sunday"};
constexpr std::array<const char*, 7> kDaysShort = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<const char*, 2> kHalfdays = {"AM", "PM"};
constexpr std::array<const char*, 2> kEras = {"BC", "AD"};

// Joda's default zone-name lookup for 'z' (DateTimeUtils.getDefaultTimeZoneNames()).
struct ZoneAbbreviation {
  const char* name;
  const char* zone;
};
constexpr ZoneAbbreviation kZoneAbbreviations[] = {
    {"UTC", "UTC"},
    {"UT", "UTC"},
    {"GMT", "UTC"},
    {"EST", "America/New_York"},
    {"EDT", "America/New_York"},
    {"CST", "America/Chicago"},
    {"CDT", "America/Chicago"},
    {"MST", "America/Denver"},
    {"MDT", "America/Denver"},
    {"PST", "America/Los_Angeles"},
    {"PDT", "America/Los_Angeles"},
};

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
}
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Joda's text fields accept a name as written, all lower case or all upper case.
bool TextMatches(std::string_view text, size_t pos, std::string_view name) {
  if (text.size() - pos < name.size()) return false;
  bool exact = true, lower = true, upper = true;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = text[pos + i];
    exact = exact && c == name[i];
    lower = lower && c == Lower(name[i]);
    upper = upper && c == Upper(name[i]);
  }
  return exact || lower || upper;
}

// The longest of `long_names`/`short_names` at `pos`; its index and length.
template <size_t N>
bool MatchName(std::string_view text, size_t* pos, const std::array<const char*, N>& long_names,
               const std::array<const char*, N>* short_names, int* index) {
  size_t best_len = 0;
  for (size_t i = 0; i < N; ++i) {
    for (const char* name : {long_names[i], short_names ? (*short_names)[i] : nullptr}) {
      if (name == nullptr) continue;
      std::string_view n(name);
      if (n.size() > best_len && TextMatches(text, *pos, n)) {
        best_len = n.size();
        *index = static_cast<int>(i);
      }
    }
  }
  if (best_len == 0) return false;
  *pos += best_len;
  return true;
}

// Up to `max_digits` digits (at least one), optionally after a sign when `is_signed`.
bool ParseNumber(std::string_view text, size_t* pos, int max_digits, bool is_signed, int64_t* out) {
  size_t p = *pos;
  bool negative = false;
  if (is_signed && p < text.size() && (text[p] == '-' || text[p] == '+') && p + 1 < text.size() &&
      IsDigit(text[p + 1])) {
    negative = text[p] == '-';
    ++p;
  }
  size_t start = p;
  int64_t v = 0;
  while (p < text.size() && IsDigit(text[p]) && static_cast<int>(p - start) < max_digits) {
    v = v * 10 + (text[p++] - '0');
  }
  if (p == start) return false;
  *out = negative ? -v : v;
  *pos = p;
  return true;
}

// Joda's Fraction parser: up to `max_digits` digits worth `unit_millis` for the first digit's
// place, truncated to milliseconds.
bool ParseFraction(std::string_view text, size_t* pos, int max_digits, int64_t unit_millis,
                   int64_t* millis) {
  size_t p = *pos;
  int64_t value = 0;
  int64_t n = unit_millis * 10;
  while (p < text.size() && IsDigit(text[p]) && static_cast<int>(p - *pos) < max_digits) {
    n /= 10;
    value += (text[p++] - '0') * n;
  }
  if (p == *pos) return false;
  *millis = value / 10;
  *pos = p;
  return true;
}

int TwoDigits(std::string_view text, size_t p) {
  return (text[p] - '0') * 10 + (text[p + 1] - '0');
}
bool HasTwoDigits(std::string_view text, size_t p) {
  return p + 1 < text.size() && IsDigit(text[p]) && IsDigit(text[p + 1]);
}

// Joda's TimeZoneOffset parser with zero-offset text "Z": "Z", or a sign and hh, hhmm, hh:mm,
// hhmmss or hh:mm:ss.
bool ParseOffset(std::string_view text, size_t* pos, int32_t* offset) {
  size_t p = *pos;
  if (p < text.size() && (text[p] == 'Z' || text[p] == 'z')) {
    *offset = 0;
    *pos = p + 1;
    return true;
  }
  if (text.size() - p <= 1 || (text[p] != '+' && text[p] != '-')) return false;
  bool negative = text[p++] == '-';
  if (!HasTwoDigits(text, p)) return false;
  int hours = TwoDigits(text, p);
  if (hours > 23) return false;
  int32_t seconds = hours * 3600;
  p += 2;
  if (p < text.size()) {
    bool separators = false;
    if (text[p] == ':') {
      separators = true;
      ++p;
    }
    if (!separators && (p >= text.size() || !IsDigit(text[p]))) {
      // hours only
    } else {
      if (!HasTwoDigits(text, p)) return false;
      int minutes = TwoDigits(text, p);
      if (minutes > 59) return false;
      seconds += minutes * 60;
      p += 2;
      bool more =
          separators ? (p < text.size() && text[p] == ':') : (p < text.size() && IsDigit(text[p]));
      if (more) {
        if (separators) ++p;
        if (!HasTwoDigits(text, p)) return false;
        int secs = TwoDigits(text, p);
        if (secs > 59) return false;
        seconds += secs;
        p += 2;
      }
    }
  }
  *offset = negative ? -seconds : seconds;
  *pos = p;
  return true;
}

struct LocalDateTime {
  int64_t year = 1970;
  int month = 1;
  int day = 1;
  int64_t second_of_day = 0;
  int64_t millis = 0;  // within the second, or more for ISO hour/minute fractions

  int64_t Seconds() const {
    return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
               kSecondsPerDay +
           second_of_day;
  }
};

// A wall-clock reading in a zone's gap is moved forward by the gap, as Joda's lenient setters
// do; elsewhere the earlier of two readings.
int64_t LocalToUtcLenient(const TimeZone& zone, int64_t local) {
  if (auto u = zone.LocalToUtc(local)) return *u;
  return local - zone.OffsetAt(local - kSecondsPerDay);
}

int64_t GuessYear(int event_month, const DateClock& clock) {
  int64_t now = clock.now.seconds();
  int64_t local = now + (clock.zone ? clock.zone->OffsetAt(now) : 0);
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(local, kSecondsPerDay), &y, &m, &d);
  // Logstash's JodaParser: December stamps read in January belong to last year, January stamps
  // read in December to next year; anything else to this year.
  if (event_month == 12 && m == 1) return y - 1;
  if (event_month == 1 && m == 12) return y + 1;
  return y;
}

std::optional<Timestamp> ToTimestamp(int64_t utc_seconds, int64_t millis) {
  if (utc_seconds > kMaxTimestampMillis / 1000 || utc_seconds < -kMaxTimestampMillis / 1000) {
    return std::nullopt;
  }
  return TimestampFromMillis(utc_seconds * 1000 + millis);
}

}  // namespace

std::optional<Timestamp> TimestampFromMillis(int64_t millis) {
  if (millis > kMaxTimestampMillis || millis < -kMaxTimestampMillis) return std::nullopt;
  return Timestamp::FromMillis(millis);
}

struct JodaFormat::Fields {
  std::optional<int64_t> year, year_of_era;
  int era = 1;  // AD
  std::optional<int> month, day, day_of_year, day_of_week, halfday;
  std::optional<int> hour_of_day, clockhour_of_day, hour_of_halfday, clockhour_of_halfday;
  std::optional<int> minute, second;
  int64_t millis = 0;
  std::optional<int32_t> offset;
  std::shared_ptr<const TimeZone> zone;

  bool HasDateFields() const { return month || day || day_of_year || day_of_week; }

  // Applies the fields in the order Joda's parse bucket does (larger units first), checking
  // each value's range.
  bool ToLocal(LocalDateTime* out) const {
    LocalDateTime l;
    if (year) {
      l.year = *year;
    } else if (year_of_era) {
      if (*year_of_era < 1) return false;
      l.year = era == 0 ? 1 - *year_of_era : *year_of_era;
    } else {
      l.year = HasDateFields() ? kJodaDefaultYear : 1970;
    }
    if (month) {
      if (*month < 1 || *month > 12) return false;
      l.month = *month;
    }
    int64_t days = DaysFromCivil(l.year, static_cast<unsigned>(l.month), 1);
    if (day_of_year) {
      if (*day_of_year < 1 || *day_of_year > (IsLeap(l.year) ? 366 : 365)) return false;
      days = DaysFromCivil(l.year, 1, 1) + *day_of_year - 1;
    }
    if (day) {
      int64_t y;
      unsigned m, d;
      CivilFromDays(days, &y, &m, &d);
      if (*day < 1 || *day > DaysInMonth(y, static_cast<int>(m))) return false;
      days = DaysFromCivil(y, m, static_cast<unsigned>(*day));
    }
    if (day_of_week) {
      if (*day_of_week < 1 || *day_of_week > 7) return false;
      int iso = static_cast<int>(((days + 3) % 7 + 7) % 7) + 1;  // 1970-01-01 was a Thursday
      days += *day_of_week - iso;
    }
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    l.year = y;
    l.month = static_cast<int>(m);
    l.day = static_cast<int>(d);

    int hour = 0;
    if (halfday) hour = *halfday * 12;
    if (hour_of_day) {
      if (*hour_of_day < 0 || *hour_of_day > 23) return false;
      hour = *hour_of_day;
    }
    if (clockhour_of_day) {
      if (*clockhour_of_day < 1 || *clockhour_of_day > 24) return false;
      hour = *clockhour_of_day % 24;
    }
    if (hour_of_halfday) {
      if (*hour_of_halfday < 0 || *hour_of_halfday > 11) return false;
      hour = hour / 12 * 12 + *hour_of_halfday;
    }
    if (clockhour_of_halfday) {
      if (*clockhour_of_halfday < 1 || *clockhour_of_halfday > 12) return false;
      hour = hour / 12 * 12 + *clockhour_of_halfday % 12;
    }
    if (minute && (*minute < 0 || *minute > 59)) return false;
    if (second && (*second < 0 || *second > 59)) return false;
    l.second_of_day = hour * 3600 + minute.value_or(0) * 60 + second.value_or(0);
    l.millis = millis;
    *out = l;
    return true;
  }
};

Result<JodaFormat> JodaFormat::Compile(std::string_view pattern, Timestamp now) {
  JodaFormat f;
  f.pattern_ = std::string(pattern);
  f.has_year_ = pattern.find_first_of("yY") != std::string_view::npos;
  f.has_zone_ = pattern.find('Z') != std::string_view::npos;
  {
    int64_t y;
    unsigned m, d;
    CivilFromDays(FloorDiv(now.seconds(), kSecondsPerDay), &y, &m, &d);
    // Joda's appendTwoDigitYear(currentYear - 30): "yy" reads into [year - 80, year + 19].
    f.two_digit_year_pivot_ = static_cast<int>(y) - 30;
  }
  auto error = [&](std::string_view what) {
    return Status::InvalidArgument(fmt::format("date pattern '{}': {}", pattern, what));
  };

  // Tokens as Joda's DateTimeFormat.parseToken cuts them: a run of one letter, or literal text
  // where '...' quotes letters and '' is a quote.
  struct Token {
    char letter = 0;  // 0: literal
    int count = 0;
    std::string text;
  };
  std::vector<Token> tokens;
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (IsLetter(c)) {
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      tokens.push_back({c, static_cast<int>(j - i), {}});
      i = j;
      continue;
    }
    Token t;
    bool quoted = false;
    for (; i < pattern.size(); ++i) {
      char ch = pattern[i];
      if (ch == '\'') {
        if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
          t.text.push_back('\'');
          ++i;
        } else {
          quoted = !quoted;
        }
      } else if (!quoted && IsLetter(ch)) {
        break;
      } else {
        t.text.push_back(ch);
      }
    }
    if (!t.text.empty()) tokens.push_back(std::move(t));
  }
  auto numeric = [](const Token& t) {
    if (t.letter == 0) return false;
    if (t.letter == 'M') return t.count <= 2;
    return std::string_view("CxyYdhHmsSeDFwWkK").find(t.letter) != std::string_view::npos;
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    bool next_numeric = i + 1 < tokens.size() && numeric(tokens[i + 1]);
    Element e{Kind::kLiteral, 0, {}};
    switch (t.letter) {
      case 0:
        e.literal = t.text;
        break;
      case 'y':
      case 'Y':
        if (t.count == 2) {
          e.kind = Kind::kTwoDigitYear;
          e.max_digits = next_numeric ? 2 : 0;  // 0: lenient, a longer number is a full year
        } else {
          e.kind = t.letter == 'y' ? Kind::kYear : Kind::kYearOfEra;
          e.max_digits = next_numeric ? t.count : kMaxYearDigits;
        }
        break;
      case 'G':
        e.kind = Kind::kEra;
        break;
      case 'M':
        e.kind = t.count >= 3 ? Kind::kMonthText : Kind::kMonth;
        e.max_digits = 2;
        break;
      case 'd':
        e.kind = Kind::kDayOfMonth;
        e.max_digits = 2;
        break;
      case 'D':
        e.kind = Kind::kDayOfYear;
        e.max_digits = 3;
        break;
      case 'e':
        e.kind = Kind::kDayOfWeek;
        e.max_digits = 1;
        break;
      case 'E':
        e.kind = Kind::kDayOfWeekText;
        break;
      case 'a':
        e.kind = Kind::kHalfday;
        break;
      case 'H':
        e.kind = Kind::kHourOfDay;
        e.max_digits = 2;
        break;
      case 'k':
        e.kind = Kind::kClockhourOfDay;
        e.max_digits = 2;
        break;
      case 'K':
        e.kind = Kind::kHourOfHalfday;
        e.max_digits = 2;
        break;
      case 'h':
        e.kind = Kind::kClockhourOfHalfday;
        e.max_digits = 2;
        break;
      case 'm':
        e.kind = Kind::kMinute;
        e.max_digits = 2;
        break;
      case 's':
        e.kind = Kind::kSecond;
        e.max_digits = 2;
        break;
      case 'S':
        e.kind = Kind::kFraction;
        e.max_digits = t.count;
        break;
      case 'Z':
        e.kind = t.count >= 3 ? Kind::kZoneId : Kind::kOffset;
        break;
      case 'z':
        e.kind = Kind::kZoneName;
        break;
      case 'C':
      case 'x':
      case 'w':
        return error(
            fmt::format("'{}' (century / week-based dates) is not supported; use y, M "
                        "and d",
                        t.letter));
      default:
        return error(
            fmt::format("'{}' is not a Joda pattern letter; quote literal text, as in "
                        "\"yyyy-MM-dd'T'HH:mm:ss\"",
                        t.letter));
    }
    f.elements_.push_back(std::move(e));
  }
  return f;
}

bool JodaFormat::ParseFields(std::string_view text, Fields* f) const {
  size_t pos = 0;
  for (const Element& e : elements_) {
    int64_t n = 0;
    int index = 0;
    switch (e.kind) {
      case Kind::kLiteral: {
        if (text.size() - pos < e.literal.size()) return false;
        for (size_t i = 0; i < e.literal.size(); ++i) {
          char a = text[pos + i], b = e.literal[i];
          if (a != b && Lower(a) != Lower(b)) return false;
        }
        pos += e.literal.size();
        break;
      }
      case Kind::kYear:
        if (!ParseNumber(text, &pos, e.max_digits, true, &n)) return false;
        f->year = n;
        break;
      case Kind::kYearOfEra:
        if (!ParseNumber(text, &pos, e.max_digits, false, &n)) return false;
        f->year_of_era = n;
        break;
      case Kind::kTwoDigitYear: {
        size_t start = pos;
        bool lenient = e.max_digits == 0;
        if (!ParseNumber(text, &pos, lenient ? kMaxYearDigits : 2, lenient, &n)) return false;
        bool sign = text[start] == '-' || text[start] == '+';
        if (pos - start != 2 || sign) {
          if (!lenient) return false;
          f->year = n;  // "2024" for "yy": taken as a full year
          break;
        }
        int low = two_digit_year_pivot_ - 50;
        int t = low >= 0 ? low % 100 : 99 + ((low + 1) % 100);
        f->year = n + low + (n < t ? 100 : 0) - t;
        break;
      }
      case Kind::kEra:
        if (!MatchName<2>(text, &pos, kEras, nullptr, &index)) return false;
        f->era = index;
        break;
      case Kind::kMonth:
        if (!ParseNumber(text, &pos, e.max_digits, false, &n)) return false;
        f->month = static_cast<int>(n);
        break;
      case Kind::kMonthText:
        if (!MatchName(text, &pos, kMonthsLong, &kMonthsShort, &index)) return false;
        f->month = index + 1;
        break;
      case Kind::kDayOfMonth:
        if (!ParseNumber(text, &pos, e.max_digits, false, &n)) return false;
        f->day = static_cast<int>(n);
        break;
      case Kind::kDayOfYear:
        if (!ParseNumber(text, &pos, e.max_digits, false, &n)) return false;
        f->day_of_year = static_cast<int>(n);
        break;
      case Kind::kDayOfWeek:
        if (!ParseNumber(text, &pos, e.max_digits, false, &n)) return false;
        f->day_of_week = static_cast<int>(n);
        break;
      case Kind::kDayOfWeekText:
        if (!MatchName(text, &pos, kDaysLong, &kDaysShort, &index)) return false;
        f->day_of_week = index + 1;
        break;
      case Kind::kHalfday:
        if (!MatchName<2>(text, &pos, kHalfdays, nullptr, &index)) return false;
        f->halfday = index;
        break;
      case Kind::kHourOfDay:
      case Kind::kClockhourOfDay:
      case Kind::kHourOfHalfday:
      case Kind::kClockhourOfHalfday:
      case Kind::kMinute:
      case Kind::kSecond: {
        if (!ParseNumber(text, &pos, e.max_digits, false, &n)) return false;
        int v = static_cast<int>(n);
        if (e.kind == Kind::kHourOfDay) f->hour_of_day = v;
        if (e.kind == Kind::kClockhourOfDay) f->clockhour_of_day = v;
        if (e.kind == Kind::kHourOfHalfday) f->hour_of_halfday = v;
        if (e.kind == Kind::kClockhourOfHalfday) f->clockhour_of_halfday = v;
        if (e.kind == Kind::kMinute) f->minute = v;
        if (e.kind == Kind::kSecond) f->second = v;
        break;
      }
      case Kind::kFraction:
        if (!ParseFraction(text, &pos, e.max_digits, 1000, &n)) return false;
        f->millis = n;
        break;
      case Kind::kOffset: {
        int32_t off = 0;
        if (!ParseOffset(text, &pos, &off)) return false;
        f->offset = off;
        break;
      }
      case Kind::kZoneId: {
        size_t start = pos;
        while (pos < text.size() &&
               (IsLetter(text[pos]) || IsDigit(text[pos]) || text[pos] == '/' || text[pos] == '_' ||
                text[pos] == '-' || text[pos] == '+')) {
          ++pos;
        }
        if (pos == start) return false;
        auto zone = TimeZone::Find(text.substr(start, pos - start));
        if (!zone.ok()) return false;
        f->zone = *zone;
        f->offset.reset();
        break;
      }
      case Kind::kZoneName: {
        const ZoneAbbreviation* best = nullptr;
        for (const ZoneAbbreviation& z : kZoneAbbreviations) {
          std::string_view name(z.name);
          if (text.substr(pos, name.size()) == name &&
              (best == nullptr || name.size() > std::string_view(best->name).size())) {
            best = &z;
          }
        }
        if (best == nullptr) return false;
        auto zone = TimeZone::Find(best->zone);
        if (!zone.ok()) return false;
        pos += std::string_view(best->name).size();
        f->zone = *zone;
        f->offset.reset();
        break;
      }
    }
  }
  return pos == text.size();
}

std::optional<Timestamp> JodaFormat::Parse(std::string_view text, const TimeZone& zone,
                                           const DateClock& clock) const {
  Fields f;
  if (!ParseFields(text, &f)) return std::nullopt;
  LocalDateTime l;
  if (!f.ToLocal(&l)) return std::nullopt;

  // An offset or zone read from the text wins over the configured zone (Joda's parse bucket).
  auto resolve = [&](const LocalDateTime& local) -> std::optional<int64_t> {
    if (f.offset) return local.Seconds() - *f.offset;
    const TimeZone& z = f.zone ? *f.zone : zone;
    return z.LocalToUtc(local.Seconds());
  };

  if (has_year_) {
    auto utc = resolve(l);
    if (!utc) return std::nullopt;
    return ToTimestamp(*utc, l.millis);
  }

  // No year in the pattern: Logstash's JodaParser.parseAndGuessYear.
  if (has_zone_) {
    // parseDateTime: the instant with the text's offset, then seen in the configured zone.
    auto first = resolve(l);
    if (!first) return std::nullopt;
    int64_t local = *first + zone.OffsetAt(*first);
    int64_t y;
    unsigned m, d;
    CivilFromDays(FloorDiv(local, kSecondsPerDay), &y, &m, &d);
    int64_t year = GuessYear(static_cast<int>(m), clock);
    int day = std::min(static_cast<int>(d), DaysInMonth(year, static_cast<int>(m)));
    int64_t moved = DaysFromCivil(year, m, static_cast<unsigned>(day)) * kSecondsPerDay +
                    (local - FloorDiv(local, kSecondsPerDay) * kSecondsPerDay);
    return ToTimestamp(LocalToUtcLenient(zone, moved), l.millis);
  }
  // parseLocalDateTime: wall-clock fields only (a 'z' zone name is ignored), in the configured
  // zone, with the guessed year; Feb 29 becomes Feb 28 in a common year, as withYear does.
  l.year = GuessYear(l.month, clock);
  l.day = std::min(l.day, DaysInMonth(l.year, l.month));
  auto utc = zone.LocalToUtc(l.Seconds());
  if (!utc) return std::nullopt;
  return ToTimestamp(*utc, l.millis);
}

Result<Iso8601Parser> Iso8601Parser::Create() {
  Iso8601Parser p;
  for (const char* pattern : {"yyyy-MM-dd HH:mm:ss.SSSZ", "yyyy-MM-dd HH:mm:ss.SSS",
                              "yyyy-MM-dd HH:mm:ss,SSSZ", "yyyy-MM-dd HH:mm:ss,SSS"}) {
    ASSIGN_OR_RETURN(JodaFormat f, JodaFormat::Compile(pattern));
    p.fallbacks_.push_back(std::move(f));
  }
  return p;
}

namespace {

// Joda's ISODateTimeFormat.dateTimeParser():
//   datetime      = time | date-opt-time
//   time          = 'T' time-element [offset]
//   date-opt-time = date-element ['T' [time-element] [offset]]
//   date-element  = yyyy ['-' MM ['-' dd]] | yyyy ['-' DDD] | xxxx '-W' ww ['-' e]
//   time-element  = HH [':' mm [':' ss [fraction] | fraction] | fraction]
//   fraction      = ('.' | ',') digit+
//   offset        = 'Z' | ('+' | '-') HH [':' mm [':' ss]]
std::optional<Timestamp> ParseIsoDateTime(std::string_view s, const TimeZone& zone) {
  size_t p = 0;
  int64_t days = 0;  // 1970-01-01 unless a date is given
  auto is_t = [&](size_t i) { return i < s.size() && (s[i] == 'T' || s[i] == 't'); };
  bool has_time_designator = false;
  if (is_t(0)) {
    has_time_designator = true;
  } else {
    int64_t year = 0;
    if (!ParseNumber(s, &p, kMaxYearDigits, true, &year)) return std::nullopt;
    int month = 1, day = 1;
    if (p < s.size() && s[p] == '-') {
      if (p + 1 < s.size() && (s[p + 1] == 'W' || s[p + 1] == 'w')) {
        // Week date: ISO week `ww` of week-year `year`, day `e` (Monday = 1).
        size_t q = p + 2;
        int64_t week = 0, dow = 1;
        if (!ParseNumber(s, &q, 2, false, &week) || week < 1 || week > 53) return std::nullopt;
        if (q < s.size() && s[q] == '-') {
          ++q;
          if (!ParseNumber(s, &q, 1, false, &dow) || dow < 1 || dow > 7) return std::nullopt;
        }
        int64_t jan4 = DaysFromCivil(year, 1, 4);
        int jan4_iso = static_cast<int>(((jan4 + 3) % 7 + 7) % 7) + 1;
        int64_t week1_monday = jan4 - (jan4_iso - 1);
        days = week1_monday + (week - 1) * 7 + (dow - 1);
        p = q;
      } else {
        // Month (and day) or ordinal day: Joda keeps whichever reads further, the month form
        // on a tie.
        size_t q_std = p + 1, q_ord = p + 1;
        int64_t m = 0, d = 1, doy = 0;
        bool std_ok = ParseNumber(s, &q_std, 2, false, &m);
        if (std_ok && q_std < s.size() && s[q_std] == '-') {
          size_t q = q_std + 1;
          if (ParseNumber(s, &q, 2, false, &d)) q_std = q;
        }
        bool ord_ok = ParseNumber(s, &q_ord, 3, false, &doy);
        if (ord_ok && (!std_ok || q_ord > q_std)) {
          if (doy < 1 || doy > (IsLeap(year) ? 366 : 365)) return std::nullopt;
          days = DaysFromCivil(year, 1, 1) + doy - 1;
          p = q_ord;
        } else if (std_ok) {
          if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(year, static_cast<int>(m))) {
            return std::nullopt;
          }
          month = static_cast<int>(m);
          day = static_cast<int>(d);
          days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
          p = q_std;
        } else {
          return std::nullopt;
        }
      }
    } else {
      days = DaysFromCivil(year, 1, 1);
    }
    if (p == s.size()) {
      auto utc = zone.LocalToUtc(days * kSecondsPerDay);
      if (!utc) return std::nullopt;
      return ToTimestamp(*utc, 0);
    }
    if (!is_t(p)) return std::nullopt;
  }
  ++p;  // 'T'
  int64_t millis_of_day = 0;
  std::optional<int32_t> offset;
  bool time_required = has_time_designator;
  if (p < s.size() && IsDigit(s[p])) {
    int64_t hour = 0, minute = 0, second = 0, frac = 0;
    if (!ParseNumber(s, &p, 2, false, &hour) || hour > 23) return std::nullopt;
    millis_of_day = hour * 3'600'000;
    auto fraction_at = [&](size_t i) { return i < s.size() && (s[i] == '.' || s[i] == ','); };
    if (p < s.size() && s[p] == ':') {
      ++p;
      if (!ParseNumber(s, &p, 2, false, &minute) || minute > 59) return std::nullopt;
      millis_of_day += minute * 60'000;
      if (p < s.size() && s[p] == ':') {
        ++p;
        if (!ParseNumber(s, &p, 2, false, &second) || second > 59) return std::nullopt;
        millis_of_day += second * 1000;
        if (fraction_at(p)) {
          ++p;
          if (!ParseFraction(s, &p, 9, 1000, &frac)) return std::nullopt;
          millis_of_day += frac;
        }
      } else if (fraction_at(p)) {
        ++p;
        if (!ParseFraction(s, &p, 9, 60'000, &frac)) return std::nullopt;
        millis_of_day += frac;
      }
    } else if (fraction_at(p)) {
      ++p;
      if (!ParseFraction(s, &p, 9, 3'600'000, &frac)) return std::nullopt;
      millis_of_day += frac;
    }
  } else if (time_required) {
    return std::nullopt;
  }
  if (p < s.size()) {
    int32_t off = 0;
    if (!ParseOffset(s, &p, &off)) return std::nullopt;
    offset = off;
  }
  if (p != s.size()) return std::nullopt;
  int64_t local = days * kSecondsPerDay + millis_of_day / 1000;
  int64_t utc;
  if (offset) {
    utc = local - *offset;
  } else {
    auto u = zone.LocalToUtc(local);
    if (!u) return std::nullopt;
    utc = *u;
  }
  return ToTimestamp(utc, millis_of_day % 1000);
}

}  // namespace

std::optional<Timestamp> Iso8601Parser::Parse(std::string_view text, const TimeZone& zone) const {
  if (auto t = ParseIsoDateTime(text, zone)) return t;
  DateClock unused;  // every fallback pattern has a year
  for (const JodaFormat& f : fallbacks_) {
    if (auto t = f.Parse(text, zone, unused)) return t;
  }
  return std::nullopt;
}

}  // namespace perimeter
