// Decides who sent a request: an API key, Basic credentials or the session cookie of the login
// page; runs password logins; throttles guessing and writes the audit log (who, from where,
// how; never a password). Thread-safe: every part it uses is.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "server/api_key_store.h"
#include "server/auth_context.h"
#include "server/http_message.h"
#include "server/log_safe.h"
#include "server/login_throttle.h"
#include "server/session_store.h"
#include "server/user_directory.h"

namespace perimeter {

class Authenticator {
 public:
  // `anonymous_admin`: requests without credentials are admin while no user exists (only ever
  // set for loopback listeners; see ServerOptions).
  Authenticator(UserDirectory& users, ApiKeyStore& api_keys, SessionStore& sessions,
                LoginThrottle& throttle, bool anonymous_admin);

  enum class Verdict {
    kOk,
    kNoCredentials,  // nothing presented (or an expired session): ask to log in
    kRejected,       // wrong or malformed credentials
    kThrottled,      // too many failures: retry_after says when to come back
  };
  struct Outcome {
    Verdict verdict = Verdict::kNoCredentials;
    AuthContext context;
    std::string csrf_token;  // sessions: the token state-changing requests must carry
    std::chrono::seconds retry_after{0};
  };

  Outcome Authenticate(const Request& request);
  // Password login from the login page; on success the outcome carries a new session.
  Outcome Login(std::string_view user, std::string_view password, const Request& request);
  void Logout(const AuthContext& context);

  // The cookie holding the session id. With TLS the "__Host-" prefix makes browsers refuse it
  // unless it is Secure, host-only and for "/", so no sibling subdomain can plant or shadow it.
  static std::string_view SessionCookieName(bool tls);
  std::string SessionCookie(std::string_view session_id, bool tls) const;
  static std::string ClearedSessionCookie(bool tls);

  bool anonymous_admin() const { return anonymous_admin_; }

 private:
  Outcome CheckPassword(std::string_view user, std::string_view password, const Request& request,
                        AuthMethod method);

  UserDirectory& users_;
  ApiKeyStore& api_keys_;
  SessionStore& sessions_;
  LoginThrottle& throttle_;
  const bool anonymous_admin_;
};

}  // namespace perimeter
