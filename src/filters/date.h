// The date filter: parses a timestamp field with Joda-style patterns ("MMM dd HH:mm:ss", "ISO8601",
// "UNIX", ...) and stores it in @timestamp (or `target`), as Logstash's date filter does —
// including its year guess for syslog stamps without a year. Instances are immutable after
// creation and shared by all workers.
#pragma once

#include <functional>
#include <memory>

#include "core/status.h"
#include "core/time_zone.h"
#include "core/timestamp.h"
#include "pipeline/plugin.h"
#include "pipeline/plugin_config.h"
#include "pipeline/plugin_spec.h"

namespace perimeter {

extern const PluginSpec kDateFilter;

// The filter with an injected clock (tests): `now` is read whenever a pattern without a year
// needs the current year, and its month is taken in `now_zone` (Logstash uses the machine's zone).
// `now` is called from many threads at once.
Result<std::unique_ptr<FilterPlugin>> CreateDateFilter(const PluginConfig& config,
                                                       std::function<Timestamp()> now,
                                                       std::shared_ptr<const TimeZone> now_zone);

}  // namespace perimeter
