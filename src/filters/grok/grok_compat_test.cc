// Compatibility with Logstash, measured on the vectors of shared/compat/grok (see its README):
// every case through our engine with Logstash's own pattern files, and the firewall, syslog,
// httpd and core cases through our built-in library. Each test prints its pass rate and fails on
// any failure not in its allowlist (the known differences, each explained in docs/grok.md), so
// a regression cannot hide behind an unchanged rate.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "core/json.h"
#include "filters/grok/grok_filter.h"

namespace perimeter::grok {
namespace {

const std::string kCompatDir = PERIMETER_SOURCE_DIR "/../shared/compat/grok";

struct Case {
  std::string id;
  std::string pattern;
  std::string ecs;
  std::string input;
  Object raw;  // the whole case
};

std::vector<Case> LoadCases(const std::string& file) {
  std::vector<Case> cases;
  std::ifstream in(kCompatDir + "/" + file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto v = ParseJson(line);
    EXPECT_TRUE(v.ok()) << file << ": " << v.status().ToString();
    if (!v.ok()) continue;
    Case c;
    Object& o = v->as_object();
    c.id = o.Find("id")->as_string();
    c.pattern = o.Find("pattern")->as_string();
    c.ecs = o.Find("ecs_compatibility")->as_string();
    c.input = o.Find("input")->as_string();
    c.raw = std::move(o);
    cases.push_back(std::move(c));
  }
  return cases;
}

// Splits a case's field key: "name", "[a][b]", "[message][-1]".
std::vector<std::string> KeyParts(const std::string& key) {
  if (key.empty() || key[0] != '[') return {key};
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < key.size() && key[i] == '[') {
    size_t close = key.find(']', i);
    parts.push_back(key.substr(i + 1, close - i - 1));
    i = close + 1;
  }
  return parts;
}

const Value* Lookup(const Event& e, const std::string& key) {
  std::vector<std::string> parts = KeyParts(key);
  const Object* obj = &e.fields();
  size_t begin = 0;
  if (parts[0] == "@metadata" && parts.size() > 1) {
    obj = &e.metadata();
    begin = 1;
  }
  const Value* v = nullptr;
  for (size_t i = begin; i < parts.size(); ++i) {
    if (v != nullptr) {
      if (v->is_object()) {
        obj = &v->as_object();
      } else if (v->is_array()) {
        char* end = nullptr;
        long idx = std::strtol(parts[i].c_str(), &end, 10);
        if (*end != '\0') return nullptr;
        long n = static_cast<long>(v->as_array().size());
        if (idx < 0) idx += n;
        if (idx < 0 || idx >= n) return nullptr;
        v = &v->as_array()[static_cast<size_t>(idx)];
        continue;
      } else {
        return nullptr;
      }
    }
    v = obj->Find(parts[i]);
    if (v == nullptr) return nullptr;
  }
  return v;
}

bool SameTyped(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.as_array().size() != b.as_array().size()) return false;
    for (size_t i = 0; i < a.as_array().size(); ++i) {
      if (!SameTyped(a.as_array()[i], b.as_array()[i])) return false;
    }
    return true;
  }
  return a == b;
}

void CollectLeaves(const Object& o, const std::string& prefix, bool top,
                   std::set<std::string>* out) {
  for (size_t i = 0; i < o.size(); ++i) {
    std::string key = top ? o.key(i) : prefix + "[" + o.key(i) + "]";
    std::string nested = top ? "[" + o.key(i) + "]" : key;
    if (o.value(i).is_object() && !o.value(i).as_object().empty()) {
      CollectLeaves(o.value(i).as_object(), nested, false, out);
    } else {
      out->insert(key);
    }
  }
}

// Every rule of the case that the event breaks; empty when it passes.
std::vector<std::string> Check(const Case& c, const Event& e, bool returned) {
  std::vector<std::string> why;
  const Object& r = c.raw;
  bool want_match = r.Find("match")->as_bool();
  bool tagged = e.HasTag("_grokparsefailure");
  if (want_match == tagged || returned != want_match) {
    why.push_back(want_match ? "did not match" : "matched but must not");
  }
  std::set<std::string> loose;
  if (const Value* l = r.Find("loose_type")) {
    for (const Value& f : l->as_array()) loose.insert(f.as_string());
  }
  if (const Value* exp = r.Find("expected")) {
    const Object& o = exp->as_object();
    for (size_t i = 0; i < o.size(); ++i) {
      const Value* got = Lookup(e, o.key(i));
      bool ok = got != nullptr && (loose.count(o.key(i)) ? got->ToText() == o.value(i).ToText()
                                                         : SameTyped(*got, o.value(i)));
      if (!ok) {
        why.push_back(fmt::format("{}: want {} got {}", o.key(i), o.value(i).ToJson(),
                                  got ? got->ToJson() : "(absent)"));
      }
    }
  }
  if (const Value* a = r.Find("absent")) {
    for (const Value& f : a->as_array()) {
      if (const Value* got = Lookup(e, f.as_string())) {
        why.push_back(fmt::format("{} must be absent, is {}", f.as_string(), got->ToJson()));
      }
    }
  }
  if (const Value* p = r.Find("present")) {
    for (const Value& f : p->as_array()) {
      if (Lookup(e, f.as_string()) == nullptr) why.push_back(f.as_string() + " must be present");
    }
  }
  if (const Value* x = r.Find("exact_objects")) {
    std::vector<std::string> mentioned;
    for (const char* k : {"expected", "present"}) {
      if (const Value* m = r.Find(k)) {
        if (m->is_object()) {
          for (size_t i = 0; i < m->as_object().size(); ++i)
            mentioned.push_back(m->as_object().key(i));
        } else {
          for (const Value& f : m->as_array()) mentioned.push_back(f.as_string());
        }
      }
    }
    for (const Value& f : x->as_array()) mentioned.push_back(f.as_string());
    for (const Value& f : x->as_array()) {
      std::vector<std::string> base = KeyParts(f.as_string());
      std::set<std::string> want;
      for (const std::string& m : mentioned) {
        std::vector<std::string> parts = KeyParts(m);
        if (parts.size() > base.size() && std::equal(base.begin(), base.end(), parts.begin())) {
          want.insert(parts[base.size()]);
        }
      }
      const Value* got = Lookup(e, f.as_string());
      std::set<std::string> have;
      if (got != nullptr && got->is_object()) {
        for (size_t i = 0; i < got->as_object().size(); ++i) have.insert(got->as_object().key(i));
      }
      if (have != want) why.push_back(f.as_string() + " has other keys than expected");
    }
  }
  if (const Value* n = r.Find("expected_not")) {
    const Object& o = n->as_object();
    for (size_t i = 0; i < o.size(); ++i) {
      const Value* got = Lookup(e, o.key(i));
      if (got != nullptr && SameTyped(*got, o.value(i))) why.push_back(o.key(i) + " must differ");
    }
  }
  if (const Value* ch = r.Find("checks")) {
    for (const Value& check : ch->as_array()) {
      const Object& o = check.as_object();
      std::string field = o.Find("field")->as_string();
      std::string op = o.Find("op")->as_string();
      std::string want = o.Find("value")->ToText();
      const Value* got = Lookup(e, field);
      bool negate = op.starts_with("not_");
      std::string base = negate ? op.substr(4) : op;
      bool holds = false;
      if (got != nullptr) {
        std::string text = got->ToText();
        if (base == "starts_with") holds = text.starts_with(want);
        if (base == "ends_with") holds = text.ends_with(want);
        if (base == "contains") holds = text.find(want) != std::string::npos;
        if (base == "includes") {
          if (got->is_array()) {
            for (const Value& el : got->as_array()) holds = holds || el.ToText() == want;
          } else {
            holds = text.find(want) != std::string::npos;
          }
        }
      }
      if (holds == negate) why.push_back(fmt::format("check {} {} {} failed", field, op, want));
    }
  }
  if (const Value* allowed = r.Find("allowed_top_level")) {
    std::set<std::string> ok;
    for (const Value& f : allowed->as_array()) ok.insert(f.as_string());
    for (size_t i = 0; i < e.fields().size(); ++i) {
      const std::string& k = e.fields().key(i);
      if (k == "@timestamp" || k == "@version" || k == "@metadata" || k == "message") continue;
      if (!ok.count(k)) why.push_back("unexpected top-level field " + k);
    }
  }
  if (const Value* ex = r.Find("exhaustive"); ex != nullptr && ex->as_bool()) {
    std::set<std::string> have;
    CollectLeaves(e.fields(), "", true, &have);
    std::set<std::string> meta;
    CollectLeaves(e.metadata(), "[@metadata]", false, &meta);
    have.insert(meta.begin(), meta.end());
    have.erase("@timestamp");
    have.erase("@version");
    have.erase("tags");
    std::set<std::string> want;
    if (const Value* exp = r.Find("expected")) {
      for (size_t i = 0; i < exp->as_object().size(); ++i) want.insert(exp->as_object().key(i));
    }
    for (const std::string& k : have) {
      if (!want.count(k)) why.push_back("extra field " + k);
    }
  }
  return why;
}

struct Tally {
  int passed = 0;
  int total = 0;
  std::set<std::string> failed;
};

// Runs `cases` through grok filters built by `make_config`, one filter per distinct
// (flavour, pattern).
template <typename MakeConfig>
Tally RunCases(const std::vector<Case>& cases, MakeConfig make_config) {
  Tally t;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Plugin>> filters;
  for (const Case& c : cases) {
    ++t.total;
    auto key = std::make_pair(c.ecs, c.pattern);
    auto it = filters.find(key);
    if (it == filters.end()) {
      auto cfg = PluginConfig::FromObject(kGrokFilter, make_config(c));
      std::unique_ptr<Plugin> plugin;
      if (cfg.ok()) {
        auto created = kGrokFilter.create(*cfg, PluginContext{});
        if (created.ok()) {
          plugin = std::move(created).value();
        } else {
          std::printf("  FAIL %s  %s\n", c.id.c_str(), created.status().message().c_str());
        }
      }
      it = filters.emplace(key, std::move(plugin)).first;
    }
    if (!it->second) {
      t.failed.insert(c.id);
      continue;
    }
    Event e = Event::FromMessage(c.input, Timestamp(0));
    bool returned = static_cast<FilterPlugin*>(it->second.get())->Filter(e);
    std::vector<std::string> why = Check(c, e, returned);
    if (why.empty()) {
      ++t.passed;
    } else {
      t.failed.insert(c.id);
      std::string all;
      for (const auto& w : why) all += "\n    " + w;
      std::printf("  FAIL %s  %s%s\n", c.id.c_str(), c.pattern.substr(0, 60).c_str(), all.c_str());
    }
  }
  return t;
}

void ExpectOnlyKnownFailures(const Tally& t, const std::set<std::string>& allowed,
                             const char* what) {
  std::printf("%s: %d/%d cases pass (%.1f%%)\n", what, t.passed, t.total,
              t.total ? 100.0 * t.passed / t.total : 0.0);
  for (const std::string& id : t.failed) {
    EXPECT_TRUE(allowed.count(id))
        << what << ": case " << id << " fails and is not a known failure";
  }
  for (const std::string& id : allowed) {
    if (!t.failed.count(id)) {
      std::printf("  note: known failure %s now passes; remove it from the allowlist\n",
                  id.c_str());
    }
  }
}

bool HaveCorpus() { return std::ifstream(kCompatDir + "/cases.jsonl").good(); }

// Cases that fail with Logstash's own pattern files, each for a reason in docs/grok.md.
const std::set<std::string> kEngineKnownFailures = {};

TEST(GrokCompat, EngineRunsEveryVectorWithLogstashPatterns) {
  if (!HaveCorpus()) GTEST_SKIP() << "no " << kCompatDir;
  std::vector<Case> cases = LoadCases("cases.jsonl");
  std::vector<Case> firewall = LoadCases("firewall-cases.jsonl");
  cases.insert(cases.end(), firewall.begin(), firewall.end());
  ASSERT_EQ(cases.size(), 507u);
  Tally t = RunCases(cases, [](const Case& c) {
    Object o;
    Object match;
    match.Set("message", c.pattern);
    o.Set("match", std::move(match));
    std::string flavour = c.ecs == "disabled" ? "legacy" : "ecs-v1";
    o.Set("patterns_dir", Array{Value(kCompatDir + "/patterns/" + flavour)});
    o.Set("ecs_compatibility", c.ecs);
    return o;
  });
  ExpectOnlyKnownFailures(t, kEngineKnownFailures, "engine compatibility (Logstash patterns)");
}

// The spec files whose patterns the built-in library carries (plus every firewall case).
bool InLibraryFamilies(const Case& c) {
  for (const char* prefix :
       {"core_spec.rb:", "firewalls_spec.rb:", "shorewall_spec.rb:", "netscreen_spec.rb:",
        "syslog_spec.rb:", "httpd_spec.rb:", "firewall:"}) {
    if (c.id.starts_with(prefix)) return true;
  }
  return false;
}

// Cases of those families our own pattern text does not pass, each explained in docs/grok.md:
// all are Cisco ASA messages the built-in library does not carry yet (104001, 110002, 304001,
// 313005, 402117, 402119, 419001, 419002, 602303_602304, 710001..., 713172, 733100); load
// Logstash's firewalls file with patterns_dir for those.
const std::set<std::string> kLibraryKnownFailures = {
    "firewalls_spec.rb:11",  "firewalls_spec.rb:13",  "firewalls_spec.rb:242",
    "firewalls_spec.rb:249", "firewalls_spec.rb:262", "firewalls_spec.rb:272",
    "firewalls_spec.rb:379", "firewalls_spec.rb:408", "firewalls_spec.rb:416",
    "firewalls_spec.rb:428", "firewalls_spec.rb:439", "firewalls_spec.rb:454",
    "firewalls_spec.rb:469", "firewalls_spec.rb:484", "firewalls_spec.rb:493",
    "firewalls_spec.rb:507", "firewalls_spec.rb:518", "firewalls_spec.rb:532",
    "firewalls_spec.rb:541", "firewalls_spec.rb:556", "firewalls_spec.rb:563",
    "firewalls_spec.rb:577", "firewalls_spec.rb:587",
};

TEST(GrokCompat, BuiltinLibraryPassesTheFamiliesItCovers) {
  if (!HaveCorpus()) GTEST_SKIP() << "no " << kCompatDir;
  std::vector<Case> all = LoadCases("cases.jsonl");
  std::vector<Case> firewall = LoadCases("firewall-cases.jsonl");
  all.insert(all.end(), firewall.begin(), firewall.end());
  std::vector<Case> cases;
  std::copy_if(all.begin(), all.end(), std::back_inserter(cases), InLibraryFamilies);
  Tally t = RunCases(cases, [](const Case& c) {
    Object o;
    Object match;
    match.Set("message", c.pattern);
    o.Set("match", std::move(match));
    o.Set("ecs_compatibility", c.ecs);
    return o;
  });
  ExpectOnlyKnownFailures(t, kLibraryKnownFailures, "library compatibility (built-in patterns)");
}

}  // namespace
}  // namespace perimeter::grok
