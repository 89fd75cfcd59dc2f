#pragma once
/// @file template.hpp
/// `<<node.path>>` templates (CONTRACT section 5). `{{...}}` is an alias, `\<<` a literal `<<`.
/// Parsed once at build time; resolved at run time against finished nodes' outputs.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bulkflow {

/// One step of a path: `.key` or `[index]`.
using PathSegment = std::variant<std::string, std::size_t>;

/// A reference `<<source.seg...>>`; source is a node id or "inputs".
struct Reference {
    std::string source;
    std::vector<PathSegment> path;
    std::string text;  ///< as written, e.g. "<<read.records>>"

    /// The path as text, e.g. "records[0].name".
    [[nodiscard]] std::string path_string() const;
};

/// A parsed string parameter: literal pieces and references.
class Template {
public:
    /// Parses `text`. Throws Error(template_resolution) on a malformed reference (unclosed
    /// `<<`, empty source, bad index); `where` names the parameter in the message.
    static Template parse(std::string_view text, std::string_view where = {});
    /// True when `text` holds no `<<` or `{{` (escaped or not): parse() would give a literal equal
    /// to `text`. A cheap test that lets large parameter values skip parse().
    [[nodiscard]] static bool is_plain(std::string_view text) noexcept {
        return text.find("<<") == std::string_view::npos && text.find("{{") == std::string_view::npos;
    }

    /// True when the text contains no reference (escapes already applied in literal()).
    [[nodiscard]] bool is_literal() const noexcept { return refs_.empty(); }
    /// True when the whole text is exactly one reference: it then resolves to a typed value.
    [[nodiscard]] bool is_whole_reference() const noexcept;
    [[nodiscard]] const std::vector<Reference>& references() const noexcept { return refs_; }
    /// The text with escapes applied (only meaningful when is_literal()).
    [[nodiscard]] std::string literal() const;

    /// Interpolates: `render(i)` gives the text for reference i.
    template <class Fn>
    [[nodiscard]] std::string interpolate(Fn&& render) const {
        std::string out;
        std::size_t r = 0;
        for (const auto& piece : pieces_) {
            if (piece) out += *piece;
            else out += render(refs_[r++]);
        }
        return out;
    }

private:
    std::vector<std::optional<std::string>> pieces_;  ///< nullopt = the next reference
    std::vector<Reference> refs_;
};

} // namespace bulkflow
