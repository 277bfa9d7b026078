// RecordingSink: an InputSink for tests. Keeps every pushed batch and runs its on_done at once,
// or later and in any order when the test says so. Thread-safe: the input pushes from its own
// thread while the test thread inspects and acknowledges.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "core/value.h"
#include "pipeline/plugin.h"

namespace perimeter {

class RecordingSink : public InputSink {
 public:
  enum class Acks { kAtOnce, kByTest };
  explicit RecordingSink(Acks acks = Acks::kAtOnce) : acks_(acks) {}

  bool Push(Batch batch) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) return false;
    for (const Event& e : batch.events) {
      const Value* m = e.GetTop("message");
      messages_.push_back(m != nullptr && m->is_string() ? m->as_string() : std::string());
      events_.push_back(e);
    }
    batch_sizes_.push_back(batch.events.size());
    if (acks_ == Acks::kAtOnce) {
      lock.unlock();
      if (batch.on_done) batch.on_done();
      lock.lock();
      pending_.emplace_back();
    } else {
      pending_.push_back(std::move(batch.on_done));
    }
    cv_.notify_all();
    return true;
  }
  bool stopping() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_;
  }
  bool WaitFor(int millis) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(millis), [&] { return stopping_; });
    return !stopping_;
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }

  // Waits until at least `n` events arrived; false on timeout.
  bool WaitForEvents(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
  }
  // Runs the on_done of batch `index` (in push order); each runs at most once.
  void Ack(size_t index) {
    std::function<void()> done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (index >= pending_.size()) return;
      done = std::move(pending_[index]);
      pending_[index] = nullptr;
    }
    if (done) done();
  }

  std::vector<std::string> messages() const {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }
  std::vector<Event> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  std::vector<size_t> batch_sizes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batch_sizes_;
  }

 private:
  const Acks acks_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<std::string> messages_;
  std::vector<Event> events_;
  std::vector<size_t> batch_sizes_;
  std::vector<std::function<void()>> pending_;
};

}  // namespace perimeter
