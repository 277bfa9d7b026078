// The search API's request and response: C++ structs the executor (search.h) takes and gives,
// and their JSON form (Elasticsearch-like, for the HTTP API): ParseSearchRequest reads the
// request object, ToObject writes the response. Plain values.
//
// Request: {"query": "dst_port:22", "from": "now-24h" | ISO 8601 | epoch ms, "to": ...,
//   "size": 50, "sort": "@timestamp:desc", "search_after": [sort value, part key, row],
//   "track_total_hits": true, "aggs": {"name": {"<kind>": {...}, "aggs": {...}}}}
// Aggregation kinds: count {field?}, date_histogram {field, interval | buckets, time_zone},
//   terms {field, size}, cardinality {field}, stats {field},
//   geo_grid {field | lat_field + lon_field, precision, size}.
//   Bucket kinds (date_histogram, terms, geo_grid) take sub-aggregations.
// Response: {"took": ms, "hits": {"total": n, "hits": [{"_id", "_source", "sort"}]},
//   "aggregations": {"name": {...}}} — see AggregationResult::ToObject for each kind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "core/value.h"
#include "query/date_rounding.h"

namespace perimeter::query {

// Largest page of hits: each hit is a whole decoded event.
constexpr size_t kMaxHitsSize = 10000;
// Largest `size` of terms and geo_grid: more buckets than a screen can show.
constexpr size_t kMaxBucketsSize = 65536;
// Most buckets one date_histogram may produce (with empty ones filled in).
constexpr size_t kMaxHistogramBuckets = 100000;
// Sub-aggregations nest at most this deep (country → IP → port → ...).
constexpr int kMaxAggregationDepth = 8;

struct AggregationSpec {
  enum class Kind { kCount, kDateHistogram, kTerms, kCardinality, kStats, kGeoGrid };
  std::string name;
  Kind kind = Kind::kCount;
  std::string field;  // count: empty counts documents, a field counts its values

  // date_histogram
  std::optional<DateInterval> interval;  // nullopt: automatic, about `target_buckets`
  int64_t target_buckets = 60;
  std::string time_zone = "UTC";  // IANA name or offset ("+02:00")
  // terms, geo_grid
  size_t size = 10;
  // geo_grid: zoom level 0..29; a point in two number fields instead of `field`
  int precision = 4;
  std::string lat_field, lon_field;

  std::vector<AggregationSpec> children;
  bool is_bucketing() const {
    return kind == Kind::kDateHistogram || kind == Kind::kTerms || kind == Kind::kGeoGrid;
  }
};

struct SortSpec {
  std::string field = "@timestamp";
  bool descending = true;
};

// Where the previous page ended: its last hit's sort value and tie-breaker (see search.h).
struct SearchCursor {
  Value sort_value;  // null when the last hit had no value in the sort field
  uint64_t part_key = 0;
  uint64_t row = 0;
};

struct SearchRequest {
  std::string query;               // Lucene query string; empty = everything
  std::optional<int64_t> from_ns;  // @timestamp >= from
  std::optional<int64_t> to_ns;    // @timestamp < to
  size_t size = 10;
  SortSpec sort;
  std::optional<SearchCursor> search_after;
  bool track_total_hits = true;  // false: total counts only what was needed for the hits
  std::vector<AggregationSpec> aggs;
};

// Parses the JSON request; `now_ns` resolves "now-24h". Errors name the member.
Result<SearchRequest> ParseSearchRequest(const Object& request, int64_t now_ns);
// "now", "now-15m", "now-7d", ISO 8601, or epoch milliseconds (a number or digits).
Result<int64_t> ParseTimeBound(const Value& v, int64_t now_ns);
// "24h", "7d", "30m", "90s", "2w": a duration in nanoseconds.
Result<int64_t> ParseDuration(std::string_view text);

struct GeoCentroid {
  double lat = 0, lon = 0;
};

struct AggregationResult;

struct AggregationBucket {
  Value key;                  // terms: the value; date_histogram: epoch ms; geo_grid: "z/x/y"
  std::string key_as_string;  // date_histogram: ISO 8601 in the zone
  uint64_t doc_count = 0;
  std::optional<GeoCentroid> centroid;  // geo_grid
  std::vector<AggregationResult> children;
};

struct AggregationResult {
  std::string name;
  AggregationSpec::Kind kind = AggregationSpec::Kind::kCount;
  uint64_t value = 0;  // count, cardinality
  // stats (min/max/avg null when count is 0)
  uint64_t count = 0;
  double min = 0, max = 0, sum = 0;
  // bucket kinds
  std::vector<AggregationBucket> buckets;
  uint64_t sum_other_doc_count = 0;  // terms, geo_grid: documents in buckets not returned
  uint64_t missing = 0;              // terms: documents without a value
  std::string interval;              // date_histogram: the interval used ("1h")

  Value ToValue() const;
};

struct SearchHit {
  std::string id;  // see search.h EventId
  Event source;
  Value sort_value;
  uint64_t part_key = 0;
  uint64_t row = 0;
};

struct SearchResponse {
  uint64_t total = 0;
  std::vector<SearchHit> hits;
  std::vector<AggregationResult> aggregations;
  int64_t took_ms = 0;

  Object ToObject() const;
};

}  // namespace perimeter::query
