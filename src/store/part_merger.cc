#include "store/part_merger.h"

#include <queue>

namespace perimeter::store {

namespace {

struct Cursor {
  const Part* part;
  size_t group = 0;
  size_t row = 0;
  uint32_t set = 0;  // index into the live sets
  bool done = false;
};

}  // namespace

Status MergeParts(std::span<const std::shared_ptr<const Part>> inputs, PartWriter* writer) {
  std::vector<std::unique_ptr<RowSet>> sets;
  std::vector<Cursor> cursors;
  auto load = [&](Cursor& c) -> Status {
    while (c.group < c.part->group_count() && c.part->group(c.group).rows == 0) ++c.group;
    if (c.group >= c.part->group_count()) {
      c.done = true;
      return Status::OK();
    }
    ASSIGN_OR_RETURN(RowSet rs, c.part->ReadRowGroup(c.group));
    sets.push_back(std::make_unique<RowSet>(std::move(rs)));
    c.set = static_cast<uint32_t>(sets.size() - 1);
    c.row = 0;
    return Status::OK();
  };
  for (const auto& p : inputs) {
    Cursor& c = cursors.emplace_back();
    c.part = p.get();
    RETURN_IF_ERROR(load(c));
  }
  using Entry = std::pair<int64_t, size_t>;  // (timestamp, input)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  auto ts = [&](const Cursor& c) { return sets[c.set]->timestamps()[c.row]; };
  for (size_t i = 0; i < cursors.size(); ++i) {
    if (!cursors[i].done) heap.emplace(ts(cursors[i]), i);
  }
  std::vector<RowRef> refs;
  refs.reserve(kRowGroupRows);
  auto emit = [&]() -> Status {
    std::vector<const RowSet*> ptrs;
    ptrs.reserve(sets.size());
    for (const auto& s : sets) ptrs.push_back(s.get());
    RETURN_IF_ERROR(writer->AddRowGroup(ptrs, refs));
    refs.clear();
    // Keep only the sets cursors still read from.
    std::vector<std::unique_ptr<RowSet>> kept;
    for (Cursor& c : cursors) {
      if (c.done) continue;
      kept.push_back(std::move(sets[c.set]));
      c.set = static_cast<uint32_t>(kept.size() - 1);
    }
    sets = std::move(kept);
    return Status::OK();
  };
  while (!heap.empty()) {
    size_t i = heap.top().second;
    heap.pop();
    Cursor& c = cursors[i];
    refs.push_back({c.set, static_cast<uint32_t>(c.row)});
    if (++c.row == sets[c.set]->rows()) {
      ++c.group;
      RETURN_IF_ERROR(load(c));
    }
    if (!c.done) heap.emplace(ts(c), i);
    if (refs.size() == kRowGroupRows) RETURN_IF_ERROR(emit());
  }
  if (!refs.empty()) RETURN_IF_ERROR(emit());
  return Status::OK();
}

}  // namespace perimeter::store
