#include "filters/grok/grok_filter.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "filters/grok/capture_append.h"
#include "filters/grok/ruby_number.h"

namespace perimeter {

namespace grok {

namespace {

// Logstash converts a non-string field to text before matching (`input.to_s`); nil becomes "".
void AppendSubject(const Value* v, std::string* out) {
  if (v == nullptr || v->is_null()) return;
  if (v->is_string()) {
    out->append(v->as_string());
  } else {
    v->AppendText(out);
  }
}

// The slot for `ref`, created (null) with any missing parent objects, as Event::Set does.
// `children[i]` is the capacity to give a parent object created at level i.
Value& Slot(Event& event, const FieldRef& ref, const std::vector<uint16_t>& children) {
  const auto& path = ref.path();
  Object* obj = &event.fields();
  size_t begin = 0;
  if (ref.is_metadata()) {
    if (path.size() == 1) return event.fields().GetOrInsert("@metadata");
    obj = &event.metadata();
    begin = 1;
  }
  for (size_t i = begin; i + 1 < path.size(); ++i) {
    Value& next = obj->GetOrInsert(path[i]);
    if (!next.is_object()) {
      Object fresh;
      fresh.Reserve(children[i]);
      next = std::move(fresh);
    }
    obj = &next.as_object();
  }
  return obj->GetOrInsert(path.back());
}

// For every capture target, the number of distinct children each parent object on its path gets
// from this pattern; and the number of distinct top-level fields.
template <typename Target>
uint16_t FillChildCounts(std::vector<Target>& targets) {
  std::vector<std::pair<std::vector<std::string>, std::string>> edges;  // (parent path, child)
  for (const Target& t : targets) {
    if (!t.valid) continue;
    const auto& path = t.field.path();
    for (size_t i = 0; i < path.size(); ++i) {
      std::pair<std::vector<std::string>, std::string> edge(
          std::vector<std::string>(path.begin(), path.begin() + static_cast<ptrdiff_t>(i)),
          path[i]);
      if (std::find(edges.begin(), edges.end(), edge) == edges.end()) edges.push_back(edge);
    }
  }
  auto count = [&](const std::vector<std::string>& parent) {
    return static_cast<uint16_t>(std::count_if(edges.begin(), edges.end(),
                                               [&](const auto& e) { return e.first == parent; }));
  };
  for (Target& t : targets) {
    if (!t.valid) continue;
    const auto& path = t.field.path();
    t.children.assign(path.size(), 0);
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      t.children[i] = count(
          std::vector<std::string>(path.begin(), path.begin() + static_cast<ptrdiff_t>(i + 1)));
    }
  }
  return count({});
}

// The fresh-store plan of one pattern's targets; unusable when a target is invalid, in
// `[@metadata]`, or a field both set and nested into (`[a]` and `[a][b]`): those take the
// general path.
template <typename Plan, typename Target>
Plan BuildFreshPlan(const std::vector<GrokCapture>& captures, const std::vector<Target>& targets) {
  Plan plan;
  std::vector<char> is_parent, is_leaf;
  for (size_t c = 0; c < targets.size(); ++c) {
    const Target& t = targets[c];
    if (!t.valid || t.field.empty() || t.field.is_metadata()) return Plan{};
    const auto& path = t.field.path();
    int32_t parent = -1;
    for (size_t i = 0; i < path.size(); ++i) {
      int32_t found = -1;
      for (size_t n = 0; n < plan.nodes.size(); ++n) {
        if (plan.nodes[n].parent == parent && plan.nodes[n].key.str() == path[i]) {
          found = static_cast<int32_t>(n);
          break;
        }
      }
      if (found < 0) {
        if (plan.nodes.size() == Plan::kMaxNodes) return Plan{};
        found = static_cast<int32_t>(plan.nodes.size());
        plan.nodes.push_back({parent, FieldKey(path[i]), 0});
        is_parent.push_back(0);
        is_leaf.push_back(0);
        if (parent >= 0) {
          ++plan.nodes[static_cast<size_t>(parent)].children;
        } else {
          const FieldKey& key = plan.nodes.back().key;
          plan.top_keys.push_back(key);
          // An owned name (the pool was full) has no usable IdBit: no filter then.
          plan.top_key_bits |= key.interned() ? key.IdBit() : ~uint64_t{0};
        }
      }
      const auto at = static_cast<size_t>(found);
      const bool last = i + 1 == path.size();
      if (last ? is_parent[at] : is_leaf[at]) return Plan{};
      (last ? is_leaf : is_parent)[at] = 1;
      parent = found;
    }
    plan.captures.push_back({captures[c].group, parent, captures[c].conversion});
  }
  // Slots: parents number the objects made while storing, repeated leaves the fields already
  // stored; a node is one or the other (checked above), and only those are cleared per event.
  for (size_t n = 0; n < plan.nodes.size(); ++n) {
    if (is_parent[n]) {
      plan.nodes[n].slot = plan.parents++;
      plan.nested_members += plan.nodes[n].children;
    }
  }
  for (auto& c : plan.captures) {
    const int32_t above = plan.nodes[static_cast<size_t>(c.leaf)].parent;
    if (above >= 0) c.parent_slot = plan.nodes[static_cast<size_t>(above)].slot;
    c.repeated = std::count_if(plan.captures.begin(), plan.captures.end(),
                               [&](const auto& other) { return other.leaf == c.leaf; }) > 1;
    auto& leaf = plan.nodes[static_cast<size_t>(c.leaf)];
    if (c.repeated && leaf.slot == Plan::kNoSlot) leaf.slot = plan.repeats++;
  }
  for (const auto& c : plan.captures) plan.groups = std::max(plan.groups, c.group);
  if (plan.groups <= FreshStorePlan::kMaxShapeGroups) {
    for (const auto& c : plan.captures) {
      plan.captured_groups |= uint64_t{1} << (c.group - 1);
      if (c.conversion != Conversion::kNone) plan.converted |= uint64_t{1} << (c.group - 1);
    }
    plan.shapes = std::make_unique<ShapeTable>();
  }
  plan.usable = true;
  return plan;
}

// True when the event already has one of the plan's top-level fields.
template <typename Plan>
bool HasTopLevelField(const Plan& plan, const Object& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    // Interned names are told apart by one AND, mostly, and then by their pointers.
    const FieldKey& key = fields.field_key(i);
    if (key.interned() && (plan.top_key_bits & key.IdBit()) == 0) continue;
    for (const FieldKey& top : plan.top_keys) {
      if (top == key) return true;
    }
  }
  return false;
}

// The objects one fresh store makes: indexed by the plan's parent slots, their room carved
// from one block made at first need (and let go of when the store is done).
struct FreshObjects {
  FreshObjects(Object* top, Object** made) : top(top), made(made) {}
  FreshObjects(const FreshObjects&) = delete;
  FreshObjects& operator=(const FreshObjects&) = delete;
  ~FreshObjects() {
    if (block != nullptr) block->Done();
  }

  Object* top;
  Object** made;
  MemberBlock* block = nullptr;
};

// The object node `n` holds, created (with its final capacity) in its parent on first use,
// with any of its parents not made yet.
Object* FreshObject(const FreshStorePlan& plan, int32_t n, FreshObjects& objects) {
  if (objects.block == nullptr) {
    objects.block = MemberBlock::Create(plan.nested_members * sizeof(ObjectMember));
  }
  auto object_of = [&](int32_t at) -> Object*& {
    return objects.made[plan.nodes[static_cast<size_t>(at)].slot];
  };
  plan.MakeMissing(
      n, [&](int32_t at) { return object_of(at) != nullptr; },
      [&](int32_t at) {
        const auto& node = plan.nodes[static_cast<size_t>(at)];
        Object* parent = node.parent < 0 ? objects.top : object_of(node.parent);
        object_of(at) = &parent->AppendObject(node.key, node.children, objects.block);
      });
  return object_of(n);
}

// Logstash's rule for a capture landing on a field that is already set: replace when
// overwriting or when it is null, append to an array, turn a string into an array of both;
// any other existing value (a number, an object) is left alone.
void MergeCapture(Value& slot, Value value, bool overwrite) {
  if (overwrite || slot.is_null()) {
    slot = std::move(value);
  } else if (slot.is_array()) {
    slot.as_array().push_back(std::move(value));
  } else if (slot.is_string()) {
    Value first = std::move(slot);
    Array both;
    both.reserve(2);
    both.push_back(std::move(first));
    both.push_back(std::move(value));
    slot = std::move(both);
  }
}

}  // namespace

Result<std::unique_ptr<Plugin>> GrokFilter::Create(const PluginConfig& config,
                                                   const PluginContext& context) {
  std::unique_ptr<GrokFilter> f(new GrokFilter());
  std::string ecs = config.IsSet("ecs_compatibility") ? config.GetString("ecs_compatibility")
                                                      : context.ecs_compatibility;
  ASSIGN_OR_RETURN(PatternLibrary library, PatternLibrary::Builtin(ecs));
  std::string glob = config.GetString("patterns_files_glob");
  for (const std::string& dir : config.GetStrings("patterns_dir")) {
    RETURN_IF_ERROR(library.AddDirectory(dir, glob));
  }
  const Object& inline_defs = config.GetHash("pattern_definitions");
  for (size_t i = 0; i < inline_defs.size(); ++i) {
    std::string regex = inline_defs.value(i).ToText();
    while (!regex.empty() && (regex.back() == '\n' || regex.back() == '\r')) regex.pop_back();
    library.Add(inline_defs.key(i), regex);
  }

  f->break_on_match_ = config.GetBool("break_on_match");
  f->keep_empty_captures_ = config.GetBool("keep_empty_captures");
  f->shape_programs_ = !f->keep_empty_captures_;
  f->tag_on_failure_ = config.GetStrings("tag_on_failure");
  f->tag_on_timeout_ = config.GetString("tag_on_timeout");
  double timeout_millis = config.GetNumber("timeout_millis");
  if (timeout_millis < 0) {
    return Status::InvalidArgument("grok: timeout_millis must be 0 (no timeout) or positive");
  }
  if (timeout_millis > 0) {
    double steps = timeout_millis * kMatchStepsPerMilli;
    f->match_limit_ = static_cast<uint32_t>(std::clamp(steps, 1.0, double{kMaxMatchLimit}));
    f->timeout_ = std::chrono::milliseconds(static_cast<int64_t>(timeout_millis));
    f->event_scope_timeout_ = config.GetString("timeout_scope") == "event";
  }
  bool named_captures_only = config.GetBool("named_captures_only");
  std::vector<std::string> overwrite = config.GetStrings("overwrite");
  std::string target = config.GetString("target");

  const Object& match = config.GetHash("match");
  if (match.empty()) {
    return Status::InvalidArgument(
        "grok: `match` is empty; give it a field and a pattern, e.g. "
        "match => { \"message\" => \"%{SYSLOGLINE}\" }");
  }
  for (size_t i = 0; i < match.size(); ++i) {
    FieldPatterns fp;
    bool touches_source = false;
    auto field = FieldRef::Parse(match.key(i));
    if (!field.ok()) {
      return Status::InvalidArgument(
          fmt::format("grok: match field '{}': {}", match.key(i), field.status().message()));
    }
    fp.field = std::move(field).value();
    std::vector<std::string> patterns;
    const Value& v = match.value(i);
    if (v.is_array()) {
      for (const Value& p : v.as_array()) patterns.push_back(p.ToText());
    } else {
      patterns.push_back(v.ToText());
    }
    for (const std::string& text : patterns) {
      auto compiled = GrokPattern::Compile(text, library, named_captures_only);
      if (!compiled.ok()) {
        return Status::InvalidArgument(fmt::format("grok: match => {{ \"{}\" => ... }}: {}",
                                                   match.key(i), compiled.status().message()));
      }
      std::vector<CaptureTarget> targets;
      for (const GrokCapture& c : (*compiled)->captures()) {
        CaptureTarget t;
        t.overwrite =
            std::find(overwrite.begin(), overwrite.end(), c.field_text) != overwrite.end();
        if (target.empty()) {
          t.valid = c.field_valid;
          t.field = c.field;
        } else {
          std::string full =
              c.field_text.starts_with('[') ? c.field_text : "[" + c.field_text + "]";
          auto ref = FieldRef::Parse(target.starts_with('[') ? target + full
                                                             : fmt::format("[{}]{}", target, full));
          t.valid = ref.ok() && c.field_valid;
          if (ref.ok()) t.field = std::move(ref).value();
        }
        targets.push_back(std::move(t));
      }
      fp.top_level_fields.push_back(FillChildCounts(targets));
      fp.fresh.push_back(BuildFreshPlan<FreshStorePlan>((*compiled)->captures(), targets));
      for (const CaptureTarget& t : targets) {
        if (t.valid && !t.field.empty() && t.field.path()[0] == fp.field.path()[0]) {
          touches_source = true;
        }
      }
      fp.patterns.push_back(std::move(compiled).value());
      fp.targets.push_back(std::move(targets));
    }
    fp.captures_touch_source = touches_source || fp.field.empty();
    f->fields_.push_back(std::move(fp));
  }
  return std::unique_ptr<Plugin>(std::move(f));
}

bool GrokFilter::Filter(Event& event) {
  MatchScratch& scratch = MatchScratch::ForThisThread();
  bool matched = false;
  for (const FieldPatterns& fp : fields_) {
    FieldResult r = MatchField(fp, event, scratch);
    if (r == FieldResult::kTimeout) {
      // Logstash's timeout exception leaves the filter: no failure tag, no add_field/add_tag.
      timeouts_.fetch_add(1, std::memory_order_relaxed);
      event.AddTag(tag_on_timeout_);
      return false;
    }
    if (r == FieldResult::kMatch) {
      matched = true;
      if (break_on_match_) break;
    }
  }
  if (matched) {
    matches_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  failures_.fetch_add(1, std::memory_order_relaxed);
  for (const std::string& tag : tag_on_failure_) event.AddTag(tag);
  return false;
}

GrokFilter::FieldResult GrokFilter::MatchField(const FieldPatterns& fp, Event& event,
                                               MatchScratch& scratch) const {
  const Value* v = event.Get(fp.field);
  if (v != nullptr && v->is_array()) {
    // Each element is matched in turn; copied first, as captures may append to this very array.
    std::vector<std::string> subjects;
    for (const Value& e : v->as_array()) AppendSubject(&e, &subjects.emplace_back());
    bool success = false;
    for (const std::string& s : subjects) {
      FieldResult r = MatchInput(fp, s, event, scratch);
      if (r == FieldResult::kTimeout) return r;
      success |= r == FieldResult::kMatch;
    }
    return success ? FieldResult::kMatch : FieldResult::kNoMatch;
  }
  // A heap-held string is matched in place when no capture stores under its field: storing
  // may move the std::string (its object grows) but not the heap text. Otherwise a copy, as
  // storing could replace the text being read.
  if (v != nullptr && v->is_string() && !fp.captures_touch_source &&
      v->as_string().capacity() > std::string().capacity()) {
    return MatchInput(fp, v->as_string(), event, scratch);
  }
  std::string& subject = scratch.subject();
  subject.clear();
  AppendSubject(v, &subject);
  return MatchInput(fp, subject, event, scratch);
}

GrokFilter::FieldResult GrokFilter::MatchInput(const FieldPatterns& fp, std::string_view subject,
                                               Event& event, MatchScratch& scratch) const {
  std::chrono::steady_clock::time_point deadline;
  if (event_scope_timeout_) deadline = std::chrono::steady_clock::now() + timeout_;
  // As Logstash: the result is that of the last pattern tried, so with break_on_match => false
  // a failing last pattern makes the field a failure even when an earlier one matched.
  bool matched = false;
  for (size_t i = 0; i < fp.patterns.size(); ++i) {
    if (event_scope_timeout_ && i > 0 && std::chrono::steady_clock::now() > deadline) {
      return FieldResult::kTimeout;
    }
    const GrokPattern& grok = *fp.patterns[i];
    MatchOutcome outcome = grok.Match(subject, scratch, match_limit_);
    if (outcome == MatchOutcome::kLimitExceeded) return FieldResult::kTimeout;
    matched = outcome == MatchOutcome::kMatch;
    if (matched) {
      const FreshStorePlan& plan = fp.fresh[i];
      if (plan.usable && !HasTopLevelField(plan, event.fields())) {
        StoreFresh(grok, plan, fp.targets[i], subject, scratch, event);
      } else {
        // One growth of the event's field list at most, instead of doubling while storing.
        event.fields().Reserve(event.fields().size() + fp.top_level_fields[i]);
        if (!StoreCaptures(grok, fp.targets[i], subject, scratch, event)) {
          return FieldResult::kNoMatch;
        }
      }
      if (break_on_match_) break;
    }
  }
  return matched ? FieldResult::kMatch : FieldResult::kNoMatch;
}

bool GrokFilter::StoreCaptures(const GrokPattern& grok, const std::vector<CaptureTarget>& targets,
                               std::string_view subject, const MatchScratch& scratch,
                               Event& event) const {
  const auto& captures = grok.captures();
  for (size_t i = 0; i < captures.size(); ++i) {
    const GrokCapture& c = captures[i];
    std::string_view text;
    bool present = grok.Group(scratch, c.group, subject, &text);
    if (!keep_empty_captures_ &&
        (!present || (text.empty() && c.conversion == Conversion::kNone))) {
      continue;
    }
    const CaptureTarget& t = targets[i];
    if (!t.valid) return false;
    Value value = present ? CapturedValue(text, c.conversion) : Value();
    MergeCapture(Slot(event, t.field, t.children), std::move(value), t.overwrite);
  }
  return true;
}

void GrokFilter::StoreFresh(const GrokPattern& grok, const FreshStorePlan& plan,
                            const std::vector<CaptureTarget>& targets, std::string_view subject,
                            const MatchScratch& scratch, Event& event) const {
  if (plan.shapes != nullptr && shape_programs_) {
    // The usual way: the straight-line program of this line's shape, built at its first match.
    const uint64_t shape = plan.ShapeOf(scratch.ovector(), subject.size());
    const ShapeProgram* program = plan.shapes->Find(shape);
    if (program == nullptr && !plan.shapes->full()) {
      program = plan.shapes->Insert(ShapeProgram::Build(plan, shape));
    }
    if (program != nullptr && !program->merges()) {
      program->Store(scratch.ovector(), subject, &event.fields());
      return;
    }
  }
  // The loop reaches nested objects by pointer while storing, so the event's field list must
  // not move then: it gets room for every top-level field first (nested objects are made with
  // theirs by FreshObject). Flat fields may move: the list usually has room already (an
  // input's event is made with 24), and reserving for every optional capture would reallocate.
  if (plan.parents > 0) event.fields().Reserve(event.fields().size() + plan.top_keys.size());
  std::array<Object*, FreshStorePlan::kMaxNodes> made;  // NOLINT: the used part is cleared
  std::array<bool, FreshStorePlan::kMaxNodes> stored;   // NOLINT
  std::fill_n(made.begin(), plan.parents, nullptr);
  std::fill_n(stored.begin(), plan.repeats, false);
  Object* top = &event.fields();
  FreshObjects objects{top, made.data()};
  // Loop invariants in locals: the compiler would reload members after every byte stored (a
  // char store may alias anything).
  const bool keep_empty = keep_empty_captures_;
  const FreshStorePlan::Node* const nodes = plan.nodes.data();
  const size_t count = plan.captures.size();
  for (size_t i = 0; i < count; ++i) {
    const FreshStorePlan::Capture& c = plan.captures[i];
    std::string_view text;
    const bool present = grok.Group(scratch, c.group, subject, &text);
    if (!keep_empty && (!present || (text.empty() && c.conversion == Conversion::kNone))) {
      continue;
    }
    const FreshStorePlan::Node& node = nodes[static_cast<size_t>(c.leaf)];
    Object* parent = top;
    if (c.parent_slot != FreshStorePlan::kNoSlot) {
      // Made by an earlier capture of the same object, usually: only the first one creates it.
      parent = made[c.parent_slot];
      if (parent == nullptr) parent = FreshObject(plan, node.parent, objects);
    }
    if (c.repeated) {
      if (stored[node.slot]) {
        // A name captured twice in one pattern (alternatives, repeated groups).
        Value value = present ? CapturedValue(text, c.conversion) : Value();
        MergeCapture(*parent->Find(node.key), std::move(value), targets[i].overwrite);
        continue;
      }
      stored[node.slot] = true;
    }
    if (present) {
      // The bytes readable from the text on: the rest of the subject.
      const auto readable = subject.size() - static_cast<size_t>(text.data() - subject.data());
      AppendCaptured(parent, node.key, text, c.conversion, readable);
    } else {
      parent->AppendAbsent(node.key);
    }
  }
}

void GrokFilter::AppendStats(Object* out) const {
  out->Set("matches", static_cast<int64_t>(matches_.load(std::memory_order_relaxed)));
  out->Set("failures", static_cast<int64_t>(failures_.load(std::memory_order_relaxed)));
  out->Set("timeouts", static_cast<int64_t>(timeouts_.load(std::memory_order_relaxed)));
  size_t programs = 0;  // line shapes stored by a program (see ShapeProgram)
  for (const FieldPatterns& fp : fields_) {
    for (const FreshStorePlan& plan : fp.fresh) programs += plan.shapes ? plan.shapes->size() : 0;
  }
  out->Set("shape_programs", static_cast<int64_t>(programs));
}

}  // namespace grok

const PluginSpec kGrokFilter = {
    .name = "grok",
    .kind = PluginKind::kFilter,
    .help =
        "Parses unstructured text into fields with grok patterns (named regular "
        "expressions), as Logstash's grok filter.",
    .options =
        {
            {"match", OptionType::kHash, Value(Object()),
             "field => pattern, or field => [patterns] tried in order (also the old array form "
             "[\"message\", \"pattern\"])"},
            {"patterns_dir", OptionType::kArray, Value(Array()),
             "directories (or files) of extra pattern definitions; they override built-in names"},
            {"patterns_files_glob", OptionType::kString, Value("*"),
             "which files of each patterns_dir to load (shell glob)"},
            {"pattern_definitions", OptionType::kHash, Value(Object()),
             "inline pattern definitions NAME => regex, for this filter only; override all others"},
            {"break_on_match", OptionType::kBoolean, Value(true),
             "stop at the first pattern (and field) that matches"},
            {"named_captures_only", OptionType::kBoolean, Value(true),
             "capture only %{NAME:field} and (?<field>...), not bare %{NAME}"},
            {"keep_empty_captures", OptionType::kBoolean, Value(false),
             "store captures that matched nothing (or did not take part) as empty/null fields"},
            {"overwrite", OptionType::kArray, Value(Array()),
             "fields a capture replaces; other existing fields get the capture appended"},
            {"tag_on_failure", OptionType::kArray, Value(Array{Value("_grokparsefailure")}),
             "tags added when no pattern matches (the event is kept)"},
            {"tag_on_timeout", OptionType::kString, Value("_groktimeout"),
             "tag added when matching exceeds timeout_millis or the backtracking limit"},
            {"timeout_millis", OptionType::kNumber, Value(30000),
             "time budget of one match (0 = none); enforced as a backtracking-step budget, capped "
             "at 10 million steps whatever the value"},
            {"timeout_scope",
             OptionType::kString,
             Value("pattern"),
             "apply timeout_millis to each pattern, or to all patterns of a field value ('event')",
             false,
             {"pattern", "event"}},
            {"ecs_compatibility",
             OptionType::kString,
             Value(),
             "built-in pattern flavour: disabled (legacy field names) or v1/v8 (ECS names); "
             "defaults to the pipeline's setting",
             false,
             {"disabled", "v1", "v8"}},
            {"target", OptionType::kString, Value(),
             "put every capture under this field instead of at the top level"},
        },
    .create = &grok::GrokFilter::Create,
};

}  // namespace perimeter
