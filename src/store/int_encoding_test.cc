#include "store/int_encoding.h"

#include <gtest/gtest.h>

#include <random>

namespace perimeter::store {
namespace {

std::vector<int64_t> RoundTrip(const std::vector<int64_t>& values, IntKind* kind = nullptr,
                               const IntKind* force = nullptr) {
  std::string buf;
  if (force) {
    EncodeIntsAs(*force, values, &buf);
  } else {
    EncodeInts(values, &buf);
  }
  if (kind != nullptr && !buf.empty()) *kind = static_cast<IntKind>(buf[0]);
  ByteReader in(buf);
  std::vector<int64_t> out(values.size());
  Status s = DecodeInts(&in, values.size(), out.data());
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(in.empty());
  return out;
}

// Random streams of many shapes, every kind forced and chosen, must come back unchanged.
TEST(IntEncoding, RoundTripsRandomStreamsInEveryKind) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 400; ++round) {
    size_t n = rng() % 3 == 0 ? rng() % 5 : rng() % 3000;
    std::vector<int64_t> v(n);
    int shape = static_cast<int>(rng() % 6);
    int64_t x = static_cast<int64_t>(rng());
    for (size_t i = 0; i < n; ++i) {
      switch (shape) {
        case 0:
          v[i] = static_cast<int64_t>(rng());  // full range, extremes included
          if (rng() % 50 == 0) v[i] = rng() % 2 ? INT64_MIN : INT64_MAX;
          break;
        case 1:
          x += static_cast<int64_t>(rng() % 3) * 1'000'000'000;  // second timestamps in ns
          v[i] = x;
          break;
        case 2:
          v[i] = static_cast<int64_t>(rng() % 5) * 7 - 3;  // few values
          break;
        case 3:
          v[i] = 42;
          break;
        case 4:
          v[i] = static_cast<int64_t>(rng() % 65536);
          break;
        default:
          x -= static_cast<int64_t>(rng() % 1000);
          v[i] = x;
      }
    }
    EXPECT_EQ(RoundTrip(v), v) << "shape " << shape << " n " << n;
    for (IntKind k : {IntKind::kDelta, IntKind::kBitPacked})
      EXPECT_EQ(RoundTrip(v, nullptr, &k), v);
    std::vector<int64_t> few(v.size());
    for (size_t i = 0; i < n; ++i) few[i] = v[i] % 128;  // at most 255 distinct
    IntKind k = IntKind::kSmallDict;
    EXPECT_EQ(RoundTrip(few, nullptr, &k), few);
  }
}

TEST(IntEncoding, PicksCompactKinds) {
  std::vector<int64_t> ts;
  ts.reserve(10000);
  for (int i = 0; i < 10000; ++i) ts.push_back(1'700'000'000'000'000'000 + i / 3 * 1'000'000'000LL);
  IntKind kind;
  RoundTrip(ts, &kind);
  EXPECT_EQ(kind, IntKind::kDelta);
  std::string buf;
  EncodeInts(ts, &buf);
  EXPECT_LT(buf.size(), 10200u);  // about a byte per second-resolution timestamp before zstd

  std::mt19937_64 rng(1);
  std::vector<int64_t> ports;
  ports.reserve(10000);
  for (int i = 0; i < 10000; ++i) ports.push_back(1024 + static_cast<int64_t>(rng() % 64000));
  RoundTrip(ports, &kind);
  EXPECT_EQ(kind, IntKind::kBitPacked);

  std::vector<int64_t> constant(100, -5);
  RoundTrip(constant, &kind);
  EXPECT_EQ(kind, IntKind::kConst);
}

TEST(IntEncoding, BitPackingRoundTripsEveryWidth) {
  std::mt19937_64 rng(3);
  for (int bits = 0; bits <= 64; ++bits) {
    for (size_t n : {0, 1, 7, 8, 9, 63, 64, 65, 1000}) {
      std::vector<uint64_t> v(n);
      uint64_t mask = bits == 64 ? ~0ull : ((1ull << bits) - 1);
      for (auto& x : v) x = rng() & mask;
      std::string packed;
      PackBits(v, bits, &packed);
      ASSERT_EQ(packed.size(), (n * static_cast<size_t>(bits) + 7) / 8);
      std::vector<uint64_t> out(n);
      UnpackBits(packed.data(), n, bits, out.data());
      ASSERT_EQ(out, v) << "bits " << bits << " n " << n;
    }
  }
}

TEST(IntEncoding, DamagedStreamsAreCorruptionNotCrashes) {
  std::mt19937_64 rng(5);
  std::vector<int64_t> v(500);
  for (auto& x : v) x = static_cast<int64_t>(rng() % 1000);
  for (IntKind k : {IntKind::kDelta, IntKind::kBitPacked, IntKind::kSmallDict}) {
    std::string buf;
    EncodeIntsAs(k, v, &buf);
    for (size_t cut = 0; cut < buf.size(); cut += 7) {
      ByteReader in(std::string_view(buf).substr(0, cut));
      std::vector<int64_t> out(v.size());
      EXPECT_FALSE(DecodeInts(&in, v.size(), out.data()).ok());
    }
  }
  std::string bad = "\x09";
  ByteReader in(bad);
  int64_t out;
  EXPECT_EQ(DecodeInts(&in, 1, &out).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace perimeter::store
