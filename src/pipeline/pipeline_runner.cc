#include "pipeline/pipeline_runner.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "pipeline/batch_processor.h"

namespace perimeter {

class PipelineRunner::Sink : public InputSink {
 public:
  Sink(PipelineRunner* runner, PluginInstance* input, uint32_t source)
      : runner_(runner), input_(input), source_(source) {}

  bool Push(Batch batch) override {
    batch.source = source_;
    batch.sequence = ++sequence_;
    if (!input_->actions.empty()) {
      for (Event& e : batch.events) input_->actions.Apply(e);
    }
    size_t n = batch.events.size();
    if (!runner_->queue_.Push(std::move(batch))) return false;
    input_->stats.Add(0, n, 0, 0);
    runner_->events_in_.fetch_add(n, std::memory_order_relaxed);
    return true;
  }
  bool stopping() const override { return runner_->stopping_.load(std::memory_order_relaxed); }
  bool WaitFor(int millis) override {
    std::unique_lock lock(runner_->mu_);
    runner_->cv_.wait_for(lock, std::chrono::milliseconds(millis), [&] { return stopping(); });
    return !stopping();
  }

 private:
  PipelineRunner* runner_;
  PluginInstance* input_;
  uint32_t source_;
  uint64_t sequence_ = 0;  // only the input's own thread pushes
};

PipelineRunner::PipelineRunner(std::unique_ptr<CompiledPipeline> pipeline, RunnerOptions options)
    : pipeline_(std::move(pipeline)),
      options_(options),
      queue_(options.queue_batches ? options.queue_batches
                                   : static_cast<size_t>(2 * std::max(1, options.workers))),
      sequencer_(pipeline_->inputs.size()) {}

PipelineRunner::~PipelineRunner() {
  RequestStop();
  Wait();
}

void PipelineRunner::Start() {
  inputs_running_ = static_cast<int>(pipeline_->inputs.size());
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    worker_threads_.emplace_back([this] { RunWorker(); });
  }
  for (auto& input : pipeline_->inputs) {
    sinks_.push_back(
        std::make_unique<Sink>(this, input.get(), static_cast<uint32_t>(sinks_.size())));
    input_threads_.emplace_back([this, p = input.get()] { RunInput(p); });
  }
  flusher_ = std::thread([this] { RunFlusher(); });
}

void PipelineRunner::RunInput(PluginInstance* input) {
  Sink* sink = nullptr;
  for (size_t i = 0; i < pipeline_->inputs.size(); ++i) {
    if (pipeline_->inputs[i].get() == input) sink = sinks_[i].get();
  }
  Status st = input->input()->Run(*sink);
  if (!st.ok()) spdlog::error("input {} stopped: {}", input->id, st.message());
  if (--inputs_running_ == 0) queue_.Close();  // workers drain what is queued, then exit
}

void PipelineRunner::RunWorker() {
  BatchProcessor processor(*pipeline_, abort_, &sequencer_);
  while (auto batch = queue_.Pop()) {
    size_t n = batch->events.size();
    if (processor.Process(*batch)) events_out_.fetch_add(n, std::memory_order_relaxed);
  }
}

void PipelineRunner::FlushOutputs() {
  for (auto& out : pipeline_->outputs) {
    std::lock_guard lock(out->write_mu);
    Status st = out->output()->Flush();
    if (!st.ok()) spdlog::warn("output {} flush failed: {}", out->id, st.message());
  }
}

void PipelineRunner::RunFlusher() {
  std::unique_lock lock(mu_);
  while (!finished_) {
    cv_.wait_for(lock, std::chrono::seconds(1));
    if (finished_) break;
    lock.unlock();
    FlushOutputs();
    lock.lock();
  }
}

void PipelineRunner::RequestStop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

void PipelineRunner::Abort() {
  abort_ = true;
  RequestStop();
}

void PipelineRunner::Wait() {
  if (joined_) return;
  for (auto& t : input_threads_) t.join();
  if (input_threads_.empty()) queue_.Close();
  for (auto& t : worker_threads_) t.join();
  FlushOutputs();
  {
    std::lock_guard lock(mu_);
    finished_ = true;
  }
  cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  joined_ = true;
}

bool PipelineRunner::WaitFor(int millis) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(millis);
  while (inputs_running_.load() > 0 || queue_.size() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

Object PipelineRunner::Stats() const {
  auto list = [](const std::vector<std::unique_ptr<PluginInstance>>& plugins) {
    Array a;
    for (const auto& p : plugins) {
      Object o = p->stats.ToObject();
      o.Set("id", p->id);
      o.Set("name", std::string(p->spec->name));
      p->plugin->AppendStats(&o);
      a.emplace_back(std::move(o));
    }
    return a;
  };
  Object events;
  events.Set("in", events_in_.load());
  events.Set("out", events_out_.load());
  events.Set("queued_batches", static_cast<int64_t>(queue_.size()));
  Object plugins;
  plugins.Set("inputs", list(pipeline_->inputs));
  plugins.Set("filters", list(pipeline_->filters));
  plugins.Set("outputs", list(pipeline_->outputs));
  Object o;
  o.Set("events", std::move(events));
  o.Set("plugins", std::move(plugins));
  return o;
}

}  // namespace perimeter
