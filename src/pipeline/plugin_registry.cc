#include "pipeline/plugin_registry.h"

#include <algorithm>

namespace perimeter {

const PluginSpec* PluginRegistry::Find(PluginKind kind, std::string_view name) const {
  for (const PluginSpec* s : specs_) {
    if (s->kind == kind && s->name == name) return s;
  }
  return nullptr;
}

std::vector<std::string> PluginRegistry::Names(PluginKind kind) const {
  std::vector<std::string> names;
  for (const PluginSpec* s : specs_) {
    if (s->kind == kind) names.emplace_back(s->name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace perimeter
