// The cidr filter: checks IP addresses of an event against networks, as Logstash's cidr does;
// when any address is in any network the filter applies (add_tag, add_field). Addresses and
// networks are core/ip_address.h's. Thread-safe: the network
// list is immutable, and a reload from `network_path` swaps in a new one atomically.
#pragma once

#include "core/ip_address.h"
#include "pipeline/plugin_spec.h"

namespace perimeter {

extern const PluginSpec kCidrFilter;

}  // namespace perimeter
