// The response headers every answer carries (CSP, HSTS, nosniff, no framing, a bare Server
// name): the server-side half of browser hardening. Stateless.
#pragma once

#include <string_view>

#include "server/http_message.h"

namespace perimeter {

// No inline script or style anywhere: the dashboard's code comes only from its own files.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// Two years, what the HSTS preload list asks for. Browsers ignore HSTS received over a
// connection with certificate errors (RFC 6797 §8.1), so a self-signed certificate that was not
// trusted explicitly never locks a user out.
inline constexpr std::string_view kStrictTransportSecurity = "max-age=63072000";

// The banner: a product name without version, so scanners learn nothing to match exploits to.
inline constexpr std::string_view kServerName = "perimeter";

// Adds the hardening headers; HSTS only when the response goes out over TLS. Responses that do
// not choose their own Cache-Control get "no-store": API answers hold log data.
void AddSecurityHeaders(bool tls, Response* response);

}  // namespace perimeter
