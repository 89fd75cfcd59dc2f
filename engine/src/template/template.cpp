#include <bulkflow/error.hpp>
#include <bulkflow/template.hpp>

#include <cctype>

namespace bulkflow {
namespace {

[[noreturn]] void malformed(std::string_view where, std::string_view text, const std::string& why) {
    std::string msg = "malformed template";
    if (!where.empty()) msg += " in " + std::string(where);
    msg += ": '" + std::string(text) + "': " + why;
    throw Error(ErrorCode::template_resolution, msg);
}

bool is_source_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Parses the inside of `<<...>>`: source, then `.key` and `[index]` segments.
Reference parse_reference(std::string_view inner, std::string_view full, std::string_view where) {
    while (!inner.empty() && std::isspace(static_cast<unsigned char>(inner.front()))) inner.remove_prefix(1);
    while (!inner.empty() && std::isspace(static_cast<unsigned char>(inner.back()))) inner.remove_suffix(1);
    Reference ref;
    ref.text = std::string(full);
    std::size_t i = 0;
    while (i < inner.size() && is_source_char(inner[i])) ++i;
    if (i == 0) malformed(where, full, "expected a node id or 'inputs' before the path");
    ref.source = std::string(inner.substr(0, i));
    while (i < inner.size()) {
        if (inner[i] == '.') {
            std::size_t j = ++i;
            while (j < inner.size() && inner[j] != '.' && inner[j] != '[') ++j;
            if (j == i) malformed(where, full, "empty key after '.'");
            ref.path.emplace_back(std::string(inner.substr(i, j - i)));
            i = j;
        } else if (inner[i] == '[') {
            std::size_t j = ++i;
            while (j < inner.size() && std::isdigit(static_cast<unsigned char>(inner[j]))) ++j;
            if (j == i || j >= inner.size() || inner[j] != ']')
                malformed(where, full, "expected a non-negative integer index inside [ ]");
            ref.path.emplace_back(static_cast<std::size_t>(std::stoull(std::string(inner.substr(i, j - i)))));
            i = j + 1;
        } else {
            malformed(where, full, std::string("unexpected character '") + inner[i] + "'");
        }
    }
    return ref;
}

} // namespace

std::string Reference::path_string() const {
    std::string s;
    for (const auto& seg : path) {
        if (const auto* k = std::get_if<std::string>(&seg)) {
            if (!s.empty()) s += '.';
            s += *k;
        } else {
            s += '[' + std::to_string(std::get<std::size_t>(seg)) + ']';
        }
    }
    return s;
}

Template Template::parse(std::string_view text, std::string_view where) {
    Template t;
    std::string literal;
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        bool two = i + 1 < text.size();
        if (c == '\\' && two && ((text[i + 1] == '<' && i + 2 < text.size() && text[i + 2] == '<') ||
                                 (text[i + 1] == '{' && i + 2 < text.size() && text[i + 2] == '{'))) {
            literal += text.substr(i + 1, 2);  // escaped opener is literal text
            i += 3;
            continue;
        }
        if (two && ((c == '<' && text[i + 1] == '<') || (c == '{' && text[i + 1] == '{'))) {
            std::string_view close = c == '<' ? ">>" : "}}";
            std::size_t end = text.find(close, i + 2);
            if (end == std::string_view::npos)
                malformed(where, text.substr(i), std::string("missing closing '") + std::string(close) + "'");
            if (!literal.empty()) t.pieces_.emplace_back(std::move(literal));
            literal.clear();
            t.refs_.push_back(parse_reference(text.substr(i + 2, end - i - 2),
                                              text.substr(i, end + 2 - i), where));
            t.pieces_.emplace_back(std::nullopt);
            i = end + 2;
            continue;
        }
        literal += c;
        ++i;
    }
    if (!literal.empty() || t.pieces_.empty()) t.pieces_.emplace_back(std::move(literal));
    return t;
}

bool Template::is_whole_reference() const noexcept {
    return refs_.size() == 1 && pieces_.size() == 1 && !pieces_[0];
}

std::string Template::literal() const {
    std::string s;
    for (const auto& p : pieces_)
        if (p) s += *p;
    return s;
}

} // namespace bulkflow
