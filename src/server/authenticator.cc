#include "server/authenticator.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include "server/htpasswd_file.h"
#include "server/secret_token.h"

namespace perimeter {
namespace {

using Clock = std::chrono::steady_clock;

bool HasSchemePrefix(std::string_view header, std::string_view scheme) {
  return header.size() > scheme.size() && header[scheme.size()] == ' ' &&
         strncasecmp(header.data(), scheme.data(), scheme.size()) == 0;
}

}  // namespace

Authenticator::Authenticator(UserDirectory& users, ApiKeyStore& api_keys, SessionStore& sessions,
                             LoginThrottle& throttle, bool anonymous_admin)
    : users_(users),
      api_keys_(api_keys),
      sessions_(sessions),
      throttle_(throttle),
      anonymous_admin_(anonymous_admin) {}

std::string_view Authenticator::SessionCookieName(bool tls) {
  return tls ? "__Host-perimeter_session" : "perimeter_session";
}

std::string Authenticator::SessionCookie(std::string_view session_id, bool tls) const {
  return fmt::format("{}={}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={}",
                     SessionCookieName(tls), session_id, sessions_.absolute_timeout().count());
}

std::string Authenticator::ClearedSessionCookie(bool tls) {
  return fmt::format("{}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
                     SessionCookieName(tls));
}

Authenticator::Outcome Authenticator::CheckPassword(std::string_view user,
                                                    std::string_view password,
                                                    const Request& request, AuthMethod method) {
  Outcome out;
  const std::string& from = request.remote_address;
  Clock::time_point now = Clock::now();
  users_.RefreshIfChanged(now);
  std::string who = LogSafe(user);
  if (std::optional<Role> role = users_.VerifyCached(user, password, now)) {
    spdlog::debug("auth: user '{}' from {} via {} (cached)", who, from, AuthMethodName(method));
    out.verdict = Verdict::kOk;
    out.context = AuthContext{std::string(user), *role, method, {}};
    return out;
  }
  std::chrono::seconds wait = throttle_.RetryAfter(from, user, now);
  if (wait.count() > 0) {
    // Checked before the password so a throttled guesser learns nothing, right or wrong.
    spdlog::warn("auth: throttled {} login for user '{}' from {} (retry in {} s)",
                 AuthMethodName(method), who, from, wait.count());
    out.verdict = Verdict::kThrottled;
    out.retry_after = wait;
    return out;
  }
  std::optional<UserDirectory::Verified> verified = users_.Verify(user, password, now);
  if (!verified) {
    throttle_.RecordFailure(from, user, now);
    spdlog::warn("auth: failed {} login for user '{}' from {}", AuthMethodName(method), who, from);
    out.verdict = Verdict::kRejected;
    return out;
  }
  throttle_.RecordSuccess(from, user);
  // Basic auth repeats credentials on every request: log when they are checked for real, not
  // each time the cache vouches for them.
  if (verified->from_cache) {
    spdlog::debug("auth: user '{}' from {} via {} (cached)", who, from, AuthMethodName(method));
  } else {
    spdlog::info("auth: user '{}' ({}) logged in from {} via {}", who, RoleName(verified->role),
                 from, AuthMethodName(method));
  }
  out.verdict = Verdict::kOk;
  out.context = AuthContext{std::string(user), verified->role, method, {}};
  return out;
}

Authenticator::Outcome Authenticator::Authenticate(const Request& request) {
  Outcome out;
  std::string_view authorization = request.headers.Get("Authorization");
  if (!authorization.empty()) {
    if (HasSchemePrefix(authorization, "Basic")) {
      std::optional<std::string> decoded = Base64Decode(authorization.substr(6));
      size_t colon = decoded ? decoded->find(':') : std::string::npos;
      if (colon == std::string::npos) {
        spdlog::warn("auth: malformed Basic credentials from {}", request.remote_address);
        out.verdict = Verdict::kRejected;
        return out;
      }
      std::string_view creds = *decoded;
      Outcome result = CheckPassword(creds.substr(0, colon), creds.substr(colon + 1), request,
                                     AuthMethod::kBasic);
      OPENSSL_cleanse(decoded->data(), decoded->size());
      return result;
    }
    if (HasSchemePrefix(authorization, "ApiKey")) {
      std::string_view key = authorization.substr(7);
      api_keys_.RefreshIfChanged(Clock::now());
      std::optional<ApiKeyInfo> info = api_keys_.Verify(key);
      if (!info) {
        spdlog::warn("auth: unknown API key from {}", request.remote_address);
        out.verdict = Verdict::kRejected;
        return out;
      }
      spdlog::debug("auth: API key '{}' from {}", info->name, request.remote_address);
      out.verdict = Verdict::kOk;
      out.context = AuthContext{"apikey:" + info->name, info->role, AuthMethod::kApiKey, {}};
      return out;
    }
    spdlog::warn("auth: unsupported Authorization scheme from {}", request.remote_address);
    out.verdict = Verdict::kRejected;
    return out;
  }

  std::string_view session_id = request.Cookie(SessionCookieName(request.tls));
  if (!session_id.empty()) {
    Clock::time_point now = Clock::now();
    users_.RefreshIfChanged(now);
    std::optional<SessionInfo> session = sessions_.Touch(session_id, now);
    // The role is read fresh: a demoted or removed user loses access at once.
    std::optional<Role> role = session ? users_.RoleOf(session->user) : std::nullopt;
    if (session && role) {
      out.verdict = Verdict::kOk;
      out.context =
          AuthContext{session->user, *role, AuthMethod::kSession, std::string(session_id)};
      out.csrf_token = session->csrf_token;
      return out;
    }
    if (session) sessions_.Remove(session_id);
  }

  if (anonymous_admin_) {
    users_.RefreshIfChanged(Clock::now());
    if (users_.size() == 0) {
      out.verdict = Verdict::kOk;
      out.context = AuthContext{"anonymous", Role::kAdmin, AuthMethod::kAnonymous, {}};
      return out;
    }
  }
  out.verdict = Verdict::kNoCredentials;
  return out;
}

Authenticator::Outcome Authenticator::Login(std::string_view user, std::string_view password,
                                            const Request& request) {
  Outcome out = CheckPassword(user, password, request, AuthMethod::kSession);
  if (out.verdict != Verdict::kOk) return out;
  SessionStore::Created created = sessions_.Create(user, out.context.role, Clock::now());
  out.context.session_id = std::move(created.id);
  out.csrf_token = std::move(created.csrf_token);
  return out;
}

void Authenticator::Logout(const AuthContext& context) {
  if (context.method != AuthMethod::kSession || context.session_id.empty()) return;
  sessions_.Remove(context.session_id);
  spdlog::info("auth: user '{}' logged out", LogSafe(context.user));
}

}  // namespace perimeter
