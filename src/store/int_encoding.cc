#include "store/int_encoding.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

namespace perimeter::store {

namespace {

// Counts distinct values up to kSmallDictMax with an open-addressing table; gives up beyond.
class SmallCounter {
 public:
  void Add(uint64_t v) {
    if (overflow_) return;
    size_t h = static_cast<size_t>((v * 0x9E3779B97F4A7C15ull) >> 54);  // 10 bits
    for (;;) {
      Slot& s = slots_[h];
      if (s.count == 0) {
        if (distinct_ == kSmallDictMax) {
          overflow_ = true;
          return;
        }
        s.value = v;
        s.count = 1;
        ++distinct_;
        return;
      }
      if (s.value == v) {
        ++s.count;
        return;
      }
      h = (h + 1) & (kSlots - 1);
    }
  }
  bool overflow() const { return overflow_; }
  size_t distinct() const { return distinct_; }
  // Shannon entropy in bits per value over `n` values.
  double EntropyBits(size_t n) const {
    double h = 0;
    for (const Slot& s : slots_) {
      if (s.count == 0) continue;
      double p = static_cast<double>(s.count) / static_cast<double>(n);
      h -= p * std::log2(p);
    }
    return h;
  }

 private:
  static constexpr size_t kSlots = 1024;  // ≤ 25% full at kSmallDictMax entries
  struct Slot {
    uint64_t value = 0;
    uint32_t count = 0;
  };
  Slot slots_[kSlots];
  size_t distinct_ = 0;
  bool overflow_ = false;
};

// gcd(a, b), with the common case — b already a multiple of a — one division.
uint64_t Gcd(uint64_t a, uint64_t b) {
  if (a != 0 && b % a == 0) return a;
  return std::gcd(a, b);
}

// d / gcd (gcd ≤ INT64_MAX). The divisor is mostly 1, and a division costs tens of cycles.
inline int64_t DivideBy(int64_t d, uint64_t gcd) {
  return gcd == 1 ? d : d / static_cast<int64_t>(gcd);
}

// zstd codes bytes with Huffman tables and finds repeats, so a stream of one-byte symbols
// shrinks to about its entropy; wider symbols much less. Floors keep tiny entropies honest
// about per-block overheads.
double EntropyCodedBytes(double bits_per_value, size_t n) {
  return std::max(bits_per_value, 0.03) * static_cast<double>(n) / 8.0;
}

int BitsFor(uint64_t range) { return range == 0 ? 0 : 64 - std::countl_zero(range); }

void EncodeConst(int64_t v, std::string* out) {
  out->push_back(static_cast<char>(IntKind::kConst));
  PutZigZag(out, v);
}

void EncodeDelta(std::span<const int64_t> values, uint64_t gcd, std::string* out) {
  out->push_back(static_cast<char>(IntKind::kDelta));
  PutZigZag(out, values[0]);
  PutVarint(out, gcd);
  size_t base = out->size();
  out->resize(base + (values.size() - 1) * kMaxVarintBytes);
  char* p = out->data() + base;
  for (size_t i = 1; i < values.size(); ++i) {
    int64_t d = static_cast<int64_t>(static_cast<uint64_t>(values[i]) -
                                     static_cast<uint64_t>(values[i - 1]));
    p = EncodeVarint(p, ZigZag(DivideBy(d, gcd)));
  }
  out->resize(static_cast<size_t>(p - out->data()));
}

void EncodeBitPacked(std::span<const int64_t> values, int64_t min, uint64_t gcd, int bits,
                     std::string* out) {
  out->push_back(static_cast<char>(IntKind::kBitPacked));
  PutZigZag(out, min);
  PutVarint(out, gcd);
  out->push_back(static_cast<char>(bits));
  std::vector<uint64_t> offsets(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    uint64_t off = static_cast<uint64_t>(values[i]) - static_cast<uint64_t>(min);
    offsets[i] = gcd == 1 ? off : off / gcd;
  }
  PackBits(offsets, bits, out);
}

void EncodeSmallDict(std::span<const int64_t> values, std::string* out) {
  out->push_back(static_cast<char>(IntKind::kSmallDict));
  std::vector<int64_t> dict;
  std::vector<uint8_t> index(values.size());
  // Values in first-seen order; a linear probe over ≤ 256 entries is cheap next to zstd.
  for (size_t i = 0; i < values.size(); ++i) {
    size_t k = 0;
    while (k < dict.size() && dict[k] != values[i]) ++k;
    if (k == dict.size()) dict.push_back(values[i]);
    index[i] = static_cast<uint8_t>(k);
  }
  PutVarint(out, dict.size());
  for (int64_t v : dict) PutZigZag(out, v);
  out->append(reinterpret_cast<const char*>(index.data()), index.size());
}

}  // namespace

void PackBits(std::span<const uint64_t> values, int bits, std::string* out) {
  if (bits == 0) return;
  size_t nbytes = (values.size() * static_cast<size_t>(bits) + 7) / 8;
  size_t base = out->size();
  out->resize(base + nbytes, '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(out->data() + base);
  uint64_t mask = bits == 64 ? ~0ull : ((1ull << bits) - 1);
  size_t bitpos = 0;
  for (uint64_t v : values) {
    unsigned __int128 x = static_cast<unsigned __int128>(v & mask) << (bitpos & 7);
    size_t byte = bitpos >> 3;
    size_t span = ((bitpos & 7) + static_cast<size_t>(bits) + 7) / 8;
    for (size_t k = 0; k < span; ++k) p[byte + k] |= static_cast<unsigned char>(x >> (8 * k));
    bitpos += static_cast<size_t>(bits);
  }
}

void UnpackBits(const char* in, size_t n, int bits, uint64_t* out) {
  if (bits == 0) {
    std::fill(out, out + n, 0);
    return;
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(in);
  size_t nbytes = (n * static_cast<size_t>(bits) + 7) / 8;
  uint64_t mask = bits == 64 ? ~0ull : ((1ull << bits) - 1);
  size_t i = 0;
  if (bits <= 56) {
    // Fast path: one unaligned 8-byte load per value while 8 bytes remain.
    for (; i < n; ++i) {
      size_t bitpos = i * static_cast<size_t>(bits);
      size_t byte = bitpos >> 3;
      if (byte + 8 > nbytes) break;
      uint64_t w;
      std::memcpy(&w, p + byte, 8);
      out[i] = (w >> (bitpos & 7)) & mask;
    }
  }
  for (; i < n; ++i) {
    size_t bitpos = i * static_cast<size_t>(bits);
    size_t byte = bitpos >> 3;
    size_t span = ((bitpos & 7) + static_cast<size_t>(bits) + 7) / 8;
    unsigned __int128 x = 0;
    for (size_t k = 0; k < span && byte + k < nbytes; ++k) {
      x |= static_cast<unsigned __int128>(p[byte + k]) << (8 * k);
    }
    out[i] = static_cast<uint64_t>(x >> (bitpos & 7)) & mask;
  }
}

void EncodeInts(std::span<const int64_t> values, std::string* out) {
  size_t n = values.size();
  if (n == 0) return EncodeConst(0, out);
  int64_t min = values[0], max = values[0];
  for (int64_t v : values) {
    min = std::min(min, v);
    max = std::max(max, v);
  }
  if (min == max) return EncodeConst(min, out);

  uint64_t value_gcd = 0, delta_gcd = 0;
  uint64_t delta_varint_bytes = 0;
  SmallCounter value_counts, delta_counts;
  for (size_t i = 0; i < n; ++i) {
    uint64_t off = static_cast<uint64_t>(values[i]) - static_cast<uint64_t>(min);
    if (value_gcd != 1) value_gcd = Gcd(value_gcd, off);
    value_counts.Add(static_cast<uint64_t>(values[i]));
    if (i > 0) {
      int64_t d = static_cast<int64_t>(static_cast<uint64_t>(values[i]) -
                                       static_cast<uint64_t>(values[i - 1]));
      uint64_t mag = d < 0 ? 0 - static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
      if (delta_gcd != 1) delta_gcd = Gcd(delta_gcd, mag);
      delta_counts.Add(static_cast<uint64_t>(d));
    }
  }
  if (value_gcd == 0) value_gcd = 1;
  if (delta_gcd == 0 || delta_gcd > static_cast<uint64_t>(INT64_MAX)) delta_gcd = 1;
  for (size_t i = 1; i < n; ++i) {
    int64_t d = static_cast<int64_t>(static_cast<uint64_t>(values[i]) -
                                     static_cast<uint64_t>(values[i - 1]));
    delta_varint_bytes += VarintLength(ZigZag(DivideBy(d, delta_gcd)));
  }

  int bits = BitsFor((static_cast<uint64_t>(max) - static_cast<uint64_t>(min)) / value_gcd);
  double packed = static_cast<double>(n) * bits / 8.0 + 12;
  double delta = static_cast<double>(delta_varint_bytes) + 12;
  if (!delta_counts.overflow() && delta_varint_bytes < 2 * n) {
    delta = EntropyCodedBytes(delta_counts.EntropyBits(n - 1), n) + 12;
  }
  double dict = 1e300;
  if (!value_counts.overflow()) {
    dict = EntropyCodedBytes(value_counts.EntropyBits(n), n) +
           static_cast<double>(value_counts.distinct()) * 4 + 4;
  }
  if (dict < packed && dict < delta) return EncodeSmallDict(values, out);
  if (delta < packed) return EncodeDelta(values, delta_gcd, out);
  return EncodeBitPacked(values, min, value_gcd, bits, out);
}

void EncodeIntsAs(IntKind kind, std::span<const int64_t> values, std::string* out) {
  if (values.empty()) return EncodeConst(0, out);
  switch (kind) {
    case IntKind::kConst:
      return EncodeConst(values[0], out);
    case IntKind::kDelta: {
      uint64_t g = 0;
      for (size_t i = 1; i < values.size(); ++i) {
        int64_t d = static_cast<int64_t>(static_cast<uint64_t>(values[i]) -
                                         static_cast<uint64_t>(values[i - 1]));
        g = Gcd(g, d < 0 ? 0 - static_cast<uint64_t>(d) : static_cast<uint64_t>(d));
      }
      if (g == 0 || g > static_cast<uint64_t>(INT64_MAX)) g = 1;
      return EncodeDelta(values, g, out);
    }
    case IntKind::kBitPacked: {
      int64_t min = *std::min_element(values.begin(), values.end());
      int64_t max = *std::max_element(values.begin(), values.end());
      uint64_t g = 0;
      for (int64_t v : values) g = Gcd(g, static_cast<uint64_t>(v) - static_cast<uint64_t>(min));
      if (g == 0) g = 1;
      return EncodeBitPacked(values, min, g,
                             BitsFor((static_cast<uint64_t>(max) - static_cast<uint64_t>(min)) / g),
                             out);
    }
    case IntKind::kSmallDict: {
      std::vector<int64_t> distinct(values.begin(), values.end());
      std::sort(distinct.begin(), distinct.end());
      if (std::unique(distinct.begin(), distinct.end()) - distinct.begin() >
          static_cast<ptrdiff_t>(kSmallDictMax)) {
        return EncodeIntsAs(IntKind::kBitPacked, values, out);  // indexes would not fit a byte
      }
      return EncodeSmallDict(values, out);
    }
  }
}

Status DecodeInts(ByteReader* in, size_t n, int64_t* out) {
  uint8_t kind = in->Byte();
  switch (static_cast<IntKind>(kind)) {
    case IntKind::kConst: {
      int64_t v = in->ZigZagVarint();
      std::fill(out, out + n, v);
      break;
    }
    case IntKind::kDelta: {
      int64_t v = in->ZigZagVarint();
      uint64_t gcd = in->Varint();
      if (n == 0) break;
      out[0] = v;
      for (size_t i = 1; i < n && in->ok(); ++i) {
        uint64_t step = static_cast<uint64_t>(in->ZigZagVarint()) * gcd;
        v = static_cast<int64_t>(static_cast<uint64_t>(v) + step);
        out[i] = v;
      }
      break;
    }
    case IntKind::kBitPacked: {
      int64_t min = in->ZigZagVarint();
      uint64_t gcd = in->Varint();
      int bits = in->Byte();
      if (bits > 64) return Status::Corruption("integer stream: bit width " + std::to_string(bits));
      size_t nbytes = (n * static_cast<size_t>(bits) + 7) / 8;
      std::string_view packed = in->Raw(nbytes);
      if (!in->ok()) break;
      uint64_t* u = reinterpret_cast<uint64_t*>(out);
      UnpackBits(packed.data(), n, bits, u);
      for (size_t i = 0; i < n; ++i) {
        out[i] = static_cast<int64_t>(static_cast<uint64_t>(min) + u[i] * gcd);
      }
      break;
    }
    case IntKind::kSmallDict: {
      uint64_t d = in->BoundedVarint(kSmallDictMax);
      int64_t dict[kSmallDictMax];
      for (uint64_t k = 0; k < d; ++k) dict[k] = in->ZigZagVarint();
      std::string_view index = in->Raw(n);
      if (!in->ok()) break;
      for (size_t i = 0; i < n; ++i) {
        uint8_t k = static_cast<uint8_t>(index[i]);
        if (k >= d) return Status::Corruption("integer stream: dictionary index out of range");
        out[i] = dict[k];
      }
      break;
    }
    default:
      return Status::Corruption("integer stream: unknown kind " + std::to_string(kind));
  }
  if (!in->ok()) return Status::Corruption("integer stream runs past its block");
  return Status::OK();
}

}  // namespace perimeter::store
