#include "cli/store_reader.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "outputs/store_output.h"
#include "query/query_parser.h"

namespace perimeter {

int64_t WallClockNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::shared_ptr<store::EventStore>> OpenStoreForReading(const std::string& data_dir) {
  std::string path = StorePath(data_dir);
  if (!std::filesystem::exists(path)) {
    return Status::NotFound("no event store in " + path +
                            ": run `perimeter run` with a store (or elasticsearch) output first, "
                            "or pass --data-dir");
  }
  store::StoreOptions options;
  options.path = path;
  // Beside a running `perimeter run` (which holds the LOCK) as well as alone: nothing on disk
  // changes, and the events it acknowledged but has not flushed are read from its WAL.
  options.read_only = true;
  ASSIGN_OR_RETURN(std::unique_ptr<store::EventStore> store, store::EventStore::Open(options));
  return std::shared_ptr<store::EventStore>(std::move(store));
}

Status ResolveTimeFlags(const std::string& since, const std::string& until, int64_t now_ns,
                        query::SearchRequest* request) {
  if (!since.empty()) {
    auto d = query::ParseDuration(since);
    if (d.ok()) {
      request->from_ns = now_ns - *d;
    } else {
      auto t = query::ParseTimeBound(Value(since), now_ns);
      if (!t.ok()) {
        return Status::InvalidArgument("--since " + since +
                                       ": give a duration (24h, 7d, 30m) or a time (ISO 8601)");
      }
      request->from_ns = *t;
    }
  }
  if (!until.empty()) {
    auto t = query::ParseTimeBound(Value(until), now_ns);
    if (!t.ok()) {
      return Status::InvalidArgument("--until " + until + ": " + t.status().message());
    }
    request->to_ns = *t;
  }
  if (request->from_ns && request->to_ns && *request->from_ns > *request->to_ns) {
    return Status::InvalidArgument("--since is after --until");
  }
  return Status::OK();
}

std::string QueryErrorText(std::string_view query, const Status& status) {
  const std::string& msg = status.message();
  std::string out = "query error: " + msg + "\n";
  size_t column = 0;
  if (msg.rfind("column ", 0) == 0) column = std::strtoul(msg.c_str() + 7, nullptr, 10);
  if (column > 0 && column <= query.size() + 1) {
    out += "  " + std::string(query) + "\n  " + std::string(column - 1, ' ') + "^\n";
  }
  return out;
}

int SearchStore(const std::string& data_dir, const std::string& since, const std::string& until,
                int64_t now_ns, query::SearchRequest* request, query::SearchResponse* out) {
  if (Status s = ResolveTimeFlags(since, until, now_ns, request); !s.ok()) {
    fmt::print(stderr, "{}\n", s.message());
    return 2;
  }
  auto store = OpenStoreForReading(data_dir);
  if (!store.ok()) {
    fmt::print(stderr, "{}\n", store.status().message());
    return 1;
  }
  auto response = query::Search(*(*store)->GetSnapshot(), *request);
  if (!response.ok()) {
    fmt::print(stderr, "{}\n", response.status().message());
    return 1;
  }
  *out = std::move(response).value();
  return 0;
}

}  // namespace perimeter
