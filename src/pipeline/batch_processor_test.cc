#include "pipeline/batch_processor.h"

#include <gtest/gtest.h>

#include "config/parser.h"
#include "pipeline/pipeline_compiler.h"
#include "pipeline/plugin_config.h"

namespace perimeter {
namespace {

// A filter that "matches" events whose message starts with "ok" and cancels "drop".
class PrefixFilter : public FilterPlugin {
 public:
  bool Filter(Event& e) override {
    const std::string& m = e.GetTop("message")->as_string();
    if (m == "drop") e.Cancel();
    return m.rfind("ok", 0) == 0;
  }
};

// Collects what it is given; fails the first `failures` writes.
class CollectOutput : public OutputPlugin {
 public:
  Status Write(std::span<const Event* const> events) override {
    if (failures_left > 0) {
      --failures_left;
      return Status::IOError("disk on fire");
    }
    for (const Event* e : events) seen.push_back(e->ToJson());
    return Status::OK();
  }
  int failures_left = 0;
  std::vector<std::string> seen;
};

const PluginSpec kPrefixFilter = {
    .name = "prefix",
    .kind = PluginKind::kFilter,
    .help = "",
    .options = {},
    .create = [](const PluginConfig&, const PluginContext&) -> Result<std::unique_ptr<Plugin>> {
      return std::unique_ptr<Plugin>(new PrefixFilter());
    },
};

const PluginSpec kCollectOutput = {
    .name = "collect",
    .kind = PluginKind::kOutput,
    .help = "",
    .options = {{"fail", OptionType::kNumber, Value(0), "writes that fail first"}},
    .create = [](const PluginConfig& c, const PluginContext&) -> Result<std::unique_ptr<Plugin>> {
      auto o = std::make_unique<CollectOutput>();
      o->failures_left = static_cast<int>(c.GetInt("fail"));
      return std::unique_ptr<Plugin>(std::move(o));
    },
};

class IdleInput : public InputPlugin {
 public:
  Status Run(InputSink&) override { return Status::OK(); }
};

const PluginSpec kIdleInput = {
    .name = "idle",
    .kind = PluginKind::kInput,
    .help = "",
    .options = {},
    .create = [](const PluginConfig&, const PluginContext&) -> Result<std::unique_ptr<Plugin>> {
      return std::unique_ptr<Plugin>(new IdleInput());
    },
};

std::unique_ptr<CompiledPipeline> Compile(const std::string& text) {
  PluginRegistry registry;
  registry.Add(&kIdleInput);
  registry.Add(&kPrefixFilter);
  registry.Add(&kCollectOutput);
  auto ast = config::ParsePipeline({{"t.conf", "input { idle { } }\n" + text}});
  EXPECT_TRUE(ast.ok()) << ast.status().message();
  if (!ast.ok()) return nullptr;
  auto p = CompilePipeline(*ast, registry, PluginContext());
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? std::move(p).value() : nullptr;
}

Batch MakeBatch(const std::vector<std::string>& messages, int* done) {
  Batch b;
  for (auto& m : messages) b.events.push_back(Event::FromMessage(m, Timestamp::FromSeconds(0)));
  b.on_done = [done] { ++*done; };
  return b;
}

CollectOutput& Output(CompiledPipeline& p, size_t i) {
  return *static_cast<CollectOutput*>(p.outputs[i]->plugin.get());
}

TEST(BatchProcessor, CommonActionsRunOnlyWhenTheFilterMatched) {
  auto p =
      Compile(R"(filter { prefix { add_field => { "seen" => "%{message}!" } add_tag => ["m"] } }
output { collect { } })");
  ASSERT_NE(p, nullptr);
  std::atomic<bool> abort{false};
  BatchProcessor proc(*p, abort);
  int done = 0;
  Batch b = MakeBatch({"ok one", "nope"}, &done);
  ASSERT_TRUE(proc.Process(b));
  EXPECT_EQ(done, 1);
  const auto& seen = Output(*p, 0).seen;
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_NE(seen[0].find(R"("seen":"ok one!")"), std::string::npos) << seen[0];
  EXPECT_NE(seen[0].find(R"("tags":["m"])"), std::string::npos) << seen[0];
  EXPECT_EQ(seen[1].find("seen"), std::string::npos) << seen[1];
  EXPECT_EQ(p->filters[0]->stats.failures.load(), 1u);
}

TEST(BatchProcessor, RepeatedAddFieldBuildsAnArrayAsTheSeedNeeds) {
  auto p = Compile(R"(filter { prefix {
  add_field => [ "[geoip][coordinates]", "1.5" ]
  add_field => [ "[geoip][coordinates]", "2.5" ] } }
output { collect { } })");
  ASSERT_NE(p, nullptr);
  std::atomic<bool> abort{false};
  BatchProcessor proc(*p, abort);
  int done = 0;
  Batch b = MakeBatch({"ok"}, &done);
  ASSERT_TRUE(proc.Process(b));
  EXPECT_NE(Output(*p, 0).seen[0].find(R"("geoip":{"coordinates":["1.5","2.5"]})"),
            std::string::npos)
      << Output(*p, 0).seen[0];
}

TEST(BatchProcessor, ConditionalsRouteEventsAndDroppedEventsGoNowhere) {
  auto p = Compile(R"(filter { prefix { } }
output {
  if [message] =~ /^ok/ { collect { id => "oks" } }
  else if [message] == "other" { collect { id => "others" } }
  else { collect { id => "rest" } }
})");
  ASSERT_NE(p, nullptr);
  std::atomic<bool> abort{false};
  BatchProcessor proc(*p, abort);
  int done = 0;
  Batch b = MakeBatch({"ok 1", "other", "drop", "x", "ok 2"}, &done);
  ASSERT_TRUE(proc.Process(b));
  EXPECT_EQ(Output(*p, 0).seen.size(), 2u);
  EXPECT_EQ(Output(*p, 1).seen.size(), 1u);
  EXPECT_EQ(Output(*p, 2).seen.size(), 1u);  // "x"; "drop" was cancelled
  EXPECT_EQ(done, 1);
}

TEST(BatchProcessor, AFailingOutputIsRetriedBeforeTheBatchIsAcknowledged) {
  auto p = Compile("output { collect { fail => 2 } }");
  ASSERT_NE(p, nullptr);
  std::atomic<bool> abort{false};
  BatchProcessor proc(*p, abort);
  int done = 0;
  Batch b = MakeBatch({"a", "b"}, &done);
  ASSERT_TRUE(proc.Process(b));
  EXPECT_EQ(done, 1);
  EXPECT_EQ(Output(*p, 0).seen.size(), 2u);
  EXPECT_EQ(p->outputs[0]->stats.failures.load(), 4u);  // two failed writes of two events
}

TEST(BatchProcessor, AbortLeavesTheBatchUnacknowledged) {
  auto p = Compile("output { collect { fail => 1000 } }");
  ASSERT_NE(p, nullptr);
  std::atomic<bool> abort{true};
  BatchProcessor proc(*p, abort);
  int done = 0;
  Batch b = MakeBatch({"a"}, &done);
  EXPECT_FALSE(proc.Process(b));
  EXPECT_EQ(done, 0);
}

}  // namespace
}  // namespace perimeter
