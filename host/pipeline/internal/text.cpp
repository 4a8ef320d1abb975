#include "pipeline/internal/text.h"

#include <algorithm>
#include <cctype>

namespace lh::pipeline::internal {

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  const size_t limit = std::max<size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  size_t bestDistance = limit + 1;
  for (const std::string& candidate : candidates) {
    if (equalsIgnoringCase(word, candidate) && word != candidate) {
      return candidate;
    }
    const size_t d = editDistance(word, candidate);
    if (d > 0 && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best = closest(word, candidates);
  return best ? " (did you mean '" + *best + "'?)" : "";
}

std::string joinNames(const std::vector<std::string>& names) {
  if (names.empty()) {
    return "none";
  }
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) {
      out += ", ";
    }
    out += name;
  }
  return out;
}

std::string singleQuoted(std::string_view text) {
  constexpr size_t kMax = 60;
  if (text.size() > kMax) {
    return "'" + std::string(text.substr(0, kMax)) + "...'";
  }
  return "'" + std::string(text) + "'";
}

}  // namespace lh::pipeline::internal
