// The users file in Apache's htpasswd format plus Perimeter's roles file next to it; loads,
// edits and saves both. A value type: each holder owns its copy; not synchronised.
//
// <users_file>        "user:hash" per line (bcrypt $2y$, $6$, $apr1$, {SHA}, ...); lines that
//                     start with '#' and blank lines are comments, kept when the file is saved.
//                     Exactly what Apache's htpasswd reads and writes, so /etc/htpasswd from an
//                     Apache + Kibana setup can be used as is.
// <users_file>.roles  "user:role" per line, role "admin" or "viewer", '#' comments. A user who is
//                     not listed is a viewer: an imported htpasswd grants read access only until
//                     someone runs `perimeter passwd add USER --role admin`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/auth_context.h"

namespace perimeter {

// Long enough for e-mail addresses; bounds log lines and the throttle's per-user keys.
inline constexpr size_t kMaxUserNameLength = 64;
// 10k bcrypt lines are ~700 KiB; anything larger is not a users file.
inline constexpr size_t kMaxUsersFileBytes = 4 << 20;

struct UserEntry {
  std::string name;
  std::string hash;
  Role role = Role::kViewer;
};

class HtpasswdFile {
 public:
  // Loads `path` and its roles file. A missing users file is an empty one (so `passwd add` can
  // create it); malformed lines are Corruption naming the file and line.
  static Result<HtpasswdFile> Load(const std::string& path);
  static std::string RolesPathFor(const std::string& users_path) { return users_path + ".roles"; }

  const std::string& path() const { return path_; }
  const std::vector<UserEntry>& users() const { return users_; }
  const UserEntry* Find(std::string_view name) const;
  // Problems that did not stop loading (duplicate users, roles of unknown users), for logs.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Adds the user or replaces their hash and role. Refuses names that htpasswd cannot hold.
  Status SetUser(std::string_view name, std::string hash, Role role);
  Status SetRole(std::string_view name, Role role);
  // False when there was no such user.
  bool RemoveUser(std::string_view name);

  // Writes the users file (mode 0600 when new), then the roles file, each atomically. In that
  // order a crash in between leaves a new user a viewer, never an unintended admin.
  Status Save() const;

 private:
  // A line of the users file as loaded: comments verbatim, user lines by name.
  struct Line {
    std::string comment;  // used when user is empty
    std::string user;
  };

  std::string path_;
  std::vector<Line> lines_;
  std::vector<UserEntry> users_;
  std::vector<std::string> warnings_;
};

// Why `name` cannot be a user name, or OK.
Status ValidateUserName(std::string_view name);

}  // namespace perimeter
