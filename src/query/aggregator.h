// Aggregators: the executor feeds each the rows of every row group that match (with, for
// sub-aggregations, the bucket of the parent each row falls in — its *owner*), or lets it answer
// a whole group from the block summaries when no filter applies; Finish gives the result for an
// owner. One aggregator serves all buckets of its parent, its state indexed by owner.
// Created per search; one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "query/group_data.h"
#include "query/search_request.h"

namespace perimeter::query {

// Rows of one row group and the bucket of the parent each belongs to (none: all in bucket 0).
struct RowBatch {
  std::span<const uint32_t> rows;
  std::span<const uint32_t> owners;
  uint32_t owner(size_t i) const { return owners.empty() ? 0 : owners[i]; }
};

// An owner no row was given for (a date_histogram bucket filled in empty): Finish gives the
// empty result.
constexpr uint32_t kNoOwner = 0xffffffffu;

// Terms with sub-aggregations are answered breadth first (Elasticsearch's breadth_first collect
// mode): the first pass finds a top-level terms aggregation's buckets without its
// sub-aggregations and notes them here; the second (exact) pass collects the sub-aggregations
// for those buckets' rows only — not for each of 200 k source addresses. By aggregation name.
struct ChosenTerms {
  std::vector<std::string> keys;  // bucket keys (query/bucket_key.h bytes), best first
  uint64_t total = 0;             // (document, value) pairs, in the buckets or not
  uint64_t missing = 0;           // documents without a value
};
using ChosenTermsMap = std::map<std::string, ChosenTerms, std::less<>>;

// What the whole search knows that aggregations need.
struct AggregationContext {
  std::optional<int64_t> from_ns, to_ns;     // the request's time range
  int64_t data_min_ns = 0, data_max_ns = 0;  // @timestamp span of the parts searched
  bool exact = false;                        // no top-k shortcuts (the second pass)
  // Filled by the first pass, read by the second; shared by every scan thread's aggregators.
  std::shared_ptr<ChosenTermsMap> chosen = std::make_shared<ChosenTermsMap>();
};

class Aggregator {
 public:
  virtual ~Aggregator() = default;
  // A top-level aggregation over every row of a group (no filter, wholly in the time range):
  // adds the group from block summaries (dictionary counts, per-minute counts) and returns
  // true, or returns false having added nothing — then Collect gets the rows.
  virtual Result<bool> CollectWhole(GroupData& data) {
    (void)data;
    return false;
  }
  // A top-level aggregation over `rows`, the rows of a group wholly in the time range that match
  // the search's filter (`filter`: its canonical text): may keep what it derives from them in
  // the block cache under the filter, so the next search with that filter (a dashboard refresh,
  // another panel) reads it back instead of decoding. False: not handled, Collect gets the rows.
  virtual Result<bool> CollectFilteredGroup(GroupData& data, std::string_view filter,
                                            std::span<const uint32_t> rows) {
    (void)data, (void)filter, (void)rows;
    return false;
  }
  // A top-level aggregation over the rows of a group wholly in the time range that match a
  // filter of one clause on `field`, given the entries of the field's dictionaries that match
  // (RowFilter::MatchDictionaries; their counts are the rows): adds them without reading rows and
  // returns true, or returns false having added nothing — then the rows are collected.
  virtual Result<bool> CollectMatchedEntries(GroupData& data, const std::string& field,
                                             std::span<const DictionaryMatch> matches) {
    (void)data, (void)field, (void)matches;
    return false;
  }
  virtual Status Collect(GroupData& data, const RowBatch& batch) = 0;
  // Adds what `other` (the same aggregation, fed other row groups on another thread) collected;
  // its owner o becomes owner_map[o] here.
  virtual void MergeFrom(Aggregator& other, std::span<const uint32_t> owner_map) = 0;
  virtual Result<AggregationResult> Finish(uint32_t owner) = 0;
  // After Finish: the answer could not be proven exact from the summaries this pass gathered
  // (terms' top-k merge, see terms_aggregator.cc); the executor scans again with a new
  // aggregator made with AggregationContext::exact.
  virtual bool NeedsExactPass() const { return false; }
};

// The rows a bucket aggregation hands its sub-aggregations from one Collect(), each with the
// bucket (owner) it fell in; the buffers are reused from batch to batch. One thread at a time.
class ChildRows {
 public:
  void Clear() {
    rows_.clear();
    owners_.clear();
  }
  void Add(uint32_t row, uint32_t owner) {
    rows_.push_back(row);
    owners_.push_back(owner);
  }
  // Feeds the rows gathered since Clear() to every child.
  Status CollectInto(std::span<const std::unique_ptr<Aggregator>> children, GroupData& data) const;

 private:
  std::vector<uint32_t> rows_, owners_;
};

Result<std::unique_ptr<Aggregator>> CreateAggregator(const AggregationSpec& spec,
                                                     const AggregationContext& context,
                                                     bool top_level = true);

}  // namespace perimeter::query

namespace perimeter::query {

// The implementations, one file each; `children` are the sub-aggregations (bucket kinds only).
std::unique_ptr<Aggregator> NewCountAggregator(const AggregationSpec& spec);
std::unique_ptr<Aggregator> NewCardinalityAggregator(const AggregationSpec& spec);
std::unique_ptr<Aggregator> NewStatsAggregator(const AggregationSpec& spec);
// `top_level`: fed without owners (the top-k merge applies).
std::unique_ptr<Aggregator> NewTermsAggregator(const AggregationSpec& spec, bool top_level,
                                               const AggregationContext& context,
                                               std::vector<std::unique_ptr<Aggregator>> children);
Result<std::unique_ptr<Aggregator>> NewDateHistogramAggregator(
    const AggregationSpec& spec, const AggregationContext& context,
    std::vector<std::unique_ptr<Aggregator>> children);
std::unique_ptr<Aggregator> NewGeoGridAggregator(const AggregationSpec& spec,
                                                 std::vector<std::unique_ptr<Aggregator>> children);

// Bucket keys as results show them: the value, with timestamps as epoch ms plus ISO text.
void SetBucketKey(std::string_view key, AggregationBucket* bucket);

}  // namespace perimeter::query
