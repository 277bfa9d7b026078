// The `stdin` input: one event per line of standard input; the pipeline ends at EOF.
#pragma once

#include "pipeline/plugin_spec.h"

namespace perimeter {
extern const PluginSpec kStdinInput;
}  // namespace perimeter
