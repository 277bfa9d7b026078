// PipelineRunner: runs a CompiledPipeline — one thread per input, N worker threads taking
// batches from a bounded queue, and a flusher that flushes outputs every second.
// Start/RequestStop/Wait are called from one controlling thread; Stats() from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "pipeline/batch_queue.h"
#include "pipeline/compiled_pipeline.h"
#include "pipeline/write_sequencer.h"

namespace perimeter {

struct RunnerOptions {
  int workers = 1;
  size_t queue_batches = 0;  // 0: two batches per worker
};

class PipelineRunner {
 public:
  PipelineRunner(std::unique_ptr<CompiledPipeline> pipeline, RunnerOptions options);
  ~PipelineRunner();
  PipelineRunner(const PipelineRunner&) = delete;
  PipelineRunner& operator=(const PipelineRunner&) = delete;

  void Start();
  // Inputs stop reading; what they already handed over is still filtered and written (drain).
  void RequestStop();
  // Gives up on outputs that keep failing (a second Ctrl-C): unacknowledged batches are
  // dropped, and inputs with checkpoints will read them again on the next start.
  void Abort();
  // Blocks until every input has finished (by itself or after RequestStop) and every batch
  // they produced has been processed and flushed.
  void Wait();
  // Waits up to `millis`; true when the pipeline has finished.
  bool WaitFor(int millis);

  // {"events": {...}, "plugins": {"inputs": [...], "filters": [...], "outputs": [...]}}
  Object Stats() const;
  const CompiledPipeline& pipeline() const { return *pipeline_; }

 private:
  class Sink;
  void RunInput(PluginInstance* input);
  void RunWorker();
  void RunFlusher();
  void FlushOutputs();

  std::unique_ptr<CompiledPipeline> pipeline_;
  RunnerOptions options_;
  BatchQueue queue_;
  WriteSequencer sequencer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> abort_{false};
  std::atomic<uint64_t> events_in_{0};
  std::atomic<uint64_t> events_out_{0};
  std::atomic<int> inputs_running_{0};
  std::vector<std::unique_ptr<Sink>> sinks_;
  std::vector<std::thread> input_threads_;
  std::vector<std::thread> worker_threads_;
  std::thread flusher_;
  std::mutex mu_;
  std::condition_variable cv_;  // wakes sleeping inputs and the flusher on stop
  bool finished_ = false;       // GUARDED_BY(mu_)
  bool joined_ = false;
};

}  // namespace perimeter
