#include "pipeline/batch_queue.h"

namespace perimeter {

bool BatchQueue::Push(Batch batch) {
  std::unique_lock lock(mu_);
  not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
  if (closed_) return false;
  items_.push_back(std::move(batch));
  lock.unlock();
  not_empty_.notify_one();
  return true;
}

std::optional<Batch> BatchQueue::Pop() {
  std::unique_lock lock(mu_);
  not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
  if (items_.empty()) return std::nullopt;
  Batch b = std::move(items_.front());
  items_.pop_front();
  lock.unlock();
  not_full_.notify_one();
  return b;
}

void BatchQueue::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  not_full_.notify_all();
  not_empty_.notify_all();
}

size_t BatchQueue::size() const {
  std::lock_guard lock(mu_);
  return items_.size();
}

}  // namespace perimeter
