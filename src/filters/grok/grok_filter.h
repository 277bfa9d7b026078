// The `grok` filter: parses text fields with grok patterns (named regular expressions) into event
// fields, with Logstash's options and semantics. Created once per pipeline from its options;
// immutable afterwards but for each pattern's lock-free table of store programs (ShapeTable),
// so any number of workers may call Filter() at once (each thread matches with its own PCRE2
// scratch memory).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/field_ref.h"
#include "filters/grok/fresh_store_plan.h"
#include "filters/grok/grok_pattern.h"
#include "pipeline/plugin_config.h"
#include "pipeline/plugin_spec.h"

namespace perimeter {

extern const PluginSpec kGrokFilter;

namespace grok {

class GrokFilter : public FilterPlugin {
 public:
  static Result<std::unique_ptr<Plugin>> Create(const PluginConfig& config,
                                                const PluginContext& context);

  bool Filter(Event& event) override;
  void AppendStats(Object* out) const override;

  // Stores every match with the general fresh-store loop instead of the per-shape programs
  // (ShapeProgram): for tests and benchmarks that compare the two. Before any Filter() call.
  void DisableShapePrograms() { shape_programs_ = false; }

  // The compiled patterns, by source field (tests, the debugger).
  size_t field_count() const { return fields_.size(); }
  const GrokPattern& pattern(size_t field, size_t i) const { return *fields_[field].patterns[i]; }

 private:
  // Where one capture of one pattern goes.
  struct CaptureTarget {
    FieldRef field;
    // Per path level, how many distinct children the pattern puts in the object there: new
    // objects are created with that capacity, so storing a match does not regrow them.
    std::vector<uint16_t> children;
    bool valid = false;      // the field reference parsed; storing into it "raises" otherwise
    bool overwrite = false;  // named in `overwrite`: replace instead of append
  };
  struct FieldPatterns {
    FieldRef field;
    std::vector<std::unique_ptr<GrokPattern>> patterns;
    std::vector<std::vector<CaptureTarget>> targets;  // per pattern, parallel to its captures
    std::vector<uint16_t> top_level_fields;  // per pattern: distinct top-level fields it sets
    std::vector<FreshStorePlan> fresh;       // per pattern
    // Some capture stores under the source field's top-level name, so the subject must be
    // copied before storing; otherwise a string field's text is matched in place.
    bool captures_touch_source = true;
  };
  enum class FieldResult { kNoMatch, kMatch, kTimeout };

  GrokFilter() = default;
  FieldResult MatchField(const FieldPatterns& fp, Event& event, MatchScratch& scratch) const;
  FieldResult MatchInput(const FieldPatterns& fp, std::string_view subject, Event& event,
                         MatchScratch& scratch) const;
  // Stores the captures of the last match; false when a capture names an invalid field (where
  // Logstash's event raises, failing this field's match).
  bool StoreCaptures(const GrokPattern& grok, const std::vector<CaptureTarget>& targets,
                     std::string_view subject, const MatchScratch& scratch, Event& event) const;
  // The same for an event with none of the plan's top-level fields: appends without lookups.
  void StoreFresh(const GrokPattern& grok, const FreshStorePlan& plan,
                  const std::vector<CaptureTarget>& targets, std::string_view subject,
                  const MatchScratch& scratch, Event& event) const;

  std::vector<FieldPatterns> fields_;
  bool break_on_match_ = true;
  bool keep_empty_captures_ = false;
  // Fresh stores run per-shape programs; not with keep_empty_captures (every capture is stored
  // then, so there is one shape, and unset ones become nulls, which programs do not make).
  bool shape_programs_ = true;
  std::vector<std::string> tag_on_failure_;
  std::string tag_on_timeout_;
  uint32_t match_limit_ = kMaxMatchLimit;
  bool event_scope_timeout_ = false;
  std::chrono::milliseconds timeout_{0};

  mutable std::atomic<uint64_t> matches_{0};
  mutable std::atomic<uint64_t> failures_{0};
  mutable std::atomic<uint64_t> timeouts_{0};
};

}  // namespace grok
}  // namespace perimeter
