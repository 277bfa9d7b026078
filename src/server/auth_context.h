// Who made a request and what they may do: the outcome of authentication, handed to every route
// handler. Plain value types; safe to copy between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace perimeter {

// viewer: reads (searches, dashboards, the live tail). admin: also changes state (anything a
// route registers as admin-only, e.g. deleting events or managing API keys).
enum class Role { kViewer, kAdmin };

std::string_view RoleName(Role role);
// "admin" or "viewer"; anything else is nullopt.
std::optional<Role> ParseRole(std::string_view name);

enum class AuthMethod {
  kAnonymous,  // loopback listener with no users configured: everyone local is admin
  kBasic,      // Authorization: Basic (curl, scripts)
  kApiKey,     // Authorization: ApiKey <key> (machine clients)
  kSession,    // session cookie from the login page (browsers)
};

std::string_view AuthMethodName(AuthMethod method);

struct AuthContext {
  std::string user;  // htpasswd user name, "apikey:<name>", or "anonymous"
  Role role = Role::kViewer;
  AuthMethod method = AuthMethod::kAnonymous;
  std::string session_id;  // kSession only: lets /logout end this session

  bool Allows(Role required) const { return role == Role::kAdmin || required == Role::kViewer; }
};

}  // namespace perimeter
