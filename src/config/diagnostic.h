// Formats an error about a place in a config file the way a compiler does: file:line:col, the
// line itself with a caret under the column, what was expected and a likely fix.
// Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/ast.h"
#include "core/status.h"

namespace perimeter::config {

//   pipeline.conf:12:5: error: unknown filter plugin 'geoip2'
//      12 |     geoip2 {
//         |     ^
//   hint: known filters: drop, grok, ...
std::string FormatDiagnostic(const std::vector<SourceFile>& files, const SourceLocation& at,
                             std::string_view message, std::string_view hint = {});

// FormatDiagnostic wrapped in an InvalidArgument status.
Status ConfigError(const std::vector<SourceFile>& files, const SourceLocation& at,
                   std::string_view message, std::string_view hint = {});

}  // namespace perimeter::config
