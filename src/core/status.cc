#include "core/status.h"

#include <cstring>

namespace perimeter {

Status Status::FromErrno(std::string_view what, std::string_view path, int err) {
  std::string msg(what);
  if (!path.empty()) {
    msg += ": ";
    msg += path;
  }
  msg += ": ";
  msg += std::strerror(err);
  return IOError(std::move(msg));
}

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      name = "InvalidArgument";
      break;
    case StatusCode::kNotFound:
      name = "NotFound";
      break;
    case StatusCode::kCorruption:
      name = "Corruption";
      break;
    case StatusCode::kIOError:
      name = "IOError";
      break;
    case StatusCode::kUnavailable:
      name = "Unavailable";
      break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace perimeter
