// IpAddress: an IPv4 or IPv6 address parsed from text, with what the filters ask of it — is it
// a special-purpose (never geolocated) address, its network for a prefix length, the text
// Logstash prints for it — and IpNetwork, an address and a prefix length (the cidr filter, the
// settings' ignore list). Plain values; safe to copy and to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter {

class IpAddress {
 public:
  enum class Family : uint8_t { kV4, kV6 };

  // Accepts a dotted quad ("81.2.69.142") or IPv6 text ("2001:480:10::1", "[::1]",
  // "fe80::1%eth0"). An IPv4-mapped IPv6 address ("::ffff:81.2.69.142") becomes the IPv4 address,
  // as Java's InetAddress (and so Logstash) does. Anything else — host names, "-", two addresses
  // separated by a comma, surrounding spaces — is not an address: nullopt. Never allocates.
  static std::optional<IpAddress> Parse(std::string_view text);
  static IpAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
  static IpAddress V6(const std::array<uint8_t, 16>& bytes);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::kV4; }
  int bit_length() const { return is_v4() ? 32 : 128; }
  // Network byte order; the first 4 bytes for IPv4, the rest zero.
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  // True for addresses a geolocation database never holds: private (RFC 1918, fc00::/7),
  // loopback, link-local, multicast, unspecified, shared (100.64/10), documentation, benchmarking
  // and reserved (240/4) ranges — the "not globally reachable" rows of IANA's special-purpose
  // registries.
  bool IsSpecialPurpose() const;

  // The first address of the network of `prefix_length` bits holding this address.
  IpAddress Network(int prefix_length) const;

  // Java's InetAddress.getHostAddress() form: "81.2.69.142", or eight lowercase hex groups without
  // leading zeros and without "::" compression ("2001:480:10:0:0:0:0:1").
  void AppendText(std::string* out) const;
  std::string ToText() const;

  bool operator==(const IpAddress& other) const = default;

 private:
  Family family_ = Family::kV4;
  std::array<uint8_t, 16> bytes_{};
};

// An address and a prefix length; the address is the network's first (host bits clear).
struct IpNetwork {
  IpAddress base;
  int prefix = 0;  // 0..32 for IPv4, 0..128 for IPv6

  // True for addresses of the same family inside the network.
  bool Contains(const IpAddress& a) const;
  std::string ToString() const;  // "198.51.100.0/24", "2001:db8::/32"
};

// "198.51.100.0/24", "2001:db8::/32", "10.0.0.0/255.0.0.0" (a contiguous netmask), or a bare
// address (a /32 or /128 network). Host bits past the prefix are cleared ("198.51.100.7/24" is
// 198.51.100.0/24), as Logstash's IPAddr does. The error says what is wrong with the text.
Result<IpNetwork> ParseIpNetwork(std::string_view text);

}  // namespace perimeter
