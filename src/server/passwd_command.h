// `perimeter passwd` and `perimeter apikey`: managing the users file (htpasswd + roles) and the
// API keys from the command line. The running server notices the changes within seconds.
// Run from the CLI's main thread.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/password_hash.h"

namespace perimeter {

// NIST SP 800-63B's minimum for user-chosen passwords.
inline constexpr size_t kMinPasswordLength = 8;

struct CommandIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  // Reads a password without echo; the default reads the terminal.
  std::function<Result<std::string>(std::string_view prompt)> prompt;
  // At least kMinBcryptCost whatever is set here.
  int bcrypt_cost = kMinBcryptCost;
};

// The real stdin/stdout/stderr and terminal.
CommandIo ProcessIo();

// args (after "passwd"):
//   add USER [--role admin|viewer] [--password-stdin]   create, or set a new password
//   del USER                                            remove
//   role USER admin|viewer                              change the role only
//   list                                                users, roles and hash schemes
// A new user is a viewer unless --role says otherwise; an existing one keeps their role.
// Returns the exit status: 0 done, 1 failed, 2 usage error.
int RunPasswdCommand(const std::string& users_file, const std::vector<std::string>& args,
                     CommandIo io);

// args (after "apikey"):
//   create NAME [--role admin|viewer]   prints the new key once (default role viewer)
//   revoke NAME
//   list
int RunApiKeyCommand(const std::string& data_dir, const std::vector<std::string>& args,
                     CommandIo io);

}  // namespace perimeter
