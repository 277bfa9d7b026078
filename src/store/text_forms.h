// Recognizers for strings the store can keep in binary: canonical decimal integers ("51955")
// and canonical IP addresses ("203.0.113.5", "2001:db8::5"). "Canonical" means formatting the
// binary form gives back the exact text, so storing the binary form loses nothing.
// Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace perimeter::store {

// 16 bytes; IPv4 as the IPv4-mapped IPv6 address ::ffff:a.b.c.d so all addresses order together.
struct IpBytes {
  uint8_t bytes[16] = {};
  bool v4() const;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 false positive on a defaulted <=>
  auto operator<=>(const IpBytes&) const = default;
};

// "0", "-12", "51955" (≤ 18 digits, no leading zeros, no "-0"): true and the value.
bool ParseCanonicalDecimal(std::string_view text, int64_t* value);
// True when `text` is an IPv4 dotted quad or an IPv6 address in the form inet_ntop prints.
bool ParseCanonicalIp(std::string_view text, IpBytes* ip);
void AppendIpText(const IpBytes& ip, std::string* out);
void AppendDecimal(int64_t v, std::string* out);

}  // namespace perimeter::store
