#include "cli/setup_manifest.h"

#include <gtest/gtest.h>

#include "cli/setup_test_tree.h"

namespace perimeter {
namespace {

TEST(SetupManifest, RoundTripsThroughJsonAndDisk) {
  SetupManifest m;
  m.Record({ManifestEntry::Kind::kDirectory, "/etc/perimeter", "", ""});
  m.Record({ManifestEntry::Kind::kCreatedFile, "/etc/perimeter/perimeter.toml", "ab12", ""});
  m.Record({ManifestEntry::Kind::kChangedFile, "/etc/nftables.conf", "cd34",
            "/var/lib/perimeter-setup/backup/etc/nftables.conf"});
  m.AddUndoCommand("nft delete table inet perimeter", false);
  m.AddUndoCommand("systemctl daemon-reload", true);
  TempTree tree;
  ASSERT_TRUE(m.Save(tree / "/manifest.json").ok());
  EXPECT_EQ(tree.Mode("/manifest.json"), 0600u);
  Result<SetupManifest> back = SetupManifest::Load(tree / "/manifest.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->ToJson(), m.ToJson());
  ASSERT_EQ(back->entries().size(), 3u);
  EXPECT_EQ(back->entries()[2].kind, ManifestEntry::Kind::kChangedFile);
  EXPECT_EQ(back->entries()[2].backup, "/var/lib/perimeter-setup/backup/etc/nftables.conf");
  EXPECT_EQ(back->undo_commands(), std::vector<std::string>{"nft delete table inet perimeter"});
  EXPECT_EQ(back->undo_commands_after(), std::vector<std::string>{"systemctl daemon-reload"});
}

TEST(SetupManifest, FirstRecordOfAPathWinsExceptItsHash) {
  SetupManifest m;
  m.Record({ManifestEntry::Kind::kChangedFile, "/etc/nftables.conf", "", "/b/etc/nftables.conf"});
  m.Record({ManifestEntry::Kind::kCreatedFile, "/etc/nftables.conf", "beef", ""});
  ASSERT_EQ(m.entries().size(), 1u);
  EXPECT_EQ(m.entries()[0].kind, ManifestEntry::Kind::kChangedFile);
  EXPECT_EQ(m.entries()[0].sha256, "beef");
  m.AddUndoCommand("x", false);
  m.AddUndoCommand("x", false);
  EXPECT_EQ(m.undo_commands().size(), 1u);
}

TEST(SetupManifest, MissingIsNotFoundAndGarbageIsCorruption) {
  TempTree tree;
  EXPECT_EQ(SetupManifest::Load(tree / "/none.json").status().code(), StatusCode::kNotFound);
  for (std::string_view bad :
       {"not json", "[]", "{\"version\": 2, \"entries\": []}", "{\"version\": 1}",
        "{\"version\": 1, \"entries\": [{\"kind\": \"created\", \"path\": \"etc/x\"}]}",
        "{\"version\": 1, \"entries\": [{\"kind\": \"created\", \"path\": \"/a/../../x\"}]}",
        "{\"version\": 1, \"entries\": [{\"kind\": \"moved\", \"path\": \"/x\"}]}",
        "{\"version\": 1, \"entries\": [{\"kind\": \"changed\", \"path\": \"/x\"}]}"}) {
    Result<SetupManifest> m = SetupManifest::Parse(bad, "m.json");
    EXPECT_EQ(m.status().code(), StatusCode::kCorruption) << bad;
  }
}

}  // namespace
}  // namespace perimeter
