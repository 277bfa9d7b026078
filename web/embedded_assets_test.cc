#include "web/embedded_assets.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace perimeter {
namespace {

TEST(EmbeddedAssets, HoldsTheDashboardWithContentTypes) {
  const AssetMap& assets = EmbeddedAssets();
  ASSERT_TRUE(assets.contains("/index.html"));
  EXPECT_EQ(assets.at("/index.html").content_type, "text/html; charset=utf-8");
  ASSERT_TRUE(assets.contains("/app.js"));
  EXPECT_EQ(assets.at("/app.js").content_type, "text/javascript; charset=utf-8");
  ASSERT_TRUE(assets.contains("/app.css"));
  EXPECT_EQ(assets.at("/app.css").content_type, "text/css; charset=utf-8");
  ASSERT_TRUE(assets.contains("/world.json"));
  EXPECT_EQ(assets.at("/world.json").bytes.front(), '{');
  EXPECT_GT(assets.at("/app.js").bytes.size(), 100000u);  // ECharts is in it
}

TEST(EmbeddedAssets, EveryFileTheIndexNamesIsEmbedded) {
  const std::string& html = EmbeddedAssets().at("/index.html").bytes;
  std::regex ref(R"re((?:src|href)="(/[^"]*)")re");
  int found = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), ref); it != std::sregex_iterator();
       ++it) {
    EXPECT_TRUE(EmbeddedAssets().contains((*it)[1].str())) << (*it)[1].str();
    ++found;
  }
  EXPECT_GE(found, 3);
}

TEST(EmbeddedAssets, IndexHasNoInlineScriptOrStyle) {
  // The server's CSP allows only same-origin files: inline code would be refused by browsers.
  const std::string& html = EmbeddedAssets().at("/index.html").bytes;
  EXPECT_EQ(html.find("<style"), std::string::npos);
  EXPECT_EQ(html.find(" style="), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
}

}  // namespace
}  // namespace perimeter
