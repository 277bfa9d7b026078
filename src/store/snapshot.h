// Snapshot: a consistent, immutable view of the store — the parts on disk plus in-memory parts
// for events not yet flushed — held by reference count, so ingest, flushes, merges and
// retention go on while a query reads. Thread-safe (immutable).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "store/part.h"

namespace perimeter::store {

class Snapshot {
 public:
  explicit Snapshot(std::vector<std::shared_ptr<const Part>> parts);

  // Every part, ordered by (day, first timestamp). In-memory parts (in_memory(), id 0) hold the
  // events appended but not yet flushed; they read like the others.
  const std::vector<std::shared_ptr<const Part>>& parts() const { return parts_; }
  // Parts that may hold events with from_ns ≤ @timestamp < to_ns.
  std::vector<std::shared_ptr<const Part>> PartsInRange(int64_t from_ns, int64_t to_ns) const;
  // Day partitions (days since epoch), ascending.
  std::vector<int64_t> days() const;
  uint64_t rows() const { return rows_; }

 private:
  std::vector<std::shared_ptr<const Part>> parts_;
  uint64_t rows_ = 0;
};

}  // namespace perimeter::store
