#include "inputs/stdin_input.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pipeline/line_codec.h"
#include "pipeline/plugin_config.h"

namespace perimeter {

namespace {

constexpr size_t kReadChunk = size_t{64} * 1024;
constexpr int kIdleFlushMs = 100;  // a partial batch waits at most this long for more lines

class StdinInput : public InputPlugin {
 public:
  StdinInput(int fd, bool ecs, std::string host, size_t batch_size, LineCodec codec)
      : fd_(fd), ecs_(ecs), host_(std::move(host)), batch_size_(batch_size), codec_(codec) {}

  Status Run(InputSink& sink) override {
    std::string pending;
    std::vector<char> buf(kReadChunk);
    Batch batch;
    auto flush = [&]() -> bool {
      if (batch.events.empty()) return true;
      bool ok = sink.Push(std::move(batch));
      batch = Batch();
      return ok;
    };
    while (!sink.stopping()) {
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, kIdleFlushMs);
      if (r < 0 && errno != EINTR) return Status::FromErrno("poll", "stdin", errno);
      if (r <= 0) {
        if (!flush()) return Status::OK();
        continue;
      }
      ssize_t n = ::read(fd_, buf.data(), buf.size());
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return Status::FromErrno("read", "stdin", errno);
      }
      if (n == 0) break;
      pending.append(buf.data(), static_cast<size_t>(n));
      size_t start = 0;
      for (;;) {
        size_t nl = pending.find('\n', start);
        if (nl == std::string::npos) break;
        AddLine(std::string_view(pending).substr(start, nl - start), &batch);
        start = nl + 1;
        if (batch.events.size() >= batch_size_ && !flush()) return Status::OK();
      }
      pending.erase(0, start);
    }
    if (!pending.empty()) AddLine(pending, &batch);
    flush();
    return Status::OK();
  }

 private:
  void AddLine(std::string_view line, Batch* batch) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Event e = codec_.Decode(line, Timestamp::Now());
    if (ecs_) {
      if (e.Get(FieldRef::Of("[host][hostname]")) == nullptr) {
        e.Set(FieldRef::Of("[host][hostname]"), host_);
      }
      e.Set(FieldRef::Of("[event][original]"), std::string(line));
    } else if (e.GetTop("host") == nullptr) {
      e.SetTop("host", host_);
    }
    batch->events.push_back(std::move(e));
  }

  int fd_;
  bool ecs_;
  std::string host_;
  size_t batch_size_;
  LineCodec codec_;
};

}  // namespace

const PluginSpec kStdinInput = {
    .name = "stdin",
    .kind = PluginKind::kInput,
    .help = "reads events from standard input, one per line",
    .options = {{"ecs_compatibility",
                 OptionType::kString,
                 {},
                 "disabled, v1 or v8",
                 false,
                 {"disabled", "v1", "v8"}}},
    .create = [](const PluginConfig& cfg,
                 const PluginContext& ctx) -> Result<std::unique_ptr<Plugin>> {
      std::string ecs = cfg.IsSet("ecs_compatibility") ? cfg.GetString("ecs_compatibility")
                                                       : ctx.ecs_compatibility;
      ASSIGN_OR_RETURN(LineCodec codec, LineCodec::Create(cfg.GetString("codec")));
      return std::unique_ptr<Plugin>(new StdinInput(STDIN_FILENO, ecs != "disabled", ctx.host_name,
                                                    static_cast<size_t>(ctx.batch_size), codec));
    },
};

}  // namespace perimeter
