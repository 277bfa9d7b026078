// KeyTable: dense ordinals for (owner, key bytes) pairs — the buckets of a `terms` aggregation
// under each parent bucket. Open addressing over 64-bit hashes, keys in one arena, so adding a
// bucket allocates nothing per key. One thread.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perimeter::query {

class KeyTable {
 public:
  KeyTable() { slots_.assign(1024, Slot{}); }

  static uint64_t Hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

  // The ordinal of (owner, key); `*inserted` tells whether it is new.
  uint32_t Find(uint32_t owner, std::string_view key, uint64_t key_hash, bool* inserted) {
    uint64_t h = key_hash ^ (static_cast<uint64_t>(owner) * 0x9e3779b97f4a7c15ull);
    size_t mask = slots_.size() - 1;
    for (size_t i = static_cast<size_t>(h) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.ordinal == kEmpty) {
        s.hash = h;
        s.ordinal = static_cast<uint32_t>(owners_.size());
        owners_.push_back(owner);
        key_ends_.push_back(keys_.size() + key.size());
        keys_.append(key);
        *inserted = true;
        uint32_t ord = s.ordinal;
        if (owners_.size() * 2 > slots_.size()) Grow();
        return ord;
      }
      if (s.hash == h && owners_[s.ordinal] == owner && this->key(s.ordinal) == key) {
        *inserted = false;
        return s.ordinal;
      }
    }
  }

  size_t size() const { return owners_.size(); }
  uint32_t owner(uint32_t ordinal) const { return owners_[ordinal]; }
  std::string_view key(uint32_t ordinal) const {
    size_t begin = ordinal == 0 ? 0 : key_ends_[ordinal - 1];
    return std::string_view(keys_).substr(begin, key_ends_[ordinal] - begin);
  }

 private:
  static constexpr uint32_t kEmpty = 0xffffffffu;
  struct Slot {
    uint64_t hash = 0;
    uint32_t ordinal = kEmpty;
  };
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.ordinal == kEmpty) continue;
      size_t i = static_cast<size_t>(s.hash) & mask;
      while (slots_[i].ordinal != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::vector<uint32_t> owners_;
  std::vector<size_t> key_ends_;
  std::string keys_;
};

}  // namespace perimeter::query
