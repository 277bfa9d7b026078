#include "core/field_key.h"

#include <array>
#include <functional>
#include <mutex>
#include <unordered_set>

#include "core/short_bytes.h"

namespace perimeter {

// Constant-initialized with GCC (std::string's default constructor is constexpr in C++20), so it
// is valid during other files' static initialization. (Not `constinit`: clang 14 with
// libstdc++ 12 initializes it dynamically, which is still before main.)
const std::string FieldKey::kEmpty;

namespace {

// The process-wide set of interned names. Never destroyed: members of static Values may still
// point into it while the process exits.
class NamePool {
 public:
  static NamePool& Get() {
    static auto* pool = new NamePool();
    return *pool;
  }

  // The interned copy of `name`, or nullptr when the pool is full.
  const std::string* Intern(std::string_view name) {
    std::lock_guard lock(mu_);
    auto it = names_.find(name);
    if (it != names_.end()) return &*it;
    if (names_.size() >= FieldKey::kMaxNames) return nullptr;
    // Elements of an unordered_set keep their address when it rehashes.
    return &*names_.emplace(name).first;
  }

  size_t size() {
    std::lock_guard lock(mu_);
    return names_.size();
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::mutex mu_;
  std::unordered_set<std::string, Hash, std::equal_to<>> names_;
};

// Names are short, and hashing and comparing them is the whole cost of interning: both work a
// word at a time, the last (partial) word read as overlapping loads rather than through a
// variable-length memcpy or memcmp call.
inline uint64_t LastWord(const char* p, size_t n) {
  if (n >= 8) return LoadWord64(p + n - 8);
  if (n >= 4) return LoadWord32(p) | (uint64_t{LoadWord32(p + n - 4)} << 32);
  if (n == 0) return 0;
  return static_cast<unsigned char>(p[0]) | (static_cast<unsigned char>(p[n / 2]) << 8) |
         (static_cast<unsigned char>(p[n - 1]) << 16);
}

size_t HashName(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
  for (size_t i = 0; i + 8 < n; i += 8) {
    h = (h ^ LoadWord64(p + i)) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 32;
  }
  h = (h ^ LastWord(p, n)) * 0xC4CEB9FE1A85EC53ULL;
  return static_cast<size_t>(h ^ (h >> 29));
}

// A thread's recent names, direct-mapped by hash: the hit path of interning takes no lock.
// Only names of the pool are cached, so an entry never dangles.
class ThreadNameCache {
 public:
  const std::string* Find(std::string_view name, size_t hash) const {
    const std::string* s = slots_[hash % kSlots];
    return s != nullptr && SameShortBytes(*s, name) ? s : nullptr;
  }
  void Put(size_t hash, const std::string* interned) { slots_[hash % kSlots] = interned; }

 private:
  static constexpr size_t kSlots = 512;
  std::array<const std::string*, kSlots> slots_{};
};

}  // namespace

FieldKey::FieldKey(std::string_view name) {
  if (name.empty()) {
    bits_ = EmptyBits();
    return;
  }
  if (name.size() > kMaxInternedLength) {
    bits_ = Own(name);
    return;
  }
  thread_local ThreadNameCache cache;
  const size_t hash = HashName(name);
  const std::string* interned = cache.Find(name, hash);
  if (interned == nullptr) {
    interned = NamePool::Get().Intern(name);
    if (interned == nullptr) {
      bits_ = Own(name);
      return;
    }
    cache.Put(hash, interned);
  }
  bits_ = reinterpret_cast<uintptr_t>(interned);
}

FieldKey& FieldKey::operator=(const FieldKey& other) {
  if (this != &other) {
    uintptr_t bits = other.owned() ? Own(other.str()) : other.bits_;
    Release();
    bits_ = bits;
  }
  return *this;
}

FieldKey& FieldKey::operator=(FieldKey&& other) noexcept {
  if (this != &other) {
    Release();
    bits_ = other.bits_;
    other.bits_ = EmptyBits();
  }
  return *this;
}

uintptr_t FieldKey::Own(std::string_view name) {
  return reinterpret_cast<uintptr_t>(new std::string(name)) | kOwnedBit;
}

size_t FieldKey::PoolSize() { return NamePool::Get().size(); }

}  // namespace perimeter
