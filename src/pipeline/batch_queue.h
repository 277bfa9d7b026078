// BatchQueue: the bounded queue between inputs and workers. Push blocks while full, which is
// the pipeline's back-pressure: memory stays bounded whatever the input rate.
// Thread-safe: any number of producers and consumers.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "pipeline/batch.h"

namespace perimeter {

class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  BatchQueue(const BatchQueue&) = delete;
  BatchQueue& operator=(const BatchQueue&) = delete;

  // Blocks while full. Returns false (batch not taken) once the queue is closed.
  bool Push(Batch batch);
  // Blocks while empty. Returns nullopt once the queue is closed and drained.
  std::optional<Batch> Pop();
  // No more pushes; Pop drains what is left, then returns nullopt.
  void Close();
  size_t size() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<Batch> items_;  // GUARDED_BY(mu_)
  bool closed_ = false;      // GUARDED_BY(mu_)
};

}  // namespace perimeter
