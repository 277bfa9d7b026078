// The kv filter: turns `key=value` text (netfilter lines, postfix, query strings) into fields,
// with Logstash's kv semantics (quotes and brackets, repeated keys collected into arrays, flags
// without a value ignored). Instances are immutable after creation and shared by all workers.
#pragma once

#include "pipeline/plugin_spec.h"

namespace perimeter {

extern const PluginSpec kKvFilter;

}  // namespace perimeter
