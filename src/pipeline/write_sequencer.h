// WriteSequencer: makes outputs receive each input's batches in the order the input pushed
// them, although several workers filter batches concurrently. That order is what lets an input
// checkpoint "everything up to this batch" when the batch is committed.
// Thread-safe; one per running pipeline.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace perimeter {

class WriteSequencer {
 public:
  explicit WriteSequencer(size_t sources) : next_(sources, 1) {}

  // Blocks until batch `sequence` (1-based) of `source` is next, or `abort` is set.
  void WaitTurn(uint32_t source, uint64_t sequence, const std::atomic<bool>& abort) {
    std::unique_lock lock(mu_);
    while (next_[source] != sequence && !abort.load()) {
      cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
  }
  // The batch was written (or given up): let the next one of `source` go.
  void Done(uint32_t source, uint64_t sequence) {
    {
      std::lock_guard lock(mu_);
      if (next_[source] == sequence) next_[source] = sequence + 1;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<uint64_t> next_;  // GUARDED_BY(mu_): per source, the sequence to write next
};

}  // namespace perimeter
