#pragma once
/// @file validation.hpp
/// ValidationError: every problem found before a run, each naming its node.

#include <bulkflow/error.hpp>

#include <string>
#include <vector>

namespace bulkflow {

struct Problem {
    ErrorCode code;
    std::string node;     ///< node id, empty for workflow-level problems
    std::string message;  ///< full sentence, already names the node
};

/// Thrown by build/validate with all problems; what() lists them one per line.
class ValidationError : public Error {
public:
    explicit ValidationError(std::vector<Problem> problems);
    [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }

private:
    std::vector<Problem> problems_;
};

/// Collects problems; throw_if_any() throws ValidationError.
class ProblemList {
public:
    void add(ErrorCode code, std::string node, std::string message) {
        problems_.push_back({code, std::move(node), std::move(message)});
    }
    void add(const Error& e) { add(e.code(), e.node(), e.what()); }
    [[nodiscard]] bool empty() const noexcept { return problems_.empty(); }
    void throw_if_any() const {
        if (!problems_.empty()) throw ValidationError(problems_);
    }

private:
    std::vector<Problem> problems_;
};

/// "did you mean 'x'?" helper: the closest candidate within a small edit distance, or "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

} // namespace bulkflow
