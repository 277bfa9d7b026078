// `perimeter stats [--json]`: what the event store holds — partitions, parts, events, bytes per
// event, compression — and a table per day.
#include <fmt/format.h>

#include <map>

#include "cli/commands.h"
#include "cli/pipeline_source.h"
#include "cli/store_reader.h"
#include "outputs/store_output.h"
#include "store/event_store.h"
#include "store/part_meta.h"

namespace perimeter {

namespace {

std::string Bytes(uint64_t n) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(kUnits)) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", n) : fmt::format("{:.1f} {}", v, kUnits[u]);
}

double Ratio(uint64_t a, uint64_t b) {
  return b == 0 ? 0 : static_cast<double>(a) / static_cast<double>(b);
}

}  // namespace

CommandRunner AddStatsCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("stats", "what the event store holds, per day");
  auto json = std::make_shared<bool>(false);
  auto data_dir = std::make_shared<std::string>("./data");
  cmd->add_flag("--json", *json, "print as JSON");
  cmd->add_option("--data-dir", *data_dir, "data directory (the store is DATA_DIR/store)");
  return [json, data_dir] {
    ConfigureLogging("warn");
    auto store = OpenStoreForReading(*data_dir);
    if (!store.ok()) {
      fmt::print(stderr, "{}\n", store.status().message());
      return 1;
    }
    store::StoreStats s = (*store)->Stats();
    struct Day {
      uint64_t parts = 0, events = 0, bytes = 0, raw = 0, in_memory = 0;
      int64_t first = INT64_MAX, last = INT64_MIN;
    };
    std::map<int64_t, Day> days;
    auto snapshot = (*store)->GetSnapshot();
    for (const auto& p : snapshot->parts()) {
      Day& d = days[p->day()];
      if (p->in_memory()) {
        d.in_memory += p->rows();
      } else {
        ++d.parts;
        d.bytes += p->size_bytes();
        d.raw += p->meta().raw_bytes;
      }
      d.events += p->rows();
      d.first = std::min(d.first, p->min_ts());
      d.last = std::max(d.last, p->max_ts());
    }
    if (*json) {
      Object o;
      o.Set("partitions", static_cast<int64_t>(s.partitions));
      o.Set("parts", static_cast<int64_t>(s.parts));
      o.Set("events", static_cast<int64_t>(s.events));
      o.Set("unflushed_events", static_cast<int64_t>(s.memtable_events));
      o.Set("part_bytes", static_cast<int64_t>(s.part_bytes));
      o.Set("wal_bytes", static_cast<int64_t>(s.wal_bytes));
      o.Set("bytes_per_event", s.bytes_per_event);
      o.Set("compression_ratio", s.compression_ratio);
      o.Set("quarantined_parts", static_cast<int64_t>(s.quarantined_parts));
      Array per_day;
      for (const auto& [day, d] : days) {
        Object dj;
        dj.Set("day", store::DayName(day));
        dj.Set("parts", static_cast<int64_t>(d.parts));
        dj.Set("events", static_cast<int64_t>(d.events));
        dj.Set("bytes", static_cast<int64_t>(d.bytes));
        dj.Set("bytes_per_event", Ratio(d.bytes, d.events - d.in_memory));
        dj.Set("first", Timestamp(d.first).ToIso8601());
        dj.Set("last", Timestamp(d.last).ToIso8601());
        per_day.push_back(std::move(dj));
      }
      o.Set("days", std::move(per_day));
      fmt::print("{}\n", Value(std::move(o)).ToJson());
      return 0;
    }
    fmt::print("store        {}\n", StorePath(*data_dir));
    fmt::print("partitions   {} (one per UTC day)\n", s.partitions);
    fmt::print("parts        {}\n", s.parts);
    fmt::print("events       {} ({} not yet in parts)\n", s.events, s.memtable_events);
    fmt::print("on disk      {} in parts, {} of write-ahead log\n", Bytes(s.part_bytes),
               Bytes(s.wal_bytes));
    fmt::print("per event    {:.1f} bytes (message included)\n", s.bytes_per_event);
    fmt::print("compression  {:.1f}x of the events' encoded size\n", s.compression_ratio);
    if (s.quarantined_parts > 0) fmt::print("quarantined  {} damaged parts\n", s.quarantined_parts);
    fmt::print("\n{:<10}  {:>5}  {:>12}  {:>10}  {:>8}  {:>6}  {}\n", "day", "parts", "events",
               "bytes", "B/event", "ratio", "time span (UTC)");
    for (const auto& [day, d] : days) {
      std::string span = Timestamp(d.first).ToIso8601().substr(11, 8) + " – " +
                         Timestamp(d.last).ToIso8601().substr(11, 8);
      fmt::print("{:<10}  {:>5}  {:>12}  {:>10}  {:>8.1f}  {:>5.1f}x  {}\n", store::DayName(day),
                 d.parts, d.events, Bytes(d.bytes), Ratio(d.bytes, d.events - d.in_memory),
                 Ratio(d.raw, d.bytes), span);
    }
    return 0;
  };
}

}  // namespace perimeter
