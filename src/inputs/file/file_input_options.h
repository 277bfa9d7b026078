// FileInputOptions: the file input's settings, parsed and checked from its PluginConfig. Plain
// value type.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "pipeline/plugin_config.h"
#include "pipeline/plugin_spec.h"

namespace perimeter {

enum class EcsMode { kDisabled, kV1, kV8 };

// Reads 1 MiB per read(2): large enough that syscalls vanish from the profile at millions of
// lines per second, small enough to stay in L2/L3 while it is split.
constexpr size_t kDefaultChunkBytes = 1u << 20;

struct FileInputOptions {
  std::vector<std::string> paths;     // absolute globs
  std::vector<std::string> excludes;  // file-name globs
  bool start_at_end = true;           // for files present at the first discovery
  std::string sincedb_path;           // empty: checkpoints disabled
  double sincedb_write_interval_s = 1;
  double sincedb_clean_after_s = 14 * 86400.0;
  double stat_interval_s = 1;
  int discover_every = 1;  // discover new files every this many stat intervals
  std::string delimiter = "\n";
  EcsMode ecs = EcsMode::kV8;
  std::optional<double> close_older_s;
  std::optional<double> ignore_older_s;
  size_t max_open_files = 4095;
  size_t chunk_bytes = kDefaultChunkBytes;
  bool json_lines = false;  // codec => json / json_lines: each line is a JSON object
  // From the PluginContext.
  std::string host_name;
  size_t batch_size = 125;

  static Result<FileInputOptions> FromConfig(const PluginConfig& config,
                                             const PluginContext& context);
};

// Seconds in a Logstash duration: a number (in `default_unit`) or a number and a unit, e.g.
// "500 ms", "1.5s", "5 minutes", "2 days". Units: us, ms, s, m, h, d, w and their spelled-out
// forms (singular or plural).
Result<double> ParseDuration(std::string_view text, std::string_view default_unit = "s");

// "\\n", "\\r\\n", "\\t" and "\\\\" in a delimiter setting become the characters they name:
// Logstash configs write `delimiter => "\n"` and mean a newline.
std::string UnescapeDelimiter(std::string_view text);

}  // namespace perimeter
