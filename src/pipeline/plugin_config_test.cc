#include "pipeline/plugin_config.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

const PluginSpec kTestFilter = {
    .name = "test",
    .kind = PluginKind::kFilter,
    .help = "",
    .options =
        {
            {"source", OptionType::kString, Value("message"), "field to read"},
            {"count", OptionType::kNumber, Value(3), "a number"},
            {"flag", OptionType::kBoolean, Value(false), "a boolean"},
            {"list", OptionType::kArray, {}, "a list"},
            {"map", OptionType::kHash, {}, "a hash"},
            {"mode", OptionType::kString, Value("a"), "a choice", false, {"a", "b"}},
            {"needed", OptionType::kString, {}, "required", false},
        },
    .create = nullptr,
};

config::Setting S(std::string name, Value v, int line = 1) {
  return {std::move(name), std::move(v), {"t.conf", line, 5}, {}};
}

Result<PluginConfig> Build(std::vector<config::Setting> settings) {
  config::PluginNode node{"test", std::move(settings), {"t.conf", 1, 1}};
  return PluginConfig::Build(kTestFilter, node, {});
}

TEST(PluginConfig, AppliesDefaults) {
  auto c = Build({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->GetString("source"), "message");
  EXPECT_EQ(c->GetInt("count"), 3);
  EXPECT_FALSE(c->IsSet("count"));
}

TEST(PluginConfig, CoercesLikeLogstash) {
  auto c = Build({S("count", "12"), S("flag", "true"), S("list", "one"), S("source", Array{"x"})});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->GetInt("count"), 12);
  EXPECT_TRUE(c->GetBool("flag"));
  EXPECT_EQ(c->GetStrings("list"), std::vector<std::string>{"one"});
  EXPECT_EQ(c->GetString("source"), "x");
}

TEST(PluginConfig, RepeatedHashSettingsInArrayFormCollectValues) {
  // The seed: add_field given twice with the same key builds [lon, lat].
  auto c = Build({S("map", Array{"[geoip][coordinates]", "%{lon}"}),
                  S("map", Array{"[geoip][coordinates]", "%{lat}"})});
  ASSERT_TRUE(c.ok()) << c.status().message();
  const Object& m = c->GetHash("map");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m.value(0).ToJson(), R"(["%{lon}","%{lat}"])");
}

TEST(PluginConfig, RepeatedArraySettingsConcatenate) {
  auto c = Build({S("list", Array{"a"}), S("list", Array{"b", "c"})});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->GetStrings("list"), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(PluginConfig, UnknownOptionSuggestsTheClosestName) {
  auto c = Build({S("sourse", "x", 7)});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("t.conf:7:5: error: unknown option 'sourse'"),
            std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("did you mean 'source'?"), std::string::npos);
}

TEST(PluginConfig, WrongTypesAndChoicesAreErrors) {
  EXPECT_FALSE(Build({S("count", "many")}).ok());
  EXPECT_FALSE(Build({S("flag", 3)}).ok());
  EXPECT_FALSE(Build({S("map", Array{"odd"})}).ok());
  auto c = Build({S("mode", "c")});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("must be one of: a, b"), std::string::npos);
}

TEST(PluginConfig, CommonOptionsAreAccepted) {
  auto c = Build({S("add_tag", "t"), S("id", "mine")});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->GetString("id"), "mine");
}

}  // namespace
}  // namespace perimeter
