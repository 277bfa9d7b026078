#include "server/credential_cache.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>

namespace perimeter {

VerifiedCredentialCache::VerifiedCredentialCache(std::chrono::seconds ttl, size_t capacity)
    : ttl_(ttl), capacity_(capacity) {
  if (RAND_bytes(secret_.data(), static_cast<int>(secret_.size())) != 1) std::abort();
}

std::string VerifiedCredentialCache::KeyFor(std::string_view user,
                                            std::string_view password) const {
  // Length-prefixed so ("ab", "c") and ("a", "bc") differ.
  std::string message = std::to_string(user.size());
  message += ':';
  message += user;
  message += password;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  OPENSSL_cleanse(message.data(), message.size());
  return std::string(reinterpret_cast<const char*>(mac), len);
}

std::optional<Role> VerifiedCredentialCache::Lookup(std::string_view user,
                                                    std::string_view password,
                                                    Clock::time_point now) {
  std::string key = KeyFor(user, password);
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.role;
}

void VerifiedCredentialCache::Insert(std::string_view user, std::string_view password, Role role,
                                     Clock::time_point now) {
  std::string key = KeyFor(user, password);
  std::lock_guard lock(mu_);
  if (entries_.size() >= capacity_) {
    std::erase_if(entries_, [&](const auto& kv) { return kv.second.expires <= now; });
    // Still full: many distinct valid credentials at once is unusual; starting over only
    // costs one bcrypt per client.
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_[std::move(key)] = Entry{role, now + ttl_};
}

void VerifiedCredentialCache::Clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

}  // namespace perimeter
