#include "server/api/tail_hub.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/json.h"

namespace perimeter {
namespace {

// Collects what the hub sends.
class RecordingStream final : public EventStream {
 public:
  bool Send(std::string_view data, std::string_view) override {
    std::lock_guard l(mu_);
    sent_.emplace_back(data);
    return true;
  }
  bool IsOpen() const override { return true; }
  void Close() override {}
  void OnClose(std::function<void()>) override {}
  std::vector<std::string> sent() const {
    std::lock_guard l(mu_);
    return sent_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> sent_;
};

bool WaitFor(int timeout_ms, const std::function<bool()>& done) {
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

Event Scan(const std::string& ip, int port, Timestamp ts) {
  Event e = Event::FromMessage("SRC=" + ip + " DPT=" + std::to_string(port), ts);
  e.Set(FieldRef::Of("[source][ip]"), ip);
  e.Set(FieldRef::Of("[destination][port]"), port);
  return e;
}

std::shared_ptr<store::EventStore> OpenStore(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/tail_" + name;
  std::filesystem::remove_all(dir);
  store::StoreOptions o;
  o.path = dir;
  o.background = false;
  auto s = store::EventStore::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::shared_ptr<store::EventStore>(std::move(*s));
}

Status Append(store::EventStore& store, const std::vector<Event>& events) {
  std::vector<const Event*> ptrs;
  ptrs.reserve(events.size());
  for (const Event& e : events) ptrs.push_back(&e);
  return store.Append(ptrs);
}

// Events matching the stream's query arrive in store order — including one whose @timestamp
// is older than the subscription (a syslog line with whole seconds, read late) — and only
// events stored after the subscription.
TEST(TailHub, SendsMatchingEventsInStoreOrderWhateverTheirTimestamp) {
  auto store = OpenStore("order");
  TailHub hub(store);
  Timestamp now = Timestamp::Now();
  ASSERT_TRUE(Append(*store, {Scan("1.1.1.1", 22, now)}).ok());  // before: not sent
  auto stream = std::make_shared<RecordingStream>();
  ASSERT_TRUE(hub.Subscribe(stream, "destination.port:22").ok());
  ASSERT_TRUE(Append(*store, {Scan("2.2.2.2", 22, Timestamp(now.nanos() - 60'000'000'000)),
                              Scan("3.3.3.3", 23, now), Scan("4.4.4.4", 22, now)})
                  .ok());
  ASSERT_TRUE(WaitFor(5000, [&] { return stream->sent().size() >= 2; }));
  std::vector<std::string> sent = stream->sent();
  ASSERT_EQ(sent.size(), 2u);
  std::vector<std::string> ips;
  for (const std::string& s : sent) {
    auto hit = ParseJson(s);
    ASSERT_TRUE(hit.ok()) << s;
    EXPECT_NE(hit->as_object().Find("_id"), nullptr);
    ips.push_back(hit->as_object()
                      .Find("_source")
                      ->as_object()
                      .Find("source")
                      ->as_object()
                      .Find("ip")
                      ->as_string());
  }
  EXPECT_EQ(ips, (std::vector<std::string>{"2.2.2.2", "4.4.4.4"}));
}

TEST(TailHub, AnInvalidQuerySubscribesNothing) {
  auto store = OpenStore("invalid");
  TailHub hub(store);
  auto stream = std::make_shared<RecordingStream>();
  EXPECT_FALSE(hub.Subscribe(stream, "destination.port:(22").ok());
}

}  // namespace
}  // namespace perimeter
