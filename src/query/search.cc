#include "query/search.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "query/aggregator.h"
#include "query/block_cache.h"
#include "query/event_id.h"
#include "query/event_reader.h"
#include "query/group_data.h"
#include "query/hit_collector.h"
#include "query/row_filter.h"

namespace perimeter::query {

namespace {

using store::Part;
using store::Snapshot;

// In-memory parts all have id 0; their key is this plus their position in the snapshot.
constexpr uint64_t kInMemoryPartKeyBase = uint64_t{1} << 62;

int64_t WallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct SearchPart {
  std::shared_ptr<const Part> part;
  uint64_t key;
};

// The parts to read with their keys, newest first when hits are by time (so the hit heap fills
// with winners early and older groups are skipped).
std::vector<SearchPart> PartsToSearch(const Snapshot& snapshot, const SearchRequest& request) {
  std::map<const Part*, uint64_t> keys;
  const auto& all = snapshot.parts();
  for (size_t i = 0; i < all.size(); ++i) {
    keys[all[i].get()] = all[i]->in_memory() ? kInMemoryPartKeyBase + i : all[i]->id();
  }
  std::vector<std::shared_ptr<const Part>> parts =
      request.from_ns || request.to_ns ? snapshot.PartsInRange(request.from_ns.value_or(INT64_MIN),
                                                               request.to_ns.value_or(INT64_MAX))
                                       : all;
  std::vector<SearchPart> out;
  out.reserve(parts.size());
  for (auto& p : parts) out.push_back({p, keys[p.get()]});
  std::stable_sort(out.begin(), out.end(), [&](const SearchPart& a, const SearchPart& b) {
    return request.sort.descending ? a.part->max_ts() > b.part->max_ts()
                                   : a.part->min_ts() < b.part->min_ts();
  });
  return out;
}

// The block cache key of a hit's event (group 0 of the part, this row).
std::string HitKey(uint64_t row) { return "event:" + std::to_string(row); }

// Bits of the rows of a group that match a filter (bit r of word r / 64), as kept in the block
// cache.
struct FilterBits {
  std::vector<uint64_t> words;
};

std::shared_ptr<const FilterBits> BitsOf(const std::vector<uint8_t>& mask) {
  auto b = std::make_shared<FilterBits>();
  b->words.assign((mask.size() + 63) / 64, 0);
  const size_t whole = mask.size() / 8;
  for (size_t i = 0; i < whole; ++i) {
    // Eight mask bytes (0 or 1 each) to eight bits at once: the multiply gathers bit 0 of each
    // byte into the top byte, in order.
    uint64_t eight;
    std::memcpy(&eight, mask.data() + i * 8, 8);
    uint64_t packed = ((eight & 0x0101010101010101ull) * 0x0102040810204080ull) >> 56;
    b->words[i / 8] |= packed << (i % 8 * 8);
  }
  for (size_t r = whole * 8; r < mask.size(); ++r) {
    b->words[r / 64] |= static_cast<uint64_t>(mask[r] & 1) << (r % 64);
  }
  return b;
}

// The rows of the group matching `filter` (whose Prune said kSome), from the cache when it has
// them.
Result<std::shared_ptr<const FilterBits>> FilterRows(const RowFilter& filter, GroupData& data,
                                                     std::vector<uint8_t>* scratch) {
  return data.Cached<FilterBits>(
      "filter:" + filter.canonical(),
      [&]() -> Result<std::shared_ptr<const FilterBits>> {
        RETURN_IF_ERROR(filter.Evaluate(data, scratch));
        return BitsOf(*scratch);
      },
      [](const FilterBits& b) { return b.words.size() * 8; });
}

// One pass over the row groups in range: counts matches, feeds aggregators and the hit heap
// (`hits` null: aggregators only). Row groups are handed out to `threads` threads in order
// (newest first when hits are by time); each thread has its own aggregators and heap, merged
// at the end.
class Scan {
 public:
  Scan(const SearchRequest& request, const RowFilter& filter, std::vector<SearchPart>& parts,
       BlockCache* cache, int threads)
      : request_(request), filter_(filter), parts_(parts), cache_(cache), threads_(threads) {}

  using MakeAggregators = std::function<Result<std::vector<std::unique_ptr<Aggregator>>>()>;

  Status Run(const MakeAggregators& make, std::vector<std::unique_ptr<Aggregator>>& aggs,
             HitCollector* hits, uint64_t* total) {
    bool ranged = request_.from_ns || request_.to_ns;
    int64_t lo = request_.from_ns.value_or(INT64_MIN), hi = request_.to_ns.value_or(INT64_MAX);
    bool newest_first = hits != nullptr && hits->by_timestamp() && request_.sort.descending;
    items_.clear();
    for (size_t pi = 0; pi < parts_.size(); ++pi) {
      const Part& part = *parts_[pi].part;
      size_t groups = part.group_count();
      for (size_t k = 0; k < groups; ++k) {
        size_t g = newest_first ? groups - 1 - k : k;
        const store::RowGroupMeta& gm = part.group(g);
        if (ranged && (gm.max_ts < lo || gm.min_ts >= hi)) continue;
        items_.push_back({pi, g});
      }
    }
    size_t threads = std::min<size_t>(std::max(threads_, 1), items_.size() / kGroupsPerThread + 1);
    std::vector<Worker> workers(threads);
    workers[0].aggs = &aggs;
    workers[0].hits = hits;
    std::vector<std::vector<std::unique_ptr<Aggregator>>> extra_aggs(threads);
    std::vector<std::unique_ptr<HitCollector>> extra_hits(threads);
    for (size_t t = 1; t < threads; ++t) {
      ASSIGN_OR_RETURN(extra_aggs[t], make());
      workers[t].aggs = &extra_aggs[t];
      if (hits != nullptr) {
        extra_hits[t] =
            std::make_unique<HitCollector>(request_.size, request_.sort, request_.search_after);
        workers[t].hits = extra_hits[t].get();
      }
    }
    next_ = 0;
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back([&, t] { RunWorker(&workers[t]); });
    RunWorker(&workers[0]);
    for (std::thread& th : pool) th.join();
    for (const Worker& w : workers) RETURN_IF_ERROR(w.status);
    const uint32_t identity[] = {0};
    for (size_t t = 0; t < threads; ++t) {
      if (total != nullptr) *total += workers[t].total;
      if (t == 0) continue;
      for (size_t a = 0; a < aggs.size(); ++a) aggs[a]->MergeFrom(*extra_aggs[t][a], identity);
      if (hits != nullptr) hits->MergeFrom(*extra_hits[t]);
    }
    return Status::OK();
  }

 private:
  // Row groups per thread below which a search runs on one thread: starting one costs more.
  static constexpr size_t kGroupsPerThread = 4;

  struct Item {
    size_t part;
    size_t group;
  };
  struct Worker {
    std::vector<std::unique_ptr<Aggregator>>* aggs = nullptr;
    HitCollector* hits = nullptr;
    uint64_t total = 0;
    Status status;
    std::vector<std::unique_ptr<PartColumns>> columns;  // by part, made when first needed
    std::vector<uint8_t> mask;
    std::vector<uint64_t> words;
    std::vector<uint32_t> rows;
    std::vector<uint8_t> agg_needs_rows;
    std::vector<DictionaryMatch> matches;
  };

  // Whether the search selects every row of the part: no filter, and (with a time range) every
  // row has a time inside it.
  bool WholePart(const PartColumns& columns) const {
    if (!filter_.match_all()) return false;
    if (!request_.from_ns && !request_.to_ns) return true;
    int64_t lo = request_.from_ns.value_or(INT64_MIN), hi = request_.to_ns.value_or(INT64_MAX);
    const Part& part = columns.part();
    int ts_col = columns.timestamp_column();
    if (ts_col < 0 || part.min_ts() < lo || part.max_ts() >= hi) return false;
    for (size_t g = 0; g < part.group_count(); ++g) {
      const store::BlockMeta* m = part.block(static_cast<size_t>(ts_col), g);
      if (m == nullptr || m->present != part.group(g).rows) return false;
    }
    return true;
  }

  void RunWorker(Worker* w) {
    w->columns.resize(parts_.size());
    w->agg_needs_rows.resize(w->aggs->size());
    for (;;) {
      size_t i = next_.fetch_add(1);
      if (i >= items_.size()) return;
      Status s = Process(w, items_[i]);
      if (!s.ok()) {
        w->status = s;
        next_ = items_.size();  // the others stop too
        return;
      }
    }
  }

  Status Process(Worker* w, const Item& item) {
    bool ranged = request_.from_ns || request_.to_ns;
    int64_t lo = request_.from_ns.value_or(INT64_MIN), hi = request_.to_ns.value_or(INT64_MAX);
    std::vector<std::unique_ptr<Aggregator>>& aggs = *w->aggs;
    if (!w->columns[item.part]) {
      w->columns[item.part] = std::make_unique<PartColumns>(parts_[item.part].part, cache_);
      w->columns[item.part]->set_whole_part(WholePart(*w->columns[item.part]));
    }
    PartColumns& columns = *w->columns[item.part];
    int ts_col = columns.timestamp_column();
    if (ranged && ts_col < 0) return Status::OK();  // no row has a time, so none is in range
    const store::RowGroupMeta& gm = columns.part().group(item.group);
    bool want_hits = w->hits != nullptr && w->hits->Wants(gm.min_ts, gm.max_ts);
    if (w->hits != nullptr && !want_hits && aggs.empty() && !request_.track_total_hits) {
      return Status::OK();
    }
    GroupData data(&columns, item.group);
    const store::BlockMeta* ts_meta =
        ts_col >= 0 ? data.block_meta(static_cast<size_t>(ts_col)) : nullptr;
    if (ranged && ts_meta == nullptr) return Status::OK();
    bool whole_time = !ranged || (ts_meta->present == gm.rows && gm.min_ts >= lo && gm.max_ts < hi);
    Verdict verdict = Verdict::kAll;
    if (!filter_.match_all()) {
      ASSIGN_OR_RETURN(verdict, filter_.Prune(data));
    }
    if (verdict == Verdict::kNone) return Status::OK();

    // A one-clause filter on a field with small dictionaries: the total, and aggregations that
    // can, from the matching entries' counts; rows only for the rest (and hits).
    bool counted = false;
    if (whole_time && verdict == Verdict::kSome) {
      ASSIGN_OR_RETURN(counted, filter_.MatchDictionaries(data, &w->matches));
    }
    std::vector<uint32_t>& rows = w->rows;
    if (whole_time && verdict == Verdict::kAll) {
      w->total += gm.rows;
      bool rows_needed = want_hits;
      for (size_t a = 0; a < aggs.size(); ++a) {
        ASSIGN_OR_RETURN(bool done, aggs[a]->CollectWhole(data));
        w->agg_needs_rows[a] = !done;
        rows_needed |= !done;
      }
      if (!rows_needed) return Status::OK();
      rows.resize(gm.rows);
      for (uint32_t r = 0; r < gm.rows; ++r) rows[r] = r;
    } else {
      if (counted) {
        for (const DictionaryMatch& m : w->matches) {
          for (uint32_t e : m.entries) w->total += m.dictionary->counts[e];
        }
        bool rows_needed = want_hits;
        for (size_t a = 0; a < aggs.size(); ++a) {
          ASSIGN_OR_RETURN(
              bool done, aggs[a]->CollectMatchedEntries(data, filter_.clause_field(), w->matches));
          w->agg_needs_rows[a] = !done;
          rows_needed |= !done;
        }
        if (!rows_needed) return Status::OK();
      }
      // The matching rows: the filter's bits (all rows when it matched all), then those in the
      // time range.
      std::vector<uint64_t>& words = w->words;
      words.assign((gm.rows + 63) / 64, ~uint64_t{0});
      if (gm.rows % 64 != 0) words.back() = (uint64_t{1} << (gm.rows % 64)) - 1;
      if (verdict == Verdict::kSome) {
        ASSIGN_OR_RETURN(std::shared_ptr<const FilterBits> bits,
                         FilterRows(filter_, data, &w->mask));
        words = bits->words;
      }
      size_t matching = 0;
      for (uint64_t word : words) matching += static_cast<size_t>(std::popcount(word));
      rows.resize(matching);
      size_t at = 0;
      for (size_t k = 0; k < words.size(); ++k) {
        for (uint64_t bits = words[k]; bits != 0; bits &= bits - 1) {
          rows[at++] = static_cast<uint32_t>(k * 64 + std::countr_zero(bits));
        }
      }
      if (!whole_time) {
        ASSIGN_OR_RETURN(const store::ColumnBlock* ts, data.Block(static_cast<size_t>(ts_col)));
        size_t kept = 0;
        for (uint32_t r : rows) {
          if (ts->present[r] && ts->ints[r] >= lo && ts->ints[r] < hi) rows[kept++] = r;
        }
        rows.resize(kept);
      }
      if (!counted) {
        w->total += rows.size();
        std::fill(w->agg_needs_rows.begin(), w->agg_needs_rows.end(), 1);
      }
      if (rows.empty()) return Status::OK();
    }
    bool filtered_whole = whole_time && verdict == Verdict::kSome;
    for (size_t a = 0; a < aggs.size(); ++a) {
      if (!w->agg_needs_rows[a]) continue;
      if (filtered_whole) {
        ASSIGN_OR_RETURN(bool done, aggs[a]->CollectFilteredGroup(data, filter_.canonical(), rows));
        if (done) continue;
      }
      RETURN_IF_ERROR(aggs[a]->Collect(data, RowBatch{rows, {}}));
    }
    if (want_hits) RETURN_IF_ERROR(w->hits->Offer(data, item.part, parts_[item.part].key, rows));
    return Status::OK();
  }

  const SearchRequest& request_;
  const RowFilter& filter_;
  std::vector<SearchPart>& parts_;
  BlockCache* cache_;
  int threads_;
  std::vector<Item> items_;
  std::atomic<size_t> next_{0};
};

}  // namespace

Result<SearchResponse> Search(const Snapshot& snapshot, const SearchRequest& request) {
  return Search(snapshot, request, SearchOptions());
}

Result<SearchResponse> Search(const Snapshot& snapshot, const SearchRequest& request,
                              const SearchOptions& options) {
  BlockCache* cache = options.cache;
  auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(RowFilter filter, RowFilter::Compile(request.query));
  std::vector<SearchPart> parts = PartsToSearch(snapshot, request);

  AggregationContext context;
  context.from_ns = request.from_ns;
  context.to_ns = request.to_ns;
  bool first = true;
  for (const SearchPart& p : parts) {
    context.data_min_ns =
        first ? p.part->min_ts() : std::min(context.data_min_ns, p.part->min_ts());
    context.data_max_ns =
        first ? p.part->max_ts() : std::max(context.data_max_ns, p.part->max_ts());
    first = false;
  }
  // The aggregators of request.aggs[i] for i in `which`; each scan thread gets its own.
  std::vector<size_t> all(request.aggs.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  auto maker = [&](const std::vector<size_t>& which) {
    return [&request, &context, which]() -> Result<std::vector<std::unique_ptr<Aggregator>>> {
      std::vector<std::unique_ptr<Aggregator>> made;
      for (size_t i : which) {
        ASSIGN_OR_RETURN(std::unique_ptr<Aggregator> a, CreateAggregator(request.aggs[i], context));
        made.push_back(std::move(a));
      }
      return made;
    };
  };
  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::min<unsigned>(
                          std::max(1u, std::thread::hardware_concurrency()), kMaxSearchThreads));
  HitCollector hits(request.size, request.sort, request.search_after);
  SearchResponse response;
  Scan scan(request, filter, parts, cache, threads);
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Aggregator>> aggs, maker(all)());
  RETURN_IF_ERROR(scan.Run(maker(all), aggs, &hits, &response.total));
  std::vector<AggregationResult> results(aggs.size());
  std::vector<size_t> again;
  for (size_t a = 0; a < aggs.size(); ++a) {
    ASSIGN_OR_RETURN(results[a], aggs[a]->Finish(0));
    if (aggs[a]->NeedsExactPass()) again.push_back(a);
  }
  if (!again.empty()) {
    // The top-k merge could not prove its answer: count everything for those aggregations.
    context.exact = true;
    ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Aggregator>> exact, maker(again)());
    RETURN_IF_ERROR(scan.Run(maker(again), exact, nullptr, nullptr));
    for (size_t i = 0; i < again.size(); ++i) {
      ASSIGN_OR_RETURN(results[again[i]], exact[i]->Finish(0));
    }
  }
  response.aggregations = std::move(results);

  // Hits: whole events, read part by part.
  std::vector<HitCandidate> winners = hits.Take();
  response.hits.resize(winners.size());
  std::map<size_t, std::vector<size_t>> by_part;
  for (size_t i = 0; i < winners.size(); ++i) by_part[winners[i].part_index].push_back(i);
  std::vector<uint64_t> part_rows;
  std::vector<Event> events;
  for (auto& [pi, which] : by_part) {
    const std::shared_ptr<const Part>& part = parts[pi].part;
    // Events fetched before come from the block cache (fetching one decodes its whole group).
    std::vector<size_t> missing;
    for (size_t i : which) {
      std::shared_ptr<const Event> cached;
      if (cache != nullptr) cached = cache->Find<Event>(part.get(), 0, HitKey(winners[i].row));
      if (cached) {
        response.hits[i].source = *cached;
      } else {
        missing.push_back(i);
      }
    }
    part_rows.clear();
    for (size_t i : missing) part_rows.push_back(winners[i].row);
    if (!part_rows.empty()) RETURN_IF_ERROR(ReadEventsAt(*part, part_rows, &events));
    for (size_t j = 0; j < missing.size(); ++j) {
      response.hits[missing[j]].source = std::move(events[j]);
      if (cache != nullptr) {
        const Event& e = response.hits[missing[j]].source;
        cache->Insert(part, 0, HitKey(winners[missing[j]].row), std::make_shared<const Event>(e),
                      e.ToJson().size() * 2);
      }
    }
    for (size_t i : which) {
      SearchHit& h = response.hits[i];
      const HitCandidate& w = winners[i];
      h.id = EventId(h.source);
      h.sort_value = w.key.ToValue();
      h.part_key = w.part_key;
      h.row = w.row;
    }
  }
  response.took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count();
  return response;
}

Result<Object> RunSearch(const Snapshot& snapshot, const Object& request, int64_t now_ns) {
  ASSIGN_OR_RETURN(SearchRequest r, ParseSearchRequest(request, now_ns));
  ASSIGN_OR_RETURN(SearchResponse response, Search(snapshot, r));
  return response.ToObject();
}

Result<Object> RunSearch(const Snapshot& snapshot, const Object& request) {
  return RunSearch(snapshot, request, WallNanos());
}

Result<Event> FetchEvent(const Snapshot& snapshot, std::string_view id) {
  ParsedEventId parsed;
  if (!ParseEventId(id, &parsed)) {
    return Status::InvalidArgument("\"" + std::string(id) + "\" is not an event id");
  }
  std::vector<std::shared_ptr<const Part>> parts;
  if (parsed.timestamp_ns) {
    parts = snapshot.PartsInRange(*parsed.timestamp_ns, *parsed.timestamp_ns + 1);
  } else {
    for (const auto& p : snapshot.parts()) {
      if (p->day() == 0) parts.push_back(p);  // events without @timestamp live on 1970-01-01
    }
  }
  std::vector<uint64_t> candidates;
  std::vector<Event> events;
  for (const auto& p : parts) {
    PartColumns columns(p);
    int ts_col = columns.timestamp_column();
    candidates.clear();
    for (size_t g = 0; g < p->group_count(); ++g) {
      const store::RowGroupMeta& gm = p->group(g);
      const store::BlockMeta* m = ts_col >= 0 ? p->block(static_cast<size_t>(ts_col), g) : nullptr;
      if (parsed.timestamp_ns) {
        if (m == nullptr || *parsed.timestamp_ns < gm.min_ts || *parsed.timestamp_ns > gm.max_ts) {
          continue;
        }
      } else if (m != nullptr && m->present == gm.rows) {
        continue;
      }
      if (m == nullptr) {
        for (uint32_t r = 0; r < gm.rows; ++r) candidates.push_back(gm.first_row + r);
        continue;
      }
      ASSIGN_OR_RETURN(store::ColumnBlock ts, p->ReadBlock(static_cast<size_t>(ts_col), g));
      for (uint32_t r = 0; r < gm.rows; ++r) {
        bool match = parsed.timestamp_ns ? ts.present[r] && ts.ints[r] == *parsed.timestamp_ns
                                         : !ts.present[r];
        if (match) candidates.push_back(gm.first_row + r);
      }
    }
    if (candidates.empty()) continue;
    RETURN_IF_ERROR(p->ReadEvents(candidates, &events));
    for (Event& e : events) {
      if (EventId(e) == id) return std::move(e);
    }
  }
  return Status::NotFound("no event with id " + std::string(id) +
                          " (it may have been removed by retention)");
}

std::vector<FieldSummary> Fields(const Snapshot& snapshot) {
  std::map<std::string, std::pair<std::set<std::string>, uint64_t>> fields;
  for (const auto& p : snapshot.parts()) {
    for (size_t c = 0; c < p->column_count(); ++c) {
      const store::ColumnMeta& col = p->column(c);
      auto& entry = fields[col.name];
      entry.first.insert(store::ColumnTypeName(col.key.type));
      for (const auto& b : col.blocks) {
        if (b) entry.second += b->present;
      }
    }
  }
  std::vector<FieldSummary> out;
  out.reserve(fields.size());
  for (auto& [name, entry] : fields) {
    out.push_back(
        {name, std::vector<std::string>(entry.first.begin(), entry.first.end()), entry.second});
  }
  return out;
}

Value FieldsToValue(const std::vector<FieldSummary>& fields) {
  Array out;
  out.reserve(fields.size());
  for (const FieldSummary& f : fields) {
    Object o;
    o.Set("name", f.name);
    Array types;
    for (const std::string& t : f.types) types.push_back(t);
    o.Set("types", std::move(types));
    o.Set("count", static_cast<int64_t>(f.count));
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace perimeter::query
