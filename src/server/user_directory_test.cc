#include "server/user_directory.h"

#include <gtest/gtest.h>

#include <fstream>

#include "server/credential_cache.h"
#include "server/htpasswd_file.h"
#include "server/password_hash.h"
#include "server/test_https_client.h"

namespace perimeter {
namespace {

using testing::TempDir;
using Clock = UserDirectory::Clock;

std::string Bcrypt(const std::string& password, int cost = 4) {
  Result<std::string> h = HashPasswordBcrypt(password, cost);
  EXPECT_TRUE(h.ok());
  return h.ok() ? *h : "";
}

TEST(VerifiedCredentialCache, RemembersUntilTtlAndOnlyExactPairs) {
  VerifiedCredentialCache cache(std::chrono::seconds(60), 10);
  Clock::time_point now{};
  cache.Insert("alice", "secret", Role::kAdmin, now);
  EXPECT_EQ(cache.Lookup("alice", "secret", now), Role::kAdmin);
  EXPECT_FALSE(cache.Lookup("alice", "secreT", now));
  EXPECT_FALSE(cache.Lookup("alicesecret", "", now));
  EXPECT_FALSE(cache.Lookup("alic", "esecret", now));
  EXPECT_FALSE(cache.Lookup("alice", "secret", now + std::chrono::seconds(60)));
}

TEST(VerifiedCredentialCache, StaysWithinCapacity) {
  VerifiedCredentialCache cache(std::chrono::seconds(60), 4);
  Clock::time_point now{};
  for (int i = 0; i < 20; ++i) cache.Insert("u" + std::to_string(i), "p", Role::kViewer, now);
  int found = 0;
  for (int i = 0; i < 20; ++i) found += cache.Lookup("u" + std::to_string(i), "p", now) ? 1 : 0;
  EXPECT_LE(found, 4);
  EXPECT_TRUE(cache.Lookup("u19", "p", now));
}

TEST(UserDirectory, VerifiesEverySchemeAndAppliesRoles) {
  TempDir dir;
  std::string path = dir.File("htpasswd");
  std::ofstream(path) << "alice:" << Bcrypt("alice-password") << "\n"
                      << "bob:$apr1$r31....$kMmt8Ia8qcWk4vKKEhpgx1\n"
                      << "carol:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n"
                      << "dave:$6$saltsaltsalt$hu2MB85GKhCdSuPyy/Ac2I1avaZTRAa9f2YbpKlogMwpK13RIe"
                         "tDflQrNI0bK/af8sX3q7/Mi4VFc44T.vgRQ/\n"
                      << "eve:plaintext\n";
  std::ofstream(path + ".roles") << "alice:admin\n";
  UserDirectory users(path);
  ASSERT_TRUE(users.Load().ok());
  EXPECT_EQ(users.size(), 4u);  // eve's plain-text line is refused
  Clock::time_point now{};
  auto alice = users.Verify("alice", "alice-password", now);
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->role, Role::kAdmin);
  EXPECT_FALSE(alice->from_cache);
  EXPECT_TRUE(users.Verify("alice", "alice-password", now)->from_cache);
  EXPECT_EQ(users.Verify("bob", "password", now)->role, Role::kViewer);
  EXPECT_TRUE(users.Verify("carol", "password", now));
  EXPECT_TRUE(users.Verify("dave", "password", now));
  EXPECT_FALSE(users.Verify("eve", "plaintext", now));
  EXPECT_FALSE(users.Verify("alice", "wrong", now));
  EXPECT_FALSE(users.Verify("nobody", "alice-password", now));
}

TEST(UserDirectory, UnknownUsersCostAsMuchAsKnownOnes) {
  TempDir dir;
  std::string path = dir.File("htpasswd");
  // Cost 8: 16x cost 4, so a missing decoy (near-zero time) would stand out clearly.
  std::ofstream(path) << "alice:" << Bcrypt("alice-password", 8) << "\n";
  UserDirectory users(path);
  ASSERT_TRUE(users.Load().ok());
  auto time = [&](const char* user) {
    auto best = std::chrono::nanoseconds::max();
    for (int i = 0; i < 5; ++i) {
      auto start = Clock::now();
      EXPECT_FALSE(users.Verify(user, "wrong-password", start));
      best = std::min(best, std::chrono::nanoseconds(Clock::now() - start));
    }
    return best;
  };
  auto known = time("alice");
  auto unknown = time("mallory");
  // A missing decoy answers in microseconds, 1,000× faster; a quarter leaves room for a busy
  // machine (sanitizers, tests running beside this one) without hiding that.
  EXPECT_GT(unknown, known / 4) << "unknown " << unknown.count() << " ns, known " << known.count()
                                << " ns";
}

TEST(UserDirectory, PicksUpChangesAndForgetsOldPasswords) {
  TempDir dir;
  std::string path = dir.File("htpasswd");
  std::ofstream(path) << "alice:" << Bcrypt("first-password") << "\n";
  UserDirectory users(path);
  ASSERT_TRUE(users.Load().ok());
  Clock::time_point now{};
  ASSERT_TRUE(users.Verify("alice", "first-password", now));

  Result<HtpasswdFile> file = HtpasswdFile::Load(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->SetUser("alice", Bcrypt("second-password"), Role::kAdmin).ok());
  ASSERT_TRUE(file->Save().ok());
  users.RefreshIfChanged(now + std::chrono::seconds(10));
  EXPECT_FALSE(users.Verify("alice", "first-password", now));  // not served from the cache
  auto second = users.Verify("alice", "second-password", now);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->role, Role::kAdmin);
}

TEST(UserDirectory, BrokenFileKeepsPreviousUsers) {
  TempDir dir;
  std::string path = dir.File("htpasswd");
  std::ofstream(path) << "alice:" << Bcrypt("first-password") << "\n";
  UserDirectory users(path);
  ASSERT_TRUE(users.Load().ok());
  std::ofstream(path) << "garbage line without colon\n";
  EXPECT_FALSE(users.Load().ok());
  EXPECT_TRUE(users.Verify("alice", "first-password", Clock::now()));
}

}  // namespace
}  // namespace perimeter
