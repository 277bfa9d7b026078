#include "config/lexer.h"

#include <gtest/gtest.h>

#include <vector>

namespace perimeter::config {
namespace {

std::vector<Token> LexAll(const SourceFile& file, LexMode mode) {
  Lexer lexer(file);
  std::vector<Token> out;
  while (true) {
    Token t = lexer.Next(mode);
    bool end = t.kind == TokenKind::kEnd;
    out.push_back(std::move(t));
    if (end) return out;
  }
}

TEST(Lexer, TokensCarryLineAndColumn) {
  SourceFile f{"t.conf", "input {\n  file { path => \"/x\" }\n}\n"};
  std::vector<Token> t = LexAll(f, LexMode::kSettings);
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[0].kind, TokenKind::kWord);
  EXPECT_EQ(t[0].text, "input");
  EXPECT_EQ(t[1].kind, TokenKind::kLBrace);
  EXPECT_EQ(t[1].column, 7);
  EXPECT_EQ(t[2].text, "file");
  EXPECT_EQ(t[2].line, 2);
  EXPECT_EQ(t[2].column, 3);
  EXPECT_EQ(t[4].text, "path");
  EXPECT_EQ(t[5].kind, TokenKind::kArrow);
  EXPECT_EQ(t[6].kind, TokenKind::kString);
  EXPECT_EQ(t[6].value, "/x");
  EXPECT_EQ(t[6].column, 18);
  EXPECT_EQ(t[8].kind, TokenKind::kRBrace);
  EXPECT_EQ(t[8].line, 3);
  EXPECT_EQ(t[9].kind, TokenKind::kEnd);
}

TEST(Lexer, SkipsCommentsEverywhere) {
  SourceFile f{"t.conf", "# head\na # mid => }\n  # indented\nb#tail"};
  std::vector<Token> t = LexAll(f, LexMode::kSettings);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].text, "a");
  EXPECT_EQ(t[1].text, "b");
  EXPECT_EQ(t[1].line, 4);
}

TEST(Lexer, NumbersIncludingNegativeAndFloats) {
  SourceFile f{"t.conf", "12 -3 1.5 -0.25 7."};
  std::vector<Token> t = LexAll(f, LexMode::kSettings);
  ASSERT_EQ(t.size(), 6u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(t[i].kind, TokenKind::kNumber) << i;
  EXPECT_EQ(t[1].text, "-3");
  EXPECT_EQ(t[3].text, "-0.25");
  EXPECT_EQ(t[4].text, "7.");
}

TEST(Lexer, StringEscapesAsLogstashWithSupportEscapes) {
  EXPECT_EQ(UnescapeString(R"(a\"b)"), "a\"b");
  EXPECT_EQ(UnescapeString(R"(a\'b)"), "a'b");
  EXPECT_EQ(UnescapeString(R"(a\\b)"), "a\\b");
  EXPECT_EQ(UnescapeString(R"(\n\t\r)"), "\n\t\r");
  // Unknown escapes stay as written so regexes in strings keep working.
  EXPECT_EQ(UnescapeString(R"(\d+\.\s)"), R"(\d+\.\s)");
  EXPECT_EQ(UnescapeString("trailing\\"), "trailing\\");
}

TEST(Lexer, BothQuoteStylesAndEscapedQuotes) {
  SourceFile f{"t.conf", R"("say \"hi\"" 'it\'s' "C:\\")"};
  std::vector<Token> t = LexAll(f, LexMode::kSettings);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].value, "say \"hi\"");
  EXPECT_EQ(t[1].value, "it's");
  EXPECT_EQ(t[2].value, "C:\\");
}

TEST(Lexer, StringsSpanLines) {
  SourceFile f{"t.conf", "\"a\nb\" x"};
  std::vector<Token> t = LexAll(f, LexMode::kSettings);
  ASSERT_EQ(t[0].kind, TokenKind::kString);
  EXPECT_EQ(t[0].value, "a\nb");
  EXPECT_EQ(t[0].end_line, 2);
  EXPECT_EQ(t[1].line, 2);
  EXPECT_EQ(t[1].column, 4);
}

TEST(Lexer, UnterminatedStringPointsAtItsQuote) {
  SourceFile f{"t.conf", "a => \"open\n\n"};
  std::vector<Token> t = LexAll(f, LexMode::kSettings);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[2].kind, TokenKind::kUnterminatedString);
  EXPECT_EQ(t[2].line, 1);
  EXPECT_EQ(t[2].column, 6);
}

TEST(Lexer, OperatorsInConditions) {
  SourceFile f{"t.conf", "== != < <= > >= =~ !~ ! => = : ( ) , && ||"};
  std::vector<Token> t = LexAll(f, LexMode::kCondition);
  std::vector<TokenKind> want = {TokenKind::kEq,      TokenKind::kNe,       TokenKind::kLt,
                                 TokenKind::kLe,      TokenKind::kGt,       TokenKind::kGe,
                                 TokenKind::kMatch,   TokenKind::kNotMatch, TokenKind::kBang,
                                 TokenKind::kArrow,   TokenKind::kAssign,   TokenKind::kColon,
                                 TokenKind::kLParen,  TokenKind::kRParen,   TokenKind::kComma,
                                 TokenKind::kInvalid, TokenKind::kInvalid,  TokenKind::kEnd};
  ASSERT_EQ(t.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(t[i].kind, want[i]) << i;
  EXPECT_EQ(t[15].text, "&&");
}

TEST(Lexer, BracketsAreFieldRefsOnlyInConditions) {
  SourceFile f{"t.conf", "[geoip][location] [a b] [@metadata][x]"};
  std::vector<Token> c = LexAll(f, LexMode::kCondition);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].kind, TokenKind::kFieldRef);
  EXPECT_EQ(c[0].text, "[geoip][location]");
  EXPECT_EQ(c[1].text, "[a b]");
  EXPECT_EQ(c[2].text, "[@metadata][x]");

  std::vector<Token> s = LexAll(f, LexMode::kSettings);
  EXPECT_EQ(s[0].kind, TokenKind::kLBracket);
}

TEST(Lexer, QuotedOrCommaSeparatedBracketsAreLists) {
  SourceFile f{"t.conf", R"(["a"] [ 'b' ] [1, 2] [])"};
  std::vector<Token> t = LexAll(f, LexMode::kCondition);
  EXPECT_EQ(t[0].kind, TokenKind::kLBracket);
  EXPECT_EQ(t[1].kind, TokenKind::kString);
  EXPECT_EQ(t[3].kind, TokenKind::kLBracket);
  EXPECT_EQ(t[6].kind, TokenKind::kLBracket);
  EXPECT_EQ(t[7].kind, TokenKind::kNumber);
  EXPECT_EQ(t[11].kind, TokenKind::kLBracket);
  EXPECT_EQ(t[12].kind, TokenKind::kRBracket);
}

TEST(Lexer, RegexKeepsEscapedSlash) {
  SourceFile f{"t.conf", R"(/a\/b\\/ /open)"};
  std::vector<Token> t = LexAll(f, LexMode::kCondition);
  ASSERT_EQ(t[0].kind, TokenKind::kRegex);
  EXPECT_EQ(t[0].value, R"(a\/b\\)");
  EXPECT_EQ(t[1].kind, TokenKind::kUnterminatedRegex);
  EXPECT_EQ(t[1].column, 10);
  // In settings a slash is just an invalid character (an unquoted path).
  EXPECT_EQ(LexAll(f, LexMode::kSettings)[0].kind, TokenKind::kInvalid);
}

TEST(Lexer, RewindRereadsInAnotherMode) {
  SourceFile f{"t.conf", "  [a] x"};
  Lexer lexer(f);
  Token first = lexer.Next(LexMode::kSettings);
  EXPECT_EQ(first.kind, TokenKind::kLBracket);
  lexer.Rewind(first);
  Token again = lexer.Next(LexMode::kCondition);
  EXPECT_EQ(again.kind, TokenKind::kFieldRef);
  EXPECT_EQ(again.column, 3);
  EXPECT_EQ(lexer.Next(LexMode::kCondition).text, "x");
}

TEST(Lexer, DescribeTokenForMessages) {
  SourceFile f{"t.conf", "grok \"abc\" 12 =>"};
  std::vector<Token> t = LexAll(f, LexMode::kSettings);
  EXPECT_EQ(DescribeToken(t[0]), "'grok'");
  EXPECT_EQ(DescribeToken(t[1]), "string \"abc\"");
  EXPECT_EQ(DescribeToken(t[2]), "number 12");
  EXPECT_EQ(DescribeToken(t[3]), "'=>'");
  EXPECT_EQ(DescribeToken(t[4]), "the end of the file");
}

}  // namespace
}  // namespace perimeter::config
