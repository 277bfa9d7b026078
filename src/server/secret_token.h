// Random tokens (session ids, CSRF tokens, API keys), their hashes, and the constant-time
// comparison and base64 they need. Stateless; thread-safe (OpenSSL's DRBG is).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace perimeter {

// 32 bytes = 256 bits: unguessable, and the size OWASP asks for session ids (≥ 64 bits).
inline constexpr size_t kTokenBytes = 32;

// `bytes` from OpenSSL's CSPRNG as unpadded base64url (43 characters for 32 bytes). Aborts
// if the CSPRNG fails: a predictable token would be worse than no server.
std::string RandomToken(size_t bytes = kTokenBytes);

// Lowercase hex SHA-256.
std::string Sha256Hex(std::string_view data);

bool ConstantTimeEquals(std::string_view a, std::string_view b);

std::string Base64Encode(std::string_view data);
// Standard alphabet with optional padding; nullopt on any other character.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace perimeter
