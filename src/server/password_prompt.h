// Reading a password from the terminal without echoing it (termios), for `perimeter passwd`.
// Touches the process's terminal settings: call from the main thread only.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter {

// Prints `prompt` on stderr and reads one line from stdin with echo off, restoring the
// terminal afterwards. Unavailable when stdin is not a terminal (the message says to use
// --password-stdin).
Result<std::string> ReadPasswordFromTerminal(std::string_view prompt);

}  // namespace perimeter
