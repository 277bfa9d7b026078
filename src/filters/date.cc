#include "filters/date.h"

#include <fmt/format.h>

#include <climits>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/event.h"
#include "filters/joda_format.h"
#include "filters/text_template.h"

namespace perimeter {

namespace {

// Logstash's UNIX parser refuses seconds beyond a signed 32-bit integer.
constexpr int64_t kMaxEpochSeconds = INT32_MAX;
// Any larger magnitude overflows int64 milliseconds.
constexpr int64_t kMaxEpochMagnitude = INT64_MAX / 1000;
// TAI64 labels count from 2^62; Logstash subtracts a fixed 10 s for TAI-UTC (no leap table).
constexpr int64_t kTai64LabelMask = (int64_t{1} << 62) - 1;
constexpr int64_t kTaiMinusUtcSeconds = 10;
// Float epochs are converted through int64 milliseconds; beyond these they would overflow (and
// Timestamp's nanoseconds end in the year 2262 anyway).
constexpr double kMaxFloatMillis = 9.2e15;
constexpr double kMaxFloatSeconds = 9.2e12;

// Java's Long.parseLong: an optional sign and at least one digit of `radix`, nothing else.
std::optional<int64_t> JavaParseLong(std::string_view s, int radix) {
  size_t i = 0;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  // Accumulate negatively so that INT64_MIN fits; reject overflow as Java does.
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'z') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'Z') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (d >= radix) return std::nullopt;
    if (v < (INT64_MIN + d) / radix) return std::nullopt;
    v = v * radix - d;
  }
  if (negative) return v;
  if (v == INT64_MIN) return std::nullopt;
  return -v;
}

std::optional<int64_t> UnixSecondsToMillis(int64_t seconds) {
  if (seconds > kMaxEpochSeconds || seconds < -kMaxEpochMagnitude) return std::nullopt;
  return seconds * 1000;
}

// UnixEpochParser.parse(String): at most three digits after the point count, the rest is
// ignored unread.
std::optional<Timestamp> ParseUnix(std::string_view s) {
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) {
    auto secs = JavaParseLong(s, 10);
    if (!secs) return std::nullopt;
    auto ms = UnixSecondsToMillis(*secs);
    return ms ? TimestampFromMillis(*ms) : std::nullopt;
  }
  auto secs = JavaParseLong(s.substr(0, dot), 10);
  if (!secs) return std::nullopt;
  auto ms = UnixSecondsToMillis(*secs);
  if (!ms) return std::nullopt;
  size_t digits = std::min<size_t>(3, s.size() - dot - 1);
  if (digits == 0) return TimestampFromMillis(*ms);
  auto sub = JavaParseLong(s.substr(dot + 1, digits), 10);
  if (!sub) return std::nullopt;
  static constexpr int64_t kScale[] = {0, 100, 10, 1};
  return TimestampFromMillis(*ms + *sub * kScale[digits]);
}

std::optional<Timestamp> ParseTai64n(std::string_view s) {
  size_t offset = !s.empty() && s[0] == '@' ? 1 : 0;
  if (s.size() < offset + 24) return std::nullopt;
  auto secs = JavaParseLong(s.substr(offset, 16), 16);
  auto nanos = JavaParseLong(s.substr(offset + 16, 8), 16);
  if (!secs || !nanos || *nanos > INT32_MAX) return std::nullopt;
  int64_t unix_secs = (*secs & kTai64LabelMask) - kTaiMinusUtcSeconds;
  if (unix_secs > kMaxEpochMagnitude) return std::nullopt;
  return TimestampFromMillis(unix_secs * 1000 + *nanos / 1'000'000);
}

enum class FormatKind { kJoda, kIso8601, kUnix, kUnixMs, kTai64n };

struct Format {
  FormatKind kind;
  std::optional<JodaFormat> joda;
};

class DateFilter : public FilterPlugin {
 public:
  static Result<std::unique_ptr<FilterPlugin>> Create(const PluginConfig& config,
                                                      std::function<Timestamp()> now,
                                                      std::shared_ptr<const TimeZone> now_zone) {
    auto f = std::make_unique<DateFilter>();
    f->now_ = std::move(now);
    f->now_zone_ = std::move(now_zone);
    std::vector<std::string> match = config.GetStrings("match");
    if (match.size() < 2) {
      return Status::InvalidArgument(
          "option 'match' needs a field name followed by at least one date format, e.g. "
          "match => [\"timestamp\", \"MMM dd HH:mm:ss\", \"ISO8601\"]");
    }
    ASSIGN_OR_RETURN(f->field_, FieldRef::Parse(match[0]));
    std::string target = config.GetString("target");
    f->target_is_timestamp_ = target == "@timestamp";
    ASSIGN_OR_RETURN(f->target_, FieldRef::Parse(target));
    f->tag_on_failure_ = config.GetStrings("tag_on_failure");

    if (config.IsSet("locale")) {
      std::string locale = config.GetString("locale");
      std::string lang = locale.substr(0, locale.find_first_of("-_"));
      if (lang != "en" && lang != "EN" && lang != "En") {
        return Status::InvalidArgument(fmt::format(
            "option 'locale' is '{}', but only English month and day names are supported; use "
            "\"en\" or remove the setting",
            locale));
      }
    }
    f->zone_ = TimeZone::Local();
    if (config.IsSet("timezone")) {
      std::string tz = config.GetString("timezone");
      if (tz.find("%{") != std::string::npos) {
        ASSIGN_OR_RETURN(TextTemplate t, TextTemplate::Compile(tz));
        f->dynamic_zone_ = std::move(t);
      } else {
        auto zone = TimeZone::Find(tz);
        if (!zone.ok()) {
          return Status::InvalidArgument(
              fmt::format("option 'timezone': {}", zone.status().message()));
        }
        f->zone_ = *zone;
      }
    }
    Timestamp created = f->now_();
    for (size_t i = 1; i < match.size(); ++i) {
      const std::string& m = match[i];
      Format fmt_entry{FormatKind::kJoda, std::nullopt};
      if (m == "ISO8601") {
        fmt_entry.kind = FormatKind::kIso8601;
        if (!f->iso_) {
          ASSIGN_OR_RETURN(Iso8601Parser iso, Iso8601Parser::Create());
          f->iso_ = std::move(iso);
        }
      } else if (m == "UNIX") {
        fmt_entry.kind = FormatKind::kUnix;
      } else if (m == "UNIX_MS") {
        fmt_entry.kind = FormatKind::kUnixMs;
      } else if (m == "TAI64N") {
        fmt_entry.kind = FormatKind::kTai64n;
      } else {
        auto joda = JodaFormat::Compile(m, created);
        if (!joda.ok()) {
          return Status::InvalidArgument(
              fmt::format("option 'match': {}", joda.status().message()));
        }
        fmt_entry.joda = std::move(joda).value();
      }
      f->formats_.push_back(std::move(fmt_entry));
    }
    return std::unique_ptr<FilterPlugin>(std::move(f));
  }

  bool Filter(Event& event) override {
    const Value* v = event.Get(field_);
    if (v == nullptr || v->is_null()) return false;
    std::optional<Timestamp> ts = ParseValue(*v, event);
    if (!ts) {
      for (const std::string& t : tag_on_failure_) event.AddTag(t);
      return false;
    }
    if (target_is_timestamp_) {
      event.set_timestamp(*ts);
    } else {
      event.Set(target_, Value(*ts));
    }
    return true;
  }

 private:
  std::optional<Timestamp> ParseValue(const Value& v, const Event& event) const {
    std::shared_ptr<const TimeZone> dynamic;
    const TimeZone* zone = zone_.get();
    if (dynamic_zone_) {
      // Logstash resolves a %{field} zone per event; an unknown one fails the parse.
      auto z = TimeZone::Find(dynamic_zone_->Render(event));
      if (!z.ok()) return std::nullopt;
      dynamic = *z;
      zone = dynamic.get();
    }
    std::optional<DateClock> clock;
    for (const Format& f : formats_) {
      std::optional<Timestamp> t;
      switch (f.kind) {
        case FormatKind::kJoda:
          if (!v.is_string()) break;
          if (!clock && !f.joda->has_year()) clock = DateClock{now_(), now_zone_.get()};
          t = f.joda->Parse(v.as_string(), *zone, clock.value_or(DateClock{}));
          break;
        case FormatKind::kIso8601:
          if (v.is_string()) t = iso_->Parse(v.as_string(), *zone);
          break;
        case FormatKind::kUnix:
          if (v.is_string()) {
            t = ParseUnix(v.as_string());
          } else if (v.is_int()) {
            if (auto ms = UnixSecondsToMillis(v.as_int())) t = TimestampFromMillis(*ms);
          } else if (v.is_float()) {
            // Whole seconds beyond the 32-bit range are refused, as UnixEpochParser does.
            double d = v.as_float();
            if (std::isfinite(d) && d < kMaxEpochSeconds + 1.0 && d > -kMaxFloatSeconds) {
              t = TimestampFromMillis(static_cast<int64_t>(d * 1000));
            }
          }
          break;
        case FormatKind::kUnixMs:
          if (v.is_string()) {
            if (auto ms = JavaParseLong(v.as_string(), 10)) t = TimestampFromMillis(*ms);
          } else if (v.is_int()) {
            t = TimestampFromMillis(v.as_int());
          } else if (v.is_float()) {
            double d = v.as_float();
            if (std::isfinite(d) && d < kMaxFloatMillis && d > -kMaxFloatMillis) {
              t = TimestampFromMillis(static_cast<int64_t>(d));
            }
          }
          break;
        case FormatKind::kTai64n:
          if (v.is_string()) t = ParseTai64n(v.as_string());
          break;
      }
      if (t) return t;
    }
    return std::nullopt;
  }

  FieldRef field_;
  FieldRef target_;
  bool target_is_timestamp_ = true;
  std::vector<std::string> tag_on_failure_;
  std::vector<Format> formats_;
  std::optional<Iso8601Parser> iso_;
  std::shared_ptr<const TimeZone> zone_;
  std::optional<TextTemplate> dynamic_zone_;
  std::function<Timestamp()> now_;
  std::shared_ptr<const TimeZone> now_zone_;
};

}  // namespace

Result<std::unique_ptr<FilterPlugin>> CreateDateFilter(const PluginConfig& config,
                                                       std::function<Timestamp()> now,
                                                       std::shared_ptr<const TimeZone> now_zone) {
  return DateFilter::Create(config, std::move(now), std::move(now_zone));
}

const PluginSpec kDateFilter = {
    .name = "date",
    .kind = PluginKind::kFilter,
    .help = "parses a date field into @timestamp",
    .options =
        {
            {"match",
             OptionType::kArray,
             {},
             "the field, then one or more formats tried in order: Joda patterns such as "
             "\"MMM dd HH:mm:ss\", or ISO8601, UNIX, UNIX_MS, TAI64N",
             true},
            {"target", OptionType::kString, Value("@timestamp"), "where the parsed time goes"},
            {"timezone",
             OptionType::kString,
             {},
             "zone of times without an offset: an IANA name (\"Europe/Berlin\"), an offset "
             "(\"+01:00\") or %{field}; default: this machine's zone"},
            {"locale",
             OptionType::kString,
             {},
             "language of month and day names; only English (\"en\", \"en-US\") is supported"},
            {"tag_on_failure", OptionType::kArray, Value(Array{Value("_dateparsefailure")}),
             "tags added when no format matches"},
        },
    .create = [](const PluginConfig& config,
                 const PluginContext&) -> Result<std::unique_ptr<Plugin>> {
      ASSIGN_OR_RETURN(auto filter, DateFilter::Create(config, &Timestamp::Now, TimeZone::Local()));
      return std::unique_ptr<Plugin>(std::move(filter));
    },
};

}  // namespace perimeter
