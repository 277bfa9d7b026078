// PluginConfig: a plugin's options after validation against its PluginSpec — defaults applied,
// values coerced to the declared types, repeated settings accumulated. Immutable once built.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/ast.h"
#include "core/status.h"
#include "core/value.h"
#include "pipeline/plugin_spec.h"

namespace perimeter {

// Levenshtein distance, for "did you mean" hints on plugin and option names.
size_t EditDistance(std::string_view a, std::string_view b);

class PluginConfig {
 public:
  // Validates `node` against `spec`. Errors (unknown option, wrong type, missing required) are
  // diagnostics naming file, line and column; `files` lets them quote the line.
  static Result<PluginConfig> Build(const PluginSpec& spec, const config::PluginNode& node,
                                    const std::vector<config::SourceFile>& files);
  // For code and tests: options given as an object of name → value.
  static Result<PluginConfig> FromObject(const PluginSpec& spec, const Object& options);

  const std::string& plugin_name() const { return plugin_name_; }
  const config::SourceLocation& location() const { return location_; }

  // True when the user set the option (not just its default).
  bool IsSet(std::string_view name) const;
  // The option's value or default; null when neither exists.
  const Value& Get(std::string_view name) const;
  std::string GetString(std::string_view name) const;
  int64_t GetInt(std::string_view name) const;
  double GetNumber(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  // An array option's elements as text.
  std::vector<std::string> GetStrings(std::string_view name) const;
  // A hash option (empty when unset).
  const Object& GetHash(std::string_view name) const;
  // Settings of a codec given as a block (`codec => json_lines { ... }`).
  const Object& codec_settings() const { return codec_settings_; }

 private:
  std::string plugin_name_;
  config::SourceLocation location_;
  Object values_;  // every declared option: given or default
  std::vector<std::string> set_;
  Object codec_settings_;
};

}  // namespace perimeter
