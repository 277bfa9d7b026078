#include "outputs/store_output.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "pipeline/plugin_config.h"

namespace perimeter {

namespace {

class StoreOutput : public OutputPlugin {
 public:
  explicit StoreOutput(std::shared_ptr<store::EventStore> store) : store_(std::move(store)) {}

  Status Write(std::span<const Event* const> events) override {
    return WriteWithCheckpoints(events, {});
  }

  Status WriteWithCheckpoints(std::span<const Event* const> events,
                              std::span<const BatchCheckpoint> checkpoints) override {
    std::vector<store::Checkpoint> cps;
    cps.reserve(checkpoints.size());
    for (const BatchCheckpoint& c : checkpoints) cps.push_back({c.key, c.blob});
    return store_->Append(events, cps);
  }

  // Appends are serialized per pipeline: with the runtime's in-order delivery that makes the
  // last committed checkpoint of an input cover exactly the events committed before it.
  bool thread_safe() const override { return false; }

  void AppendStats(Object* out) const override {
    store::StoreStats s = store_->Stats();
    out->Set("store_events", static_cast<int64_t>(s.events));
    out->Set("store_parts", static_cast<int64_t>(s.parts));
    out->Set("store_bytes_per_event", s.bytes_per_event);
    out->Set("disk_full", s.disk_full);
  }

 private:
  std::shared_ptr<store::EventStore> store_;
};

Result<std::unique_ptr<Plugin>> CreateStoreOutput(const PluginConfig& cfg,
                                                  const PluginContext& ctx) {
  store::StoreOptions options;
  options.path = cfg.IsSet("path") ? cfg.GetString("path") : StorePath(ctx.data_dir);
  options.retention_age = cfg.IsSet("retention") ? cfg.GetString("retention") : ctx.store_retention;
  options.retention_bytes = cfg.IsSet("max_disk") ? cfg.GetString("max_disk") : ctx.store_max_disk;
  ASSIGN_OR_RETURN(auto store, OpenSharedStore(options));
  std::weak_ptr<store::EventStore> weak = store;
  ctx.checkpoints->SetLoader([weak](std::string_view key) -> Result<std::string> {
    auto s = weak.lock();
    if (!s) return Status::Unavailable("the store is closed");
    return s->LastCheckpoint(key);
  });
  return std::unique_ptr<Plugin>(new StoreOutput(std::move(store)));
}

std::vector<OptionSpec> StoreOptionSpecs(bool elasticsearch) {
  std::vector<OptionSpec> opts = {
      {"path", OptionType::kPath, {}, "store directory (default <data_dir>/store)"},
      {"retention", OptionType::kString, Value(""),
       "drop days older than this, e.g. \"90d\" (default: the settings' store.retention; "
       "empty: keep everything)"},
      {"max_disk", OptionType::kString, Value(""),
       "drop the oldest days beyond this size, e.g. \"20GB\" (default: the settings' "
       "store.max_disk; empty: no limit)"},
  };
  if (elasticsearch) {
    for (const char* name : {"hosts",           "host",          "port",
                             "protocol",        "index",         "user",
                             "password",        "ssl",           "ssl_certificate_verification",
                             "cacert",          "document_type", "manage_template",
                             "template",        "template_name", "cluster",
                             "api_key",         "cloud_id",      "cloud_auth",
                             "ilm_enabled",     "action",        "document_id",
                             "pipeline",        "data_stream",   "flush_size",
                             "idle_flush_time", "workers"}) {
      opts.push_back({name,
                      OptionType::kAny,
                      {},
                      "accepted for Logstash compatibility and ignored: events go to the "
                      "local store"});
    }
  }
  return opts;
}

}  // namespace

std::string StorePath(const std::string& data_dir) { return data_dir + "/store"; }

Result<std::shared_ptr<store::EventStore>> OpenSharedStore(const store::StoreOptions& options) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<store::EventStore>> open;
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  std::string key = std::filesystem::weakly_canonical(options.path, ec).string();
  std::lock_guard lock(mu);
  if (auto existing = open[key].lock()) return existing;
  ASSIGN_OR_RETURN(std::unique_ptr<store::EventStore> store, store::EventStore::Open(options));
  std::shared_ptr<store::EventStore> shared(std::move(store));
  open[key] = shared;
  return shared;
}

const PluginSpec kStoreOutput = {
    .name = "store",
    .kind = PluginKind::kOutput,
    .help = "stores events durably in Perimeter's event store (searchable from the dashboard)",
    .options = StoreOptionSpecs(false),
    .create = &CreateStoreOutput,
};

const PluginSpec kElasticsearchOutput = {
    .name = "elasticsearch",
    .kind = PluginKind::kOutput,
    .help = "Logstash's elasticsearch output, served by Perimeter's own store",
    .options = StoreOptionSpecs(true),
    .create = &CreateStoreOutput,
};

}  // namespace perimeter
