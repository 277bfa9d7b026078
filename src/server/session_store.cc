#include "server/session_store.h"

#include "server/secret_token.h"

namespace perimeter {

SessionStore::SessionStore(std::chrono::seconds idle_timeout, std::chrono::seconds absolute_timeout,
                           size_t max_sessions)
    : idle_timeout_(idle_timeout),
      absolute_timeout_(absolute_timeout),
      max_sessions_(max_sessions) {}

bool SessionStore::Expired(const Entry& e, Clock::time_point now) const {
  return now >= e.last_seen + idle_timeout_ || now >= e.created + absolute_timeout_;
}

SessionStore::Created SessionStore::Create(std::string_view user, Role role,
                                           Clock::time_point now) {
  Created created{RandomToken(), RandomToken()};
  std::lock_guard lock(mu_);
  if (sessions_.size() >= max_sessions_) {
    std::erase_if(sessions_, [&](const auto& kv) { return Expired(kv.second, now); });
  }
  if (sessions_.size() >= max_sessions_) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_seen < oldest->second.last_seen) oldest = it;
    }
    sessions_.erase(oldest);
  }
  sessions_[created.id] = Entry{{std::string(user), role, created.csrf_token}, now, now};
  return created;
}

std::optional<SessionInfo> SessionStore::Touch(std::string_view id, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return std::nullopt;
  if (Expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second.info;
}

void SessionStore::Remove(std::string_view id) {
  std::lock_guard lock(mu_);
  sessions_.erase(std::string(id));
}

size_t SessionStore::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

}  // namespace perimeter
