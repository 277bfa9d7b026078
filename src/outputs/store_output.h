// The `store` output: appends events to Perimeter's embedded event store, acknowledging a batch
// only once the store made it durable (WAL fsync), and committing the inputs' checkpoints in the
// same WAL record, so a crash neither loses nor repeats an acknowledged event.
// `elasticsearch` is the same plugin under Logstash's name: a pasted Logstash config stores its
// events here, its connection options accepted and ignored.
#pragma once

#include <memory>

#include "pipeline/plugin_spec.h"
#include "store/event_store.h"

namespace perimeter {

extern const PluginSpec kStoreOutput;
extern const PluginSpec kElasticsearchOutput;

// One EventStore per directory per process, shared by the store output(s) and the server.
// The store stays open while anyone holds it.
Result<std::shared_ptr<store::EventStore>> OpenSharedStore(const store::StoreOptions& options);

// The store directory inside a data dir.
std::string StorePath(const std::string& data_dir);

}  // namespace perimeter
