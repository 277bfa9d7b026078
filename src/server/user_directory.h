// The users the server accepts: the htpasswd + roles files held in memory, re-read when they
// change on disk, with a cache of recently verified passwords. Thread-safe; password hashing
// runs outside the lock so logins never wait for each other.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"
#include "server/atomic_file.h"
#include "server/auth_context.h"
#include "server/credential_cache.h"

namespace perimeter {

// Long enough that a script polling every few seconds pays for bcrypt a few times an hour,
// short enough that a changed password stops working soon even without a reload.
inline constexpr std::chrono::seconds kCredentialCacheTtl = std::chrono::minutes(5);
inline constexpr size_t kCredentialCacheCapacity = 4096;  // distinct user+password pairs

class UserDirectory {
 public:
  using Clock = std::chrono::steady_clock;

  // "" = no users file: no one can log in with a password.
  explicit UserDirectory(std::string users_file);

  // (Re)reads the users and roles files. On error the users loaded before stay in force.
  Status Load();
  // Load() when either file changed, checked at most every kFileCheckInterval (so
  // `perimeter passwd add` takes effect without a restart).
  void RefreshIfChanged(Clock::time_point now);

  size_t size() const;
  // The current role of `user`, nullopt when the user no longer exists.
  std::optional<Role> RoleOf(std::string_view user) const;

  struct Verified {
    Role role;
    bool from_cache;
  };
  // The user's role when `password` is theirs. For an unknown user a decoy hash of a real user
  // is checked instead, so the answer takes as long as for a known one.
  std::optional<Verified> Verify(std::string_view user, std::string_view password,
                                 Clock::time_point now);

  // The user's role when (user, password) verified within the cache's TTL; no hashing. Lets
  // a client whose credentials are known good through while its user name is throttled
  // because someone else is guessing at it.
  std::optional<Role> VerifyCached(std::string_view user, std::string_view password,
                                   Clock::time_point now);

  static constexpr std::chrono::seconds kFileCheckInterval{2};

 private:
  struct Account {
    std::string hash;
    Role role;
  };

  const std::string path_;
  VerifiedCredentialCache cache_{kCredentialCacheTtl, kCredentialCacheCapacity};
  mutable std::mutex mu_;
  std::unordered_map<std::string, Account> accounts_;  // GUARDED_BY(mu_)
  std::string decoy_hash_;                             // GUARDED_BY(mu_)
  FileStamp users_stamp_;                              // GUARDED_BY(mu_)
  FileStamp roles_stamp_;                              // GUARDED_BY(mu_)
  Clock::time_point next_check_;                       // GUARDED_BY(mu_)
};

}  // namespace perimeter
