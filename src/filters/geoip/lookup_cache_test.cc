#include "filters/geoip/lookup_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace perimeter::geoip {
namespace {

CacheKey Ip(uint32_t n) {
  return CacheKey::Address(IpAddress::V4(static_cast<uint8_t>(n >> 24),
                                         static_cast<uint8_t>(n >> 16),
                                         static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)));
}

std::shared_ptr<const CachedLookup> Result(int64_t marker) {
  auto r = std::make_shared<CachedLookup>();
  r->found = true;
  r->output.Set("marker", marker);
  return r;
}

int64_t Marker(const std::shared_ptr<const CachedLookup>& r) {
  return r->output.Find("marker")->as_int();
}

TEST(CacheKey, KeepsFamiliesAndRecordsApart) {
  CacheKey v4 = CacheKey::Address(*IpAddress::Parse("1.2.3.4"));
  CacheKey v6 = CacheKey::Address(*IpAddress::Parse("102:304::"));  // the same 16 bytes
  CacheKey record = CacheKey::Record(0, 0x01020304);
  EXPECT_NE(v4, v6);
  EXPECT_NE(v4.Hash(), v6.Hash());
  EXPECT_NE(v4, record);
  EXPECT_NE(CacheKey::Record(0, 7), CacheKey::Record(1, 7));  // same offset, other file
  EXPECT_EQ(v4, CacheKey::Address(*IpAddress::Parse("1.2.3.4")));
  EXPECT_EQ(v4.Hash(), CacheKey::Address(*IpAddress::Parse("1.2.3.4")).Hash());
  EXPECT_NE(v4.Hash(), CacheKey::Address(*IpAddress::Parse("1.2.3.5")).Hash());
}

TEST(LookupCache, CountsHitsAndMisses) {
  LookupCache cache(1000);
  EXPECT_GE(cache.capacity(), 1000u);
  EXPECT_EQ(cache.Find(Ip(1)), nullptr);
  cache.Insert(Ip(1), Result(1));
  auto hit = cache.Find(Ip(1));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(Marker(hit), 1);
  EXPECT_EQ(cache.Find(Ip(2)), nullptr);
  LookupCache::Counters c = cache.counters();
  EXPECT_EQ(c.hits, 1u);
  EXPECT_EQ(c.misses, 2u);
  EXPECT_EQ(c.entries, 1u);
}

TEST(LookupCache, StaysWithinCapacity) {
  LookupCache cache(64);
  for (uint32_t i = 0; i < 10000; ++i) cache.Insert(Ip(i), Result(i));
  EXPECT_LE(cache.counters().entries, cache.capacity());
  EXPECT_LE(cache.capacity(), 64u + 64u);  // rounding adds at most a set per shard
  // The most recent insert is still there.
  ASSERT_NE(cache.Find(Ip(9999)), nullptr);
  EXPECT_EQ(Marker(cache.Find(Ip(9999))), 9999);
}

TEST(LookupCache, EvictsLeastRecentlyUsedOfASet) {
  LookupCache cache(4);  // one shard, one set of four ways
  ASSERT_EQ(cache.capacity(), 4u);
  for (uint32_t i = 1; i <= 4; ++i) cache.Insert(Ip(i), Result(i));
  ASSERT_NE(cache.Find(Ip(1)), nullptr);  // 1 is now the most recently used
  cache.Insert(Ip(5), Result(5));         // evicts 2, the least recently used
  EXPECT_NE(cache.Find(Ip(1)), nullptr);
  EXPECT_EQ(cache.Find(Ip(2)), nullptr);
  EXPECT_NE(cache.Find(Ip(3)), nullptr);
  EXPECT_NE(cache.Find(Ip(5)), nullptr);
}

TEST(LookupCache, ReinsertReplacesInPlace) {
  LookupCache cache(4);
  cache.Insert(Ip(7), Result(1));
  cache.Insert(Ip(7), Result(2));
  EXPECT_EQ(cache.counters().entries, 1u);
  EXPECT_EQ(Marker(cache.Find(Ip(7))), 2);
}

TEST(LookupCache, ZeroCapacityDisables) {
  LookupCache cache(0);
  EXPECT_EQ(cache.capacity(), 0u);
  cache.Insert(Ip(1), Result(1));
  EXPECT_EQ(cache.Find(Ip(1)), nullptr);
  EXPECT_EQ(cache.counters().hits + cache.counters().misses, 0u);
}

TEST(LookupCache, ConcurrentFindAndInsertKeepResultsPerKey) {
  LookupCache cache(256);
  constexpr int kThreads = 4;
  constexpr uint32_t kKeys = 2000;  // more than the capacity: constant eviction
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t round = 0; round < 20000; ++round) {
        uint32_t key = (round * 7919 + static_cast<uint32_t>(t) * 104729) % kKeys;
        if (auto r = cache.Find(Ip(key))) {
          if (Marker(r) != key) wrong.fetch_add(1);
        } else {
          cache.Insert(Ip(key), Result(key));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  LookupCache::Counters c = cache.counters();
  EXPECT_EQ(c.hits + c.misses, uint64_t{kThreads} * 20000);
  EXPECT_LE(c.entries, cache.capacity());
}

}  // namespace
}  // namespace perimeter::geoip
