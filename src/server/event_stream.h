// Server-Sent Events: the writer a streaming route handler pushes events to
// (`text/event-stream`, e.g. /api/v1/tail), and QueuedEventStream, the server's implementation
// that buffers events for the connection. Every method is thread-safe; Send never blocks.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace perimeter {

class EventStream {
 public:
  virtual ~EventStream() = default;
  // Queues one event: an "event:" line when `event` is non-empty, one "data:" line per line of
  // `data`, then the blank line that ends it. False once the stream is closed (client gone,
  // server stopping, client too slow to keep up): stop producing then.
  virtual bool Send(std::string_view data, std::string_view event = {}) = 0;
  virtual bool IsOpen() const = 0;
  // Ends the response once what is queued has been written.
  virtual void Close() = 0;
  // Runs `callback` once when the stream closes for any reason, at once if it already has. It
  // runs on a server thread or inside Close(): keep it short and never block in it.
  virtual void OnClose(std::function<void()> callback) = 0;
};

// The server's EventStream: events are appended to a bounded buffer that the connection drains.
// A producer outrunning the client beyond the bound ends the stream instead of growing memory.
class QueuedEventStream final : public EventStream {
 public:
  enum class End { kNone, kFinish, kAbort };  // kFinish: write the last chunk; kAbort: drop
  struct Drained {
    std::string bytes;
    End end = End::kNone;
  };

  explicit QueuedEventStream(size_t max_queued_bytes) : max_queued_bytes_(max_queued_bytes) {}

  bool Send(std::string_view data, std::string_view event = {}) override;
  bool IsOpen() const override;
  void Close() override;
  void OnClose(std::function<void()> callback) override;

  // An SSE comment line (": text"), which clients ignore: heartbeats that keep proxies from
  // timing the connection out and reveal dead peers.
  bool SendComment(std::string_view text);

  // Listener side. `wake` runs (under the stream's lock, so it must only post work elsewhere)
  // when bytes or an end become available and no wake is pending.
  void SetWake(std::function<void()> wake);
  // Takes what is queued and clears the pending wake.
  Drained Drain();
  // The connection is gone or the server stops: no more wakes, Send fails, callbacks run.
  void Disconnect();

 private:
  bool Enqueue(const std::string& bytes);
  // Marks the stream closed with `end`; returns the callbacks to run outside the lock.
  std::vector<std::function<void()>> CloseLocked(End end);

  const size_t max_queued_bytes_;
  mutable std::mutex mu_;
  std::string queued_;                           // GUARDED_BY(mu_)
  bool open_ = true;                             // GUARDED_BY(mu_)
  End end_ = End::kNone;                         // GUARDED_BY(mu_)
  bool wake_pending_ = false;                    // GUARDED_BY(mu_)
  std::function<void()> wake_;                   // GUARDED_BY(mu_)
  std::vector<std::function<void()>> on_close_;  // GUARDED_BY(mu_)
};

// "event: name\ndata: line1\ndata: line2\n\n". CR and LF never escape their line.
std::string FormatServerSentEvent(std::string_view data, std::string_view event);

}  // namespace perimeter
