// The syntax tree of a Logstash pipeline config, as the parser produces it.
// Plain data; owned by whoever parsed it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/field_ref.h"
#include "core/value.h"

namespace perimeter::config {

// 1-based line and column (in bytes) within `file`.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

// One config file's name and text; kept so that diagnostics can quote the offending line.
struct SourceFile {
  std::string path;
  std::string text;
};

// `name => value`. Values: strings (either quote style, escapes resolved), integers, floats,
// booleans, barewords (as strings), arrays and hashes (as Object, keys in source order).
// A repeated key inside one hash literal keeps both entries' values as an array.
struct Setting {
  std::string name;
  Value value;
  SourceLocation location;  // of the setting's name
  // `codec => json_lines { charset => "UTF-8" }`: the block's settings; `value` holds the name.
  std::vector<Setting> block;
};

struct PluginNode {
  std::string name;
  std::vector<Setting> settings;  // in source order; repeated names appear repeatedly
  SourceLocation location;        // of the plugin's name
};

// A condition of `if` / `else if`.
struct Expr {
  enum class Kind {
    kField,    // [a][b]                 -> field
    kLiteral,  // "str", 'str', 12, 1.5  -> literal
    kList,     // ["a", "b"] (right side of `in`) -> children (kLiteral)
    kRegex,    // /re/ (right side of =~ / !~) -> regex
    kCompare,  // == != < > <= >=        -> op, children[0], children[1]
    kMatch,    // =~ !~                  -> op, children[0], children[1] (kRegex or kLiteral)
    kIn,       // in, not in             -> op ("in" | "not in"), children[0], children[1]
    kLogical,  // and or xor nand        -> op, children[0], children[1]
    kNot,      // ! expr                 -> children[0]
  };
  Kind kind = Kind::kLiteral;
  std::string op;
  FieldRef field;
  Value literal;
  std::string regex;
  std::vector<std::unique_ptr<Expr>> children;
  SourceLocation location;
};

struct Statement;

struct Branch {
  std::unique_ptr<Expr> condition;  // null for `else`
  std::vector<Statement> body;
  SourceLocation location;
};

struct Statement {
  enum class Kind { kPlugin, kIf };
  Kind kind = Kind::kPlugin;
  PluginNode plugin;             // kPlugin
  std::vector<Branch> branches;  // kIf: if, else if..., optional else last
};

enum class SectionKind { kInput, kFilter, kOutput };

struct Section {
  SectionKind kind = SectionKind::kInput;
  std::vector<Statement> body;
  SourceLocation location;
};

// All sections of all files, in order (several `filter {}` blocks may appear).
struct PipelineAst {
  std::vector<Section> sections;
  std::vector<SourceFile> files;  // the sources, for diagnostics after parsing
};

}  // namespace perimeter::config
