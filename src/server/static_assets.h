// The dashboard's files, embedded in the binary and served from memory: a path can only name
// an entry of this map, so nothing on disk is reachable and there is nothing to list.
// Built once before the server starts and never changed: safe to read from any thread.
#pragma once

#include <map>
#include <string>

namespace perimeter {

struct Asset {
  std::string content_type;  // "text/javascript; charset=utf-8"
  std::string bytes;
};

// Key: the URL path ("/index.html", "/assets/app.js"). "/" serves "/index.html".
using AssetMap = std::map<std::string, Asset, std::less<>>;

}  // namespace perimeter
