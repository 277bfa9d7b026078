// The `file` input (Logstash's file input in tail mode): follows the files its path globs match,
// across rename and copytruncate rotation and deletion, and pushes their lines in batches. A
// file's checkpoint (sincedb) advances only over lines whose batches the outputs have taken, so a
// restart neither loses nor repeats a line.
// Run() keeps all state on the input's thread; batch callbacks touch only AckWatermarks (shared
// with them); AppendStats may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/value.h"
#include "inputs/file/ack_watermark.h"
#include "inputs/file/checkpoint_store.h"
#include "inputs/file/file_identity.h"
#include "inputs/file/file_input_options.h"
#include "inputs/file/file_tailer.h"
#include "inputs/file/path_glob.h"
#include "pipeline/plugin.h"
#include "pipeline/plugin_spec.h"

struct stat;

namespace perimeter {

extern const PluginSpec kFileInput;

// Opens `path` for reading: a descriptor, or -1 with errno set. Tests substitute one that fails.
using OpenForReading = std::function<int(const std::string& path)>;

class FileInput : public InputPlugin {
 public:
  static Result<std::unique_ptr<Plugin>> Create(const PluginConfig& config,
                                                const PluginContext& context);

  // `open` defaults to open(2) with O_RDONLY.
  explicit FileInput(FileInputOptions options, OpenForReading open = nullptr);
  // Writes acknowledgements that arrived after Run() returned (workers drain the queue last).
  ~FileInput() override;
  FileInput(const FileInput&) = delete;
  FileInput& operator=(const FileInput&) = delete;

  // Checkpoints committed with the events by an output (the store's WAL) take precedence over
  // the sincedb file; each batch then carries the input's positions after it.
  void set_checkpoint_authority(std::shared_ptr<CheckpointAuthority> authority) {
    authority_ = std::move(authority);
  }

  Status Run(InputSink& sink) override;
  void AppendStats(Object* out) const override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Watch;

  Status LoadCheckpoints();
  void SaveCheckpoints();
  void Discover(InputSink& sink, bool first);
  void OpenWatch(const std::string& path, const struct stat& st);
  void CheckWatches();
  void CloseWatch(size_t index, bool deleted);
  bool ReadTurn(Watch& w, InputSink& sink, bool to_end);
  bool StartStillMatches(Watch& w);
  void Restart(Watch& w, const char* why);
  void AppendEvent(Watch& w, std::string_view line, Timestamp ts, Batch* batch);
  bool PushBatch(Watch& w, Batch* batch, InputSink& sink);
  // The positions of every known file as they will be once this batch is committed.
  std::string PositionsBlob() const;
  std::string checkpoint_key() const { return "file:" + options_.sincedb_path; }
  Watch* FindWatch(const FileIdentity& id);
  void SetPath(Watch& w, const std::string& path);
  void ReportOpenError(const std::string& path, int err);
  void ReportReadable(const std::string& path);
  void ReportDirectoryProblems(const std::vector<GlobProblem>& problems);

  const FileInputOptions options_;
  const OpenForReading open_;
  std::unique_ptr<CheckpointStore> store_;  // null when sincedb_path is /dev/null
  std::shared_ptr<CheckpointAuthority> authority_;
  bool commit_with_batches_ = false;  // an output commits our checkpoints with the events
  bool checkpoints_loaded_ = false;   // only then may the checkpoint file be written
  bool checkpoints_dirty_ = false;
  std::unordered_map<FileIdentity, CheckpointEntry, FileIdentityHash> checkpoints_;

  std::vector<std::unique_ptr<Watch>> watches_;
  std::unordered_map<FileIdentity, Watch*, FileIdentityHash> by_id_;
  // Files present at the first discovery and not opened yet: start_position applies to them.
  std::unordered_set<FileIdentity, FileIdentityHash> startup_files_;

  // Problems already logged, so each is logged once: path → errno.
  std::unordered_map<std::string, int> unreadable_;
  std::unordered_map<std::string, int> unlistable_dirs_;
  bool reported_open_limit_ = false;
  std::string user_name_;  // who needs read access, for the permission message

  Value host_value_;  // "host" (legacy) or {"name": host} (ECS), copied into each event
  bool strip_cr_;

  std::atomic<uint64_t> files_open_{0};
  std::atomic<uint64_t> bytes_read_{0};
  std::atomic<uint64_t> lines_read_{0};
  std::atomic<uint64_t> lines_cut_{0};
  std::atomic<uint64_t> files_unreadable_{0};
  std::atomic<uint64_t> rotations_{0};
  std::atomic<uint64_t> truncations_{0};
};

}  // namespace perimeter
