#include "core/field_key.h"

#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <thread>
#include <vector>

#include "core/value.h"

namespace perimeter {
namespace {

TEST(FieldKeyTest, SameNameSharesOneCopy) {
  FieldKey a("src_ip"), b(std::string("src") + "_ip");
  EXPECT_TRUE(a.interned());
  EXPECT_EQ(&a.str(), &b.str());
  EXPECT_EQ(a.str(), "src_ip");
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == FieldKey("dst_ip"));
  EXPECT_EQ(FieldKey().str(), "");
  EXPECT_EQ(FieldKey("").str(), "");
}

// Names are hashed and compared a word at a time with overlapping loads: a name differing
// from another in any one byte, at any length, must still be a different name.
TEST(FieldKeyTest, NamesDifferingInOneByteAreDifferent) {
  for (size_t len = 1; len <= 40; ++len) {
    std::string base(len, 'a');
    FieldKey a(base);
    EXPECT_EQ(&FieldKey(base).str(), &a.str());
    for (size_t at = 0; at < len; ++at) {
      std::string other = base;
      other[at] = 'b';
      FieldKey b(other);
      EXPECT_NE(&b.str(), &a.str()) << len << " " << at;
      EXPECT_EQ(b.str(), other);
      EXPECT_FALSE(a == b);
    }
  }
}

TEST(FieldKeyTest, CopyMoveAndAssign) {
  FieldKey a("geoip");
  FieldKey copy = a;
  EXPECT_EQ(&copy.str(), &a.str());
  FieldKey moved = std::move(copy);
  EXPECT_EQ(moved.str(), "geoip");
  EXPECT_EQ(copy.str(), "");  // NOLINT(bugprone-use-after-move): moved-from is the empty name
  copy = moved;
  EXPECT_EQ(copy.str(), "geoip");
  copy = FieldKey("other");
  EXPECT_EQ(copy.str(), "other");
}

TEST(FieldKeyTest, LongNamesAreOwnedAndCopiedDeeply) {
  const std::string long_name(FieldKey::kMaxInternedLength + 1, 'k');
  FieldKey a(long_name);
  EXPECT_FALSE(a.interned());
  FieldKey b = a;
  EXPECT_NE(&a.str(), &b.str());
  EXPECT_EQ(a, b);
  FieldKey c("short");
  c = a;
  EXPECT_EQ(c.str(), long_name);
  a = FieldKey("short");  // frees the owned copy (checked by ASan)
  EXPECT_EQ(a.str(), "short");
  EXPECT_EQ(b.str(), long_name);
}

TEST(FieldKeyTest, ThreadsInternToTheSameCopies) {
  constexpr int kThreads = 4, kNames = 500;
  std::vector<std::vector<const std::string*>> seen(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < kNames; ++i) {
          FieldKey k("thread_field_" + std::to_string(i));
          if (round == 0) seen[t].push_back(&k.str());
          if (&k.str() != seen[t][i]) seen[t][i] = nullptr;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 1; t < kThreads; ++t) {
    for (int i = 0; i < kNames; ++i) {
      ASSERT_NE(seen[t][i], nullptr);
      EXPECT_EQ(seen[t][i], seen[0][i]) << i;
      EXPECT_EQ(*seen[t][i], "thread_field_" + std::to_string(i));
    }
  }
}

TEST(FieldKeyTest, ObjectsWithOwnedAndInternedKeys) {
  const std::string long_name(FieldKey::kMaxInternedLength + 10, 'x');
  Object o;
  o.Set("a", 1);
  o.Set(long_name, "long");
  o.AppendAbsent(FieldKey("b"), "text");
  Object copy = o;
  EXPECT_EQ(copy, o);
  ASSERT_NE(copy.Find(long_name), nullptr);
  EXPECT_EQ(copy.Find(long_name)->as_string(), "long");
  EXPECT_TRUE(copy.Erase("a"));
  EXPECT_EQ(copy.key(0), long_name);
  EXPECT_EQ(copy.key(1), "b");
  EXPECT_EQ(o.size(), 3u);
}

TEST(FieldKeyTest, IdBitsOfEqualNamesAgree) {
  EXPECT_EQ(FieldKey("proto").IdBit(), FieldKey("proto").IdBit());
  EXPECT_EQ(std::popcount(FieldKey("proto").IdBit()), 1);
}

// Last in this file: it fills the process-wide pool. A full pool still works — names are then
// owned by their keys — so later tests are unaffected.
TEST(FieldKeyTest, FullPoolFallsBackToOwnedNames) {
  FieldKey before("name_before_the_pool_fills");
  for (size_t i = 0; FieldKey::PoolSize() < FieldKey::kMaxNames; ++i) {
    FieldKey k("filler_" + std::to_string(i));
  }
  FieldKey after("a_name_after_the_pool_filled");
  EXPECT_FALSE(after.interned());
  EXPECT_EQ(after.str(), "a_name_after_the_pool_filled");
  FieldKey again("name_before_the_pool_fills");
  EXPECT_TRUE(again.interned());
  EXPECT_EQ(&again.str(), &before.str());
  EXPECT_EQ(FieldKey::PoolSize(), FieldKey::kMaxNames);
  // Owned names compare by text, with each other and with interned ones.
  FieldKey owned_again("a_name_after_the_pool_filled");
  EXPECT_NE(&owned_again.str(), &after.str());
  EXPECT_EQ(owned_again, after);
  EXPECT_FALSE(after == again);
}

}  // namespace
}  // namespace perimeter
