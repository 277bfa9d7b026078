// GeoDatabase: one opened MaxMind DB (.mmdb) file — its kind (City, Country, ASN, ...) and
// record layout, detected from its metadata and records — and lookups in it. Immutable after
// Open; Locate, Decode and Lookup may be called from any number of threads at once
// (libmaxminddb reads the memory-mapped file without writing to its handle).
#pragma once

#include <maxminddb.h>

#include <memory>
#include <optional>
#include <string>

#include "core/ip_address.h"
#include "core/status.h"
#include "filters/geoip/geo_record.h"

namespace perimeter::geoip {

// How a database lays out its records.
enum class RecordLayout {
  // MaxMind GeoIP2/GeoLite2 (and DB-IP's own .mmdb): nested maps with localized names,
  // `country.iso_code`, `country.names.en`, `location.latitude`, `subdivisions[]`, ...
  kNested,
  // The ip-location-db packages (the default DB-IP City Lite database): one flat map of
  // `country_code, state1, state2, city, postcode, latitude, longitude, timezone`, no names.
  // Country and continent names come from the built-in ISO 3166 table.
  kFlat,
};
std::string_view RecordLayoutName(RecordLayout layout);

class GeoDatabase {
 public:
  // Opens `path`. A GeoIP Legacy file (GeoLiteCity.dat) is refused with an error that says which
  // database to use instead, as are files that are not MaxMind DBs and databases of a type the
  // filter cannot read.
  static Result<std::unique_ptr<GeoDatabase>> Open(const std::string& path);
  ~GeoDatabase();
  GeoDatabase(const GeoDatabase&) = delete;
  GeoDatabase& operator=(const GeoDatabase&) = delete;

  const std::string& path() const { return path_; }
  const std::string& database_type() const { return database_type_; }  // from the metadata
  DatabaseKind kind() const { return kind_; }
  RecordLayout layout() const { return layout_; }
  // 4: the file holds IPv4 networks only; 6: IPv6 and (usually) IPv4 networks.
  int ip_version() const { return ip_version_; }

  // Where the record for an address is: its offset in the data section (shared by every
  // network the database maps to the same record) and the prefix length of the network holding
  // the address, in the address's own family.
  struct Location {
    uint32_t data_offset = 0;
    int prefix_length = 0;
  };
  // Walks the search tree only. nullopt when the database has no record for `ip`; an error for a
  // corrupt tree.
  Result<std::optional<Location>> Locate(const IpAddress& ip) const;
  // Decodes the record at `location` (found for `ip`) into `out`.
  Status Decode(const IpAddress& ip, const Location& location, GeoRecord* out) const;

  // Locate and Decode: the record holding `ip` into `out`. Returns false when the database has
  // no record for it; an error when the record cannot be decoded (a corrupt file).
  // `country_code3` is the 2-letter code for nested records — Logstash's quirk, kept so the
  // output matches it — and the ISO alpha-3 code for flat records, which have no Logstash
  // precedent (Logstash 1.x printed alpha-3 from GeoLite Legacy).
  Result<bool> Lookup(const IpAddress& ip, GeoRecord* out) const;

 private:
  GeoDatabase() = default;
  Status DetectKindAndLayout();
  Status DecodeNested(MMDB_entry_s* entry, GeoRecord* out) const;
  Status DecodeFlat(MMDB_entry_s* entry, GeoRecord* out) const;
  Status DecodeTraits(MMDB_entry_s* entry, bool under_traits, GeoRecord* out) const;

  std::string path_;
  std::string database_type_;
  DatabaseKind kind_ = DatabaseKind::kCity;
  RecordLayout layout_ = RecordLayout::kNested;
  int ip_version_ = 6;
  MMDB_s mmdb_{};
  bool open_ = false;
};

// The error for a GeoIP Legacy (.dat) database; exposed so the filter can say it before
// looking for the file.
Status LegacyDatabaseError(const std::string& path);
// True when `path` names a GeoIP Legacy database by its extension (".dat", any case).
bool HasLegacyExtension(const std::string& path);

}  // namespace perimeter::geoip
