#include "server/htpasswd_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "server/atomic_file.h"
#include "server/test_https_client.h"

namespace perimeter {
namespace {

using testing::TempDir;

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string ReadText(const std::string& path) {
  Result<std::string> r = ReadSmallFile(path, 1 << 20);
  return r.ok() ? *r : "<missing>";
}

TEST(HtpasswdFile, ReadsApacheFileWithCommentsAndRoles) {
  TempDir dir;
  std::string path = dir.File("htpasswd");
  WriteText(path,
            "# made by htpasswd\n"
            "alice:$2y$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm\n"
            "\n"
            "bob:$apr1$r31....$kMmt8Ia8qcWk4vKKEhpgx1\r\n"
            "carol:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n");
  WriteText(path + ".roles", "# roles\nalice:admin\ncarol:viewer\nghost:admin\n");
  Result<HtpasswdFile> file = HtpasswdFile::Load(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->users().size(), 3u);
  EXPECT_EQ(file->Find("alice")->role, Role::kAdmin);
  EXPECT_EQ(file->Find("bob")->role, Role::kViewer);                           // not listed: viewer
  EXPECT_EQ(file->Find("bob")->hash, "$apr1$r31....$kMmt8Ia8qcWk4vKKEhpgx1");  // CR stripped
  EXPECT_EQ(file->Find("carol")->role, Role::kViewer);
  ASSERT_EQ(file->warnings().size(), 1u);  // the role of a user who does not exist
  EXPECT_NE(file->warnings()[0].find("ghost"), std::string::npos);
}

TEST(HtpasswdFile, MissingFileIsEmpty) {
  TempDir dir;
  Result<HtpasswdFile> file = HtpasswdFile::Load(dir.File("nothing"));
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(file->users().empty());
}

TEST(HtpasswdFile, MalformedLineNamesFileAndLine) {
  TempDir dir;
  std::string path = dir.File("htpasswd");
  WriteText(path, "alice:$2y$04$x\njust-a-name\n");
  Result<HtpasswdFile> file = HtpasswdFile::Load(path);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kCorruption);
  EXPECT_NE(file.status().message().find(path + ":2:"), std::string::npos)
      << file.status().message();
}

TEST(HtpasswdFile, UnknownRoleIsAnError) {
  TempDir dir;
  std::string path = dir.File("htpasswd");
  WriteText(path, "alice:$2y$04$x\n");
  WriteText(path + ".roles", "alice:root\n");
  Result<HtpasswdFile> file = HtpasswdFile::Load(path);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find(".roles:1:"), std::string::npos);
}

TEST(HtpasswdFile, FirstLineOfADuplicateUserWins) {
  TempDir dir;
  std::string path = dir.File("htpasswd");
  WriteText(path, "alice:first\nalice:second\n");
  Result<HtpasswdFile> file = HtpasswdFile::Load(path);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->Find("alice")->hash, "first");
  EXPECT_EQ(file->warnings().size(), 1u);
}

TEST(HtpasswdFile, SaveKeepsCommentsAndOrderAndWritesPrivateFiles) {
  TempDir dir;
  std::string path = dir.File("htpasswd");
  WriteText(path, "# keep me\nalice:h1\nbob:h2\n");
  Result<HtpasswdFile> file = HtpasswdFile::Load(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->SetUser("bob", "h3", Role::kAdmin).ok());
  ASSERT_TRUE(file->SetUser("dave", "h4", Role::kViewer).ok());
  EXPECT_TRUE(file->RemoveUser("alice"));
  EXPECT_FALSE(file->RemoveUser("alice"));
  ASSERT_TRUE(file->Save().ok());
  EXPECT_EQ(ReadText(path), "# keep me\nbob:h3\ndave:h4\n");
  std::string roles = ReadText(path + ".roles");
  EXPECT_NE(roles.find("bob:admin\n"), std::string::npos);
  EXPECT_NE(roles.find("dave:viewer\n"), std::string::npos);
  EXPECT_EQ(roles.find("alice"), std::string::npos);

  Result<HtpasswdFile> again = HtpasswdFile::Load(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Find("bob")->role, Role::kAdmin);
  EXPECT_EQ(again->Find("dave")->role, Role::kViewer);
}

TEST(HtpasswdFile, NewFilesAreOwnerOnly) {
  TempDir dir;
  std::string path = dir.File("htpasswd");
  Result<HtpasswdFile> file = HtpasswdFile::Load(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->SetUser("alice", "h", Role::kAdmin).ok());
  ASSERT_TRUE(file->Save().ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((path + ".roles").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(HtpasswdFile, RefusesNamesAndHashesTheFormatCannotHold) {
  HtpasswdFile file;
  EXPECT_FALSE(file.SetUser("a:b", "h", Role::kViewer).ok());
  EXPECT_FALSE(file.SetUser("", "h", Role::kViewer).ok());
  EXPECT_FALSE(file.SetUser("a b", "h", Role::kViewer).ok());
  EXPECT_FALSE(file.SetUser("#alice", "h", Role::kViewer).ok());
  EXPECT_FALSE(file.SetUser(std::string(kMaxUserNameLength + 1, 'a'), "h", Role::kViewer).ok());
  EXPECT_FALSE(file.SetUser("alice", "h\nbob:x", Role::kViewer).ok());
  EXPECT_TRUE(file.SetUser("alice@example.com", "h", Role::kViewer).ok());
  EXPECT_EQ(file.SetRole("nobody", Role::kAdmin).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace perimeter
