#include "server/event_stream.h"

namespace perimeter {
namespace {

// Splits on "\n", "\r\n" and "\r", the three line ends the SSE grammar accepts.
template <typename Fn>
void ForEachLine(std::string_view text, Fn fn) {
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n' || text[i] == '\r') {
      fn(text.substr(start, i - start));
      if (i < text.size() && text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
}

}  // namespace

std::string FormatServerSentEvent(std::string_view data, std::string_view event) {
  std::string out;
  out.reserve(data.size() + event.size() + 16);
  if (!event.empty()) {
    out += "event: ";
    for (char c : event) {
      if (c != '\n' && c != '\r') out.push_back(c);
    }
    out.push_back('\n');
  }
  ForEachLine(data, [&](std::string_view line) {
    out += "data: ";
    out += line;
    out.push_back('\n');
  });
  out.push_back('\n');
  return out;
}

bool QueuedEventStream::Send(std::string_view data, std::string_view event) {
  return Enqueue(FormatServerSentEvent(data, event));
}

bool QueuedEventStream::SendComment(std::string_view text) {
  std::string line = ": ";
  for (char c : text) {
    if (c != '\n' && c != '\r') line.push_back(c);
  }
  line += "\n\n";
  return Enqueue(line);
}

bool QueuedEventStream::Enqueue(const std::string& bytes) {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mu_);
    if (!open_) return false;
    if (queued_.size() + bytes.size() > max_queued_bytes_) {
      callbacks = CloseLocked(End::kAbort);
    } else {
      queued_ += bytes;
      if (!wake_pending_ && wake_) {
        wake_pending_ = true;
        wake_();
      }
      return true;
    }
  }
  for (auto& cb : callbacks) cb();
  return false;
}

bool QueuedEventStream::IsOpen() const {
  std::lock_guard lock(mu_);
  return open_;
}

void QueuedEventStream::Close() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mu_);
    if (!open_) return;
    callbacks = CloseLocked(End::kFinish);
  }
  for (auto& cb : callbacks) cb();
}

std::vector<std::function<void()>> QueuedEventStream::CloseLocked(End end) {
  open_ = false;
  end_ = end;
  if (end == End::kAbort) queued_.clear();
  if (!wake_pending_ && wake_) {
    wake_pending_ = true;
    wake_();
  }
  std::vector<std::function<void()>> callbacks = std::move(on_close_);
  on_close_.clear();
  return callbacks;
}

void QueuedEventStream::OnClose(std::function<void()> callback) {
  {
    std::lock_guard lock(mu_);
    if (open_) {
      on_close_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

void QueuedEventStream::SetWake(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wake_ = std::move(wake);
  if ((!queued_.empty() || end_ != End::kNone) && !wake_pending_) {
    wake_pending_ = true;
    wake_();
  }
}

QueuedEventStream::Drained QueuedEventStream::Drain() {
  std::lock_guard lock(mu_);
  wake_pending_ = false;
  Drained out;
  out.bytes.swap(queued_);
  out.end = end_;
  return out;
}

void QueuedEventStream::Disconnect() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mu_);
    wake_ = nullptr;
    if (!open_) return;
    open_ = false;
    end_ = End::kAbort;
    queued_.clear();
    callbacks = std::move(on_close_);
    on_close_.clear();
  }
  for (auto& cb : callbacks) cb();
}

}  // namespace perimeter
