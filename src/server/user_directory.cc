#include "server/user_directory.h"

#include <spdlog/spdlog.h>

#include "server/htpasswd_file.h"
#include "server/password_hash.h"

namespace perimeter {

UserDirectory::UserDirectory(std::string users_file) : path_(std::move(users_file)) {}

Status UserDirectory::Load() {
  if (path_.empty()) return Status::OK();
  FileStamp users_stamp = StampFile(path_);
  FileStamp roles_stamp = StampFile(HtpasswdFile::RolesPathFor(path_));
  ASSIGN_OR_RETURN(HtpasswdFile file, HtpasswdFile::Load(path_));
  for (const std::string& w : file.warnings()) spdlog::warn("users: {}", w);

  std::unordered_map<std::string, Account> accounts;
  std::string decoy;
  int decoy_cost = -1;
  for (const UserEntry& u : file.users()) {
    PasswordScheme scheme = IdentifyPasswordScheme(u.hash);
    if (scheme == PasswordScheme::kUnsupported) {
      spdlog::warn(
          "users: {} cannot log in: their hash in {} is in a scheme Perimeter does not accept "
          "(plain text, DES or $1$); set a new password with `perimeter passwd add {}`",
          u.name, path_, u.name);
      continue;
    }
    if (IsWeakPasswordScheme(scheme)) {
      spdlog::warn(
          "users: {} has a weak {} hash, fast to crack if {} leaks; re-set it with `perimeter "
          "passwd add {}` to store bcrypt",
          u.name, PasswordSchemeName(scheme), path_, u.name);
    }
    // The decoy is the costliest hash present, so an unknown name is never the fast answer.
    int cost = scheme == PasswordScheme::kBcrypt ? 1000 + BcryptCost(u.hash)
                                                 : (IsWeakPasswordScheme(scheme) ? 0 : 500);
    if (cost > decoy_cost) {
      decoy_cost = cost;
      decoy = u.hash;
    }
    accounts[u.name] = Account{u.hash, u.role};
  }

  std::lock_guard lock(mu_);
  bool changed = accounts_.size() != accounts.size();
  for (const auto& [name, account] : accounts) {
    auto it = accounts_.find(name);
    if (it == accounts_.end() || it->second.hash != account.hash) changed = true;
  }
  accounts_ = std::move(accounts);
  decoy_hash_ = std::move(decoy);
  users_stamp_ = users_stamp;
  roles_stamp_ = roles_stamp;
  // Roles are looked up fresh on every request; only password changes invalidate the cache.
  if (changed) cache_.Clear();
  return Status::OK();
}

void UserDirectory::RefreshIfChanged(Clock::time_point now) {
  if (path_.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (now < next_check_) return;
    next_check_ = now + kFileCheckInterval;
    if (StampFile(path_) == users_stamp_ &&
        StampFile(HtpasswdFile::RolesPathFor(path_)) == roles_stamp_) {
      return;
    }
  }
  Status st = Load();
  if (st.ok()) {
    spdlog::info("users: reloaded {} ({} users)", path_, size());
  } else {
    spdlog::error("users: {} not reloaded, the previous users stay: {}", path_, st.message());
  }
}

size_t UserDirectory::size() const {
  std::lock_guard lock(mu_);
  return accounts_.size();
}

std::optional<Role> UserDirectory::RoleOf(std::string_view user) const {
  std::lock_guard lock(mu_);
  auto it = accounts_.find(std::string(user));
  if (it == accounts_.end()) return std::nullopt;
  return it->second.role;
}

std::optional<Role> UserDirectory::VerifyCached(std::string_view user, std::string_view password,
                                                Clock::time_point now) {
  if (!cache_.Lookup(user, password, now)) return std::nullopt;
  return RoleOf(user);
}

std::optional<UserDirectory::Verified> UserDirectory::Verify(std::string_view user,
                                                             std::string_view password,
                                                             Clock::time_point now) {
  std::string hash;
  bool known = false;
  {
    std::lock_guard lock(mu_);
    auto it = accounts_.find(std::string(user));
    if (it != accounts_.end()) {
      hash = it->second.hash;
      known = true;
    } else {
      hash = decoy_hash_;
    }
  }
  if (known) {
    if (std::optional<Role> role = VerifyCached(user, password, now)) return Verified{*role, true};
  }
  if (hash.empty()) return std::nullopt;  // no users at all: nothing to imitate
  // For an unknown user this checks the decoy with the same work; its result is ignored.
  bool match = VerifyPassword(password, hash);
  if (!match || !known) return std::nullopt;
  std::optional<Role> role = RoleOf(user);
  if (!role) return std::nullopt;  // removed while we hashed
  cache_.Insert(user, password, *role, now);
  return Verified{*role, false};
}

}  // namespace perimeter
