// TailHub: feeds /api/v1/tail streams with events as the store stores them. The store hands
// every appended batch to the hub (EventStore::SetAppendListener); the hub keeps a bounded
// window of recent events, and a thread sends each stream the new ones matching its query, in
// store order — an event is sent whatever its @timestamp (syslog lines carry whole seconds and
// arrive late), and none twice. Thread-safe; owned (shared) by the API context, which it
// detaches from the store when destroyed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "query/event_matcher.h"
#include "server/event_stream.h"
#include "store/event_store.h"

namespace perimeter {

class TailHub {
 public:
  explicit TailHub(std::shared_ptr<store::EventStore> store);
  ~TailHub();
  TailHub(const TailHub&) = delete;
  TailHub& operator=(const TailHub&) = delete;

  // Starts sending events stored from now on that match `query`; an invalid query is an error
  // (nothing subscribed).
  Status Subscribe(std::shared_ptr<EventStream> stream, const std::string& query);

  // Events kept for streams that are behind; older ones are skipped (and counted) by them.
  static constexpr size_t kWindowEvents = 20'000;

 private:
  // The recent stored events, numbered in store order. Shared with the store's listener, which
  // may outlive the hub by one call.
  struct Window {
    std::mutex mu;
    std::deque<std::shared_ptr<const Event>> events;  // GUARDED_BY(mu)
    uint64_t first_seq = 0;                           // GUARDED_BY(mu): seq of events.front()
    std::atomic<bool> wanted{false};                  // any subscriber: copy appended events
  };
  struct Subscriber {
    explicit Subscriber(query::EventMatcher m) : matcher(std::move(m)) {}
    std::shared_ptr<EventStream> stream;
    query::EventMatcher matcher;
    uint64_t next_seq = 0;  // the first event this stream has not been offered
    std::atomic<bool> closed{false};
  };
  void Loop();
  void Send(Subscriber& s);

  std::shared_ptr<store::EventStore> store_;
  std::shared_ptr<Window> window_ = std::make_shared<Window>();
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<Subscriber>> subscribers_;  // GUARDED_BY(mu_)
  bool stop_ = false;                                     // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace perimeter
