// GeoField: the fields the geoip filter writes, named and placed exactly as Logstash's geoip
// filter does in legacy (`ecs_compatibility => disabled`) and ECS mode, the defaults per
// database kind, and the builder of the object one lookup writes under the target.
// Constant tables and pure functions; safe from any thread.
#pragma once

#include <bitset>
#include <cstdint>
#include <string_view>

#include "core/ip_address.h"
#include "core/status.h"
#include "core/value.h"
#include "filters/geoip/geo_record.h"

namespace perimeter::geoip {

// In Logstash's enum order, which is also the order fields are written in.
enum class GeoField : uint8_t {
  kAutonomousSystemNumber,
  kAutonomousSystemOrganization,
  kCityName,
  kCountryName,
  kContinentCode,
  kContinentName,
  kCountryCode2,
  kCountryCode3,
  kDomain,
  kIp,
  kIsp,
  kPostalCode,
  kDmaCode,
  kRegionName,
  kRegionCode,
  kRegionIsoCode,
  kTimezone,
  kLocation,
  kLatitude,
  kLongitude,
  kOrganization,
  kNetwork,
  kHostingProvider,
  kTorExitNode,
  kAnonymousVpn,
  kAnonymous,
  kPublicProxy,
  kResidentialProxy,
};
constexpr size_t kGeoFieldCount = 28;
using GeoFieldSet = std::bitset<kGeoFieldCount>;

// A `fields` entry: Logstash's enum name in any case ("AUTONOMOUS_SYSTEM_NUMBER", "city_name"),
// or a legacy output name ("asn", "as_org"). The error lists the valid names.
Result<GeoField> ParseGeoField(std::string_view name);
// The legacy output name ("country_code2"); also what ParseGeoField accepts.
std::string_view GeoFieldLegacyName(GeoField field);

// The fields written when `fields` is not set: Logstash's defaults for the database kind, with
// `region_code` in legacy mode and `region_iso_code` in ECS mode for City databases.
GeoFieldSet DefaultGeoFields(DatabaseKind kind, bool ecs);

// Builds, into `out` (cleared first), the object a successful lookup merges into the target:
// flat legacy names (`country_code2`, `location: {lat, lon}`, `latitude`) or ECS paths
// (`geo: {country_iso_code, location: {lat, lon}}`, `as: {number}`, `mmdb: {dma_code}`).
// `ip` is the looked-up address. Returns false when Logstash counts the lookup as failed: a
// City record with neither latitude nor longitude, or nothing to write.
bool BuildGeoOutput(const GeoRecord& record, const IpAddress& ip, DatabaseKind kind,
                    const GeoFieldSet& fields, bool ecs, Object* out);

// After `built` — an output made for another address of the same database record — was merged
// into `target`, rewrites there the address-specific fields `built` has: `ip`, and `network`
// (whose prefix is `prefix_length`). Fields `built` lacks are left alone.
void PatchAddressFields(const Object& built, const IpAddress& ip, int prefix_length, bool ecs,
                        Object* target);

}  // namespace perimeter::geoip
