// Apache's "$apr1$" password hash (MD5-crypt with Apache's magic string), still found in many
// htpasswd files. Read-only support: new hashes are bcrypt. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace perimeter {

inline constexpr std::string_view kApr1Magic = "$apr1$";
inline constexpr size_t kApr1MaxSaltLength = 8;  // the algorithm uses at most 8 salt chars

// "$apr1$<salt>$<22 chars>" for `password` and `salt` (truncated to 8 chars, ends at '$').
std::string Apr1Md5Crypt(std::string_view password, std::string_view salt);

}  // namespace perimeter
