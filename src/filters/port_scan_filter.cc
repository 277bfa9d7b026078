#include "filters/port_scan_filter.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "pipeline/plugin_config.h"

namespace perimeter {

namespace {

// Workers lock only the shard of the source they look at; 16 shards make two workers of a
// small machine meet on the same lock rarely, and cost 16 empty maps when idle.
constexpr size_t kShards = 16;
// Ports remembered per source. A source past this many distinct ports in one window is a
// scanner beyond doubt, so [scan][distinct_ports] stops counting here; it bounds one source's
// memory at 256 × 16 bytes, and the filter's at max_sources times that.
constexpr size_t kMaxTrackedPorts = 256;
constexpr int64_t kMaxMaxSources = 10'000'000;  // a typo guard: 10 M sources is gigabytes

// A destination port, or a destination host (a hash of its text), and when it was last touched.
struct Seen {
  int64_t last_ns;  // newest event time it was seen at
  uint64_t key;
};

struct SourceState {
  std::string source;
  int64_t newest_ns = INT64_MIN;  // newest event time seen from this source
  std::vector<Seen> ports;
  std::vector<Seen> hosts;
};

// Notes `key` at `t_ns` in `seen` (entries before `cutoff` already dropped); at the tracking
// limit the entry seen longest ago makes room, so the window keeps the recent ones.
void Touch(std::vector<Seen>& seen, uint64_t key, int64_t t_ns) {
  auto it = std::find_if(seen.begin(), seen.end(), [&](const Seen& p) { return p.key == key; });
  if (it != seen.end()) {
    it->last_ns = std::max(it->last_ns, t_ns);
  } else if (seen.size() < kMaxTrackedPorts) {
    seen.push_back({t_ns, key});
  } else {
    auto oldest = std::min_element(seen.begin(), seen.end(), [](const Seen& a, const Seen& b) {
      return a.last_ns < b.last_ns;
    });
    *oldest = {t_ns, key};
  }
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// One slice of the sources: an LRU list (front = most recently seen) and an index into it.
struct Shard {
  std::mutex mu;
  std::list<SourceState> lru;  // GUARDED_BY(mu)
  std::unordered_map<std::string, std::list<SourceState>::iterator, StringHash, std::equal_to<>>
      index;  // GUARDED_BY(mu)
};

// The destination port as an integer 0..65535, from an integer or a numeric string field.
std::optional<uint16_t> PortOf(const Value* v) {
  int64_t n = -1;
  if (v == nullptr) return std::nullopt;
  if (v->is_int()) {
    n = v->as_int();
  } else if (v->is_string()) {
    const std::string& s = v->as_string();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  }
  if (n < 0 || n > 65535) return std::nullopt;
  return static_cast<uint16_t>(n);
}

class PortScanFilter : public FilterPlugin {
 public:
  static Result<std::unique_ptr<FilterPlugin>> Create(const PluginConfig& config) {
    auto f = std::make_unique<PortScanFilter>();
    auto field = [&](std::string_view option, FieldRef* out) -> Status {
      auto ref = FieldRef::Parse(config.GetString(option));
      if (!ref.ok()) {
        return Status::InvalidArgument(
            fmt::format("port_scan: {}: {}", option, ref.status().message()));
      }
      *out = std::move(ref).value();
      return Status::OK();
    };
    RETURN_IF_ERROR(field("source", &f->source_));
    RETURN_IF_ERROR(field("destination_port", &f->port_field_));
    RETURN_IF_ERROR(field("destination_host", &f->host_field_));
    RETURN_IF_ERROR(field("target", &f->target_));
    RETURN_IF_ERROR(field("hosts_target", &f->hosts_target_));
    int64_t ports = config.GetInt("ports");
    if (ports < 1 || ports > static_cast<int64_t>(kMaxTrackedPorts)) {
      return Status::InvalidArgument(fmt::format(
          "port_scan: ports is {}; it must be 1..{} (distinct ports that make a scanner)", ports,
          kMaxTrackedPorts));
    }
    f->threshold_ = static_cast<size_t>(ports);
    int64_t hosts = config.GetInt("hosts");
    if (hosts < 0 || hosts > static_cast<int64_t>(kMaxTrackedPorts)) {
      return Status::InvalidArgument(fmt::format(
          "port_scan: hosts is {}; it must be 0 (not counted) or 1..{} (distinct destination "
          "hosts that make a scanner)",
          hosts, kMaxTrackedPorts));
    }
    f->host_threshold_ = static_cast<size_t>(hosts);
    double window = config.GetNumber("window");
    if (!(window > 0) || window > 366.0 * 86400) {
      return Status::InvalidArgument(fmt::format(
          "port_scan: window is {}; it must be seconds > 0 (and at most a year)", window));
    }
    f->window_ns_ = static_cast<int64_t>(window * 1e9);
    int64_t max_sources = config.GetInt("max_sources");
    if (max_sources < 1 || max_sources > kMaxMaxSources) {
      return Status::InvalidArgument(fmt::format("port_scan: max_sources is {}; it must be 1..{}",
                                                 max_sources, kMaxMaxSources));
    }
    f->per_shard_ = static_cast<size_t>((max_sources + kShards - 1) / kShards);
    f->tag_ = config.GetString("tag");
    return std::unique_ptr<FilterPlugin>(std::move(f));
  }

  bool Filter(Event& event) override {
    const Value* src = event.Get(source_);
    if (src == nullptr || src->is_null() || src->is_array() || src->is_object()) return false;
    auto port = PortOf(event.Get(port_field_));
    if (!port) return false;
    thread_local std::string key;
    key.clear();
    src->AppendText(&key);
    if (key.empty()) return false;
    // The destination host counts only when the filter counts hosts and the event names one.
    std::optional<uint64_t> host;
    if (host_threshold_ > 0) {
      if (const Value* h = event.Get(host_field_); h != nullptr && h->is_string()) {
        host = std::hash<std::string_view>{}(h->as_string());
      }
    }
    auto [ports, hosts] = Record(key, *port, host, event.timestamp().nanos());
    const bool by_ports = ports >= threshold_;
    const bool by_hosts = host_threshold_ > 0 && hosts >= host_threshold_;
    if (!by_ports && !by_hosts) return false;
    event.Set(target_, Value(static_cast<int64_t>(ports)));
    if (host_threshold_ > 0) event.Set(hosts_target_, Value(static_cast<int64_t>(hosts)));
    if (!tag_.empty()) event.AddTag(tag_);
    tagged_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  void AppendStats(Object* out) const override {
    size_t sources = 0;
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      sources += s.index.size();
    }
    out->Set("sources", static_cast<int64_t>(sources));
    out->Set("evicted", static_cast<int64_t>(evicted_.load(std::memory_order_relaxed)));
    out->Set("tagged", static_cast<int64_t>(tagged_.load(std::memory_order_relaxed)));
  }

 private:
  // Notes that `source` touched `port` (and `host`) at `t_ns`; returns its distinct ports and
  // hosts in the window that ends at the newest time seen from it. An event older than that
  // window changes nothing.
  std::pair<size_t, size_t> Record(std::string_view source, uint16_t port,
                                   std::optional<uint64_t> host, int64_t t_ns) {
    Shard& shard = shards_[StringHash{}(source) % kShards];
    std::lock_guard lock(shard.mu);
    auto it = shard.index.find(source);
    if (it != shard.index.end()) {
      shard.lru.splice(shard.lru.begin(), shard.lru, it->second);  // now most recently seen
    } else {
      if (shard.index.size() >= per_shard_) {
        shard.index.erase(shard.lru.back().source);
        shard.lru.pop_back();
        evicted_.fetch_add(1, std::memory_order_relaxed);
      }
      shard.lru.emplace_front();
      shard.lru.front().source.assign(source);
      it = shard.index.emplace(shard.lru.front().source, shard.lru.begin()).first;
    }
    SourceState& s = *it->second;
    s.newest_ns = std::max(s.newest_ns, t_ns);
    const int64_t cutoff = s.newest_ns - window_ns_;
    auto stale = [&](const Seen& p) { return p.last_ns < cutoff; };
    std::erase_if(s.ports, stale);
    std::erase_if(s.hosts, stale);
    if (t_ns >= cutoff) {
      Touch(s.ports, port, t_ns);
      if (host) Touch(s.hosts, *host, t_ns);
    }
    return {s.ports.size(), s.hosts.size()};
  }

  FieldRef source_;
  FieldRef port_field_;
  FieldRef host_field_;
  FieldRef target_;
  FieldRef hosts_target_;
  size_t threshold_ = 10;
  size_t host_threshold_ = 0;  // 0: hosts are not counted
  int64_t window_ns_ = 0;
  size_t per_shard_ = 0;
  std::string tag_;
  mutable std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> evicted_{0};
  std::atomic<uint64_t> tagged_{0};
};

}  // namespace

const PluginSpec kPortScanFilter = {
    .name = "port_scan",
    .kind = PluginKind::kFilter,
    .help =
        "tags the events of a source that touched many distinct destination ports in a "
        "window of event time",
    .options =
        {
            {"source", OptionType::kString, Value("[source][ip]"), "the field naming the source"},
            {"destination_port", OptionType::kString, Value("[destination][port]"),
             "the field holding the destination port (integer or numeric string)"},
            {"ports", OptionType::kNumber, Value(10),
             "distinct ports within the window that make a source a scanner; that event and the "
             "later ones in the window are tagged"},
            {"destination_host", OptionType::kString, Value("[destination][ip]"),
             "the field holding the destination host (counted when `hosts` is set)"},
            {"hosts", OptionType::kNumber, Value(0),
             "distinct destination hosts within the window that make a source a scanner (a "
             "sweep across a network behind this firewall); 0: hosts are not counted"},
            {"window", OptionType::kNumber, Value(3600),
             "seconds of event time (@timestamp) the ports are counted over"},
            {"max_sources", OptionType::kNumber, Value(20000),
             "sources remembered at most; the least recently seen are forgotten first"},
            {"target", OptionType::kString, Value("[scan][distinct_ports]"),
             "where a scanner's distinct port count goes (an integer)"},
            {"hosts_target", OptionType::kString, Value("[scan][distinct_hosts]"),
             "where a scanner's distinct host count goes when hosts are counted"},
            {"tag", OptionType::kString, Value("port_scan"),
             "the tag a scanner's events get (\"\" for none; add_tag works too)"},
        },
    .create = [](const PluginConfig& config,
                 const PluginContext&) -> Result<std::unique_ptr<Plugin>> {
      ASSIGN_OR_RETURN(auto filter, PortScanFilter::Create(config));
      return std::unique_ptr<Plugin>(std::move(filter));
    },
};

}  // namespace perimeter
