#include "query/group_data.h"

namespace perimeter::query {

namespace {

std::vector<std::string> SplitDots(const std::string& dotted) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t dot = dotted.find('.', start);
    parts.push_back(
        dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

// `path` starts with `prefix` and is longer.
bool StrictlyBelow(const std::vector<std::string>& path, const std::vector<std::string>& prefix) {
  if (path.size() <= prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (path[i] != prefix[i]) return false;
  }
  return true;
}

}  // namespace

PartColumns::PartColumns(std::shared_ptr<const store::Part> p, BlockCache* cache)
    : part_(std::move(p)), cache_(cache) {
  const store::Part& part = *part_;
  timestamp_column_ = part.FindColumn("@timestamp", store::ColumnType::kTimestamp);
  if (timestamp_column_ >= 0 &&
      part.column(static_cast<size_t>(timestamp_column_)).key.path.size() != 1) {
    timestamp_column_ = -1;  // a nested [@][timestamp] is not the event time
    for (size_t c = 0; c < part.column_count(); ++c) {
      const auto& key = part.column(c).key;
      if (key.type == store::ColumnType::kTimestamp && key.path.size() == 1 &&
          key.path[0] == "@timestamp") {
        timestamp_column_ = static_cast<int>(c);
      }
    }
  }
}

const FieldColumns& PartColumns::Field(const std::string& dotted) {
  auto it = fields_.find(dotted);
  if (it != fields_.end()) return it->second;
  std::vector<std::string> nested = SplitDots(dotted);
  std::vector<std::string> top = {dotted};
  FieldColumns nested_cols, top_cols;
  bool dotted_name = nested.size() > 1;
  for (size_t c = 0; c < part_->column_count(); ++c) {
    const std::vector<std::string>& path = part_->column(c).key.path;
    if (path == nested) nested_cols.values.push_back(c);
    if (StrictlyBelow(path, nested)) nested_cols.objects.push_back(c);
    if (dotted_name) {
      if (path == top) top_cols.values.push_back(c);
      if (StrictlyBelow(path, top)) top_cols.objects.push_back(c);
    }
  }
  bool has_nested = !nested_cols.values.empty() || !nested_cols.objects.empty();
  bool has_top = !top_cols.values.empty() || !top_cols.objects.empty();
  FieldColumns result = has_nested ? std::move(nested_cols) : std::move(top_cols);
  result.ambiguous = has_nested && has_top;
  return fields_.emplace(dotted, std::move(result)).first->second;
}

GroupData::GroupData(PartColumns* columns, size_t group)
    : columns_(columns), group_(group), dictionaries_(columns->part().column_count()) {}

GroupData::~GroupData() = default;

store::GroupReader& GroupData::Reader() {
  if (!reader_) reader_ = std::make_unique<store::GroupReader>(part(), group_);
  return *reader_;
}

Result<const store::ColumnBlock*> GroupData::Block(size_t c) { return Reader().Block(c); }

Result<store::GroupReader::Dependent> GroupData::ReadDependent(size_t c) {
  return Reader().ReadDependent(c);
}

Result<const store::ColumnBlock*> GroupData::Codes(size_t c) { return Reader().Codes(c); }

Result<const store::DictionaryTexts*> GroupData::Texts(size_t c) { return Reader().Texts(c); }

bool GroupData::HasValueDictionary(size_t c) const {
  const store::BlockMeta* m = block_meta(c);
  // Same-as chains end at the key column, whose dictionary the copied codes index.
  for (int hops = 0; m != nullptr && m->encoding == store::BlockEncoding::kSameAs && hops < 64;
       ++hops) {
    if (m->key_column < 0) return false;
    m = block_meta(static_cast<size_t>(m->key_column));
  }
  return m != nullptr && !m->dictionary.empty() &&
         (m->encoding == store::BlockEncoding::kDict ||
          m->encoding == store::BlockEncoding::kDependent);
}

Result<const store::BlockDictionary*> GroupData::Dictionary(size_t c) {
  if (!HasValueDictionary(c)) return nullptr;
  if (!dictionaries_[c]) {
    ASSIGN_OR_RETURN(store::BlockDictionary d, part().ReadDictionary(c, group_));
    dictionaries_[c] = std::make_unique<store::BlockDictionary>(std::move(d));
  }
  return dictionaries_[c].get();
}

Result<const std::vector<Event>*> GroupData::Events() {
  if (!events_) {
    ASSIGN_OR_RETURN(store::RowSet set, part().ReadRowGroup(group_));
    auto events = std::make_unique<std::vector<Event>>();
    events->reserve(set.rows());
    for (size_t r = 0; r < set.rows(); ++r) {
      ASSIGN_OR_RETURN(Event e, set.EventAt(r));
      events->push_back(std::move(e));
    }
    events_ = std::move(events);
  }
  return events_.get();
}

}  // namespace perimeter::query
