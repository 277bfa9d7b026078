// Which names the stored events use: ECS (source.ip, source.geo.*) by default, or the seed's
// Logstash names (src_ip, geoip.*). Chosen once from GET /api/v1/fields.

export interface FieldSet {
  name: 'ecs' | 'legacy';
  sourceIp: string;
  countryCode: string;
  countryName: string;
  location: string;
  destinationPort: string;
  transport: string;
  asOrganization: string;
}

export const kEcsFields: FieldSet = {
  name: 'ecs',
  sourceIp: 'source.ip',
  countryCode: 'source.geo.country_iso_code',
  countryName: 'source.geo.country_name',
  location: 'source.geo.location',
  destinationPort: 'destination.port',
  transport: 'network.transport',
  asOrganization: 'source.as.organization.name',
};

export const kLegacyFields: FieldSet = {
  name: 'legacy',
  sourceIp: 'src_ip',
  countryCode: 'geoip.country_code2',
  countryName: 'geoip.country_name',
  location: 'geoip.location',
  destinationPort: 'dst_port',
  transport: 'proto',
  asOrganization: 'geoip.as_org',
};

// Legacy only when the legacy source address exists and the ECS one does not.
export function chooseFieldSet(names: Iterable<string>): FieldSet {
  const set = new Set(names);
  if (!set.has(kEcsFields.sourceIp) && set.has(kLegacyFields.sourceIp)) return kLegacyFields;
  return kEcsFields;
}
