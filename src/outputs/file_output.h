// The `file` output: appends events, encoded by a codec (json_lines by default), to files
// whose path may use %{field} and %{+date}. Serialized by the runtime; Flush() from the
// runtime's flusher makes writes durable every second.
#pragma once

#include "pipeline/plugin_spec.h"

namespace perimeter {
extern const PluginSpec kFileOutput;
}  // namespace perimeter
