#include "query/search_request.h"

#include <charconv>

#include "core/timestamp.h"

namespace perimeter::query {

namespace {

constexpr int64_t kNanosPerMilli = 1'000'000;

Status Bad(std::string_view where, std::string_view what) {
  return Status::InvalidArgument(std::string(where) + ": " + std::string(what));
}

Result<int64_t> IntMember(const Object& o, std::string_view key, std::string_view where,
                          int64_t fallback, int64_t lo, int64_t hi) {
  const Value* v = o.Find(key);
  if (v == nullptr || v->is_null()) return fallback;
  int64_t n;
  if (v->is_int()) {
    n = v->as_int();
  } else if (v->is_float() &&
             v->as_float() == static_cast<double>(static_cast<int64_t>(v->as_float()))) {
    n = static_cast<int64_t>(v->as_float());
  } else if (v->is_string()) {
    const std::string& s = v->as_string();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || p != s.data() + s.size()) {
      return Bad(where, "\"" + std::string(key) + "\" must be an integer");
    }
  } else {
    return Bad(where, "\"" + std::string(key) + "\" must be an integer");
  }
  if (n < lo || n > hi) {
    return Bad(where, "\"" + std::string(key) + "\" must be between " + std::to_string(lo) +
                          " and " + std::to_string(hi));
  }
  return n;
}

Result<std::string> StringMember(const Object& o, std::string_view key, std::string_view where,
                                 bool required, std::string fallback = {}) {
  const Value* v = o.Find(key);
  if (v == nullptr || v->is_null()) {
    if (required) return Bad(where, "\"" + std::string(key) + "\" is required");
    return fallback;
  }
  if (!v->is_string()) return Bad(where, "\"" + std::string(key) + "\" must be a string");
  return v->as_string();
}

Result<std::vector<AggregationSpec>> ParseAggs(const Object& aggs, std::string_view where,
                                               int depth);

Result<AggregationSpec> ParseAgg(const std::string& name, const Value& body,
                                 std::string_view parent, int depth) {
  std::string where = std::string(parent) + "." + name;
  if (!body.is_object()) return Bad(where, "must be an object like {\"terms\": {\"field\": ...}}");
  AggregationSpec spec;
  spec.name = name;
  const Object& o = body.as_object();
  const Object* params = nullptr;
  const Object* children = nullptr;
  for (size_t i = 0; i < o.size(); ++i) {
    const std::string& key = o.key(i);
    const Value& v = o.value(i);
    if (key == "aggs" || key == "aggregations") {
      if (!v.is_object()) return Bad(where, "\"aggs\" must be an object");
      children = &v.as_object();
      continue;
    }
    if (params != nullptr) {
      return Bad(where, "has two kinds (\"" + key + "\" and another); give one per aggregation");
    }
    using K = AggregationSpec::Kind;
    if (key == "count" || key == "value_count") {
      spec.kind = K::kCount;
    } else if (key == "date_histogram") {
      spec.kind = K::kDateHistogram;
    } else if (key == "terms") {
      spec.kind = K::kTerms;
    } else if (key == "cardinality") {
      spec.kind = K::kCardinality;
    } else if (key == "stats") {
      spec.kind = K::kStats;
    } else if (key == "geo_grid" || key == "geotile_grid") {
      spec.kind = K::kGeoGrid;
    } else {
      return Bad(where, "unknown aggregation \"" + key +
                            "\" (count, date_histogram, terms, cardinality, stats, geo_grid)");
    }
    if (!v.is_object()) return Bad(where, "\"" + key + "\" must be an object");
    params = &v.as_object();
  }
  if (params == nullptr) return Bad(where, "names no aggregation kind");
  const Object& p = *params;
  using K = AggregationSpec::Kind;
  switch (spec.kind) {
    case K::kCount: {
      ASSIGN_OR_RETURN(spec.field, StringMember(p, "field", where, false));
      break;
    }
    case K::kDateHistogram: {
      ASSIGN_OR_RETURN(spec.field, StringMember(p, "field", where, false, "@timestamp"));
      std::string interval;
      for (const char* k : {"interval", "fixed_interval", "calendar_interval"}) {
        ASSIGN_OR_RETURN(std::string s, StringMember(p, k, where, false));
        if (!s.empty()) interval = s;
      }
      if (!interval.empty() && interval != "auto") {
        auto parsed = DateInterval::Parse(interval);
        if (!parsed.ok()) return Bad(where, parsed.status().message());
        spec.interval = *parsed;
      }
      ASSIGN_OR_RETURN(spec.target_buckets, IntMember(p, "buckets", where, 60, 1, 10000));
      ASSIGN_OR_RETURN(spec.time_zone, StringMember(p, "time_zone", where, false, "UTC"));
      break;
    }
    case K::kTerms: {
      ASSIGN_OR_RETURN(spec.field, StringMember(p, "field", where, true));
      ASSIGN_OR_RETURN(int64_t size,
                       IntMember(p, "size", where, 10, 1, static_cast<int64_t>(kMaxBucketsSize)));
      spec.size = static_cast<size_t>(size);
      break;
    }
    case K::kCardinality:
    case K::kStats: {
      ASSIGN_OR_RETURN(spec.field, StringMember(p, "field", where, true));
      break;
    }
    case K::kGeoGrid: {
      ASSIGN_OR_RETURN(spec.lat_field, StringMember(p, "lat_field", where, false));
      ASSIGN_OR_RETURN(spec.lon_field, StringMember(p, "lon_field", where, false));
      bool pair = !spec.lat_field.empty() && !spec.lon_field.empty();
      ASSIGN_OR_RETURN(spec.field, StringMember(p, "field", where, !pair));
      ASSIGN_OR_RETURN(int64_t precision, IntMember(p, "precision", where, 4, 0, 29));
      spec.precision = static_cast<int>(precision);
      ASSIGN_OR_RETURN(int64_t size, IntMember(p, "size", where, 10000, 1,
                                               static_cast<int64_t>(kMaxBucketsSize)));
      spec.size = static_cast<size_t>(size);
      break;
    }
  }
  if (children != nullptr) {
    if (!spec.is_bucketing()) {
      return Bad(where, "only date_histogram, terms and geo_grid take sub-aggregations");
    }
    if (depth + 1 >= kMaxAggregationDepth) return Bad(where, "sub-aggregations nest too deeply");
    ASSIGN_OR_RETURN(spec.children, ParseAggs(*children, where, depth + 1));
  }
  return spec;
}

Result<std::vector<AggregationSpec>> ParseAggs(const Object& aggs, std::string_view where,
                                               int depth) {
  std::vector<AggregationSpec> out;
  for (size_t i = 0; i < aggs.size(); ++i) {
    ASSIGN_OR_RETURN(AggregationSpec spec, ParseAgg(aggs.key(i), aggs.value(i), where, depth));
    out.push_back(std::move(spec));
  }
  return out;
}

Result<SortSpec> ParseSort(const Value& v) {
  SortSpec sort;
  const Value* item = &v;
  if (v.is_array()) {
    if (v.as_array().size() != 1) return Bad("sort", "give one sort field");
    item = &v.as_array()[0];
  }
  std::string dir;
  if (item->is_string()) {
    const std::string& s = item->as_string();
    size_t colon = s.rfind(':');
    if (colon != std::string::npos &&
        (s.substr(colon + 1) == "asc" || s.substr(colon + 1) == "desc")) {
      sort.field = s.substr(0, colon);
      dir = s.substr(colon + 1);
    } else {
      sort.field = s;
    }
  } else if (item->is_object() && item->as_object().size() == 1) {
    const Object& o = item->as_object();
    sort.field = o.key(0);
    const Value& d = o.value(0);
    if (d.is_string()) {
      dir = d.as_string();
    } else if (d.is_object() && d.as_object().Find("order") &&
               d.as_object().Find("order")->is_string()) {
      dir = d.as_object().Find("order")->as_string();
    }
  } else {
    return Bad("sort", "expected \"field:asc\" or \"field:desc\"");
  }
  if (sort.field.empty()) return Bad("sort", "empty field name");
  if (dir.empty()) dir = sort.field == "@timestamp" ? "desc" : "asc";
  if (dir != "asc" && dir != "desc") return Bad("sort", "order must be asc or desc");
  sort.descending = dir == "desc";
  return sort;
}

Result<SearchCursor> ParseCursor(const Value& v) {
  if (!v.is_array() || v.as_array().size() != 3 || !v.as_array()[1].is_int() ||
      !v.as_array()[2].is_int() || v.as_array()[1].as_int() < 0 || v.as_array()[2].as_int() < 0) {
    return Bad("search_after", "expected the \"sort\" array of the last hit: [value, part, row]");
  }
  SearchCursor c;
  c.sort_value = v.as_array()[0];
  c.part_key = static_cast<uint64_t>(v.as_array()[1].as_int());
  c.row = static_cast<uint64_t>(v.as_array()[2].as_int());
  return c;
}

}  // namespace

Result<int64_t> ParseDuration(std::string_view text) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view unit(p, static_cast<size_t>(text.data() + text.size() - p));
  auto bad = [&] {
    return Status::InvalidArgument("duration \"" + std::string(text) +
                                   "\": expected a count and a unit (90s, 15m, 24h, 7d, 2w)");
  };
  if (ec != std::errc() || p == text.data() || n < 0) return bad();
  int64_t unit_ns;
  if (unit == "ms") {
    unit_ns = kNanosPerMilli;
  } else if (unit == "s") {
    unit_ns = 1'000'000'000;
  } else if (unit == "m") {
    unit_ns = 60'000'000'000;
  } else if (unit == "h") {
    unit_ns = 3'600'000'000'000;
  } else if (unit == "d") {
    unit_ns = 86'400'000'000'000;
  } else if (unit == "w") {
    unit_ns = 7 * 86'400'000'000'000;
  } else {
    return bad();
  }
  if (n > INT64_MAX / unit_ns) return bad();
  return n * unit_ns;
}

Result<int64_t> ParseTimeBound(const Value& v, int64_t now_ns) {
  if (v.is_int()) return v.as_int() * kNanosPerMilli;
  if (v.is_float()) return static_cast<int64_t>(v.as_float() * kNanosPerMilli);
  if (v.is_timestamp()) return v.as_timestamp().nanos();
  if (!v.is_string()) return Status::InvalidArgument("a time must be a string or epoch ms");
  std::string_view s = v.as_string();
  if (s.substr(0, 3) == "now") {
    std::string_view rest = s.substr(3);
    if (rest.empty()) return now_ns;
    if (rest[0] == '-' || rest[0] == '+') {
      auto d = ParseDuration(rest.substr(1));
      if (d.ok()) return rest[0] == '-' ? now_ns - *d : now_ns + *d;
    }
    return Status::InvalidArgument("time \"" + std::string(s) +
                                   "\": expected now, now-24h, now-7d");
  }
  bool digits = !s.empty();
  for (char c : s) digits &= c >= '0' && c <= '9';
  if (digits) {
    int64_t ms = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
    if (ec == std::errc()) return ms * kNanosPerMilli;
  }
  std::string text(s);
  if (text.size() == 10) text += "T00:00:00Z";  // a date alone is its midnight (UTC)
  if (auto t = Timestamp::ParseIso8601(text)) return t->nanos();
  return Status::InvalidArgument("time \"" + std::string(s) +
                                 "\": expected ISO 8601 (2024-05-03T10:00:00Z), epoch ms, or "
                                 "now-24h");
}

Result<SearchRequest> ParseSearchRequest(const Object& o, int64_t now_ns) {
  SearchRequest r;
  for (size_t i = 0; i < o.size(); ++i) {
    const std::string& key = o.key(i);
    const Value& v = o.value(i);
    if (key == "query") {
      if (v.is_string()) {
        r.query = v.as_string();
      } else if (!v.is_null()) {
        return Bad("query",
                   "must be a query string like \"dst_port:22 AND geoip.country_code2:CN\"");
      }
    } else if (key == "from" || key == "to") {
      if (v.is_null()) continue;
      auto t = ParseTimeBound(v, now_ns);
      if (!t.ok()) return Bad(key, t.status().message());
      (key == "from" ? r.from_ns : r.to_ns) = *t;
    } else if (key == "size") {
      ASSIGN_OR_RETURN(int64_t n,
                       IntMember(o, "size", "size", 10, 0, static_cast<int64_t>(kMaxHitsSize)));
      r.size = static_cast<size_t>(n);
    } else if (key == "sort") {
      ASSIGN_OR_RETURN(r.sort, ParseSort(v));
    } else if (key == "search_after") {
      if (!v.is_null()) {
        ASSIGN_OR_RETURN(SearchCursor c, ParseCursor(v));
        r.search_after = std::move(c);
      }
    } else if (key == "track_total_hits") {
      if (!v.is_bool()) return Bad("track_total_hits", "must be true or false");
      r.track_total_hits = v.as_bool();
    } else if (key == "aggs" || key == "aggregations") {
      if (!v.is_object()) return Bad(key, "must be an object of named aggregations");
      ASSIGN_OR_RETURN(r.aggs, ParseAggs(v.as_object(), "aggs", 0));
    } else {
      return Bad(key,
                 "unknown member (query, from, to, size, sort, search_after, "
                 "track_total_hits, aggs)");
    }
  }
  if (r.from_ns && r.to_ns && *r.from_ns > *r.to_ns) {
    return Bad("from", "is after \"to\"");
  }
  return r;
}

Value AggregationResult::ToValue() const {
  Object o;
  using K = AggregationSpec::Kind;
  switch (kind) {
    case K::kCount:
    case K::kCardinality:
      o.Set("value", static_cast<int64_t>(value));
      return o;
    case K::kStats:
      o.Set("count", static_cast<int64_t>(count));
      o.Set("min", count ? Value(min) : Value());
      o.Set("max", count ? Value(max) : Value());
      o.Set("avg", count ? Value(sum / static_cast<double>(count)) : Value());
      o.Set("sum", sum);
      return o;
    default:
      break;
  }
  if (kind == K::kDateHistogram) o.Set("interval", interval);
  if (kind == K::kTerms) {
    o.Set("doc_count_error_upper_bound", 0);
    o.Set("sum_other_doc_count", static_cast<int64_t>(sum_other_doc_count));
    o.Set("missing", static_cast<int64_t>(missing));
  }
  if (kind == K::kGeoGrid) o.Set("sum_other_doc_count", static_cast<int64_t>(sum_other_doc_count));
  Array buckets;
  buckets.reserve(this->buckets.size());
  for (const AggregationBucket& b : this->buckets) {
    Object bo;
    bo.Set("key", b.key);
    if (!b.key_as_string.empty()) bo.Set("key_as_string", b.key_as_string);
    bo.Set("doc_count", static_cast<int64_t>(b.doc_count));
    if (b.centroid) {
      Object c;
      c.Set("lat", b.centroid->lat);
      c.Set("lon", b.centroid->lon);
      bo.Set("centroid", std::move(c));
    }
    for (const AggregationResult& child : b.children) bo.Set(child.name, child.ToValue());
    buckets.push_back(std::move(bo));
  }
  o.Set("buckets", std::move(buckets));
  return o;
}

Object SearchResponse::ToObject() const {
  Object o;
  o.Set("took", took_ms);
  Object hits_obj;
  hits_obj.Set("total", static_cast<int64_t>(total));
  Array hit_list;
  hit_list.reserve(hits.size());
  for (const SearchHit& h : hits) {
    Object ho;
    ho.Set("_id", h.id);
    ho.Set("_source", h.source.fields());
    ho.Set("sort", Array{h.sort_value, Value(static_cast<int64_t>(h.part_key)),
                         Value(static_cast<int64_t>(h.row))});
    hit_list.push_back(std::move(ho));
  }
  hits_obj.Set("hits", std::move(hit_list));
  o.Set("hits", std::move(hits_obj));
  Object aggs;
  for (const AggregationResult& a : aggregations) aggs.Set(a.name, a.ToValue());
  o.Set("aggregations", std::move(aggs));
  return o;
}

}  // namespace perimeter::query
