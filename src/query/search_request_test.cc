#include "query/search_request.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace perimeter::query {
namespace {

constexpr int64_t kNow = 1'714'730'400'000'000'000;  // 2024-05-03T10:00:00Z

Result<SearchRequest> Parse(std::string_view json) {
  auto v = ParseJson(json);
  EXPECT_TRUE(v.ok()) << json;
  return ParseSearchRequest(v->as_object(), kNow);
}

TEST(SearchRequest, ParsesTheDashboardRequest) {
  auto r = Parse(R"({"query": "dst_port:22", "from": "now-24h", "to": 1714730400000, "size": 50,
    "sort": "@timestamp:desc", "search_after": [1714730000000000000, 12, 345],
    "aggs": {"per_hour": {"date_histogram": {"field": "@timestamp", "interval": "1h",
                                             "time_zone": "Europe/Berlin"}},
             "countries": {"terms": {"field": "geoip.country_code2", "size": 10},
                           "aggs": {"ips": {"terms": {"field": "src_ip", "size": 5}}}},
             "ips": {"cardinality": {"field": "src_ip"}},
             "ports": {"stats": {"field": "dst_port"}},
             "map": {"geo_grid": {"field": "geoip.location", "precision": 4}}}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->query, "dst_port:22");
  EXPECT_EQ(*r->from_ns, kNow - 86'400'000'000'000);
  EXPECT_EQ(*r->to_ns, kNow);
  EXPECT_EQ(r->size, 50u);
  EXPECT_TRUE(r->sort.descending);
  ASSERT_TRUE(r->search_after);
  EXPECT_EQ(r->search_after->part_key, 12u);
  ASSERT_EQ(r->aggs.size(), 5u);
  EXPECT_EQ(r->aggs[0].interval->text, "1h");
  EXPECT_EQ(r->aggs[0].time_zone, "Europe/Berlin");
  EXPECT_EQ(r->aggs[1].children.size(), 1u);
  EXPECT_EQ(r->aggs[1].children[0].size, 5u);
  EXPECT_EQ(r->aggs[4].precision, 4);
}

TEST(SearchRequest, TimeBounds) {
  EXPECT_EQ(*ParseTimeBound(Value("2024-05-03T10:00:00Z"), 0), kNow);
  EXPECT_EQ(*ParseTimeBound(Value("2024-05-03"), 0), kNow - 10 * 3'600'000'000'000);
  EXPECT_EQ(*ParseTimeBound(Value("1714730400000"), 0), kNow);
  EXPECT_EQ(*ParseTimeBound(Value("now-7d"), kNow), kNow - 7 * 86'400'000'000'000);
  EXPECT_FALSE(ParseTimeBound(Value("yesterday"), kNow).ok());
  EXPECT_EQ(*ParseDuration("90s"), 90'000'000'000);
  EXPECT_FALSE(ParseDuration("7").ok());
}

TEST(SearchRequest, ErrorsNameTheMember) {
  auto r = Parse(R"({"aggs": {"x": {"terms": {}}}})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("aggs.x"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("field"), std::string::npos);
  r = Parse(R"({"aggs": {"x": {"stats": {"field": "a"}, "aggs": {}}}})");
  ASSERT_FALSE(r.ok());
  r = Parse(R"({"size": 1000000})");
  ASSERT_FALSE(r.ok());
  r = Parse(R"({"from": "2024-05-04", "to": "2024-05-03"})");
  ASSERT_FALSE(r.ok());
  r = Parse(R"({"colour": 1})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("colour"), std::string::npos);
}

TEST(SearchRequest, ResponseShape) {
  SearchResponse resp;
  resp.total = 3;
  AggregationResult terms;
  terms.name = "countries";
  terms.kind = AggregationSpec::Kind::kTerms;
  terms.sum_other_doc_count = 1;
  AggregationBucket b;
  b.key = "CN";
  b.doc_count = 2;
  terms.buckets.push_back(b);
  resp.aggregations.push_back(terms);
  std::string json = Value(resp.ToObject()).ToJson();
  EXPECT_EQ(json, R"({"took":0,"hits":{"total":3,"hits":[]},"aggregations":{"countries":)"
                  R"({"doc_count_error_upper_bound":0,"sum_other_doc_count":1,"missing":0,)"
                  R"("buckets":[{"key":"CN","doc_count":2}]}}})");
}

}  // namespace
}  // namespace perimeter::query
