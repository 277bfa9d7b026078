// The `null` output: takes events and discards them (benchmarks, tests). Thread-safe.
#pragma once

#include "pipeline/plugin_spec.h"

namespace perimeter {
extern const PluginSpec kNullOutput;
}  // namespace perimeter
