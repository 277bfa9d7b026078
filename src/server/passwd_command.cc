#include "server/passwd_command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <sys/file.h>
#include <unistd.h>

#include <ctime>
#include <iostream>
#include <optional>

#include "server/api_key_store.h"
#include "server/htpasswd_file.h"
#include "server/password_prompt.h"

namespace perimeter {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

constexpr std::string_view kPasswdUsage =
    "usage: perimeter passwd add USER [--role admin|viewer] [--password-stdin]\n"
    "       perimeter passwd del USER\n"
    "       perimeter passwd role USER admin|viewer\n"
    "       perimeter passwd list\n";
constexpr std::string_view kApiKeyUsage =
    "usage: perimeter apikey create NAME [--role admin|viewer]\n"
    "       perimeter apikey revoke NAME\n"
    "       perimeter apikey list\n";

// Serialises concurrent `passwd` runs on one users file; released when the process exits.
class UsersFileLock {
 public:
  explicit UsersFileLock(const std::string& users_file) {
    std::string path = users_file + ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (fd_ < 0) error_ = Status::FromErrno("cannot lock", path, errno);
  }
  UsersFileLock(const UsersFileLock&) = delete;
  UsersFileLock& operator=(const UsersFileLock&) = delete;
  ~UsersFileLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  const Status& status() const { return error_; }

 private:
  int fd_ = -1;
  Status error_;
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::optional<Role> role;
  bool password_stdin = false;
};

Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args, bool allow_password_stdin) {
  ParsedArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--role" || a.starts_with("--role=")) {
      std::string value = a == "--role" ? (i + 1 < args.size() ? args[++i] : "") : a.substr(7);
      out.role = ParseRole(value);
      if (!out.role) return Status::InvalidArgument("--role must be admin or viewer");
    } else if (a == "--password-stdin" && allow_password_stdin) {
      out.password_stdin = true;
    } else if (a.starts_with("--")) {
      return Status::InvalidArgument("unknown option " + a);
    } else {
      out.positional.push_back(a);
    }
  }
  return out;
}

Result<std::string> ReadNewPassword(const ParsedArgs& args, std::string_view user, CommandIo& io) {
  std::string password;
  if (args.password_stdin) {
    if (!std::getline(io.in, password)) return Status::InvalidArgument("no password on stdin");
    if (!password.empty() && password.back() == '\r') password.pop_back();
  } else {
    ASSIGN_OR_RETURN(password, io.prompt(fmt::format("New password for {}: ", user)));
    ASSIGN_OR_RETURN(std::string again, io.prompt("Repeat it: "));
    bool same = again == password;
    OPENSSL_cleanse(again.data(), again.size());
    if (!same) return Status::InvalidArgument("the passwords differ; nothing changed");
  }
  if (password.size() < kMinPasswordLength) {
    return Status::InvalidArgument(
        fmt::format("the password must have at least {} characters", kMinPasswordLength));
  }
  return password;
}

int Add(const std::string& users_file, const ParsedArgs& args, CommandIo& io) {
  if (args.positional.size() != 2) {
    io.err << kPasswdUsage;
    return kExitUsage;
  }
  const std::string& user = args.positional[1];
  if (Status st = ValidateUserName(user); !st.ok()) {
    io.err << "perimeter passwd: " << st.message() << "\n";
    return kExitUsage;
  }
  Result<std::string> password = ReadNewPassword(args, user, io);
  if (!password.ok()) {
    io.err << "perimeter passwd: " << password.status().message() << "\n";
    return kExitFailed;
  }
  Result<std::string> hash =
      HashPasswordBcrypt(*password, std::max(io.bcrypt_cost, kMinBcryptCost));
  OPENSSL_cleanse(password->data(), password->size());
  if (!hash.ok()) {
    io.err << "perimeter passwd: " << hash.status().message() << "\n";
    return kExitFailed;
  }
  UsersFileLock lock(users_file);
  Result<HtpasswdFile> file =
      lock.status().ok() ? HtpasswdFile::Load(users_file) : Result<HtpasswdFile>(lock.status());
  if (!file.ok()) {
    io.err << "perimeter passwd: " << file.status().message() << "\n";
    return kExitFailed;
  }
  const UserEntry* existing = file->Find(user);
  Role role = args.role.value_or(existing != nullptr ? existing->role : Role::kViewer);
  Status st = file->SetUser(user, std::move(*hash), role);
  if (st.ok()) st = file->Save();
  if (!st.ok()) {
    io.err << "perimeter passwd: " << st.message() << "\n";
    return kExitFailed;
  }
  io.out << fmt::format("{} user {} ({}) in {}\n", existing != nullptr ? "updated" : "added", user,
                        RoleName(role), users_file);
  return kExitOk;
}

int EditExisting(const std::string& users_file, const ParsedArgs& args, CommandIo& io) {
  const std::string& action = args.positional[0];
  bool del = action == "del";
  if (args.positional.size() != (del ? 2u : 3u)) {
    io.err << kPasswdUsage;
    return kExitUsage;
  }
  const std::string& user = args.positional[1];
  std::optional<Role> role;
  if (!del) {
    role = ParseRole(args.positional[2]);
    if (!role) {
      io.err << "perimeter passwd: the role must be admin or viewer\n";
      return kExitUsage;
    }
  }
  UsersFileLock lock(users_file);
  Result<HtpasswdFile> file =
      lock.status().ok() ? HtpasswdFile::Load(users_file) : Result<HtpasswdFile>(lock.status());
  if (!file.ok()) {
    io.err << "perimeter passwd: " << file.status().message() << "\n";
    return kExitFailed;
  }
  Status st = del ? (file->RemoveUser(user)
                         ? Status::OK()
                         : Status::NotFound(fmt::format("no user '{}' in {}", user, users_file)))
                  : file->SetRole(user, *role);
  if (st.ok()) st = file->Save();
  if (!st.ok()) {
    io.err << "perimeter passwd: " << st.message() << "\n";
    return kExitFailed;
  }
  io.out << (del ? fmt::format("removed user {} from {}\n", user, users_file)
                 : fmt::format("user {} is now {}\n", user, RoleName(*role)));
  return kExitOk;
}

int List(const std::string& users_file, CommandIo& io) {
  Result<HtpasswdFile> file = HtpasswdFile::Load(users_file);
  if (!file.ok()) {
    io.err << "perimeter passwd: " << file.status().message() << "\n";
    return kExitFailed;
  }
  for (const UserEntry& u : file->users()) {
    PasswordScheme scheme = IdentifyPasswordScheme(u.hash);
    io.out << fmt::format("{}\t{}\t{}{}\n", u.name, RoleName(u.role), PasswordSchemeName(scheme),
                          IsWeakPasswordScheme(scheme) ? "\t(weak: set a new password)" : "");
  }
  return kExitOk;
}

}  // namespace

CommandIo ProcessIo() {
  return CommandIo{std::cin, std::cout, std::cerr, ReadPasswordFromTerminal};
}

int RunPasswdCommand(const std::string& users_file, const std::vector<std::string>& args,
                     CommandIo io) {
  if (users_file.empty()) {
    io.err << "perimeter passwd: no users file: set server.users_file\n";
    return kExitUsage;
  }
  Result<ParsedArgs> parsed = ParseArgs(args, /*allow_password_stdin=*/true);
  if (!parsed.ok() || parsed->positional.empty()) {
    if (!parsed.ok()) io.err << "perimeter passwd: " << parsed.status().message() << "\n";
    io.err << kPasswdUsage;
    return kExitUsage;
  }
  const std::string& action = parsed->positional[0];
  if (action == "add") return Add(users_file, *parsed, io);
  if (action == "del" || action == "role") return EditExisting(users_file, *parsed, io);
  if (action == "list" && parsed->positional.size() == 1) return List(users_file, io);
  io.err << kPasswdUsage;
  return kExitUsage;
}

int RunApiKeyCommand(const std::string& data_dir, const std::vector<std::string>& args,
                     CommandIo io) {
  Result<ParsedArgs> parsed = ParseArgs(args, /*allow_password_stdin=*/false);
  if (!parsed.ok() || parsed->positional.empty()) {
    if (!parsed.ok()) io.err << "perimeter apikey: " << parsed.status().message() << "\n";
    io.err << kApiKeyUsage;
    return kExitUsage;
  }
  ApiKeyStore store(data_dir + "/api_keys");
  const std::vector<std::string>& pos = parsed->positional;
  if (pos[0] == "create" && pos.size() == 2) {
    Result<std::string> key =
        store.Create(pos[1], parsed->role.value_or(Role::kViewer), std::time(nullptr));
    if (!key.ok()) {
      io.err << "perimeter apikey: " << key.status().message() << "\n";
      return kExitFailed;
    }
    io.out << *key << "\n";
    io.err << "Store this key now: it is shown only once. Send it as 'Authorization: ApiKey "
              "<key>'.\n";
    return kExitOk;
  }
  if (pos[0] == "revoke" && pos.size() == 2) {
    Status st = store.Revoke(pos[1]);
    if (!st.ok()) {
      io.err << "perimeter apikey: " << st.message() << "\n";
      return kExitFailed;
    }
    io.out << "revoked API key " << pos[1] << "\n";
    return kExitOk;
  }
  if (pos[0] == "list" && pos.size() == 1) {
    Status st = store.Load();
    if (!st.ok()) {
      io.err << "perimeter apikey: " << st.message() << "\n";
      return kExitFailed;
    }
    for (const ApiKeyInfo& k : store.List()) {
      io.out << fmt::format("{}\t{}\t{}\n", k.name, RoleName(k.role), k.created_unix);
    }
    return kExitOk;
  }
  io.err << kApiKeyUsage;
  return kExitUsage;
}

}  // namespace perimeter
