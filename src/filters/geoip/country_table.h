// The ISO 3166-1 country table (plus Kosovo, XK): alpha-2, alpha-3, English short name and
// continent. It names the countries of databases that carry only a code (the DB-IP flat layout).
// Constant data; safe to read from any thread.
#pragma once

#include <span>
#include <string_view>

namespace perimeter::geoip {

struct Country {
  std::string_view alpha2;     // "GB"
  std::string_view alpha3;     // "GBR"
  std::string_view name;       // "United Kingdom": the common short name GeoNames and MaxMind use
  std::string_view continent;  // "EU": AF, AN, AS, EU, NA, OC or SA
};

// Every entry, sorted by alpha-2.
std::span<const Country> AllCountries();

// The country with this alpha-2 code (upper case), or null when the code is unknown.
const Country* FindCountry(std::string_view alpha2);

// "Europe" for "EU"; empty for an unknown code.
std::string_view ContinentName(std::string_view code);

}  // namespace perimeter::geoip
