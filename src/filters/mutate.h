// The mutate filter: renames, replaces, converts and edits fields with Logstash's mutate
// semantics, applying its operations in Logstash's fixed order (coerce, rename, update, replace,
// convert, gsub, uppercase, capitalize, lowercase, strip, split, join, merge, copy) whatever the
// order in the config. Instances are immutable after creation and shared by all workers.
#pragma once

#include <optional>

#include "core/value.h"
#include "pipeline/plugin_spec.h"

namespace perimeter {

extern const PluginSpec kMutateFilter;

// mutate's `convert` conversions, exposed for tests.
enum class MutateConversion { kInteger, kIntegerEu, kFloat, kFloatEu, kString, kBoolean };
// The converted scalar; nullopt where Logstash raises (the event gets tag_on_failure). A value
// that is not a recognisable boolean is returned unchanged, as Logstash does.
std::optional<Value> ConvertScalar(const Value& v, MutateConversion to);

}  // namespace perimeter
