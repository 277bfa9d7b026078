#include "server/http_server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>

namespace perimeter {
namespace {

std::string HostName() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "localhost";
  return name.data();
}

std::string ApiKeysPath(const ServerOptions& options) {
  return options.data_dir.empty() ? std::string() : options.data_dir + "/api_keys";
}

}  // namespace

HttpServer::HttpServer(ServerOptions options, const Router& router, const AssetMap& assets)
    : options_(std::move(options)),
      router_(router),
      assets_(assets),
      users_(options_.users_file),
      api_keys_(ApiKeysPath(options_)),
      sessions_(options_.session_idle_timeout, options_.session_absolute_timeout) {}

HttpServer::~HttpServer() { Stop(); }

Result<SslCtxPtr> HttpServer::LoadTlsContext() {
  std::string cert = options_.tls_cert;
  std::string key = options_.tls_key;
  if (cert.empty()) {
    bool generated = false;
    ASSIGN_OR_RETURN(CertificateFiles files,
                     EnsureSelfSignedCertificate(options_.data_dir, HostName(), &generated));
    cert = files.cert;
    key = files.key;
    if (generated) {
      spdlog::warn(
          "server: generated a self-signed certificate in {}; browsers will warn until it is "
          "trusted. Check the fingerprint below before accepting it, or set server.tls_cert and "
          "server.tls_key to a real certificate",
          cert);
    }
  }
  ASSIGN_OR_RETURN(SslCtxPtr ctx, MakeServerTlsContext(cert, key));
  ASSIGN_OR_RETURN(std::string fingerprint, CertificateFingerprint(cert));
  spdlog::info("server: TLS certificate {} SHA-256 fingerprint {}", cert, fingerprint);
  fingerprint_ = std::move(fingerprint);
  return ctx;
}

Status HttpServer::Start() {
  std::lock_guard lock(mu_);
  if (listener_) return Status::InvalidArgument("server already started");
  Status users = users_.Load();
  if (!users.ok()) {
    return Status::InvalidArgument(
        fmt::format("server.users_file = \"{}\": {}", options_.users_file, users.message()));
  }
  RETURN_IF_ERROR(ValidateServerOptions(options_, users_.size()));
  RETURN_IF_ERROR(api_keys_.Load());
  ASSIGN_OR_RETURN(ListenAddress listen, ParseListenAddress(options_.listen, "server.listen"));

  SslCtxPtr tls;
  if (options_.tls) {
    ASSIGN_OR_RETURN(tls, LoadTlsContext());
  }
  bool anonymous = listen.loopback && users_.size() == 0;
  if (anonymous) {
    spdlog::warn(
        "server: no users configured, so everyone who can reach {} is admin; set "
        "server.users_file (create users with `perimeter passwd add USER --role admin`)",
        options_.listen);
  }
  auth_ = std::make_unique<Authenticator>(users_, api_keys_, sessions_, throttle_,
                                          /*anonymous_admin=*/listen.loopback);
  dispatcher_ = std::make_unique<RequestDispatcher>(router_, assets_, *auth_);

  HttpListener::Config config;
  config.https = listen;
  if (!options_.redirect_listen.empty()) {
    ASSIGN_OR_RETURN(config.redirect,
                     ParseListenAddress(options_.redirect_listen, "server.redirect_listen"));
  }
  config.tls = options_.tls;
  config.max_connections = options_.max_connections;
  config.max_body_bytes = options_.max_body_bytes;
  config.request_timeout = options_.request_timeout;
  config.keep_alive_timeout = options_.keep_alive_timeout;
  config.threads = options_.threads;
  ASSIGN_OR_RETURN(listener_, HttpListener::Start(config, *dispatcher_, std::move(tls)));
  spdlog::info("server: listening on {}://{}:{} ({} users{})", options_.tls ? "https" : "http",
               listen.ip.find(':') == std::string::npos ? listen.ip : "[" + listen.ip + "]",
               listener_->port(), users_.size(),
               listener_->redirect_port() != 0
                   ? fmt::format(", redirecting http on port {}", listener_->redirect_port())
                   : std::string());
  return Status::OK();
}

Status HttpServer::Reload() {
  std::lock_guard lock(mu_);
  if (!listener_) return Status::InvalidArgument("server not started");
  Status first = Status::OK();
  Status users = users_.Load();
  if (!users.ok()) {
    spdlog::error("server: users not reloaded, the previous ones stay: {}", users.message());
    first = users;
  }
  Status keys = api_keys_.Load();
  if (!keys.ok()) {
    spdlog::error("server: API keys not reloaded, the previous ones stay: {}", keys.message());
    if (first.ok()) first = keys;
  }
  if (options_.tls) {
    Result<SslCtxPtr> tls = LoadTlsContext();
    if (tls.ok()) {
      listener_->SetTlsContext(std::move(*tls));
    } else {
      spdlog::error("server: certificate not reloaded, the previous one stays: {}",
                    tls.status().message());
      if (first.ok()) first = tls.status();
    }
  }
  return first;
}

void HttpServer::Stop() {
  std::lock_guard lock(mu_);
  if (listener_) {
    listener_->Stop();
    listener_.reset();
    spdlog::info("server: stopped");
  }
}

uint16_t HttpServer::port() const {
  std::lock_guard lock(mu_);
  return listener_ ? listener_->port() : 0;
}

uint16_t HttpServer::redirect_port() const {
  std::lock_guard lock(mu_);
  return listener_ ? listener_->redirect_port() : 0;
}

std::string HttpServer::certificate_fingerprint() const {
  std::lock_guard lock(mu_);
  return fingerprint_;
}

}  // namespace perimeter
