#include "query/event_reader.h"

#include <algorithm>

namespace perimeter::query {

Status ReadEventsAt(const store::Part& part, std::span<const uint64_t> rows,
                    std::vector<Event>* out) {
  out->clear();
  out->resize(rows.size());
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows[a] < rows[b]; });
  std::vector<size_t> columns;
  std::vector<store::ColumnBlock> blocks;
  size_t current = SIZE_MAX;
  for (size_t i : order) {
    uint64_t row = rows[i];
    if (row >= part.rows()) return Status::InvalidArgument("ReadEventsAt: row beyond the part");
    const auto& groups = part.meta().groups;
    auto it =
        std::upper_bound(groups.begin(), groups.end(), row,
                         [](uint64_t r, const store::RowGroupMeta& g) { return r < g.first_row; });
    size_t g = static_cast<size_t>(it - groups.begin()) - 1;
    if (g != current) {
      columns.clear();
      for (size_t c = 0; c < part.column_count(); ++c) {
        if (part.block(c, g) != nullptr) columns.push_back(c);
      }
      RETURN_IF_ERROR(part.ReadBlocks(columns, g, &blocks));
      current = g;
    }
    size_t r = row - groups[g].first_row;
    Object& fields = (*out)[i].fields();
    fields.Reserve(columns.size());
    for (size_t k = 0; k < columns.size(); ++k) {
      const store::ColumnBlock& b = blocks[k];
      if (!b.Has(r)) continue;
      const std::vector<std::string>& path = part.column(columns[k]).key.path;
      Object* obj = &fields;
      for (size_t p = 0; p + 1 < path.size(); ++p) {
        Value& next = obj->GetOrInsert(path[p]);
        if (!next.is_object()) next = Object();
        obj = &next.as_object();
      }
      obj->Set(path.back(), b.ValueAt(r));
    }
  }
  return Status::OK();
}

}  // namespace perimeter::query
