// Slows password guessing: counts failed logins per source address (IPv6 by /64) and per user
// name, and after a few free attempts makes each key wait a doubling delay before it may try
// again. Callers answer 429 + Retry-After instead of sleeping, so no thread is held up.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace perimeter {

struct ThrottlePolicy {
  int free_failures;                // failures allowed before the first delay
  std::chrono::seconds base_delay;  // delay after free_failures failures; doubles per failure
  std::chrono::seconds max_delay;
  std::chrono::seconds forget_after;  // a key without failures for this long starts over
};

// A single address gets 5 tries, then waits 1 s, 2 s, 4 s, … up to 15 min: a guesser is down
// to a few attempts per hour while a user who mistyped waits seconds.
inline constexpr ThrottlePolicy kPerSourceThrottle = {
    5, std::chrono::seconds(1), std::chrono::minutes(15), std::chrono::hours(1)};
// A user name attacked from many addresses: more slack and a shorter ceiling, because anyone
// can fail logins for any name and this delay also locks the real user out.
inline constexpr ThrottlePolicy kPerUserThrottle = {10, std::chrono::seconds(1),
                                                    std::chrono::minutes(5), std::chrono::hours(1)};
// Bounds memory under a flood of spoofed-looking sources or random user names (~100 B each).
inline constexpr size_t kMaxThrottledKeys = 100'000;

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LoginThrottle(ThrottlePolicy per_source = kPerSourceThrottle,
                         ThrottlePolicy per_user = kPerUserThrottle,
                         size_t max_keys = kMaxThrottledKeys);

  // How long the caller must wait before these credentials may be checked; zero when they may.
  std::chrono::seconds RetryAfter(std::string_view source, std::string_view user,
                                  Clock::time_point now);
  void RecordFailure(std::string_view source, std::string_view user, Clock::time_point now);
  void RecordSuccess(std::string_view source, std::string_view user);

  // The throttling key of an address: IPv4 as is, IPv6 reduced to its /64 (one host usually
  // owns a whole /64, so per-address keys would be free to rotate).
  static std::string SourceKey(std::string_view address);

 private:
  struct Record {
    int failures = 0;
    Clock::time_point last_failure;
    Clock::time_point blocked_until;
  };
  using Table = std::unordered_map<std::string, Record>;

  static std::chrono::seconds Remaining(const Table& table, const std::string& key,
                                        Clock::time_point now);
  void Fail(Table& table, const ThrottlePolicy& policy, std::string key, Clock::time_point now);

  const ThrottlePolicy per_source_;
  const ThrottlePolicy per_user_;
  const size_t max_keys_;
  std::mutex mu_;
  Table sources_;  // GUARDED_BY(mu_)
  Table users_;    // GUARDED_BY(mu_)
};

}  // namespace perimeter
