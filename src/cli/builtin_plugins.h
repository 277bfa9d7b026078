// The one explicit list of every plugin built into Perimeter.
#pragma once

#include "pipeline/plugin_registry.h"

namespace perimeter {
const PluginRegistry& BuiltinPlugins();
}  // namespace perimeter
