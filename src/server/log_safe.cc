#include "server/log_safe.h"

namespace perimeter {

std::string LogSafe(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, kMaxLoggedTextBytes)) {
    out.push_back(c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
  }
  if (text.size() > kMaxLoggedTextBytes) out += "...";
  return out;
}

}  // namespace perimeter
