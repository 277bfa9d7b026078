// Integer streams (docs/storage.md "Integer streams"): the encodings of int and timestamp
// blocks, decimal strings and message-template numbers. The writer estimates the size each
// kind would have after zstd and keeps the smallest. Stateless functions; thread-safe.
//
// Stream: kind u8, then
//   0 const       zz value
//   1 delta       zz first, varint gcd, (n-1) × zz((v[i]-v[i-1]) / gcd)
//   2 bit-packed  zz min, varint gcd, u8 bits, ceil(n·bits/8) bytes of (v-min)/gcd, LSB first
//   3 small dict  varint d (≤ 256), d × zz value, n × u8 index
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/byte_coding.h"

namespace perimeter::store {

enum class IntKind : uint8_t { kConst = 0, kDelta = 1, kBitPacked = 2, kSmallDict = 3 };

constexpr size_t kSmallDictMax = 256;  // indexes are one byte

// Appends the stream for `values` (the count is not written; the reader knows it).
void EncodeInts(std::span<const int64_t> values, std::string* out);
// As EncodeInts, forcing a kind (tests and benchmarks); kSmallDict needs ≤ 256 distinct.
void EncodeIntsAs(IntKind kind, std::span<const int64_t> values, std::string* out);
// Decodes `n` values into `out[0..n)`.
Status DecodeInts(ByteReader* in, size_t n, int64_t* out);

// Packs the low `bits` bits of each value, LSB first (bits ≤ 64); and the reverse, reading
// exactly ceil(n·bits/8) bytes from `in`.
void PackBits(std::span<const uint64_t> values, int bits, std::string* out);
void UnpackBits(const char* in, size_t n, int bits, uint64_t* out);

}  // namespace perimeter::store
