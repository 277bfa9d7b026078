// The `generator` input: emits the configured lines `count` times (0 = forever), for tests and
// benchmarks, as Logstash's generator input does.
#pragma once

#include "pipeline/plugin_spec.h"

namespace perimeter {
extern const PluginSpec kGeneratorInput;
}  // namespace perimeter
