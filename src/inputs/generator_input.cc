#include "inputs/generator_input.h"

#include "pipeline/plugin_config.h"

namespace perimeter {

namespace {

class GeneratorInput : public InputPlugin {
 public:
  GeneratorInput(std::vector<std::string> lines, int64_t count, bool ecs, std::string host,
                 size_t batch_size)
      : lines_(std::move(lines)),
        count_(count),
        ecs_(ecs),
        host_(std::move(host)),
        batch_size_(batch_size) {}

  Status Run(InputSink& sink) override {
    int64_t sequence = 0;
    Batch batch;
    for (int64_t round = 0; count_ == 0 || round < count_; ++round) {
      for (const std::string& line : lines_) {
        if (sink.stopping()) return Status::OK();
        Event e = Event::FromMessage(line, Timestamp::Now());
        if (ecs_) {
          e.Set(FieldRef::Of("[host][name]"), host_);
          e.Set(FieldRef::Of("[event][sequence]"), sequence);
        } else {
          e.SetTop("host", host_);
          e.SetTop("sequence", sequence);
        }
        ++sequence;
        batch.events.push_back(std::move(e));
        if (batch.events.size() >= batch_size_) {
          if (!sink.Push(std::move(batch))) return Status::OK();
          batch = Batch();
        }
      }
    }
    if (!batch.events.empty()) sink.Push(std::move(batch));
    return Status::OK();
  }

 private:
  std::vector<std::string> lines_;
  int64_t count_;
  bool ecs_;
  std::string host_;
  size_t batch_size_;
};

}  // namespace

const PluginSpec kGeneratorInput = {
    .name = "generator",
    .kind = PluginKind::kInput,
    .help = "emits fixed lines, for tests and benchmarks",
    .options =
        {
            {"message", OptionType::kString, Value("Hello world!"), "the line to emit"},
            {"lines", OptionType::kArray, {}, "several lines, emitted in turn (overrides message)"},
            {"count", OptionType::kNumber, Value(0), "how many rounds; 0 = forever"},
            {"ecs_compatibility",
             OptionType::kString,
             {},
             "disabled, v1 or v8",
             false,
             {"disabled", "v1", "v8"}},
        },
    .create = [](const PluginConfig& cfg,
                 const PluginContext& ctx) -> Result<std::unique_ptr<Plugin>> {
      std::vector<std::string> lines = cfg.GetStrings("lines");
      if (lines.empty()) lines.push_back(cfg.GetString("message"));
      std::string ecs = cfg.IsSet("ecs_compatibility") ? cfg.GetString("ecs_compatibility")
                                                       : ctx.ecs_compatibility;
      return std::unique_ptr<Plugin>(new GeneratorInput(std::move(lines), cfg.GetInt("count"),
                                                        ecs != "disabled", ctx.host_name,
                                                        static_cast<size_t>(ctx.batch_size)));
    },
};

}  // namespace perimeter
