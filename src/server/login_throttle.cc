#include "server/login_throttle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace perimeter {

LoginThrottle::LoginThrottle(ThrottlePolicy per_source, ThrottlePolicy per_user, size_t max_keys)
    : per_source_(per_source), per_user_(per_user), max_keys_(max_keys) {}

std::string LoginThrottle::SourceKey(std::string_view address) {
  std::string text(address);
  std::array<unsigned char, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) {
    bool v4_mapped = std::all_of(v6.begin(), v6.begin() + 10, [](unsigned char b) { return !b; }) &&
                     v6[10] == 0xff && v6[11] == 0xff;
    if (v4_mapped) {
      char buf[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, v6.data() + 12, buf, sizeof(buf));
      return buf;
    }
    std::fill(v6.begin() + 8, v6.end(), 0);
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, v6.data(), buf, sizeof(buf));
    return std::string(buf) + "/64";
  }
  return text;
}

std::chrono::seconds LoginThrottle::Remaining(const Table& table, const std::string& key,
                                              Clock::time_point now) {
  auto it = table.find(key);
  if (it == table.end() || it->second.blocked_until <= now) return std::chrono::seconds(0);
  // Rounded up: a client that waits exactly Retry-After must be let in.
  return std::chrono::ceil<std::chrono::seconds>(it->second.blocked_until - now);
}

std::chrono::seconds LoginThrottle::RetryAfter(std::string_view source, std::string_view user,
                                               Clock::time_point now) {
  std::lock_guard lock(mu_);
  return std::max(Remaining(sources_, SourceKey(source), now),
                  Remaining(users_, std::string(user), now));
}

void LoginThrottle::Fail(Table& table, const ThrottlePolicy& policy, std::string key,
                         Clock::time_point now) {
  if (table.size() >= max_keys_ && table.find(key) == table.end()) {
    std::erase_if(table, [&](const auto& kv) {
      return kv.second.blocked_until <= now && kv.second.last_failure + policy.forget_after <= now;
    });
    if (table.size() >= max_keys_) {
      std::erase_if(table, [&](const auto& kv) { return kv.second.blocked_until <= now; });
    }
    // Everyone left is blocked right now: the newcomer goes unrecorded rather than evicting a
    // blocked guesser.
    if (table.size() >= max_keys_) return;
  }
  Record& r = table[std::move(key)];
  if (r.failures > 0 && r.last_failure + policy.forget_after <= now) r.failures = 0;
  ++r.failures;
  r.last_failure = now;
  if (r.failures >= policy.free_failures) {
    int doublings = std::min(r.failures - policy.free_failures, 30);
    auto delay = policy.base_delay * (int64_t{1} << doublings);
    r.blocked_until = now + std::min<std::chrono::seconds>(delay, policy.max_delay);
  }
}

void LoginThrottle::RecordFailure(std::string_view source, std::string_view user,
                                  Clock::time_point now) {
  std::lock_guard lock(mu_);
  Fail(sources_, per_source_, SourceKey(source), now);
  if (!user.empty()) Fail(users_, per_user_, std::string(user), now);
}

void LoginThrottle::RecordSuccess(std::string_view source, std::string_view user) {
  std::lock_guard lock(mu_);
  sources_.erase(SourceKey(source));
  users_.erase(std::string(user));
}

}  // namespace perimeter
