// CompiledPipeline: a pipeline config turned into live plugin instances and a tree of steps
// (plugins and conditionals) for the filter and output sections. Built by CompilePipeline(),
// owned by the PipelineRunner; after construction only the plugins' own state changes, so
// workers share it without locks (outputs that are not thread-safe carry their own mutex).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/ast.h"
#include "pipeline/condition.h"
#include "pipeline/plugin.h"
#include "pipeline/plugin_config.h"
#include "pipeline/plugin_spec.h"
#include "pipeline/plugin_stats.h"
#include "pipeline/sprintf.h"

namespace perimeter {

// The common options Logstash applies around a plugin: an input's decoration (type, tags,
// add_field) and a filter's on-success actions (add_field, remove_field, add_tag, remove_tag).
struct CommonActions {
  struct FieldToAdd {
    Sprintf name;
    std::vector<Sprintf> values;
  };
  std::optional<std::string> type;  // inputs: set when the event has no type yet
  std::vector<std::string> tags;    // inputs
  std::vector<FieldToAdd> add_field;
  std::vector<Sprintf> remove_field;
  std::vector<Sprintf> add_tag;
  std::vector<Sprintf> remove_tag;

  static Result<CommonActions> FromConfig(const PluginConfig& config, PluginKind kind);
  bool empty() const;
  // In Logstash's order: type, tags, add_field, remove_field, add_tag, remove_tag.
  void Apply(Event& event) const;
};

struct PluginInstance {
  std::string id;
  const PluginSpec* spec = nullptr;
  config::SourceLocation location;
  std::unique_ptr<Plugin> plugin;
  CommonActions actions;
  PluginStats stats;
  std::mutex write_mu;               // serializes Write() of outputs that are not thread-safe
  bool commits_checkpoints = false;  // an output that registered as the CheckpointAuthority

  InputPlugin* input() const { return static_cast<InputPlugin*>(plugin.get()); }
  FilterPlugin* filter() const { return static_cast<FilterPlugin*>(plugin.get()); }
  OutputPlugin* output() const { return static_cast<OutputPlugin*>(plugin.get()); }
};

// A node of the filter or output tree: one plugin, or an if / else if / else.
struct Step {
  struct Branch {
    std::optional<Condition> condition;  // empty for `else`
    std::vector<Step> body;
  };
  PluginInstance* plugin = nullptr;  // set for a plugin step
  std::vector<Branch> branches;      // set for a conditional step
};

struct CompiledPipeline {
  std::vector<std::unique_ptr<PluginInstance>> inputs;
  std::vector<std::unique_ptr<PluginInstance>> filters;
  std::vector<std::unique_ptr<PluginInstance>> outputs;
  std::vector<Step> filter_steps;
  std::vector<Step> output_steps;
  PluginContext context;
};

}  // namespace perimeter
