// `perimeter search QUERY --since 24h [--until T] [-n 20] [--json]`: the newest events matching a
// query, as a table (time, source, destination port, country, message) or as JSON lines.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "cli/commands.h"
#include "cli/pipeline_source.h"
#include "cli/store_reader.h"
#include "core/time_zone.h"
#include "outputs/store_output.h"
#include "query/event_matcher.h"
#include "query/query_parser.h"
#include "query/search.h"

namespace perimeter {

namespace {

constexpr size_t kDefaultWidth = 120;
// The table's fixed columns: time 19, source 15, port 5, country 2, and the gaps between.
constexpr size_t kFixedColumns = 19 + 2 + 15 + 2 + 5 + 2 + 2 + 2;

std::string Text(const Event& e, std::string_view dotted) {
  const Value* v = query::LookupDotted(e, dotted);
  return v == nullptr || v->is_null() ? std::string() : v->ToText();
}

std::string LocalTime(const Event& e, const TimeZone& zone) {
  const Value* v = e.GetTop("@timestamp");
  if (v == nullptr || !v->is_timestamp()) return "-";
  int64_t s = v->as_timestamp().seconds();
  Timestamp local = Timestamp::FromSeconds(s + zone.OffsetAt(s));
  std::string iso = local.ToIso8601();  // YYYY-MM-DDTHH:MM:SS.mmmZ
  iso = iso.substr(0, 19);
  iso[10] = ' ';
  return iso;
}

std::string Fit(std::string s, size_t width) {
  for (char& c : s) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  if (s.size() <= width) return s;
  if (width < 2) return s.substr(0, width);
  return s.substr(0, width - 1) + "…";
}

}  // namespace

CommandRunner AddSearchCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("search", "show the newest stored events matching a query");
  struct Flags {
    std::string query;
    std::string since = "24h";
    std::string until;
    int limit = 20;
    bool json = false;
    std::string data_dir = "./data";
  };
  auto f = std::make_shared<Flags>();
  cmd->add_option("query", f->query,
                  "Lucene query, e.g. 'dst_port:22 AND geoip.country_code2:CN' (default: all)");
  cmd->add_option("--since", f->since, "how far back: 24h, 7d, 30m, or a time (default 24h)");
  cmd->add_option("--until", f->until, "end of the range: a time, now-1h (default now)");
  cmd->add_option("-n,--limit", f->limit, "events to show (default 20)")
      ->check(CLI::Range(1, 10000));
  cmd->add_flag("--json", f->json, "print the events as JSON lines");
  cmd->add_option("--data-dir", f->data_dir, "data directory (the store is DATA_DIR/store)");
  return [f] {
    ConfigureLogging("warn");
    auto parsed = query::ParseQuery(f->query);
    if (!parsed.ok()) {
      fmt::print(stderr, "{}", QueryErrorText(f->query, parsed.status()));
      return 2;
    }
    query::SearchRequest request;
    request.query = f->query;
    request.size = static_cast<size_t>(f->limit);
    query::SearchResponse found;
    if (int rc = SearchStore(f->data_dir, f->since, f->until, WallClockNanos(), &request, &found)) {
      return rc;
    }
    const query::SearchResponse* response = &found;
    if (f->json) {
      for (const query::SearchHit& h : response->hits) fmt::print("{}\n", h.source.ToJson());
      return 0;
    }
    auto zone = TimeZone::Local();
    size_t width = kDefaultWidth;
    if (const char* cols = std::getenv("COLUMNS"))
      width = std::max<size_t>(60, std::strtoul(cols, nullptr, 10));
    size_t message_width = width > kFixedColumns + 10 ? width - kFixedColumns : 10;
    fmt::print("{:<19}  {:<15}  {:>5}  {:<2}  {}\n", "time", "source", "port", "cc", "message");
    for (const query::SearchHit& h : response->hits) {
      fmt::print("{:<19}  {:<15}  {:>5}  {:<2}  {}\n", LocalTime(h.source, *zone),
                 Fit(Text(h.source, "src_ip"), 15), Fit(Text(h.source, "dst_port"), 5),
                 Fit(Text(h.source, "geoip.country_code2"), 2),
                 Fit(Text(h.source, "message"), message_width));
    }
    fmt::print("{} of {} matching event{}, newest first (times in {}; {} ms)\n",
               response->hits.size(), response->total, response->total == 1 ? "" : "s",
               zone->name(), response->took_ms);
    return 0;
  };
}

}  // namespace perimeter
