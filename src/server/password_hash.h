// Password hashes as they appear in htpasswd files: recognising the scheme, verifying a
// password against a hash, and making new bcrypt hashes. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter {

enum class PasswordScheme {
  kBcrypt,       // $2y$ / $2b$ / $2a$ (libcrypt)
  kSha512Crypt,  // $6$ (libcrypt)
  kSha256Crypt,  // $5$ (libcrypt)
  kYescrypt,     // $y$ (libcrypt; Debian's /etc/shadow default)
  kApr1,         // $apr1$ Apache MD5 (our own implementation)
  kSha1,         // {SHA} base64 of unsalted SHA-1
  kUnsupported,  // plain text, DES crypt, $1$, anything else: never accepted
};

PasswordScheme IdentifyPasswordScheme(std::string_view hash);
std::string_view PasswordSchemeName(PasswordScheme scheme);
// Fast to brute-force if the file leaks ($apr1$, {SHA}): accepted, but the server warns and
// `perimeter passwd add` rewrites such users with bcrypt.
bool IsWeakPasswordScheme(PasswordScheme scheme);

// bcrypt's work factor: 2^cost rounds. 12 is OWASP's floor for new hashes (~250 ms on a server
// core, which also caps one core at ~4 guesses per second).
inline constexpr int kMinBcryptCost = 12;
// bcrypt reads at most this many bytes of a password; longer ones are refused when set rather
// than silently truncated.
inline constexpr size_t kBcryptMaxPasswordBytes = 72;

// True when `password` hashes to `hash`. Unsupported schemes never match. Comparison is
// constant-time; the work is the scheme's own (bcrypt cost, 1000 MD5 rounds, ...).
bool VerifyPassword(std::string_view password, std::string_view hash);

// A new "$2y$<cost>$..." hash with a salt from the OS's random source. `cost` is 4..31;
// callers writing users' hashes pass at least kMinBcryptCost (tests use 4 for speed).
Result<std::string> HashPasswordBcrypt(std::string_view password, int cost);

// The cost field of a bcrypt hash ("$2y$12$..." → 12); 0 for other schemes.
int BcryptCost(std::string_view hash);

}  // namespace perimeter
