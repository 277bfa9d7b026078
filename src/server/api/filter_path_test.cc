#include "server/api/filter_path.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

bool Keeps(const FilterPath& f, std::initializer_list<std::string_view> path) {
  return f.Includes(std::span(path.begin(), path.size()));
}

TEST(FilterPath, KeepsNamedFieldsTheirChildrenAndWildcardMatches) {
  auto f = FilterPath::Parse("errors, items.*.error,items.*.stat*");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(Keeps(*f, {"errors"}));
  EXPECT_FALSE(Keeps(*f, {"took"}));
  EXPECT_TRUE(Keeps(*f, {"items", "create", "status"}));
  EXPECT_TRUE(Keeps(*f, {"items", "index", "error", "reason"}));  // below a kept field
  EXPECT_FALSE(Keeps(*f, {"items", "create", "_id"}));
  EXPECT_FALSE(Keeps(*f, {"items"}));  // an ancestor alone is not kept
}

TEST(FilterPath, DoubleStarMatchesAnyDepth) {
  auto f = FilterPath::Parse("**.reason");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(Keeps(*f, {"reason"}));
  EXPECT_TRUE(Keeps(*f, {"items", "index", "error", "reason"}));
  EXPECT_FALSE(Keeps(*f, {"items", "index", "error", "type"}));
}

TEST(FilterPath, RefusesExclusionsEmptyNamesAndHugeFilters) {
  EXPECT_FALSE(FilterPath::Parse("-items.*._id").ok());
  EXPECT_FALSE(FilterPath::Parse("items..status").ok());
  std::string many;
  for (int i = 0; i < 100; ++i) many += "a,";
  EXPECT_FALSE(FilterPath::Parse(many).ok());
  std::string deep = "a";
  for (int i = 0; i < 20; ++i) deep += ".*";
  EXPECT_FALSE(FilterPath::Parse(deep).ok());
}

}  // namespace
}  // namespace perimeter
