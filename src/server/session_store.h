// Browser sessions created by the login page: random ids mapped to the user, their role and a
// CSRF token, ended by logout, an idle timeout or an absolute timeout. In memory only: a
// restart logs everyone out. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/auth_context.h"

namespace perimeter {

// Each session is ~200 B; this bounds memory when someone scripts logins in a loop.
inline constexpr size_t kMaxSessions = 10'000;

struct SessionInfo {
  std::string user;
  Role role = Role::kViewer;
  std::string csrf_token;  // synchronizer token: state-changing requests must echo it
};

class SessionStore {
 public:
  using Clock = std::chrono::steady_clock;

  SessionStore(std::chrono::seconds idle_timeout, std::chrono::seconds absolute_timeout,
               size_t max_sessions = kMaxSessions);

  struct Created {
    std::string id;  // the cookie value
    std::string csrf_token;
  };
  // At capacity the least recently used session is ended.
  Created Create(std::string_view user, Role role, Clock::time_point now);
  // The live session named `id`, its idle timer restarted; nullopt (and the session forgotten)
  // when unknown or timed out.
  std::optional<SessionInfo> Touch(std::string_view id, Clock::time_point now);
  void Remove(std::string_view id);
  size_t size() const;

  std::chrono::seconds absolute_timeout() const { return absolute_timeout_; }

 private:
  struct Entry {
    SessionInfo info;
    Clock::time_point created;
    Clock::time_point last_seen;
  };
  bool Expired(const Entry& e, Clock::time_point now) const;

  const std::chrono::seconds idle_timeout_;
  const std::chrono::seconds absolute_timeout_;
  const size_t max_sessions_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> sessions_;  // GUARDED_BY(mu_)
};

}  // namespace perimeter
