#include "outputs/stdout_output.h"

#include <unistd.h>

#include <cerrno>

#include "outputs/output_codec.h"
#include "pipeline/plugin_config.h"

namespace perimeter {

namespace {

class StdoutOutput : public OutputPlugin {
 public:
  explicit StdoutOutput(std::unique_ptr<OutputCodec> codec) : codec_(std::move(codec)) {}

  Status Write(std::span<const Event* const> events) override {
    buffer_.clear();
    for (const Event* e : events) codec_->Encode(*e, &buffer_);
    size_t done = 0;
    while (done < buffer_.size()) {
      ssize_t n = ::write(STDOUT_FILENO, buffer_.data() + done, buffer_.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::FromErrno("write", "stdout", errno);
      }
      done += static_cast<size_t>(n);
    }
    return Status::OK();
  }

 private:
  std::unique_ptr<OutputCodec> codec_;
  std::string buffer_;
};

}  // namespace

const PluginSpec kStdoutOutput = {
    .name = "stdout",
    .kind = PluginKind::kOutput,
    .help = "prints events to standard output",
    .options = {{"codec", OptionType::kCodec, Value("rubydebug"),
                 "rubydebug, json_lines, json, line, plain or dots"}},
    .create = [](const PluginConfig& cfg, const PluginContext&) -> Result<std::unique_ptr<Plugin>> {
      ASSIGN_OR_RETURN(auto codec,
                       OutputCodec::Create(cfg.GetString("codec"), cfg.codec_settings()));
      return std::unique_ptr<Plugin>(new StdoutOutput(std::move(codec)));
    },
};

}  // namespace perimeter
