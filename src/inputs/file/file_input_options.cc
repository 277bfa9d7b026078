#include "inputs/file/file_input_options.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "pipeline/line_codec.h"

namespace perimeter {

namespace {

// A larger read buys nothing and costs memory per open file.
constexpr size_t kMaxChunkBytes = 64u << 20;

Result<double> UnitSeconds(std::string_view unit) {
  struct Unit {
    std::string_view names[3];
    double seconds;
  };
  static constexpr Unit kUnits[] = {
      {{"us", "usec", "microsecond"}, 1e-6}, {{"ms", "msec", "millisecond"}, 1e-3},
      {{"s", "sec", "second"}, 1},           {{"m", "min", "minute"}, 60},
      {{"h", "hr", "hour"}, 3600},           {{"d", "day", "day"}, 86400},
      {{"w", "wk", "week"}, 7 * 86400},
  };
  for (const Unit& u : kUnits) {
    for (std::string_view name : u.names) {
      if (unit == name) return u.seconds;
      if (name.size() > 2 && unit.size() == name.size() + 1 && unit.starts_with(name) &&
          unit.back() == 's') {
        return u.seconds;
      }
    }
  }
  return Status::InvalidArgument(fmt::format("unknown time unit '{}'", unit));
}

Result<double> DurationOption(const PluginConfig& config, std::string_view name,
                              std::string_view default_unit = "s") {
  std::string text = config.GetString(name);
  auto seconds = ParseDuration(text, default_unit);
  if (!seconds.ok()) {
    return Status::InvalidArgument(fmt::format(
        "option '{}' is '{}': {}; give a number of {} or a duration like \"500 ms\" or "
        "\"5 minutes\"",
        name, text, seconds.status().message(), default_unit == "d" ? "days" : "seconds"));
  }
  return seconds;
}

std::string SafeFileName(std::string_view id) {
  std::string out;
  for (char c : id) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out.push_back(ok ? c : '_');
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out;
}

}  // namespace

Result<double> ParseDuration(std::string_view text, std::string_view default_unit) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
  };
  text = trim(text);
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || !std::isfinite(number) || number < 0) {
    return Status::InvalidArgument("not a non-negative number");
  }
  std::string unit(trim(text.substr(static_cast<size_t>(end - text.data()))));
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  ASSIGN_OR_RETURN(double scale, UnitSeconds(unit.empty() ? default_unit : unit));
  return number * scale;
}

std::string UnescapeDelimiter(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out.push_back(text[i]);
      continue;
    }
    switch (text[++i]) {
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case '0':
        out.push_back('\0');
        break;
      case '\\':
        out.push_back('\\');
        break;
      default:
        out.push_back('\\');
        out.push_back(text[i]);
    }
  }
  return out;
}

Result<FileInputOptions> FileInputOptions::FromConfig(const PluginConfig& config,
                                                      const PluginContext& context) {
  FileInputOptions o;
  ASSIGN_OR_RETURN(LineCodec codec, LineCodec::Create(config.GetString("codec")));
  o.json_lines = !codec.plain();
  o.paths = config.GetStrings("path");
  if (o.paths.empty()) {
    return Status::InvalidArgument(
        "option 'path' is empty; list the files to follow, e.g. path => [\"/var/log/ufw.log\"]");
  }
  for (const std::string& p : o.paths) {
    if (!p.starts_with('/')) {
      return Status::InvalidArgument(fmt::format(
          "option 'path' has the relative path '{}'; the file input needs absolute paths "
          "(e.g. \"/var/log/{}\")",
          p, p));
    }
  }
  o.excludes = config.GetStrings("exclude");
  o.start_at_end = config.GetString("start_position") == "end";

  std::string sincedb = config.GetString("sincedb_path");
  if (sincedb == "/dev/null") {
    o.sincedb_path.clear();
  } else if (!sincedb.empty()) {
    o.sincedb_path = sincedb;
  } else {
    // An explicit id names the file; otherwise the paths do, so the same config finds the same
    // checkpoint after a restart (a generated id may change between runs).
    std::string name;
    if (config.IsSet("id")) {
      name = SafeFileName(config.GetString("id"));
    } else {
      std::string joined;
      for (const std::string& p : o.paths) {
        joined += p;
        joined.push_back('\0');
      }
      name = fmt::format("file_{:016x}", XXH3_64bits(joined.data(), joined.size()));
    }
    o.sincedb_path = fmt::format("{}/sincedb/{}", context.data_dir, name);
  }

  ASSIGN_OR_RETURN(o.sincedb_write_interval_s, DurationOption(config, "sincedb_write_interval"));
  ASSIGN_OR_RETURN(o.sincedb_clean_after_s, DurationOption(config, "sincedb_clean_after", "d"));
  ASSIGN_OR_RETURN(o.stat_interval_s, DurationOption(config, "stat_interval"));
  if (o.stat_interval_s <= 0) {
    return Status::InvalidArgument("option 'stat_interval' must be more than 0 seconds");
  }
  double discover = config.GetNumber("discover_interval");
  if (discover < 1) {
    return Status::InvalidArgument(
        "option 'discover_interval' counts stat intervals and must be at least 1");
  }
  o.discover_every = static_cast<int>(discover);

  o.delimiter = UnescapeDelimiter(config.GetString("delimiter"));
  if (o.delimiter.empty()) {
    return Status::InvalidArgument("option 'delimiter' is empty; the default is \"\\n\"");
  }

  std::string ecs = config.IsSet("ecs_compatibility") ? config.GetString("ecs_compatibility")
                                                      : context.ecs_compatibility;
  if (ecs == "disabled") {
    o.ecs = EcsMode::kDisabled;
  } else if (ecs == "v1") {
    o.ecs = EcsMode::kV1;
  } else if (ecs == "v8") {
    o.ecs = EcsMode::kV8;
  } else {
    return Status::InvalidArgument(
        fmt::format("ecs_compatibility is '{}'; it must be one of: disabled, v1, v8", ecs));
  }

  if (config.IsSet("close_older")) {
    ASSIGN_OR_RETURN(o.close_older_s, DurationOption(config, "close_older"));
  } else {
    o.close_older_s = 3600;  // Logstash's default in tail mode
  }
  if (config.IsSet("ignore_older")) {
    ASSIGN_OR_RETURN(o.ignore_older_s, DurationOption(config, "ignore_older"));
  }

  int64_t max_open = config.GetInt("max_open_files");
  if (max_open < 1) return Status::InvalidArgument("option 'max_open_files' must be at least 1");
  o.max_open_files = static_cast<size_t>(max_open);

  int64_t chunk = config.GetInt("file_chunk_size");
  if (chunk < 1 || static_cast<size_t>(chunk) > kMaxChunkBytes) {
    return Status::InvalidArgument(
        fmt::format("option 'file_chunk_size' is {}; it must be between 1 and {} bytes", chunk,
                    kMaxChunkBytes));
  }
  o.chunk_bytes = static_cast<size_t>(chunk);

  o.host_name = context.host_name;
  o.batch_size = static_cast<size_t>(std::max(1, context.batch_size));
  return o;
}

}  // namespace perimeter
