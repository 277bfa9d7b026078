// HttpServer: Perimeter's HTTPS server as one object. Start() checks the settings (loopback
// unless TLS and users), prepares TLS (configured or self-signed certificate), loads users
// and API keys and starts listening; Reload() re-reads certificates and users (SIGHUP). Routes
// and the dashboard's assets are supplied by the caller. Start/Reload/Stop may be called from
// any thread; the router and assets must outlive the server.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "server/api_key_store.h"
#include "server/authenticator.h"
#include "server/http_listener.h"
#include "server/login_throttle.h"
#include "server/request_dispatcher.h"
#include "server/router.h"
#include "server/server_options.h"
#include "server/session_store.h"
#include "server/static_assets.h"
#include "server/user_directory.h"

namespace perimeter {

class HttpServer {
 public:
  HttpServer(ServerOptions options, const Router& router, const AssetMap& assets);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Refuses (with the setting to change) what would expose the server unsafely; binds the
  // listeners, and returns once they accept connections.
  Status Start();
  // Re-reads the certificate and key (e.g. renewed by certbot), the users file and the API
  // keys. Open connections are not dropped: they finish on the TLS context they started with.
  // On error what was loaded before stays in force.
  Status Reload();
  void Stop();

  uint16_t port() const;           // the bound HTTPS (or loopback HTTP) port
  uint16_t redirect_port() const;  // 0 without server.redirect_listen
  // SHA-256 of the certificate being served, "AB:CD:…"; "" without TLS.
  std::string certificate_fingerprint() const;
  // For routes that manage keys (e.g. an admin-only POST /api/v1/api_keys).
  ApiKeyStore& api_keys() { return api_keys_; }

 private:
  // The certificate files to serve: the configured ones or the self-signed pair.
  Result<SslCtxPtr> LoadTlsContext();

  const ServerOptions options_;
  const Router& router_;
  const AssetMap& assets_;
  UserDirectory users_;
  ApiKeyStore api_keys_;
  SessionStore sessions_;
  LoginThrottle throttle_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<RequestDispatcher> dispatcher_;
  std::unique_ptr<HttpListener> listener_;

  mutable std::mutex mu_;    // serialises Start/Reload/Stop
  std::string fingerprint_;  // GUARDED_BY(mu_)
};

}  // namespace perimeter
