// Batch: the unit that moves from an input through the queue, filters and outputs.
// Owned by one thread at a time (the input, then the queue, then one worker).
#pragma once

#include <functional>
#include <vector>

#include "core/event.h"

namespace perimeter {

struct Batch {
  std::vector<Event> events;
  // Runs once every event of the batch has been taken by the outputs (or dropped). Inputs use it
  // to advance checkpoints; it runs on a worker thread.
  std::function<void()> on_done;
};

}  // namespace perimeter
