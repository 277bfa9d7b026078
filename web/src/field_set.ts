// Which names the stored events use: ECS (source.ip, source.geo.*) by default, or the seed's
// Logstash names (src_ip, geoip.*). Chosen once from GET /api/v1/fields.

export interface FieldSet {
  name: 'ecs' | 'legacy';
  sourceIp: string;
  countryCode: string;
  countryName: string;
  cityName: string;
  location: string;
  destinationPort: string;
  transport: string;
  asNumber: string;
  asOrganization: string;
  // The same names in both layouts: sshd's user (ECS in both pipelines), the tags that mark
  // ignored addresses and port scanners, and the scanner's distinct port count.
  userName: string;
  tags: string;
  scanPorts: string;
}

export const kEcsFields: FieldSet = {
  name: 'ecs',
  sourceIp: 'source.ip',
  countryCode: 'source.geo.country_iso_code',
  countryName: 'source.geo.country_name',
  cityName: 'source.geo.city_name',
  location: 'source.geo.location',
  destinationPort: 'destination.port',
  transport: 'network.transport',
  asNumber: 'source.as.number',
  asOrganization: 'source.as.organization.name',
  userName: 'user.name',
  tags: 'tags',
  scanPorts: 'scan.distinct_ports',
};

export const kLegacyFields: FieldSet = {
  name: 'legacy',
  sourceIp: 'src_ip',
  countryCode: 'geoip.country_code2',
  countryName: 'geoip.country_name',
  cityName: 'geoip.city_name',
  location: 'geoip.location',
  destinationPort: 'dst_port',
  transport: 'proto',
  asNumber: 'geoip.asn',
  asOrganization: 'geoip.as_org',
  userName: 'user.name',
  tags: 'tags',
  scanPorts: 'scan.distinct_ports',
};

// Legacy only when the legacy source address exists and the ECS one does not. The seed's
// config also writes [geoip][coordinates] ([lon, lat], for Kibana 3's Bettermap): the map uses
// it when the events have no [geoip][location].
export function chooseFieldSet(names: Iterable<string>): FieldSet {
  const set = new Set(names);
  if (!set.has(kEcsFields.sourceIp) && set.has(kLegacyFields.sourceIp)) {
    // A point object is stored as its members (geoip.location.lat / .lon).
    const hasLocation = set.has('geoip.location') || set.has('geoip.location.lat');
    const location = !hasLocation && set.has('geoip.coordinates') ? 'geoip.coordinates' : kLegacyFields.location;
    return { ...kLegacyFields, location };
  }
  return kEcsFields;
}
