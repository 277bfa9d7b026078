#include "store/hyper_log_log.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cmath>
#include <string>

namespace perimeter::store {
namespace {

uint64_t HashOf(uint64_t i) { return XXH3_64bits(&i, sizeof i); }

TEST(HyperLogLog, ExactWhileSmall) {
  HyperLogLog h;
  for (int round = 0; round < 3; ++round) {
    for (uint64_t i = 0; i < 1000; ++i) h.Add(HashOf(i));
  }
  h.Add(0);  // the hash 0 counts like any other
  EXPECT_TRUE(h.exact());
  EXPECT_EQ(h.Estimate(), 1001u);
}

TEST(HyperLogLog, WithinTwoPercentAcrossTheRange) {
  for (uint64_t n : {2000ull, 20000ull, 60000ull, 200000ull, 2000000ull}) {
    HyperLogLog h;
    for (uint64_t i = 0; i < n; ++i) h.Add(HashOf(i + n * 7919));
    double err = std::fabs(static_cast<double>(h.Estimate()) - static_cast<double>(n)) /
                 static_cast<double>(n);
    EXPECT_LT(err, 0.02) << n << " distinct, estimate " << h.Estimate();
  }
}

TEST(HyperLogLog, MergeIsTheUnion) {
  HyperLogLog a, b, small;
  for (uint64_t i = 0; i < 50000; ++i) a.Add(HashOf(i));
  for (uint64_t i = 25000; i < 90000; ++i) b.Add(HashOf(i));
  for (uint64_t i = 89000; i < 89500; ++i) small.Add(HashOf(i));
  a.Merge(b);
  a.Merge(small);
  EXPECT_NEAR(static_cast<double>(a.Estimate()), 90000.0, 90000 * 0.02);
  HyperLogLog c;
  c.Merge(small);
  EXPECT_EQ(c.Estimate(), 500u);
}

}  // namespace
}  // namespace perimeter::store
