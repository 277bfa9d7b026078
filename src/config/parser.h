// Parses Logstash pipeline configs — input / filter / output sections, plugins with their
// settings, if / else if / else conditionals — into a PipelineAst, with compiler-style errors
// (file:line:col, the line, a caret, a likely fix). Stateless; safe to call from any thread.
#pragma once

#include <vector>

#include "config/ast.h"
#include "core/status.h"

namespace perimeter::config {

// Each file is parsed as a complete config; the sections of all files are concatenated in
// order, as Logstash does with a directory of configs. The files move into the result so that
// later stages can quote them in their own diagnostics.
Result<PipelineAst> ParsePipeline(std::vector<SourceFile> files);

}  // namespace perimeter::config
