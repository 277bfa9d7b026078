#include "inputs/file/file_input_options.h"

#include <gtest/gtest.h>

#include "inputs/file/file_input.h"

namespace perimeter {
namespace {

Result<FileInputOptions> Parse(const Object& settings, const PluginContext& context = {}) {
  auto config = PluginConfig::FromObject(kFileInput, settings);
  if (!config.ok()) return config.status();
  return FileInputOptions::FromConfig(*config, context);
}

Object WithPath(std::initializer_list<std::pair<std::string, Value>> more = {}) {
  Object o;
  o.Set("path", "/var/log/iptables.log");
  for (auto& [k, v] : more) o.Set(k, v);
  return o;
}

TEST(ParseDuration, NumbersAndUnits) {
  EXPECT_DOUBLE_EQ(*ParseDuration("2"), 2);
  EXPECT_DOUBLE_EQ(*ParseDuration("0.25"), 0.25);
  EXPECT_DOUBLE_EQ(*ParseDuration("500 ms"), 0.5);
  EXPECT_DOUBLE_EQ(*ParseDuration("1.5s"), 1.5);
  EXPECT_DOUBLE_EQ(*ParseDuration("5 minutes"), 300);
  EXPECT_DOUBLE_EQ(*ParseDuration("1 hour"), 3600);
  EXPECT_DOUBLE_EQ(*ParseDuration("2 Weeks"), 14 * 86400);
  EXPECT_DOUBLE_EQ(*ParseDuration("14", "d"), 14 * 86400);
  EXPECT_FALSE(ParseDuration("soon").ok());
  EXPECT_FALSE(ParseDuration("5 fortnights").ok());
  EXPECT_FALSE(ParseDuration("-1").ok());
}

TEST(FileInputOptions, DefaultsFollowTheContext) {
  PluginContext ctx;
  ctx.data_dir = "/var/lib/perimeter";
  ctx.ecs_compatibility = "disabled";
  ctx.host_name = "fw1";
  ctx.batch_size = 64;
  auto o = Parse(WithPath(), ctx);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->start_at_end);
  EXPECT_EQ(o->ecs, EcsMode::kDisabled);
  EXPECT_EQ(o->delimiter, "\n");
  EXPECT_DOUBLE_EQ(o->stat_interval_s, 1);
  EXPECT_DOUBLE_EQ(*o->close_older_s, 3600);
  EXPECT_FALSE(o->ignore_older_s.has_value());
  EXPECT_EQ(o->host_name, "fw1");
  EXPECT_EQ(o->batch_size, 64u);
  EXPECT_TRUE(o->sincedb_path.starts_with("/var/lib/perimeter/sincedb/file_"));
  // The same paths give the same checkpoint file; other paths another one.
  EXPECT_EQ(Parse(WithPath(), ctx)->sincedb_path, o->sincedb_path);
  Object other;
  other.Set("path", "/var/log/ufw.log");
  EXPECT_NE(Parse(other, ctx)->sincedb_path, o->sincedb_path);
}

TEST(FileInputOptions, SincedbPathFromIdOrDisabled) {
  PluginContext ctx;
  ctx.data_dir = "/d";
  EXPECT_EQ(Parse(WithPath({{"id", "fw logs/1"}}), ctx)->sincedb_path, "/d/sincedb/fw_logs_1");
  EXPECT_EQ(Parse(WithPath({{"sincedb_path", "/dev/null"}}), ctx)->sincedb_path, "");
  EXPECT_EQ(Parse(WithPath({{"sincedb_path", "/x/y"}}), ctx)->sincedb_path, "/x/y");
}

TEST(FileInputOptions, ParsesDurationsDelimiterAndEcs) {
  auto o = Parse(WithPath({{"stat_interval", "250 ms"},
                           {"close_older", 60},
                           {"ignore_older", "1 day"},
                           {"delimiter", "\\r\\n"},
                           {"ecs_compatibility", "v1"},
                           {"start_position", "beginning"},
                           {"discover_interval", 15}}));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_DOUBLE_EQ(o->stat_interval_s, 0.25);
  EXPECT_DOUBLE_EQ(*o->close_older_s, 60);
  EXPECT_DOUBLE_EQ(*o->ignore_older_s, 86400);
  EXPECT_EQ(o->delimiter, "\r\n");
  EXPECT_EQ(o->ecs, EcsMode::kV1);
  EXPECT_FALSE(o->start_at_end);
  EXPECT_EQ(o->discover_every, 15);
}

TEST(FileInputOptions, RejectsWhatCannotWorkWithAHint) {
  auto relative = Parse(WithPath({{"path", "logs/app.log"}}));
  ASSERT_FALSE(relative.ok());
  EXPECT_NE(relative.status().message().find("absolute"), std::string::npos);

  auto bad_interval = Parse(WithPath({{"stat_interval", "sometimes"}}));
  ASSERT_FALSE(bad_interval.ok());
  EXPECT_NE(bad_interval.status().message().find("stat_interval"), std::string::npos);

  EXPECT_FALSE(Parse(WithPath({{"stat_interval", 0}})).ok());
  EXPECT_FALSE(Parse(WithPath({{"start_position", "middle"}})).ok());
  EXPECT_FALSE(Parse(WithPath({{"mode", "read"}})).ok());
  EXPECT_FALSE(Parse(WithPath({{"file_chunk_size", 0}})).ok());
  EXPECT_FALSE(Parse(WithPath({{"delimiter", ""}})).ok());
  EXPECT_FALSE(Parse(Object()).ok());  // path is required
}

}  // namespace
}  // namespace perimeter
