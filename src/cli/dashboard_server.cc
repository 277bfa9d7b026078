#include "cli/dashboard_server.h"

#include <spdlog/spdlog.h>

#include "outputs/store_output.h"
#include "server/static_assets.h"
#include "web/embedded_assets.h"

namespace perimeter {

namespace {

// The dashboard's files (web/dist, embedded at build time).
const AssetMap& DashboardAssets() { return EmbeddedAssets(); }

}  // namespace

Result<std::shared_ptr<store::EventStore>> OpenDataDirStore(const Settings& settings) {
  store::StoreOptions options;
  options.path = StorePath(settings.data_dir);
  options.retention_age = settings.retention;
  options.retention_bytes = settings.max_disk;
  return OpenSharedStore(options);
}

Result<std::unique_ptr<DashboardServer>> DashboardServer::Start(
    const Settings& settings, std::function<Object()> pipeline_stats) {
  std::unique_ptr<DashboardServer> d(new DashboardServer());
  ASSIGN_OR_RETURN(d->store_, OpenDataDirStore(settings));
  d->api_.store = d->store_;
  d->api_.data_dir = settings.data_dir;
  d->api_.pipeline_stats = std::move(pipeline_stats);
  RETURN_IF_ERROR(AddApiRoutes(d->router_, d->api_));
  d->server_ = std::make_unique<HttpServer>(settings.server, d->router_, DashboardAssets());
  RETURN_IF_ERROR(d->server_->Start());
  std::string scheme = settings.server.tls ? "https" : "http";
  spdlog::info("dashboard and API on {}://{} (users: {})", scheme, settings.server.listen,
               settings.server.users_file);
  if (settings.server.tls) {
    spdlog::info("TLS certificate SHA-256 fingerprint: {}", d->server_->certificate_fingerprint());
  }
  return d;
}

DashboardServer::~DashboardServer() {
  if (server_) server_->Stop();
  api_.tail.reset();
}

}  // namespace perimeter
