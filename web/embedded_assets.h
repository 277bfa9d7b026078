// The dashboard (web/dist: index.html, app.js, app.css, world.json), embedded in the binary by
// web/CMakeLists.txt. Built once on first use and never changed: safe to read from any thread.
#pragma once

#include "server/static_assets.h"

namespace perimeter {

const AssetMap& EmbeddedAssets();

}  // namespace perimeter
