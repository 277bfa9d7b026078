#include "server/auth_context.h"

namespace perimeter {

std::string_view RoleName(Role role) { return role == Role::kAdmin ? "admin" : "viewer"; }

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "viewer") return Role::kViewer;
  return std::nullopt;
}

std::string_view AuthMethodName(AuthMethod method) {
  switch (method) {
    case AuthMethod::kAnonymous:
      return "anonymous";
    case AuthMethod::kBasic:
      return "basic";
    case AuthMethod::kApiKey:
      return "apikey";
    case AuthMethod::kSession:
      return "session";
  }
  return "unknown";
}

}  // namespace perimeter
