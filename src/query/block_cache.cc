#include "query/block_cache.h"

#include <cstdint>
#include <cstring>

namespace perimeter::query {

BlockCache& BlockCache::Shared() {
  static BlockCache* cache = new BlockCache(kDefaultBlockCacheBytes);  // never destroyed
  return *cache;
}

std::string BlockCache::Key(const store::Part* part, size_t group, std::string_view what) {
  auto address = reinterpret_cast<uintptr_t>(part);
  std::string key(sizeof address + sizeof group, '\0');
  std::memcpy(key.data(), &address, sizeof address);
  std::memcpy(key.data() + sizeof address, &group, sizeof group);
  key.append(what);
  return key;
}

std::shared_ptr<const void> BlockCache::Find(const store::Part* part, size_t group,
                                             std::string_view what) {
  std::string key = Key(part, group, what);
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  auto entry = it->second;
  if (entry->part.lock().get() != part) {
    // The part died and another took its address.
    bytes_ -= entry->bytes;
    lru_.erase(entry);
    index_.erase(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, entry);
  return entry->value;
}

void BlockCache::Insert(const std::shared_ptr<const store::Part>& part, size_t group,
                        std::string_view what, std::shared_ptr<const void> value, size_t bytes) {
  std::string key = Key(part.get(), group, what);
  bytes += key.size() + sizeof(Entry);
  std::lock_guard lock(mu_);
  if (bytes > capacity_) return;
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->bytes;
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.push_front(Entry{key, part, std::move(value), bytes});
  index_[std::move(key)] = lru_.begin();
  bytes_ += bytes;
  EvictLocked();
}

void BlockCache::EvictLocked() {
  while (bytes_ > capacity_ && !lru_.empty()) {
    Entry& e = lru_.back();
    bytes_ -= e.bytes;
    index_.erase(e.key);
    lru_.pop_back();
  }
}

size_t BlockCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

size_t BlockCache::entries() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

void BlockCache::Clear() {
  std::lock_guard lock(mu_);
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

}  // namespace perimeter::query
