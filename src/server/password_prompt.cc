#include "server/password_prompt.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace perimeter {
namespace {

// Restores the terminal's settings however the read ends.
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;  // the user still sees the line end
    active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  ~EchoOff() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  bool active() const { return active_; }

 private:
  termios saved_{};
  bool active_ = false;
};

}  // namespace

Result<std::string> ReadPasswordFromTerminal(std::string_view prompt) {
  if (!isatty(STDIN_FILENO)) {
    return Status::Unavailable(
        "stdin is not a terminal: pass --password-stdin to read the password from it");
  }
  std::fputs(std::string(prompt).c_str(), stderr);
  std::fflush(stderr);
  EchoOff echo_off;
  if (!echo_off.active()) return Status::IOError("cannot turn off terminal echo");
  std::string line;
  if (!std::getline(std::cin, line)) return Status::IOError("no password entered");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace perimeter
