#include "server/security_headers.h"

#include <string>

namespace perimeter {

void AddSecurityHeaders(bool tls, Response* response) {
  HeaderList& h = response->headers;
  h.Set("Server", std::string(kServerName));
  h.Set("Content-Security-Policy", std::string(kContentSecurityPolicy));
  h.Set("X-Content-Type-Options", "nosniff");
  h.Set("X-Frame-Options", "DENY");
  h.Set("Referrer-Policy", "no-referrer");
  h.Set("Cross-Origin-Opener-Policy", "same-origin");
  h.Set("Cross-Origin-Resource-Policy", "same-origin");
  h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  if (tls) h.Set("Strict-Transport-Security", std::string(kStrictTransportSecurity));
  if (!h.Has("Cache-Control")) h.Add("Cache-Control", "no-store");
}

}  // namespace perimeter
