#pragma once
// Seeded mutations of workflow files for fuzz-style tests (docs/workflow-format.md, "Limits"):
// truncations, byte flips toward YAML's syntax characters, and deleted, duplicated or swapped
// ranges (which repeat anchors and aliases). The same seed gives the same cases.

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace bulkflow::test {

/// The example workflows in workflows/, the alias bomb, and a small workflow with anchors.
inline std::vector<std::string> mutation_seeds(const std::filesystem::path& source_dir) {
    std::vector<std::filesystem::path> files{source_dir / "tests/fixtures/hostile/alias_bomb.yaml"};
    for (const auto& e : std::filesystem::directory_iterator(source_dir / "workflows"))
        if (e.path().extension() == ".yaml") files.push_back(e.path());
    std::vector<std::string> seeds;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        seeds.push_back(ss.str());
    }
    seeds.push_back("inputs: {d0: &d0 [1, 2], d: &d {n: 2, l: [a, *d0]}}\n"
                    "nodes:\n  - {id: a, type: ConstantNode, params: {value: [*d0, *d0]}}\n"
                    "  - {id: b, type: ConstantNode, params: {value: *d0}, after: [a]}\n");
    return seeds;
}

/// One mutation of `text` chosen by `rng`.
inline std::string mutate(std::string text, std::mt19937& rng) {
    static const std::string kSyntax = "&*[]{}:,-'\"\n #!|>%@`\\\t?<>.0123456789";
    auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
    const std::size_t steps = 1 + pick(3);
    for (std::size_t s = 0; s < steps && !text.empty(); ++s) {
        const std::size_t at = pick(text.size());
        const std::size_t len = 1 + pick(std::min<std::size_t>(40, text.size() - at));
        switch (pick(6)) {
        case 0: text.resize(at); break;                                                    // truncate
        case 1: text[at] = kSyntax[pick(kSyntax.size())]; break;                           // syntax char
        case 2: text[at] = static_cast<char>(pick(256)); break;                            // any byte
        case 3: text.erase(at, len); break;                                                // delete a range
        case 4: text.insert(pick(text.size() + 1), text.substr(at, len)); break;           // duplicate a range
        default: text.insert(at, std::string(1 + pick(3), kSyntax[pick(kSyntax.size())])); // insert chars
        }
    }
    return text;
}

} // namespace bulkflow::test
