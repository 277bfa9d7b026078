#include "server/session_store.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

using std::chrono::minutes;
using Clock = SessionStore::Clock;

TEST(SessionStore, CreatesUnguessableDistinctIdsAndTokens) {
  SessionStore store(minutes(30), minutes(600));
  Clock::time_point now{};
  SessionStore::Created a = store.Create("alice", Role::kAdmin, now);
  SessionStore::Created b = store.Create("alice", Role::kAdmin, now);
  EXPECT_EQ(a.id.size(), 43u);  // 256 bits, base64url
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(a.csrf_token, b.csrf_token);
  EXPECT_NE(a.id, a.csrf_token);
  std::optional<SessionInfo> info = store.Touch(a.id, now);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->user, "alice");
  EXPECT_EQ(info->csrf_token, a.csrf_token);
  EXPECT_FALSE(store.Touch("not-a-session", now));
}

TEST(SessionStore, IdleTimeoutRestartsOnUse) {
  SessionStore store(minutes(30), minutes(600));
  Clock::time_point now{};
  std::string id = store.Create("alice", Role::kViewer, now).id;
  now += minutes(29);
  EXPECT_TRUE(store.Touch(id, now));
  now += minutes(29);
  EXPECT_TRUE(store.Touch(id, now));
  now += minutes(30);
  EXPECT_FALSE(store.Touch(id, now));
  EXPECT_EQ(store.size(), 0u);
}

TEST(SessionStore, AbsoluteTimeoutEndsEvenActiveSessions) {
  SessionStore store(minutes(30), minutes(60));
  Clock::time_point now{};
  std::string id = store.Create("alice", Role::kViewer, now).id;
  for (int i = 0; i < 5; ++i) {
    now += minutes(10);
    EXPECT_TRUE(store.Touch(id, now));
  }
  now += minutes(10);
  EXPECT_FALSE(store.Touch(id, now));
}

TEST(SessionStore, RemoveEndsSession) {
  SessionStore store(minutes(30), minutes(60));
  Clock::time_point now{};
  std::string id = store.Create("alice", Role::kViewer, now).id;
  store.Remove(id);
  EXPECT_FALSE(store.Touch(id, now));
}

TEST(SessionStore, AtCapacityTheLeastRecentlyUsedGoes) {
  SessionStore store(minutes(30), minutes(60), /*max_sessions=*/3);
  Clock::time_point now{};
  std::string a = store.Create("a", Role::kViewer, now).id;
  now += minutes(1);
  std::string b = store.Create("b", Role::kViewer, now).id;
  now += minutes(1);
  std::string c = store.Create("c", Role::kViewer, now).id;
  now += minutes(1);
  EXPECT_TRUE(store.Touch(a, now));  // a is now the most recent
  store.Create("d", Role::kViewer, now);
  EXPECT_EQ(store.size(), 3u);
  EXPECT_TRUE(store.Touch(a, now));
  EXPECT_FALSE(store.Touch(b, now));
  EXPECT_TRUE(store.Touch(c, now));
}

}  // namespace
}  // namespace perimeter
