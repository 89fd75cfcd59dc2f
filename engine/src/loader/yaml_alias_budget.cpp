#include "yaml_alias_budget.hpp"

#include <bulkflow/error.hpp>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace bulkflow::detail {
namespace {

// Sizes are in converted nodes (a scalar, a null, a list or a mapping counts 1 plus its
// contents), saturated so that a bomb cannot overflow the count itself.
constexpr std::uint64_t kOpen = UINT64_MAX;  // anchor seen, its node not finished yet

class AliasCounter : public YAML::EventHandler {
public:
    AliasCounter(std::string_view origin, std::uint64_t budget) : origin_(origin), budget_(budget) {}

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { leaf(anchor); }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, const std::string&) override {
        leaf(anchor);
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        const std::uint64_t size = anchor < sizes_.size() ? sizes_[anchor] : 0;
        if (size == kOpen) fail(mark, "an alias refers to a node that contains it (a cycle)");
        added_ = add(added_, size);
        if (added_ > budget_)
            fail(mark, "aliases expand the document beyond " + std::to_string(budget_) +
                           " nodes (the limit on nodes added by aliases)");
        add_to_parent(size);
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
        open(anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
        open(anchor);
    }
    void OnMapEnd() override { close(); }

private:
    struct Frame {
        YAML::anchor_t anchor;
        std::uint64_t size;
    };
    static std::uint64_t add(std::uint64_t a, std::uint64_t b) { return a > UINT64_MAX - 1 - b ? UINT64_MAX - 1 : a + b; }

    [[noreturn]] void fail(const YAML::Mark& m, const std::string& why) const {
        throw Error(ErrorCode::invalid_workflow, std::string(origin_) + ":" + std::to_string(m.line + 1) + ":" +
                                                     std::to_string(m.column + 1) + ": " + why);
    }
    void remember(YAML::anchor_t anchor, std::uint64_t size) {
        if (anchor == YAML::NullAnchor) return;
        if (sizes_.size() <= anchor) sizes_.resize(anchor + 1, 0);
        sizes_[anchor] = size;
    }
    void add_to_parent(std::uint64_t size) {
        if (!stack_.empty()) stack_.back().size = add(stack_.back().size, size);
    }
    void leaf(YAML::anchor_t anchor) {
        remember(anchor, 1);
        add_to_parent(1);
    }
    void open(YAML::anchor_t anchor) {
        remember(anchor, kOpen);
        stack_.push_back({anchor, 1});
    }
    void close() {
        const Frame f = stack_.back();
        stack_.pop_back();
        remember(f.anchor, f.size);
        add_to_parent(f.size);
    }

    std::string_view origin_;
    std::uint64_t budget_;
    std::uint64_t added_ = 0;
    std::vector<std::uint64_t> sizes_;  // by anchor id (the parser numbers anchors 1, 2, ...)
    std::vector<Frame> stack_;
};

} // namespace

void check_alias_expansion(std::string_view text, std::string_view origin, std::uint64_t max_alias_nodes) {
    if (text.find('*') == std::string_view::npos) return;  // no alias can occur
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    AliasCounter counter(origin, max_alias_nodes);
    parser.HandleNextDocument(counter);
}

} // namespace bulkflow::detail
