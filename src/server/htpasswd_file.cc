#include "server/htpasswd_file.h"

#include <fmt/format.h>

#include <algorithm>

#include "server/atomic_file.h"

namespace perimeter {
namespace {

constexpr mode_t kUsersFileMode = 0600;  // hashes are secrets too: offline guessing

std::string_view TrimLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  return line;
}

bool IsComment(std::string_view line) {
  size_t first = line.find_first_not_of(" \t");
  return first == std::string_view::npos || line[first] == '#';
}

template <typename Fn>
Status ForEachLine(std::string_view text, Fn fn) {
  int number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    RETURN_IF_ERROR(fn(++number, line));
  }
  return Status::OK();
}

}  // namespace

Status ValidateUserName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("user name is empty");
  if (name.size() > kMaxUserNameLength) {
    return Status::InvalidArgument(
        fmt::format("user name is longer than {} bytes", kMaxUserNameLength));
  }
  for (unsigned char c : name) {
    if (c == ':') return Status::InvalidArgument("user name cannot contain ':' (htpasswd format)");
    if (c <= ' ' || c == 0x7f) {
      return Status::InvalidArgument("user name cannot contain spaces or control characters");
    }
  }
  if (name.front() == '#') return Status::InvalidArgument("user name cannot start with '#'");
  return Status::OK();
}

Result<HtpasswdFile> HtpasswdFile::Load(const std::string& path) {
  HtpasswdFile file;
  file.path_ = path;
  Result<std::string> text = ReadSmallFile(path, kMaxUsersFileBytes);
  if (!text.ok() && text.status().code() != StatusCode::kNotFound) return text.status();
  if (text.ok()) {
    RETURN_IF_ERROR(ForEachLine(*text, [&](int number, std::string_view raw) -> Status {
      std::string_view line = TrimLine(raw);
      if (IsComment(line)) {
        file.lines_.push_back({std::string(raw), {}});
        return Status::OK();
      }
      size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0 || colon + 1 == line.size()) {
        return Status::Corruption(fmt::format(
            "{}:{}: expected 'user:hash' (fix or remove the line, or re-add the user with "
            "`perimeter passwd add`)",
            path, number));
      }
      std::string_view name = line.substr(0, colon);
      if (file.Find(name) != nullptr) {
        // Apache uses the first line for a user; so do we, but say so.
        file.warnings_.push_back(
            fmt::format("{}:{}: user '{}' appears again; the first line wins", path, number, name));
        return Status::OK();
      }
      file.users_.push_back(
          {std::string(name), std::string(line.substr(colon + 1)), Role::kViewer});
      file.lines_.push_back({{}, std::string(name)});
      return Status::OK();
    }));
  }

  std::string roles_path = RolesPathFor(path);
  Result<std::string> roles = ReadSmallFile(roles_path, kMaxUsersFileBytes);
  if (!roles.ok() && roles.status().code() != StatusCode::kNotFound) return roles.status();
  if (roles.ok()) {
    RETURN_IF_ERROR(ForEachLine(*roles, [&](int number, std::string_view raw) -> Status {
      std::string_view line = TrimLine(raw);
      if (IsComment(line)) return Status::OK();
      size_t colon = line.find(':');
      std::optional<Role> role =
          colon == std::string_view::npos ? std::nullopt : ParseRole(line.substr(colon + 1));
      if (!role) {
        return Status::Corruption(
            fmt::format("{}:{}: expected 'user:admin' or 'user:viewer'", roles_path, number));
      }
      std::string_view name = line.substr(0, colon);
      auto it = std::find_if(file.users_.begin(), file.users_.end(),
                             [&](const UserEntry& u) { return u.name == name; });
      if (it == file.users_.end()) {
        file.warnings_.push_back(fmt::format("{}:{}: role for '{}', who is not in {}; ignored",
                                             roles_path, number, name, path));
        return Status::OK();
      }
      it->role = *role;
      return Status::OK();
    }));
  }
  return file;
}

const UserEntry* HtpasswdFile::Find(std::string_view name) const {
  for (const UserEntry& u : users_) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

Status HtpasswdFile::SetUser(std::string_view name, std::string hash, Role role) {
  RETURN_IF_ERROR(ValidateUserName(name));
  if (hash.empty() || hash.find_first_of(":\r\n") != std::string::npos) {
    return Status::InvalidArgument("password hash cannot contain ':' or line breaks");
  }
  for (UserEntry& u : users_) {
    if (u.name == name) {
      u.hash = std::move(hash);
      u.role = role;
      return Status::OK();
    }
  }
  users_.push_back({std::string(name), std::move(hash), role});
  lines_.push_back({{}, std::string(name)});
  return Status::OK();
}

Status HtpasswdFile::SetRole(std::string_view name, Role role) {
  for (UserEntry& u : users_) {
    if (u.name == name) {
      u.role = role;
      return Status::OK();
    }
  }
  return Status::NotFound(fmt::format("no user '{}' in {}", name, path_));
}

bool HtpasswdFile::RemoveUser(std::string_view name) {
  size_t before = users_.size();
  std::erase_if(users_, [&](const UserEntry& u) { return u.name == name; });
  std::erase_if(lines_, [&](const Line& l) { return l.user == name; });
  return users_.size() != before;
}

Status HtpasswdFile::Save() const {
  std::string users;
  for (const Line& line : lines_) {
    if (line.user.empty()) {
      users += line.comment;
    } else {
      const UserEntry* u = Find(line.user);
      if (u == nullptr) continue;
      users += u->name;
      users += ':';
      users += u->hash;
    }
    users += '\n';
  }
  RETURN_IF_ERROR(WriteFileAtomically(path_, users, kUsersFileMode));

  std::string roles = fmt::format(
      "# Perimeter roles for the users in {}: user:role, role admin or viewer.\n"
      "# Users not listed here are viewers. Edit with `perimeter passwd`.\n",
      path_);
  for (const UserEntry& u : users_) roles += fmt::format("{}:{}\n", u.name, RoleName(u.role));
  return WriteFileAtomically(RolesPathFor(path_), roles, kUsersFileMode);
}

}  // namespace perimeter
