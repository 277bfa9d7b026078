#include "filters/grok/shape_program.h"

#include <gtest/gtest.h>

#include <thread>

#include "filters/grok/fresh_store_plan.h"

// The programs' storing is tested against the general loop in grok_filter_test.cc; this file
// tests the table that keeps them.

namespace perimeter::grok {
namespace {

// A program of `shape` (a plan without captures: the table only reads the shape).
std::unique_ptr<ShapeProgram> ProgramOf(uint64_t shape) {
  static const FreshStorePlan kEmpty;
  return ShapeProgram::Build(kEmpty, shape);
}

TEST(ShapeTable, KeepsOneProgramPerShapeUntilFull) {
  ShapeTable table;
  EXPECT_EQ(table.Find(7), nullptr);
  const ShapeProgram* seven = table.Insert(ProgramOf(7));
  ASSERT_NE(seven, nullptr);
  EXPECT_EQ(table.Find(7), seven);
  EXPECT_EQ(table.Insert(ProgramOf(7)), seven) << "the first program of a shape stays";
  EXPECT_FALSE(table.full());
  // Shapes that differ in high bits only, as a pattern's last groups do, and many of them.
  size_t kept = 1;
  for (uint64_t i = 1; i < 4 * ShapeTable::kSlots; ++i) {
    const uint64_t shape = (i << 40) | 7;
    const ShapeProgram* p = table.Insert(ProgramOf(shape));
    if (p == nullptr) {
      EXPECT_EQ(table.Find(shape), nullptr);
      continue;
    }
    EXPECT_EQ(p->shape(), shape);
    ++kept;
  }
  EXPECT_TRUE(table.full());
  EXPECT_LE(kept, ShapeTable::kSlots);
  EXPECT_GE(kept, ShapeTable::kSlots / 2) << "probing finds most of the free slots";
  EXPECT_EQ(table.Find(7), seven);
}

// Threads inserting the same shapes at once all get the one program the table kept.
TEST(ShapeTable, ConcurrentInsertsAgreeOnOneProgram) {
  ShapeTable table;
  constexpr uint64_t kShapes = 48;
  std::vector<std::vector<const ShapeProgram*>> got(4, std::vector<const ShapeProgram*>(kShapes));
  std::vector<std::thread> threads;
  threads.reserve(got.size());
  for (size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 0; i < kShapes; ++i) {
        const uint64_t shape = t % 2 == 0 ? i : kShapes - 1 - i;  // two orders
        const ShapeProgram* p = table.Find(shape);
        got[t][shape] = p != nullptr ? p : table.Insert(ProgramOf(shape));
      }
    });
  }
  for (auto& th : threads) th.join();
  for (uint64_t shape = 0; shape < kShapes; ++shape) {
    const ShapeProgram* kept = table.Find(shape);
    ASSERT_NE(kept, nullptr) << shape;
    EXPECT_EQ(kept->shape(), shape);
    for (const auto& thread_got : got) EXPECT_EQ(thread_got[shape], kept) << shape;
  }
}

}  // namespace
}  // namespace perimeter::grok
