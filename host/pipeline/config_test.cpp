#include "pipeline/config_test.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <tuple>

#include "core/currency.h"
#include "pipeline/internal/diagnostic_sink.h"
#include "pipeline/internal/text.h"
#include "pipeline/internal/yaml_tree.h"

namespace lh::pipeline {
namespace {

namespace fs = std::filesystem;
using internal::describeKind;
using internal::describeValue;
using internal::DiagnosticSink;
using internal::didYouMean;
using internal::joinNames;
using internal::Pos;
using internal::ScalarType;
using internal::scalarType;
using internal::singleQuoted;
using internal::YamlNode;
using Keys = std::vector<std::string>;

const Keys kCaseKeys = {"description", "events", "expect"};
const Keys kEventKeys = {"connection", "event"};
const Keys kExpectKeys = {"postings", "commands"};
const Keys kPostingKeys = {"rule", "event", "date", "lines"};
const Keys kLineKeys = {"account", "debit", "credit", "currency"};
const Keys kCommandKeys = {"rule", "event", "target", "command"};

// Reads one case file into a TestCase, reporting every problem.
class CaseParser {
 public:
  explicit CaseParser(const fs::path& file) : file_(file) {}

  CaseLoadResult run() {
    CaseLoadResult result;
    std::ifstream in(file_, std::ios::binary);
    const int index = sink_.addFile(file_.string());
    if (!in) {
      sink_.error(Pos{index, 0, 0}, "cannot read test case file");
      result.diagnostics = sink_.diagnostics();
      return result;
    }
    std::ostringstream text;
    text << in.rdbuf();
    internal::ParseOptions parse;
    parse.substitute = false;  // fixtures hold no secrets; "${" stays literal
    std::optional<YamlNode> root = internal::parseYaml(text.str(), index, parse, &sink_);
    TestCase test;
    test.file = file_;
    test.name = file_.stem().string();
    if (root) {
      parseCase(*root, &test);
    }
    result.diagnostics = sink_.diagnostics();
    if (result.diagnostics.empty()) {
      result.test_case = std::move(test);
    }
    return result;
  }

 private:
  void error(const Pos& pos, std::string message) { sink_.error(pos, std::move(message)); }

  void checkKeys(const YamlNode& map, const Keys& allowed, const std::string& ctx) {
    for (const auto& [key, value] : map.entries) {
      if (std::find(allowed.begin(), allowed.end(), key.text) == allowed.end()) {
        std::string hint = didYouMean(key.text, allowed);
        error(key.pos,
              ctx + ": unknown key " + singleQuoted(key.text) +
                  (hint.empty() ? " (expected one of: " + joinNames(allowed) + ")" : hint));
      }
    }
  }

  bool expectMap(const YamlNode& node, const std::string& ctx) {
    if (node.isMap()) {
      return true;
    }
    error(node.pos, ctx + " must be a mapping, not " + describeKind(node));
    return false;
  }

  // A list node (or absent/null: empty). Reports anything else.
  const std::vector<YamlNode>* list(const YamlNode* node, const std::string& ctx) {
    static const std::vector<YamlNode> kEmpty;
    if (node == nullptr || node->isNull()) {
      return &kEmpty;
    }
    if (!node->isSequence()) {
      error(node->pos, ctx + " must be a list, not " + describeKind(*node));
      return nullptr;
    }
    return &node->items;
  }

  std::optional<std::string> text(const YamlNode& map, const std::string& key,
                                  const std::string& ctx, bool required) {
    const YamlNode* node = map.find(key);
    if (node == nullptr) {
      if (required) {
        error(map.pos, ctx + ": missing required key '" + key + "'");
      }
      return std::nullopt;
    }
    if (!node->isScalar() || scalarType(*node) == ScalarType::Null) {
      error(node->pos, ctx + ": '" + key + "' must be a string, not " + describeKind(*node));
      return std::nullopt;
    }
    return node->text;
  }

  // The index of the case event `key` refers to (by external_id); optional with one event.
  std::optional<size_t> eventRef(const YamlNode& map, const std::string& ctx,
                                 const TestCase& test) {
    std::optional<std::string> id = text(map, "event", ctx, false);
    if (!id) {
      if (map.find("event") != nullptr) {
        return std::nullopt;
      }
      if (test.events.size() == 1) {
        return 0;
      }
      error(map.pos, ctx +
                         ": missing required key 'event' (the external_id of one of the "
                         "case's events; optional only when the case has one event)");
      return std::nullopt;
    }
    std::optional<size_t> found;
    Keys ids;
    for (size_t i = 0; i < test.events.size(); ++i) {
      ids.push_back(test.events[i].event.external_id);
      if (test.events[i].event.external_id == *id) {
        if (found) {
          error(map.find("event")->pos,
                ctx + ": several events of this case have external_id " + singleQuoted(*id));
          return std::nullopt;
        }
        found = i;
      }
    }
    if (!found) {
      error(map.find("event")->pos, ctx + ": no event of this case has external_id " +
                                        singleQuoted(*id) + " (its events: " + joinNames(ids) +
                                        ")");
    }
    return found;
  }

  void parseCase(const YamlNode& root, TestCase* test) {
    if (!expectMap(root, "a test case")) {
      return;
    }
    checkKeys(root, kCaseKeys, "test case");
    if (auto description = text(root, "description", "test case", false)) {
      test->description = *description;
    }
    const YamlNode* events = root.find("events");
    if (events == nullptr) {
      error(root.pos, "test case: missing required key 'events'");
    }
    if (const std::vector<YamlNode>* items = list(events, "'events'")) {
      for (size_t i = 0; i < items->size(); ++i) {
        parseEvent((*items)[i], "events[" + std::to_string(i) + "]", test);
      }
    }
    const YamlNode* expect = root.find("expect");
    if (expect == nullptr) {
      error(root.pos,
            "test case: missing required key 'expect' (use expect: {} to expect "
            "nothing)");
      return;
    }
    if (expect->isNull()) {
      return;
    }
    if (!expectMap(*expect, "'expect'")) {
      return;
    }
    checkKeys(*expect, kExpectKeys, "expect");
    if (const std::vector<YamlNode>* items = list(expect->find("postings"), "'postings'")) {
      for (size_t i = 0; i < items->size(); ++i) {
        parsePosting((*items)[i], "expect.postings[" + std::to_string(i) + "]", test);
      }
    }
    if (const std::vector<YamlNode>* items = list(expect->find("commands"), "'commands'")) {
      for (size_t i = 0; i < items->size(); ++i) {
        parseCommand((*items)[i], "expect.commands[" + std::to_string(i) + "]", test);
      }
    }
  }

  void parseEvent(const YamlNode& node, const std::string& ctx, TestCase* test) {
    if (!expectMap(node, ctx)) {
      return;
    }
    checkKeys(node, kEventKeys, ctx);
    std::optional<std::string> connection = text(node, "connection", ctx, true);
    const YamlNode* body = node.find("event");
    if (body == nullptr) {
      error(node.pos, ctx + ": missing required key 'event' (a canonical event)");
      return;
    }
    lh::Result<core::Event> event = eventFromJson(internal::toJson(*body));
    if (!event.isOk()) {
      // "/amount/minor: must be an integer": point at that field.
      const std::string message = event.status().message();
      const YamlNode* at = body;
      if (!message.empty() && message[0] == '/') {
        const std::string pointer = message.substr(0, message.find(':'));
        std::vector<std::string> path;
        std::string part;
        for (size_t i = 1; i <= pointer.size(); ++i) {
          if (i == pointer.size() || pointer[i] == '/') {
            path.push_back(part);
            part.clear();
          } else if (pointer[i] == '~' && i + 1 < pointer.size()) {
            part += pointer[++i] == '1' ? '/' : '~';  // RFC 6901: ~1 is '/', ~0 is '~'
          } else {
            part += pointer[i];
          }
        }
        at = internal::findPath(*body, path);
      }
      error(at->pos, ctx + ": invalid canonical event: " + message);
      return;
    }
    if (connection) {
      test->events.push_back(PreviewEvent{*connection, std::move(event.value())});
    }
  }

  void parsePosting(const YamlNode& node, const std::string& ctx, TestCase* test) {
    if (!expectMap(node, ctx)) {
      return;
    }
    checkKeys(node, kPostingKeys, ctx);
    ExpectedPosting posting;
    std::optional<std::string> rule = text(node, "rule", ctx, true);
    std::optional<size_t> event = eventRef(node, ctx, *test);
    std::optional<std::string> date = text(node, "date", ctx, true);
    bool ok = rule && event && date;
    if (rule) posting.rule = *rule;
    if (event) posting.event_index = *event;
    if (date) posting.date = *date;
    const YamlNode* lines = node.find("lines");
    if (lines == nullptr) {
      error(node.pos, ctx + ": missing required key 'lines'");
      return;
    }
    const std::vector<YamlNode>* items = list(lines, ctx + ": 'lines'");
    if (items == nullptr) {
      return;
    }
    for (size_t i = 0; i < items->size(); ++i) {
      const YamlNode& line = (*items)[i];
      const std::string lctx = ctx + ".lines[" + std::to_string(i) + "]";
      if (!expectMap(line, lctx)) {
        ok = false;
        continue;
      }
      checkKeys(line, kLineKeys, lctx);
      std::optional<std::string> account = text(line, "account", lctx, true);
      std::optional<std::string> currencyCode = text(line, "currency", lctx, true);
      const YamlNode* debit = line.find("debit");
      const YamlNode* credit = line.find("credit");
      if ((debit == nullptr) == (credit == nullptr)) {
        error(line.pos, lctx + ": a line has exactly one of 'debit' or 'credit'");
        ok = false;
        continue;
      }
      const YamlNode* amountNode = debit != nullptr ? debit : credit;
      if (!account || !currencyCode) {
        ok = false;
        continue;
      }
      lh::Result<core::Currency> currency = core::currencyFromCode(*currencyCode);
      if (!currency.isOk()) {
        error(line.find("currency")->pos,
              lctx + ": unknown currency " + describeValue(*line.find("currency")));
        ok = false;
        continue;
      }
      if (!amountNode->isScalar() || scalarType(*amountNode) == ScalarType::Null) {
        error(amountNode->pos, lctx + ": the amount must be a decimal such as \"12.30\", not " +
                                   describeKind(*amountNode));
        ok = false;
        continue;
      }
      lh::Result<core::Money> amount = core::parseDecimal(amountNode->text, currency.value());
      if (!amount.isOk()) {
        error(amountNode->pos, lctx + ": " + amount.status().message());
        ok = false;
        continue;
      }
      if (amount->isNegative()) {
        error(amountNode->pos, lctx + ": amounts are positive; put the line on the other side");
        ok = false;
        continue;
      }
      posting.lines.push_back(ExpectedLine{
          *account,
          debit != nullptr ? core::PostingLine::Side::Debit : core::PostingLine::Side::Credit,
          amount.value()});
    }
    if (ok) {
      test->postings.push_back(std::move(posting));
    }
  }

  void parseCommand(const YamlNode& node, const std::string& ctx, TestCase* test) {
    if (!expectMap(node, ctx)) {
      return;
    }
    checkKeys(node, kCommandKeys, ctx);
    ExpectedCommand command;
    std::optional<std::string> rule = text(node, "rule", ctx, true);
    std::optional<size_t> event = eventRef(node, ctx, *test);
    std::optional<std::string> target = text(node, "target", ctx, true);
    std::optional<std::string> name = text(node, "command", ctx, true);
    if (rule && event && target && name) {
      test->commands.push_back(ExpectedCommand{*rule, *event, *target, *name});
    }
  }

  fs::path file_;
  DiagnosticSink sink_;
};

// ---- rendering and comparison -------------------------------------------------------------------

// One entry or command as text, with a sort key so that order in the file does not matter.
struct Block {
  size_t event_index = 0;
  int kind = 0;  // 0 posting, 1 command, 2 error
  std::string rule;
  std::vector<std::string> lines;

  bool operator<(const Block& other) const {
    return std::tie(event_index, kind, rule, lines) <
           std::tie(other.event_index, other.kind, other.rule, other.lines);
  }
};

std::string eventName(const TestCase& test, size_t index) {
  const core::Event& e = test.events[index].event;
  return std::string(core::eventTypeName(e.type)) + " " + e.external_id;
}

std::string lineText(const std::string& account, core::PostingLine::Side side,
                     const core::Money& amount) {
  return std::string("  ") + (side == core::PostingLine::Side::Debit ? "Dr " : "Cr ") + account +
         "  " + core::formatWithCode(amount);
}

// Sorts the body lines of a posting block: debits first, then by account and amount text.
void sortBodyLines(std::vector<std::string>* lines) {
  if (lines->size() > 1) {
    std::sort(lines->begin() + 1, lines->end(), [](const std::string& a, const std::string& b) {
      const bool aCredit = a.compare(0, 4, "  Cr") == 0;
      const bool bCredit = b.compare(0, 4, "  Cr") == 0;
      return std::tie(aCredit, a) < std::tie(bCredit, b);
    });
  }
}

Block postingBlock(const TestCase& test, size_t eventIndex, const std::string& rule,
                   const std::string& date) {
  Block block;
  block.event_index = eventIndex;
  block.kind = 0;
  block.rule = rule;
  block.lines.push_back("posting " + rule + " for " + eventName(test, eventIndex) + " on " + date);
  return block;
}

Block commandBlock(const TestCase& test, size_t eventIndex, const std::string& rule,
                   const std::string& target, const std::string& command) {
  Block block;
  block.event_index = eventIndex;
  block.kind = 1;
  block.rule = rule;
  block.lines.push_back("command " + rule + " for " + eventName(test, eventIndex) + ": " + command +
                        " -> " + target);
  return block;
}

std::vector<std::string> flatten(std::vector<Block> blocks) {
  std::sort(blocks.begin(), blocks.end());
  std::vector<std::string> out;
  for (const Block& block : blocks) {
    out.insert(out.end(), block.lines.begin(), block.lines.end());
  }
  return out;
}

// Line diff by longest common subsequence.
std::string lineDiff(const std::vector<std::string>& expected,
                     const std::vector<std::string>& actual) {
  const size_t n = expected.size();
  const size_t m = actual.size();
  std::vector<std::vector<size_t>> lcs(n + 1, std::vector<size_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] =
          expected[i] == actual[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::string out = "  --- expected\n  +++ actual\n";
  size_t i = 0;
  size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] == actual[j]) {
      out += "    " + expected[i++] + "\n";
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out += "  - " + expected[i++] + "\n";
    } else {
      out += "  + " + actual[j++] + "\n";
    }
  }
  return out;
}

}  // namespace

CaseLoadResult loadTestCase(const std::filesystem::path& file) {
  CaseParser parser(file);
  return parser.run();
}

CaseOutcome runTestCase(const Config& config, const TestCase& test) {
  CaseOutcome outcome;
  outcome.name = test.name;
  outcome.file = test.file;

  std::vector<Block> expected;
  for (const ExpectedPosting& p : test.postings) {
    Block block = postingBlock(test, p.event_index, p.rule, p.date);
    for (const ExpectedLine& line : p.lines) {
      block.lines.push_back(lineText(line.account, line.side, line.amount));
    }
    sortBodyLines(&block.lines);
    expected.push_back(std::move(block));
  }
  for (const ExpectedCommand& c : test.commands) {
    expected.push_back(commandBlock(test, c.event_index, c.rule, c.target, c.command));
  }

  const Preview preview = previewEvents(config, test.events);
  std::vector<Block> actual;
  for (const PreviewPosting& p : preview.postings) {
    Block block = postingBlock(test, p.event_index, p.draft.rule_id, p.draft.date);
    for (const core::DraftLine& line : p.draft.lines) {
      block.lines.push_back(lineText(line.account, line.side, line.amount));
    }
    sortBodyLines(&block.lines);
    actual.push_back(std::move(block));
  }
  for (const PreviewCommand& c : preview.commands) {
    actual.push_back(commandBlock(test, c.event_index, c.command.rule_id,
                                  c.command.target_connection, c.command.command));
  }
  for (const PreviewError& e : preview.errors) {
    Block block;
    block.event_index = e.event_index;
    block.kind = 2;
    block.lines.push_back("error for " + eventName(test, e.event_index) + ": " + e.message);
    actual.push_back(std::move(block));
  }
  for (const PreviewSkip& s : preview.skipped) {
    outcome.notes.push_back("rule " + s.skipped.rule_id + " skipped for " +
                            eventName(test, s.event_index) + ": " + s.skipped.reason);
  }

  const std::vector<std::string> want = flatten(std::move(expected));
  const std::vector<std::string> got = flatten(std::move(actual));
  outcome.passed = want == got;
  if (!outcome.passed) {
    outcome.diff = lineDiff(want, got);
  }
  return outcome;
}

lh::Result<std::vector<std::filesystem::path>> findTestCases(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return lh::invalidArgument("'" + dir.string() + "' is not a directory");
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    const std::string ext = path.extension().string();
    if (it->is_regular_file(ec) && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
      files.push_back(path);
    }
  }
  if (ec) {
    return lh::invalidArgument("cannot list '" + dir.string() + "': " + ec.message());
  }
  std::sort(files.begin(), files.end());
  return files;
}

size_t SuiteResult::passed() const {
  return static_cast<size_t>(std::count_if(outcomes.begin(), outcomes.end(),
                                           [](const CaseOutcome& o) { return o.passed; }));
}

size_t SuiteResult::failed() const { return outcomes.size() - passed(); }

lh::Result<SuiteResult> runTestSuite(const Config& config, const std::filesystem::path& dir) {
  lh::Result<std::vector<fs::path>> files = findTestCases(dir);
  if (!files.isOk()) {
    return files.status();
  }
  SuiteResult suite;
  for (const fs::path& file : files.value()) {
    CaseLoadResult loaded = loadTestCase(file);
    if (!loaded.test_case) {
      suite.diagnostics.insert(suite.diagnostics.end(), loaded.diagnostics.begin(),
                               loaded.diagnostics.end());
      continue;
    }
    suite.outcomes.push_back(runTestCase(config, *loaded.test_case));
  }
  return suite;
}

std::string formatOutcome(const CaseOutcome& outcome) {
  std::string out = std::string(outcome.passed ? "PASS " : "FAIL ") + outcome.name + " (" +
                    outcome.file.string() + ")\n";
  if (!outcome.passed) {
    out += outcome.diff;
    for (const std::string& note : outcome.notes) {
      out += "  note: " + note + "\n";
    }
  }
  return out;
}

}  // namespace lh::pipeline
