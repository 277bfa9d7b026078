#include "filters/cidr_filter.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <unordered_set>
#include <vector>

#include "core/event.h"
#include "pipeline/plugin_config.h"
#include "pipeline/sprintf.h"

namespace perimeter {

namespace {

// A network file is a list an operator maintains by hand or from a feed; past this size it is
// more likely the wrong file than a list of networks.
constexpr uintmax_t kMaxNetworkFileBytes = 64u << 20;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The networks to match, grouped by family and prefix length: one hash lookup per group, so a
// feed of thousands of /32s costs the same per address as a single network.
class NetworkSet {
 public:
  void Add(const IpNetwork& n) {
    for (Group& g : groups_) {
      if (g.v6 == !n.base.is_v4() && g.prefix == n.prefix) {
        if (g.masked.insert(KeyOf(n.base)).second) ++size_;
        return;
      }
    }
    Group g{!n.base.is_v4(), n.prefix, {}};
    g.masked.insert(KeyOf(n.base));
    groups_.push_back(std::move(g));
    ++size_;
  }

  bool Contains(const IpAddress& a) const {
    for (const Group& g : groups_) {
      if (g.v6 == a.is_v4()) continue;
      if (g.masked.contains(KeyOf(a.Network(g.prefix)))) return true;
    }
    return false;
  }

  size_t size() const { return size_; }

 private:
  struct Key {
    uint64_t hi = 0;
    uint64_t lo = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return static_cast<size_t>(k.hi * 0x9e3779b97f4a7c15ULL ^ (k.lo + (k.hi << 6)));
    }
  };
  struct Group {
    bool v6 = false;
    int prefix = 0;
    std::unordered_set<Key, KeyHash> masked;
  };
  static Key KeyOf(const IpAddress& a) {
    Key k;
    std::memcpy(&k.hi, a.bytes().data(), 8);
    std::memcpy(&k.lo, a.bytes().data() + 8, 8);
    return k;
  }

  std::vector<Group> groups_;
  size_t size_ = 0;
};

// The networks of a `network_path` file, split at `separator`; blank entries are skipped. The
// error names the file and the entry's line.
Result<std::shared_ptr<const NetworkSet>> LoadNetworkFile(const std::string& path,
                                                          const std::string& separator) {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return Status::IOError(
        fmt::format("cidr: cannot read network_path {}: {}", path, ec.message()));
  }
  if (size > kMaxNetworkFileBytes) {
    return Status::InvalidArgument(fmt::format(
        "cidr: network_path {} is {} bytes, more than the {} a network list may have; check "
        "that it is the right file",
        path, size, kMaxNetworkFileBytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno("cidr: cannot open network_path", path, errno);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  auto set = std::make_shared<NetworkSet>();
  const std::string sep = separator.empty() ? "\n" : separator;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(sep, pos);
    if (end == std::string::npos) end = text.size();
    std::string_view entry = Trim(std::string_view(text).substr(pos, end - pos));
    if (!entry.empty()) {
      auto net = ParseIpNetwork(entry);
      if (!net.ok()) {
        size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + pos, '\n'));
        return Status::InvalidArgument(
            fmt::format("cidr: {} line {}: {}", path, line, net.status().message()));
      }
      set->Add(*net);
    }
    pos = end + sep.size();
  }
  return std::shared_ptr<const NetworkSet>(std::move(set));
}

class CidrFilter : public FilterPlugin {
 public:
  static Result<std::unique_ptr<FilterPlugin>> Create(const PluginConfig& config) {
    auto f = std::make_unique<CidrFilter>();
    for (const std::string& a : config.GetStrings("address")) {
      ASSIGN_OR_RETURN(Sprintf s, Sprintf::Compile(a));
      f->addresses_.push_back(std::move(s));
    }
    if (config.IsSet("address_field")) {
      auto ref = FieldRef::Parse(config.GetString("address_field"));
      if (!ref.ok()) {
        return Status::InvalidArgument("cidr: address_field: " + ref.status().message());
      }
      f->address_field_ = std::move(ref).value();
    }
    std::vector<std::string> networks = config.GetStrings("network");
    f->network_path_ = config.GetString("network_path");
    if (!networks.empty() && !f->network_path_.empty()) {
      return Status::InvalidArgument(
          "cidr: 'network' and 'network_path' are mutually exclusive (as in Logstash); put "
          "every network in the file, or list them all in 'network'");
    }
    double refresh = config.GetNumber("refresh_interval");
    if (!(refresh > 0)) {
      return Status::InvalidArgument(
          fmt::format("cidr: refresh_interval is {}; it must be seconds > 0", refresh));
    }
    f->refresh_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(refresh));
    f->separator_ = config.GetString("separator");
    std::shared_ptr<const NetworkSet> set;
    if (!f->network_path_.empty()) {
      ASSIGN_OR_RETURN(set, LoadNetworkFile(f->network_path_, f->separator_));
      f->file_stamp_ = FileStamp(f->network_path_);
    } else {
      auto own = std::make_shared<NetworkSet>();
      for (const std::string& n : networks) {
        auto net = ParseIpNetwork(Trim(n));
        if (!net.ok()) return Status::InvalidArgument("cidr: network " + net.status().message());
        own->Add(*net);
      }
      set = std::move(own);
    }
    f->networks_.store(std::move(set));
    f->next_refresh_ = std::chrono::steady_clock::now() + f->refresh_;
    return std::unique_ptr<FilterPlugin>(std::move(f));
  }

  bool Filter(Event& event) override {
    if (!network_path_.empty()) MaybeReload();
    std::shared_ptr<const NetworkSet> set = networks_.load(std::memory_order_acquire);
    if (set->size() == 0) return false;
    thread_local std::string text;
    for (const Sprintf& a : addresses_) {
      text.clear();
      a.Render(event, &text);
      if (Check(text, *set)) return true;
    }
    if (address_field_) {
      const Value* v = event.Get(*address_field_);
      if (v == nullptr) return false;
      if (v->is_array()) {
        for (const Value& e : v->as_array()) {
          text.clear();
          e.AppendText(&text);
          if (Check(text, *set)) return true;
        }
      } else {
        text.clear();
        v->AppendText(&text);
        if (Check(text, *set)) return true;
      }
    }
    return false;
  }

  void AppendStats(Object* out) const override {
    out->Set("networks", static_cast<int64_t>(networks_.load()->size()));
    out->Set("invalid_addresses",
             static_cast<int64_t>(invalid_addresses_.load(std::memory_order_relaxed)));
    if (!network_path_.empty()) {
      out->Set("reloads", static_cast<int64_t>(reloads_.load(std::memory_order_relaxed)));
    }
  }

 private:
  // Logstash logs every address that does not parse; a missing field would then log once per
  // event, so they are counted for the stats instead.
  bool Check(std::string_view text, const NetworkSet& set) {
    std::optional<IpAddress> a = IpAddress::Parse(text);
    if (!a) {
      invalid_addresses_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    return set.Contains(*a);
  }

  static std::pair<int64_t, uintmax_t> FileStamp(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return {-1, 0};
    return {static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
            static_cast<uintmax_t>(st.st_size)};
  }

  // One worker re-reads the file when refresh_interval has passed; the others go on with the
  // current list meanwhile. A bad file keeps the old list and is reported once per change.
  void MaybeReload() {
    auto now = std::chrono::steady_clock::now();
    if (now < next_refresh_.load(std::memory_order_relaxed)) return;
    std::unique_lock lock(reload_mu_, std::try_to_lock);
    if (!lock.owns_lock() || now < next_refresh_.load(std::memory_order_relaxed)) return;
    next_refresh_.store(now + refresh_, std::memory_order_relaxed);
    auto stamp = FileStamp(network_path_);
    if (stamp == file_stamp_) return;
    file_stamp_ = stamp;
    auto loaded = LoadNetworkFile(network_path_, separator_);
    if (!loaded.ok()) {
      spdlog::warn("{}; the cidr filter keeps its previous {} network(s)",
                   loaded.status().message(), networks_.load()->size());
      return;
    }
    networks_.store(std::move(loaded).value(), std::memory_order_release);
    reloads_.fetch_add(1, std::memory_order_relaxed);
  }

  std::vector<Sprintf> addresses_;
  std::optional<FieldRef> address_field_;
  std::string network_path_;
  std::string separator_;
  std::chrono::steady_clock::duration refresh_{};
  std::atomic<std::shared_ptr<const NetworkSet>> networks_;
  std::atomic<std::chrono::steady_clock::time_point> next_refresh_{};
  std::mutex reload_mu_;
  std::pair<int64_t, uintmax_t> file_stamp_;  // GUARDED_BY(reload_mu_)
  std::atomic<uint64_t> invalid_addresses_{0};
  std::atomic<uint64_t> reloads_{0};
};

}  // namespace

const PluginSpec kCidrFilter = {
    .name = "cidr",
    .kind = PluginKind::kFilter,
    .help = "applies (add_tag, add_field) when an address of the event is in one of the networks",
    .options =
        {
            {"address", OptionType::kArray, Value(Array{}),
             "addresses to check, each a template such as \"%{[source][ip]}\""},
            {"address_field",
             OptionType::kString,
             {},
             "a field holding the address(es) to check, e.g. \"[source][ip]\""},
            {"network", OptionType::kArray, Value(Array{}),
             "networks (\"198.51.100.0/24\", \"2001:db8::/32\") or single addresses"},
            {"network_path",
             OptionType::kPath,
             {},
             "a file listing the networks, instead of 'network'"},
            {"refresh_interval", OptionType::kNumber, Value(600),
             "seconds between checks of network_path for changes"},
            {"separator", OptionType::kString, Value("\n"), "what separates networks in the file"},
        },
    .create = [](const PluginConfig& config,
                 const PluginContext&) -> Result<std::unique_ptr<Plugin>> {
      ASSIGN_OR_RETURN(auto filter, CidrFilter::Create(config));
      return std::unique_ptr<Plugin>(std::move(filter));
    },
};

}  // namespace perimeter
