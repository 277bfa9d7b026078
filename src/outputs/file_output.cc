#include "outputs/file_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <map>

#include "outputs/output_codec.h"
#include "pipeline/plugin_config.h"

namespace perimeter {

namespace {

constexpr size_t kMaxOpenFiles = 64;  // bounds descriptors when the path has per-event parts

class FileOutput : public OutputPlugin {
 public:
  FileOutput(Sprintf path, std::unique_ptr<OutputCodec> codec, bool fsync)
      : path_(std::move(path)), codec_(std::move(codec)), fsync_(fsync) {}
  ~FileOutput() override {
    for (auto& [p, fd] : files_) ::close(fd);
  }

  Status Write(std::span<const Event* const> events) override {
    if (path_.is_constant()) {
      buffer_.clear();
      for (const Event* e : events) codec_->Encode(*e, &buffer_);
      return Append(path_.Render(*events.front()), buffer_);
    }
    std::map<std::string, std::string> by_path;
    for (const Event* e : events) codec_->Encode(*e, &by_path[path_.Render(*e)]);
    for (auto& [p, bytes] : by_path) RETURN_IF_ERROR(Append(p, bytes));
    return Status::OK();
  }

  Status Flush() override {
    if (!fsync_) return Status::OK();
    for (auto& [p, fd] : files_) {
      if (::fdatasync(fd) != 0) return Status::FromErrno("fdatasync", p, errno);
    }
    return Status::OK();
  }

 private:
  Status Append(const std::string& path, const std::string& bytes) {
    auto it = files_.find(path);
    if (it == files_.end()) {
      if (files_.size() >= kMaxOpenFiles) {
        for (auto& [p, fd] : files_) ::close(fd);
        files_.clear();
      }
      std::error_code ec;
      auto dir = std::filesystem::path(path).parent_path();
      if (!dir.empty()) std::filesystem::create_directories(dir, ec);
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
      if (fd < 0) return Status::FromErrno("open", path, errno);
      it = files_.emplace(path, fd).first;
    }
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(it->second, bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        Status st = Status::FromErrno("write", path, errno);
        ::close(it->second);
        files_.erase(it);
        return st;
      }
      done += static_cast<size_t>(n);
    }
    return Status::OK();
  }

  Sprintf path_;
  std::unique_ptr<OutputCodec> codec_;
  bool fsync_;
  std::map<std::string, int> files_;
  std::string buffer_;
};

}  // namespace

const PluginSpec kFileOutput = {
    .name = "file",
    .kind = PluginKind::kOutput,
    .help = "appends events to a file",
    .options =
        {
            {"path",
             OptionType::kString,
             {},
             "file to write; may use %{field} and %{+yyyy.MM.dd}",
             true},
            {"codec", OptionType::kCodec, Value("json_lines"), "json_lines, line, rubydebug..."},
            {"fsync", OptionType::kBoolean, Value(false),
             "fdatasync the files every second (slower, survives power loss)"},
        },
    .create = [](const PluginConfig& cfg, const PluginContext&) -> Result<std::unique_ptr<Plugin>> {
      ASSIGN_OR_RETURN(Sprintf path, Sprintf::Compile(cfg.GetString("path")));
      ASSIGN_OR_RETURN(auto codec,
                       OutputCodec::Create(cfg.GetString("codec"), cfg.codec_settings()));
      return std::unique_ptr<Plugin>(
          new FileOutput(std::move(path), std::move(codec), cfg.GetBool("fsync")));
    },
};

}  // namespace perimeter
