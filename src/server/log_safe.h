// Text from the network made safe to put in a log line. Stateless.
#pragma once

#include <string>
#include <string_view>

namespace perimeter {

// Bounds what a client can make us log; twice the longest valid user name.
inline constexpr size_t kMaxLoggedTextBytes = 128;

// `text` with control characters replaced by '?' (no forged log lines) and cut at
// kMaxLoggedTextBytes.
std::string LogSafe(std::string_view text);

}  // namespace perimeter
