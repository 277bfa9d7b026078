#include "pipeline/pipeline_compiler.h"

#include <fmt/format.h>

#include <map>

#include "config/diagnostic.h"
#include "pipeline/plugin_config.h"

namespace perimeter {

namespace {

class Compiler {
 public:
  Compiler(const config::PipelineAst& ast, const PluginRegistry& registry,
           const PluginContext& context)
      : ast_(ast), registry_(registry), context_(context) {}

  Result<std::unique_ptr<CompiledPipeline>> Run() {
    out_ = std::make_unique<CompiledPipeline>();
    out_->context = context_;
    for (const config::Section& section : ast_.sections) {
      switch (section.kind) {
        case config::SectionKind::kInput:
          CompileInputs(section.body);
          break;
        case config::SectionKind::kFilter:
          CompileSteps(section.body, PluginKind::kFilter, &out_->filter_steps);
          break;
        case config::SectionKind::kOutput:
          CompileSteps(section.body, PluginKind::kOutput, &out_->output_steps);
          break;
      }
    }
    if (errors_.empty() && out_->inputs.empty()) {
      errors_ = "the pipeline has no input: add an `input { ... }` section (e.g. file or stdin)\n";
    }
    if (!errors_.empty()) return Status::InvalidArgument(errors_);
    return std::move(out_);
  }

 private:
  void Error(const Status& st) {
    if (!errors_.empty()) errors_ += '\n';
    errors_ += st.message();
  }

  std::string UnknownPluginHint(PluginKind kind, const std::string& name) {
    std::vector<std::string> names = registry_.Names(kind);
    std::string best;
    size_t best_d = 3;
    for (const auto& n : names) {
      size_t d = EditDistance(name, n);
      if (d < best_d) {
        best_d = d;
        best = n;
      }
    }
    // A plugin of another section: say where it belongs.
    for (PluginKind other : {PluginKind::kInput, PluginKind::kFilter, PluginKind::kOutput}) {
      if (other != kind && registry_.Find(other, name) != nullptr) {
        return fmt::format("'{}' is an {} plugin; move it into the `{} {{ }}` section", name,
                           PluginKindName(other), PluginKindName(other));
      }
    }
    std::string hint = best.empty() ? "" : fmt::format("did you mean '{}'? ", best);
    hint += fmt::format("known {}s: {}", PluginKindName(kind), fmt::join(names, ", "));
    return hint;
  }

  PluginInstance* CreatePlugin(const config::PluginNode& node, PluginKind kind) {
    const PluginSpec* spec = registry_.Find(kind, node.name);
    if (spec == nullptr) {
      Error(config::ConfigError(
          ast_.files, node.location,
          fmt::format("unknown {} plugin '{}'", PluginKindName(kind), node.name),
          UnknownPluginHint(kind, node.name)));
      return nullptr;
    }
    auto cfg = PluginConfig::Build(*spec, node, ast_.files);
    if (!cfg.ok()) {
      Error(cfg.status());
      return nullptr;
    }
    auto instance = std::make_unique<PluginInstance>();
    instance->spec = spec;
    instance->location = node.location;
    int n = ++counts_[std::string(spec->name)];
    instance->id = cfg->IsSet("id") ? cfg->GetString("id") : fmt::format("{}_{}", spec->name, n);
    PluginContext ctx = context_;
    ctx.plugin_id = instance->id;
    auto actions = CommonActions::FromConfig(*cfg, kind);
    if (!actions.ok()) {
      Error(config::ConfigError(ast_.files, node.location, actions.status().message()));
      return nullptr;
    }
    instance->actions = std::move(actions).value();
    auto plugin = spec->create(*cfg, ctx);
    if (!plugin.ok()) {
      Error(config::ConfigError(ast_.files, node.location,
                                fmt::format("{} plugin '{}': {}", PluginKindName(kind), node.name,
                                            plugin.status().message())));
      return nullptr;
    }
    instance->plugin = std::move(plugin).value();
    if (kind == PluginKind::kOutput && !had_authority_ && context_.checkpoints->available()) {
      instance->commits_checkpoints = true;
      had_authority_ = true;
    }
    auto& list = kind == PluginKind::kInput    ? out_->inputs
                 : kind == PluginKind::kFilter ? out_->filters
                                               : out_->outputs;
    list.push_back(std::move(instance));
    return list.back().get();
  }

  void CompileInputs(const std::vector<config::Statement>& body) {
    for (const config::Statement& st : body) {
      if (st.kind == config::Statement::Kind::kIf) {
        const auto& at = st.branches.empty() ? config::SourceLocation{} : st.branches[0].location;
        Error(config::ConfigError(ast_.files, at, "conditionals are not allowed in `input`",
                                  "move the `if` into the filter or output section"));
        continue;
      }
      CreatePlugin(st.plugin, PluginKind::kInput);
    }
  }

  void CompileSteps(const std::vector<config::Statement>& body, PluginKind kind,
                    std::vector<Step>* steps) {
    for (const config::Statement& st : body) {
      if (st.kind == config::Statement::Kind::kPlugin) {
        PluginInstance* p = CreatePlugin(st.plugin, kind);
        if (p != nullptr) steps->push_back(Step{p, {}});
        continue;
      }
      Step step;
      for (const config::Branch& b : st.branches) {
        Step::Branch branch;
        if (b.condition) {
          auto cond = Condition::Compile(*b.condition, ast_.files);
          if (!cond.ok()) {
            Error(cond.status());
          } else {
            branch.condition.emplace(std::move(cond).value());
          }
        }
        CompileSteps(b.body, kind, &branch.body);
        step.branches.push_back(std::move(branch));
      }
      steps->push_back(std::move(step));
    }
  }

  const config::PipelineAst& ast_;
  const PluginRegistry& registry_;
  const PluginContext& context_;
  std::unique_ptr<CompiledPipeline> out_;
  std::map<std::string, int> counts_;
  bool had_authority_ = false;
  std::string errors_;
};

}  // namespace

Result<std::unique_ptr<CompiledPipeline>> CompilePipeline(const config::PipelineAst& ast,
                                                          const PluginRegistry& registry,
                                                          const PluginContext& context) {
  return Compiler(ast, registry, context).Run();
}

}  // namespace perimeter
