// Carrying out a setup plan (`perimeter setup --apply`) and taking it back (`--undo`): writes the
// files (keeping the originals of those it changes), makes the certificate and the first user
// with the server's own code, runs the commands, and records every step in the manifest first.
// Run from the CLI's main thread.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include "cli/setup_host.h"
#include "cli/setup_options.h"
#include "cli/setup_plan.h"
#include "core/status.h"

namespace perimeter {

// 15 random bytes: a 20-character password, 120 bits, typed once and then kept by a browser.
inline constexpr size_t kAdminPasswordBytes = 15;

struct SetupIo {
  std::ostream& out;
  std::ostream& err;
  // Runs a shell line and returns its exit status (the default: /bin/sh -c).
  std::function<int(const std::string& line)> run;
  // Reads a password without echo (--prompt-password).
  std::function<Result<std::string>(std::string_view prompt)> prompt;
};

// The process's streams, /bin/sh and the terminal.
SetupIo ProcessSetupIo();

// Under options.root every path is prefixed and no command runs (they are printed). A failed
// command stops the apply; what was done so far is in the manifest, so --undo works.
Status ApplySetupPlan(const SetupPlan& plan, const SetupOptions& options, const HostFacts& facts,
                      SetupIo& io);

// Reads the manifest under `root` and takes back what it lists: runs its undo commands (not
// under a root), deletes the files setup created and restores those it changed, unless they
// were changed since (then they are kept and the original's copy is named), and removes the
// directories it created when they are empty.
Status UndoSetup(const std::string& root, SetupIo& io);

}  // namespace perimeter
