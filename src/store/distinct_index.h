// DistinctIndex: assigns dense codes (0, 1, 2, ... in first-seen order) to distinct values by
// their 64-bit hash, comparing candidates with a caller-supplied equality so any value kind
// (ints, strings, templates) fits. Open addressing, no per-value allocation. One thread.
#pragma once

#include <cstdint>
#include <vector>

namespace perimeter::store {

class DistinctIndex {
 public:
  explicit DistinctIndex(size_t expected = 64) { Rehash(Capacity(expected)); }

  // The code of the value with `hash` for which `equal(code)` holds; a new code when none.
  // `*inserted` tells which.
  template <typename Equal>
  uint32_t FindOrInsert(uint64_t hash, Equal equal, bool* inserted) {
    size_t mask = slots_.size() - 1;
    size_t i = static_cast<size_t>(hash) & mask;
    for (;;) {
      Slot& s = slots_[i];
      if (s.code == kEmpty) {
        s.hash = hash;
        s.code = size_++;
        *inserted = true;
        uint32_t code = s.code;
        if (size_t{size_} * 2 > slots_.size()) Rehash(slots_.size() * 2);
        return code;
      }
      if (s.hash == hash && equal(s.code)) {
        *inserted = false;
        return s.code;
      }
      i = (i + 1) & mask;
    }
  }
  uint32_t size() const { return size_; }
  void Clear() {
    for (Slot& s : slots_) s.code = kEmpty;
    size_ = 0;
  }

 private:
  static constexpr uint32_t kEmpty = 0xffffffffu;
  struct Slot {
    uint64_t hash;
    uint32_t code = kEmpty;
  };
  static size_t Capacity(size_t expected) {
    size_t c = 16;
    while (c < expected * 2) c *= 2;
    return c;
  }
  void Rehash(size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    size_t mask = capacity - 1;
    for (const Slot& s : old) {
      if (s.code == kEmpty) continue;
      size_t i = static_cast<size_t>(s.hash) & mask;
      while (slots_[i].code != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  uint32_t size_ = 0;
};

// A multiplicative mix for integer keys (XXH3 for byte strings).
inline uint64_t MixInt(uint64_t v) {
  v ^= v >> 33;
  v *= 0xff51afd7ed558ccdull;
  v ^= v >> 33;
  v *= 0xc4ceb9fe1a85ec53ull;
  v ^= v >> 33;
  return v;
}

}  // namespace perimeter::store
