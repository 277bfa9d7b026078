#include "filters/port_scan_filter.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "filters/filter_testing.h"

namespace perimeter {
namespace {

using filter_testing::FieldJson;
using filter_testing::MakeFilter;
using filter_testing::Options;
using filter_testing::TryMakeFilter;

constexpr int64_t kT0 = 1'700'000'000;  // seconds

Event Packet(std::string src, Value port, int64_t seconds) {
  Event e;
  e.set_timestamp(Timestamp::FromSeconds(seconds));
  e.Set(FieldRef::Of("[source][ip]"), Value(std::move(src)));
  e.Set(FieldRef::Of("[destination][port]"), std::move(port));
  return e;
}

TEST(PortScanFilter, TagsASourceOnceItTouchedEnoughDistinctPorts) {
  auto f = MakeFilter(kPortScanFilter, Options({{"ports", 3}, {"window", 60}}));
  Event a = Packet("192.0.2.1", Value(22), kT0);
  Event b = Packet("192.0.2.1", Value(22), kT0 + 1);  // same port: still one
  Event c = Packet("192.0.2.1", Value(23), kT0 + 2);
  EXPECT_FALSE(f->Filter(a));
  EXPECT_FALSE(f->Filter(b));
  EXPECT_FALSE(f->Filter(c));
  Event d = Packet("192.0.2.1", Value("80"), kT0 + 3);  // a numeric string counts too
  EXPECT_TRUE(f->Filter(d));
  EXPECT_TRUE(d.HasTag("port_scan"));
  EXPECT_EQ(FieldJson(d, "[scan][distinct_ports]"), "3");
  EXPECT_FALSE(c.HasTag("port_scan"));
  Event e = Packet("192.0.2.1", Value(22), kT0 + 4);  // later events of a scanner are tagged
  EXPECT_TRUE(f->Filter(e));
  EXPECT_EQ(FieldJson(e, "[scan][distinct_ports]"), "3");
}

// A sweep: one port on many hosts (a firewall in front of a network). Hosts count only when
// asked for.
TEST(PortScanFilter, DistinctHostsMakeAScannerWhenCounted) {
  auto sweep = [](const std::unique_ptr<FilterPlugin>& f) {
    bool tagged = false;
    for (int h = 1; h <= 4; ++h) {
      Event e = Packet("192.0.2.9", Value(22), kT0 + h);
      e.Set(FieldRef::Of("[destination][ip]"), Value("10.0.0." + std::to_string(h)));
      tagged = f->Filter(e);
      if (tagged) {
        EXPECT_EQ(FieldJson(e, "[scan][distinct_hosts]"), std::to_string(h));
        EXPECT_EQ(FieldJson(e, "[scan][distinct_ports]"), "1");
      }
    }
    return tagged;
  };
  EXPECT_FALSE(sweep(MakeFilter(kPortScanFilter, Options({{"ports", 3}}))));
  EXPECT_TRUE(sweep(MakeFilter(kPortScanFilter, Options({{"ports", 3}, {"hosts", 4}}))));
  std::string error;
  EXPECT_EQ(TryMakeFilter(kPortScanFilter, Options({{"hosts", -1}}), &error), nullptr);
  EXPECT_NE(error.find("hosts"), std::string::npos) << error;
}

TEST(PortScanFilter, SourcesAreCountedApart) {
  auto f = MakeFilter(kPortScanFilter, Options({{"ports", 2}}));
  Event a = Packet("192.0.2.1", Value(22), kT0);
  Event b = Packet("192.0.2.2", Value(23), kT0);
  EXPECT_FALSE(f->Filter(a));
  EXPECT_FALSE(f->Filter(b));
}

TEST(PortScanFilter, TheWindowIsEventTimeNotWallTime) {
  auto f = MakeFilter(kPortScanFilter, Options({{"ports", 3}, {"window", 60}}));
  // Replayed within microseconds of wall time, but 100 s of event time apart: no scan.
  for (int i = 0; i < 5; ++i) {
    Event e = Packet("198.51.100.1", Value(1000 + i), kT0 + int64_t{100} * i);
    EXPECT_FALSE(f->Filter(e)) << i;
  }
  // Three ports within one minute of event time: a scan, even an hour of event time later.
  Event x = Packet("198.51.100.1", Value(1), kT0 + 3600);
  Event y = Packet("198.51.100.1", Value(2), kT0 + 3630);
  Event z = Packet("198.51.100.1", Value(3), kT0 + 3659);
  EXPECT_FALSE(f->Filter(x));
  EXPECT_FALSE(f->Filter(y));
  EXPECT_TRUE(f->Filter(z));
  // Ports age out of the window: at +3725 only ports 3 and 4 remain inside [3665, 3725].
  Event late = Packet("198.51.100.1", Value(4), kT0 + 3725);
  EXPECT_FALSE(f->Filter(late));
}

TEST(PortScanFilter, AnEventOlderThanTheWindowChangesNothing) {
  auto f = MakeFilter(kPortScanFilter, Options({{"ports", 2}, {"window", 60}}));
  Event now = Packet("192.0.2.9", Value(22), kT0 + 1000);
  EXPECT_FALSE(f->Filter(now));
  Event old = Packet("192.0.2.9", Value(23), kT0);  // arrives late, 1000 s before: not counted
  EXPECT_FALSE(f->Filter(old));
  Event next = Packet("192.0.2.9", Value(24), kT0 + 1001);
  EXPECT_TRUE(f->Filter(next));
  EXPECT_EQ(FieldJson(next, "[scan][distinct_ports]"), "2");
}

TEST(PortScanFilter, EventsWithoutSourceOrPortPassUntouched) {
  auto f = MakeFilter(kPortScanFilter, Options({{"ports", 1}}));
  Event no_port;
  no_port.Set(FieldRef::Of("[source][ip]"), Value("192.0.2.1"));
  EXPECT_FALSE(f->Filter(no_port));
  Event bad_port = Packet("192.0.2.1", Value("http"), kT0);
  EXPECT_FALSE(f->Filter(bad_port));
  Event out_of_range = Packet("192.0.2.1", Value(70000), kT0);
  EXPECT_FALSE(f->Filter(out_of_range));
  Event icmp;  // ICMP lines have no ports
  icmp.Set(FieldRef::Of("[source][ip]"), Value("192.0.2.1"));
  EXPECT_FALSE(f->Filter(icmp));
  EXPECT_EQ(FieldJson(icmp, "tags"), "null");
}

TEST(PortScanFilter, MaxSourcesForgetsTheLeastRecentlySeen) {
  // 16 shards of one source each: every new source in a shard evicts the one before it.
  auto f = MakeFilter(kPortScanFilter, Options({{"ports", 2}, {"max_sources", 1}}));
  Event a = Packet("192.0.2.1", Value(22), kT0);
  EXPECT_FALSE(f->Filter(a));
  for (int i = 0; i < 200; ++i) {
    Event other = Packet(fmt::format("10.0.{}.{}", i / 256, i % 256), Value(22), kT0);
    f->Filter(other);
  }
  Object stats;
  f->AppendStats(&stats);
  EXPECT_LE(stats.Find("sources")->as_int(), 16);
  EXPECT_GE(stats.Find("evicted")->as_int(), 200 - 16);
  // 192.0.2.1 was forgotten (200 sources spread over 16 shards of one: its shard saw others
  // since), so its next port counts as its first.
  Event b = Packet("192.0.2.1", Value(23), kT0 + 1);
  EXPECT_FALSE(f->Filter(b));
  Event c = Packet("192.0.2.1", Value(24), kT0 + 2);
  EXPECT_TRUE(f->Filter(c));
  EXPECT_EQ(FieldJson(c, "[scan][distinct_ports]"), "2");
}

TEST(PortScanFilter, TheCountSaturatesAtTheTrackedPortLimit) {
  auto f = MakeFilter(kPortScanFilter, Options({{"ports", 10}}));
  Event last;
  for (int p = 1; p <= 1000; ++p) {
    last = Packet("203.0.113.66", Value(p), kT0 + p / 100);
    f->Filter(last);
  }
  EXPECT_EQ(FieldJson(last, "[scan][distinct_ports]"), "256");
}

TEST(PortScanFilter, CustomFieldsTargetAndTag) {
  auto f = MakeFilter(kPortScanFilter, Options({{"source", Value("src_ip")},
                                                {"destination_port", Value("dst_port")},
                                                {"ports", 2},
                                                {"target", Value("[scanner][ports]")},
                                                {"tag", Value("")}}));
  Event a, b;
  for (Event* e : {&a, &b}) {
    e->set_timestamp(Timestamp::FromSeconds(kT0));
    e->SetTop("src_ip", Value("192.0.2.1"));
  }
  a.SetTop("dst_port", Value("22"));
  b.SetTop("dst_port", Value("23"));
  EXPECT_FALSE(f->Filter(a));
  EXPECT_TRUE(f->Filter(b));
  EXPECT_EQ(FieldJson(b, "[scanner][ports]"), "2");
  EXPECT_FALSE(b.HasTag("port_scan"));
}

TEST(PortScanFilter, BadOptionsAreConfigErrors) {
  std::string error;
  EXPECT_EQ(TryMakeFilter(kPortScanFilter, Options({{"ports", 0}}), &error), nullptr);
  EXPECT_NE(error.find("ports"), std::string::npos) << error;
  EXPECT_EQ(TryMakeFilter(kPortScanFilter, Options({{"window", -5}}), &error), nullptr);
  EXPECT_NE(error.find("window"), std::string::npos) << error;
  EXPECT_EQ(TryMakeFilter(kPortScanFilter, Options({{"source", Value("[a")}}), &error), nullptr);
  EXPECT_EQ(TryMakeFilter(kPortScanFilter, Options({{"max_sources", 0}}), &error), nullptr);
}

// Four workers feed the same scanners: every port is counted once whatever thread saw it, and
// the count reached is the number of distinct ports.
TEST(PortScanFilter, ConcurrentWorkersCountEachPortOnce) {
  auto f = MakeFilter(kPortScanFilter, Options({{"ports", 50}}));
  constexpr int kThreads = 4;
  std::atomic<int> tagged{0};
  std::atomic<int64_t> max_seen{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        int scanner = i % 8;
        int port = 1 + (i * 7 + t) % 100;  // ports 1..100, each thread a different order
        Event e = Packet(fmt::format("203.0.113.{}", scanner), Value(port), kT0 + i / 100);
        if (f->Filter(e)) {
          ++tagged;
          int64_t n = e.Get(FieldRef::Of("[scan][distinct_ports]"))->as_int();
          int64_t prev = max_seen.load();
          while (n > prev && !max_seen.compare_exchange_weak(prev, n)) {
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GT(tagged.load(), 0);
  EXPECT_EQ(max_seen.load(), 100);
}

}  // namespace
}  // namespace perimeter
