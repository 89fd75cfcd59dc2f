// Fuzz-style: thousands of seeded mutations of the example workflows and of an alias bomb go
// through the loader and validation in-process. Each must load, or be refused with a
// bulkflow::Error; any other exception (or a crash) fails the test.

#include "workflow_mutations.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/runtime.hpp>
#include <bulkflow/workflow_file.hpp>

#include <catch2/catch.hpp>

#include <chrono>

using namespace bulkflow;

TEST_CASE("mutated and truncated workflows are loaded or refused with a bulkflow::Error", "[yaml][fuzz]") {
    const auto seeds = test::mutation_seeds(BULKFLOW_SOURCE_DIR);
    REQUIRE(seeds.size() >= 3);
    std::mt19937 rng(20240516);
    LocalRuntime runtime(Database{"sqlite:///:memory:"});
    const auto start = std::chrono::steady_clock::now();
    std::size_t valid = 0, refused = 0;
    for (int i = 0; i < 4000; ++i) {
        const std::string text = test::mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], rng);
        try {
            auto wf = workflow_from_json(parse_yaml(text, "fuzz.yaml"), "fuzz.yaml").build();
            runtime.validate(wf);
            ++valid;
        } catch (const Error&) {
            ++refused;
        } catch (const std::exception& e) {
            FAIL("case " << i << " threw " << typeid(e).name() << ": " << e.what() << "\n" << text);
        } catch (...) {
            FAIL("case " << i << " threw a non-standard exception\n" << text);
        }
    }
    INFO(valid << " valid, " << refused << " refused");
    CHECK(valid > 0);
    CHECK(refused > 0);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(60));
}
