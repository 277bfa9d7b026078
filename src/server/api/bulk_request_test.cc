#include "server/api/bulk_request.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <time.h>

#include <cstdio>

#include "core/json.h"
#include "query/event_id.h"

namespace perimeter {
namespace {

const Object& ItemOf(const Value& response, size_t i, std::string_view op) {
  return response.as_object().Find("items")->as_array()[i].as_object().Find(op)->as_object();
}

TEST(BulkRequest, ReadsActionDocumentPairsWithTheirIndex) {
  auto r = ParseBulkRequest(
      "{\"index\":{}}\n{\"message\":\"one\"}\n"
      "{\"create\":{\"_index\":\"fw\",\"_id\":\"ignored\"}}\r\n{\"message\":\"two\"}\r\n"
      "\n"
      "{\"create\":{\"_index\":\"fw\",\"_id\":\"ignored\"}}\n{\"message\":\"three\"}",
      "logs");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->events.size(), 3u);
  ASSERT_EQ(r->items.size(), 3u);
  EXPECT_EQ(r->events[0].GetTop("message")->as_string(), "one");
  EXPECT_EQ(r->events[2].GetTop("message")->as_string(), "three");
  EXPECT_EQ(r->items[0].op, "index");
  EXPECT_EQ(r->items[0].index, "logs");  // from the URL
  EXPECT_EQ(r->items[1].op, "create");
  EXPECT_EQ(r->items[1].index, "fw");
  EXPECT_EQ(r->items[2].index, "fw");
  EXPECT_EQ(r->items[2].event, 2u);
  for (const BulkItem& i : r->items) EXPECT_EQ(i.status, 201);
}

TEST(BulkRequest, DefaultIndexWhenNeitherActionNorUrlNamesOne) {
  auto r = ParseBulkRequest("{\"index\":{}}\n{}\n", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->items[0].index, "perimeter");
}

TEST(BulkRequest, RefusesBadItemsOneByOneAndKeepsTheOthers) {
  auto r = ParseBulkRequest(
      "{\"delete\":{\"_id\":\"1\"}}\n"
      "{\"update\":{\"_id\":\"1\"}}\n{\"doc\":{}}\n"
      "{\"index\":{}}\n[1,2]\n"
      "{\"index\":{}}\n{\"broken\":\n"
      "{\"index\":{}}\n{\"fine\":true}\n",
      "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->items.size(), 5u);
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_TRUE(r->events[0].GetTop("fine")->as_bool());
  EXPECT_EQ(r->items[0].status, 400);
  EXPECT_NE(r->items[0].error_reason.find("append-only"), std::string::npos);
  EXPECT_EQ(r->items[1].status, 400);
  EXPECT_EQ(r->items[1].op, "update");
  EXPECT_EQ(r->items[2].error_type, "mapper_parsing_exception");
  EXPECT_EQ(r->items[2].error_reason, "the document must be a JSON object");
  EXPECT_EQ(r->items[3].status, 400);
  EXPECT_EQ(r->items[4].status, 201);
  EXPECT_EQ(r->items[4].event, 0u);
}

TEST(BulkRequest, RefusesTheWholeBodyForAMalformedActionOrAMissingDocument) {
  auto not_action = ParseBulkRequest("{\"index\":{}}\n{}\n{\"message\":\"no action\"}x\n{}\n", "");
  ASSERT_FALSE(not_action.ok());
  EXPECT_NE(not_action.status().message().find("line 3"), std::string::npos)
      << not_action.status().message();
  EXPECT_FALSE(ParseBulkRequest("{\"index\":{},\"create\":{}}\n{}\n", "").ok());
  EXPECT_FALSE(ParseBulkRequest("\"index\"\n{}\n", "").ok());
  auto missing = ParseBulkRequest("{\"index\":{}}\n{}\n{\"create\":{}}\n\n", "");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("line 3: the action has no document line"),
            std::string::npos)
      << missing.status().message();
}

TEST(BulkRequest, AReaderCannotRunIntoTheNextLine) {
  // An unterminated string must not swallow the following lines as its content.
  auto r = ParseBulkRequest("{\"index\":{}}\n{\"a\":\"open\n{\"index\":{}}\n{\"b\":1}\n", "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->items.size(), 2u);
  EXPECT_EQ(r->items[0].status, 400);
  EXPECT_EQ(r->items[1].status, 201);
  EXPECT_EQ(r->events[0].GetTop("b")->as_int(), 1);
}

TEST(BulkRequest, AnActionLineIsReadAgainWhenItChanges) {
  auto r = ParseBulkRequest(
      "{\"create\":{\"_index\":\"a\"}}\n{}\n{\"create\":{\"_index\":\"a\"}}\n{}\n"
      "{\"create\":{\"_index\":\"b\"}}\n{}\n{\"index\":{\"_index\":\"b\"}}\n{}\n",
      "");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->items.size(), 4u);
  EXPECT_EQ(r->items[1].index, "a");
  EXPECT_EQ(r->items[2].index, "b");
  EXPECT_EQ(r->items[3].op, "index");
}

TEST(BulkRequest, ResponseHasElasticsearchsShapeWithEventIds) {
  auto r = ParseBulkRequest(
      "{\"create\":{\"_index\":\"fw\\\"x\"}}\n{\"@timestamp\":\"2026-01-01T00:00:00Z\"}\n"
      "{\"delete\":{}}\n",
      "");
  ASSERT_TRUE(r.ok());
  auto v = ParseJson(BulkResponseJson(*r, 7));
  ASSERT_TRUE(v.ok()) << BulkResponseJson(*r, 7);
  EXPECT_EQ(v->as_object().Find("took")->as_int(), 7);
  EXPECT_TRUE(v->as_object().Find("errors")->as_bool());
  const Object& created = ItemOf(*v, 0, "create");
  EXPECT_EQ(created.Find("_index")->as_string(), "fw\"x");
  EXPECT_EQ(created.Find("status")->as_int(), 201);
  EXPECT_EQ(created.Find("result")->as_string(), "created");
  EXPECT_EQ(created.Find("_id")->as_string(), query::EventId(r->events[0]));
  EXPECT_EQ(created.Find("error"), nullptr);
  const Object& deleted = ItemOf(*v, 1, "delete");
  EXPECT_EQ(deleted.Find("status")->as_int(), 400);
  EXPECT_EQ(deleted.Find("_id"), nullptr);
  EXPECT_EQ(deleted.Find("error")->as_object().Find("type")->as_string(),
            "illegal_argument_exception");
}

TEST(BulkRequest, ErrorsIsFalseWhenEveryItemIsStored) {
  auto r = ParseBulkRequest("{\"index\":{}}\n{\"a\":1}\n", "");
  ASSERT_TRUE(r.ok());
  auto v = ParseJson(BulkResponseJson(*r, 0));
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->as_object().Find("errors")->as_bool());
  EXPECT_EQ(v->as_object().Find("items")->as_array().size(), 1u);
}

TEST(BulkRequest, FilterPathKeepsWhatLogstashAsksFor) {
  auto r = ParseBulkRequest("{\"create\":{}}\n{\"a\":1}\n{\"delete\":{}}\n", "");
  ASSERT_TRUE(r.ok());
  auto logstash = FilterPath::Parse("errors,items.*.error,items.*.status");
  ASSERT_TRUE(logstash.ok());
  EXPECT_EQ(BulkResponseJson(*r, 3, &*logstash),
            R"({"errors":true,"items":[{"create":{"status":201}},{"delete":{"status":400,)"
            R"("error":{"type":"illegal_argument_exception","reason":"the store is append-only: )"
            R"(delete is not supported"}}}]})");
  auto errors_only = FilterPath::Parse("items.*.error");
  ASSERT_TRUE(errors_only.ok());
  auto v = ParseJson(BulkResponseJson(*r, 3, &*errors_only));
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->as_object().size(), 1u);
  EXPECT_EQ(v->as_object().Find("items")->as_array().size(), 1u);  // the stored item: empty
  auto took = FilterPath::Parse("took");
  ASSERT_TRUE(took.ok());
  EXPECT_EQ(BulkResponseJson(*r, 3, &*took), R"({"took":3})");
}

// Parsing cost alone, for profiling the /_bulk path: build/server_api_tests
// --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
TEST(BulkRequest, DISABLED_Throughput) {
  std::string body;
  for (int i = 0; i < 1000; ++i) {
    body += "{\"create\":{\"_index\":\"firewall\"}}\n";
    body += fmt::format(
        R"({{"@timestamp":"2026-11-27T10:{:02}:{:02}.123Z","message":"Nov 27 10:00:00 gw kernel: )"
        R"([UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.{} )"
        R"(DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=49 ID={} DF PROTO=TCP SPT={} DPT=22 )"
        R"(WINDOW=29200 RES=0x00 SYN URGP=0","host":{{"name":"gw"}},"event":{{"dataset":"firewall",)"
        R"("action":"blocked","kind":"event"}},"source":{{"ip":"203.0.113.{}","port":{}}},)"
        R"("destination":{{"ip":"198.51.100.10","port":22}},"network":{{"transport":"tcp"}},)"
        R"("observer":{{"ingress":{{"interface":{{"name":"eth0"}}}}}},"iptables":{{"ttl":49,)"
        R"("id":{},"length":60}}}})",
        i / 60 % 60, i % 60, i % 250, i, 40000 + i, i % 250, 40000 + i, i);
    body += "\n";
  }
  // Thread CPU time: the machine is shared, wall time says little.
  auto cpu_seconds = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  constexpr int kRounds = 50;
  double t0 = cpu_seconds();
  size_t events = 0, bytes = 0;
  for (int r = 0; r < kRounds; ++r) {
    auto parsed = ParseBulkRequest(body, "");
    ASSERT_TRUE(parsed.ok());
    events += parsed->events.size();
  }
  double t1 = cpu_seconds();
  for (int r = 0; r < kRounds; ++r) {
    auto parsed = ParseBulkRequest(body, "");
    bytes += BulkResponseJson(*parsed, 0).size();
  }
  double t2 = cpu_seconds();
  double parse_s = t1 - t0, both_s = t2 - t1;
  std::printf(
      "per CPU-second: parse %.0f k docs (%.2f us/doc); parse + answer with ids %.0f k (%.2f "
      "us/doc); %zu bytes of answers\n",
      events / parse_s / 1e3, parse_s / events * 1e6, events / both_s / 1e3, both_s / events * 1e6,
      bytes);
}

}  // namespace
}  // namespace perimeter
