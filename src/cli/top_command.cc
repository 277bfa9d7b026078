// `perimeter top FIELD --since 7d [-n 20] [--query Q] [--json]`: the most frequent values of a
// field among the matching events, with counts and percentages.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/pipeline_source.h"
#include "cli/store_reader.h"
#include "query/query_parser.h"
#include "query/search.h"
#include "store/event_store.h"

namespace perimeter {

CommandRunner AddTopCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("top", "the most frequent values of a field (e.g. src_ip)");
  struct Flags {
    std::string field;
    std::string query;
    std::string since = "7d";
    std::string until;
    int limit = 20;
    bool json = false;
    std::string data_dir = "./data";
  };
  auto f = std::make_shared<Flags>();
  cmd->add_option("field", f->field, "field to count, e.g. src_ip, geoip.country_code2")
      ->required();
  cmd->add_option("-q,--query", f->query, "count only events matching this query");
  cmd->add_option("--since", f->since, "how far back: 24h, 7d, or a time (default 7d)");
  cmd->add_option("--until", f->until, "end of the range (default now)");
  cmd->add_option("-n,--limit", f->limit, "values to show (default 20)")
      ->check(CLI::Range(1, 10000));
  cmd->add_flag("--json", f->json, "print the result as JSON");
  cmd->add_option("--data-dir", f->data_dir, "data directory (the store is DATA_DIR/store)");
  return [f] {
    ConfigureLogging("warn");
    if (auto parsed = query::ParseQuery(f->query); !parsed.ok()) {
      fmt::print(stderr, "{}", QueryErrorText(f->query, parsed.status()));
      return 2;
    }
    query::SearchRequest request;
    request.query = f->query;
    request.size = 0;
    query::AggregationSpec terms;
    terms.name = "top";
    terms.kind = query::AggregationSpec::Kind::kTerms;
    terms.field = f->field;
    terms.size = static_cast<size_t>(f->limit);
    request.aggs.push_back(terms);
    query::SearchResponse found;
    if (int rc = SearchStore(f->data_dir, f->since, f->until, WallClockNanos(), &request, &found)) {
      return rc;
    }
    const query::SearchResponse* response = &found;
    const query::AggregationResult& top = response->aggregations[0];
    uint64_t total = response->total;
    auto percent = [&](uint64_t n) {
      return total == 0 ? 0.0 : 100.0 * static_cast<double>(n) / static_cast<double>(total);
    };
    if (f->json) {
      Object o;
      o.Set("field", f->field);
      o.Set("total", static_cast<int64_t>(total));
      Array buckets;
      for (const auto& b : top.buckets) {
        Object bo;
        bo.Set("key", b.key);
        bo.Set("count", static_cast<int64_t>(b.doc_count));
        bo.Set("percent", percent(b.doc_count));
        buckets.push_back(std::move(bo));
      }
      o.Set("values", std::move(buckets));
      o.Set("other", static_cast<int64_t>(top.sum_other_doc_count));
      o.Set("missing", static_cast<int64_t>(top.missing));
      fmt::print("{}\n", Value(std::move(o)).ToJson());
      return 0;
    }
    size_t key_width = f->field.size();
    std::vector<std::string> keys;
    for (const auto& b : top.buckets) {
      keys.push_back(b.key.ToText());
      key_width = std::max(key_width, keys.back().size());
    }
    key_width = std::min<size_t>(key_width, 60);
    fmt::print("{:>4}  {:<{}}  {:>12}  {:>7}\n", "#", f->field, key_width, "events", "%");
    for (size_t i = 0; i < top.buckets.size(); ++i) {
      std::string key =
          keys[i].size() > key_width ? keys[i].substr(0, key_width - 1) + "…" : keys[i];
      fmt::print("{:>4}  {:<{}}  {:>12}  {:>6.2f}%\n", i + 1, key, key_width,
                 top.buckets[i].doc_count, percent(top.buckets[i].doc_count));
    }
    if (top.sum_other_doc_count > 0) {
      fmt::print("{:>4}  {:<{}}  {:>12}  {:>6.2f}%\n", "", "(other values)", key_width,
                 top.sum_other_doc_count, percent(top.sum_other_doc_count));
    }
    if (top.missing > 0) {
      fmt::print("{:>4}  {:<{}}  {:>12}  {:>6.2f}%\n", "", "(no " + f->field + ")", key_width,
                 top.missing, percent(top.missing));
    }
    fmt::print("{} matching event{} ({} ms)\n", total, total == 1 ? "" : "s", response->took_ms);
    return 0;
  };
}

}  // namespace perimeter
