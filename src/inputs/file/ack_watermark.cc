#include "inputs/file/ack_watermark.h"

namespace perimeter {

void AckWatermark::Complete(uint64_t begin, uint64_t end) {
  std::lock_guard<std::mutex> lock(mu_);
  if (begin != watermark_) {
    ahead_.emplace(begin, end);
    return;
  }
  watermark_ = end;
  for (auto it = ahead_.begin(); it != ahead_.end() && it->first == watermark_;
       it = ahead_.erase(it)) {
    watermark_ = it->second;
  }
}

uint64_t AckWatermark::value() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watermark_;
}

}  // namespace perimeter
