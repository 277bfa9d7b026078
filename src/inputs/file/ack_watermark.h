// AckWatermark: for one file, the offset below which every line the input pushed has been taken
// by the outputs. Batches cover consecutive byte ranges and may complete in any order (several
// workers); the watermark only moves over a gap-free prefix. Thread-safe: the input thread reads
// it, workers complete ranges.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>

namespace perimeter {

class AckWatermark {
 public:
  explicit AckWatermark(uint64_t start) : watermark_(start) {}
  AckWatermark(const AckWatermark&) = delete;
  AckWatermark& operator=(const AckWatermark&) = delete;

  // Marks [begin, end) taken. Ranges are handed out back to back from `start`, each once.
  void Complete(uint64_t begin, uint64_t end);
  // The offset of the first byte not yet known to be taken.
  uint64_t value() const;

 private:
  mutable std::mutex mu_;
  uint64_t watermark_;                  // guarded by mu_
  std::map<uint64_t, uint64_t> ahead_;  // guarded by mu_: begin → end of ranges past a gap
};

}  // namespace perimeter
