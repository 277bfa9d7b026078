// LookupCache: a bounded cache of recent geoip lookups — address (or database record) → the
// prebuilt object the filter writes (or "no result"). Scanners hit the same addresses again and
// again, so most events skip the database. Thread-safe: the cache is split into shards, each with
// its own mutex, held only to find or store a pointer; results are immutable and shared.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/ip_address.h"
#include "core/value.h"

namespace perimeter::geoip {

// One lookup's outcome, as the filter will write it.
struct CachedLookup {
  bool found = false;  // false: the address is not in the database (or Logstash calls it failed)
  Object output;       // what is merged into the target when found
  // An address whose database record another address already decoded shares that address's
  // result instead of copying it: `output` stays empty, `same_record` holds it, and the filter
  // rewrites the address-specific fields (ip, network with `prefix_length`) as it writes them.
  std::shared_ptr<const CachedLookup> same_record;
  int prefix_length = 0;
};

// What an entry is for: an address, or one record of a database file (many addresses share a
// record: a few tens of thousands of DB-IP records cover a quarter million random addresses).
class CacheKey {
 public:
  static CacheKey Address(const IpAddress& ip);
  static CacheKey Record(uint32_t file, uint32_t data_offset);
  uint64_t Hash() const;
  bool operator==(const CacheKey& other) const = default;

 private:
  enum class Kind : uint8_t { kNone, kV4, kV6, kRecord };
  uint64_t high_ = 0;
  uint64_t low_ = 0;
  Kind kind_ = Kind::kNone;
};

class LookupCache {
 public:
  // Holds at least `capacity` results (rounded up to whole sets of shards × ways); 0 disables
  // the cache.
  explicit LookupCache(size_t capacity);
  LookupCache(const LookupCache&) = delete;
  LookupCache& operator=(const LookupCache&) = delete;

  // The cached result for `key`, or null. Counts a hit or a miss.
  std::shared_ptr<const CachedLookup> Find(const CacheKey& key);
  // Stores `result` for `key`, evicting the least recently used entry of its set when full.
  void Insert(const CacheKey& key, std::shared_ptr<const CachedLookup> result);

  struct Counters {
    uint64_t hits = 0;
    uint64_t misses = 0;
    size_t entries = 0;
  };
  Counters counters() const;
  size_t capacity() const { return shards_.size() * sets_per_shard_ * kWays; }

 private:
  // Entries of one set, searched linearly; 4 keeps the scan within two cache lines of keys
  // while making eviction of a hot entry by a colliding one rare.
  static constexpr size_t kWays = 4;

  struct Slot {
    CacheKey key;
    uint64_t last_use = 0;  // 0: empty
    std::shared_ptr<const CachedLookup> value;
  };
  struct alignas(64) Shard {  // own cache line: workers on different shards do not contend
    mutable std::mutex mu;
    std::vector<Slot> slots;  // GUARDED_BY(mu): sets_per_shard_ × kWays
    uint64_t clock = 0;       // GUARDED_BY(mu)
    uint64_t hits = 0;        // GUARDED_BY(mu)
    uint64_t misses = 0;      // GUARDED_BY(mu)
  };

  Slot* SetOf(Shard& shard, uint64_t hash);

  std::vector<Shard> shards_;
  size_t sets_per_shard_ = 0;
};

}  // namespace perimeter::geoip
