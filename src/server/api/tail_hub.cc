#include "server/api/tail_hub.h"

#include <spdlog/spdlog.h>

#include "query/search.h"

namespace perimeter {

namespace {
constexpr int kPollMs = 500;          // how stale a tailing browser may be
constexpr int64_t kMaxPerPoll = 200;  // events sent per stream per poll; more are skipped
}  // namespace

TailHub::TailHub(std::shared_ptr<store::EventStore> store)
    : store_(std::move(store)), thread_([this] { Loop(); }) {}

TailHub::~TailHub() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void TailHub::Subscribe(std::shared_ptr<EventStream> stream, std::string query) {
  auto s = std::make_shared<Subscriber>();
  s->stream = std::move(stream);
  s->query = std::move(query);
  s->after_ns = Timestamp::Now().nanos();
  std::weak_ptr<Subscriber> weak = s;
  s->stream->OnClose([weak] {
    if (auto sub = weak.lock()) sub->closed = true;
  });
  std::lock_guard lock(mu_);
  subscribers_.push_back(std::move(s));
}

void TailHub::Poll(Subscriber& s) {
  Object request;
  request.Set("query", s.query);
  request.Set("from", s.after_ns / 1'000'000);
  request.Set("to", (Timestamp::Now().nanos() + 3'600'000'000'000LL) / 1'000'000);
  request.Set("size", kMaxPerPoll);
  request.Set("sort", "@timestamp:asc");
  auto result = query::RunSearch(*store_->GetSnapshot(), request);
  if (!result.ok()) return;
  const Value* hits = result->Find("hits");
  if (hits == nullptr || !hits->is_object()) return;
  const Value* list = hits->as_object().Find("hits");
  if (list == nullptr || !list->is_array()) return;
  for (const Value& h : list->as_array()) {
    const Value* source = h.as_object().Find("_source");
    if (source == nullptr) continue;
    if (const Value* ts = source->as_object().Find("@timestamp")) {
      std::optional<Timestamp> t;
      if (ts->is_timestamp()) t = ts->as_timestamp();
      if (ts->is_string()) t = Timestamp::ParseIso8601(ts->as_string());
      if (t) s.after_ns = std::max(s.after_ns, t->nanos() + 1);
    }
    if (!s.stream->Send(h.ToJson())) {
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
    for (auto& s : subs) Poll(*s);
    lock.lock();
  }
}

}  // namespace perimeter
