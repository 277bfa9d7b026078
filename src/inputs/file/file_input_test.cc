#include "inputs/file/file_input.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>

#include "inputs/file/recording_sink.h"
#include "pipeline/plugin_config.h"

namespace perimeter {
namespace {

using std::chrono::milliseconds;

// Collects log messages so tests can count warnings. Installed as the default logger.
class CapturedLog : public spdlog::sinks::base_sink<std::mutex> {
 public:
  size_t Count(std::string_view needle) {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t n = 0;
    for (const auto& m : messages_) n += m.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }
  std::string All() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string all;
    for (const auto& m : messages_) all += m + "\n";
    return all;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    messages_.emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> messages_;
};

class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<CapturedLog>()), previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink_));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  CapturedLog& log() { return *sink_; }

 private:
  std::shared_ptr<CapturedLog> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

// Polls `done` until it holds or 5 s pass.
template <typename Pred>
bool WaitUntil(Pred done, milliseconds timeout = milliseconds(5000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

// The input's stat interval in these tests; "nothing happens" checks wait several of them.
constexpr milliseconds kTick(20);
constexpr milliseconds kSeveralTicks(200);

using FileInputPlugin = ::perimeter::FileInput;

// Named after the plugin so that tests read FileInput.FollowsRenameRotation.
class FileInput : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/perimeter-file-input-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    sincedb_ = dir_ + "/state/sincedb";
  }
  void TearDown() override {
    StopInput();
    std::filesystem::remove_all(dir_);
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  }
  static void Append(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::app) << text;
  }
  static std::string Lines(int from, int to, const std::string& prefix = "line ") {
    std::string out;
    for (int i = from; i < to; ++i) out += prefix + std::to_string(i) + "\n";
    return out;
  }
  static std::vector<std::string> Names(int from, int to, const std::string& prefix = "line ") {
    std::vector<std::string> out;
    for (int i = from; i < to; ++i) out.push_back(prefix + std::to_string(i));
    return out;
  }

  // Options as a pipeline config would give them, with test-friendly intervals.
  FileInputOptions Options(std::initializer_list<std::pair<std::string, Value>> more = {}) {
    Object o;
    o.Set("path", Array{Value(dir_ + "/*.log")});
    o.Set("start_position", "beginning");
    o.Set("stat_interval", "20 ms");
    o.Set("sincedb_write_interval", "20 ms");
    o.Set("sincedb_path", sincedb_);
    o.Set("ecs_compatibility", "disabled");
    for (auto& [k, v] : more) o.Set(k, v);
    auto config = PluginConfig::FromObject(kFileInput, o);
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    PluginContext ctx;
    ctx.data_dir = dir_;
    ctx.host_name = "testhost";
    ctx.batch_size = 10;
    auto options = FileInputOptions::FromConfig(*config, ctx);
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    return *options;
  }

  void StartInput(FileInputOptions options, RecordingSink::Acks acks = RecordingSink::Acks::kAtOnce,
                  OpenForReading open = nullptr) {
    sink_ = std::make_unique<RecordingSink>(acks);
    input_ = std::make_unique<FileInputPlugin>(std::move(options), std::move(open));
    thread_ = std::thread([this] { run_status_ = input_->Run(*sink_); });
  }
  // Stops Run() and waits for it; the input object stays (its destructor saves once more).
  void StopInput() {
    if (!thread_.joinable()) return;
    sink_->Stop();
    thread_.join();
    EXPECT_TRUE(run_status_.ok()) << run_status_.ToString();
  }
  void DestroyInput() {
    StopInput();
    input_.reset();
  }

  int64_t Stat(const std::string& name) {
    Object stats;
    input_->AppendStats(&stats);
    const Value* v = stats.Find(name);
    return v != nullptr && v->is_int() ? v->as_int() : -1;
  }
  // Waits until the input has the file open, so that "present at startup" is settled.
  void WaitForOpenFiles(int64_t n) {
    ASSERT_TRUE(WaitUntil([&] { return Stat("files_watched") == n; })) << Stat("files_watched");
  }

  // The checkpointed offset of `path`, or -1 when there is none.
  int64_t CheckpointOffset(const std::string& path) {
    auto entries = CheckpointStore(sincedb_).Load();
    if (!entries.ok()) return -1;
    for (const auto& e : *entries) {
      if (e.path == path) return static_cast<int64_t>(e.offset);
    }
    return -1;
  }

  std::string dir_;
  std::string sincedb_;
  std::unique_ptr<RecordingSink> sink_;
  std::unique_ptr<FileInputPlugin> input_;
  std::thread thread_;
  Status run_status_;
};

TEST_F(FileInput, ReadsFromBeginning) {
  Write(Path("a.log"), "first\nsecond\r\nthird\n");
  StartInput(Options());
  ASSERT_TRUE(sink_->WaitForEvents(3));
  Append(Path("a.log"), "fourth\n");
  ASSERT_TRUE(sink_->WaitForEvents(4));
  EXPECT_EQ(sink_->messages(),
            (std::vector<std::string>{"first", "second", "third", "fourth"}));  // \r stripped
  Event e = sink_->events()[0];
  EXPECT_EQ(e.GetTop("path")->as_string(), Path("a.log"));
  EXPECT_EQ(e.GetTop("host")->as_string(), "testhost");
  EXPECT_EQ(e.GetTop("@version")->as_string(), "1");
  EXPECT_TRUE(e.GetTop("@timestamp")->is_timestamp());
  EXPECT_EQ(e.GetTop("event"), nullptr);
  EXPECT_TRUE(WaitUntil([&] { return Stat("lines") == 4; })) << Stat("lines");
  EXPECT_EQ(Stat("bytes_read"), 27);
}

TEST_F(FileInput, EcsFieldsAsLogstash8) {
  Write(Path("a.log"), "hello\n");
  StartInput(Options({{"ecs_compatibility", "v8"}}));
  ASSERT_TRUE(sink_->WaitForEvents(1));
  Event e = sink_->events()[0];
  EXPECT_EQ(e.GetTop("message")->as_string(), "hello");
  EXPECT_EQ(e.Get(FieldRef::Of("[log][file][path]"))->as_string(), Path("a.log"));
  EXPECT_EQ(e.Get(FieldRef::Of("[host][name]"))->as_string(), "testhost");
  EXPECT_EQ(e.Get(FieldRef::Of("[event][original]"))->as_string(), "hello");
  EXPECT_EQ(e.GetTop("path"), nullptr);
}

TEST_F(FileInput, StartsAtEndForExistingFiles) {
  Write(Path("old.log"), "old 1\nold 2\n");
  StartInput(Options({{"start_position", "end"}}));
  WaitForOpenFiles(1);
  Append(Path("old.log"), "old 3\n");
  ASSERT_TRUE(sink_->WaitForEvents(1));
  // A file that appears after startup is read from its beginning despite start_position.
  Write(Path("new.log"), "new 1\nnew 2\n");
  ASSERT_TRUE(sink_->WaitForEvents(3));
  std::this_thread::sleep_for(kSeveralTicks);
  EXPECT_EQ(sink_->messages(), (std::vector<std::string>{"old 3", "new 1", "new 2"}));
}

TEST_F(FileInput, FollowsRenameRotation) {
  FileInputOptions options = Options({{"path", Path("fw.log")}});
  Write(Path("fw.log"), Lines(0, 3));
  StartInput(options);
  ASSERT_TRUE(sink_->WaitForEvents(3));
  // logrotate `create`: rename, the writer appends a little more to the old file before it
  // reopens, then the new file fills.
  std::filesystem::rename(Path("fw.log"), Path("fw.log.1"));
  Append(Path("fw.log.1"), Lines(3, 5));
  Write(Path("fw.log"), Lines(5, 8));
  ASSERT_TRUE(sink_->WaitForEvents(8));
  std::this_thread::sleep_for(kSeveralTicks);
  EXPECT_EQ(sink_->messages(), Names(0, 8));
  EXPECT_EQ(sink_->events()[4].GetTop("path")->as_string(), Path("fw.log"));
  // Late writes to the rotated file still arrive while it lingers.
  Append(Path("fw.log.1"), Lines(8, 9));
  ASSERT_TRUE(sink_->WaitForEvents(9));
  EXPECT_EQ(Stat("rotations"), 1);
}

TEST_F(FileInput, RenamedFileThatStillMatchesIsNotReadAgain) {
  FileInputOptions options = Options({{"path", Path("fw.log*")}});
  Write(Path("fw.log"), Lines(0, 3));
  StartInput(options);
  ASSERT_TRUE(sink_->WaitForEvents(3));
  std::filesystem::rename(Path("fw.log"), Path("fw.log.1"));
  Write(Path("fw.log"), Lines(3, 5));
  ASSERT_TRUE(sink_->WaitForEvents(5));
  Append(Path("fw.log.1"), Lines(5, 6));
  ASSERT_TRUE(sink_->WaitForEvents(6));
  std::this_thread::sleep_for(kSeveralTicks);
  EXPECT_EQ(sink_->messages().size(), 6u);
  EXPECT_EQ(sink_->events()[5].GetTop("path")->as_string(), Path("fw.log.1"));
}

TEST_F(FileInput, FollowsCopyTruncate) {
  Write(Path("a.log"), Lines(0, 5, "before "));
  StartInput(Options());
  ASSERT_TRUE(sink_->WaitForEvents(5));
  // Truncated, then fewer bytes than were read: the size gives it away.
  {
    std::ofstream f(Path("a.log"), std::ios::binary | std::ios::trunc);
    f << Lines(0, 2, "after ");
  }
  ASSERT_TRUE(sink_->WaitForEvents(7));
  // Truncated, then more bytes than were read: the first bytes give it away.
  {
    std::ofstream f(Path("a.log"), std::ios::binary | std::ios::trunc);
    f << Lines(0, 20, "again ");
  }
  ASSERT_TRUE(sink_->WaitForEvents(27));
  std::this_thread::sleep_for(kSeveralTicks);
  std::vector<std::string> expected = Names(0, 5, "before ");
  for (auto& s : Names(0, 2, "after ")) expected.push_back(s);
  for (auto& s : Names(0, 20, "again ")) expected.push_back(s);
  EXPECT_EQ(sink_->messages(), expected);
  EXPECT_EQ(Stat("truncations"), 2);
}

TEST_F(FileInput, FollowsDeleteAndRecreate) {
  Write(Path("a.log"), Lines(0, 3));
  StartInput(Options());
  ASSERT_TRUE(sink_->WaitForEvents(3));
  std::filesystem::remove(Path("a.log"));
  std::this_thread::sleep_for(kTick * 3);
  Write(Path("a.log"), Lines(3, 6));
  ASSERT_TRUE(sink_->WaitForEvents(6));
  std::this_thread::sleep_for(kSeveralTicks);
  EXPECT_EQ(sink_->messages(), Names(0, 6));
}

TEST_F(FileInput, HoldsPartialLine) {
  Write(Path("a.log"), "complete\npart");
  StartInput(Options());
  ASSERT_TRUE(sink_->WaitForEvents(1));
  std::this_thread::sleep_for(kSeveralTicks);
  EXPECT_EQ(sink_->messages(), (std::vector<std::string>{"complete"}));
  Append(Path("a.log"), "ial\nnext");
  ASSERT_TRUE(sink_->WaitForEvents(2));
  EXPECT_EQ(sink_->messages(), (std::vector<std::string>{"complete", "partial"}));
  // At shutdown the unfinished "next" is neither emitted nor checkpointed past.
  DestroyInput();
  EXPECT_EQ(sink_->messages().size(), 2u);
  EXPECT_EQ(CheckpointOffset(Path("a.log")), static_cast<int64_t>(strlen("complete\npartial\n")));
}

TEST_F(FileInput, RestartResumesAfterLastAckedLine) {
  constexpr int kLines = 1000;  // 100 batches of 10
  Write(Path("a.log"), Lines(0, kLines) + "unfinished");
  StartInput(Options(), RecordingSink::Acks::kByTest);
  ASSERT_TRUE(sink_->WaitForEvents(kLines));
  for (size_t b = 0; b < 37; ++b) sink_->Ack(b);  // the outputs took 370 lines
  StopInput();
  // Workers drain the queue after the input stopped: these acks still count.
  for (size_t b = 37; b < 40; ++b) sink_->Ack(b);
  std::vector<std::string> first_run = sink_->messages();
  ASSERT_EQ(sink_->batch_sizes().size(), 100u);
  DestroyInput();  // batches 40..99 never acknowledged: as if the process died with them queued

  StartInput(Options());
  ASSERT_TRUE(sink_->WaitForEvents(kLines - 400));
  Append(Path("a.log"), " line\n");
  ASSERT_TRUE(sink_->WaitForEvents(kLines - 400 + 1));
  std::this_thread::sleep_for(kSeveralTicks);
  std::vector<std::string> second_run = sink_->messages();

  // Acknowledged lines of the first run, then everything of the second: each line once.
  std::vector<std::string> all(first_run.begin(), first_run.begin() + 400);
  all.insert(all.end(), second_run.begin(), second_run.end());
  std::vector<std::string> expected = Names(0, kLines);
  expected.push_back("unfinished line");
  EXPECT_EQ(all, expected);
}

TEST_F(FileInput, OutOfOrderAcks) {
  const std::string lines = Lines(0, 100);  // 10 batches
  Write(Path("a.log"), lines);
  StartInput(Options(), RecordingSink::Acks::kByTest);
  ASSERT_TRUE(sink_->WaitForEvents(100));
  auto offset_after = [&](int n) {  // byte offset just past line n-1
    return static_cast<int64_t>(Lines(0, n).size());
  };
  ASSERT_TRUE(WaitUntil([&] { return CheckpointOffset(Path("a.log")) == 0; }));
  sink_->Ack(2);
  sink_->Ack(1);
  std::this_thread::sleep_for(kSeveralTicks);
  EXPECT_EQ(CheckpointOffset(Path("a.log")), 0);  // batch 0 still out
  sink_->Ack(0);
  EXPECT_TRUE(WaitUntil([&] { return CheckpointOffset(Path("a.log")) == offset_after(30); }))
      << CheckpointOffset(Path("a.log"));
  sink_->Ack(4);
  sink_->Ack(9);
  std::this_thread::sleep_for(kSeveralTicks);
  EXPECT_EQ(CheckpointOffset(Path("a.log")), offset_after(30));
  sink_->Ack(3);
  EXPECT_TRUE(WaitUntil([&] { return CheckpointOffset(Path("a.log")) == offset_after(50); }));
}

TEST_F(FileInput, PermissionDeniedIsReportedOnceAndRetried) {
  LogCapture capture;
  std::atomic<bool> denied{true};
  const std::string locked = Path("iptables.log");
  OpenForReading open = [&](const std::string& path) {
    if (denied && path == locked) {
      errno = EACCES;
      return -1;
    }
    return ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  };
  Write(locked, "blocked 1\n");
  Write(Path("ufw.log"), "open 1\n");
  StartInput(Options(), RecordingSink::Acks::kAtOnce, open);
  ASSERT_TRUE(sink_->WaitForEvents(1));
  Append(Path("ufw.log"), "open 2\n");  // the other file keeps going
  ASSERT_TRUE(sink_->WaitForEvents(2));
  std::this_thread::sleep_for(kSeveralTicks);  // ~10 retries
  const std::string warning = "cannot read " + locked + ": Permission denied";
  EXPECT_EQ(capture.log().Count(warning), 1u) << capture.log().All();
  EXPECT_EQ(capture.log().Count("read access"), 1u);
  EXPECT_EQ(Stat("files_unreadable"), 1);
  EXPECT_EQ(sink_->messages(), (std::vector<std::string>{"open 1", "open 2"}));

  denied = false;
  ASSERT_TRUE(sink_->WaitForEvents(3));
  std::this_thread::sleep_for(kSeveralTicks);
  EXPECT_EQ(sink_->messages().back(), "blocked 1");
  EXPECT_EQ(capture.log().Count("can read " + locked + " now"), 1u) << capture.log().All();
  EXPECT_EQ(capture.log().Count(warning), 1u);
  EXPECT_EQ(Stat("files_unreadable"), 0);
}

TEST_F(FileInput, CorruptCheckpointIsReportedAndIgnored) {
  LogCapture capture;
  Write(Path("a.log"), "old\n");
  std::filesystem::create_directories(dir_ + "/state");
  constexpr char kGarbled[] = "PRMSINCE\x01\0\0\0 not really a checkpoint";
  Write(sincedb_, std::string(kGarbled, sizeof kGarbled - 1));
  StartInput(Options({{"start_position", "end"}}));
  WaitForOpenFiles(1);
  Append(Path("a.log"), "new\n");
  ASSERT_TRUE(sink_->WaitForEvents(1));
  std::this_thread::sleep_for(kSeveralTicks);
  EXPECT_EQ(sink_->messages(), (std::vector<std::string>{"new"}));
  EXPECT_EQ(capture.log().Count("checkpoint " + sincedb_), 1u) << capture.log().All();
  EXPECT_TRUE(std::filesystem::exists(sincedb_ + ".corrupt"));
  DestroyInput();
  EXPECT_EQ(CheckpointOffset(Path("a.log")), 8);  // a fresh, valid checkpoint replaced it
}

TEST_F(FileInput, NewerCheckpointVersionStopsTheInputAndIsKept) {
  std::filesystem::create_directories(dir_ + "/state");
  std::string bytes = EncodeCheckpoints({});
  bytes[8] = 9;
  Write(sincedb_, bytes);
  Write(Path("a.log"), "x\n");
  {
    FileInputPlugin input(Options());
    RecordingSink sink;
    Status s = input.Run(sink);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("version 9"), std::string::npos) << s.ToString();
    EXPECT_TRUE(sink.messages().empty());
  }  // destroyed: it must not have written over the file either
  std::ifstream in(sincedb_, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), bytes);
}

TEST_F(FileInput, ReusedInodeIsReadFromTheStart) {
  Write(Path("a.log"), "first file 1\nfirst file 2\n");
  struct stat before;
  ASSERT_EQ(::stat(Path("a.log").c_str(), &before), 0);
  StartInput(Options({{"start_position", "end"}}));
  WaitForOpenFiles(1);
  DestroyInput();
  std::filesystem::remove(Path("a.log"));
  Write(Path("a.log"), "other file 1\nother file 2\n");  // same size, another content
  struct stat after;
  ASSERT_EQ(::stat(Path("a.log").c_str(), &after), 0);
  if (after.st_ino != before.st_ino) GTEST_SKIP() << "the file system did not reuse the inode";
  StartInput(Options({{"start_position", "end"}}));
  Append(Path("a.log"), "other file 3\n");
  ASSERT_TRUE(sink_->WaitForEvents(3));
  EXPECT_EQ(sink_->messages(),
            (std::vector<std::string>{"other file 1", "other file 2", "other file 3"}));
}

TEST_F(FileInput, CustomDelimiter) {
  Write(Path("a.log"), "a||b||c");
  StartInput(Options({{"delimiter", "||"}}));
  ASSERT_TRUE(sink_->WaitForEvents(2));
  std::this_thread::sleep_for(kSeveralTicks);
  EXPECT_EQ(sink_->messages(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(FileInput, ExcludedFilesAreNotRead) {
  Write(Path("a.log"), "a\n");
  Write(Path("skip.log"), "skip\n");
  StartInput(Options({{"exclude", "skip*"}}));
  ASSERT_TRUE(sink_->WaitForEvents(1));
  std::this_thread::sleep_for(kSeveralTicks);
  EXPECT_EQ(sink_->messages(), (std::vector<std::string>{"a"}));
}

TEST_F(FileInput, IdleFileIsClosedAndReopenedWhenItGrows) {
  Write(Path("a.log"), "a\n");
  StartInput(Options({{"close_older", "50 ms"}}));
  ASSERT_TRUE(sink_->WaitForEvents(1));
  WaitForOpenFiles(0);
  Append(Path("a.log"), "b\n");
  ASSERT_TRUE(sink_->WaitForEvents(2));
  EXPECT_EQ(sink_->messages(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(FileInput, StopsPromptlyEvenWithLongIntervals) {
  Write(Path("a.log"), "a\n");
  StartInput(Options({{"stat_interval", 5}, {"sincedb_write_interval", 5}}));
  ASSERT_TRUE(sink_->WaitForEvents(1));
  auto start = std::chrono::steady_clock::now();
  DestroyInput();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  EXPECT_EQ(CheckpointOffset(Path("a.log")), 2);  // written at shutdown
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Takes batches on a worker thread that acknowledges them and frees their events, as a pipeline
// with a null output does.
class WorkerSink : public InputSink {
 public:
  WorkerSink() : worker_([this] { Work(); }) {}
  ~WorkerSink() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  bool Push(Batch batch) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < kQueueBatches || stop_; });
    queue_.push_back(std::move(batch));
    cv_.notify_all();
    return true;
  }
  bool stopping() const override { return stop_input.load(); }
  bool WaitFor(int millis) override {
    std::this_thread::sleep_for(milliseconds(millis));
    return !stop_input.load();
  }
  std::atomic<size_t> count{0};
  std::atomic<bool> stop_input{false};
  std::atomic<double> cpu_seconds{0};  // of the worker thread

 private:
  static constexpr size_t kQueueBatches = 8;
  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return !queue_.empty() || stop_; });
      if (queue_.empty()) return;
      Batch b = std::move(queue_.front());
      queue_.pop_front();
      cv_.notify_all();
      lock.unlock();
      size_t n = b.events.size();
      if (b.on_done) b.on_done();
      b = Batch();
      cpu_seconds = ThreadCpuSeconds();  // before count: the test reads it once count is full
      count += n;
      lock.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  bool stop_ = false;
  std::thread worker_;
};
// Throughput of the input with a worker thread that takes each batch, acknowledges it and frees
// its events, as a pipeline with a null output does. Run by hand:
//   inputs_file_tests --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
TEST_F(FileInput, DISABLED_Throughput) {
  constexpr int kLines = 2'000'000;
  {
    std::ofstream f(Path("big.log"), std::ios::binary);
    std::string line =
        "May  5 09:55:37 host kernel: [888446.478915] IN=venet0 OUT= MAC= SRC=203.0.113.7 "
        "DST=198.51.100.2 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=29355 DF PROTO=TCP SPT=51955 "
        "DPT=22 WINDOW=14600 RES=0x00 SYN URGP=0\n";
    for (int i = 0; i < kLines; ++i) f << line;
  }
  for (const char* ecs : {"disabled", "v8"}) {
    for (int batch : {125, 1000}) {
      FileInputOptions options =
          Options({{"ecs_compatibility", ecs}, {"sincedb_path", "/dev/null"}});
      options.batch_size = static_cast<size_t>(batch);
      FileInputPlugin input(options);
      WorkerSink sink;
      auto start = std::chrono::steady_clock::now();
      std::atomic<double> input_cpu{0};
      std::thread t([&] {
        (void)input.Run(sink);
        input_cpu = ThreadCpuSeconds();
      });
      while (sink.count.load() < kLines) std::this_thread::sleep_for(milliseconds(1));
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      sink.stop_input = true;
      t.join();
      std::printf(
          "ecs=%s batch=%d: %.2f M lines/s wall; per CPU-second: input thread %.2f M, worker "
          "(ack + free) %.2f M\n",
          ecs, batch, kLines / secs / 1e6, kLines / input_cpu.load() / 1e6,
          kLines / sink.cpu_seconds.load() / 1e6);
    }
  }
}

}  // namespace
}  // namespace perimeter
