// count, cardinality and stats: one number (or five) per owner.
#include <algorithm>
#include <cmath>
#include <limits>

#include "query/aggregator.h"
#include "query/bucket_key.h"
#include "query/column_cells.h"
#include "query/field_visitor.h"
#include "query/key_table.h"
#include "store/hyper_log_log.h"

namespace perimeter::query {

namespace {

using store::ColumnBlock;
using store::ColumnType;
using store::HyperLogLog;

template <typename T>
T& Slot(std::vector<T>& v, uint32_t owner) {
  if (owner >= v.size()) v.resize(owner + 1);
  return v[owner];
}

size_t ScalarCount(const Value& v) {
  size_t n = 0;
  ForEachScalar(v, [&](const Value&) { ++n; });
  return n;
}

class CountAggregator final : public Aggregator {
 public:
  explicit CountAggregator(const AggregationSpec& spec) : spec_(spec) {}

  Result<bool> CollectWhole(GroupData& data) override {
    if (spec_.field.empty()) {
      Slot(counts_, 0) += data.rows();
      return true;
    }
    const FieldColumns& f = data.columns().Field(spec_.field);
    if (f.ambiguous) return false;
    for (size_t c : f.values) {
      if (data.block_meta(c) && data.part().column(c).key.type == ColumnType::kValue &&
          !data.HasValueDictionary(c)) {
        return false;
      }
    }
    for (size_t c : f.values) {
      const store::BlockMeta* m = data.block_meta(c);
      ColumnType type = data.part().column(c).key.type;
      if (m == nullptr || type == ColumnType::kNull) continue;
      if (type != ColumnType::kValue) {
        Slot(counts_, 0) += m->present;
        continue;
      }
      ASSIGN_OR_RETURN(const store::BlockDictionary* d, data.Dictionary(c));
      for (size_t i = 0; i < d->values.size(); ++i) {
        Slot(counts_, 0) += ScalarCount(d->values[i]) * d->counts[i];
      }
    }
    return true;
  }

  Result<bool> CollectFilteredGroup(GroupData& data, std::string_view filter,
                                    std::span<const uint32_t> rows) override {
    if (spec_.field.empty()) {
      Slot(counts_, 0) += rows.size();
      return true;
    }
    auto n = data.Cached<uint64_t>(
        "count:" + spec_.field + "|" + std::string(filter),
        [&]() -> Result<std::shared_ptr<const uint64_t>> {
          CountAggregator one(spec_);
          RETURN_IF_ERROR(one.Collect(data, RowBatch{rows, {}}));
          return std::make_shared<const uint64_t>(one.counts_.empty() ? 0 : one.counts_[0]);
        },
        [](uint64_t) { return size_t{8}; });
    if (!n.ok()) return n.status();
    Slot(counts_, 0) += **n;
    return true;
  }

  Result<bool> CollectMatchedEntries(GroupData& data, const std::string& field,
                                     std::span<const DictionaryMatch> matches) override {
    (void)data;
    if (!spec_.field.empty() && spec_.field != field) return false;
    for (const DictionaryMatch& m : matches) {
      for (uint32_t e : m.entries) {
        uint64_t rows = m.dictionary->counts[e];
        Slot(counts_, 0) +=
            spec_.field.empty() ? rows : ScalarCount(m.dictionary->values[e]) * rows;
      }
    }
    return true;
  }

  Status Collect(GroupData& data, const RowBatch& batch) override {
    if (spec_.field.empty()) {
      for (size_t i = 0; i < batch.rows.size(); ++i) ++Slot(counts_, batch.owner(i));
      return Status::OK();
    }
    const ColumnBlock* block = nullptr;
    bool by_code = false;
    return VisitField(
        data, spec_.field, batch,
        [&](const ColumnBlock& b, bool bc) {
          block = &b;
          by_code = bc;
        },
        [&](size_t i, uint32_t cell) {
          Slot(counts_, batch.owner(i)) +=
              block->type == ColumnType::kValue ? ScalarCount(CellValue(*block, by_code, cell)) : 1;
        },
        [&](size_t i, const Value* v) {
          if (v != nullptr) Slot(counts_, batch.owner(i)) += ScalarCount(*v);
        });
  }

  void MergeFrom(Aggregator& other, std::span<const uint32_t> owner_map) override {
    auto& o = static_cast<CountAggregator&>(other);
    for (size_t i = 0; i < o.counts_.size() && i < owner_map.size(); ++i) {
      Slot(counts_, owner_map[i]) += o.counts_[i];
    }
  }

  Result<AggregationResult> Finish(uint32_t owner) override {
    AggregationResult r;
    r.name = spec_.name;
    r.kind = spec_.kind;
    r.value = owner < counts_.size() ? counts_[owner] : 0;
    return r;
  }

 private:
  AggregationSpec spec_;
  std::vector<uint64_t> counts_;
};

class CardinalityAggregator final : public Aggregator {
 public:
  explicit CardinalityAggregator(const AggregationSpec& spec) : spec_(spec) {}

  Result<bool> CollectWhole(GroupData& data) override {
    const FieldColumns& f = data.columns().Field(spec_.field);
    if (f.ambiguous) return false;
    // Columns with a sketch of the whole part are answered by it when the search selects the
    // whole part: merged once, at the part's first group (every group of it is in the search),
    // and skipped in the others. The rest from each group's dictionary.
    std::vector<size_t> sketched, columns;
    for (size_t c : f.values) {
      if (data.columns().whole_part() && !data.part().column(c).distinct_sketch.empty()) {
        sketched.push_back(c);
        continue;
      }
      if (data.block_meta(c) == nullptr) continue;
      if (data.part().column(c).key.type == ColumnType::kNull) continue;
      if (!data.HasValueDictionary(c)) return false;
      columns.push_back(c);
    }
    HyperLogLog& h = Slot(sketches_, 0);
    for (size_t c : data.group() == 0 ? sketched : std::vector<size_t>()) {
      auto sketch = data.Cached<HyperLogLog>(
          "part-distinct:" + std::to_string(c),
          [&]() -> Result<std::shared_ptr<const HyperLogLog>> {
            auto made = std::make_shared<HyperLogLog>();
            RETURN_IF_ERROR(data.part().MergeDistinctSketch(c, made.get()).status());
            return std::shared_ptr<const HyperLogLog>(std::move(made));
          },
          [](const HyperLogLog& s) { return s.MemoryBytes(); });
      if (!sketch.ok()) return sketch.status();
      h.Merge(**sketch);
    }
    for (size_t c : columns) {
      // The sketch of a block's dictionary is kept: merging 16 KiB of registers is far cheaper
      // than hashing tens of thousands of values again.
      auto sketch = data.Cached<HyperLogLog>(
          "distinct:" + std::to_string(c),
          [&]() -> Result<std::shared_ptr<const HyperLogLog>> {
            auto made = std::make_shared<HyperLogLog>();
            // Strings (addresses above all) are hashed as text straight from the dictionary
            // frame, without a value per entry.
            ASSIGN_OR_RETURN(bool visited,
                             data.part().VisitDictionaryText(c, data.group(), SIZE_MAX,
                                                             [&](std::string_view text, uint64_t) {
                                                               scratch_.clear();
                                                               AppendStringKey(text, &scratch_);
                                                               made->Add(KeyTable::Hash(scratch_));
                                                             }));
            if (visited) return std::shared_ptr<const HyperLogLog>(std::move(made));
            ASSIGN_OR_RETURN(const store::BlockDictionary* d, data.Dictionary(c));
            for (const Value& v : d->values) {
              ForEachValueKey(v, &scratch_,
                              [&](std::string_view k) { made->Add(KeyTable::Hash(k)); });
            }
            return std::shared_ptr<const HyperLogLog>(std::move(made));
          },
          [](const HyperLogLog& s) { return s.MemoryBytes(); });
      if (!sketch.ok()) return sketch.status();
      h.Merge(**sketch);
    }
    return true;
  }

  Result<bool> CollectFilteredGroup(GroupData& data, std::string_view filter,
                                    std::span<const uint32_t> rows) override {
    auto sketch = data.Cached<HyperLogLog>(
        "distinct:" + spec_.field + "|" + std::string(filter),
        [&]() -> Result<std::shared_ptr<const HyperLogLog>> {
          CardinalityAggregator one(spec_);
          RETURN_IF_ERROR(one.Collect(data, RowBatch{rows, {}}));
          auto made = std::make_shared<HyperLogLog>();
          if (!one.sketches_.empty()) *made = std::move(one.sketches_[0]);
          return std::shared_ptr<const HyperLogLog>(std::move(made));
        },
        [](const HyperLogLog& h) { return h.MemoryBytes(); });
    if (!sketch.ok()) return sketch.status();
    Slot(sketches_, 0).Merge(**sketch);
    return true;
  }

  Result<bool> CollectMatchedEntries(GroupData& data, const std::string& field,
                                     std::span<const DictionaryMatch> matches) override {
    (void)data;
    if (spec_.field != field) return false;
    HyperLogLog& h = Slot(sketches_, 0);
    for (const DictionaryMatch& m : matches) {
      for (uint32_t e : m.entries) {
        ForEachValueKey(m.dictionary->values[e], &scratch_,
                        [&](std::string_view k) { h.Add(KeyTable::Hash(k)); });
      }
    }
    return true;
  }

  Status Collect(GroupData& data, const RowBatch& batch) override {
    std::vector<size_t> string_columns;
    if (batch.owners.empty() && StringDictionaryColumns(data, spec_.field, &string_columns)) {
      // The codes the rows hold, then only those entries rendered and hashed (not every
      // address of the dictionary).
      HyperLogLog& h = Slot(sketches_, 0);
      for (size_t c : string_columns) {
        ASSIGN_OR_RETURN(const store::DictionaryTexts* texts, data.Texts(c));
        ASSIGN_OR_RETURN(const ColumnBlock* block, data.Codes(c));
        const uint32_t size = static_cast<uint32_t>(texts->size());
        seen_.assign(size + 1, 0);
        for (uint32_t r : batch.rows) seen_[std::min(block->codes[r], size)] = 1;
        for (uint32_t cell = 0; cell < size; ++cell) {
          if (!seen_[cell]) continue;
          scratch_.clear();
          AppendStringKey({}, &scratch_);  // the key's tag; the text is appended in place
          texts->AppendText(cell, &scratch_);
          h.Add(KeyTable::Hash(scratch_));
        }
      }
      return Status::OK();
    }
    const ColumnBlock* block = nullptr;
    bool by_code = false;
    bool single = batch.owners.empty();
    auto flush = [&] {
      if (block == nullptr || !by_code || !single) return;
      HyperLogLog& h = Slot(sketches_, 0);
      for (size_t cell = 0; cell < seen_.size(); ++cell) {
        if (!seen_[cell]) continue;
        ForEachCellKey(*block, true, static_cast<uint32_t>(cell), &scratch_,
                       [&](std::string_view k) { h.Add(KeyTable::Hash(k)); });
      }
    };
    RETURN_IF_ERROR(VisitField(
        data, spec_.field, batch,
        [&](const ColumnBlock& b, bool bc) {
          flush();
          block = &b;
          by_code = bc;
          if (by_code && single) seen_.assign(CellCount(b), 0);
        },
        [&](size_t i, uint32_t cell) {
          if (by_code && single) {
            seen_[cell] = 1;
            return;
          }
          HyperLogLog& h = Slot(sketches_, batch.owner(i));
          ForEachCellKey(*block, by_code, cell, &scratch_,
                         [&](std::string_view k) { h.Add(KeyTable::Hash(k)); });
        },
        [&](size_t i, const Value* v) {
          if (v == nullptr) return;
          HyperLogLog& h = Slot(sketches_, batch.owner(i));
          ForEachValueKey(*v, &scratch_, [&](std::string_view k) { h.Add(KeyTable::Hash(k)); });
        }));
    flush();
    return Status::OK();
  }

  void MergeFrom(Aggregator& other, std::span<const uint32_t> owner_map) override {
    auto& o = static_cast<CardinalityAggregator&>(other);
    for (size_t i = 0; i < o.sketches_.size() && i < owner_map.size(); ++i) {
      Slot(sketches_, owner_map[i]).Merge(o.sketches_[i]);
    }
  }

  Result<AggregationResult> Finish(uint32_t owner) override {
    AggregationResult r;
    r.name = spec_.name;
    r.kind = spec_.kind;
    r.value = owner < sketches_.size() ? sketches_[owner].Estimate() : 0;
    return r;
  }

 private:
  AggregationSpec spec_;
  std::vector<HyperLogLog> sketches_;
  std::vector<uint8_t> seen_;
  std::string scratch_;
};

class StatsAggregator final : public Aggregator {
 public:
  explicit StatsAggregator(const AggregationSpec& spec) : spec_(spec) {}

  Result<bool> CollectWhole(GroupData& data) override {
    std::vector<size_t> columns;
    if (!WholeFieldDictionaries(data, spec_.field, &columns)) return false;
    Stats& s = Slot(stats_, 0);
    for (size_t c : columns) {
      ASSIGN_OR_RETURN(const store::BlockDictionary* d, data.Dictionary(c));
      for (size_t i = 0; i < d->values.size(); ++i) {
        ForEachValueNumber(d->values[i], [&](double x) { s.Add(x, d->counts[i]); });
      }
    }
    return true;
  }

  Result<bool> CollectFilteredGroup(GroupData& data, std::string_view filter,
                                    std::span<const uint32_t> rows) override {
    auto part = data.Cached<Stats>(
        "stats:" + spec_.field + "|" + std::string(filter),
        [&]() -> Result<std::shared_ptr<const Stats>> {
          StatsAggregator one(spec_);
          RETURN_IF_ERROR(one.Collect(data, RowBatch{rows, {}}));
          return std::make_shared<const Stats>(one.stats_.empty() ? Stats() : one.stats_[0]);
        },
        [](const Stats&) { return sizeof(Stats); });
    if (!part.ok()) return part.status();
    Slot(stats_, 0).Merge(**part);
    return true;
  }

  Status Collect(GroupData& data, const RowBatch& batch) override {
    const ColumnBlock* block = nullptr;
    bool by_code = false;
    bool single = batch.owners.empty();
    auto flush = [&] {
      if (block == nullptr || !by_code || !single) return;
      Stats& s = Slot(stats_, 0);
      for (size_t cell = 0; cell < cell_counts_.size(); ++cell) {
        uint64_t n = cell_counts_[cell];
        if (n == 0) continue;
        ForEachCellNumber(*block, true, static_cast<uint32_t>(cell),
                          [&](double x) { s.Add(x, n); });
      }
    };
    RETURN_IF_ERROR(VisitField(
        data, spec_.field, batch,
        [&](const ColumnBlock& b, bool bc) {
          flush();
          block = &b;
          by_code = bc;
          if (by_code && single) cell_counts_.assign(CellCount(b), 0);
        },
        [&](size_t i, uint32_t cell) {
          if (by_code && single) {
            ++cell_counts_[cell];
            return;
          }
          Stats& s = Slot(stats_, batch.owner(i));
          ForEachCellNumber(*block, by_code, cell, [&](double x) { s.Add(x, 1); });
        },
        [&](size_t i, const Value* v) {
          if (v == nullptr) return;
          Stats& s = Slot(stats_, batch.owner(i));
          ForEachValueNumber(*v, [&](double x) { s.Add(x, 1); });
        }));
    flush();
    return Status::OK();
  }

  void MergeFrom(Aggregator& other, std::span<const uint32_t> owner_map) override {
    auto& o = static_cast<StatsAggregator&>(other);
    for (size_t i = 0; i < o.stats_.size() && i < owner_map.size(); ++i) {
      Slot(stats_, owner_map[i]).Merge(o.stats_[i]);
    }
  }

  Result<AggregationResult> Finish(uint32_t owner) override {
    AggregationResult r;
    r.name = spec_.name;
    r.kind = spec_.kind;
    if (owner < stats_.size()) {
      const Stats& s = stats_[owner];
      r.count = s.count;
      r.min = s.min;
      r.max = s.max;
      r.sum = s.sum;
    }
    return r;
  }

 private:
  struct Stats {
    uint64_t count = 0;
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    double sum = 0;
    void Add(double x, uint64_t n) {
      count += n;
      min = std::min(min, x);
      max = std::max(max, x);
      sum += x * static_cast<double>(n);
    }
    void Merge(const Stats& o) {
      count += o.count;
      min = std::min(min, o.min);
      max = std::max(max, o.max);
      sum += o.sum;
    }
  };
  AggregationSpec spec_;
  std::vector<Stats> stats_;
  std::vector<uint64_t> cell_counts_;
};

}  // namespace

std::unique_ptr<Aggregator> NewCountAggregator(const AggregationSpec& spec) {
  return std::make_unique<CountAggregator>(spec);
}
std::unique_ptr<Aggregator> NewCardinalityAggregator(const AggregationSpec& spec) {
  return std::make_unique<CardinalityAggregator>(spec);
}
std::unique_ptr<Aggregator> NewStatsAggregator(const AggregationSpec& spec) {
  return std::make_unique<StatsAggregator>(spec);
}

}  // namespace perimeter::query
