#include "inputs/file/file_input.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "pipeline/line_codec.h"
#include "pipeline/plugin_config.h"

namespace perimeter {

namespace {

// Each file gets at most this many chunks per turn before the next file's turn, so one busy
// file cannot starve the others; at 1 MiB chunks a turn still amortizes everything per-turn.
constexpr int kChunksPerTurn = 16;

// A writer keeps appending to a renamed or deleted file until logrotate's postrotate tells it to
// reopen (normally well under a second); the old file is kept open this long after it last
// grew, so those late lines are read too.
constexpr double kRotatedFileLingerS = 30;

// Sleeps between idle polls are cut short by new work or shutdown anyway; this only bounds them
// against a clock jump or an absurd stat_interval.
constexpr int64_t kMaxIdleSleepMs = 60'000;

// O_NONBLOCK: a FIFO swapped in at the path between stat() and open() must not block the input
// (regular files ignore the flag; non-regular files are then skipped).
int OpenReadOnly(const std::string& path) {
  return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
}

std::string CurrentUserName() {
  struct passwd pw;
  struct passwd* found = nullptr;
  char buf[4096];  // sysconf(_SC_GETPW_R_SIZE_MAX) is 1024 on glibc; names and shells fit
  if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return fmt::format("uid {}", geteuid());
}

std::chrono::nanoseconds Seconds(double s) {
  return std::chrono::nanoseconds(static_cast<int64_t>(s * 1e9));
}

int64_t WallSeconds() { return Timestamp::Now().seconds(); }

}  // namespace

// One file being followed: its descriptor (in the tailer), where its lines have been pushed
// to, and the acknowledgements of those pushes.
struct FileInput::Watch {
  std::string path;
  Value path_value;  // "path" (legacy) or {"file": {"path": ...}} (ECS "log"), per event
  FileIdentity id;
  Fingerprint fingerprint;
  std::unique_ptr<FileTailer> tailer;
  std::shared_ptr<AckWatermark> acks;
  uint64_t pushed = 0;    // end of the last batch handed to the sink
  bool detached = false;  // the path no longer leads to this file (renamed away or deleted)
  Clock::time_point last_growth;
  bool read_error_reported = false;
};

const PluginSpec kFileInput = {
    .name = "file",
    .kind = PluginKind::kInput,
    .help = "follows files (tail mode) across rotation and restarts, one event per line",
    .options =
        {
            {"path",
             OptionType::kArray,
             {},
             "absolute paths or globs of the files to follow",
             true},
            {"exclude",
             OptionType::kArray,
             {},
             "file-name globs to leave out (matched against the name, not the whole path)"},
            {"start_position",
             OptionType::kString,
             Value("end"),
             "where to start in files present at startup that have no checkpoint; files that "
             "appear later are read from their beginning",
             false,
             {"beginning", "end"}},
            {"sincedb_path",
             OptionType::kPath,
             {},
             "checkpoint file (default <data_dir>/sincedb/<id, or a hash of path>); "
             "\"/dev/null\" keeps no checkpoint"},
            {"sincedb_write_interval", OptionType::kString, Value("1"),
             "at most how often acknowledged positions are written (seconds or a duration; "
             "Logstash's default is 15)"},
            {"sincedb_clean_after", OptionType::kString, Value("14"),
             "forget the checkpoint of a file not seen for this long (days or a duration)"},
            {"stat_interval", OptionType::kString, Value("1"),
             "how often idle files are checked for new lines (seconds or a duration, e.g. "
             "\"250 ms\")"},
            {"discover_interval", OptionType::kNumber, Value(1),
             "look for new files every this many stat intervals (Logstash's default is 15)"},
            {"delimiter", OptionType::kString, Value("\n"), "the line separator"},
            {"ecs_compatibility",
             OptionType::kString,
             {},
             "field layout: disabled (path, host), v1 or v8 ([log][file][path], [host][name], "
             "[event][original]); default from the pipeline",
             false,
             {"disabled", "v1", "v8"}},
            {"close_older", OptionType::kString, Value("1 hour"),
             "close a file that has not grown for this long; it is reopened when it grows"},
            {"ignore_older",
             OptionType::kString,
             {},
             "start at the end of files last modified longer ago than this"},
            {"max_open_files", OptionType::kNumber, Value(4095),
             "most files open at once; others wait until one is closed"},
            {"file_chunk_size", OptionType::kNumber,
             Value(static_cast<int64_t>(kDefaultChunkBytes)),
             "bytes read per read(2) (Logstash's default is 32768)"},
            {"mode",
             OptionType::kString,
             Value("tail"),
             "only tail mode is supported (follow files as they grow)",
             false,
             {"tail"}},
        },
    .create = &FileInput::Create,
};

namespace {
const LineCodec kJsonLines = *LineCodec::Create("json_lines");
}  // namespace

Result<std::unique_ptr<Plugin>> FileInput::Create(const PluginConfig& config,
                                                  const PluginContext& context) {
  ASSIGN_OR_RETURN(FileInputOptions options, FileInputOptions::FromConfig(config, context));
  auto input = std::make_unique<FileInput>(std::move(options));
  input->set_checkpoint_authority(context.checkpoints);
  return std::unique_ptr<Plugin>(std::move(input));
}

FileInput::FileInput(FileInputOptions options, OpenForReading open)
    : options_(std::move(options)),
      open_(open ? std::move(open) : OpenForReading(&OpenReadOnly)),
      user_name_(CurrentUserName()),
      strip_cr_(options_.delimiter == "\n") {
  if (!options_.sincedb_path.empty()) {
    store_ = std::make_unique<CheckpointStore>(options_.sincedb_path);
  }
  if (options_.ecs == EcsMode::kDisabled) {
    host_value_ = Value(options_.host_name);
  } else {
    Object host;
    host.Set("name", options_.host_name);
    host_value_ = Value(std::move(host));
  }
}

FileInput::~FileInput() {
  if (checkpoints_loaded_) SaveCheckpoints();
}

void FileInput::AppendStats(Object* out) const {
  auto get = [](const std::atomic<uint64_t>& a) {
    return static_cast<int64_t>(a.load(std::memory_order_relaxed));
  };
  out->Set("files_watched", get(files_open_));
  out->Set("bytes_read", get(bytes_read_));
  out->Set("lines", get(lines_read_));
  out->Set("lines_cut", get(lines_cut_));
  out->Set("files_unreadable", get(files_unreadable_));
  out->Set("rotations", get(rotations_));
  out->Set("truncations", get(truncations_));
}

Status FileInput::Run(InputSink& sink) {
  RETURN_IF_ERROR(LoadCheckpoints());
  const auto tick = Seconds(options_.stat_interval_s);
  const auto write_interval = Seconds(options_.sincedb_write_interval_s);
  Discover(sink, /*first=*/true);
  auto now = Clock::now();
  auto next_tick = now + tick;
  auto next_save = now + write_interval;
  int ticks = 0;
  while (!sink.stopping()) {
    bool progress = false;
    for (size_t i = 0; i < watches_.size() && !sink.stopping(); ++i) {
      progress |= ReadTurn(*watches_[i], sink, /*to_end=*/false);
    }
    now = Clock::now();
    if (now >= next_tick) {
      next_tick = now + tick;
      CheckWatches();
      if (++ticks % options_.discover_every == 0) Discover(sink, /*first=*/false);
    }
    if (now >= next_save) {
      next_save = now + write_interval;
      SaveCheckpoints();
    }
    if (!progress) {
      auto wake = std::min(next_tick, next_save) - Clock::now();
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(wake).count();
      sink.WaitFor(static_cast<int>(std::clamp<int64_t>(ms, 1, kMaxIdleSleepMs)));
    }
  }
  SaveCheckpoints();
  return Status::OK();
}

// --- checkpoints ---------------------------------------------------------------------------

Status FileInput::LoadCheckpoints() {
  if (store_ == nullptr) return Status::OK();
  if (authority_ != nullptr && authority_->available()) {
    commit_with_batches_ = true;
    auto committed = authority_->Load(checkpoint_key());
    if (committed.ok()) {
      auto entries = DecodeCheckpoints(*committed);
      if (!entries.ok()) {
        return Status::Corruption(
            fmt::format("file input: the checkpoint committed in the store is unreadable: {}",
                        entries.status().message()));
      }
      for (CheckpointEntry& e : *entries) checkpoints_[e.id] = std::move(e);
      checkpoints_loaded_ = true;
      spdlog::info("file input: resuming {} file(s) from the positions committed in the store",
                   checkpoints_.size());
      return Status::OK();
    }
    if (committed.status().code() != StatusCode::kNotFound) return committed.status();
  }
  auto loaded = store_->Load();
  if (loaded.ok()) {
    for (CheckpointEntry& e : *loaded) checkpoints_[e.id] = std::move(e);
    checkpoints_loaded_ = true;
    return Status::OK();
  }
  const Status& s = loaded.status();
  switch (s.code()) {
    case StatusCode::kNotFound:
      checkpoints_loaded_ = true;
      return Status::OK();
    case StatusCode::kCorruption: {
      std::string aside = store_->path() + ".corrupt";
      bool kept = ::rename(store_->path().c_str(), aside.c_str()) == 0;
      spdlog::warn(
          "file input: checkpoint {}; starting files present now at their {} (start_position) "
          "and new ones at their beginning; {}",
          s.message(), options_.start_at_end ? "end" : "beginning",
          kept ? fmt::format("the damaged file is kept as {}", aside)
               : fmt::format("it could not be moved aside ({}) and will be overwritten",
                             std::strerror(errno)));
      checkpoints_loaded_ = true;
      return Status::OK();
    }
    case StatusCode::kInvalidArgument:  // a newer format; the message says what to do
      return Status::InvalidArgument(
          fmt::format("file input cannot use its checkpoint: {}", s.message()));
    default:
      // Starting over and writing ours over it would lose the positions it holds.
      return Status::IOError(fmt::format(
          "file input cannot use its checkpoint: {} — make it readable by the user '{}', or set "
          "sincedb_path to another file",
          s.message(), user_name_));
  }
}

void FileInput::SaveCheckpoints() {
  if (store_ == nullptr || !checkpoints_loaded_) return;
  const int64_t now_s = WallSeconds();
  bool changed = checkpoints_dirty_;
  for (const auto& w : watches_) {
    CheckpointEntry& e = checkpoints_[w->id];
    uint64_t offset = w->acks->value();
    if (e.offset != offset || e.fingerprint != w->fingerprint || e.path != w->path ||
        e.id != w->id) {
      changed = true;
    }
    e.id = w->id;
    e.offset = offset;
    e.fingerprint = w->fingerprint;
    e.path = w->path;
    e.last_seen_s = now_s;
  }
  if (!changed) return;
  const auto clean_after = static_cast<int64_t>(options_.sincedb_clean_after_s);
  std::erase_if(checkpoints_, [&](const auto& kv) {
    return now_s - kv.second.last_seen_s > clean_after && by_id_.count(kv.first) == 0;
  });
  std::vector<CheckpointEntry> entries;
  entries.reserve(checkpoints_.size());
  for (const auto& kv : checkpoints_) entries.push_back(kv.second);
  Status s = store_->Save(entries);
  if (!s.ok()) {
    // Retried at the next interval; said once per interval at most, which is rare enough.
    spdlog::warn(
        "file input: {}; positions are kept in memory and written again shortly — "
        "check that the directory is writable and the disk not full",
        s.message());
  }
  checkpoints_dirty_ = !s.ok();
}

// --- discovery -------------------------------------------------------------------------------

FileInput::Watch* FileInput::FindWatch(const FileIdentity& id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

void FileInput::SetPath(Watch& w, const std::string& path) {
  w.path = path;
  if (options_.ecs == EcsMode::kDisabled) {
    w.path_value = Value(path);
  } else {
    Object file;
    file.Set("path", path);
    Object log;
    log.Set("file", std::move(file));
    w.path_value = Value(std::move(log));
  }
}

void FileInput::Discover(InputSink& sink, bool first) {
  std::vector<GlobProblem> problems;
  std::vector<std::string> paths = ExpandPaths(options_.paths, options_.excludes, &problems);
  ReportDirectoryProblems(problems);
  std::unordered_set<FileIdentity, FileIdentityHash> seen;
  for (const std::string& path : paths) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == EACCES) ReportOpenError(path, errno);
      continue;  // ENOENT: not there (yet), or gone since the listing
    }
    if (!S_ISREG(st.st_mode)) continue;
    FileIdentity id{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
    if (!seen.insert(id).second) continue;  // a second name (hard link) of a file just handled
    if (first) startup_files_.insert(id);
    if (Watch* w = FindWatch(id)) {
      if (w->path != path) SetPath(*w, path);  // renamed, and the new name matches too
      w->detached = false;
      continue;
    }
    // Another file now sits at a path we follow: ours was rotated away. Finish reading it
    // first, so that its last lines come before the new file's first.
    for (auto& w : watches_) {
      if (!w->detached && w->path == path) {
        w->detached = true;
        rotations_.fetch_add(1, std::memory_order_relaxed);
        spdlog::info("file input: {} was rotated; finishing the old file, then reading the new one",
                     path);
        ReadTurn(*w, sink, /*to_end=*/true);
      }
    }
    OpenWatch(path, st);
  }
  for (auto& w : watches_) {
    if (!w->detached && !seen.contains(w->id)) {
      w->detached = true;  // renamed to a name we do not follow, or deleted
      spdlog::info("file input: {} was renamed or deleted; reading the rest of the old file",
                   w->path);
    }
  }
  // Files that were at startup but are gone have no claim to start_position any more.
  if (!first)
    std::erase_if(startup_files_, [&](const FileIdentity& id) { return !seen.contains(id); });
}

void FileInput::OpenWatch(const std::string& path, const struct stat& st) {
  FileIdentity id{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  auto known = checkpoints_.find(id);
  if (known != checkpoints_.end()) {
    known->second.last_seen_s = WallSeconds();
    // Fully read before and not grown since: no need to hold it open until it grows.
    if (static_cast<uint64_t>(st.st_size) == known->second.offset) return;
  }
  if (watches_.size() >= options_.max_open_files) {
    if (!reported_open_limit_) {
      spdlog::warn(
          "file input: {} files are open (max_open_files); {} and others wait until "
          "one is closed (close_older) — raise max_open_files to follow them all",
          watches_.size(), path);
      reported_open_limit_ = true;
    }
    return;
  }
  int fd = open_(path);
  if (fd < 0) {
    ReportOpenError(path, errno);
    return;
  }
  ReportReadable(path);
  struct stat fst;
  if (::fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode)) {
    ::close(fd);
    return;
  }
  // The path may have been replaced between stat() and open(): trust the open file.
  id = FileIdentity{static_cast<uint64_t>(fst.st_dev), static_cast<uint64_t>(fst.st_ino)};
  if (FindWatch(id) != nullptr) {
    ::close(fd);
    return;
  }
  char start[kFingerprintBytes];
  auto start_len = ReadFileStart(fd, path, start);
  if (!start_len.ok()) {
    spdlog::warn("file input: {}; retrying", start_len.status().message());
    ::close(fd);
    return;
  }
  std::string_view first_bytes(start, *start_len);
  const uint64_t size = static_cast<uint64_t>(fst.st_size);
  uint64_t offset = 0;
  const char* from = "its beginning (a new file)";
  known = checkpoints_.find(id);
  if (known != checkpoints_.end()) {
    if (FingerprintMatches(known->second.fingerprint, first_bytes) &&
        known->second.offset <= size) {
      offset = known->second.offset;
      from = "its checkpoint";
    } else {
      from = "its beginning (replaced or truncated since its checkpoint)";
    }
  } else if (options_.ignore_older_s &&
             WallSeconds() - fst.st_mtime > static_cast<int64_t>(*options_.ignore_older_s)) {
    offset = size;
    from = "its end (older than ignore_older)";
  } else if (startup_files_.contains(id)) {
    offset = options_.start_at_end ? size : 0;
    from = options_.start_at_end ? "its end (start_position)" : "its beginning (start_position)";
  }
  startup_files_.erase(id);

  auto w = std::make_unique<Watch>();
  SetPath(*w, path);
  w->id = id;
  w->fingerprint = ComputeFingerprint(first_bytes);
  w->tailer = std::make_unique<FileTailer>(fd, options_.delimiter, options_.chunk_bytes, offset);
  w->acks = std::make_shared<AckWatermark>(offset);
  w->pushed = offset;
  w->last_growth = Clock::now();
  spdlog::info("file input: following {} from {} (byte {})", path, from, offset);
  by_id_[id] = w.get();
  watches_.push_back(std::move(w));
  files_open_.store(watches_.size(), std::memory_order_relaxed);
}

void FileInput::CheckWatches() {
  const auto now = Clock::now();
  for (size_t i = 0; i < watches_.size();) {
    Watch& w = *watches_[i];
    struct stat st;
    if (::fstat(w.tailer->fd(), &st) != 0) {
      ++i;
      continue;
    }
    if (static_cast<uint64_t>(st.st_size) < w.tailer->read_offset()) Restart(w, "was truncated");
    if (w.tailer->at_end()) w.tailer->ReleaseBuffer();
    bool idle = w.tailer->at_end() && w.acks->value() == w.pushed;
    double limit = w.detached ? kRotatedFileLingerS : -1;
    if (options_.close_older_s) {
      limit = limit < 0 ? *options_.close_older_s : std::min(limit, *options_.close_older_s);
    }
    if (idle && limit >= 0 && now - w.last_growth >= Seconds(limit)) {
      CloseWatch(i, /*deleted=*/st.st_nlink == 0);
      continue;
    }
    ++i;
  }
}

void FileInput::CloseWatch(size_t index, bool deleted) {
  Watch& w = *watches_[index];
  if (store_ != nullptr) {
    if (deleted) {
      checkpoints_.erase(w.id);  // its inode will be reused by some other file
    } else {
      checkpoints_[w.id] =
          CheckpointEntry{w.id, w.fingerprint, w.acks->value(), WallSeconds(), w.path};
    }
    checkpoints_dirty_ = true;
  }
  spdlog::info("file input: closing {} ({})", w.path,
               deleted ? "deleted" : (w.detached ? "rotated away" : "idle for close_older"));
  by_id_.erase(w.id);
  watches_.erase(watches_.begin() + static_cast<ptrdiff_t>(index));
  files_open_.store(watches_.size(), std::memory_order_relaxed);
}

void FileInput::ReportOpenError(const std::string& path, int err) {
  auto [it, fresh] = unreadable_.try_emplace(path, err);
  if (!fresh && it->second == err) return;
  it->second = err;
  if (fresh) files_unreadable_.fetch_add(1, std::memory_order_relaxed);
  if (err == EACCES || err == EPERM) {
    spdlog::warn(
        "file input: cannot read {}: {} — give the user '{}' read access (e.g. group adm: "
        "`usermod -aG adm {}` and restart, or `setfacl -m u:{}:r {}`); the other files go on and "
        "this one is retried every {}s",
        path, std::strerror(err), user_name_, user_name_, user_name_, path,
        options_.stat_interval_s * options_.discover_every);
  } else if (err == EMFILE || err == ENFILE) {
    spdlog::warn(
        "file input: cannot open {}: {} — raise the open-file limit (LimitNOFILE= in "
        "the service, or ulimit -n) or lower max_open_files; retrying",
        path, std::strerror(err));
  } else {
    spdlog::warn("file input: cannot open {}: {}; retrying", path, std::strerror(err));
  }
}

void FileInput::ReportReadable(const std::string& path) {
  auto it = unreadable_.find(path);
  if (it == unreadable_.end()) return;
  spdlog::info("file input: can read {} now", path);
  unreadable_.erase(it);
  files_unreadable_.fetch_sub(1, std::memory_order_relaxed);
}

void FileInput::ReportDirectoryProblems(const std::vector<GlobProblem>& problems) {
  std::unordered_map<std::string, int> now;
  for (const GlobProblem& p : problems) {
    now[p.directory] = p.error;
    auto it = unlistable_dirs_.find(p.directory);
    if (it != unlistable_dirs_.end() && it->second == p.error) continue;
    spdlog::warn(
        "file input: cannot list {}: {} — give the user '{}' read and search access "
        "to it; retrying",
        p.directory, std::strerror(p.error), user_name_);
  }
  for (const auto& [dir, err] : unlistable_dirs_) {
    if (!now.contains(dir)) spdlog::info("file input: can list {} now", dir);
  }
  unlistable_dirs_ = std::move(now);
}

// --- reading -------------------------------------------------------------------------------

void FileInput::Restart(Watch& w, const char* why) {
  spdlog::info("file input: {} {}; reading it again from its beginning", w.path, why);
  truncations_.fetch_add(1, std::memory_order_relaxed);
  w.tailer->Restart(0);
  // Batches still in flight complete on the old watermark and no longer count.
  w.acks = std::make_shared<AckWatermark>(0);
  w.pushed = 0;
  w.fingerprint = Fingerprint{};
}

bool FileInput::StartStillMatches(Watch& w) {
  char start[kFingerprintBytes];
  auto n = ReadFileStart(w.tailer->fd(), w.path, start);
  if (!n.ok()) return true;  // the read that follows reports the error
  std::string_view bytes(start, *n);
  if (!FingerprintMatches(w.fingerprint, bytes)) return false;
  if (bytes.size() > w.fingerprint.length) w.fingerprint = ComputeFingerprint(bytes);
  return true;
}

bool FileInput::ReadTurn(Watch& w, InputSink& sink, bool to_end) {
  Batch batch;
  batch.events.reserve(options_.batch_size);
  bool progress = false;
  for (int chunk = 0; to_end || chunk < kChunksPerTurn; ++chunk) {
    if (sink.stopping()) return progress;
    auto got = w.tailer->Fill(w.path);
    if (!got.ok()) {
      if (!w.read_error_reported) {
        spdlog::warn("file input: {}; retrying", got.status().message());
        w.read_error_reported = true;
      }
      break;
    }
    if (*got > 0) {
      // A file rewritten in place (copytruncate, then more lines than before) would otherwise be
      // read from the middle; one small pread per turn rules that out, and completes the
      // fingerprint of a file that was shorter than kFingerprintBytes.
      if ((chunk == 0 || w.fingerprint.length < kFingerprintBytes) && !StartStillMatches(w)) {
        Restart(w, "was replaced in place");
        continue;
      }
      progress = true;
      w.read_error_reported = false;
      w.last_growth = Clock::now();
      bytes_read_.fetch_add(*got, std::memory_order_relaxed);
    }
    const uint64_t cut_before = w.tailer->cut_lines();
    const Timestamp ts = Timestamp::Now();
    std::string_view line;
    while (w.tailer->NextLine(&line)) {
      AppendEvent(w, line, ts, &batch);
      if (batch.events.size() >= options_.batch_size && !PushBatch(w, &batch, sink)) {
        return progress;
      }
    }
    if (w.tailer->cut_lines() != cut_before) {
      lines_cut_.fetch_add(w.tailer->cut_lines() - cut_before, std::memory_order_relaxed);
      spdlog::warn("file input: {} has a line longer than {} bytes; it was split there", w.path,
                   kMaxLineBytes);
    }
    if (w.tailer->at_end()) break;
  }
  PushBatch(w, &batch, sink);
  return progress;
}

void FileInput::AppendEvent(Watch& w, std::string_view line, Timestamp ts, Batch* batch) {
  if (strip_cr_ && !line.empty() && line.back() == '\r') line.remove_suffix(1);
  Event& e =
      batch->events.emplace_back(options_.json_lines ? kJsonLines.Decode(line, ts)
                                                     : Event::FromMessage(std::string(line), ts));
  if (options_.ecs == EcsMode::kDisabled) {
    e.SetTop("host", host_value_);
    e.SetTop("path", w.path_value);
  } else {
    e.SetTop("log", w.path_value);
    e.SetTop("host", host_value_);
    Object event;
    event.Set("original", std::string(line));
    e.SetTop("event", std::move(event));
  }
}

bool FileInput::PushBatch(Watch& w, Batch* batch, InputSink& sink) {
  if (batch->events.empty()) return true;
  const uint64_t begin = w.pushed;
  const uint64_t end = w.tailer->line_end_offset();
  const size_t lines = batch->events.size();
  batch->on_done = [acks = w.acks, begin, end] { acks->Complete(begin, end); };
  w.pushed = end;
  if (commit_with_batches_) batch->checkpoints.push_back({checkpoint_key(), PositionsBlob()});
  bool taken = sink.Push(std::move(*batch));
  *batch = Batch();
  batch->events.reserve(options_.batch_size);
  if (taken) lines_read_.fetch_add(lines, std::memory_order_relaxed);
  return taken;
}

std::string FileInput::PositionsBlob() const {
  std::vector<CheckpointEntry> entries;
  entries.reserve(checkpoints_.size() + watches_.size());
  const int64_t now_s = WallSeconds();
  for (const auto& [id, e] : checkpoints_) {
    if (by_id_.count(id) == 0) entries.push_back(e);
  }
  for (const auto& w : watches_) {
    CheckpointEntry e;
    e.id = w->id;
    e.fingerprint = w->fingerprint;
    e.offset = w->pushed;
    e.last_seen_s = now_s;
    e.path = w->path;
    entries.push_back(std::move(e));
  }
  return EncodeCheckpoints(entries);
}

}  // namespace perimeter
