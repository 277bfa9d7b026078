// The plan of `perimeter setup`: every directory and file it will write (with the full text, or
// what it adds to a file that exists), what it generates (certificate, first user), every
// command it will run, and what --undo will run. Built by a pure function of the options and
// the host's facts, printed before anything happens and carried out by ApplySetupPlan.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "cli/setup_host.h"
#include "cli/setup_options.h"

namespace perimeter {

struct PlannedDirectory {
  std::string path;  // absolute, without --root
  mode_t mode = 0755;
  std::string why;
};

struct PlannedFile {
  std::string path;       // absolute, without --root
  std::string content;    // the whole new text (unless copy_from is set)
  std::string copy_from;  // a file of this machine copied as is (the binary, a database)
  mode_t mode = 0644;     // for a new file; a changed file keeps its mode
  std::string why;
  std::optional<std::string> previous;  // the text it replaces, when the file exists
};

struct PlannedCommand {
  std::string line;  // run with /bin/sh -c
  std::string why;
};

struct SetupPlan {
  Choice firewall;
  Choice syslog;
  std::vector<std::string> ignore;  // final list written to the settings
  std::vector<PlannedDirectory> directories;
  std::vector<PlannedFile> files;
  bool make_certificate = true;               // self-signed, in <data_dir>/tls, unless one is there
  bool add_admin = true;                      // false when the users file has the admin already
  std::vector<PlannedCommand> commands;       // after the files and generated parts, in order
  std::vector<PlannedCommand> undo_commands;  // --undo runs these before restoring files…
  std::vector<PlannedCommand> undo_commands_after;  // …and these after
  std::vector<std::string> notes;                   // why an address is ignored
  std::vector<std::string> warnings;
  std::vector<std::string> next_steps;
};

// `options` must have passed Validate().
SetupPlan BuildSetupPlan(const SetupOptions& options, const HostFacts& facts);

// The plan as the user reads it: choices, warnings, each file in full (or, for a file that
// exists, its added and removed lines), generated parts, commands, what --undo does.
std::string FormatSetupPlan(const SetupPlan& plan, const SetupOptions& options);

// Lines of `after` not in `before` as "+ line", lines gone as "- line", in order; unchanged
// lines are left out. Exact for the edits setup makes (lines inserted or removed).
std::string LineChanges(std::string_view before, std::string_view after);

}  // namespace perimeter
