// Expands the file input's `path` patterns into the paths they match right now, with the glob
// syntax Logstash's file input accepts (Ruby's Dir.glob): `*`, `?`, `[...]`, `{a,b}`, and `**`
// for any number of directories (symlinked directories are not descended into). Stateless.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace perimeter {

// A directory the expansion could not list (errno), e.g. EACCES on /var/log/private.
struct GlobProblem {
  std::string directory;
  int error = 0;
};

// True when `pattern` has any glob syntax.
bool HasGlobSyntax(std::string_view pattern);

// "a{b,c}d{e,f}" → abde, abdf, acde, acdf. Unbalanced braces are taken literally.
std::vector<std::string> ExpandBraces(std::string_view pattern);

// The paths matching any of `patterns` whose file name matches none of `excludes`, sorted and
// without duplicates. Paths of literal patterns are returned whether or not they exist (the
// caller stats every path anyway). Directories that cannot be listed are added to `problems`
// when it is not null (ENOENT is not a problem: the directory may appear later).
std::vector<std::string> ExpandPaths(const std::vector<std::string>& patterns,
                                     const std::vector<std::string>& excludes,
                                     std::vector<GlobProblem>* problems);

}  // namespace perimeter
