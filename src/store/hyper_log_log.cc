#include "store/hyper_log_log.h"

#include <bit>
#include <cmath>

namespace perimeter::store {

namespace {

constexpr int kRankBits = 64 - HyperLogLog::kPrecision;  // q in Ertl's paper

// σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k-1)  (Ertl 2017, "New cardinality estimation algorithms for
// HyperLogLog sketches"); the series converges in a few steps for x < 1.
double Sigma(double x) {
  if (x == 1.0) return INFINITY;
  double y = 1, z = x;
  for (;;) {
    x *= x;
    double before = z;
    z += x * y;
    y += y;
    if (z == before) return z;
  }
}

// τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² 2^−k) / 3  (same paper).
double Tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1, z = 1 - x;
  for (;;) {
    x = std::sqrt(x);
    double before = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z == before) return z / 3;
  }
}

}  // namespace

void HyperLogLog::Add(uint64_t hash) {
  if (!registers_.empty()) {
    AddToRegisters(hash);
    return;
  }
  if (hash == 0) {
    has_zero_hash_ = true;
    return;
  }
  if (hashes_.empty()) hashes_.assign(64, 0);
  size_t mask = hashes_.size() - 1;
  for (size_t i = static_cast<size_t>(hash) & mask;; i = (i + 1) & mask) {
    if (hashes_[i] == hash) return;
    if (hashes_[i] == 0) {
      hashes_[i] = hash;
      ++hash_count_;
      break;
    }
  }
  if (hash_count_ > kExactLimit) {
    ToRegisters();
  } else if (hash_count_ * 2 > hashes_.size()) {
    std::vector<uint64_t> old = std::move(hashes_);
    hashes_.assign(old.size() * 2, 0);
    hash_count_ = 0;
    for (uint64_t h : old) {
      if (h != 0) Add(h);
    }
  }
}

void HyperLogLog::AddToRegisters(uint64_t hash) {
  uint32_t index = static_cast<uint32_t>(hash >> kRankBits);
  uint64_t rest = hash << kPrecision;  // the low q bits, at the top
  int rank = rest == 0 ? kRankBits + 1 : std::countl_zero(rest) + 1;
  if (rank > kRankBits + 1) rank = kRankBits + 1;
  uint8_t& r = registers_[index];
  if (r < rank) r = static_cast<uint8_t>(rank);
}

void HyperLogLog::ToRegisters() {
  registers_.assign(kRegisters, 0);
  for (uint64_t h : hashes_) {
    if (h != 0) AddToRegisters(h);
  }
  if (has_zero_hash_) AddToRegisters(0);
  hashes_.clear();
  hashes_.shrink_to_fit();
  hash_count_ = 0;
}

void HyperLogLog::Merge(const HyperLogLog& other) {
  if (other.registers_.empty()) {
    for (uint64_t h : other.hashes_) {
      if (h != 0) Add(h);
    }
    if (other.has_zero_hash_) Add(0);
    return;
  }
  MergeRegisters(other.registers_.data());
}

void HyperLogLog::MergeRegisters(const uint8_t* registers) {
  if (registers_.empty()) ToRegisters();
  for (uint32_t i = 0; i < kRegisters; ++i) {
    if (registers_[i] < registers[i]) registers_[i] = registers[i];
  }
}

const std::vector<uint8_t>& HyperLogLog::Registers() {
  if (registers_.empty()) ToRegisters();
  return registers_;
}

uint64_t HyperLogLog::Estimate() const {
  if (registers_.empty()) return hash_count_ + (has_zero_hash_ ? 1 : 0);
  uint32_t histogram[kRankBits + 2] = {};
  for (uint8_t r : registers_) ++histogram[r];
  double m = kRegisters;
  double z = m * Tau(1 - histogram[kRankBits + 1] / m);
  for (int k = kRankBits; k >= 1; --k) z = 0.5 * (z + histogram[k]);
  z += m * Sigma(histogram[0] / m);
  double alpha_inf = 1 / (2 * std::log(2.0));
  return static_cast<uint64_t>(std::llround(alpha_inf * m * m / z));
}

}  // namespace perimeter::store
