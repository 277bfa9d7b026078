#include "filters/grok/fresh_store_plan.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace perimeter::grok {
namespace {

// ShapeOf against the rule it computes, group by group, for every number of groups up to 64
// and random offsets (groups unset, empty, holding text; captured or not; converted or not);
// with a short subject (four groups at a time where the machine can) and with one past 4 GiB
// (one at a time, the offsets' high halves set).
TEST(FreshStorePlan, ShapeOfMarksTheGroupsStored) {
  std::mt19937_64 random(42);
  for (uint32_t groups = 1; groups <= FreshStorePlan::kMaxShapeGroups; ++groups) {
    for (int trial = 0; trial < 50; ++trial) {
      FreshStorePlan plan;
      plan.groups = groups;
      const uint64_t all = groups == 64 ? ~uint64_t{0} : (uint64_t{1} << groups) - 1;
      plan.captured_groups = random() & all;
      plan.converted = random() & plan.captured_groups;
      for (const size_t subject_size : {size_t{300}, size_t{5} << 30}) {
        const PCRE2_SIZE base = subject_size > 300 ? PCRE2_SIZE{1} << 32 : 0;
        std::vector<PCRE2_SIZE> ovector(2 * size_t{groups} + 2, 0);
        uint64_t expected = 0;
        for (uint32_t g = 1; g <= groups; ++g) {
          PCRE2_SIZE& begin = ovector[2 * size_t{g}];
          PCRE2_SIZE& end = ovector[2 * size_t{g} + 1];
          switch (random() % 3) {
            case 0:
              begin = end = PCRE2_UNSET;
              break;
            case 1:
              begin = end = base + random() % 300;
              break;
            default:
              begin = base + random() % 200;
              end = begin + 1 + random() % 50;
              break;
          }
          const uint64_t bit = uint64_t{1} << (g - 1);
          const bool converted = (plan.converted & bit) != 0;
          if ((plan.captured_groups & bit) != 0 && begin != PCRE2_UNSET &&
              (end != begin || converted)) {
            expected |= bit;
          }
        }
        EXPECT_EQ(plan.ShapeOf(ovector.data(), subject_size), expected)
            << groups << " groups, subject of " << subject_size;
      }
    }
  }
}

}  // namespace
}  // namespace perimeter::grok
