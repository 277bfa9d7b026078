// PluginRegistry: the explicit list of plugin tables the pipeline compiler may instantiate.
// Built once at start-up, then read-only and safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/plugin_spec.h"

namespace perimeter {

class PluginRegistry {
 public:
  void Add(const PluginSpec* spec) { specs_.push_back(spec); }
  const PluginSpec* Find(PluginKind kind, std::string_view name) const;
  // Names of every plugin of `kind`, sorted, for "known plugins: ..." hints.
  std::vector<std::string> Names(PluginKind kind) const;
  const std::vector<const PluginSpec*>& specs() const { return specs_; }

 private:
  std::vector<const PluginSpec*> specs_;
};

}  // namespace perimeter
