#include "query/geo_tile.h"

#include <gtest/gtest.h>

namespace perimeter::query {
namespace {

TEST(GeoTile, KnownTiles) {
  // Berlin at zoom 4 and 10, as slippy-map tile servers number them.
  EXPECT_EQ(TileOf({52.52, 13.40}, 4).ToString(), "4/8/5");
  EXPECT_EQ(TileOf({52.52, 13.40}, 10).ToString(), "10/550/335");
  EXPECT_EQ(TileOf({0, 0}, 0).ToString(), "0/0/0");
  EXPECT_EQ(TileOf({-33.87, 151.21}, 5).ToString(), "5/29/19");  // Sydney
  // Edges and the Mercator limit stay inside the grid.
  EXPECT_EQ(TileOf({90, 180}, 3).ToString(), "3/7/0");
  EXPECT_EQ(TileOf({-90, -180}, 3).ToString(), "3/0/7");
}

TEST(GeoTile, PacksAndUnpacks) {
  GeoTile t = TileOf({48.85, 2.35}, 29);
  GeoTile u = GeoTile::Unpack(t.Pack());
  EXPECT_EQ(u.zoom, 29);
  EXPECT_EQ(u.x, t.x);
  EXPECT_EQ(u.y, t.y);
}

TEST(GeoTile, PointsFromFieldValues) {
  auto p = GeoPointOf(Value(Array{Value(13.4), Value(52.5)}));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->lat, 52.5);
  EXPECT_EQ(p->lon, 13.4);
  Object o;
  o.Set("lat", 1.5);
  o.Set("lon", int64_t{2});
  ASSERT_TRUE(GeoPointOf(Value(o)));
  EXPECT_EQ(GeoPointOf(Value(o))->lon, 2.0);
  ASSERT_TRUE(GeoPointOf(Value("41.12,-71.34")));
  EXPECT_EQ(GeoPointOf(Value("41.12,-71.34"))->lat, 41.12);
  EXPECT_FALSE(GeoPointOf(Value(Array{Value(200.0), Value(1.0)})));  // longitude out of range
  EXPECT_FALSE(GeoPointOf(Value("nowhere")));
  EXPECT_FALSE(GeoPointOf(Value(Array{Value("1"), Value("2")})));
}

}  // namespace
}  // namespace perimeter::query
