// The drop filter: cancels events (all of them, or a random `percentage`), as Logstash's drop
// does; used under a conditional. Thread-safe: each worker thread draws from its own generator.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/status.h"
#include "pipeline/plugin.h"
#include "pipeline/plugin_config.h"
#include "pipeline/plugin_spec.h"

namespace perimeter {

extern const PluginSpec kDropFilter;

// For tests: the filter drawing uniform numbers in [0, 1) from `uniform` instead of the
// per-thread generator. `uniform` is called from many threads at once.
Result<std::unique_ptr<FilterPlugin>> CreateDropFilter(const PluginConfig& config,
                                                       std::function<double()> uniform);

}  // namespace perimeter
