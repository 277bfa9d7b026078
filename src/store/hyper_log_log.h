// HyperLogLog: an estimate of the number of distinct values, from their 64-bit hashes, for the
// `cardinality` aggregation and the distinct sketches parts carry (part_format.h). Exact while
// small (the hashes themselves are kept), then 2^14 one-byte registers (16 KiB, standard error
// 0.81%) with Ertl's improved estimator, which needs no bias tables. In the store so that the
// part writer and the query engine share one register layout. A plain value; one thread at a
// time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace perimeter::store {

class HyperLogLog {
 public:
  static constexpr int kPrecision = 14;
  static constexpr uint32_t kRegisters = 1u << kPrecision;
  // Largest register value: the rank of a hash whose low 64 − kPrecision bits are all zero.
  static constexpr uint8_t kMaxRegister = 64 - kPrecision + 1;
  // Below this many distinct hashes the sketch keeps them (exact count, less memory than the
  // registers): terms buckets with a cardinality sub-aggregation are mostly small.
  static constexpr size_t kExactLimit = 1024;

  void Add(uint64_t hash);
  void Merge(const HyperLogLog& other);
  // Merges kRegisters register bytes (a part's sketch frame, Registers() of another sketch).
  void MergeRegisters(const uint8_t* registers);
  // The dense registers (kRegisters bytes); converts an exact sketch first.
  const std::vector<uint8_t>& Registers();
  uint64_t Estimate() const;
  bool exact() const { return registers_.empty(); }
  size_t MemoryBytes() const { return registers_.size() + hashes_.size() * 8 + sizeof(*this); }

 private:
  void AddToRegisters(uint64_t hash);
  void ToRegisters();

  std::vector<uint64_t> hashes_;  // exact mode: distinct hashes, open addressing (0 = empty)
  size_t hash_count_ = 0;
  bool has_zero_hash_ = false;      // the hash 0 is the empty marker, so it is counted here
  std::vector<uint8_t> registers_;  // dense mode
};

}  // namespace perimeter::store
