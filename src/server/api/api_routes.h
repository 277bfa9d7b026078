// The JSON API under /api/v1 (docs/api.md) and the Elasticsearch-compatible ingest endpoints
// (/_bulk, /{index}/_doc), registered on a Router. Handlers run on the server's pool; each
// query reads its own store snapshot, so they never block ingest.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/value.h"
#include "server/router.h"
#include "store/event_store.h"

namespace perimeter {

class TailHub;

struct ApiContext {
  std::shared_ptr<store::EventStore> store;
  std::string data_dir;                    // dashboards live in data_dir/dashboards/
  std::function<Object()> pipeline_stats;  // may be empty (perimeter serve)
  std::shared_ptr<TailHub> tail;           // created by AddApiRoutes when empty
};

Status AddApiRoutes(Router& router, ApiContext& context);

}  // namespace perimeter
