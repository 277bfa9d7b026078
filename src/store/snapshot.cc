#include "store/snapshot.h"

#include <algorithm>

namespace perimeter::store {

Snapshot::Snapshot(std::vector<std::shared_ptr<const Part>> parts) : parts_(std::move(parts)) {
  std::stable_sort(parts_.begin(), parts_.end(), [](const auto& a, const auto& b) {
    return a->day() != b->day() ? a->day() < b->day() : a->min_ts() < b->min_ts();
  });
  for (const auto& p : parts_) rows_ += p->rows();
}

std::vector<std::shared_ptr<const Part>> Snapshot::PartsInRange(int64_t from_ns,
                                                                int64_t to_ns) const {
  std::vector<std::shared_ptr<const Part>> out;
  for (const auto& p : parts_) {
    if (p->rows() > 0 && p->max_ts() >= from_ns && p->min_ts() < to_ns) out.push_back(p);
  }
  return out;
}

std::vector<int64_t> Snapshot::days() const {
  std::vector<int64_t> d;
  for (const auto& p : parts_) {
    if (d.empty() || d.back() != p->day()) d.push_back(p->day());
  }
  return d;
}

}  // namespace perimeter::store
