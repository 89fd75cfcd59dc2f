#include <bulkflow/validation.hpp>

#include <algorithm>
#include <numeric>

namespace bulkflow {
namespace {

std::string join_problems(const std::vector<Problem>& problems) {
    std::string s;
    for (const auto& p : problems) {
        if (!s.empty()) s += '\n';
        s += p.message;
    }
    return s;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t prev = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cur = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
            prev = cur;
        }
    }
    return row[b.size()];
}

} // namespace

ValidationError::ValidationError(std::vector<Problem> problems)
    : Error(problems.empty() ? ErrorCode::invalid_workflow : problems.front().code,
            join_problems(problems), problems.empty() ? std::string{} : problems.front().node),
      problems_(std::move(problems)) {}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        std::size_t d = edit_distance(word, c);
        // A word that extends a candidate (or the reverse) is a likely slip: "minimum" -> "min".
        const auto shorter = std::min(word.size(), c.size());
        if (shorter >= 3 && word.substr(0, shorter) == std::string_view(c).substr(0, shorter)) d = std::min<std::size_t>(d, 1);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

} // namespace bulkflow
