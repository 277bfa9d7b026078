// date_histogram: documents per time bucket (date_rounding.h), empty buckets filled in across
// the request's time range (or between the first and last bucket with data). A document whose
// field holds several timestamps counts once per bucket they fall in.
#include <map>

#include "core/time_zone.h"
#include "query/aggregator.h"
#include "query/column_cells.h"
#include "query/field_visitor.h"

namespace perimeter::query {

namespace {

using store::ColumnBlock;

constexpr int64_t kNanosPerMinute = 60'000'000'000;

// "2024-05-03T00:00:00.000+02:00" (or "Z" in UTC), as Elasticsearch writes key_as_string.
std::string LocalIso(int64_t ts_ns, int32_t offset_seconds) {
  Timestamp local(ts_ns + static_cast<int64_t>(offset_seconds) * 1'000'000'000);
  std::string s = local.ToIso8601();  // "...Z" with milliseconds
  if (offset_seconds == 0) return s;
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  int32_t off = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_seconds < 0 ? '-' : '+', off / 3600,
                (off / 60) % 60);
  return s + buf;
}

class DateHistogramAggregator final : public Aggregator {
 public:
  DateHistogramAggregator(const AggregationSpec& spec, const AggregationContext& context,
                          DateRounding rounding, std::vector<std::unique_ptr<Aggregator>> children)
      : spec_(spec),
        context_(context),
        rounding_(std::move(rounding)),
        cursor_(rounding_),
        children_(std::move(children)) {}

  Result<bool> CollectWhole(GroupData& data) override {
    if (!children_.empty() || spec_.field != "@timestamp") return false;
    const FieldColumns& f = data.columns().Field(spec_.field);
    int ts = data.columns().timestamp_column();
    if (f.ambiguous || ts < 0) return false;
    for (size_t c : f.values) {
      if (data.block_meta(c) != nullptr && static_cast<int>(c) != ts) return false;
    }
    const store::BlockMeta* m = data.block_meta(static_cast<size_t>(ts));
    const store::RowGroupMeta& g = data.meta();
    if (m == nullptr || m->present != g.rows) return false;
    // Per-minute counts answer when every minute of the group falls in one bucket.
    keys_.resize(g.minute_counts.size());
    for (size_t i = 0; i < g.minute_counts.size(); ++i) {
      if (g.minute_counts[i] == 0) continue;
      int64_t start = (g.first_minute + static_cast<int64_t>(i)) * kNanosPerMinute;
      if (!cursor_.KeyOfSpan(start, start + kNanosPerMinute, &keys_[i])) return false;
    }
    for (size_t i = 0; i < g.minute_counts.size(); ++i) {
      if (g.minute_counts[i] != 0) counts_[Ordinal(0, keys_[i])] += g.minute_counts[i];
    }
    return true;
  }

  Result<bool> CollectFilteredGroup(GroupData& data, std::string_view filter,
                                    std::span<const uint32_t> rows) override {
    if (!children_.empty()) return false;
    using KeyCounts = std::vector<std::pair<int64_t, uint64_t>>;
    auto counts = data.Cached<KeyCounts>(
        "histogram:" + spec_.field + ":" + rounding_.interval().text + ":" +
            rounding_.zone().name() + "|" + std::string(filter),
        [&]() -> Result<std::shared_ptr<const KeyCounts>> {
          DateHistogramAggregator one(spec_, context_, rounding_, {});
          RETURN_IF_ERROR(one.Collect(data, RowBatch{rows, {}}));
          auto made = std::make_shared<KeyCounts>();
          for (const auto& [key, ord] : one.ordinals_)
            made->emplace_back(key.second, one.counts_[ord]);
          return std::shared_ptr<const KeyCounts>(std::move(made));
        },
        [](const KeyCounts& v) { return v.size() * 16; });
    if (!counts.ok()) return counts.status();
    for (const auto& [key, n] : **counts) counts_[Ordinal(0, key)] += n;
    return true;
  }

  Status Collect(GroupData& data, const RowBatch& batch) override {
    child_rows_.Clear();
    const ColumnBlock* block = nullptr;
    bool by_code = false;
    uint32_t last_owner = kNoOwner;
    int64_t last_key = 0;
    uint32_t last_ord = 0;
    auto add = [&](size_t i, int64_t ts) {
      uint32_t owner = batch.owner(i);
      int64_t key = cursor_.KeyOf(ts);
      if (owner != last_owner || key != last_key) {
        last_ord = Ordinal(owner, key);
        last_owner = owner;
        last_key = key;
      }
      ++counts_[last_ord];
      if (!children_.empty()) {
        child_rows_.Add(batch.rows[i], last_ord);
      }
    };
    // Several timestamps of one document in one bucket count once.
    std::vector<int64_t> keys;
    auto add_many = [&](size_t i, const std::vector<int64_t>& stamps) {
      keys.clear();
      for (int64_t t : stamps) {
        int64_t k = cursor_.KeyOf(t);
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
          keys.push_back(k);
          add(i, t);
        }
      }
    };
    std::vector<int64_t> stamps;
    RETURN_IF_ERROR(VisitField(
        data, spec_.field, batch,
        [&](const ColumnBlock& b, bool bc) {
          block = &b;
          by_code = bc;
        },
        [&](size_t i, uint32_t cell) {
          if (block->type == store::ColumnType::kTimestamp) {
            add(i, by_code ? block->int_dictionary[cell] : block->ints[cell]);
            return;
          }
          stamps.clear();
          ForEachCellTimestamp(*block, by_code, cell, [&](int64_t t) { stamps.push_back(t); });
          add_many(i, stamps);
        },
        [&](size_t i, const Value* v) {
          if (v == nullptr) return;
          stamps.clear();
          ForEachValueTimestamp(*v, [&](int64_t t) { stamps.push_back(t); });
          add_many(i, stamps);
        }));
    return child_rows_.CollectInto(children_, data);
  }

  void MergeFrom(Aggregator& other, std::span<const uint32_t> owner_map) override {
    auto& o = static_cast<DateHistogramAggregator&>(other);
    std::vector<uint32_t> child_map(o.counts_.size(), kNoOwner);
    for (const auto& [key, ord] : o.ordinals_) {
      if (key.first >= owner_map.size()) continue;
      uint32_t mine = Ordinal(owner_map[key.first], key.second);
      counts_[mine] += o.counts_[ord];
      child_map[ord] = mine;
    }
    for (size_t c = 0; c < children_.size(); ++c)
      children_[c]->MergeFrom(*o.children_[c], child_map);
  }

  Result<AggregationResult> Finish(uint32_t owner) override {
    AggregationResult r;
    r.name = spec_.name;
    r.kind = spec_.kind;
    r.interval = rounding_.interval().text;
    auto lo = ordinals_.lower_bound({owner, INT64_MIN});
    auto hi = ordinals_.lower_bound({owner == kNoOwner ? owner : owner + 1, INT64_MIN});
    if (owner == kNoOwner) hi = ordinals_.end();
    std::optional<int64_t> first, last;
    if (lo != hi) {
      first = lo->first.second;
      last = std::prev(hi)->first.second;
    }
    // The request's range, when it gives one and the buckets fit.
    std::optional<int64_t> range_first, range_last;
    if (context_.from_ns) range_first = rounding_.KeyOf(*context_.from_ns);
    if (context_.to_ns && *context_.to_ns > (context_.from_ns ? *context_.from_ns : INT64_MIN)) {
      range_last = rounding_.KeyOf(*context_.to_ns - 1);
    }
    int64_t span_first =
        range_first ? std::min(*range_first, first.value_or(*range_first)) : first.value_or(0);
    int64_t span_last =
        range_last ? std::max(*range_last, last.value_or(*range_last)) : last.value_or(0);
    bool have_span = (range_first || first) && (range_last || last);
    if (have_span && range_first && range_last &&
        (span_last - span_first) / rounding_.interval().NominalNanos() >
            static_cast<int64_t>(kMaxHistogramBuckets)) {
      // Too wide to fill: only between the buckets that have data.
      have_span = first.has_value();
      span_first = first.value_or(0);
      span_last = last.value_or(0);
    }
    if (!have_span) return r;
    auto it = lo;
    for (int64_t key = span_first; key <= span_last; key = rounding_.NextKey(key)) {
      if (r.buckets.size() >= kMaxHistogramBuckets) {
        return Status::InvalidArgument("aggregation " + spec_.name + ": more than " +
                                       std::to_string(kMaxHistogramBuckets) +
                                       " buckets; use a larger interval or a shorter range");
      }
      // Data keys between the filled ones (a zone's irregular calendar) are kept too.
      while (it != hi && it->first.second < key) {
        ASSIGN_OR_RETURN(AggregationBucket b, Bucket(it->first.second, it->second));
        r.buckets.push_back(std::move(b));
        ++it;
      }
      uint32_t ord = kNoOwner;
      if (it != hi && it->first.second == key) {
        ord = it->second;
        ++it;
      }
      ASSIGN_OR_RETURN(AggregationBucket b, Bucket(key, ord));
      r.buckets.push_back(std::move(b));
    }
    for (; it != hi; ++it) {
      ASSIGN_OR_RETURN(AggregationBucket b, Bucket(it->first.second, it->second));
      r.buckets.push_back(std::move(b));
    }
    return r;
  }

 private:
  uint32_t Ordinal(uint32_t owner, int64_t key) {
    auto [it, inserted] =
        ordinals_.try_emplace({owner, key}, static_cast<uint32_t>(counts_.size()));
    if (inserted) counts_.push_back(0);
    return it->second;
  }

  Result<AggregationBucket> Bucket(int64_t key, uint32_t ord) {
    AggregationBucket b;
    b.key = Timestamp(key).millis();
    b.key_as_string = LocalIso(key, rounding_.zone().OffsetAt(Timestamp(key).seconds()));
    b.doc_count = ord == kNoOwner ? 0 : counts_[ord];
    for (auto& c : children_) {
      ASSIGN_OR_RETURN(AggregationResult cr, c->Finish(ord));
      b.children.push_back(std::move(cr));
    }
    return b;
  }

  AggregationSpec spec_;
  AggregationContext context_;
  DateRounding rounding_;
  DateRounding::Cursor cursor_;
  std::vector<std::unique_ptr<Aggregator>> children_;
  std::map<std::pair<uint32_t, int64_t>, uint32_t> ordinals_;  // (owner, key) -> ordinal
  std::vector<uint64_t> counts_;
  std::vector<int64_t> keys_;
  ChildRows child_rows_;
};

}  // namespace

Result<std::unique_ptr<Aggregator>> NewDateHistogramAggregator(
    const AggregationSpec& spec, const AggregationContext& context,
    std::vector<std::unique_ptr<Aggregator>> children) {
  auto zone = TimeZone::Find(spec.time_zone);
  if (!zone.ok()) {
    return Status::InvalidArgument("aggregation " + spec.name + ": " + zone.status().message());
  }
  DateInterval interval;
  if (spec.interval) {
    interval = *spec.interval;
  } else {
    int64_t from = context.from_ns.value_or(context.data_min_ns);
    int64_t to = context.to_ns.value_or(context.data_max_ns + 1);
    interval = DateInterval::Auto(to > from ? to - from : 1, spec.target_buckets);
  }
  return std::unique_ptr<Aggregator>(std::make_unique<DateHistogramAggregator>(
      spec, context, DateRounding(std::move(interval), std::move(*zone)), std::move(children)));
}

}  // namespace perimeter::query
