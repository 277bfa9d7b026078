// Remembers user+password pairs that verified recently, so bcrypt (~250 ms at cost 12) runs
// once per TTL instead of on every request a script makes with Basic auth.
// Keys are HMAC-SHA256 under a random per-process secret: memory never holds a password or a
// hash of one that could be attacked offline. Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/auth_context.h"

namespace perimeter {

class VerifiedCredentialCache {
 public:
  using Clock = std::chrono::steady_clock;

  VerifiedCredentialCache(std::chrono::seconds ttl, size_t capacity);

  // The role recorded when (user, password) last verified, if within the TTL.
  std::optional<Role> Lookup(std::string_view user, std::string_view password,
                             Clock::time_point now);
  void Insert(std::string_view user, std::string_view password, Role role, Clock::time_point now);
  // The users file changed: a removed user or a new password must not live on in the cache.
  void Clear();

 private:
  struct Entry {
    Role role;
    Clock::time_point expires;
  };
  std::string KeyFor(std::string_view user, std::string_view password) const;

  const std::chrono::seconds ttl_;
  const size_t capacity_;
  std::array<unsigned char, 32> secret_{};
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // GUARDED_BY(mu_)
};

}  // namespace perimeter
