// Turns a parsed pipeline config into a CompiledPipeline: finds each plugin in the registry,
// validates its options against the plugin's table, creates it, and compiles conditionals.
// This is all of `perimeter check`. Stateless; thread-safe.
#pragma once

#include <memory>

#include "config/ast.h"
#include "core/status.h"
#include "pipeline/compiled_pipeline.h"
#include "pipeline/plugin_registry.h"

namespace perimeter {

// Reports every unknown plugin and bad option it finds (not just the first), each as a
// diagnostic with file, line and column, joined in one InvalidArgument status.
Result<std::unique_ptr<CompiledPipeline>> CompilePipeline(const config::PipelineAst& ast,
                                                          const PluginRegistry& registry,
                                                          const PluginContext& context);

}  // namespace perimeter
