#include "filters/geoip/geo_database.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <vector>

#include "filters/geoip/country_table.h"
#include "filters/geoip/mmdb_data_decoder.h"

namespace perimeter::geoip {

namespace {

// Search-tree nodes visited to find a sample record for layout detection. The first data record
// sits at most one tree depth (128 nodes) down the leftmost populated path; the margin covers
// sparse trees without letting a corrupt one loop for long.
constexpr size_t kMaxProbeNodes = 4096;

// A GeoIP Legacy file ends with its "structure info": three 0xFF bytes followed by the database
// type and segment size, found within this many bytes of the end (libGeoIP's
// STRUCTURE_INFO_MAX_SIZE).
constexpr size_t kLegacyStructureInfoMaxSize = 20;

// Languages in `names` maps; Logstash reads the English one.
constexpr const char* kLanguage = "en";

// A 32-bit float as the double with the same shortest decimal form, so 51.5143f becomes 51.5143
// rather than 51.51430130004883: the digits the database meant.
double FloatToDouble(float f) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), f);
  double d = f;
  if (ec == std::errc()) std::from_chars(buf, end, d);
  return d;
}

bool ContainsIgnoringCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

// Logstash's rule (substring tests on `database_type`, case-sensitive, in this order), then the
// same words in any case for databases that spell their type in lower case ("city ipv4").
std::optional<DatabaseKind> KindFromType(std::string_view type) {
  struct Rule {
    std::string_view needle;
    DatabaseKind kind;
  };
  static constexpr Rule kLogstashRules[] = {
      {"City", DatabaseKind::kCity},
      {"Country", DatabaseKind::kCountry},
      {"GeoIP2-Domain", DatabaseKind::kDomain},
      {"GeoLite2-ASN", DatabaseKind::kAsn},
      {"GeoIP2-ISP", DatabaseKind::kIsp},
      {"Enterprise", DatabaseKind::kEnterprise},
      {"GeoIP2-Anonymous-IP", DatabaseKind::kAnonymousIp},
  };
  for (const Rule& r : kLogstashRules) {
    if (type.find(r.needle) != std::string_view::npos) return r.kind;
  }
  static constexpr Rule kLooseRules[] = {
      {"city", DatabaseKind::kCity},
      {"country", DatabaseKind::kCountry},
      {"domain", DatabaseKind::kDomain},
      {"asn", DatabaseKind::kAsn},
      {"isp", DatabaseKind::kIsp},
      {"enterprise", DatabaseKind::kEnterprise},
      {"anonymous", DatabaseKind::kAnonymousIp},
  };
  for (const Rule& r : kLooseRules) {
    if (ContainsIgnoringCase(type, r.needle)) return r.kind;
  }
  return std::nullopt;
}

// MMDB_get_value reports a path that is absent or crosses a non-map as one of these: the value
// is simply not there. Any other code means the data section could not be decoded.
bool IsAbsentPath(int status) {
  return status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
         status == MMDB_INVALID_LOOKUP_PATH_ERROR;
}

// A lookup path into a record: map keys and array indexes, null-terminated for
// MMDB_aget_value. Paths here are short; kMaxPathDepth bounds them.
constexpr size_t kMaxPathDepth = 6;
struct KeyPath {
  KeyPath(std::initializer_list<const char*> list) {
    size_t n = std::min(list.size(), kMaxPathDepth);
    std::copy_n(list.begin(), n, keys);
    keys[n] = nullptr;
  }
  // `key` alone, or under `parent` when it is not null.
  static KeyPath Under(const char* parent, const char* key) {
    return parent != nullptr ? KeyPath{parent, key} : KeyPath{key};
  }
  const char* keys[kMaxPathDepth + 1];
};

class EntryReader {
 public:
  EntryReader(MMDB_entry_s* entry, const std::string& path) : entry_(entry), path_(path) {}

  // The value at `path`, or has_data == false when absent.
  Result<MMDB_entry_data_s> Get(const KeyPath& path) const {
    MMDB_entry_data_s data{};
    int status = MMDB_aget_value(entry_, &data, path.keys);
    if (status == MMDB_SUCCESS) return data;
    if (IsAbsentPath(status)) {
      data.has_data = false;
      return data;
    }
    return Status::Corruption(fmt::format("GeoIP database '{}': cannot decode a record: {}", path_,
                                          MMDB_strerror(status)));
  }

  Status String(const KeyPath& path, std::string* out) const {
    ASSIGN_OR_RETURN(MMDB_entry_data_s d, Get(path));
    if (d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING) {
      out->assign(d.utf8_string, d.data_size);
    }
    return Status::OK();
  }

  Status Double(const KeyPath& path, std::optional<double>* out) const {
    ASSIGN_OR_RETURN(MMDB_entry_data_s d, Get(path));
    if (!d.has_data) return Status::OK();
    switch (d.type) {
      case MMDB_DATA_TYPE_DOUBLE:
        *out = d.double_value;
        break;
      case MMDB_DATA_TYPE_FLOAT:
        *out = FloatToDouble(d.float_value);
        break;
      default:
        if (auto i = AsInt(d)) *out = static_cast<double>(*i);
    }
    return Status::OK();
  }

  Status Int(const KeyPath& path, std::optional<int64_t>* out) const {
    ASSIGN_OR_RETURN(MMDB_entry_data_s d, Get(path));
    if (d.has_data) *out = AsInt(d);
    return Status::OK();
  }

  Status Bool(const KeyPath& path, bool* out) const {
    ASSIGN_OR_RETURN(MMDB_entry_data_s d, Get(path));
    if (d.has_data && d.type == MMDB_DATA_TYPE_BOOLEAN) *out = d.boolean;
    return Status::OK();
  }

  // Number of elements of the array at `path`; 0 when absent or not an array.
  Result<uint32_t> ArraySize(const KeyPath& path) const {
    ASSIGN_OR_RETURN(MMDB_entry_data_s d, Get(path));
    return d.has_data && d.type == MMDB_DATA_TYPE_ARRAY ? d.data_size : 0u;
  }

  // True when the top-level `key` holds a value of `type`.
  bool Has(const char* key, uint32_t type) const {
    MMDB_entry_data_s d{};
    return MMDB_aget_value(entry_, &d, KeyPath{key}.keys) == MMDB_SUCCESS && d.has_data &&
           d.type == type;
  }
  bool HasNumber(const char* key) const {
    return Has(key, MMDB_DATA_TYPE_DOUBLE) || Has(key, MMDB_DATA_TYPE_FLOAT);
  }

 private:
  static std::optional<int64_t> AsInt(const MMDB_entry_data_s& d) {
    switch (d.type) {
      case MMDB_DATA_TYPE_UINT16:
        return d.uint16;
      case MMDB_DATA_TYPE_UINT32:
        return d.uint32;
      case MMDB_DATA_TYPE_INT32:
        return d.int32;
      case MMDB_DATA_TYPE_UINT64:
        return static_cast<int64_t>(d.uint64);
      case MMDB_DATA_TYPE_DOUBLE:
        return static_cast<int64_t>(d.double_value);
      default:
        return std::nullopt;
    }
  }

  MMDB_entry_s* entry_;
  const std::string& path_;
};

// True when the file's tail carries GeoIP Legacy's structure-info marker.
bool LooksLikeLegacyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char tail[kLegacyStructureInfoMaxSize + 3];
  off_t size = ::lseek(fd, 0, SEEK_END);
  bool legacy = false;
  if (size >= static_cast<off_t>(sizeof(tail))) {
    ssize_t n = ::pread(fd, tail, sizeof(tail), size - static_cast<off_t>(sizeof(tail)));
    for (ssize_t i = 0; i + 3 <= n; ++i) {
      if (tail[i] == 0xff && tail[i + 1] == 0xff && tail[i + 2] == 0xff) legacy = true;
    }
  }
  ::close(fd);
  return legacy;
}

}  // namespace

std::string_view DatabaseKindName(DatabaseKind kind) {
  switch (kind) {
    case DatabaseKind::kCity:
      return "City";
    case DatabaseKind::kCountry:
      return "Country";
    case DatabaseKind::kAsn:
      return "ASN";
    case DatabaseKind::kIsp:
      return "ISP";
    case DatabaseKind::kDomain:
      return "Domain";
    case DatabaseKind::kEnterprise:
      return "Enterprise";
    case DatabaseKind::kAnonymousIp:
      return "Anonymous-IP";
  }
  return "?";
}

std::string_view RecordLayoutName(RecordLayout layout) {
  return layout == RecordLayout::kNested ? "nested (MaxMind)" : "flat (ip-location-db)";
}

bool HasLegacyExtension(const std::string& path) {
  return path.size() >= 4 &&
         ContainsIgnoringCase(std::string_view(path).substr(path.size() - 4), ".dat");
}

Status LegacyDatabaseError(const std::string& path) {
  return Status::InvalidArgument(fmt::format(
      "GeoIP database '{}' is in the GeoIP Legacy (.dat) format; MaxMind discontinued GeoLite "
      "Legacy in 2019 and Perimeter reads only MaxMind DB (.mmdb) files. Remove the `database` "
      "option to use the bundled DB-IP City Lite database (installed by scripts/install-deps), "
      "or download GeoLite2-City.mmdb from maxmind.com and set "
      "`database => \"/path/to/GeoLite2-City.mmdb\"`",
      path));
}

Result<std::unique_ptr<GeoDatabase>> GeoDatabase::Open(const std::string& path) {
  if (HasLegacyExtension(path)) return LegacyDatabaseError(path);
  std::unique_ptr<GeoDatabase> db(new GeoDatabase());
  db->path_ = path;
  errno = 0;
  int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db->mmdb_);
  int open_errno = errno;
  if (status != MMDB_SUCCESS) {
    if (status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) {
      if (open_errno == ENOENT) {
        return Status::NotFound(fmt::format(
            "GeoIP database '{}' does not exist; fix the `database` path or remove the option "
            "to use the default database",
            path));
      }
      return Status::FromErrno("cannot read GeoIP database", path, open_errno ? open_errno : EIO);
    }
    if (status == MMDB_INVALID_METADATA_ERROR && LooksLikeLegacyFile(path)) {
      return LegacyDatabaseError(path);
    }
    if (status == MMDB_INVALID_METADATA_ERROR || status == MMDB_UNKNOWN_DATABASE_FORMAT_ERROR) {
      return Status::InvalidArgument(fmt::format(
          "'{}' is not a MaxMind DB (.mmdb) file ({}); point `database` at a GeoIP2/GeoLite2 or "
          "DB-IP .mmdb file (a .tar.gz or .gz download must be extracted first)",
          path, MMDB_strerror(status)));
    }
    return Status::Corruption(
        fmt::format("GeoIP database '{}' is corrupt: {}", path, MMDB_strerror(status)));
  }
  db->open_ = true;
  db->database_type_ =
      db->mmdb_.metadata.database_type != nullptr ? db->mmdb_.metadata.database_type : "";
  db->ip_version_ = db->mmdb_.metadata.ip_version;
  RETURN_IF_ERROR(db->DetectKindAndLayout());
  return db;
}

GeoDatabase::~GeoDatabase() {
  if (open_) MMDB_close(&mmdb_);
}

Status GeoDatabase::DetectKindAndLayout() {
  // A sample record tells the layout apart; depth-first from the root to the first data record.
  std::optional<MMDB_entry_s> sample;
  std::vector<uint32_t> stack = {0};
  for (size_t visits = 0; !stack.empty() && !sample && visits < kMaxProbeNodes; ++visits) {
    uint32_t node_number = stack.back();
    stack.pop_back();
    MMDB_search_node_s node;
    if (MMDB_read_node(&mmdb_, node_number, &node) != MMDB_SUCCESS) break;
    if (node.left_record_type == MMDB_RECORD_TYPE_DATA) {
      sample = node.left_record_entry;
    } else if (node.right_record_type == MMDB_RECORD_TYPE_DATA) {
      sample = node.right_record_entry;
    } else {
      if (node.right_record_type == MMDB_RECORD_TYPE_SEARCH_NODE)
        stack.push_back(node.right_record);
      if (node.left_record_type == MMDB_RECORD_TYPE_SEARCH_NODE) stack.push_back(node.left_record);
    }
  }
  layout_ = RecordLayout::kNested;
  std::optional<DatabaseKind> from_record;
  if (sample) {
    EntryReader r(&*sample, path_);
    bool flat = r.Has("country_code", MMDB_DATA_TYPE_UTF8_STRING) || r.HasNumber("latitude") ||
                r.Has("city", MMDB_DATA_TYPE_UTF8_STRING);
    if (flat) layout_ = RecordLayout::kFlat;
    if (r.Has("city", MMDB_DATA_TYPE_MAP) || r.Has("location", MMDB_DATA_TYPE_MAP) ||
        r.Has("city", MMDB_DATA_TYPE_UTF8_STRING) || r.HasNumber("latitude")) {
      from_record = DatabaseKind::kCity;
    } else if (r.Has("country", MMDB_DATA_TYPE_MAP) ||
               r.Has("country_code", MMDB_DATA_TYPE_UTF8_STRING)) {
      from_record = DatabaseKind::kCountry;
    } else if (r.Has("isp", MMDB_DATA_TYPE_UTF8_STRING)) {
      from_record = DatabaseKind::kIsp;
    } else if (r.Has("autonomous_system_number", MMDB_DATA_TYPE_UINT32)) {
      from_record = DatabaseKind::kAsn;
    } else if (r.Has("domain", MMDB_DATA_TYPE_UTF8_STRING)) {
      from_record = DatabaseKind::kDomain;
    } else if (r.Has("is_anonymous", MMDB_DATA_TYPE_BOOLEAN)) {
      from_record = DatabaseKind::kAnonymousIp;
    }
  }
  std::optional<DatabaseKind> kind = KindFromType(database_type_);
  if (!kind) kind = from_record;
  if (!kind) {
    return Status::InvalidArgument(fmt::format(
        "GeoIP database '{}' has type '{}', which the geoip filter cannot read; use a City, "
        "Country, ASN, ISP, Domain, Enterprise or Anonymous-IP database (GeoIP2, GeoLite2 or "
        "DB-IP .mmdb)",
        path_, database_type_));
  }
  kind_ = *kind;
  return Status::OK();
}

Result<std::optional<GeoDatabase::Location>> GeoDatabase::Locate(const IpAddress& ip) const {
  if (!ip.is_v4() && ip_version_ == 4) return std::optional<Location>();
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  const sockaddr* addr;
  if (ip.is_v4()) {
    v4.sin_family = AF_INET;
    std::memcpy(&v4.sin_addr, ip.bytes().data(), 4);
    addr = reinterpret_cast<const sockaddr*>(&v4);
  } else {
    v6.sin6_family = AF_INET6;
    std::memcpy(&v6.sin6_addr, ip.bytes().data(), 16);
    addr = reinterpret_cast<const sockaddr*>(&v6);
  }
  int status = MMDB_SUCCESS;
  MMDB_lookup_result_s result = MMDB_lookup_sockaddr(&mmdb_, addr, &status);
  if (status == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) return std::optional<Location>();
  if (status != MMDB_SUCCESS) {
    return Status::Corruption(fmt::format("GeoIP database '{}': lookup of {} failed: {}", path_,
                                          ip.ToText(), MMDB_strerror(status)));
  }
  if (!result.found_entry) return std::optional<Location>();
  int prefix = result.netmask;
  // An IPv4 address in an IPv6 tree sits under ::/96; its network is reported in IPv4 terms.
  if (ip.is_v4() && ip_version_ == 6) prefix = std::max(0, prefix - 96);
  return std::optional<Location>(Location{result.entry.offset, prefix});
}

Status GeoDatabase::Decode(const IpAddress& ip, const Location& location, GeoRecord* out) const {
  *out = GeoRecord();
  out->prefix_length = location.prefix_length;
  out->network = ip.Network(location.prefix_length);
  MMDB_entry_s entry{&mmdb_, location.data_offset};
  switch (kind_) {
    case DatabaseKind::kCity:
    case DatabaseKind::kCountry:
    case DatabaseKind::kEnterprise:
      if (layout_ == RecordLayout::kFlat) {
        RETURN_IF_ERROR(DecodeFlat(&entry, out));
      } else {
        RETURN_IF_ERROR(DecodeNested(&entry, out));
      }
      if (kind_ == DatabaseKind::kEnterprise) {
        RETURN_IF_ERROR(DecodeTraits(&entry, /*under_traits=*/true, out));
      }
      return Status::OK();
    case DatabaseKind::kAsn:
    case DatabaseKind::kIsp:
    case DatabaseKind::kDomain:
    case DatabaseKind::kAnonymousIp:
      return DecodeTraits(&entry, /*under_traits=*/false, out);
  }
  return Status::OK();
}

Result<bool> GeoDatabase::Lookup(const IpAddress& ip, GeoRecord* out) const {
  ASSIGN_OR_RETURN(std::optional<Location> location, Locate(ip));
  if (!location) return false;
  RETURN_IF_ERROR(Decode(ip, *location, out));
  return true;
}

Status GeoDatabase::DecodeNested(MMDB_entry_s* entry, GeoRecord* out) const {
  EntryReader r(entry, path_);
  RETURN_IF_ERROR(r.String({"city", "names", kLanguage}, &out->city_name));
  RETURN_IF_ERROR(r.String({"country", "iso_code"}, &out->country_iso_code));
  out->country_code3 = out->country_iso_code;
  RETURN_IF_ERROR(r.String({"country", "names", kLanguage}, &out->country_name));
  RETURN_IF_ERROR(r.String({"continent", "code"}, &out->continent_code));
  RETURN_IF_ERROR(r.String({"continent", "names", kLanguage}, &out->continent_name));
  RETURN_IF_ERROR(r.String({"postal", "code"}, &out->postal_code));
  RETURN_IF_ERROR(r.String({"location", "time_zone"}, &out->timezone));
  RETURN_IF_ERROR(r.Double({"location", "latitude"}, &out->latitude));
  RETURN_IF_ERROR(r.Double({"location", "longitude"}, &out->longitude));
  RETURN_IF_ERROR(r.Int({"location", "metro_code"}, &out->metro_code));
  ASSIGN_OR_RETURN(uint32_t subdivisions, r.ArraySize({"subdivisions"}));
  if (subdivisions > 0) {
    char index[12];
    auto [end, ec] = std::to_chars(index, index + sizeof(index) - 1, subdivisions - 1);
    *end = '\0';
    RETURN_IF_ERROR(r.String({"subdivisions", index, "names", kLanguage}, &out->region_name));
    RETURN_IF_ERROR(r.String({"subdivisions", index, "iso_code"}, &out->region_code));
  }
  return Status::OK();
}

Status GeoDatabase::DecodeFlat(MMDB_entry_s* entry, GeoRecord* out) const {
  // One pass over the record's map (MMDB_aget_value would rescan it for each of the 8 keys).
  MmdbDataDecoder decoder(mmdb_.data_section, mmdb_.data_section_size);
  std::string_view state1;
  std::string_view state2;
  auto text = [](const MmdbScalar& v) {
    return v.kind == MmdbScalar::Kind::kString ? v.text : std::string_view();
  };
  auto number = [](const MmdbScalar& v) -> std::optional<double> {
    switch (v.kind) {
      case MmdbScalar::Kind::kFloat:
        return FloatToDouble(static_cast<float>(v.number));
      case MmdbScalar::Kind::kDouble:
      case MmdbScalar::Kind::kUnsigned:
      case MmdbScalar::Kind::kSigned:
        return v.number;
      default:
        return std::nullopt;
    }
  };
  Status st = decoder.ForEachInMap(entry->offset, [&](std::string_view key, const MmdbScalar& v) {
    if (key == "country_code") {
      out->country_iso_code = text(v);
    } else if (key == "city") {
      out->city_name = text(v);
    } else if (key == "latitude") {
      out->latitude = number(v);
    } else if (key == "longitude") {
      out->longitude = number(v);
    } else if (key == "state1") {
      state1 = text(v);
    } else if (key == "state2") {
      state2 = text(v);
    } else if (key == "postcode") {
      out->postal_code = text(v);
    } else if (key == "timezone") {
      out->timezone = text(v);
    }
  });
  if (!st.ok()) return Status::Corruption("'" + path_ + "': " + st.message());
  // state1 is the first-level subdivision, state2 the second; like MaxMind's subdivisions[] the
  // filter reports the most specific one that is known.
  out->region_name = !state2.empty() ? state2 : state1;
  if (const Country* c = FindCountry(out->country_iso_code)) {
    out->country_code3 = c->alpha3;
    out->country_name = c->name;
    out->continent_code = c->continent;
    out->continent_name = ContinentName(c->continent);
  } else {
    out->country_code3 = out->country_iso_code;
  }
  return Status::OK();
}

Status GeoDatabase::DecodeTraits(MMDB_entry_s* entry, bool under_traits, GeoRecord* out) const {
  EntryReader r(entry, path_);
  // Enterprise records keep these under `traits`; ASN, ISP, Domain and Anonymous-IP records at
  // the top.
  const char* parent = under_traits ? "traits" : nullptr;
  auto at = [parent](const char* key) { return KeyPath::Under(parent, key); };
  RETURN_IF_ERROR(r.Int(at("autonomous_system_number"), &out->asn));
  RETURN_IF_ERROR(r.String(at("autonomous_system_organization"), &out->as_org));
  RETURN_IF_ERROR(r.String(at("isp"), &out->isp));
  RETURN_IF_ERROR(r.String(at("organization"), &out->organization));
  RETURN_IF_ERROR(r.String(at("domain"), &out->domain));
  RETURN_IF_ERROR(r.Bool(at("is_hosting_provider"), &out->is_hosting_provider));
  RETURN_IF_ERROR(r.Bool(at("is_tor_exit_node"), &out->is_tor_exit_node));
  RETURN_IF_ERROR(r.Bool(at("is_anonymous_vpn"), &out->is_anonymous_vpn));
  RETURN_IF_ERROR(r.Bool(at("is_anonymous"), &out->is_anonymous));
  RETURN_IF_ERROR(r.Bool(at("is_public_proxy"), &out->is_public_proxy));
  RETURN_IF_ERROR(r.Bool(at("is_residential_proxy"), &out->is_residential_proxy));
  return Status::OK();
}

}  // namespace perimeter::geoip
