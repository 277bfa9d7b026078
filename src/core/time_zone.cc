#include "core/time_zone.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>

#include "core/timestamp.h"

namespace perimeter {

namespace {

// Real TZif files are a few kilobytes; anything far larger is not one.
constexpr size_t kMaxTzifBytes = 1 << 20;
constexpr char kDefaultZoneDir[] = "/usr/share/zoneinfo";
constexpr int64_t kSecondsPerDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool Has(size_t n) const { return pos_ <= b_.size() && b_.size() - pos_ >= n; }
  uint8_t U8() { return static_cast<uint8_t>(b_[pos_++]); }
  int64_t Int(size_t bytes) {
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(b_[pos_++]);
    if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    return static_cast<int64_t>(v);
  }
  void Skip(size_t n) { pos_ += n; }
  size_t pos() const { return pos_; }
  std::string_view rest() const { return b_.substr(std::min(pos_, b_.size())); }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

// hh[:mm[:ss]] with an optional sign; hours up to 167 as RFC 8536 allows in rule times.
bool ParseClock(std::string_view s, size_t* i, int32_t* out) {
  int sign = 1;
  if (*i < s.size() && (s[*i] == '+' || s[*i] == '-')) sign = s[(*i)++] == '-' ? -1 : 1;
  int32_t parts[3] = {0, 0, 0};
  for (int p = 0; p < 3; ++p) {
    if (p > 0) {
      if (*i >= s.size() || s[*i] != ':') break;
      ++*i;
    }
    size_t start = *i;
    int32_t v = 0;
    while (*i < s.size() && s[*i] >= '0' && s[*i] <= '9' && *i - start < 3) {
      v = v * 10 + (s[(*i)++] - '0');
    }
    if (*i == start) return false;
    parts[p] = v;
  }
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool SkipZoneName(std::string_view s, size_t* i) {
  if (*i < s.size() && s[*i] == '<') {
    size_t close = s.find('>', *i);
    if (close == std::string_view::npos) return false;
    *i = close + 1;
    return true;
  }
  size_t start = *i;
  while (*i < s.size() && ((s[*i] >= 'A' && s[*i] <= 'Z') || (s[*i] >= 'a' && s[*i] <= 'z'))) ++*i;
  return *i - start >= 3;
}

std::optional<int32_t> ParseFixedOffset(std::string_view id) {
  if (id.size() < 3 || (id[0] != '+' && id[0] != '-')) return std::nullopt;
  auto digit = [&](size_t i) { return i < id.size() && id[i] >= '0' && id[i] <= '9'; };
  if (!digit(1) || !digit(2)) return std::nullopt;
  int h = (id[1] - '0') * 10 + (id[2] - '0');
  int m = 0;
  size_t i = 3;
  if (i < id.size() && id[i] == ':') ++i;
  if (i < id.size()) {
    if (!digit(i) || !digit(i + 1) || i + 2 != id.size()) return std::nullopt;
    m = (id[i] - '0') * 10 + (id[i + 1] - '0');
  }
  if (h > 23 || m > 59) return std::nullopt;
  int32_t off = h * 3600 + m * 60;
  return id[0] == '-' ? -off : off;
}

std::string ZoneDir() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? dir : kDefaultZoneDir;
}

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno("open time zone file", path, errno);
  std::string data;
  data.resize(kMaxTzifBytes + 1);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  if (data.size() > kMaxTzifBytes) {
    return Status::Corruption(fmt::format("{}: larger than any TZif file", path));
  }
  return data;
}

struct ZoneCache {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> zones;  // GUARDED_BY(mu)
};

ZoneCache& Cache() {
  static ZoneCache* cache = new ZoneCache();  // never destroyed: used until exit
  return *cache;
}

}  // namespace

std::shared_ptr<const TimeZone> TimeZone::Utc() {
  static const std::shared_ptr<const TimeZone> utc = [] {
    auto z = std::make_shared<TimeZone>();
    z->name_ = "UTC";
    return z;
  }();
  return utc;
}

std::shared_ptr<const TimeZone> TimeZone::Fixed(int32_t offset_seconds) {
  if (offset_seconds == 0) return Utc();
  auto z = std::make_shared<TimeZone>();
  int32_t a = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  z->name_ = fmt::format("{}{:02}:{:02}", offset_seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  z->initial_offset_ = offset_seconds;
  return z;
}

Result<std::shared_ptr<const TimeZone>> TimeZone::FromTzif(std::string name,
                                                           std::string_view bytes) {
  auto corrupt = [&](std::string_view what) {
    return Status::Corruption(
        fmt::format("time zone '{}': not a valid TZif file ({})", name, what));
  };
  Reader r(bytes);
  auto read_header = [&](int64_t counts[6]) -> bool {
    if (!r.Has(44) || bytes.substr(r.pos(), 4) != "TZif") return false;
    r.Skip(20);  // magic, version, reserved
    for (int i = 0; i < 6; ++i) counts[i] = r.Int(4);
    for (int i = 0; i < 6; ++i) {
      if (counts[i] < 0) return false;
    }
    return true;
  };
  // Header counts, in file order.
  enum { kIsUt, kIsStd, kLeap, kTime, kType, kChar };
  int64_t c[6];
  if (!read_header(c)) return corrupt("bad header");
  const char version = bytes.size() > 4 ? bytes[4] : 0;
  auto block_size = [&](size_t time_bytes) -> size_t {
    return static_cast<size_t>(c[kTime]) * (time_bytes + 1) + static_cast<size_t>(c[kType]) * 6 +
           static_cast<size_t>(c[kChar]) + static_cast<size_t>(c[kLeap]) * (time_bytes + 4) +
           static_cast<size_t>(c[kIsStd]) + static_cast<size_t>(c[kIsUt]);
  };
  size_t time_bytes = 4;
  if (version >= '2') {
    // Skip the 32-bit block; the 64-bit one after the second header covers all instants.
    if (!r.Has(block_size(4))) return corrupt("truncated version 1 data");
    r.Skip(block_size(4));
    if (!read_header(c)) return corrupt("bad second header");
    time_bytes = 8;
  }
  if (!r.Has(block_size(time_bytes))) return corrupt("truncated data block");
  if (c[kType] == 0) return corrupt("no local time types");
  auto z = std::make_shared<TimeZone>();
  z->name_ = std::move(name);
  std::vector<int64_t> times(static_cast<size_t>(c[kTime]));
  for (auto& t : times) t = r.Int(time_bytes);
  std::vector<uint8_t> indices(static_cast<size_t>(c[kTime]));
  for (auto& i : indices) i = r.U8();
  std::vector<int32_t> type_offsets(static_cast<size_t>(c[kType]));
  for (auto& o : type_offsets) {
    o = static_cast<int32_t>(r.Int(4));
    r.Skip(2);  // isdst, designation index
  }
  r.Skip(static_cast<size_t>(c[kChar]) + static_cast<size_t>(c[kLeap]) * (time_bytes + 4) +
         static_cast<size_t>(c[kIsStd]) + static_cast<size_t>(c[kIsUt]));
  for (size_t i = 0; i < times.size(); ++i) {
    if (indices[i] >= type_offsets.size()) return corrupt("transition names a missing type");
    if (i > 0 && times[i] <= times[i - 1]) return corrupt("transitions out of order");
  }
  z->initial_offset_ = type_offsets[0];
  z->transitions_ = std::move(times);
  for (uint8_t i : indices) z->offsets_.push_back(type_offsets[i]);
  if (version >= '2') {
    std::string_view footer = r.rest();
    if (footer.size() >= 2 && footer[0] == '\n') {
      size_t end = footer.find('\n', 1);
      if (end != std::string_view::npos && end > 1) {
        z->rule_ = ParsePosix(footer.substr(1, end - 1));
      }
    }
  }
  return std::shared_ptr<const TimeZone>(std::move(z));
}

Result<std::shared_ptr<const TimeZone>> TimeZone::Find(std::string_view id) {
  if (id == "UTC" || id == "Z" || id == "GMT" || id == "UT" || id == "Etc/UTC") return Utc();
  if (auto off = ParseFixedOffset(id)) return Fixed(*off);
  ZoneCache& cache = Cache();
  {
    std::lock_guard<std::mutex> lock(cache.mu);
    auto it = cache.zones.find(id);
    if (it != cache.zones.end()) return it->second;
  }
  auto unknown = [&](std::string_view why) {
    return Status::NotFound(fmt::format(
        "unknown time zone '{}' ({}); use an IANA name such as \"Europe/Berlin\" or an offset "
        "such as \"+01:00\"",
        id, why));
  };
  bool valid = !id.empty() && id[0] != '/' && id.find("..") == std::string_view::npos;
  for (char ch : id) {
    valid = valid && ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                      (ch >= '0' && ch <= '9') || ch == '/' || ch == '_' || ch == '-' || ch == '+');
  }
  if (!valid) return unknown("not a zone name");
  std::string path = ZoneDir() + "/" + std::string(id);
  auto bytes = ReadSmallFile(path);
  if (!bytes.ok()) return unknown(fmt::format("no file {}", path));
  ASSIGN_OR_RETURN(auto zone, FromTzif(std::string(id), *bytes));
  std::lock_guard<std::mutex> lock(cache.mu);
  cache.zones.emplace(std::string(id), zone);
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::Local() {
  static const std::shared_ptr<const TimeZone> local = []() -> std::shared_ptr<const TimeZone> {
    const char* tz = std::getenv("TZ");
    if (tz != nullptr && *tz != '\0') {
      std::string_view id(tz);
      if (id[0] == ':') id.remove_prefix(1);
      if (!id.empty() && id[0] == '/') {
        auto bytes = ReadSmallFile(std::string(id));
        if (bytes.ok()) {
          auto z = FromTzif(std::string(id), *bytes);
          if (z.ok()) return *z;
        }
      } else {
        auto z = Find(id);
        if (z.ok()) return *z;
        if (auto rule = ParsePosix(id)) {
          auto zone = std::make_shared<TimeZone>();
          zone->name_ = std::string(id);
          zone->initial_offset_ = rule->std_offset;
          zone->rule_ = rule;
          return zone;
        }
      }
    }
    auto bytes = ReadSmallFile("/etc/localtime");
    if (bytes.ok()) {
      std::string name = "localtime";
      char target[512];
      ssize_t n = ::readlink("/etc/localtime", target, sizeof(target) - 1);
      if (n > 0) {
        std::string_view t(target, static_cast<size_t>(n));
        size_t at = t.find("zoneinfo/");
        if (at != std::string_view::npos) name = std::string(t.substr(at + 9));
      }
      if (name == "Etc/UTC" || name == "UTC") return Utc();
      auto z = FromTzif(name, *bytes);
      if (z.ok()) return *z;
    }
    return Utc();
  }();
  return local;
}

std::optional<TimeZone::PosixRule> TimeZone::ParsePosix(std::string_view s) {
  PosixRule rule;
  size_t i = 0;
  int32_t west = 0;
  if (!SkipZoneName(s, &i) || !ParseClock(s, &i, &west)) return std::nullopt;
  rule.std_offset = -west;
  if (i == s.size()) return rule;
  if (!SkipZoneName(s, &i)) return std::nullopt;
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (i < s.size() && s[i] != ',') {
    if (!ParseClock(s, &i, &west)) return std::nullopt;
    rule.dst_offset = -west;
  }
  auto parse_date = [&](PosixRule::Date* d) -> bool {
    if (i >= s.size() || s[i] != ',') return false;
    ++i;
    auto number = [&](int* out) {
      size_t start = i;
      int v = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 4)
        v = v * 10 + (s[i++] - '0');
      *out = v;
      return i > start;
    };
    if (i < s.size() && s[i] == 'M') {
      ++i;
      d->kind = 'M';
      if (!number(&d->month) || i >= s.size() || s[i++] != '.') return false;
      if (!number(&d->week) || i >= s.size() || s[i++] != '.') return false;
      if (!number(&d->weekday)) return false;
      if (d->month < 1 || d->month > 12 || d->week < 1 || d->week > 5 || d->weekday > 6) {
        return false;
      }
    } else if (i < s.size() && s[i] == 'J') {
      ++i;
      d->kind = 'J';
      if (!number(&d->day) || d->day < 1 || d->day > 365) return false;
    } else {
      d->kind = 'D';
      if (!number(&d->day) || d->day > 365) return false;
    }
    if (i < s.size() && s[i] == '/') {
      ++i;
      if (!ParseClock(s, &i, &d->time)) return false;
    }
    return true;
  };
  if (i == s.size()) {
    // No rule given: POSIX's default is the United States' rule.
    rule.start = {'M', 0, 3, 2, 0, 7200};
    rule.end = {'M', 0, 11, 1, 0, 7200};
    return rule;
  }
  if (!parse_date(&rule.start) || !parse_date(&rule.end) || i != s.size()) return std::nullopt;
  return rule;
}

int64_t TimeZone::RuleTransition(const PosixRule::Date& d, int64_t year, int32_t offset_before) {
  auto leap = [](int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  int64_t days;
  if (d.kind == 'J') {
    int doy = d.day - 1;
    if (leap(year) && d.day >= 60) ++doy;
    days = DaysFromCivil(year, 1, 1) + doy;
  } else if (d.kind == 'D') {
    days = DaysFromCivil(year, 1, 1) + d.day;
  } else {
    static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int dim = kMonthDays[d.month - 1] + (d.month == 2 && leap(year) ? 1 : 0);
    int64_t first = DaysFromCivil(year, static_cast<unsigned>(d.month), 1);
    int first_weekday = static_cast<int>(((first + 4) % 7 + 7) % 7);  // 1970-01-01: Thursday
    int day = 1 + (d.weekday - first_weekday + 7) % 7 + (d.week - 1) * 7;
    while (day > dim) day -= 7;
    days = first + day - 1;
  }
  return days * kSecondsPerDay + d.time - offset_before;
}

int32_t TimeZone::RuleOffsetAt(int64_t t) const {
  const PosixRule& r = *rule_;
  if (!r.has_dst) return r.std_offset;
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(t + r.std_offset, kSecondsPerDay), &y, &m, &d);
  int64_t start = RuleTransition(r.start, y, r.std_offset);
  int64_t end = RuleTransition(r.end, y, r.dst_offset);
  bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? r.dst_offset : r.std_offset;
}

int32_t TimeZone::OffsetAt(int64_t t) const {
  if (transitions_.empty() || t >= transitions_.back()) {
    if (rule_) return RuleOffsetAt(t);
    return transitions_.empty() ? initial_offset_ : offsets_.back();
  }
  if (t < transitions_.front()) return initial_offset_;
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

std::optional<int64_t> TimeZone::LocalToUtc(int64_t local) const {
  // Zone offsets never change twice within a day, so the offsets a day either side are the
  // only candidates.
  int32_t before = OffsetAt(local - kSecondsPerDay);
  int32_t after = OffsetAt(local + kSecondsPerDay);
  std::optional<int64_t> best;
  for (int32_t o : {before, after}) {
    int64_t u = local - o;
    if (OffsetAt(u) == o && (!best || u < *best)) best = u;
  }
  return best;
}

}  // namespace perimeter
