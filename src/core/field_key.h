// FieldKey: the name of an object member. Field names repeat across millions of events, so a
// name is interned once per process and every member carrying it holds one pointer to the
// shared copy: storing a field copies 8 bytes instead of a string, and a member is 48 bytes
// instead of 72. A name the pool has no room for (a flood of distinct names from kv over
// hostile input must not grow memory without bound) is owned by its key instead.
//
// FieldKey is a value type (copy, move); interned names live until the process exits.
// Interning is thread-safe: each thread looks names up in its own small cache first, and only
// its misses take the pool's mutex.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace perimeter {

class FieldKey {
 public:
  // The empty name.
  FieldKey() : bits_(reinterpret_cast<uintptr_t>(&kEmpty)) {}
  // `name` interned, or an owned copy when the pool is full.
  explicit FieldKey(std::string_view name);
  FieldKey(const FieldKey& other) : bits_(other.owned() ? Own(other.str()) : other.bits_) {}
  FieldKey(FieldKey&& other) noexcept : bits_(other.bits_) { other.bits_ = EmptyBits(); }
  FieldKey& operator=(const FieldKey& other);
  FieldKey& operator=(FieldKey&& other) noexcept;
  ~FieldKey() { Release(); }

  const std::string& str() const {
    // NOLINTNEXTLINE(performance-no-int-to-ptr): bits_ is a tagged pointer (low bit = owned)
    return *reinterpret_cast<const std::string*>(bits_ & ~kOwnedBit);
  }
  // True when the name is shared through the pool (false only when the pool was full).
  bool interned() const { return !owned(); }

  // Two interned names are equal exactly when they are the same copy.
  bool operator==(const FieldKey& other) const {
    if (bits_ == other.bits_) return true;
    return (owned() || other.owned()) && str() == other.str();
  }
  // One bit of 64 chosen by the interned copy's address: a filter over a set of interned names
  // without reading them. Meaningless for an owned name.
  uint64_t IdBit() const { return uint64_t{1} << ((bits_ * 0x9E3779B97F4A7C15ULL) >> 58); }

  // Names in the pool, for tests and stats.
  static size_t PoolSize();
  // Limits of the pool: a name longer than kMaxInternedLength, or any name once the pool
  // holds kMaxNames, is owned by its key.
  static constexpr size_t kMaxNames = 1 << 16;
  static constexpr size_t kMaxInternedLength = 256;

 private:
  // The low bit marks an owned std::string (allocated by this key); std::string is at least
  // 8-byte aligned, so the bit is free.
  static constexpr uintptr_t kOwnedBit = 1;
  static const std::string kEmpty;

  static uintptr_t EmptyBits() { return reinterpret_cast<uintptr_t>(&kEmpty); }
  static uintptr_t Own(std::string_view name);
  bool owned() const { return (bits_ & kOwnedBit) != 0; }
  void Release() {
    if (owned()) delete &const_cast<std::string&>(str());
  }

  uintptr_t bits_;
};

}  // namespace perimeter
