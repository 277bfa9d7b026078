#include "server/api/tail_hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "query/event_id.h"
#include "query/query_parser.h"

namespace perimeter {

namespace {
constexpr int kPollMs = 200;  // how stale a tailing browser may be
}  // namespace

TailHub::TailHub(std::shared_ptr<store::EventStore> store) : store_(std::move(store)) {
  std::weak_ptr<Window> weak = window_;
  store_->SetAppendListener([weak](std::span<const Event* const> events) {
    auto w = weak.lock();
    if (!w || !w->wanted.load(std::memory_order_relaxed)) return;  // nobody tails: no copies
    std::vector<std::shared_ptr<const Event>> copies;
    copies.reserve(events.size());
    for (const Event* e : events) copies.push_back(std::make_shared<const Event>(*e));
    std::lock_guard lock(w->mu);
    for (auto& c : copies) w->events.push_back(std::move(c));
    while (w->events.size() > kWindowEvents) {
      w->events.pop_front();
      ++w->first_seq;
    }
  });
  thread_ = std::thread([this] { Loop(); });
}

TailHub::~TailHub() {
  store_->SetAppendListener(nullptr);
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status TailHub::Subscribe(std::shared_ptr<EventStream> stream, const std::string& query) {
  ASSIGN_OR_RETURN(std::unique_ptr<query::QueryNode> parsed, query::ParseQuery(query));
  ASSIGN_OR_RETURN(query::EventMatcher matcher, query::EventMatcher::Compile(*parsed));
  auto s = std::make_shared<Subscriber>(std::move(matcher));
  s->stream = std::move(stream);
  {
    std::lock_guard lock(window_->mu);
    s->next_seq = window_->first_seq + window_->events.size();  // from now on
    window_->wanted = true;
  }
  std::weak_ptr<Subscriber> weak = s;
  s->stream->OnClose([weak] {
    if (auto sub = weak.lock()) sub->closed = true;
  });
  std::lock_guard lock(mu_);
  subscribers_.push_back(std::move(s));
  return Status::OK();
}

void TailHub::Send(Subscriber& s) {
  // The events this stream has not been offered, taken under the lock, matched and sent
  // without it (a slow client must not hold up the store's appends).
  std::vector<std::shared_ptr<const Event>> fresh;
  uint64_t skipped = 0;
  {
    std::lock_guard lock(window_->mu);
    uint64_t end = window_->first_seq + window_->events.size();
    if (s.next_seq < window_->first_seq) {
      skipped = window_->first_seq - s.next_seq;
      s.next_seq = window_->first_seq;
    }
    for (uint64_t q = s.next_seq; q < end; ++q) {
      fresh.push_back(window_->events[q - window_->first_seq]);
    }
    s.next_seq = end;
  }
  if (skipped > 0) {
    spdlog::warn("tail: a stream fell {} events behind; they were skipped", skipped);
  }
  for (const auto& e : fresh) {
    if (!s.matcher.Matches(*e)) continue;
    std::string hit = "{\"_id\":";
    AppendJsonString(query::EventId(*e), &hit);
    hit += ",\"_source\":";
    e->AppendJson(&hit);
    hit += '}';
    if (!s.stream->Send(hit)) {
      s.closed = true;
      return;
    }
  }
}

void TailHub::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(kPollMs));
    if (stop_) break;
    std::erase_if(subscribers_, [](const auto& s) { return s->closed.load(); });
    auto subs = subscribers_;
    lock.unlock();
    uint64_t oldest_needed = UINT64_MAX;
    for (auto& s : subs) {
      Send(*s);
      oldest_needed = std::min(oldest_needed, s->next_seq);
    }
    {
      // Events every stream has been offered are let go; without streams, none are kept.
      std::lock_guard wl(window_->mu);
      window_->wanted = !subs.empty();
      while (!window_->events.empty() && window_->first_seq < oldest_needed) {
        window_->events.pop_front();
        ++window_->first_seq;
      }
    }
    lock.lock();
  }
}

}  // namespace perimeter
