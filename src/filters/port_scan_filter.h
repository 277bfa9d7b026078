// The port_scan filter: remembers, per source address, which destination ports it touched
// within a sliding window of event time (@timestamp, so a replayed backlog is judged as it
// happened); once a source has touched `ports` distinct ports, its events get the tag
// `port_scan` and [scan][distinct_ports]. With `hosts` set, touching that many distinct
// destination hosts (a sweep of a network) does the same, and [scan][distinct_hosts] is set. Memory
// is bounded by `max_sources` (least recently seen sources are forgotten first). Thread-safe: the
// state is sharded, one mutex per shard.
#pragma once

#include "pipeline/plugin_spec.h"

namespace perimeter {

extern const PluginSpec kPortScanFilter;

}  // namespace perimeter
