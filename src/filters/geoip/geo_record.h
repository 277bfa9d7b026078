// GeoRecord: what one database record says about an address, decoded into the same shape
// whatever the database's layout (MaxMind's nested records or DB-IP's flat ones). A plain
// value, built per lookup on a cache miss.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.h"

namespace perimeter::geoip {

// The record model of a database, which decides the fields it offers by default. Named after
// Logstash's, which reads it from the `database_type` metadata.
enum class DatabaseKind { kCity, kCountry, kAsn, kIsp, kDomain, kEnterprise, kAnonymousIp };
std::string_view DatabaseKindName(DatabaseKind kind);  // "City", "ASN", ...

struct GeoRecord {
  // Strings are empty when the record does not have them (DB-IP writes "" for "unknown").
  std::string city_name;
  std::string country_iso_code;  // "GB"
  std::string country_code3;     // what `country_code3` prints: see GeoDatabase
  std::string country_name;
  std::string continent_code;
  std::string continent_name;
  std::string postal_code;
  std::string region_name;  // the most specific subdivision
  std::string region_code;  // its ISO 3166-2 code without the country ("WA")
  std::string timezone;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<int64_t> metro_code;
  std::optional<int64_t> asn;
  std::string as_org;
  std::string isp;
  std::string organization;
  std::string domain;
  // Anonymous-IP and Enterprise traits; absent in the record means false (as in Logstash).
  bool is_hosting_provider = false;
  bool is_tor_exit_node = false;
  bool is_anonymous_vpn = false;
  bool is_anonymous = false;
  bool is_public_proxy = false;
  bool is_residential_proxy = false;
  // The database network holding the address: its first address and prefix length (in the
  // address's own family, so an IPv4 address in an IPv6 database gets an IPv4 network).
  IpAddress network;
  int prefix_length = 0;
};

}  // namespace perimeter::geoip
