#include "query/geo_tile.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>

namespace perimeter::query {

namespace {

constexpr double kMaxMercatorLat = 85.05112877980659;  // atan(sinh(π)) in degrees

std::optional<double> NumberIn(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  double d;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return d;
}

}  // namespace

uint64_t GeoTile::Pack() const {
  return (static_cast<uint64_t>(zoom) << 58) | (static_cast<uint64_t>(x) << 29) | y;
}

GeoTile GeoTile::Unpack(uint64_t key) {
  GeoTile t;
  t.zoom = static_cast<int>(key >> 58);
  t.x = static_cast<uint32_t>((key >> 29) & ((1u << 29) - 1));
  t.y = static_cast<uint32_t>(key & ((1u << 29) - 1));
  return t;
}

std::string GeoTile::ToString() const {
  return std::to_string(zoom) + "/" + std::to_string(x) + "/" + std::to_string(y);
}

bool ValidGeoPoint(double lat, double lon) {
  return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}

GeoTile TileOf(const GeoPoint& p, int zoom) {
  GeoTile t;
  t.zoom = zoom;
  double n = std::ldexp(1.0, zoom);
  double max_index = n - 1;
  double x = std::floor((p.lon + 180.0) / 360.0 * n);
  double lat = std::clamp(p.lat, -kMaxMercatorLat, kMaxMercatorLat) * std::numbers::pi / 180.0;
  double y = std::floor((1.0 - std::asinh(std::tan(lat)) / std::numbers::pi) / 2.0 * n);
  t.x = static_cast<uint32_t>(std::clamp(x, 0.0, max_index));
  t.y = static_cast<uint32_t>(std::clamp(y, 0.0, max_index));
  return t;
}

std::optional<GeoPoint> GeoPointOf(const Value& v) {
  GeoPoint p;
  if (v.is_array()) {
    const Array& a = v.as_array();
    if (a.size() != 2 || !a[0].is_number() || !a[1].is_number()) return std::nullopt;
    p.lon = a[0].as_number();
    p.lat = a[1].as_number();
  } else if (v.is_object()) {
    const Value* lat = v.as_object().Find("lat");
    const Value* lon = v.as_object().Find("lon");
    if (lat == nullptr || lon == nullptr || !lat->is_number() || !lon->is_number()) {
      return std::nullopt;
    }
    p.lat = lat->as_number();
    p.lon = lon->as_number();
  } else if (v.is_string()) {
    std::string_view s = v.as_string();
    size_t comma = s.find(',');
    if (comma == std::string_view::npos) return std::nullopt;
    auto lat = NumberIn(s.substr(0, comma));
    auto lon = NumberIn(s.substr(comma + 1));
    if (!lat || !lon) return std::nullopt;
    p.lat = *lat;
    p.lon = *lon;
  } else {
    return std::nullopt;
  }
  if (!ValidGeoPoint(p.lat, p.lon)) return std::nullopt;
  return p;
}

}  // namespace perimeter::query
