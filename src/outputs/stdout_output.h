// The `stdout` output: writes each batch through a codec (rubydebug by default, as Logstash 8)
// to standard output in one write. Serialized by the runtime (not thread-safe itself).
#pragma once

#include "pipeline/plugin_spec.h"

namespace perimeter {
extern const PluginSpec kStdoutOutput;
}  // namespace perimeter
