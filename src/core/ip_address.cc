#include "core/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace perimeter {

namespace {

// Longest IPv6 text inet_pton can accept: 8 groups of 4 hex digits and 7 colons, or 6 groups
// followed by a dotted quad (45 characters); anything longer is not an address.
constexpr size_t kMaxV6TextLength = 45;

std::optional<IpAddress> ParseV4(std::string_view text) {
  uint8_t parts[4];
  size_t part = 0;
  size_t i = 0;
  while (true) {
    size_t digits = 0;
    unsigned value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 4) {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || digits > 3 || value > 255) return std::nullopt;
    parts[part++] = static_cast<uint8_t>(value);
    if (part == 4) break;
    if (i >= text.size() || text[i] != '.') return std::nullopt;
    ++i;
  }
  if (i != text.size()) return std::nullopt;
  return IpAddress::V4(parts[0], parts[1], parts[2], parts[3]);
}

std::optional<IpAddress> ParseV6(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  // A zone ("fe80::1%eth0") names an interface; only link-local addresses carry one.
  if (size_t zone = text.find('%'); zone != std::string_view::npos) text = text.substr(0, zone);
  if (text.empty() || text.size() > kMaxV6TextLength) return std::nullopt;
  char buf[kMaxV6TextLength + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  std::array<uint8_t, 16> bytes;
  if (inet_pton(AF_INET6, buf, bytes.data()) != 1) return std::nullopt;
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes.data(), kMappedPrefix, sizeof(kMappedPrefix)) == 0) {
    return IpAddress::V4(bytes[12], bytes[13], bytes[14], bytes[15]);
  }
  return IpAddress::V6(bytes);
}

// A prefix as the leading bits of a word and their mask; tested with one AND and compare, as
// every event's address is checked.
template <typename Word>
struct Prefix {
  Word value;
  Word mask;
};

constexpr Prefix<uint32_t> V4(uint32_t a, uint32_t b, uint32_t c, uint32_t d, int length) {
  uint32_t mask = length == 0 ? 0 : ~uint32_t{0} << (32 - length);
  return {((a << 24) | (b << 16) | (c << 8) | d) & mask, mask};
}

// IPv6 prefixes here are at most 64 bits long: they test the upper half of the address.
constexpr Prefix<uint64_t> V6(uint64_t upper, int length) {
  uint64_t mask = ~uint64_t{0} << (64 - length);
  return {upper & mask, mask};
}

// IANA IPv4 Special-Purpose Address Registry, rows not globally reachable, plus multicast.
constexpr Prefix<uint32_t> kSpecialV4[] = {
    V4(0, 0, 0, 0, 8),        // "this network"
    V4(10, 0, 0, 0, 8),       // private
    V4(100, 64, 0, 0, 10),    // shared address space (carrier-grade NAT)
    V4(127, 0, 0, 0, 8),      // loopback
    V4(169, 254, 0, 0, 16),   // link-local
    V4(172, 16, 0, 0, 12),    // private
    V4(192, 0, 0, 0, 24),     // IETF protocol assignments
    V4(192, 0, 2, 0, 24),     // documentation (TEST-NET-1)
    V4(192, 168, 0, 0, 16),   // private
    V4(198, 18, 0, 0, 15),    // benchmarking
    V4(198, 51, 100, 0, 24),  // documentation (TEST-NET-2)
    V4(203, 0, 113, 0, 24),   // documentation (TEST-NET-3)
    V4(224, 0, 0, 0, 4),      // multicast
    V4(240, 0, 0, 0, 4),      // reserved, and the limited broadcast address
};

// IANA IPv6 Special-Purpose Address Registry, rows not globally reachable, plus multicast and
// the deprecated site-local range; :: and ::1 are tested apart. IPv4-mapped addresses never get
// here: Parse makes them IPv4.
constexpr Prefix<uint64_t> kSpecialV6[] = {
    V6(0x0064'ff9b'0001'0000, 48),  // local-use NAT64
    V6(0x0100'0000'0000'0000, 64),  // discard-only
    V6(0x2001'0002'0000'0000, 48),  // benchmarking
    V6(0x2001'0db8'0000'0000, 32),  // documentation
    V6(0x3fff'0000'0000'0000, 20),  // documentation
    V6(0xfc00'0000'0000'0000, 7),   // unique local
    V6(0xfe80'0000'0000'0000, 10),  // link-local
    V6(0xfec0'0000'0000'0000, 10),  // site-local
    V6(0xff00'0000'0000'0000, 8),   // multicast
};

uint64_t BigEndian64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return ParseV6(text);
  return ParseV4(text);
}

IpAddress IpAddress::V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress ip;
  ip.family_ = Family::kV4;
  ip.bytes_[0] = a;
  ip.bytes_[1] = b;
  ip.bytes_[2] = c;
  ip.bytes_[3] = d;
  return ip;
}

IpAddress IpAddress::V6(const std::array<uint8_t, 16>& bytes) {
  IpAddress ip;
  ip.family_ = Family::kV6;
  ip.bytes_ = bytes;
  return ip;
}

bool IpAddress::IsSpecialPurpose() const {
  if (is_v4()) {
    uint32_t a = (uint32_t{bytes_[0]} << 24) | (uint32_t{bytes_[1]} << 16) |
                 (uint32_t{bytes_[2]} << 8) | bytes_[3];
    for (const Prefix<uint32_t>& p : kSpecialV4) {
      if ((a & p.mask) == p.value) return true;
    }
    return false;
  }
  uint64_t upper = BigEndian64(bytes_.data());
  uint64_t lower = BigEndian64(bytes_.data() + 8);
  if (upper == 0 && lower <= 1) return true;  // :: (unspecified) and ::1 (loopback)
  for (const Prefix<uint64_t>& p : kSpecialV6) {
    if ((upper & p.mask) == p.value) return true;
  }
  return false;
}

IpAddress IpAddress::Network(int prefix_length) const {
  IpAddress net = *this;
  if (prefix_length < 0) prefix_length = 0;
  int bits = bit_length();
  for (int bit = prefix_length; bit < bits; ++bit) {
    net.bytes_[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  }
  return net;
}

void IpAddress::AppendText(std::string* out) const {
  char buf[48];
  char* p = buf;
  if (is_v4()) {
    for (int i = 0; i < 4; ++i) {
      if (i > 0) *p++ = '.';
      unsigned v = bytes_[i];
      if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
      if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
      *p++ = static_cast<char>('0' + v % 10);
    }
  } else {
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 8; ++i) {
      if (i > 0) *p++ = ':';
      size_t at = 2 * static_cast<size_t>(i);
      unsigned group = (unsigned{bytes_[at]} << 8) | bytes_[at + 1];
      bool started = false;
      for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned nibble = (group >> shift) & 0xf;
        if (nibble != 0 || started || shift == 0) {
          *p++ = kHex[nibble];
          started = true;
        }
      }
    }
  }
  out->append(buf, static_cast<size_t>(p - buf));
}

std::string IpAddress::ToText() const {
  std::string s;
  AppendText(&s);
  return s;
}

bool IpNetwork::Contains(const IpAddress& a) const {
  return a.family() == base.family() && a.Network(prefix) == base;
}

std::string IpNetwork::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(base.is_v4() ? AF_INET : AF_INET6, base.bytes().data(), buf, sizeof buf);
  return std::string(buf) + "/" + std::to_string(prefix);
}

Result<IpNetwork> ParseIpNetwork(std::string_view text) {
  constexpr std::string_view kExamples = "e.g. 203.0.113.7, 198.51.100.0/24 or 2001:db8::/32";
  const size_t slash = text.find('/');
  std::optional<IpAddress> base = IpAddress::Parse(text.substr(0, slash));
  if (!base) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not an IP address or network (" +
                                   std::string(kExamples) + ")");
  }
  const int bits = base->bit_length();
  int prefix = bits;
  if (slash != std::string_view::npos) {
    std::string_view len = text.substr(slash + 1);
    std::optional<IpAddress> mask;
    if (base->is_v4() && len.find('.') != std::string_view::npos) mask = IpAddress::Parse(len);
    if (mask && mask->is_v4()) {
      // A dotted netmask, which Logstash's IPAddr accepts too: ones, then zeros.
      const auto& b = mask->bytes();
      uint32_t m = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
      int ones = std::countl_one(m);
      if (ones < 32 && (m << ones) != 0) {
        return Status::InvalidArgument("'" + std::string(text) +
                                       "': the netmask is not contiguous; write a prefix "
                                       "length such as /24");
      }
      prefix = ones;
    } else {
      int n = -1;
      if (!len.empty() && len.size() <= 3 &&
          std::all_of(len.begin(), len.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        n = std::stoi(std::string(len));
      }
      if (n < 0 || n > bits) {
        return Status::InvalidArgument("'" + std::string(text) +
                                       "': the prefix length must be 0.." + std::to_string(bits) +
                                       " for an " + (base->is_v4() ? "IPv4" : "IPv6") + " network");
      }
      prefix = n;
    }
  }
  return IpNetwork{base->Network(prefix), prefix};
}

}  // namespace perimeter
