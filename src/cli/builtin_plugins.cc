#include "cli/builtin_plugins.h"

#include "filters/cidr_filter.h"
#include "filters/date.h"
#include "filters/drop.h"
#include "filters/geoip/geoip_filter.h"
#include "filters/grok/grok_filter.h"
#include "filters/kv.h"
#include "filters/mutate.h"
#include "filters/port_scan_filter.h"
#include "inputs/file/file_input.h"
#include "inputs/generator_input.h"
#include "inputs/stdin_input.h"
#include "outputs/file_output.h"
#include "outputs/null_output.h"
#include "outputs/stdout_output.h"
#include "outputs/store_output.h"

namespace perimeter {

const PluginRegistry& BuiltinPlugins() {
  static const PluginRegistry registry = [] {
    PluginRegistry r;
    // inputs
    r.Add(&kStdinInput);
    r.Add(&kFileInput);
    r.Add(&kGeneratorInput);
    // filters
    r.Add(&kGrokFilter);
    r.Add(&kGeoipFilter);
    r.Add(&kKvFilter);
    r.Add(&kDateFilter);
    r.Add(&kMutateFilter);
    r.Add(&kDropFilter);
    r.Add(&kCidrFilter);
    r.Add(&kPortScanFilter);
    // outputs
    r.Add(&kNullOutput);
    r.Add(&kStdoutOutput);
    r.Add(&kFileOutput);
    r.Add(&kStoreOutput);
    r.Add(&kElasticsearchOutput);
    return r;
  }();
  return registry;
}

}  // namespace perimeter
