#include "outputs/null_output.h"

namespace perimeter {

namespace {

class NullOutput : public OutputPlugin {
 public:
  Status Write(std::span<const Event* const>) override { return Status::OK(); }
  bool thread_safe() const override { return true; }
};

}  // namespace

const PluginSpec kNullOutput = {
    .name = "null",
    .kind = PluginKind::kOutput,
    .help = "discards every event",
    .options = {},
    .create = [](const PluginConfig&, const PluginContext&) -> Result<std::unique_ptr<Plugin>> {
      return std::unique_ptr<Plugin>(new NullOutput());
    },
};

}  // namespace perimeter
