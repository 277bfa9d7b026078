#include "pipeline/batch_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace perimeter {
namespace {

Batch BatchOf(size_t n) {
  Batch b;
  b.events.resize(n);
  return b;
}

TEST(BatchQueue, PushBlocksWhileFull) {
  BatchQueue q(2);
  ASSERT_TRUE(q.Push(BatchOf(1)));
  ASSERT_TRUE(q.Push(BatchOf(1)));
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    q.Push(BatchOf(1));
    pushed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(pushed.load());  // back-pressure: the third batch waits
  ASSERT_TRUE(q.Pop().has_value());
  producer.join();
  EXPECT_TRUE(pushed.load());
  EXPECT_EQ(q.size(), 2u);
}

TEST(BatchQueue, CloseDrainsThenEnds) {
  BatchQueue q(4);
  ASSERT_TRUE(q.Push(BatchOf(3)));
  q.Close();
  EXPECT_FALSE(q.Push(BatchOf(1)));
  auto b = q.Pop();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->events.size(), 3u);
  EXPECT_FALSE(q.Pop().has_value());
}

}  // namespace
}  // namespace perimeter
