#include "pipeline/batch_processor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace perimeter {

namespace {

uint64_t NowNanos() {
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

constexpr int kMaxRetryBackoffMs = 5000;  // a broken output is retried at least this often

}  // namespace

void BatchProcessor::RunFilters(const std::vector<Step>& steps, std::vector<Event*>& events) {
  for (const Step& step : steps) {
    if (events.empty()) return;
    if (PluginInstance* p = step.plugin) {
      uint64_t start = NowNanos();
      uint64_t failed = 0;
      size_t in = events.size();
      FilterPlugin* f = p->filter();
      bool has_actions = !p->actions.empty();
      for (Event* e : events) {
        if (f->Filter(*e)) {
          if (has_actions && !e->cancelled()) p->actions.Apply(*e);
        } else {
          ++failed;
        }
      }
      std::erase_if(events, [](Event* e) { return e->cancelled(); });
      p->stats.Add(in, events.size(), failed, NowNanos() - start);
      continue;
    }
    std::vector<Event*> rest = events;
    for (const Step::Branch& branch : step.branches) {
      std::vector<Event*> taken;
      if (!branch.condition) {
        taken.swap(rest);
      } else {
        std::vector<Event*> left;
        for (Event* e : rest) (branch.condition->Evaluate(*e) ? taken : left).push_back(e);
        rest.swap(left);
      }
      RunFilters(branch.body, taken);
      if (rest.empty()) break;
    }
    std::erase_if(events, [](Event* e) { return e->cancelled(); });
  }
}

void BatchProcessor::RouteOutputs(const std::vector<Step>& steps,
                                  const std::vector<Event*>& events) {
  for (const Step& step : steps) {
    if (events.empty()) return;
    if (PluginInstance* p = step.plugin) {
      size_t index = 0;
      while (pipeline_.outputs[index].get() != p) ++index;
      pending_[index].insert(pending_[index].end(), events.begin(), events.end());
      continue;
    }
    std::vector<Event*> rest = events;
    for (const Step::Branch& branch : step.branches) {
      std::vector<Event*> taken;
      if (!branch.condition) {
        taken.swap(rest);
      } else {
        std::vector<Event*> left;
        for (Event* e : rest) (branch.condition->Evaluate(*e) ? taken : left).push_back(e);
        rest.swap(left);
      }
      RouteOutputs(branch.body, taken);
      if (rest.empty()) break;
    }
  }
}

bool BatchProcessor::WriteOutput(PluginInstance& out, const std::vector<const Event*>& events,
                                 std::span<const BatchCheckpoint> checkpoints) {
  int backoff_ms = 50;
  for (;;) {
    uint64_t start = NowNanos();
    Status st;
    if (out.output()->thread_safe()) {
      st = out.output()->WriteWithCheckpoints(events, checkpoints);
    } else {
      std::lock_guard lock(out.write_mu);
      st = out.output()->WriteWithCheckpoints(events, checkpoints);
    }
    if (st.ok()) {
      out.stats.Add(events.size(), events.size(), 0, NowNanos() - start);
      return true;
    }
    out.stats.Add(0, 0, events.size(), NowNanos() - start);
    spdlog::warn("output {} failed to write {} events, retrying in {} ms: {}", out.id,
                 events.size(), backoff_ms, st.message());
    for (int waited = 0; waited < backoff_ms; waited += 50) {
      if (abort_.load()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff_ms = std::min(backoff_ms * 2, kMaxRetryBackoffMs);
  }
}

bool BatchProcessor::Process(Batch& batch) {
  std::vector<Event*> events;
  events.reserve(batch.events.size());
  for (Event& e : batch.events) events.push_back(&e);
  RunFilters(pipeline_.filter_steps, events);
  RouteOutputs(pipeline_.output_steps, events);
  bool ordered = sequencer_ != nullptr && batch.sequence != 0;
  if (ordered) sequencer_->WaitTurn(batch.source, batch.sequence, abort_);
  bool ok = true;
  for (size_t i = 0; i < pending_.size(); ++i) {
    // An output that commits checkpoints gets the batch even with none of its events, so the
    // input's committed position keeps up.
    bool wants = !pending_[i].empty() ||
                 (!batch.checkpoints.empty() && pipeline_.outputs[i]->commits_checkpoints);
    if (ok && wants) ok = WriteOutput(*pipeline_.outputs[i], pending_[i], batch.checkpoints);
    pending_[i].clear();
  }
  if (ok && batch.on_done) batch.on_done();
  if (ordered) sequencer_->Done(batch.source, batch.sequence);
  return ok;
}

}  // namespace perimeter
