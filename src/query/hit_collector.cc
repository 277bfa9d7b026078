#include "query/hit_collector.h"

#include <algorithm>

#include "query/bucket_key.h"
#include "query/column_cells.h"
#include "query/field_visitor.h"

namespace perimeter::query {

namespace {

// Natural ascending order of two present keys: <0, 0, >0.
int CompareKeys(const SortKey& a, const SortKey& b) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  SortKey::Class ca = a.cls, cb = b.cls;
  // A cursor value read back from JSON as an integer is a number or a timestamp: it compares as
  // whichever the other side is.
  if (ca == SortKey::kAnyNumber && cb == SortKey::kTimestamp) return cmp(a.i, b.i);
  if (cb == SortKey::kAnyNumber && ca == SortKey::kTimestamp) return cmp(a.i, b.i);
  if (ca == SortKey::kAnyNumber) ca = SortKey::kNumber;
  if (cb == SortKey::kAnyNumber) cb = SortKey::kNumber;
  if (ca != cb) return cmp(ca, cb);
  switch (ca) {
    case SortKey::kNumber:
      return cmp(a.d, b.d);
    case SortKey::kTimestamp:
    case SortKey::kBool:
      return cmp(a.i, b.i);
    case SortKey::kString:
      return a.s.compare(b.s) < 0 ? -1 : (a.s == b.s ? 0 : 1);
    default:
      return 0;
  }
}

}  // namespace

SortKey SortKey::FromValue(const Value& v) {
  SortKey k;
  const Value* x = &v;
  if (v.is_array()) {
    x = nullptr;
    ForEachScalar(v, [&](const Value& e) {
      if (x == nullptr) x = &e;
    });
    if (x == nullptr) return k;
  }
  switch (x->type()) {
    case Value::Type::kInt:
    case Value::Type::kFloat:
      k.cls = kNumber;
      k.d = x->as_number();
      break;
    case Value::Type::kTimestamp:
      k.cls = kTimestamp;
      k.i = x->as_timestamp().nanos();
      break;
    case Value::Type::kString:
      k.cls = kString;
      k.s = x->as_string();
      break;
    case Value::Type::kBool:
      k.cls = kBool;
      k.i = x->as_bool();
      break;
    default:
      break;
  }
  return k;
}

Value SortKey::ToValue() const {
  switch (cls) {
    case kNumber:
      return Value(d);
    case kTimestamp:
    case kAnyNumber:
      return Value(i);
    case kString:
      return Value(s);
    case kBool:
      return Value(i != 0);
    case kMissing:
      break;
  }
  return Value();
}

HitCollector::HitCollector(size_t size, SortSpec sort, const std::optional<SearchCursor>& after)
    : size_(size), sort_(std::move(sort)) {
  if (after) {
    has_cursor_ = true;
    const Value& v = after->sort_value;
    if (v.is_int()) {
      cursor_key_.cls = by_timestamp() ? SortKey::kTimestamp : SortKey::kAnyNumber;
      cursor_key_.i = v.as_int();
      cursor_key_.d = static_cast<double>(v.as_int());
    } else {
      cursor_key_ = SortKey::FromValue(v);
    }
    cursor_part_ = after->part_key;
    cursor_row_ = after->row;
  }
}

bool HitCollector::Before(const SortKey& a, uint64_t pa, uint64_t ra, const SortKey& b, uint64_t pb,
                          uint64_t rb) const {
  bool ma = a.cls == SortKey::kMissing, mb = b.cls == SortKey::kMissing;
  if (ma != mb) return mb;
  int c = ma ? 0 : CompareKeys(a, b);
  if (c == 0) c = pa < pb ? -1 : (pa > pb ? 1 : (ra < rb ? -1 : (ra > rb ? 1 : 0)));
  return sort_.descending ? c > 0 : c < 0;
}

bool HitCollector::Wants(int64_t min_ts, int64_t max_ts) const {
  if (size_ == 0) return false;
  if (!by_timestamp()) return true;
  auto beats = [&](int64_t bound, const SortKey& k) {
    // Can a row at `bound` come before (or tie with) `k`?
    if (k.cls == SortKey::kMissing) return true;
    int64_t kt = k.i;
    if (k.cls == SortKey::kNumber) kt = static_cast<int64_t>(k.d);
    return sort_.descending ? bound >= kt : bound <= kt;
  };
  int64_t best = sort_.descending ? max_ts : min_ts;
  int64_t worst = sort_.descending ? min_ts : max_ts;
  if (heap_.size() == size_ && !beats(best, heap_.front().key)) return false;
  if (has_cursor_ && cursor_key_.cls != SortKey::kMissing) {
    // Every row of the group at or before the cursor: nothing after it here.
    int64_t ct = cursor_key_.i;
    if (sort_.descending ? worst > ct : worst < ct) return false;
  }
  return true;
}

void HitCollector::Push(HitCandidate c) {
  auto before = [&](const HitCandidate& a, const HitCandidate& b) {
    return Before(a.key, a.part_key, a.row, b.key, b.part_key, b.row);
  };
  if (has_cursor_ && !Before(cursor_key_, cursor_part_, cursor_row_, c.key, c.part_key, c.row)) {
    return;
  }
  if (heap_.size() < size_) {
    heap_.push_back(std::move(c));
    std::push_heap(heap_.begin(), heap_.end(), before);
  } else if (before(c, heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), before);
    heap_.back() = std::move(c);
    std::push_heap(heap_.begin(), heap_.end(), before);
  }
}

Status HitCollector::Offer(GroupData& data, size_t part_index, uint64_t part_key,
                           const std::vector<uint32_t>& rows) {
  if (size_ == 0 || rows.empty()) return Status::OK();
  uint64_t first_row = data.meta().first_row;
  if (by_timestamp()) {
    int ts = data.columns().timestamp_column();
    const store::ColumnBlock* b = nullptr;
    if (ts >= 0 && data.block_meta(static_cast<size_t>(ts)) != nullptr) {
      ASSIGN_OR_RETURN(b, data.Block(static_cast<size_t>(ts)));
    }
    HitCandidate c;
    c.part_key = part_key;
    c.part_index = part_index;
    // Rows are mostly in time order: visiting the best end first lets the heap fill with
    // winners, so the other rows fail the first comparison.
    bool reverse = sort_.descending;
    for (size_t k = 0; k < rows.size(); ++k) {
      uint32_t r = rows[reverse ? rows.size() - 1 - k : k];
      if (b != nullptr && b->present[r]) {
        c.key.cls = SortKey::kTimestamp;
        c.key.i = b->ints[r];
      } else {
        c.key.cls = SortKey::kMissing;
      }
      // A quick rejection before building the candidate.
      if (heap_.size() == size_ && !Before(c.key, part_key, first_row + r, heap_.front().key,
                                           heap_.front().part_key, heap_.front().row)) {
        continue;
      }
      c.row = first_row + r;
      Push(c);
    }
    return Status::OK();
  }
  std::vector<SortKey> keys(rows.size());
  RowBatch batch{rows, {}};
  const store::ColumnBlock* block = nullptr;
  bool by_code = false;
  RETURN_IF_ERROR(VisitField(
      data, sort_.field, batch,
      [&](const store::ColumnBlock& b, bool bc) {
        block = &b;
        by_code = bc;
      },
      [&](size_t i, uint32_t cell) {
        keys[i] = SortKey::FromValue(CellValue(*block, by_code, cell));
      },
      [&](size_t i, const Value* v) {
        if (v != nullptr) keys[i] = SortKey::FromValue(*v);
      }));
  for (size_t i = 0; i < rows.size(); ++i) {
    HitCandidate c;
    c.key = std::move(keys[i]);
    c.part_key = part_key;
    c.part_index = part_index;
    c.row = first_row + rows[i];
    Push(std::move(c));
  }
  return Status::OK();
}

void HitCollector::MergeFrom(HitCollector& other) {
  for (HitCandidate& c : other.heap_) Push(std::move(c));
  other.heap_.clear();
}

std::vector<HitCandidate> HitCollector::Take() {
  std::vector<HitCandidate> out = std::move(heap_);
  std::sort(out.begin(), out.end(), [&](const HitCandidate& a, const HitCandidate& b) {
    return Before(a.key, a.part_key, a.row, b.key, b.part_key, b.row);
  });
  heap_.clear();
  return out;
}

}  // namespace perimeter::query
