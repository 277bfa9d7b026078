// Test support for the filters in this folder: builds a filter from its PluginSpec and a list of
// options the way the pipeline does, so tests exercise option validation too. Tests only.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "core/event.h"
#include "pipeline/plugin_config.h"
#include "pipeline/plugin_spec.h"

namespace perimeter::filter_testing {

inline Object Options(std::initializer_list<std::pair<std::string, Value>> options) {
  Object o;
  for (const auto& [k, v] : options) o.Set(k, v);
  return o;
}

// The filter, or null with the error message in *error.
inline std::unique_ptr<FilterPlugin> TryMakeFilter(const PluginSpec& spec, const Object& options,
                                                   std::string* error) {
  auto config = PluginConfig::FromObject(spec, options);
  if (!config.ok()) {
    *error = config.status().message();
    return nullptr;
  }
  auto plugin = spec.create(*config, PluginContext{});
  if (!plugin.ok()) {
    *error = plugin.status().message();
    return nullptr;
  }
  return std::unique_ptr<FilterPlugin>(static_cast<FilterPlugin*>(plugin->release()));
}

inline std::unique_ptr<FilterPlugin> MakeFilter(const PluginSpec& spec, const Object& options) {
  std::string error;
  auto f = TryMakeFilter(spec, options, &error);
  EXPECT_NE(f, nullptr) << error;
  return f;
}

inline Event MessageEvent(std::string message) {
  return Event::FromMessage(std::move(message), Timestamp::FromSeconds(1'700'000'000));
}

// A field's value as compact JSON ("null" when absent), for short assertions.
inline std::string FieldJson(const Event& e, std::string_view ref) {
  const Value* v = e.Get(FieldRef::Of(ref));
  return v == nullptr ? "null" : v->ToJson();
}

}  // namespace perimeter::filter_testing
