// The cidr filter: checks IP addresses of an event against networks, as Logstash's cidr does;
// when any address is in any network the filter applies (add_tag, add_field). Also the IPv4/IPv6
// address and network parsing the settings' `ignore` list shares. Thread-safe: the network
// list is immutable, and a reload from `network_path` swaps in a new one atomically.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "pipeline/plugin_spec.h"

namespace perimeter {

extern const PluginSpec kCidrFilter;

// An IPv4 or IPv6 address, in network byte order. IPv4 uses the first 4 bytes.
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
};

// An address and a prefix length; the bits past the prefix are zero.
struct IpNetwork {
  IpAddress base;
  int prefix = 0;  // 0..32 for IPv4, 0..128 for IPv6

  bool Contains(const IpAddress& a) const;
  std::string ToString() const;  // "198.51.100.0/24"
};

// "203.0.113.7" or "2001:db8::1". IPv4-mapped IPv6 ("::ffff:203.0.113.7", as sshd logs clients
// on a dual-stack socket) is returned as the IPv4 address. nullopt for anything else.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// "198.51.100.0/24", "2001:db8::/32", or a bare address (a /32 or /128 network). Host bits
// past the prefix are cleared ("198.51.100.7/24" is 198.51.100.0/24), as Logstash's IPAddr
// does. The error says what is wrong with the text.
Result<IpNetwork> ParseIpNetwork(std::string_view text);

}  // namespace perimeter
