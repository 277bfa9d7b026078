#include "filters/geoip/geo_fields.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <initializer_list>
#include <span>
#include <string>

namespace perimeter::geoip {

namespace {

// Longest ECS path below the target ("as", "organization", "name").
constexpr size_t kMaxEcsDepth = 3;

struct FieldNames {
  GeoField field;
  std::string_view enum_name;  // Logstash's Field enum constant
  std::string_view legacy;     // the key written in legacy mode
  // The path written in ECS mode; empty for fields ECS has no place for (country_code3).
  std::array<std::string_view, kMaxEcsDepth> ecs;
};

constexpr FieldNames kFields[kGeoFieldCount] = {
    {GeoField::kAutonomousSystemNumber, "AUTONOMOUS_SYSTEM_NUMBER", "asn", {"as", "number"}},
    {GeoField::kAutonomousSystemOrganization,
     "AUTONOMOUS_SYSTEM_ORGANIZATION",
     "as_org",
     {"as", "organization", "name"}},
    {GeoField::kCityName, "CITY_NAME", "city_name", {"geo", "city_name"}},
    {GeoField::kCountryName, "COUNTRY_NAME", "country_name", {"geo", "country_name"}},
    {GeoField::kContinentCode, "CONTINENT_CODE", "continent_code", {"geo", "continent_code"}},
    {GeoField::kContinentName, "CONTINENT_NAME", "continent_name", {"geo", "continent_name"}},
    {GeoField::kCountryCode2, "COUNTRY_CODE2", "country_code2", {"geo", "country_iso_code"}},
    {GeoField::kCountryCode3, "COUNTRY_CODE3", "country_code3", {}},
    {GeoField::kDomain, "DOMAIN", "domain", {"domain"}},
    {GeoField::kIp, "IP", "ip", {"ip"}},
    {GeoField::kIsp, "ISP", "isp", {"mmdb", "isp"}},
    {GeoField::kPostalCode, "POSTAL_CODE", "postal_code", {"geo", "postal_code"}},
    {GeoField::kDmaCode, "DMA_CODE", "dma_code", {"mmdb", "dma_code"}},
    {GeoField::kRegionName, "REGION_NAME", "region_name", {"geo", "region_name"}},
    {GeoField::kRegionCode, "REGION_CODE", "region_code", {"geo", "region_code"}},
    {GeoField::kRegionIsoCode, "REGION_ISO_CODE", "region_iso_code", {"geo", "region_iso_code"}},
    {GeoField::kTimezone, "TIMEZONE", "timezone", {"geo", "timezone"}},
    {GeoField::kLocation, "LOCATION", "location", {"geo", "location"}},
    {GeoField::kLatitude, "LATITUDE", "latitude", {"geo", "location", "lat"}},
    {GeoField::kLongitude, "LONGITUDE", "longitude", {"geo", "location", "lon"}},
    {GeoField::kOrganization, "ORGANIZATION", "organization", {"mmdb", "organization"}},
    {GeoField::kNetwork, "NETWORK", "network", {"ip_traits", "network"}},
    {GeoField::kHostingProvider,
     "HOSTING_PROVIDER",
     "hosting_provider",
     {"ip_traits", "hosting_provider"}},
    {GeoField::kTorExitNode, "TOR_EXIT_NODE", "tor_exit_node", {"ip_traits", "tor_exit_node"}},
    {GeoField::kAnonymousVpn, "ANONYMOUS_VPN", "anonymous_vpn", {"ip_traits", "anonymous_vpn"}},
    {GeoField::kAnonymous, "ANONYMOUS", "anonymous", {"ip_traits", "anonymous"}},
    {GeoField::kPublicProxy, "PUBLIC_PROXY", "public_proxy", {"ip_traits", "public_proxy"}},
    {GeoField::kResidentialProxy,
     "RESIDENTIAL_PROXY",
     "residential_proxy",
     {"ip_traits", "residential_proxy"}},
};

GeoFieldSet SetOf(std::initializer_list<GeoField> fields) {
  GeoFieldSet set;
  for (GeoField f : fields) set.set(static_cast<size_t>(f));
  return set;
}

const GeoFieldSet& TraitFields() {
  static const GeoFieldSet kSet =
      SetOf({GeoField::kHostingProvider, GeoField::kTorExitNode, GeoField::kAnonymousVpn,
             GeoField::kAnonymous, GeoField::kPublicProxy, GeoField::kResidentialProxy});
  return kSet;
}

// The fields each kind of record can fill: what Logstash's per-kind switch handles. A field
// asked for outside this set is silently not written, as in Logstash.
GeoFieldSet SupportedFields(DatabaseKind kind) {
  switch (kind) {
    case DatabaseKind::kCity:
      return SetOf({GeoField::kCityName, GeoField::kContinentCode, GeoField::kContinentName,
                    GeoField::kCountryName, GeoField::kCountryCode2, GeoField::kCountryCode3,
                    GeoField::kIp, GeoField::kPostalCode, GeoField::kDmaCode, GeoField::kRegionName,
                    GeoField::kRegionCode, GeoField::kRegionIsoCode, GeoField::kTimezone,
                    GeoField::kLocation, GeoField::kLatitude, GeoField::kLongitude});
    case DatabaseKind::kCountry:
      return SetOf({GeoField::kIp, GeoField::kCountryCode2, GeoField::kCountryName,
                    GeoField::kContinentName});
    case DatabaseKind::kAsn:
      return SetOf({GeoField::kIp, GeoField::kAutonomousSystemNumber,
                    GeoField::kAutonomousSystemOrganization, GeoField::kNetwork});
    case DatabaseKind::kIsp:
      return SetOf({GeoField::kIp, GeoField::kAutonomousSystemNumber,
                    GeoField::kAutonomousSystemOrganization, GeoField::kIsp,
                    GeoField::kOrganization});
    case DatabaseKind::kDomain:
      return SetOf({GeoField::kDomain});
    case DatabaseKind::kEnterprise:
      return SetOf({GeoField::kIp, GeoField::kCountryCode2, GeoField::kCountryName,
                    GeoField::kContinentName, GeoField::kRegionIsoCode, GeoField::kRegionName,
                    GeoField::kCityName, GeoField::kTimezone, GeoField::kLocation,
                    GeoField::kAutonomousSystemNumber, GeoField::kAutonomousSystemOrganization,
                    GeoField::kNetwork}) |
             TraitFields();
    case DatabaseKind::kAnonymousIp:
      return SetOf({GeoField::kIp}) | TraitFields();
  }
  return {};
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Sets `value` at `path` below `root`, creating objects on the way (a non-object in the way is
// replaced, as Logstash's event.setField does).
void SetAt(Object* root, std::span<const std::string_view> path, Value value) {
  Object* obj = root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    Value& next = obj->GetOrInsert(path[i]);
    if (!next.is_object()) next = Object();
    obj = &next.as_object();
  }
  obj->Set(path.back(), std::move(value));
}

std::string NetworkText(const IpAddress& network, int prefix_length) {
  std::string cidr = network.ToText();
  cidr += '/';
  cidr += std::to_string(prefix_length);
  return cidr;
}

// The value of `field` for this record, or null when the record does not have it.
Value FieldValue(GeoField field, const GeoRecord& r, const IpAddress& ip) {
  auto text = [](const std::string& s) { return s.empty() ? Value() : Value(s); };
  switch (field) {
    case GeoField::kAutonomousSystemNumber:
      return r.asn ? Value(*r.asn) : Value();
    case GeoField::kAutonomousSystemOrganization:
      return text(r.as_org);
    case GeoField::kCityName:
      return text(r.city_name);
    case GeoField::kCountryName:
      return text(r.country_name);
    case GeoField::kContinentCode:
      return text(r.continent_code);
    case GeoField::kContinentName:
      return text(r.continent_name);
    case GeoField::kCountryCode2:
      return text(r.country_iso_code);
    case GeoField::kCountryCode3:
      return text(r.country_code3);
    case GeoField::kDomain:
      return text(r.domain);
    case GeoField::kIp:
      return Value(ip.ToText());
    case GeoField::kIsp:
      return text(r.isp);
    case GeoField::kPostalCode:
      return text(r.postal_code);
    case GeoField::kDmaCode:
      return r.metro_code ? Value(*r.metro_code) : Value();
    case GeoField::kRegionName:
      return text(r.region_name);
    case GeoField::kRegionCode:
      return text(r.region_code);
    case GeoField::kRegionIsoCode:
      if (r.country_iso_code.empty() || r.region_code.empty()) return Value();
      return Value(r.country_iso_code + "-" + r.region_code);
    case GeoField::kTimezone:
      return text(r.timezone);
    case GeoField::kLocation: {
      if (!r.latitude || !r.longitude) return Value();
      Object location;
      location.Reserve(2);
      location.Set("lat", *r.latitude);
      location.Set("lon", *r.longitude);
      return Value(std::move(location));
    }
    case GeoField::kLatitude:
      return r.latitude ? Value(*r.latitude) : Value();
    case GeoField::kLongitude:
      return r.longitude ? Value(*r.longitude) : Value();
    case GeoField::kOrganization:
      return text(r.organization);
    case GeoField::kNetwork:
      return Value(NetworkText(r.network, r.prefix_length));
    case GeoField::kHostingProvider:
      return Value(r.is_hosting_provider);
    case GeoField::kTorExitNode:
      return Value(r.is_tor_exit_node);
    case GeoField::kAnonymousVpn:
      return Value(r.is_anonymous_vpn);
    case GeoField::kAnonymous:
      return Value(r.is_anonymous);
    case GeoField::kPublicProxy:
      return Value(r.is_public_proxy);
    case GeoField::kResidentialProxy:
      return Value(r.is_residential_proxy);
  }
  return Value();
}

}  // namespace

Result<GeoField> ParseGeoField(std::string_view name) {
  for (const FieldNames& f : kFields) {
    if (EqualsIgnoringCase(name, f.enum_name) || EqualsIgnoringCase(name, f.legacy)) {
      return f.field;
    }
  }
  std::string valid;
  for (const FieldNames& f : kFields) {
    if (!valid.empty()) valid += ", ";
    valid += f.enum_name;
  }
  return Status::InvalidArgument(fmt::format(
      "geoip `fields` has '{}', which is not a field; valid values are: {}", name, valid));
}

std::string_view GeoFieldLegacyName(GeoField field) {
  return kFields[static_cast<size_t>(field)].legacy;
}

GeoFieldSet DefaultGeoFields(DatabaseKind kind, bool ecs) {
  switch (kind) {
    case DatabaseKind::kCity:
      return SetOf({GeoField::kIp, GeoField::kCityName, GeoField::kContinentCode,
                    GeoField::kCountryName, GeoField::kCountryCode2, GeoField::kCountryCode3,
                    GeoField::kPostalCode, GeoField::kDmaCode, GeoField::kRegionName,
                    ecs ? GeoField::kRegionIsoCode : GeoField::kRegionCode, GeoField::kTimezone,
                    GeoField::kLocation, GeoField::kLatitude, GeoField::kLongitude});
    case DatabaseKind::kCountry:
      return SetOf({GeoField::kIp, GeoField::kCountryCode2, GeoField::kCountryName,
                    GeoField::kContinentName});
    case DatabaseKind::kAsn:
      return SetOf({GeoField::kIp, GeoField::kAutonomousSystemNumber,
                    GeoField::kAutonomousSystemOrganization});
    case DatabaseKind::kIsp:
      return SetOf({GeoField::kIp, GeoField::kAutonomousSystemNumber,
                    GeoField::kAutonomousSystemOrganization, GeoField::kIsp,
                    GeoField::kOrganization});
    case DatabaseKind::kDomain:
      return SetOf({GeoField::kDomain});
    case DatabaseKind::kEnterprise:
      return SetOf({GeoField::kIp, GeoField::kCountryCode2, GeoField::kCountryName,
                    GeoField::kContinentName, GeoField::kRegionIsoCode, GeoField::kRegionName,
                    GeoField::kCityName, GeoField::kLocation});
    case DatabaseKind::kAnonymousIp:
      return TraitFields();
  }
  return {};
}

bool BuildGeoOutput(const GeoRecord& record, const IpAddress& ip, DatabaseKind kind,
                    const GeoFieldSet& fields, bool ecs, Object* out) {
  out->Clear();
  // Logstash skips a City record without coordinates entirely: most likely nothing else in it
  // is useful either.
  if (kind == DatabaseKind::kCity && !record.latitude && !record.longitude) return false;
  GeoFieldSet wanted = fields & SupportedFields(kind);
  out->Reserve(wanted.count());  // one allocation instead of growing field by field
  for (const FieldNames& f : kFields) {
    if (!wanted.test(static_cast<size_t>(f.field))) continue;
    Value v = FieldValue(f.field, record, ip);
    if (v.is_null()) continue;
    if (!ecs) {
      out->Set(f.legacy, std::move(v));
      continue;
    }
    size_t depth = 0;
    while (depth < kMaxEcsDepth && !f.ecs[depth].empty()) ++depth;
    if (depth == 0) continue;  // no ECS place (country_code3)
    SetAt(out, std::span<const std::string_view>(f.ecs.data(), depth), std::move(v));
  }
  return !out->empty();
}

void PatchAddressFields(const Object& built, const IpAddress& ip, int prefix_length, bool ecs,
                        Object* target) {
  if (built.Find("ip") != nullptr) target->Set("ip", ip.ToText());
  const Object* built_parent = &built;
  Object* parent = target;
  if (ecs) {
    const Value* b = built.Find("ip_traits");
    Value* t = target->Find("ip_traits");
    if (b == nullptr || !b->is_object() || t == nullptr || !t->is_object()) return;
    built_parent = &b->as_object();
    parent = &t->as_object();
  }
  if (built_parent->Find("network") != nullptr) {
    parent->Set("network", NetworkText(ip.Network(prefix_length), prefix_length));
  }
}

}  // namespace perimeter::geoip
