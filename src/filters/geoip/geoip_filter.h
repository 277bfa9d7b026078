// The `geoip` filter: adds where the IP address in `source` is — country, city, coordinates, AS —
// under `target`, with the field names of Logstash's geoip filter (legacy or ECS). Reads any
// MaxMind DB file; by default the DB-IP City Lite database. Created once per pipeline and owned
// by it; Filter runs on many workers at once: the databases are read-only and the lookup cache
// is sharded behind mutexes.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/field_ref.h"
#include "filters/geoip/geo_database.h"
#include "filters/geoip/geo_fields.h"
#include "filters/geoip/lookup_cache.h"
#include "pipeline/plugin.h"
#include "pipeline/plugin_config.h"
#include "pipeline/plugin_spec.h"

namespace perimeter {

extern const PluginSpec kGeoipFilter;

namespace geoip {

class GeoipFilter : public FilterPlugin {
 public:
  static Result<std::unique_ptr<Plugin>> Create(const PluginConfig& config,
                                                const PluginContext& context);

  // True when the lookup succeeded and the target was written. On failure adds the
  // `tag_on_failure` tags and, unless the source was missing or blank, makes the target an
  // empty object when it does not exist (as Logstash does).
  bool Filter(Event& event) override;
  // cache and record_cache {hits, misses, hit_rate, entries, capacity}, special_addresses,
  // lookup_errors, databases.
  void AppendStats(Object* out) const override;

  // The database serving IPv4 (or IPv6) lookups; null when no file covers that family.
  const GeoDatabase* database_v4() const { return v4_.get(); }
  const GeoDatabase* database_v6() const { return v6_.get(); }
  const FieldRef& target() const { return target_; }

 private:
  GeoipFilter() = default;
  std::shared_ptr<const CachedLookup> LookUp(const IpAddress& ip);
  void CountError(const Status& status);
  // Tags the event; with `make_target`, creates the target as {} when it does not exist.
  void Fail(Event& event, bool make_target, bool special_address);

  FieldRef source_;
  FieldRef target_;
  bool ecs_ = false;
  GeoFieldSet fields_;
  std::vector<std::string> tag_on_failure_;
  std::vector<std::string> tag_on_private_address_;
  std::shared_ptr<const GeoDatabase> v4_;
  std::shared_ptr<const GeoDatabase> v6_;
  std::unique_ptr<LookupCache> cache_;  // by address; null when cache_size is 0
  // By database record, for address misses: the output of another address of the same record
  // with `ip` and `network` rewritten, which skips decoding. Null when cache_size is 0.
  std::unique_ptr<LookupCache> record_cache_;
  std::shared_ptr<const CachedLookup> not_found_ = std::make_shared<const CachedLookup>();
  std::atomic<uint64_t> special_addresses_{0};
  std::atomic<uint64_t> lookup_errors_{0};
};

}  // namespace geoip
}  // namespace perimeter
