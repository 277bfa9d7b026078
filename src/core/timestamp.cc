#include "core/timestamp.h"

#include <chrono>

namespace perimeter {

Timestamp Timestamp::Now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
}

// Howard Hinnant's public-domain civil calendar algorithms.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

namespace {

void AppendDigits(std::string* out, int64_t v, int width) {
  char buf[24];
  int n = 0;
  for (int i = 0; i < width; ++i) {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  while (n > 0) out->push_back(buf[--n]);
}

bool ReadDigits(std::string_view s, size_t* pos, int n, int* out) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    if (*pos >= s.size() || s[*pos] < '0' || s[*pos] > '9') return false;
    v = v * 10 + (s[(*pos)++] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

void Timestamp::AppendIso8601(std::string* out) const {
  int64_t secs = FloorDiv(nanos_, 1'000'000'000);
  int64_t frac = nanos_ - secs * 1'000'000'000;
  int64_t days = FloorDiv(secs, 86400);
  int64_t sod = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  AppendDigits(out, y, 4);
  out->push_back('-');
  AppendDigits(out, m, 2);
  out->push_back('-');
  AppendDigits(out, d, 2);
  out->push_back('T');
  AppendDigits(out, sod / 3600, 2);
  out->push_back(':');
  AppendDigits(out, sod / 60 % 60, 2);
  out->push_back(':');
  AppendDigits(out, sod % 60, 2);
  out->push_back('.');
  if (frac % 1'000'000 == 0) {
    AppendDigits(out, frac / 1'000'000, 3);
  } else if (frac % 1000 == 0) {
    AppendDigits(out, frac / 1000, 6);
  } else {
    AppendDigits(out, frac, 9);
  }
  out->push_back('Z');
}

std::string Timestamp::ToIso8601() const {
  std::string s;
  s.reserve(30);
  AppendIso8601(&s);
  return s;
}

std::optional<Timestamp> Timestamp::ParseIso8601(std::string_view s) {
  size_t p = 0;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!ReadDigits(s, &p, 4, &y) || p >= s.size() || s[p++] != '-') return std::nullopt;
  if (!ReadDigits(s, &p, 2, &mo) || p >= s.size() || s[p++] != '-') return std::nullopt;
  if (!ReadDigits(s, &p, 2, &d)) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  int64_t frac_ns = 0;
  int64_t offset_s = 0;
  if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
    ++p;
    if (!ReadDigits(s, &p, 2, &h) || p >= s.size() || s[p++] != ':') return std::nullopt;
    if (!ReadDigits(s, &p, 2, &mi)) return std::nullopt;
    if (p < s.size() && s[p] == ':') {
      ++p;
      if (!ReadDigits(s, &p, 2, &sec)) return std::nullopt;
      if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        int64_t scale = 100'000'000;
        size_t start = p;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
          frac_ns += (s[p] - '0') * scale;
          scale /= 10;
          ++p;
        }
        if (p == start) return std::nullopt;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    if (p < s.size()) {
      if (s[p] == 'Z' || s[p] == 'z') {
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        int sign = s[p++] == '-' ? -1 : 1;
        int oh, om = 0;
        if (!ReadDigits(s, &p, 2, &oh)) return std::nullopt;
        if (p < s.size() && s[p] == ':') ++p;
        if (p < s.size() && !ReadDigits(s, &p, 2, &om)) return std::nullopt;
        offset_s = int64_t{sign} * (oh * 3600 + om * 60);
      }
    }
  }
  if (p != s.size()) return std::nullopt;
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t secs = days * 86400 + int64_t{h} * 3600 + int64_t{mi} * 60 + sec - offset_s;
  return Timestamp(secs * 1'000'000'000 + frac_ns);
}

}  // namespace perimeter
