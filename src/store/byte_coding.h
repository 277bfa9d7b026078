// Byte-level building blocks of every store format: little-endian fixed integers, LEB128
// varints, zigzag, XXH3 checksums, and a bounds-checked reader that reports Corruption instead
// of reading past its end. Stateless functions; a ByteReader belongs to one thread.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter::store {

constexpr size_t kMaxVarintBytes = 10;  // 64 bits at 7 bits per byte

inline uint64_t Checksum(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

inline void PutFixed32(std::string* out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);  // the formats are little-endian, like every machine we build for
  out->append(b, 4);
}
inline void PutFixed64(std::string* out, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out->append(b, 8);
}
inline uint32_t LoadFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t LoadFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Writes the varint at `p` (room for kMaxVarintBytes) and returns the end.
inline char* EncodeVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
inline void PutVarint(std::string* out, uint64_t v) {
  char b[kMaxVarintBytes];
  out->append(b, EncodeVarint(b, v) - b);
}
inline void PutZigZag(std::string* out, int64_t v) { PutVarint(out, ZigZag(v)); }
inline void PutBytes(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}
inline size_t VarintLength(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Decodes a varint from [p, end); returns nullptr when it runs past the end or is too long.
inline const char* DecodeVarint(const char* p, const char* end, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    uint64_t byte = static_cast<uint8_t>(*p++);
    result |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      *v = result;
      return p;
    }
  }
  return nullptr;
}

// Reads a byte string front to back; every getter fails (and stays failed) instead of reading
// past the end, so a decoder checks ok() once at the end of a section.
class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::string_view bytes)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool empty() const { return p_ == end_; }
  const char* position() const { return p_; }

  uint64_t Varint() {
    uint64_t v = 0;
    if (!ok_) return 0;
    // Fast path: one-byte varints dominate codes and small counts.
    if (p_ < end_ && static_cast<uint8_t>(*p_) < 0x80) return static_cast<uint8_t>(*p_++);
    const char* next = DecodeVarint(p_, end_, &v);
    if (next == nullptr) return Fail();
    p_ = next;
    return v;
  }
  int64_t ZigZagVarint() { return UnZigZag(Varint()); }
  // A varint that must be at most `limit` (a count or length about to size an allocation).
  uint64_t BoundedVarint(uint64_t limit) {
    uint64_t v = Varint();
    if (v > limit) return Fail();
    return v;
  }
  uint8_t Byte() {
    if (!ok_ || p_ >= end_) return static_cast<uint8_t>(Fail());
    return static_cast<uint8_t>(*p_++);
  }
  uint32_t Fixed32() {
    if (!ok_ || remaining() < 4) return static_cast<uint32_t>(Fail());
    uint32_t v = LoadFixed32(p_);
    p_ += 4;
    return v;
  }
  uint64_t Fixed64() {
    if (!ok_ || remaining() < 8) return Fail();
    uint64_t v = LoadFixed64(p_);
    p_ += 8;
    return v;
  }
  double Double() {
    uint64_t bits = Fixed64();
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  std::string_view Raw(size_t n) {
    if (!ok_ || remaining() < n) {
      Fail();
      return {};
    }
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  // A varint length and that many bytes.
  std::string_view Bytes() { return Raw(Varint()); }
  uint64_t Fail() {
    ok_ = false;
    p_ = end_;
    return 0;
  }

 private:
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  bool ok_ = true;
};

}  // namespace perimeter::store
