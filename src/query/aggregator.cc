#include "query/aggregator.h"

#include "query/bucket_key.h"

namespace perimeter::query {

Status ChildRows::CollectInto(std::span<const std::unique_ptr<Aggregator>> children,
                              GroupData& data) const {
  if (rows_.empty()) return Status::OK();
  const RowBatch batch{rows_, owners_};
  for (const auto& child : children) RETURN_IF_ERROR(child->Collect(data, batch));
  return Status::OK();
}

Result<std::unique_ptr<Aggregator>> CreateAggregator(const AggregationSpec& spec,
                                                     const AggregationContext& context,
                                                     bool top_level) {
  std::vector<std::unique_ptr<Aggregator>> children;
  for (const AggregationSpec& child : spec.children) {
    ASSIGN_OR_RETURN(std::unique_ptr<Aggregator> a, CreateAggregator(child, context, false));
    children.push_back(std::move(a));
  }
  using K = AggregationSpec::Kind;
  switch (spec.kind) {
    case K::kCount:
      return NewCountAggregator(spec);
    case K::kCardinality:
      return NewCardinalityAggregator(spec);
    case K::kStats:
      return NewStatsAggregator(spec);
    case K::kTerms:
      return NewTermsAggregator(spec, top_level, context, std::move(children));
    case K::kDateHistogram:
      return NewDateHistogramAggregator(spec, context, std::move(children));
    case K::kGeoGrid:
      return NewGeoGridAggregator(spec, std::move(children));
  }
  return Status::InvalidArgument("unknown aggregation kind");
}

void SetBucketKey(std::string_view key, AggregationBucket* bucket) {
  Value v = KeyToValue(key);
  if (v.is_timestamp()) {
    bucket->key = v.as_timestamp().millis();
    bucket->key_as_string = v.as_timestamp().ToIso8601();
  } else {
    bucket->key = std::move(v);
  }
}

}  // namespace perimeter::query
