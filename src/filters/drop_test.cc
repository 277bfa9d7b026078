#include "filters/drop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "filters/filter_testing.h"

namespace perimeter {
namespace {

using filter_testing::MakeFilter;
using filter_testing::Options;

TEST(DropFilter, DropsEverythingByDefault) {
  auto f = MakeFilter(kDropFilter, Object());
  for (int i = 0; i < 100; ++i) {
    Event e;
    EXPECT_TRUE(f->Filter(e));  // filter_matched runs either way, as in Logstash
    EXPECT_TRUE(e.cancelled());
  }
}

TEST(DropFilter, ZeroPercentDropsNothing) {
  auto f = MakeFilter(kDropFilter, Options({{"percentage", 0}}));
  for (int i = 0; i < 1000; ++i) {
    Event e;
    EXPECT_TRUE(f->Filter(e));
    EXPECT_FALSE(e.cancelled());
  }
}

// 200 000 draws at p = 0.4: the standard deviation of the count is about 219, so the share lands
// within ±0.5 percentage points (about 4.5 sigma) unless the generator is broken.
TEST(DropFilter, PercentageDropsThatShareAcrossThreads) {
  auto f = MakeFilter(kDropFilter, Options({{"percentage", 40}}));
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50'000;
  std::atomic<int> dropped{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      int local = 0;
      for (int i = 0; i < kPerThread; ++i) {
        Event e;
        f->Filter(e);
        local += e.cancelled() ? 1 : 0;
      }
      dropped += local;
    });
  }
  for (auto& t : threads) t.join();
  double share = static_cast<double>(dropped) / (kThreads * kPerThread);
  EXPECT_NEAR(share, 0.40, 0.005);
}

TEST(DropFilter, ComparesTheDrawWithTheFraction) {
  auto config = PluginConfig::FromObject(kDropFilter, Options({{"percentage", 25}}));
  ASSERT_TRUE(config.ok());
  std::atomic<int> next{0};
  const double draws[] = {0.0, 0.2499, 0.25, 0.9};
  auto f = CreateDropFilter(*config, [&] { return draws[next++ % 4]; });
  ASSERT_TRUE(f.ok());
  std::vector<bool> cancelled;
  for (int i = 0; i < 4; ++i) {
    Event e;
    (*f)->Filter(e);
    cancelled.push_back(e.cancelled());
  }
  EXPECT_EQ(cancelled, (std::vector<bool>{true, true, false, false}));
}

TEST(DropFilter, PercentageOutOfRangeIsAConfigError) {
  std::string error;
  EXPECT_EQ(filter_testing::TryMakeFilter(kDropFilter, Options({{"percentage", 150}}), &error),
            nullptr);
  EXPECT_NE(error.find("between 0 and 100"), std::string::npos) << error;
  EXPECT_EQ(filter_testing::TryMakeFilter(kDropFilter, Options({{"percentage", -1}}), &error),
            nullptr);
}

}  // namespace
}  // namespace perimeter
