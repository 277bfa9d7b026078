// JSON text → Value (for the json codecs and the HTTP API). Stateless; thread-safe.
#pragma once

#include <string_view>

#include "core/status.h"
#include "core/value.h"

namespace perimeter {

// Integers that fit int64 stay integers; other numbers become floats. Errors give the offset.
Result<Value> ParseJson(std::string_view text);

}  // namespace perimeter
