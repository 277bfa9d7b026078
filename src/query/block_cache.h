// BlockCache: what a search derived from one immutable row group — filter results, dictionary
// summaries, distinct-value sketches — kept across searches, so the panels of a dashboard and
// its refreshes do not decode the same blocks again. Bounded by bytes (least recently used
// entries go first). An entry holds a weak reference to its part: once the part is gone (merged
// away, dropped by retention) the entry is never returned, whatever address a new part gets.
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/part.h"

namespace perimeter::query {

// A dashboard's working set on 100 M events (filter bitsets, top-of-dictionary summaries and
// sketches of every row group) fits in this, well inside the process's memory budget.
constexpr size_t kDefaultBlockCacheBytes = 256u << 20;

class BlockCache {
 public:
  explicit BlockCache(size_t capacity_bytes) : capacity_(capacity_bytes) {}
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  // The process-wide cache searches use by default.
  static BlockCache& Shared();

  // The value stored for (part, group, what), or null.
  std::shared_ptr<const void> Find(const store::Part* part, size_t group, std::string_view what);
  template <typename T>
  std::shared_ptr<const T> Find(const store::Part* part, size_t group, std::string_view what) {
    return std::static_pointer_cast<const T>(Find(part, group, what));
  }
  // Stores a value of about `bytes` bytes.
  void Insert(const std::shared_ptr<const store::Part>& part, size_t group, std::string_view what,
              std::shared_ptr<const void> value, size_t bytes);

  size_t bytes() const;
  size_t entries() const;
  void Clear();

 private:
  struct Entry {
    std::string key;
    std::weak_ptr<const store::Part> part;
    std::shared_ptr<const void> value;
    size_t bytes;
  };
  static std::string Key(const store::Part* part, size_t group, std::string_view what);
  void EvictLocked();

  const size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // guarded by mu_; most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;  // guarded by mu_
  size_t bytes_ = 0;                                                   // guarded by mu_
};

}  // namespace perimeter::query
