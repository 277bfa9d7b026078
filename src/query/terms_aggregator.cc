// terms: the `size` most frequent values (ties: the smaller value first), the documents in the
// other buckets (sum_other_doc_count) and those without a value (missing). A document counts
// once per distinct value it holds (arrays).
//
// Top-k merge (top level, no sub-aggregations). Counting every distinct value of every row group
// is what makes "top 10 source addresses" slow: a month holds hundreds of row groups with tens
// of thousands of addresses each. Instead each group contributes only its k most frequent
// values (a dictionary lists them first; a filtered group's codes are counted and the k largest
// taken) and a bound: no value left out of the group's list has more rows there. After the
// scan, a value's total lies between L (the sum of what the lists said) and L plus the bounds
// of the groups whose list missed it. When the `size` best values have exact totals and every
// other value's upper bound is below the last of them, the answer is exact (the usual case:
// traffic is skewed); otherwise the executor scans again counting everything.
#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "query/aggregator.h"
#include "query/bucket_key.h"
#include "query/column_cells.h"
#include "query/field_visitor.h"
#include "query/key_table.h"

namespace perimeter::query {

namespace {

using store::ColumnBlock;
using store::ColumnType;

// Values each row group contributes in the top-k merge. Far more than a dashboard's `size`
// (10): with skewed traffic the top ten overall are near the top of every group, and the
// bound of what a group left out (the count of its k+1-th value) stays small.
constexpr size_t kGroupTopValues = 256;
// Above this `size` the top-k merge rarely proves anything: count everything.
constexpr size_t kMaxTopKSize = 1024;

// Orders keys as values: numbers numerically, then by tag.
bool KeyLess(std::string_view a, std::string_view b) {
  auto num = [](std::string_view k, double* d) {
    if (k.size() == 9 && k[0] == 'i') {
      int64_t v;
      std::memcpy(&v, k.data() + 1, 8);
      *d = static_cast<double>(v);
      return true;
    }
    if (k.size() == 9 && k[0] == 'f') {
      std::memcpy(d, k.data() + 1, 8);
      return true;
    }
    return false;
  };
  double x, y;
  if (num(a, &x) && num(b, &y)) {
    if (x != y) return x < y;
    return a < b;
  }
  if (a.size() == 9 && b.size() == 9 && a[0] == 't' && b[0] == 't') {
    int64_t p, q;
    std::memcpy(&p, a.data() + 1, 8);
    std::memcpy(&q, b.data() + 1, 8);
    return p < q;
  }
  return a < b;
}

// The head of a dictionary block, as the block cache keeps it: its first values (most frequent
// first), their counts, and the count of the first value left out (0: none was).
struct DictionaryHead {
  std::vector<std::string> keys;
  std::vector<uint64_t> counts;
  uint64_t bound = 0;
  // Of a filtered group's rows (CollectFilteredGroup): all (document, value) pairs, and the
  // documents without a value.
  uint64_t total = 0;
  uint64_t missing = 0;
};

size_t HeadBytes(const DictionaryHead& h) {
  size_t b = sizeof h + h.counts.size() * 8 + h.keys.size() * sizeof(std::string);
  for (const auto& k : h.keys) b += k.size();
  return b;
}

class TermsAggregator final : public Aggregator {
 public:
  TermsAggregator(const AggregationSpec& spec, bool top_level, bool exact,
                  std::shared_ptr<ChosenTermsMap> chosen,
                  std::vector<std::unique_ptr<Aggregator>> children)
      : spec_(spec),
        top_level_(top_level),
        chosen_(std::move(chosen)),
        children_(std::move(children)) {
    // Breadth first (see ChosenTerms): a top-level terms with sub-aggregations first finds its
    // buckets alone, then collects the sub-aggregations for their rows only.
    if (top_level && !children_.empty() && chosen_) {
      if (!exact) {
        phase_ = Phase::kFindBuckets;
      } else if (auto it = chosen_->find(spec_.name); it != chosen_->end()) {
        phase_ = Phase::kChildrenOfChosen;
        chosen_entry_ = &it->second;
        for (const std::string& k : it->second.keys) only_.insert(k);
      }
    }
    collect_children_ = !children_.empty() && phase_ != Phase::kFindBuckets;
    top_k_ = top_level && !exact && !collect_children_ && spec.size <= kMaxTopKSize;
  }

  Result<bool> CollectWhole(GroupData& data) override {
    if (collect_children_) return false;
    std::vector<size_t> columns;
    if (!WholeFieldDictionaries(data, spec_.field, &columns)) return false;
    if (top_k_) {
      for (size_t c : columns) {
        if (data.part().column(c).key.type == ColumnType::kValue) return false;
      }
      uint64_t with_value = 0;
      for (size_t c : columns) {
        auto head = data.Cached<DictionaryHead>(
            "terms-head:" + std::to_string(c),
            [&]() -> Result<std::shared_ptr<const DictionaryHead>> {
              auto h = std::make_shared<DictionaryHead>();
              // A string dictionary's head is read as text, its tail (tens of thousands of
              // addresses) only skipped: entry kGroupTopValues gives the bound.
              size_t seen = 0;
              ASSIGN_OR_RETURN(bool visited, data.part().VisitDictionaryText(
                                                 c, data.group(), kGroupTopValues + 1,
                                                 [&](std::string_view text, uint64_t count) {
                                                   if (seen++ == kGroupTopValues) {
                                                     h->bound = count;
                                                     return;
                                                   }
                                                   scratch_.clear();
                                                   AppendStringKey(text, &scratch_);
                                                   h->keys.push_back(scratch_);
                                                   h->counts.push_back(count);
                                                 }));
              if (visited) return std::shared_ptr<const DictionaryHead>(std::move(h));
              ASSIGN_OR_RETURN(const store::BlockDictionary* d, data.Dictionary(c));
              size_t n = std::min(d->values.size(), kGroupTopValues);
              for (size_t i = 0; i < n; ++i) {
                scratch_.clear();
                if (!AppendScalarKey(d->values[i], &scratch_)) continue;
                h->keys.push_back(scratch_);
                h->counts.push_back(d->counts[i]);
              }
              if (d->values.size() > n) h->bound = d->counts[n];
              return std::shared_ptr<const DictionaryHead>(std::move(h));
            },
            HeadBytes);
        if (!head.ok()) return head.status();
        const DictionaryHead& h = **head;
        uint64_t listed = 0;
        for (size_t i = 0; i < h.keys.size(); ++i) {
          uint32_t ord = Add(0, h.keys[i], KeyTable::Hash(h.keys[i]), h.counts[i]);
          bounds_[ord] += h.bound;
          listed += h.counts[i];
        }
        total_bound_ += h.bound;
        uint64_t present = data.block_meta(c)->present;
        keys_total_ += present - std::min(present, listed);  // the rows of values left out
        with_value += present;
      }
      Owned(missing_, 0) += data.rows() - with_value;
      return true;
    }
    uint64_t with_value = 0;
    for (size_t c : columns) {
      ASSIGN_OR_RETURN(const store::BlockDictionary* d, data.Dictionary(c));
      for (size_t i = 0; i < d->values.size(); ++i) {
        bool any = false;
        ForEachValueKey(d->values[i], &scratch_, [&](std::string_view k) {
          Add(0, k, KeyTable::Hash(k), d->counts[i]);
          any = true;
        });
        if (any) with_value += d->counts[i];
      }
    }
    Owned(missing_, 0) += data.rows() - with_value;
    return true;
  }

  Result<bool> CollectFilteredGroup(GroupData& data, std::string_view filter,
                                    std::span<const uint32_t> rows) override {
    if (!top_k_) return false;
    auto head = data.Cached<DictionaryHead>(
        "terms:" + spec_.field + "|" + std::string(filter),
        [&]() -> Result<std::shared_ptr<const DictionaryHead>> {
          // Every value of these rows, counted exactly, then the head of them.
          TermsAggregator one(spec_, true, true, nullptr, {});
          RETURN_IF_ERROR(one.Collect(data, RowBatch{rows, {}}));
          std::vector<uint32_t> ords(one.table_.size());
          for (uint32_t o = 0; o < ords.size(); ++o) ords[o] = o;
          size_t n = std::min(ords.size(), kGroupTopValues);
          auto more = [&](uint32_t a, uint32_t b) { return one.counts_[a] > one.counts_[b]; };
          std::nth_element(ords.begin(), ords.begin() + static_cast<std::ptrdiff_t>(n), ords.end(),
                           more);
          auto h = std::make_shared<DictionaryHead>();
          for (size_t i = 0; i < ords.size(); ++i) {
            if (i < n) {
              h->keys.emplace_back(one.table_.key(ords[i]));
              h->counts.push_back(one.counts_[ords[i]]);
            } else {
              h->bound = std::max(h->bound, one.counts_[ords[i]]);
            }
          }
          h->total = one.keys_total_;
          h->missing = one.missing_.empty() ? 0 : one.missing_[0];
          return std::shared_ptr<const DictionaryHead>(std::move(h));
        },
        HeadBytes);
    if (!head.ok()) return head.status();
    const DictionaryHead& h = **head;
    uint64_t listed = 0;
    for (size_t i = 0; i < h.keys.size(); ++i) {
      uint32_t ord = Add(0, h.keys[i], KeyTable::Hash(h.keys[i]), h.counts[i]);
      bounds_[ord] += h.bound;
      listed += h.counts[i];
    }
    total_bound_ += h.bound;
    keys_total_ += h.total - std::min(h.total, listed);
    Owned(missing_, 0) += h.missing;
    return true;
  }

  Result<bool> CollectMatchedEntries(GroupData& data, const std::string& field,
                                     std::span<const DictionaryMatch> matches) override {
    (void)data;
    // Every matching entry is added with its exact count (no bound: the top-k merge stays
    // exact); rows whose value gives no key (empty arrays) are missing, as in Collect.
    if (collect_children_ || spec_.field != field) return false;
    for (const DictionaryMatch& m : matches) {
      for (uint32_t e : m.entries) {
        uint64_t rows = m.dictionary->counts[e];
        bool any = false;
        ForEachValueKey(m.dictionary->values[e], &scratch_, [&](std::string_view k) {
          Add(0, k, KeyTable::Hash(k), rows);
          any = true;
        });
        if (!any) Owned(missing_, 0) += rows;
      }
    }
    return true;
  }

  Status Collect(GroupData& data, const RowBatch& batch) override {
    std::vector<size_t> string_columns;
    if (!collect_children_ && batch.owners.empty() &&
        StringDictionaryColumns(data, spec_.field, &string_columns)) {
      return CollectStringCodes(data, batch, string_columns);
    }
    size_t n = batch.rows.size();
    has_.assign(n, 0);
    child_rows_.Clear();
    bool per_row = collect_children_ || !batch.owners.empty();
    const ColumnBlock* block = nullptr;
    bool by_code = false;
    uint64_t keyless = 0;  // rows whose cell holds no scalar (empty arrays), counted per cell

    auto flush = [&] {
      if (block == nullptr || !by_code || per_row) return;
      // The cells with rows, most rows first when only the head is taken.
      cells_.clear();
      for (uint32_t cell = 0; cell < cell_counts_.size(); ++cell) {
        if (cell_counts_[cell] != 0) cells_.push_back(cell);
      }
      uint64_t bound = 0;
      bool head_only =
          top_k_ && block->type != ColumnType::kValue && cells_.size() > kGroupTopValues;
      if (head_only) {
        auto more = [&](uint32_t a, uint32_t b) { return cell_counts_[a] > cell_counts_[b]; };
        std::nth_element(cells_.begin(), cells_.begin() + kGroupTopValues, cells_.end(), more);
        for (size_t i = kGroupTopValues; i < cells_.size(); ++i) {
          bound = std::max(bound, cell_counts_[cells_[i]]);
          keys_total_ += cell_counts_[cells_[i]];  // one key each: scalar cells
        }
        cells_.resize(kGroupTopValues);
        total_bound_ += bound;
      }
      for (uint32_t cell : cells_) {
        uint64_t count = cell_counts_[cell];
        bool any = false;
        ForEachCellKey(*block, true, cell, &scratch_, [&](std::string_view k) {
          uint32_t ord = Add(0, k, KeyTable::Hash(k), count);
          if (head_only) bounds_[ord] += bound;
          any = true;
        });
        if (!any) keyless += count;
      }
    };
    auto add_row_key = [&](size_t i, std::string_view k, uint64_t hash) {
      has_[i] = 1;
      if (phase_ == Phase::kChildrenOfChosen && !only_.contains(k)) return;
      uint32_t ord = Add(batch.owner(i), k, hash, 1);
      if (collect_children_) {
        child_rows_.Add(batch.rows[i], ord);
      }
    };
    RETURN_IF_ERROR(VisitField(
        data, spec_.field, batch,
        [&](const ColumnBlock& b, bool bc) {
          flush();
          block = &b;
          by_code = bc;
          if (!by_code) return;
          size_t cells = CellCount(b);
          if (per_row) {
            cell_hashes_.assign(cells, 0);
            cell_keys_.assign(cells, std::string());
            cell_state_.assign(cells, 0);
          } else {
            cell_counts_.assign(cells, 0);
          }
        },
        [&](size_t i, uint32_t cell) {
          if (by_code && !per_row) {
            ++cell_counts_[cell];
            has_[i] = 1;
            return;
          }
          if (by_code && block->type != ColumnType::kValue) {
            // One key per scalar cell: made and hashed once per block.
            if (cell_state_[cell] == 0) {
              cell_state_[cell] = 2;
              ForEachCellKey(*block, true, cell, &scratch_, [&](std::string_view k) {
                // Breadth first's second pass: a key that is not a chosen bucket is skipped
                // for all its rows at once.
                if (phase_ == Phase::kChildrenOfChosen && !only_.contains(k)) {
                  cell_state_[cell] = 3;
                  return;
                }
                cell_keys_[cell].assign(k);
                cell_hashes_[cell] = KeyTable::Hash(k);
                cell_state_[cell] = 1;
              });
            }
            if (cell_state_[cell] == 1) add_row_key(i, cell_keys_[cell], cell_hashes_[cell]);
            if (cell_state_[cell] == 3) has_[i] = 1;
            return;
          }
          ForEachCellKey(*block, by_code, cell, &scratch_,
                         [&](std::string_view k) { add_row_key(i, k, KeyTable::Hash(k)); });
        },
        [&](size_t i, const Value* v) {
          if (v == nullptr) return;
          ForEachValueKey(*v, &scratch_,
                          [&](std::string_view k) { add_row_key(i, k, KeyTable::Hash(k)); });
        }));
    flush();
    for (size_t i = 0; i < n; ++i) {
      if (!has_[i]) ++Owned(missing_, batch.owner(i));
    }
    if (keyless > 0) Owned(missing_, 0) += keyless;
    return child_rows_.CollectInto(children_, data);
  }

  // Collect for string dictionary columns, one owner: rows counted by code, and only the codes
  // kept (the group's head under the top-k merge) rendered as keys — not the tens of thousands
  // of addresses of the whole dictionary.
  Status CollectStringCodes(GroupData& data, const RowBatch& batch,
                            const std::vector<size_t>& columns) {
    size_t n = batch.rows.size();
    has_.assign(n, 0);
    for (size_t c : columns) {
      ASSIGN_OR_RETURN(const store::DictionaryTexts* texts, data.Texts(c));
      ASSIGN_OR_RETURN(const ColumnBlock* block, data.Codes(c));
      const uint32_t size = static_cast<uint32_t>(texts->size());
      cell_counts_.assign(size, 0);
      for (size_t i = 0; i < n; ++i) {
        uint32_t code = block->codes[batch.rows[i]];
        if (code >= size) continue;  // kAbsentCode
        ++cell_counts_[code];
        has_[i] = 1;
      }
      cells_.clear();
      for (uint32_t cell = 0; cell < size; ++cell) {
        if (cell_counts_[cell] != 0) cells_.push_back(cell);
      }
      uint64_t bound = 0;
      bool head_only = top_k_ && cells_.size() > kGroupTopValues;
      if (head_only) {
        auto more = [&](uint32_t a, uint32_t b) { return cell_counts_[a] > cell_counts_[b]; };
        std::nth_element(cells_.begin(), cells_.begin() + kGroupTopValues, cells_.end(), more);
        for (size_t i = kGroupTopValues; i < cells_.size(); ++i) {
          bound = std::max(bound, cell_counts_[cells_[i]]);
          keys_total_ += cell_counts_[cells_[i]];
        }
        cells_.resize(kGroupTopValues);
        total_bound_ += bound;
      }
      for (uint32_t cell : cells_) {
        scratch_.assign(1, 's');  // AppendStringKey
        texts->AppendText(cell, &scratch_);
        uint32_t ord = Add(0, scratch_, KeyTable::Hash(scratch_), cell_counts_[cell]);
        if (head_only) bounds_[ord] += bound;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      if (!has_[i]) ++Owned(missing_, 0);
    }
    return Status::OK();
  }

  void MergeFrom(Aggregator& other, std::span<const uint32_t> owner_map) override {
    auto& o = static_cast<TermsAggregator&>(other);
    uint64_t keys_total = keys_total_ + o.keys_total_;
    std::vector<uint32_t> child_map(o.table_.size(), kNoOwner);
    for (uint32_t ord = 0; ord < o.table_.size(); ++ord) {
      uint32_t owner = o.table_.owner(ord);
      if (owner >= owner_map.size()) continue;
      std::string_view key = o.table_.key(ord);
      uint32_t mine = Add(owner_map[owner], key, KeyTable::Hash(key), o.counts_[ord]);
      bounds_[mine] += o.bounds_[ord];
      child_map[ord] = mine;
    }
    keys_total_ = keys_total;
    total_bound_ += o.total_bound_;
    for (size_t i = 0; i < o.missing_.size() && i < owner_map.size(); ++i) {
      Owned(missing_, owner_map[i]) += o.missing_[i];
    }
    for (size_t c = 0; c < children_.size(); ++c)
      children_[c]->MergeFrom(*o.children_[c], child_map);
  }

  Result<AggregationResult> Finish(uint32_t owner) override {
    if (phase_ == Phase::kChildrenOfChosen) return FinishChosen();
    if (!indexed_) {
      by_owner_.resize(table_.size());
      for (uint32_t o = 0; o < table_.size(); ++o) by_owner_[o] = o;
      std::stable_sort(by_owner_.begin(), by_owner_.end(),
                       [&](uint32_t a, uint32_t b) { return table_.owner(a) < table_.owner(b); });
      indexed_ = true;
    }
    AggregationResult r;
    r.name = spec_.name;
    r.kind = spec_.kind;
    r.missing = owner < missing_.size() ? missing_[owner] : 0;
    auto lo = std::lower_bound(by_owner_.begin(), by_owner_.end(), owner,
                               [&](uint32_t ord, uint32_t o) { return table_.owner(ord) < o; });
    auto hi = std::upper_bound(lo, by_owner_.end(), owner,
                               [&](uint32_t o, uint32_t ord) { return o < table_.owner(ord); });
    std::vector<uint32_t> ords(lo, hi);
    uint64_t total = 0;
    if (owner == 0 && top_level_) {
      total = keys_total_;  // includes values the top-k merge left unlisted
    } else {
      for (uint32_t o : ords) total += counts_[o];
    }
    auto better = [&](uint32_t a, uint32_t b) {
      if (counts_[a] != counts_[b]) return counts_[a] > counts_[b];
      return KeyLess(table_.key(a), table_.key(b));
    };
    size_t top = std::min(spec_.size, ords.size());
    std::partial_sort(ords.begin(), ords.begin() + static_cast<std::ptrdiff_t>(top), ords.end(),
                      better);
    if (owner == 0 && top_k_ && total_bound_ > 0 && !ProvenExact(ords, top)) {
      needs_exact_ = true;  // and no buckets noted: the second pass counts every key
      return r;
    }
    if (phase_ == Phase::kFindBuckets) {
      // The buckets are known; the second pass fills in their sub-aggregations.
      ChosenTerms& c = (*chosen_)[spec_.name];
      c.keys.clear();
      for (size_t i = 0; i < top; ++i) c.keys.emplace_back(table_.key(ords[i]));
      c.total = total;
      c.missing = r.missing;
      needs_exact_ = true;
      return r;
    }
    uint64_t shown = 0;
    for (size_t i = 0; i < top; ++i) {
      ASSIGN_OR_RETURN(AggregationBucket b, Bucket(table_.key(ords[i]), ords[i]));
      shown += b.doc_count;
      r.buckets.push_back(std::move(b));
    }
    r.sum_other_doc_count = total - shown;
    return r;
  }

  bool NeedsExactPass() const override { return needs_exact_; }

 private:
  enum class Phase { kAll, kFindBuckets, kChildrenOfChosen };

  // The bucket of key `key` (ordinal `ord`): its count and its sub-aggregations' results.
  Result<AggregationBucket> Bucket(std::string_view key, uint32_t ord) {
    AggregationBucket b;
    SetBucketKey(key, &b);
    b.doc_count = counts_[ord];
    for (auto& c : children_) {
      ASSIGN_OR_RETURN(AggregationResult cr, c->Finish(ord));
      b.children.push_back(std::move(cr));
    }
    return b;
  }

  // The second breadth-first pass: the chosen buckets, in the first pass's order, with their
  // sub-aggregations; totals from the first pass (this one skipped the other keys' rows).
  Result<AggregationResult> FinishChosen() {
    AggregationResult r;
    r.name = spec_.name;
    r.kind = spec_.kind;
    r.missing = chosen_entry_->missing;
    uint64_t shown = 0;
    for (const std::string& key : chosen_entry_->keys) {
      uint32_t ord = Add(0, key, KeyTable::Hash(key), 0);  // a chosen key this pass never met
      ASSIGN_OR_RETURN(AggregationBucket b, Bucket(key, ord));
      shown += b.doc_count;
      r.buckets.push_back(std::move(b));
    }
    r.sum_other_doc_count = chosen_entry_->total - std::min(chosen_entry_->total, shown);
    return r;
  }

  template <typename T>
  static T& Owned(std::vector<T>& v, uint32_t owner) {
    if (owner >= v.size()) v.resize(owner + 1);
    return v[owner];
  }

  uint32_t Add(uint32_t owner, std::string_view key, uint64_t hash, uint64_t count) {
    bool inserted;
    uint32_t ord = table_.Find(owner, key, hash, &inserted);
    if (inserted) {
      counts_.push_back(0);
      bounds_.push_back(0);
    }
    counts_[ord] += count;
    if (owner == 0) keys_total_ += count;
    return ord;
  }

  // Whether the first `top` of `ords` (sorted by the partial counts) are the true top values
  // with their true counts.
  bool ProvenExact(const std::vector<uint32_t>& ords, size_t top) const {
    // A value's true count is at most its partial count plus what the groups that left it out
    // may hold; a value no list named may hold up to total_bound_.
    auto upper = [&](uint32_t ord) { return counts_[ord] + (total_bound_ - bounds_[ord]); };
    if (top < spec_.size) return false;  // values nobody listed might fill the free places
    for (size_t i = 0; i < top; ++i) {
      if (upper(ords[i]) != counts_[ords[i]]) return false;  // its count is not exact
    }
    uint64_t last = counts_[ords[top - 1]];
    if (total_bound_ >= last) return false;
    for (size_t i = top; i < ords.size(); ++i) {
      if (upper(ords[i]) >= last) return false;
    }
    return true;
  }

  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  AggregationSpec spec_;
  bool top_level_;  // fed without owners
  bool top_k_ = false;
  Phase phase_ = Phase::kAll;
  bool collect_children_ = false;
  std::shared_ptr<ChosenTermsMap> chosen_;
  const ChosenTerms* chosen_entry_ = nullptr;                       // kChildrenOfChosen
  std::unordered_set<std::string, KeyHash, std::equal_to<>> only_;  // kChildrenOfChosen
  std::vector<std::unique_ptr<Aggregator>> children_;
  KeyTable table_;
  std::vector<uint64_t> counts_;  // by ordinal (top-k merge: the partial counts, L)
  std::vector<uint64_t> bounds_;  // by ordinal: bounds of the groups whose list named it
  uint64_t total_bound_ = 0;      // sum of every group's bound
  uint64_t keys_total_ = 0;       // owner 0: (document, value) pairs, listed or not
  bool needs_exact_ = false;
  std::vector<uint64_t> missing_;  // by owner
  std::string scratch_;
  // Per batch and block.
  std::vector<uint8_t> has_;
  std::vector<uint64_t> cell_counts_;
  std::vector<uint32_t> cells_;
  std::vector<uint64_t> cell_hashes_;
  std::vector<std::string> cell_keys_;
  std::vector<uint8_t> cell_state_;  // 0 not made, 1 key, 2 no key, 3 not a chosen bucket
  ChildRows child_rows_;
  // Finish: ordinals sorted by owner.
  bool indexed_ = false;
  std::vector<uint32_t> by_owner_;
};

}  // namespace

std::unique_ptr<Aggregator> NewTermsAggregator(const AggregationSpec& spec, bool top_level,
                                               const AggregationContext& context,
                                               std::vector<std::unique_ptr<Aggregator>> children) {
  return std::make_unique<TermsAggregator>(spec, top_level, context.exact, context.chosen,
                                           std::move(children));
}

}  // namespace perimeter::query
