#include "server/login_throttle.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

using std::chrono::seconds;
using Clock = LoginThrottle::Clock;

TEST(LoginThrottle, FreeAttemptsThenDoublingDelays) {
  LoginThrottle t;
  Clock::time_point now{};
  for (int i = 0; i < kPerSourceThrottle.free_failures - 1; ++i) {
    EXPECT_EQ(t.RetryAfter("10.0.0.1", "alice", now).count(), 0);
    t.RecordFailure("10.0.0.1", "alice", now);
  }
  EXPECT_EQ(t.RetryAfter("10.0.0.1", "alice", now).count(), 0);
  t.RecordFailure("10.0.0.1", "alice", now);  // 5th failure: 1 s
  EXPECT_EQ(t.RetryAfter("10.0.0.1", "alice", now), seconds(1));
  now += seconds(1);
  EXPECT_EQ(t.RetryAfter("10.0.0.1", "alice", now).count(), 0);
  t.RecordFailure("10.0.0.1", "alice", now);  // 6th: 2 s
  EXPECT_EQ(t.RetryAfter("10.0.0.1", "alice", now), seconds(2));
  now += seconds(2);
  t.RecordFailure("10.0.0.1", "alice", now);  // 7th: 4 s
  EXPECT_EQ(t.RetryAfter("10.0.0.1", "alice", now), seconds(4));
  // Another address guessing another user is not affected.
  EXPECT_EQ(t.RetryAfter("10.0.0.2", "bob", now).count(), 0);
}

TEST(LoginThrottle, DelayIsCapped) {
  LoginThrottle t;
  Clock::time_point now{};
  for (int i = 0; i < 60; ++i) t.RecordFailure("10.0.0.1", "", now);
  EXPECT_EQ(t.RetryAfter("10.0.0.1", "", now), kPerSourceThrottle.max_delay);
}

TEST(LoginThrottle, ManySourcesAgainstOneUserThrottleTheUser) {
  LoginThrottle t;
  Clock::time_point now{};
  for (int i = 0; i < kPerUserThrottle.free_failures; ++i) {
    t.RecordFailure("10.0.1." + std::to_string(i), "admin", now);
  }
  EXPECT_GT(t.RetryAfter("192.168.1.1", "admin", now).count(), 0);
  EXPECT_EQ(t.RetryAfter("192.168.1.1", "alice", now).count(), 0);
}

TEST(LoginThrottle, SuccessAndTimeForgetFailures) {
  LoginThrottle t;
  Clock::time_point now{};
  for (int i = 0; i < 4; ++i) t.RecordFailure("10.0.0.1", "alice", now);
  t.RecordSuccess("10.0.0.1", "alice");
  t.RecordFailure("10.0.0.1", "alice", now);
  EXPECT_EQ(t.RetryAfter("10.0.0.1", "alice", now).count(), 0);  // counting restarted

  for (int i = 0; i < 3; ++i) t.RecordFailure("10.0.0.1", "alice", now);
  now += kPerSourceThrottle.forget_after;
  t.RecordFailure("10.0.0.1", "alice", now);  // the old ones are forgotten
  EXPECT_EQ(t.RetryAfter("10.0.0.1", "alice", now).count(), 0);
}

TEST(LoginThrottle, Ipv6AddressesCountPerSlash64) {
  EXPECT_EQ(LoginThrottle::SourceKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(LoginThrottle::SourceKey("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
  EXPECT_EQ(LoginThrottle::SourceKey("::ffff:10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(LoginThrottle::SourceKey("10.1.2.3"), "10.1.2.3");
  LoginThrottle t;
  Clock::time_point now{};
  for (int i = 0; i < kPerSourceThrottle.free_failures; ++i) {
    t.RecordFailure("2001:db8:1:2::" + std::to_string(i + 1), "", now);
  }
  EXPECT_GT(t.RetryAfter("2001:db8:1:2::ffff", "", now).count(), 0);
}

TEST(LoginThrottle, TableSizeIsBoundedWithoutForgettingBlockedSources) {
  LoginThrottle t(kPerSourceThrottle, kPerUserThrottle, /*max_keys=*/100);
  Clock::time_point now{};
  for (int i = 0; i < kPerSourceThrottle.free_failures; ++i) t.RecordFailure("10.0.0.1", "", now);
  ASSERT_GT(t.RetryAfter("10.0.0.1", "", now).count(), 0);
  // A flood of one-off sources makes room by dropping unblocked keys only.
  for (int i = 0; i < 1000; ++i) t.RecordFailure("10.1." + std::to_string(i) + ".1", "", now);
  EXPECT_GT(t.RetryAfter("10.0.0.1", "", now).count(), 0);
}

}  // namespace
}  // namespace perimeter
