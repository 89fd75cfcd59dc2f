/// @file expr_parse.cpp
/// Lexer and recursive-descent parser of the expression language (syntax only).

#include "decimal_math.hpp"
#include "expr_ast.hpp"

#include <charconv>
#include <cstdint>

namespace bulkflow::sql_detail {

std::string expr_prefix(std::string_view text) {
    std::string shown(text.substr(0, 120));
    if (text.size() > 120) shown += "...";
    return "expression '" + shown + "': ";
}

void fail_expr(std::string_view text, const std::string& message, ErrorCode code) {
    throw Error(code, expr_prefix(text) + message);
}

namespace {

enum class Tok { end, number, string, ident, token, punct };

struct Token {
    Tok kind = Tok::end;
    std::size_t pos = 0;
    std::string text;   ///< identifier, token name, punctuation, number text, string contents
};

constexpr std::size_t kMaxDepth = 100;
constexpr std::size_t kMaxNodes = 2000;  ///< bounds the recursion of later passes

bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) { advance(); }

    NodePtr parse_all() {
        NodePtr n = parse_or();
        if (tok_.kind != Tok::end) fail_at(tok_.pos, "unexpected " + describe(tok_));
        return n;
    }

private:
    [[noreturn]] void fail_at(std::size_t pos, const std::string& msg) const {
        fail_expr(text_, msg + " at position " + std::to_string(pos + 1));
    }

    static std::string describe(const Token& t) {
        switch (t.kind) {
        case Tok::end: return "end of expression";
        case Tok::number: return "number " + t.text;
        case Tok::string: return "string";
        case Tok::ident: return "name '" + t.text + "'";
        case Tok::token: return "':" + t.text + "'";
        case Tok::punct: return "'" + t.text + "'";
        }
        return "token";
    }

    void advance() {
        std::size_t i = pos_;
        while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\n' || text_[i] == '\r')) ++i;
        tok_ = Token{Tok::end, i, {}};
        if (i >= text_.size()) {
            pos_ = i;
            return;
        }
        const char c = text_[i];
        std::size_t j = i;
        if (is_digit(c) || (c == '.' && i + 1 < text_.size() && is_digit(text_[i + 1]))) {
            while (j < text_.size() && is_digit(text_[j])) ++j;
            if (j + 1 < text_.size() && text_[j] == '.' && is_digit(text_[j + 1])) ++j;
            else if (j < text_.size() && text_[j] == '.' && (j + 1 >= text_.size() || !is_alpha(text_[j + 1]))) ++j;
            while (j < text_.size() && is_digit(text_[j])) ++j;
            if (j < text_.size() && (text_[j] == 'e' || text_[j] == 'E')) {
                std::size_t k = j + 1;
                if (k < text_.size() && (text_[k] == '+' || text_[k] == '-')) ++k;
                if (k < text_.size() && is_digit(text_[k])) {
                    j = k;
                    while (j < text_.size() && is_digit(text_[j])) ++j;
                }
            }
            tok_ = {Tok::number, i, std::string(text_.substr(i, j - i))};
        } else if (is_alpha(c)) {
            while (j < text_.size() && (is_alpha(text_[j]) || is_digit(text_[j]))) ++j;
            tok_ = {Tok::ident, i, std::string(text_.substr(i, j - i))};
        } else if (c == ':') {
            ++j;
            while (j < text_.size() && (is_alpha(text_[j]) || is_digit(text_[j]))) ++j;
            const std::string name = lower_ascii(text_.substr(i + 1, j - i - 1));
            if (name != "current_timestamp" && name != "current_date")
                fail_at(i, "unknown token '" + std::string(text_.substr(i, j - i)) +
                               "' (known tokens: :current_timestamp, :current_date)");
            tok_ = {Tok::token, i, name};
        } else if (c == '\'' || c == '"') {
            std::string s;
            ++j;
            for (;; ++j) {
                if (j >= text_.size()) fail_at(i, "unterminated string");
                if (text_[j] == c) break;
                if (text_[j] == '\\' && j + 1 < text_.size()) {
                    const char e = text_[++j];
                    switch (e) {
                    case 'n': s += '\n'; break;
                    case 't': s += '\t'; break;
                    case 'r': s += '\r'; break;
                    case '\\': case '\'': case '"': s += e; break;
                    default: s += '\\'; s += e;
                    }
                } else {
                    s += text_[j];
                }
            }
            ++j;
            tok_ = {Tok::string, i, std::move(s)};
        } else if (c == '=' || c == '!' || c == '<' || c == '>') {
            std::string op(1, c);
            if (j + 1 < text_.size() && (text_[j + 1] == '=' || (c == '<' && text_[j + 1] == '>'))) op += text_[j + 1];
            if (op == "!") fail_at(i, "unexpected character '!' (use != or not)");
            j += op.size();
            tok_ = {Tok::punct, i, op == "==" ? "=" : op == "!=" ? "<>" : op};
        } else if (std::string_view("()+-*/%,.").find(c) != std::string_view::npos) {
            ++j;
            tok_ = {Tok::punct, i, std::string(1, c)};
        } else {
            const auto b = static_cast<unsigned char>(c);
            fail_at(i, b < 0x20 || b >= 0x7f ? "unexpected character" : "unexpected character '" + std::string(1, c) + "'");
        }
        pos_ = j;
    }

    bool is_punct(std::string_view p) const { return tok_.kind == Tok::punct && tok_.text == p; }
    void expect(std::string_view p) {
        if (!is_punct(p)) fail_at(tok_.pos, "expected '" + std::string(p) + "' but found " + describe(tok_));
        advance();
    }

    struct DepthGuard {
        Parser& p;
        explicit DepthGuard(Parser& parser) : p(parser) {
            if (++p.depth_ > kMaxDepth) p.fail_at(p.tok_.pos, "expression is nested too deeply");
        }
        ~DepthGuard() { --p.depth_; }
        DepthGuard(const DepthGuard&) = delete;
        DepthGuard& operator=(const DepthGuard&) = delete;
    };

    NodePtr make_node() {
        if (++nodes_ > kMaxNodes) fail_at(tok_.pos, "expression is too long (more than " + std::to_string(kMaxNodes) + " parts)");
        return std::make_shared<ExprNode>();
    }

    NodePtr binary(char op, std::size_t pos, NodePtr a, NodePtr b) {
        auto n = make_node();
        n->kind = ExprNode::Kind::binary;
        n->op = op;
        n->pos = pos;
        n->args = {std::move(a), std::move(b)};
        return n;
    }

    bool is_keyword(std::string_view kw) const { return tok_.kind == Tok::ident && lower_ascii(tok_.text) == kw; }
    bool is_comparison() const {
        return tok_.kind == Tok::punct && (tok_.text == "=" || tok_.text == "<>" || tok_.text == "<" ||
                                           tok_.text == "<=" || tok_.text == ">" || tok_.text == ">=");
    }

    NodePtr combine(ExprNode::Kind kind, std::string op, std::size_t pos, NodePtr a, NodePtr b) {
        auto n = make_node();
        n->kind = kind;
        n->name = std::move(op);
        n->pos = pos;
        n->args = {std::move(a), std::move(b)};
        return n;
    }

    NodePtr parse_or() {
        DepthGuard guard(*this);
        NodePtr left = parse_and();
        while (is_keyword("or")) {
            const std::size_t at = tok_.pos;
            advance();
            left = combine(ExprNode::Kind::logical, "OR", at, std::move(left), parse_and());
        }
        return left;
    }

    NodePtr parse_and() {
        NodePtr left = parse_not();
        while (is_keyword("and")) {
            const std::size_t at = tok_.pos;
            advance();
            left = combine(ExprNode::Kind::logical, "AND", at, std::move(left), parse_not());
        }
        return left;
    }

    NodePtr parse_not() {
        DepthGuard guard(*this);
        if (!is_keyword("not")) return parse_comparison();
        auto n = make_node();
        n->kind = ExprNode::Kind::logical_not;
        n->pos = tok_.pos;
        advance();
        n->args = {parse_not()};
        return n;
    }

    NodePtr parse_comparison() {
        NodePtr left = parse_sum();
        if (!is_comparison()) return left;
        const std::string op = tok_.text;
        const std::size_t at = tok_.pos;
        advance();
        left = combine(ExprNode::Kind::compare, op, at, std::move(left), parse_sum());
        if (is_comparison()) fail_at(tok_.pos, "comparisons cannot be chained; join them with 'and'");
        return left;
    }

    NodePtr parse_sum() {
        DepthGuard guard(*this);
        NodePtr left = parse_product();
        while (is_punct("+") || is_punct("-")) {
            const char op = tok_.text[0];
            const std::size_t at = tok_.pos;
            advance();
            left = binary(op, at, std::move(left), parse_product());
        }
        return left;
    }

    NodePtr parse_product() {
        NodePtr left = parse_unary();
        while (is_punct("*") || is_punct("/") || is_punct("%")) {
            const char op = tok_.text[0];
            const std::size_t at = tok_.pos;
            advance();
            left = binary(op, at, std::move(left), parse_unary());
        }
        return left;
    }

    NodePtr parse_unary() {
        DepthGuard guard(*this);
        if (is_punct("+")) {
            advance();
            return parse_unary();
        }
        if (!is_punct("-")) return parse_postfix();
        const std::size_t at = tok_.pos;
        advance();
        NodePtr operand = parse_unary();
        if (operand->kind == ExprNode::Kind::literal) {  // fold -5, -0.9 into the literal
            if (const auto* i = std::get_if<std::int64_t>(&operand->value); i && *i != INT64_MIN) {
                operand->value = -*i;
                operand->pos = at;
                return operand;
            }
            if (const auto* d = std::get_if<Decimal>(&operand->value)) {
                auto v = parse_decimal(d->text);
                v->negative = !v->negative && !v->is_zero();
                const auto as_int = v->scale == 0 ? to_int64(*v) : std::nullopt;
                operand->value = as_int ? SqlValue{*as_int} : SqlValue{Decimal{to_text(*v)}};
                operand->pos = at;
                return operand;
            }
        }
        auto n = make_node();
        n->kind = ExprNode::Kind::negate;
        n->pos = at;
        n->args = {std::move(operand)};
        return n;
    }

    std::vector<NodePtr> parse_args() {
        expect("(");
        std::vector<NodePtr> args;
        if (is_punct(")")) {
            advance();
            return args;
        }
        for (;;) {
            args.push_back(parse_or());
            if (is_punct(")")) break;
            expect(",");
        }
        advance();
        return args;
    }

    NodePtr parse_postfix() {
        NodePtr n = parse_primary();
        while (is_punct(".")) {
            advance();
            if (tok_.kind != Tok::ident) fail_at(tok_.pos, "expected a method name after '.' but found " + describe(tok_));
            auto call = make_node();
            call->kind = ExprNode::Kind::call;
            call->pos = tok_.pos;
            call->name = tok_.text;
            call->method = true;
            advance();
            if (!is_punct("(")) fail_at(tok_.pos, "expected '(' after method '" + call->name + "'");
            call->args = parse_args();
            call->args.insert(call->args.begin(), std::move(n));
            n = std::move(call);
        }
        return n;
    }

    NodePtr parse_primary() {
        auto n = make_node();
        n->pos = tok_.pos;
        switch (tok_.kind) {
        case Tok::number: {
            const std::string& t = tok_.text;
            std::int64_t i = 0;
            const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
            if (ec == std::errc{} && end == t.data() + t.size()) {
                n->value = i;
            } else {
                const auto d = parse_decimal(t);
                if (!d) fail_at(tok_.pos, "invalid number " + t);
                n->value = Decimal{to_text(*d)};
            }
            advance();
            return n;
        }
        case Tok::string:
            n->value = tok_.text;
            advance();
            return n;
        case Tok::token:
            n->kind = tok_.text == "current_date" ? ExprNode::Kind::today_token : ExprNode::Kind::now_token;
            advance();
            return n;
        case Tok::ident: {
            n->name = tok_.text;
            advance();
            if (is_punct("(")) {
                n->kind = ExprNode::Kind::call;
                n->args = parse_args();
                return n;
            }
            const std::string lower = lower_ascii(n->name);
            if (lower == "and" || lower == "or" || lower == "not")
                fail_at(n->pos, "expected a value but found '" + n->name + "'");
            if (lower == "true" || lower == "false") n->value = lower == "true";
            else if (lower == "null" || lower == "none") n->value = std::monostate{};
            else n->kind = ExprNode::Kind::field;
            return n;
        }
        case Tok::punct:
            if (is_punct("(")) {
                advance();
                NodePtr inner = parse_or();
                expect(")");
                return inner;
            }
            break;
        case Tok::end: break;
        }
        fail_at(tok_.pos, "expected a value but found " + describe(tok_));
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t depth_ = 0;
    std::size_t nodes_ = 0;
    Token tok_;
};

} // namespace

NodePtr parse_syntax(std::string_view text) {
    Parser p(text);
    return p.parse_all();
}

} // namespace bulkflow::sql_detail
