// Small text helpers for diagnostics: "did you mean" suggestions and lists of names.
// Internal to lh_pipeline. Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lh::pipeline::internal {

// Levenshtein distance (insert, delete, substitute each cost 1).
size_t editDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, when it is close enough to be a plausible typo: at most
// max(1, |word| / 3) edits away (ties: the first candidate), or a case-insensitive match.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" for closest(), else "".
std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" (empty: "none").
std::string joinNames(const std::vector<std::string>& names);

// "'text'", cut to 60 characters with "..." when longer.
std::string singleQuoted(std::string_view text);

}  // namespace lh::pipeline::internal
