#include "server/event_stream.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

TEST(FormatServerSentEvent, OneDataLinePerLineAndNoInjectedFields) {
  EXPECT_EQ(FormatServerSentEvent("hello", ""), "data: hello\n\n");
  EXPECT_EQ(FormatServerSentEvent("a\nb\r\nc\rd", "tick"),
            "event: tick\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
  EXPECT_EQ(FormatServerSentEvent("x", "ev\nid: 7"), "event: evid: 7\ndata: x\n\n");
}

TEST(QueuedEventStream, WakesOnceUntilDrained) {
  QueuedEventStream s(1024);
  int wakes = 0;
  s.SetWake([&] { ++wakes; });
  EXPECT_TRUE(s.Send("1"));
  EXPECT_TRUE(s.Send("2"));
  EXPECT_EQ(wakes, 1);
  QueuedEventStream::Drained d = s.Drain();
  EXPECT_EQ(d.bytes, "data: 1\n\ndata: 2\n\n");
  EXPECT_EQ(d.end, QueuedEventStream::End::kNone);
  EXPECT_TRUE(s.Send("3"));
  EXPECT_EQ(wakes, 2);
}

TEST(QueuedEventStream, CloseFinishesAndRunsCallbacksOnce) {
  QueuedEventStream s(1024);
  int closed = 0;
  s.OnClose([&] { ++closed; });
  EXPECT_TRUE(s.Send("last"));
  s.Close();
  s.Close();
  EXPECT_EQ(closed, 1);
  EXPECT_FALSE(s.IsOpen());
  EXPECT_FALSE(s.Send("after"));
  QueuedEventStream::Drained d = s.Drain();
  EXPECT_EQ(d.bytes, "data: last\n\n");
  EXPECT_EQ(d.end, QueuedEventStream::End::kFinish);
  bool late = false;
  s.OnClose([&] { late = true; });  // registered after closing: runs at once
  EXPECT_TRUE(late);
}

TEST(QueuedEventStream, SlowClientOverflowAbortsInsteadOfGrowing) {
  QueuedEventStream s(64);
  int closed = 0;
  s.OnClose([&] { ++closed; });
  EXPECT_TRUE(s.Send(std::string(30, 'a')));
  EXPECT_FALSE(s.Send(std::string(40, 'b')));
  EXPECT_EQ(closed, 1);
  QueuedEventStream::Drained d = s.Drain();
  EXPECT_EQ(d.end, QueuedEventStream::End::kAbort);
  EXPECT_TRUE(d.bytes.empty());
}

TEST(QueuedEventStream, DisconnectStopsProducersAndWakes) {
  QueuedEventStream s(1024);
  int wakes = 0;
  int closed = 0;
  s.SetWake([&] { ++wakes; });
  s.OnClose([&] { ++closed; });
  s.Disconnect();
  EXPECT_EQ(closed, 1);
  EXPECT_FALSE(s.Send("x"));
  EXPECT_FALSE(s.SendComment("ping"));
  EXPECT_EQ(wakes, 0);
}

}  // namespace
}  // namespace perimeter
