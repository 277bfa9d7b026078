#include "store/text_forms.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>

namespace perimeter::store {

namespace {
constexpr uint8_t kV4MappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}

bool IpBytes::v4() const { return std::memcmp(bytes, kV4MappedPrefix, 12) == 0; }

bool ParseCanonicalDecimal(std::string_view t, int64_t* value) {
  size_t i = 0;
  bool negative = false;
  if (!t.empty() && t[0] == '-') {
    negative = true;
    i = 1;
  }
  size_t digits = t.size() - i;
  if (digits == 0 || digits > 18) return false;
  if (t[i] == '0' && (digits > 1 || negative)) return false;
  int64_t v = 0;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = negative ? -v : v;
  return true;
}

bool ParseCanonicalIp(std::string_view t, IpBytes* ip) {
  if (t.size() < 2 || t.size() > 39) return false;
  if (t.find(':') == std::string_view::npos) {
    if (t.size() < 7) return false;
    // IPv4: four decimal octets without leading zeros.
    uint8_t out[4];
    size_t i = 0;
    for (int part = 0; part < 4; ++part) {
      if (i >= t.size() || t[i] < '0' || t[i] > '9') return false;
      size_t start = i;
      unsigned v = 0;
      while (i < t.size() && t[i] >= '0' && t[i] <= '9' && i - start < 3)
        v = v * 10 + (t[i++] - '0');
      if (v > 255 || (t[start] == '0' && i - start > 1)) return false;
      out[part] = static_cast<uint8_t>(v);
      if (part < 3) {
        if (i >= t.size() || t[i] != '.') return false;
        ++i;
      }
    }
    if (i != t.size()) return false;
    std::memcpy(ip->bytes, kV4MappedPrefix, 12);
    std::memcpy(ip->bytes + 12, out, 4);
    return true;
  }
  char buf[64];
  std::memcpy(buf, t.data(), t.size());
  buf[t.size()] = '\0';
  if (inet_pton(AF_INET6, buf, ip->bytes) != 1) return false;
  // A v4-mapped address in v6 text would come back as a.b.c.d: keep such text as text.
  if (ip->v4()) return false;
  char back[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, ip->bytes, back, sizeof back) == nullptr) return false;
  return t == back;
}

namespace {

// The decimal text of each octet value, padded to 4 bytes so that it is copied with one move.
struct OctetText {
  char text[4];
  uint8_t length;
};
constexpr std::array<OctetText, 256> MakeOctetTexts() {
  std::array<OctetText, 256> t{};
  for (unsigned v = 0; v < 256; ++v) {
    OctetText& o = t[v];
    if (v >= 100) {
      o.text[0] = static_cast<char>('0' + v / 100);
      o.text[1] = static_cast<char>('0' + v / 10 % 10);
      o.text[2] = static_cast<char>('0' + v % 10);
      o.length = 3;
    } else if (v >= 10) {
      o.text[0] = static_cast<char>('0' + v / 10);
      o.text[1] = static_cast<char>('0' + v % 10);
      o.length = 2;
    } else {
      o.text[0] = static_cast<char>('0' + v);
      o.length = 1;
    }
  }
  return t;
}
constexpr std::array<OctetText, 256> kOctetTexts = MakeOctetTexts();

}  // namespace

void AppendIpText(const IpBytes& ip, std::string* out) {
  if (ip.v4()) {
    // Dictionaries render tens of thousands of addresses per block: a table of octet texts and
    // no branch per digit (octet lengths are as unpredictable as the addresses).
    char buf[20];
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
      const OctetText& o = kOctetTexts[ip.bytes[12 + i]];
      std::memcpy(p, o.text, 4);
      p[o.length] = '.';
      p += o.length + 1;
    }
    out->append(buf, static_cast<size_t>(p - buf - 1));
    return;
  }
  char back[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, ip.bytes, back, sizeof back) != nullptr) out->append(back);
}

void AppendDecimal(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

}  // namespace perimeter::store
