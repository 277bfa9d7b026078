// MemberBlock: one heap block that the member lists of several small Objects are carved from,
// so that a filter building many nested objects per event (grok's ECS fields: [source][ip],
// [observer][ingress][interface][name], ...) pays one allocation per event instead of one per
// object. Each carved part belongs to one Object; the block is freed when the last of them lets
// go of its part (the Object dies or outgrows it) and its creator is done with it.
//
// Owned by reference count: the creator holds one reference until Done(), each carved part
// one until its Release(). Carving and Done() are single-threaded and happen before any object
// carved from the block is handed to another thread (a filter building one event); Release is
// thread-safe, as the objects may die in different threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

namespace perimeter {

class MemberBlock {
 public:
  // Parts are aligned to this; their sizes must be multiples of it.
  static constexpr size_t kAlignment = 8;

  // A block with room for `bytes`, held by its creator.
  static MemberBlock* Create(size_t bytes) {
    void* raw = ::operator new(sizeof(MemberBlock) + bytes);
    return new (raw) MemberBlock(bytes);
  }

  // `bytes` of the block for one more object, or null when it has not that much left.
  void* Carve(size_t bytes) {
    if (bytes > capacity_ - used_) return nullptr;
    void* part = reinterpret_cast<char*>(this) + sizeof(MemberBlock) + used_;
    used_ += bytes;
    // Not yet shared with another thread (see above): a plain increment, not a locked one.
    refs_.store(refs_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return part;
  }

  // The creator lets go (it carves no more); frees the block when no part was carved or all
  // were released already.
  void Done() {
    const uint32_t left = refs_.load(std::memory_order_relaxed) - 1;
    if (left == 0) {
      Destroy();
    } else {
      refs_.store(left, std::memory_order_relaxed);  // not yet shared: no locked operation
    }
  }

  // One part's object lets go of it; the last reference frees the block.
  void Release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) Destroy();
  }

  MemberBlock(const MemberBlock&) = delete;
  MemberBlock& operator=(const MemberBlock&) = delete;

 private:
  explicit MemberBlock(size_t bytes) : capacity_(bytes) {}
  ~MemberBlock() = default;
  void Destroy() {
    this->~MemberBlock();
    ::operator delete(static_cast<void*>(this));
  }

  std::atomic<uint32_t> refs_{1};  // the creator's and the carved parts' not yet released
  size_t used_ = 0;
  const size_t capacity_;
};
static_assert(sizeof(MemberBlock) % MemberBlock::kAlignment == 0 &&
                  MemberBlock::kAlignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
              "the parts that follow the header stay aligned");

}  // namespace perimeter
