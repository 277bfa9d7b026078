// HitCollector: keeps the best `size` rows by the request's sort (after the search_after
// cursor), as a bounded heap, while the executor scans row groups. One thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.h"
#include "query/group_data.h"
#include "query/search_request.h"

namespace perimeter::query {

// A row's sort value. Missing values sort last in both directions.
struct SortKey {
  enum Class : uint8_t { kNumber, kTimestamp, kString, kBool, kAnyNumber, kMissing };
  Class cls = kMissing;
  int64_t i = 0;  // timestamps (ns), bools, kAnyNumber
  double d = 0;   // numbers, kAnyNumber
  std::string s;

  static SortKey FromValue(const Value& v);  // arrays: the first scalar
  Value ToValue() const;
};

struct HitCandidate {
  SortKey key;
  uint64_t part_key = 0;
  uint64_t row = 0;       // row of the part
  size_t part_index = 0;  // into the executor's part list
};

class HitCollector {
 public:
  HitCollector(size_t size, SortSpec sort, const std::optional<SearchCursor>& after);

  size_t size() const { return size_; }
  bool by_timestamp() const { return sort_.field == "@timestamp"; }
  // Whether a group of rows with @timestamp in [min_ts, max_ts] can still give a hit (sorting by
  // @timestamp; otherwise true while hits are wanted).
  bool Wants(int64_t min_ts, int64_t max_ts) const;
  // Offers rows `rows` of the group (part rows = first_row + row).
  Status Offer(GroupData& data, size_t part_index, uint64_t part_key,
               const std::vector<uint32_t>& rows);
  // Adds the hits another collector (same request, other row groups) kept.
  void MergeFrom(HitCollector& other);
  // The winners, best first.
  std::vector<HitCandidate> Take();

 private:
  bool Before(const SortKey& a, uint64_t pa, uint64_t ra, const SortKey& b, uint64_t pb,
              uint64_t rb) const;
  void Push(HitCandidate c);

  size_t size_;
  SortSpec sort_;
  bool has_cursor_ = false;
  SortKey cursor_key_;
  uint64_t cursor_part_ = 0, cursor_row_ = 0;
  std::vector<HitCandidate> heap_;  // the worst kept hit at the front
};

}  // namespace perimeter::query
