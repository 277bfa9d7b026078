#include "filters/geoip/country_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace perimeter::geoip {
namespace {

TEST(CountryTable, CoversIso3166AndKosovo) {
  // 249 ISO 3166-1 codes plus XK.
  EXPECT_EQ(AllCountries().size(), 250u);
  std::set<std::string_view> alpha2;
  std::set<std::string_view> alpha3;
  std::set<std::string_view> names;
  std::string_view previous;
  for (const Country& c : AllCountries()) {
    EXPECT_EQ(c.alpha2.size(), 2u) << c.alpha2;
    EXPECT_EQ(c.alpha3.size(), 3u) << c.alpha2;
    EXPECT_FALSE(c.name.empty()) << c.alpha2;
    EXPECT_FALSE(ContinentName(c.continent).empty()) << c.alpha2 << " " << c.continent;
    EXPECT_LT(previous, c.alpha2) << "table must stay sorted for FindCountry";
    previous = c.alpha2;
    alpha2.insert(c.alpha2);
    alpha3.insert(c.alpha3);
    names.insert(c.name);
  }
  EXPECT_EQ(alpha2.size(), AllCountries().size());
  EXPECT_EQ(alpha3.size(), AllCountries().size());
  EXPECT_EQ(names.size(), AllCountries().size());
}

TEST(CountryTable, FindsByAlpha2) {
  const Country* gb = FindCountry("GB");
  ASSERT_NE(gb, nullptr);
  EXPECT_EQ(gb->alpha3, "GBR");
  EXPECT_EQ(gb->name, "United Kingdom");
  EXPECT_EQ(gb->continent, "EU");
  EXPECT_EQ(FindCountry("US")->alpha3, "USA");
  EXPECT_EQ(FindCountry("US")->name, "United States");
  EXPECT_EQ(FindCountry("CN")->continent, "AS");
  EXPECT_EQ(FindCountry("BR")->continent, "SA");
  EXPECT_EQ(FindCountry("AU")->continent, "OC");
  EXPECT_EQ(FindCountry("AQ")->continent, "AN");
  EXPECT_EQ(FindCountry("ZW")->alpha3, "ZWE");
  EXPECT_EQ(FindCountry("AD")->alpha3, "AND");
  EXPECT_EQ(FindCountry("XK")->name, "Kosovo");
  EXPECT_EQ(FindCountry("ZZ"), nullptr);
  EXPECT_EQ(FindCountry("gb"), nullptr);
  EXPECT_EQ(FindCountry(""), nullptr);
}

TEST(CountryTable, NamesContinents) {
  EXPECT_EQ(ContinentName("EU"), "Europe");
  EXPECT_EQ(ContinentName("NA"), "North America");
  EXPECT_EQ(ContinentName("SA"), "South America");
  EXPECT_EQ(ContinentName("AN"), "Antarctica");
  EXPECT_EQ(ContinentName("XX"), "");
}

}  // namespace
}  // namespace perimeter::geoip
