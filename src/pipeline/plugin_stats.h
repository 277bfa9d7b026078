// PluginStats: counters of one plugin instance, updated by workers with relaxed atomics and read
// by the stats printer and the API at any time.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/value.h"

namespace perimeter {

struct PluginStats {
  std::atomic<uint64_t> events_in{0};
  std::atomic<uint64_t> events_out{0};
  std::atomic<uint64_t> failures{0};  // filter did not apply / output write errors
  std::atomic<uint64_t> nanos{0};     // time spent in the plugin

  void Add(uint64_t in, uint64_t out, uint64_t failed, uint64_t ns) {
    events_in.fetch_add(in, std::memory_order_relaxed);
    events_out.fetch_add(out, std::memory_order_relaxed);
    failures.fetch_add(failed, std::memory_order_relaxed);
    nanos.fetch_add(ns, std::memory_order_relaxed);
  }
  Object ToObject() const {
    Object o;
    o.Set("events_in", events_in.load(std::memory_order_relaxed));
    o.Set("events_out", events_out.load(std::memory_order_relaxed));
    o.Set("failures", failures.load(std::memory_order_relaxed));
    o.Set("duration_ms", static_cast<int64_t>(nanos.load(std::memory_order_relaxed) / 1'000'000));
    return o;
  }
};

}  // namespace perimeter
