// TailHub: feeds /api/v1/tail streams. One thread polls the store every second for events newer
// than each stream has seen that match its query, and sends them as SSE data lines.
// Thread-safe; owned (shared) by the API context, stopped when destroyed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/event_stream.h"
#include "store/event_store.h"

namespace perimeter {

class TailHub {
 public:
  explicit TailHub(std::shared_ptr<store::EventStore> store);
  ~TailHub();
  TailHub(const TailHub&) = delete;
  TailHub& operator=(const TailHub&) = delete;

  // Starts sending events stored from now on that match `query` (already validated).
  void Subscribe(std::shared_ptr<EventStream> stream, std::string query);

 private:
  struct Subscriber {
    std::shared_ptr<EventStream> stream;
    std::string query;
    int64_t after_ns;  // only events with a later @timestamp are sent
    std::atomic<bool> closed{false};
  };
  void Loop();
  void Poll(Subscriber& s);

  std::shared_ptr<store::EventStore> store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<Subscriber>> subscribers_;  // GUARDED_BY(mu_)
  bool stop_ = false;                                     // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace perimeter
