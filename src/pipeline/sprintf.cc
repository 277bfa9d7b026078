#include "pipeline/sprintf.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

namespace perimeter {

namespace {

using sprintf_internal::DateFormat;
using sprintf_internal::Segment;

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr int64_t kMillisPerDay = 86'400'000;
constexpr int kMaxFractionDigits = 9;  // nanoseconds

constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kDayNames = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

// The letters each pattern style understands. Joda's are documented in
// org.joda.time.format.DateTimeFormat; for java.time only the letters that mean the same there.
constexpr std::string_view kJodaLetters = "GCYxwyMDdeEaKhHkmsSzZ";
constexpr std::string_view kJavaTimeLetters = "yuMdDHhkKmsSaE";

Result<DateFormat> CompileDateFormat(std::string_view pattern, bool java_time,
                                     std::string_view template_text) {
  DateFormat f;
  f.nanosecond_fractions = java_time;
  std::string_view letters = java_time ? kJavaTimeLetters : kJodaLetters;
  auto literal = [&f]() -> std::string& {
    if (f.tokens.empty() || f.tokens.back().letter != 0) f.tokens.emplace_back();
    return f.tokens.back().literal;
  };
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {
      // 'text' is literal; '' is a quote, inside or outside quoted text.
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        literal() += '\'';
        i += 2;
        continue;
      }
      size_t j = i + 1;
      std::string& out = literal();
      while (j < pattern.size()) {
        if (pattern[j] == '\'' && j + 1 < pattern.size() && pattern[j + 1] == '\'') {
          out += '\'';
          j += 2;
        } else if (pattern[j] == '\'') {
          break;
        } else {
          out += pattern[j++];
        }
      }
      if (j >= pattern.size()) {
        return Status::InvalidArgument(fmt::format(
            "unterminated quote in date pattern '{}' of \"{}\"; close the literal text with '",
            pattern, template_text));
      }
      i = j + 1;
      continue;
    }
    bool is_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!is_letter) {
      literal() += c;
      ++i;
      continue;
    }
    if (letters.find(c) == std::string_view::npos) {
      return Status::InvalidArgument(fmt::format(
          "unsupported letter '{}' in date pattern '{}' of \"{}\"; supported: {} (quote literal "
          "text: 'T')",
          c, pattern, template_text, letters));
    }
    size_t j = i;
    while (j < pattern.size() && pattern[j] == c) ++j;
    DateFormat::Token t;
    t.letter = c;
    t.count = static_cast<int>(j - i);
    f.tokens.push_back(std::move(t));
    i = j;
  }
  return f;
}

// The calendar fields of an instant in UTC.
struct CivilTime {
  int64_t year = 0;
  unsigned month = 1, day = 1;
  int hour = 0, minute = 0, second = 0;
  int64_t nanos_of_second = 0;
  int day_of_week = 1;  // ISO: Monday = 1 ... Sunday = 7
  int day_of_year = 1;
  int64_t days = 0;  // since the epoch
};

int IsoDayOfWeek(int64_t days) {
  int64_t r = (days + 3) % 7;  // 1970-01-01 was a Thursday
  if (r < 0) r += 7;
  return static_cast<int>(r) + 1;
}

CivilTime ToCivil(Timestamp ts, bool nanosecond_fractions) {
  CivilTime c;
  int64_t millis = ts.millis();
  c.days = millis / kMillisPerDay - (millis % kMillisPerDay < 0 ? 1 : 0);
  int64_t ms_of_day = millis - c.days * kMillisPerDay;
  CivilFromDays(c.days, &c.year, &c.month, &c.day);
  c.hour = static_cast<int>(ms_of_day / 3'600'000);
  c.minute = static_cast<int>(ms_of_day / 60'000 % 60);
  c.second = static_cast<int>(ms_of_day / 1000 % 60);
  int64_t nanos = ts.nanos() - ts.seconds() * 1'000'000'000;
  c.nanos_of_second = nanosecond_fractions ? nanos : nanos / kNanosPerMilli * kNanosPerMilli;
  c.day_of_week = IsoDayOfWeek(c.days);
  c.day_of_year = static_cast<int>(c.days - DaysFromCivil(c.year, 1, 1)) + 1;
  return c;
}

int IsoWeeksInYear(int64_t year) {
  int jan1 = IsoDayOfWeek(DaysFromCivil(year, 1, 1));
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return jan1 == 4 || (leap && jan1 == 3) ? 53 : 52;
}

// ISO 8601 week-based year and week (Joda's weekyear / weekOfWeekyear).
void IsoWeek(const CivilTime& c, int64_t* week_year, int* week) {
  *week_year = c.year;
  *week = (c.day_of_year - c.day_of_week + 10) / 7;
  if (*week < 1) {
    *week_year = c.year - 1;
    *week = IsoWeeksInYear(*week_year);
  } else if (*week > IsoWeeksInYear(c.year)) {
    *week_year = c.year + 1;
    *week = 1;
  }
}

void AppendPadded(int64_t value, int min_digits, std::string* out) {
  if (value < 0) {
    out->push_back('-');
    value = -value;
  }
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  for (int pad = min_digits - static_cast<int>(end - buf); pad > 0; --pad) out->push_back('0');
  out->append(buf, end);
}

// A year field: two letters give the last two digits, otherwise `count` is the minimum width.
void AppendYear(int64_t year, int count, std::string* out) {
  if (count == 2) {
    AppendPadded(((year % 100) + 100) % 100, 2, out);
  } else {
    AppendPadded(year, count, out);
  }
}

void AppendDate(const DateFormat& f, Timestamp ts, std::string* out) {
  CivilTime c = ToCivil(ts, f.nanosecond_fractions);
  for (const DateFormat::Token& t : f.tokens) {
    switch (t.letter) {
      case 0:
        out->append(t.literal);
        break;
      case 'G':
        out->append(c.year > 0 ? "AD" : "BC");
        break;
      case 'C':
        AppendPadded(c.year / 100, t.count, out);
        break;
      case 'y':
      case 'Y':
      case 'u':
        AppendYear(c.year, t.count, out);
        break;
      case 'x': {
        int64_t week_year;
        int week;
        IsoWeek(c, &week_year, &week);
        AppendYear(week_year, t.count, out);
        break;
      }
      case 'w': {
        int64_t week_year;
        int week;
        IsoWeek(c, &week_year, &week);
        AppendPadded(week, t.count, out);
        break;
      }
      case 'M':
        if (t.count >= 4) {
          out->append(kMonthNames[c.month - 1]);
        } else if (t.count == 3) {
          out->append(kMonthNames[c.month - 1].substr(0, 3));
        } else {
          AppendPadded(c.month, t.count, out);
        }
        break;
      case 'd':
        AppendPadded(c.day, t.count, out);
        break;
      case 'D':
        AppendPadded(c.day_of_year, t.count, out);
        break;
      case 'e':
        AppendPadded(c.day_of_week, t.count, out);
        break;
      case 'E':
        out->append(t.count >= 4 ? kDayNames[c.day_of_week - 1]
                                 : kDayNames[c.day_of_week - 1].substr(0, 3));
        break;
      case 'a':
        out->append(c.hour < 12 ? "AM" : "PM");
        break;
      case 'H':
        AppendPadded(c.hour, t.count, out);
        break;
      case 'k':
        AppendPadded(c.hour == 0 ? 24 : c.hour, t.count, out);
        break;
      case 'K':
        AppendPadded(c.hour % 12, t.count, out);
        break;
      case 'h':
        AppendPadded(c.hour % 12 == 0 ? 12 : c.hour % 12, t.count, out);
        break;
      case 'm':
        AppendPadded(c.minute, t.count, out);
        break;
      case 's':
        AppendPadded(c.second, t.count, out);
        break;
      case 'S': {
        // The first `count` digits of the fraction of the second, zeros past its precision.
        char digits[kMaxFractionDigits];
        int64_t n = c.nanos_of_second;
        for (int i = kMaxFractionDigits - 1; i >= 0; --i, n /= 10) {
          digits[i] = static_cast<char>('0' + n % 10);
        }
        int shown = std::min(t.count, kMaxFractionDigits);
        out->append(digits, static_cast<size_t>(shown));
        for (int i = shown; i < t.count; ++i) out->push_back('0');
        break;
      }
      case 'z':
        out->append(t.count >= 4 ? "Coordinated Universal Time" : "UTC");
        break;
      case 'Z':
        out->append(t.count == 1 ? "+0000" : t.count == 2 ? "+00:00" : "UTC");
        break;
    }
  }
}

}  // namespace

Result<Sprintf> Sprintf::Compile(std::string_view text) {
  Sprintf s;
  s.text_ = std::string(text);
  auto add_literal = [&s](size_t begin, size_t end) {
    if (end <= begin) return;
    if (!s.segments_.empty() && s.segments_.back().kind == Segment::Kind::kLiteral &&
        s.segments_.back().begin + s.segments_.back().length == begin) {
      s.segments_.back().length += end - begin;
      return;
    }
    Segment seg;
    seg.begin = begin;
    seg.length = end - begin;
    s.segments_.push_back(std::move(seg));
  };
  // Scanned as Logstash's StringInterpolation does: "%{" up to the first '}' after it.
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("%{", pos);
    size_t close = open == std::string_view::npos ? open : text.find('}', open + 2);
    if (close == std::string_view::npos) break;
    add_literal(pos, open);
    std::string_view inner = text.substr(open + 2, close - open - 2);
    Segment seg;
    seg.begin = open;
    seg.length = close + 1 - open;
    if (inner == "+%s") {
      seg.kind = Segment::Kind::kEpochSeconds;
    } else if (!inner.empty() && inner[0] == '{' && close + 1 < text.size() &&
               text[close + 1] == '}') {
      ++close;  // %{{pattern}}: the second '}' belongs to the form
      seg.length = close + 1 - open;
      std::string_view pattern = inner.substr(1);
      if (pattern == "TIME_NOW") {
        seg.kind = Segment::Kind::kNow;
      } else {
        seg.kind = Segment::Kind::kDate;
        ASSIGN_OR_RETURN(seg.date, CompileDateFormat(pattern, /*java_time=*/true, text));
      }
    } else if (!inner.empty() && inner[0] == '+') {
      seg.kind = Segment::Kind::kDate;
      ASSIGN_OR_RETURN(seg.date, CompileDateFormat(inner.substr(1), /*java_time=*/false, text));
    } else if (inner.empty()) {
      add_literal(open, close + 1);  // "%{}" names no field; Logstash prints it as is
      pos = close + 1;
      continue;
    } else {
      Result<FieldRef> ref = FieldRef::Parse(inner);
      if (!ref.ok()) {
        return Status::InvalidArgument(fmt::format("bad field reference %{{{}}} in \"{}\": {}",
                                                   inner, text, ref.status().message()));
      }
      seg.kind = Segment::Kind::kField;
      seg.field = std::move(ref).value();
    }
    s.constant_ = false;
    s.segments_.push_back(std::move(seg));
    pos = close + 1;
  }
  add_literal(pos, text.size());
  return s;
}

void Sprintf::Render(const Event& event, std::string* out) const {
  for (const Segment& seg : segments_) {
    switch (seg.kind) {
      case Segment::Kind::kLiteral:
        out->append(text_, seg.begin, seg.length);
        break;
      case Segment::Kind::kField: {
        const Value* v = event.Get(seg.field);
        if (v == nullptr || v->is_null()) {
          out->append(text_, seg.begin, seg.length);
        } else {
          v->AppendText(out);
        }
        break;
      }
      case Segment::Kind::kDate:
      case Segment::Kind::kEpochSeconds: {
        const Value* ts = event.GetTop("@timestamp");
        if (ts == nullptr || !ts->is_timestamp()) break;
        if (seg.kind == Segment::Kind::kEpochSeconds) {
          AppendPadded(ts->as_timestamp().seconds(), 1, out);
        } else {
          AppendDate(seg.date, ts->as_timestamp(), out);
        }
        break;
      }
      case Segment::Kind::kNow:
        Timestamp::Now().AppendIso8601(out);
        break;
    }
  }
}

std::string Sprintf::Render(const Event& event) const {
  std::string out;
  Render(event, &out);
  return out;
}

}  // namespace perimeter
