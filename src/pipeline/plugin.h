// The interfaces every input, filter and output implements. A plugin is created from its
// validated options by the factory in its PluginSpec and owned by the running pipeline.
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <string>

#include "core/event.h"
#include "core/status.h"
#include "pipeline/batch.h"

namespace perimeter {

class Plugin {
 public:
  virtual ~Plugin() = default;
  // Extra counters for the stats API (a cache hit rate, open files...).
  virtual void AppendStats(Object* /*out*/) const {}
};

// Where an input delivers its batches. Implemented by the pipeline runtime.
class InputSink {
 public:
  virtual ~InputSink() = default;
  // Hands a batch to the pipeline, blocking while the queue is full (back-pressure). The sink
  // applies the input's common options (type, tags, add_field). Returns false when the pipeline
  // is stopping and the batch was not taken (its on_done will not run).
  virtual bool Push(Batch batch) = 0;
  // True once shutdown began: Run() should return promptly.
  virtual bool stopping() const = 0;
  // Sleeps up to `millis`, waking early when stopping. Returns !stopping().
  virtual bool WaitFor(int millis) = 0;
};

class InputPlugin : public Plugin {
 public:
  // Reads until exhausted (stdin at EOF, a generator's count) or until sink.stopping(). Runs on
  // a thread of its own. An error ends this input only; it is logged.
  virtual Status Run(InputSink& sink) = 0;
};

class FilterPlugin : public Plugin {
 public:
  // Transforms one event in place; called by many workers at once, so implementations are
  // thread-safe (immutable after creation, or internally synchronized). Returns true when the
  // filter applied ("matched"), which triggers the common add_field/add_tag/remove_* options.
  // To drop an event, call event.Cancel().
  virtual bool Filter(Event& event) = 0;
};

class OutputPlugin : public Plugin {
 public:
  // Writes the events. Called by one worker at a time unless thread_safe(). An error means the
  // events were not taken: the runtime logs it and retries with back-off, so a batch is never
  // acknowledged before its outputs have it.
  virtual Status Write(std::span<const Event* const> events) = 0;
  // As Write, with the batch's input checkpoints; an output that stores them must commit them
  // in the same atomic step as the events. Batches of one input arrive in the input's order.
  virtual Status WriteWithCheckpoints(std::span<const Event* const> events,
                                      std::span<const BatchCheckpoint> /*checkpoints*/) {
    return Write(events);
  }
  // Makes buffered writes visible (periodically and at shutdown).
  virtual Status Flush() { return Status::OK(); }
  virtual bool thread_safe() const { return false; }
};

}  // namespace perimeter
