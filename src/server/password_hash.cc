#include "server/password_hash.h"

#include <crypt.h>
#include <openssl/evp.h>

#include <array>
#include <memory>

#include "server/apr1_md5.h"
#include "server/secret_token.h"

namespace perimeter {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// crypt_data is 32 KiB: too large for a handler thread's stack frame to carry lightly, so each
// call gets one on the heap.
std::string CryptWithSetting(std::string_view password, std::string_view setting) {
  if (password.find('\0') != std::string_view::npos) return {};
  if (password.size() >= CRYPT_MAX_PASSPHRASE_SIZE) return {};
  auto data = std::make_unique<crypt_data>();
  std::string phrase(password);
  std::string salt(setting);
  const char* out = crypt_rn(phrase.c_str(), salt.c_str(), data.get(), sizeof(crypt_data));
  // libcrypt reports failure with NULL or with a string starting with '*'.
  if (out == nullptr || out[0] == '*') return {};
  return out;
}

std::string Sha1Base64(std::string_view password) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(password.data(), password.size(), digest.data(), &len, EVP_sha1(), nullptr);
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> b64{};
  int n = EVP_EncodeBlock(b64.data(), digest.data(), static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(b64.data()), static_cast<size_t>(n));
}

}  // namespace

PasswordScheme IdentifyPasswordScheme(std::string_view hash) {
  if (StartsWith(hash, "$2y$") || StartsWith(hash, "$2b$") || StartsWith(hash, "$2a$")) {
    return PasswordScheme::kBcrypt;
  }
  if (StartsWith(hash, "$6$")) return PasswordScheme::kSha512Crypt;
  if (StartsWith(hash, "$5$")) return PasswordScheme::kSha256Crypt;
  if (StartsWith(hash, "$y$")) return PasswordScheme::kYescrypt;
  if (StartsWith(hash, kApr1Magic)) return PasswordScheme::kApr1;
  if (StartsWith(hash, "{SHA}")) return PasswordScheme::kSha1;
  return PasswordScheme::kUnsupported;
}

std::string_view PasswordSchemeName(PasswordScheme scheme) {
  switch (scheme) {
    case PasswordScheme::kBcrypt:
      return "bcrypt";
    case PasswordScheme::kSha512Crypt:
      return "sha512crypt";
    case PasswordScheme::kSha256Crypt:
      return "sha256crypt";
    case PasswordScheme::kYescrypt:
      return "yescrypt";
    case PasswordScheme::kApr1:
      return "apr1 (Apache MD5)";
    case PasswordScheme::kSha1:
      return "{SHA} (unsalted SHA-1)";
    case PasswordScheme::kUnsupported:
      break;
  }
  return "unsupported";
}

bool IsWeakPasswordScheme(PasswordScheme scheme) {
  return scheme == PasswordScheme::kApr1 || scheme == PasswordScheme::kSha1 ||
         scheme == PasswordScheme::kUnsupported;
}

bool VerifyPassword(std::string_view password, std::string_view hash) {
  switch (IdentifyPasswordScheme(hash)) {
    case PasswordScheme::kBcrypt:
    case PasswordScheme::kSha512Crypt:
    case PasswordScheme::kSha256Crypt:
    case PasswordScheme::kYescrypt: {
      std::string computed = CryptWithSetting(password, hash);
      return !computed.empty() && ConstantTimeEquals(computed, hash);
    }
    case PasswordScheme::kApr1: {
      std::string_view salt = hash.substr(kApr1Magic.size());
      return ConstantTimeEquals(Apr1Md5Crypt(password, salt), hash);
    }
    case PasswordScheme::kSha1:
      return ConstantTimeEquals(Sha1Base64(password), hash.substr(5));
    case PasswordScheme::kUnsupported:
      break;
  }
  return false;
}

Result<std::string> HashPasswordBcrypt(std::string_view password, int cost) {
  if (cost < 4 || cost > 31) {
    return Status::InvalidArgument("bcrypt cost must be between 4 and 31");
  }
  if (password.size() > kBcryptMaxPasswordBytes) {
    return Status::InvalidArgument("password is longer than bcrypt's 72 bytes: use a shorter one");
  }
  if (password.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("password contains a NUL byte");
  }
  std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> setting{};
  // A null random-bytes argument makes libcrypt take the salt from the OS (getrandom).
  if (crypt_gensalt_rn("$2y$", static_cast<unsigned long>(cost), nullptr, 0, setting.data(),
                       static_cast<int>(setting.size())) == nullptr) {
    return Status::IOError("libcrypt could not make a bcrypt salt (no OS randomness?)");
  }
  std::string hash = CryptWithSetting(password, setting.data());
  if (hash.empty()) return Status::IOError("libcrypt failed to compute a bcrypt hash");
  return hash;
}

int BcryptCost(std::string_view hash) {
  if (IdentifyPasswordScheme(hash) != PasswordScheme::kBcrypt || hash.size() < 7) return 0;
  char tens = hash[4];
  char ones = hash[5];
  if (tens < '0' || tens > '9' || ones < '0' || ones > '9' || hash[6] != '$') return 0;
  return (tens - '0') * 10 + (ones - '0');
}

}  // namespace perimeter
