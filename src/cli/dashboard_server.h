// DashboardServer: the HTTPS server of `perimeter run` and `perimeter serve` — the API routes
// over the shared event store and the embedded dashboard assets. Started and stopped by the
// CLI's main thread.
#pragma once

#include <functional>
#include <memory>

#include "cli/settings.h"
#include "server/api/api_routes.h"
#include "server/http_server.h"
#include "server/router.h"
#include "store/event_store.h"

namespace perimeter {

class DashboardServer {
 public:
  // Opens (or shares) the store in settings.data_dir, registers the API, starts listening and
  // logs where to point a browser.
  static Result<std::unique_ptr<DashboardServer>> Start(
      const Settings& settings, std::function<Object()> pipeline_stats = nullptr);
  ~DashboardServer();

  Status Reload() { return server_->Reload(); }
  uint16_t port() const { return server_->port(); }

 private:
  DashboardServer() = default;
  std::shared_ptr<store::EventStore> store_;
  Router router_;
  ApiContext api_;
  std::unique_ptr<HttpServer> server_;
};

// The store of a data dir, opened once per process (shared with the store output).
Result<std::shared_ptr<store::EventStore>> OpenDataDirStore(const Settings& settings);

}  // namespace perimeter
