// Web-map tiles ("geotile" z/x/y, as Elasticsearch's geotile_grid and slippy maps): the cell of
// a point at a zoom level, and geo points read from field values. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/value.h"

namespace perimeter::query {

// Zoom 29 cells are ~7 cm: finer grids mean nothing for IP geolocation, and x, y fit 32 bits.
constexpr int kMaxGeoTileZoom = 29;

struct GeoPoint {
  double lat = 0, lon = 0;
};

struct GeoTile {
  int zoom = 0;
  uint32_t x = 0, y = 0;
  // Packs zoom, x and y into one key (zoom in the top 6 bits).
  uint64_t Pack() const;
  static GeoTile Unpack(uint64_t key);
  std::string ToString() const;  // "4/12/6"
};

// The tile holding `p` (latitudes beyond the Web Mercator limit ±85.0511° fall in the edge row).
GeoTile TileOf(const GeoPoint& p, int zoom);

// A geo point from a field value: [lon, lat] (GeoJSON order), {"lat": .., "lon": ..}, or the
// string "lat,lon". Null for anything else or out-of-range coordinates.
std::optional<GeoPoint> GeoPointOf(const Value& v);
bool ValidGeoPoint(double lat, double lon);

}  // namespace perimeter::query
