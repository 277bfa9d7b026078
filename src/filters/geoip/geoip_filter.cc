#include "filters/geoip/geoip_filter.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>

#include "filters/geoip/default_database.h"

namespace perimeter {

namespace geoip {

namespace {

// Upper bound of `cache_size`. Slots are allocated up front — about 56 bytes each, five per unit
// of cache_size with the record cache, plus the cached objects once filled — so 1 M (280 MB of
// slots) is far above any scanner population worth caching and keeps a typo from reserving
// gigabytes.
constexpr int64_t kMaxCacheSize = int64_t{1} << 20;

// Record cache entries per `cache_size`. Each record serves many addresses (a few tens of
// thousands of DB-IP records cover a quarter million random ones), so records repeat more than
// addresses do: with 4x, 8 in 10 address misses skip decoding (Zipf over 209 k addresses,
// cache_size 1000), for about 600 bytes per entry.
constexpr size_t kRecordCacheFactor = 4;

// Where ECS puts `geo` objects; another target draws a warning, as in Logstash.
constexpr std::string_view kEcsTargets[] = {"client",   "destination", "host",
                                            "observer", "server",      "source"};

// Java's String.trim() view of blank: every character at or below ' '.
bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) <= ' '; });
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Merges `src` into `dst` as Logstash's field-by-field event.setField does: objects merge,
// anything else is replaced.
void MergeInto(Object* dst, const Object& src) {
  for (size_t i = 0; i < src.size(); ++i) {
    const Value& v = src.value(i);
    Value* existing = dst->Find(src.key(i));
    if (existing != nullptr && v.is_object() && existing->is_object()) {
      MergeInto(&existing->as_object(), v.as_object());
    } else {
      dst->Set(src.key(i), v);
    }
  }
}

Result<std::shared_ptr<const GeoDatabase>> OpenShared(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<GeoDatabase> db, GeoDatabase::Open(path));
  return std::shared_ptr<const GeoDatabase>(std::move(db));
}

}  // namespace

Result<std::unique_ptr<Plugin>> GeoipFilter::Create(const PluginConfig& config,
                                                    const PluginContext& context) {
  std::unique_ptr<GeoipFilter> f(new GeoipFilter());

  std::string ecs_mode = config.IsSet("ecs_compatibility") ? config.GetString("ecs_compatibility")
                                                           : context.ecs_compatibility;
  if (ecs_mode != "disabled" && ecs_mode != "v1" && ecs_mode != "v8") {
    return Status::InvalidArgument(
        fmt::format("geoip: ecs_compatibility '{}' is not one of disabled, v1, v8", ecs_mode));
  }
  f->ecs_ = ecs_mode != "disabled";

  std::string source = config.GetString("source");
  auto source_ref = FieldRef::Parse(source);
  if (!source_ref.ok()) {
    return Status::InvalidArgument("geoip `source`: " + source_ref.status().message());
  }
  f->source_ = *source_ref;

  std::string target;
  if (config.IsSet("target")) {
    target = config.GetString("target");
  } else if (!f->ecs_) {
    target = "geoip";
  } else if (source.size() > 4 && source.ends_with("[ip]")) {
    target = source.substr(0, source.size() - 4);  // [client][ip] -> [client]
  } else {
    return Status::InvalidArgument(fmt::format(
        "geoip in ECS mode needs a `target` when `source` ('{}') is not an `ip` sub-field such "
        "as [client][ip]; add `target => \"source\"` (or client, destination, host, observer, "
        "server), or set `ecs_compatibility => disabled` to write under [geoip]",
        source));
  }
  auto target_ref = FieldRef::Parse(target);
  if (!target_ref.ok()) {
    return Status::InvalidArgument("geoip `target`: " + target_ref.status().message());
  }
  f->target_ = *target_ref;
  // Databases: the `database` option (a file, or a directory holding the files), else the
  // default places.
  std::string type = config.GetString("default_database_type");
  DatabaseFiles files;
  if (config.IsSet("database")) {
    std::string path = config.GetString("database");
    if (HasLegacyExtension(path)) return LegacyDatabaseError(path);
    if (IsDirectory(path)) {
      auto found = FindDatabaseIn(path, type);
      if (!found) {
        return Status::NotFound(fmt::format(
            "geoip `database` names the directory '{}', which holds no {} database "
            "(GeoLite2-{}.mmdb, or the ip-location-db *-ipv4.mmdb / *-ipv6.mmdb pair); name the "
            ".mmdb file itself",
            path, type, type));
      }
      files = *found;
    } else {
      files = {path, path};
    }
  } else {
    ASSIGN_OR_RETURN(files, FindDefaultDatabase(context.data_dir, type));
  }
  if (files.v4 == files.v6) {
    ASSIGN_OR_RETURN(auto db, OpenShared(files.v4));
    f->v4_ = db;
    if (db->ip_version() == 6) f->v6_ = db;
  } else {
    if (!files.v4.empty()) {
      ASSIGN_OR_RETURN(f->v4_, OpenShared(files.v4));
    }
    if (!files.v6.empty()) {
      ASSIGN_OR_RETURN(f->v6_, OpenShared(files.v6));
    }
    if (f->v4_ && f->v6_ &&
        (f->v4_->kind() != f->v6_->kind() || f->v4_->layout() != f->v6_->layout())) {
      return Status::InvalidArgument(fmt::format(
          "geoip: '{}' ({}) and '{}' ({}) are different kinds of database; use the IPv4 and IPv6 "
          "files of the same product",
          files.v4, f->v4_->database_type(), files.v6, f->v6_->database_type()));
    }
  }
  const GeoDatabase& db = f->v4_ ? *f->v4_ : *f->v6_;

  std::vector<std::string> fields = config.GetStrings("fields");
  if (fields.empty()) {
    f->fields_ = DefaultGeoFields(db.kind(), f->ecs_);
  } else {
    for (const std::string& name : fields) {
      ASSIGN_OR_RETURN(GeoField field, ParseGeoField(name));
      f->fields_.set(static_cast<size_t>(field));
    }
  }

  f->tag_on_failure_ = config.GetStrings("tag_on_failure");
  f->tag_on_private_address_ = config.GetStrings("tag_on_private_address");

  int64_t cache_size = config.GetInt("cache_size");
  if (cache_size < 0 || cache_size > kMaxCacheSize) {
    return Status::InvalidArgument(
        fmt::format("geoip cache_size is {}; it must be between 0 (no cache) and {}", cache_size,
                    kMaxCacheSize));
  }
  if (cache_size > 0) {
    f->cache_ = std::make_unique<LookupCache>(static_cast<size_t>(cache_size));
    f->record_cache_ =
        std::make_unique<LookupCache>(static_cast<size_t>(cache_size) * kRecordCacheFactor);
  }

  if (f->ecs_) {
    const auto& path = f->target_.path();
    bool expected = path.size() == 1 && std::find(std::begin(kEcsTargets), std::end(kEcsTargets),
                                                  path[0]) != std::end(kEcsTargets);
    if (!expected) {
      spdlog::warn(
          "geoip: ECS expects `target` to be one of client, destination, host, observer, server, "
          "source; got '{}'",
          target);
    }
  }
  spdlog::debug("geoip: {} database '{}' ({} layout) for {}", DatabaseKindName(db.kind()),
                db.path(), RecordLayoutName(db.layout()), f->target_.ToString());
  return std::unique_ptr<Plugin>(std::move(f));
}

bool GeoipFilter::Filter(Event& event) {
  const Value* value = event.Get(source_);
  // Logstash uses the first element of an array, and returns before touching the target when
  // the value is missing or blank.
  if (value != nullptr && value->is_array()) {
    value = value->as_array().empty() ? nullptr : &value->as_array()[0];
  }
  if (value == nullptr || !value->is_string() || IsBlank(value->as_string())) {
    Fail(event, /*make_target=*/false, /*special_address=*/false);
    return false;
  }
  std::optional<IpAddress> ip = IpAddress::Parse(value->as_string());
  if (!ip) {
    Fail(event, /*make_target=*/true, /*special_address=*/false);
    return false;
  }
  if (ip->IsSpecialPurpose()) {
    special_addresses_.fetch_add(1, std::memory_order_relaxed);
    Fail(event, /*make_target=*/true, /*special_address=*/true);
    return false;
  }
  const CacheKey key = CacheKey::Address(*ip);
  std::shared_ptr<const CachedLookup> result = cache_ ? cache_->Find(key) : nullptr;
  if (result == nullptr) {
    result = LookUp(*ip);
    if (cache_) cache_->Insert(key, result);
  }
  if (!result->found) {
    Fail(event, /*make_target=*/true, /*special_address=*/false);
    return false;
  }
  const CachedLookup& shared = result->same_record ? *result->same_record : *result;
  Value* target = event.GetMutable(target_);
  if (target != nullptr && target->is_object()) {
    MergeInto(&target->as_object(), shared.output);
  } else {
    target = &event.Set(target_, Value(shared.output));
  }
  if (result->same_record) {
    PatchAddressFields(shared.output, *ip, result->prefix_length, ecs_, &target->as_object());
  }
  return true;
}

std::shared_ptr<const CachedLookup> GeoipFilter::LookUp(const IpAddress& ip) {
  const GeoDatabase* db = ip.is_v4() ? v4_.get() : v6_.get();
  if (db == nullptr) return not_found_;  // no file covers this family
  Result<std::optional<GeoDatabase::Location>> location = db->Locate(ip);
  if (!location.ok()) {
    CountError(location.status());
    return not_found_;
  }
  if (!*location) return not_found_;
  const CacheKey record_key = CacheKey::Record(db == v4_.get() ? 0 : 1, (*location)->data_offset);
  if (record_cache_) {
    if (std::shared_ptr<const CachedLookup> same_record = record_cache_->Find(record_key)) {
      if (!same_record->found) return same_record;
      auto result = std::make_shared<CachedLookup>();
      result->found = true;
      result->same_record = std::move(same_record);
      result->prefix_length = (*location)->prefix_length;
      return result;
    }
  }
  GeoRecord record;
  Status decoded = db->Decode(ip, **location, &record);
  if (!decoded.ok()) {
    CountError(decoded);
    return not_found_;
  }
  auto result = std::make_shared<CachedLookup>();
  result->found = BuildGeoOutput(record, ip, db->kind(), fields_, ecs_, &result->output);
  if (record_cache_) record_cache_->Insert(record_key, result);
  return result;
}

void GeoipFilter::CountError(const Status& status) {
  // A corrupt file: the event fails like an unknown address. Logged once per filter, counted
  // always, so a broken file shows in the stats rather than flooding the log.
  if (lookup_errors_.fetch_add(1, std::memory_order_relaxed) == 0) {
    spdlog::error("geoip: {}", status.message());
  }
}

void GeoipFilter::Fail(Event& event, bool make_target, bool special_address) {
  if (make_target) {
    const Value* target = event.Get(target_);
    if (target == nullptr || target->is_null()) event.Set(target_, Object());
  }
  for (const std::string& tag : tag_on_failure_) event.AddTag(tag);
  if (special_address) {
    for (const std::string& tag : tag_on_private_address_) event.AddTag(tag);
  }
}

void GeoipFilter::AppendStats(Object* out) const {
  auto cache_stats = [](const LookupCache* cache) {
    LookupCache::Counters c = cache ? cache->counters() : LookupCache::Counters{};
    uint64_t total = c.hits + c.misses;
    Object o;
    o.Set("hits", c.hits);
    o.Set("misses", c.misses);
    o.Set("hit_rate", total == 0 ? 0.0 : static_cast<double>(c.hits) / static_cast<double>(total));
    o.Set("entries", c.entries);
    o.Set("capacity", cache ? cache->capacity() : size_t{0});
    return o;
  };
  out->Set("cache", cache_stats(cache_.get()));
  out->Set("record_cache", cache_stats(record_cache_.get()));
  out->Set("special_addresses", special_addresses_.load(std::memory_order_relaxed));
  out->Set("lookup_errors", lookup_errors_.load(std::memory_order_relaxed));
  Array databases;
  if (v4_) databases.emplace_back(v4_->path());
  if (v6_ && v6_ != v4_) databases.emplace_back(v6_->path());
  out->Set("databases", std::move(databases));
}

}  // namespace geoip

// One option per entry reads better than the formatter's one field per line.
// clang-format off
const PluginSpec kGeoipFilter = {
    .name = "geoip",
    .kind = PluginKind::kFilter,
    .help = "adds the location and network owner of an IP address (MaxMind DB files; by "
            "default DB-IP City Lite, CC BY 4.0, https://db-ip.com)",
    .options =
        {
            {"source", OptionType::kString, {},
             "the field holding the IP address (of an array, the first element)", true},
            {"target", OptionType::kString, {},
             "where the fields go; default `geoip` in legacy mode, the parent of `source` in "
             "ECS mode ([source][ip] -> source)"},
            {"database", OptionType::kPath, {},
             "a .mmdb file (GeoIP2/GeoLite2 City, Country, ASN, ISP, ...; DB-IP) or a directory "
             "holding one; default: DB-IP City Lite"},
            {"default_database_type", OptionType::kString, Value("City"),
             "which default database to use when `database` is not set", false,
             {"City", "ASN"}},
            {"fields", OptionType::kArray, {},
             "write only these fields (city_name, country_code2, location, "
             "AUTONOMOUS_SYSTEM_NUMBER, ...); default: the database kind's set"},
            {"tag_on_failure", OptionType::kArray, Value(Array{Value("_geoip_lookup_failure")}),
             "tags added when the address is invalid, special-purpose or not in the database"},
            {"tag_on_private_address", OptionType::kArray, Value(Array{}),
             "extra tags for private, loopback, link-local, multicast and reserved addresses, "
             "which are never looked up (e.g. [\"_geoip_private_address\"])"},
            {"cache_size", OptionType::kNumber, Value(1000),
             "recent lookups kept in memory (0: no cache)"},
            {"ecs_compatibility", OptionType::kString, {},
             "field layout: disabled (legacy [geoip][country_code2]) or v1/v8 "
             "([source][geo][country_iso_code]); default: the pipeline's",
             false, {"disabled", "v1", "v8"}},
        },
    .create = &geoip::GeoipFilter::Create,
};
// clang-format on

}  // namespace perimeter
