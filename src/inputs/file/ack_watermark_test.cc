#include "inputs/file/ack_watermark.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

namespace perimeter {
namespace {

TEST(AckWatermark, AdvancesOverInOrderRanges) {
  AckWatermark w(100);
  EXPECT_EQ(w.value(), 100u);
  w.Complete(100, 150);
  EXPECT_EQ(w.value(), 150u);
  w.Complete(150, 151);
  EXPECT_EQ(w.value(), 151u);
}

TEST(AckWatermark, WaitsForTheGapBeforeMovingPastLaterRanges) {
  AckWatermark w(0);
  w.Complete(20, 30);
  w.Complete(10, 20);
  EXPECT_EQ(w.value(), 0u);  // [0, 10) is still out
  w.Complete(40, 50);
  w.Complete(0, 10);
  EXPECT_EQ(w.value(), 30u);  // stops at the gap [30, 40)
  w.Complete(30, 40);
  EXPECT_EQ(w.value(), 50u);
}

TEST(AckWatermark, ConcurrentCompletionsInAnyOrderReachTheEnd) {
  constexpr uint64_t kRanges = 20000;
  std::vector<uint64_t> order(kRanges);
  for (uint64_t i = 0; i < kRanges; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(42));
  AckWatermark w(0);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < order.size(); i += 4) {
        w.Complete(order[i] * 7, order[i] * 7 + 7);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(w.value(), kRanges * 7);
}

}  // namespace
}  // namespace perimeter
