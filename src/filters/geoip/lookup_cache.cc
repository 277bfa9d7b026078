#include "filters/geoip/lookup_cache.h"

#include <cstring>
#include <utility>

namespace perimeter::geoip {

namespace {

// Shards of a full-size cache: more than the worker threads a machine runs, so two workers
// rarely wait on the same mutex. A power of two, picked by the low bits of the address hash.
constexpr size_t kMaxShards = 16;

}  // namespace

CacheKey CacheKey::Address(const IpAddress& ip) {
  CacheKey k;
  std::memcpy(&k.high_, ip.bytes().data(), 8);
  std::memcpy(&k.low_, ip.bytes().data() + 8, 8);
  k.kind_ = ip.is_v4() ? Kind::kV4 : Kind::kV6;
  return k;
}

CacheKey CacheKey::Record(uint32_t file, uint32_t data_offset) {
  CacheKey k;
  k.high_ = file;
  k.low_ = data_offset;
  k.kind_ = Kind::kRecord;
  return k;
}

uint64_t CacheKey::Hash() const {
  // splitmix64's finalizer over the words and the kind: cheap, and spreads shards and sets well
  // (the low bits pick the shard, the high bits the set).
  uint64_t x = high_ ^ (low_ * 0xbf58476d1ce4e5b9ULL) ^
               (static_cast<uint64_t>(kind_) * 0x9e3779b97f4a7c15ULL);
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

LookupCache::LookupCache(size_t capacity) {
  if (capacity == 0) return;
  size_t shards = kMaxShards;
  while (shards > 1 && capacity < shards * kWays) shards /= 2;
  sets_per_shard_ = (capacity + shards * kWays - 1) / (shards * kWays);
  shards_ = std::vector<Shard>(shards);
  for (Shard& s : shards_) s.slots.resize(sets_per_shard_ * kWays);
}

LookupCache::Slot* LookupCache::SetOf(Shard& shard, uint64_t hash) {
  size_t set = static_cast<size_t>((hash >> 32) % sets_per_shard_);
  return &shard.slots[set * kWays];
}

std::shared_ptr<const CachedLookup> LookupCache::Find(const CacheKey& key) {
  if (shards_.empty()) return nullptr;
  uint64_t hash = key.Hash();
  Shard& shard = shards_[hash & (shards_.size() - 1)];
  std::lock_guard lock(shard.mu);
  Slot* set = SetOf(shard, hash);
  for (size_t i = 0; i < kWays; ++i) {
    if (set[i].last_use != 0 && set[i].key == key) {
      set[i].last_use = ++shard.clock;
      ++shard.hits;
      return set[i].value;
    }
  }
  ++shard.misses;
  return nullptr;
}

void LookupCache::Insert(const CacheKey& key, std::shared_ptr<const CachedLookup> result) {
  if (shards_.empty()) return;
  uint64_t hash = key.Hash();
  Shard& shard = shards_[hash & (shards_.size() - 1)];
  std::shared_ptr<const CachedLookup> evicted;  // freed after the lock is released
  std::lock_guard lock(shard.mu);
  Slot* set = SetOf(shard, hash);
  Slot* victim = &set[0];
  for (size_t i = 0; i < kWays; ++i) {
    if (set[i].last_use != 0 && set[i].key == key) {  // another worker stored it meanwhile
      victim = &set[i];
      break;
    }
    if (set[i].last_use < victim->last_use) victim = &set[i];
  }
  victim->key = key;
  victim->last_use = ++shard.clock;
  evicted = std::exchange(victim->value, std::move(result));
}

LookupCache::Counters LookupCache::counters() const {
  Counters c;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    c.hits += s.hits;
    c.misses += s.misses;
    for (const Slot& slot : s.slots) c.entries += slot.last_use != 0 ? 1 : 0;
  }
  return c;
}

}  // namespace perimeter::geoip
