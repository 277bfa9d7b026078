// Batch: the unit that moves from an input through the queue, filters and outputs.
// Owned by one thread at a time (the input, then the queue, then one worker).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/event.h"

namespace perimeter {

// An input's position after a batch (e.g. a file input's offsets), opaque to everyone else.
// Outputs that can (the store) commit it atomically with the batch's events, so that a crash
// never separates "stored" from "read up to here".
struct BatchCheckpoint {
  std::string key;
  std::string blob;
};

struct Batch {
  std::vector<Event> events;
  std::vector<BatchCheckpoint> checkpoints;
  // Set by the runtime: which input made the batch and its place in that input's order.
  // Outputs receive an input's batches in this order.
  uint32_t source = 0;
  uint64_t sequence = 0;
  // Runs once every event of the batch has been taken by the outputs (or dropped). Inputs use it
  // to advance checkpoints; it runs on a worker thread.
  std::function<void()> on_done;
};

}  // namespace perimeter
