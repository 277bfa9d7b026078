// Runs one batch through a CompiledPipeline: the filter tree, then the output tree, then the
// batch's on_done. Each worker thread owns one BatchProcessor (it keeps scratch vectors so a
// batch costs no allocation beyond what plugins do).
#pragma once

#include <atomic>
#include <vector>

#include "pipeline/batch.h"
#include "pipeline/compiled_pipeline.h"
#include "pipeline/write_sequencer.h"

namespace perimeter {

class BatchProcessor {
 public:
  // `abort` lets a second Ctrl-C end output retries; while false, a failing output is retried
  // with back-off so that no batch is acknowledged before its outputs took it.
  // `sequencer` (optional) orders each input's batches at the outputs; batches with
  // sequence 0 are not ordered.
  BatchProcessor(CompiledPipeline& pipeline, const std::atomic<bool>& abort,
                 WriteSequencer* sequencer = nullptr)
      : pipeline_(pipeline),
        abort_(abort),
        sequencer_(sequencer),
        pending_(pipeline.outputs.size()) {}

  // Returns false when an output could not take the events before abort (on_done not run).
  bool Process(Batch& batch);

 private:
  void RunFilters(const std::vector<Step>& steps, std::vector<Event*>& events);
  void RouteOutputs(const std::vector<Step>& steps, const std::vector<Event*>& events);
  bool WriteOutput(PluginInstance& out, const std::vector<const Event*>& events,
                   std::span<const BatchCheckpoint> checkpoints);

  CompiledPipeline& pipeline_;
  const std::atomic<bool>& abort_;
  WriteSequencer* sequencer_;
  std::vector<std::vector<const Event*>> pending_;  // per output, in pipeline_.outputs order
};

}  // namespace perimeter
