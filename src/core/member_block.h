// MemberBlock: one heap block that the member lists of several small Objects are carved from,
// so that a filter building many nested objects per event (grok's ECS fields: [source][ip],
// [observer][ingress][interface][name], ...) pays one allocation per event instead of one per
// object. Each carved part belongs to one Object; the block is freed when the last of them lets
// go of its part (the Object dies or outgrows it).
//
// Carving is single-threaded and must happen before any object carved from the block is handed
// to another thread (a filter building one event). Release is thread-safe: the objects may die
// in different threads. A block must be carved from at least once (create it at first need):
// its first part takes over the creator's reference.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

namespace perimeter {

class MemberBlock {
 public:
  // A block with room for `bytes` (a multiple of 8).
  static MemberBlock* Create(size_t bytes) {
    void* raw = ::operator new(sizeof(MemberBlock) + bytes);
    return new (raw) MemberBlock(bytes);
  }

  // `bytes` of the block for one more object, or null when it has not that much left.
  void* Carve(size_t bytes) {
    if (bytes > capacity_ - used_) return nullptr;
    void* part = reinterpret_cast<char*>(this + 1) + used_;
    used_ += bytes;
    // Not yet shared with another thread (see above): a plain increment, not a locked one.
    parts_.store(parts_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return part;
  }

  // One part's object lets go of it; the last one frees the block.
  void Release() {
    if (parts_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      this->~MemberBlock();
      ::operator delete(static_cast<void*>(this));
    }
  }

  MemberBlock(const MemberBlock&) = delete;
  MemberBlock& operator=(const MemberBlock&) = delete;

 private:
  explicit MemberBlock(size_t bytes) : capacity_(bytes) {}
  ~MemberBlock() = default;

  std::atomic<uint32_t> parts_{0};  // parts carved and not yet released
  size_t used_ = 0;
  const size_t capacity_;
};
static_assert(sizeof(MemberBlock) % 8 == 0, "the parts that follow the header stay 8-aligned");

}  // namespace perimeter
