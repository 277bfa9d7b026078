// ServerOptions: every setting of the HTTPS server with its default, and the checks Start()
// runs before binding anything. Plain value types.
//
// Setting names in error messages are those of perimeter.toml's [server] table
// ("server.listen", "server.tls", ...), which map one to one onto the fields below.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter {

struct ServerOptions {
  // IP literal and port: "127.0.0.1:8443", "[::1]:8443", "0.0.0.0:443". Port 0 picks a free
  // one (tests). Anything but loopback needs tls = true and at least one user.
  std::string listen = "127.0.0.1:8443";
  // Plain HTTP is for loopback only (development, or behind a TLS-terminating proxy).
  bool tls = true;
  // PEM certificate chain and private key (e.g. Let's Encrypt's fullchain.pem/privkey.pem).
  // Both empty: a self-signed certificate is generated once in <data_dir>/tls/ and reused.
  std::string tls_cert;
  std::string tls_key;
  // htpasswd file (roles in <users_file>.roles). Empty: no users; then only a loopback
  // listener starts, and everyone reaching it is admin.
  std::string users_file;
  // "0.0.0.0:80": a plain-HTTP listener that only answers 301 to the HTTPS address. "" = none.
  std::string redirect_listen;
  std::chrono::seconds session_idle_timeout = std::chrono::minutes(30);
  std::chrono::seconds session_absolute_timeout = std::chrono::hours(12);
  // Largest request body: bulk ingestion posts batches of events.
  size_t max_body_bytes = 16 << 20;
  // Concurrent connections in all; beyond it new ones are closed at once.
  size_t max_connections = 256;
  // Handler pool size: route handlers, password hashing, static files.
  int threads = 2;
  // Holds tls/ (generated certificate) and api_keys.
  std::string data_dir = "./data";
  // A request's headers and body must arrive within this; slow-loris clients are cut off.
  std::chrono::seconds request_timeout = std::chrono::seconds(30);
  // An idle keep-alive connection is closed after this.
  std::chrono::seconds keep_alive_timeout = std::chrono::seconds(60);
};

struct ListenAddress {
  std::string ip;  // without brackets
  uint16_t port = 0;
  bool loopback = false;  // 127.0.0.0/8 or ::1
};

// "ip:port" or "[ipv6]:port"; `setting` names the option in errors.
Result<ListenAddress> ParseListenAddress(std::string_view text, std::string_view setting);

// Everything Start() refuses, with the setting to change: unparsable addresses, a non-loopback
// listener without TLS or without users, a redirect listener without TLS, impossible limits.
Status ValidateServerOptions(const ServerOptions& options, size_t user_count);

}  // namespace perimeter
