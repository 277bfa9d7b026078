// PluginSpec: the one table that declares a plugin — name, typed options with defaults and
// help, and its factory. Specs are constants; the registry lists them explicitly.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "pipeline/plugin.h"

namespace perimeter {

class PluginConfig;

enum class PluginKind { kInput, kFilter, kOutput };
const char* PluginKindName(PluginKind kind);  // "input", "filter", "output"

enum class OptionType {
  kString,   // a string; numbers and booleans given are turned into their text
  kNumber,   // integer or float; a numeric string is accepted
  kBoolean,  // true/false, or the strings "true"/"false"
  kArray,    // a list; a single value becomes a one-element list (as Logstash does)
  kHash,     // { "k" => "v" }, or an array of key, value pairs; a repeated key collects values
  kPath,     // a string naming a file or directory
  kCodec,    // a codec name (`codec => rubydebug`)
  kAny,      // anything, passed through
};
const char* OptionTypeName(OptionType type);

struct OptionSpec {
  std::string_view name;
  OptionType type;
  Value default_value;  // null: no default
  std::string_view help;
  bool required = false;
  std::vector<std::string_view> choices = {};  // allowed string values, when limited
};

// Where inputs find checkpoints that an output committed together with their events (the
// store's WAL). One per pipeline; an output that commits checkpoints registers a loader at
// creation, inputs ask at Run() time. Thread-safe.
class CheckpointAuthority {
 public:
  using Loader = std::function<Result<std::string>(std::string_view key)>;
  void SetLoader(Loader loader) {
    std::lock_guard lock(mu_);
    loader_ = std::move(loader);
  }
  bool available() const {
    std::lock_guard lock(mu_);
    return static_cast<bool>(loader_);
  }
  // NotFound when no output commits checkpoints or none was committed under `key`.
  Result<std::string> Load(std::string_view key) const {
    std::lock_guard lock(mu_);
    if (!loader_) return Status::NotFound("no output commits checkpoints");
    return loader_(key);
  }

 private:
  mutable std::mutex mu_;
  Loader loader_;
};

// Per-pipeline facts a plugin may need when it is created.
struct PluginContext {
  std::string data_dir = "./data";
  std::string pipeline_id = "main";
  std::string ecs_compatibility = "v8";  // pipeline-wide default; a plugin option overrides
  std::string plugin_id;                 // the `id` option, or a generated one
  int batch_size = 125;                  // events per batch an input should aim for
  std::string host_name;                 // this machine's name, for the `host` field
  // The settings' [store] retention and max_disk: what a `store` output without its own
  // `retention` / `max_disk` applies ("" = no limit).
  std::string store_retention;
  std::string store_max_disk;
  std::shared_ptr<CheckpointAuthority> checkpoints = std::make_shared<CheckpointAuthority>();
};

struct PluginSpec {
  using Factory =
      std::function<Result<std::unique_ptr<Plugin>>(const PluginConfig&, const PluginContext&)>;
  std::string_view name;
  PluginKind kind;
  std::string_view help;
  std::vector<OptionSpec> options;
  Factory create;
};

// Options every plugin of a kind accepts (Logstash's common options).
const std::vector<OptionSpec>& CommonOptions(PluginKind kind);

}  // namespace perimeter
