/* cellsplit.c - splits a notebook cell into top-level items (see cellsplit.h).
 *
 * Three passes: tokenize (comments dropped, each preprocessor directive one
 * token), pair the brackets (so every later scan can jump over a group in
 * O(1) and never meets an unbalanced closer), then classify items left to
 * right. Item texts are slices of the original source, so comments and
 * columns inside an item survive; keys are rebuilt from tokens. */
#include "cellsplit.h"
#include "strbuf.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { E_NONE, E_STR, E_CHR, E_COMMENT, E_OOM };

typedef CToken Tok;

typedef struct Ctx {
    const char *s;
    int len;
    Tok *t;
    int n, cap;
    int *match;                 /* index of the partner bracket, -1 otherwise */
    const char *const *type_names;
    const char *const *macro_names;
    char **ctypes;              /* typedef names defined earlier in this cell */
    int nct, capct;
    ItemList *out;
    int capitems;
    int oom;
    int err_kind, err_line, err_pos;
    unsigned lex;               /* CELL_LEX_* flags */
} Ctx;

/* ---- keyword sets (read-only tables) ---- */

static const char *const STORAGE[] = {"typedef", "extern", "static", "auto", "register",
                                      "_Thread_local", "thread_local", "__thread", NULL};
static const char *const QUALS[] = {"const", "volatile", "restrict", "_Atomic", "__restrict",
                                    "__restrict__", "__const", "__volatile__", "__volatile", NULL};
static const char *const FUNCSPEC[] = {"inline", "__inline", "__inline__", "_Noreturn",
                                       "noreturn", "__extension__", NULL};
/* removed from function headers: the kernel gives every function an entry point */
static const char *const BLANKED[] = {"static", "inline", "__inline", "__inline__", "_Noreturn",
                                      "noreturn", NULL};
static const char *const TYPEKW[] = {"void", "char", "short", "int", "long", "float", "double",
                                     "signed", "unsigned", "_Bool", "bool", "_Complex",
                                     "__signed__", "__int128", "__auto_type", NULL};
static const char *const TAGS[] = {"struct", "union", "enum", NULL};
/* specifiers followed by a parenthesised group */
static const char *const GROUPSPEC[] = {"_Alignas", "alignas", "__attribute__", "__attribute",
                                        "typeof", "__typeof__", "__typeof", "__declspec", NULL};
static const char *const TYPEOFS[] = {"typeof", "__typeof__", "__typeof", NULL};
static const char *const ATTRS[] = {"__attribute__", "__attribute", "__declspec", "asm",
                                    "__asm__", "__asm", NULL};
/* identifiers that never start a declaration */
static const char *const OTHERKW[] = {"if", "else", "for", "while", "do", "switch", "case",
                                      "default", "return", "break", "continue", "goto",
                                      "_Static_assert", "static_assert", "asm", "__asm__",
                                      "__asm", "sizeof", "_Alignof", "alignof", "__alignof__",
                                      "_Generic", NULL};

/* ---- small helpers ---- */

static int tlen(const Ctx *c, int i) { return c->t[i].end - c->t[i].start; }

static int teq(const Ctx *c, int i, const char *w)
{
    if (i < 0 || i >= c->n) return 0;
    size_t l = strlen(w);
    return (size_t)tlen(c, i) == l && memcmp(c->s + c->t[i].start, w, l) == 0;
}

static int is_p(const Ctx *c, int i, const char *w)
{
    return i >= 0 && i < c->n && c->t[i].kind == TOK_PUNCT && teq(c, i, w);
}

static int is_ident(const Ctx *c, int i) { return i >= 0 && i < c->n && c->t[i].kind == TOK_IDENT; }

static int is_kw(const Ctx *c, int i, const char *w) { return is_ident(c, i) && teq(c, i, w); }

static int in_set(const Ctx *c, int i, const char *const *set)
{
    if (!is_ident(c, i)) return 0;
    for (; *set; set++)
        if (teq(c, i, *set)) return 1;
    return 0;
}

static int is_keyword(const Ctx *c, int i)
{
    return in_set(c, i, STORAGE) || in_set(c, i, QUALS) || in_set(c, i, FUNCSPEC) ||
           in_set(c, i, TYPEKW) || in_set(c, i, TAGS) || in_set(c, i, GROUPSPEC) ||
           in_set(c, i, ATTRS) || in_set(c, i, OTHERKW);
}

static int is_spec_kw(const Ctx *c, int i)
{
    return in_set(c, i, STORAGE) || in_set(c, i, QUALS) || in_set(c, i, FUNCSPEC) ||
           in_set(c, i, TYPEKW) || in_set(c, i, TAGS) || in_set(c, i, GROUPSPEC);
}

static int is_opener(const Ctx *c, int i)
{
    return is_p(c, i, "(") || is_p(c, i, "[") || is_p(c, i, "{");
}

static int known_type(const Ctx *c, int i)
{
    if (!is_ident(c, i)) return 0;
    if (c->type_names && in_set(c, i, c->type_names)) return 1;
    for (int k = 0; k < c->nct; k++)
        if (teq(c, i, c->ctypes[k])) return 1;
    return 0;
}

static int known_macro(const Ctx *c, int i)
{
    return c->macro_names && in_set(c, i, c->macro_names);
}

static char *xstrndup(Ctx *c, const char *s, size_t l)
{
    char *p = malloc(l + 1);
    if (!p) { c->oom = 1; return NULL; }
    memcpy(p, s, l);
    p[l] = 0;
    return p;
}

static char *tokstr(Ctx *c, int i) { return xstrndup(c, c->s + c->t[i].start, (size_t)tlen(c, i)); }

/* source slice from token a to token b inclusive */
static char *raw(Ctx *c, int a, int b)
{
    if (b < a) return xstrndup(c, "", 0);
    return xstrndup(c, c->s + c->t[a].start, (size_t)(c->t[b].end - c->t[a].start));
}

/* The kernel's one string builder (strbuf.h) builds keys and texts. */
static void bputtok(const Ctx *c, StrBuf *b, int i) { sb_putn(b, c->s + c->t[i].start, (size_t)tlen(c, i)); }

/* ---- tokenizer ---- */

static int push_tok(Ctx *c, TokKind kind, int start, int end, int line, int end_line)
{
    if (c->n == c->cap) {
        int nc = c->cap ? c->cap * 2 : 256;
        Tok *p = realloc(c->t, (size_t)nc * sizeof *p);
        if (!p) { c->oom = 1; c->err_kind = E_OOM; return -1; }
        c->t = p;
        c->cap = nc;
    }
    c->t[c->n++] = (Tok){kind, start, end, line, end_line};
    return 0;
}

/* length of a backslash-newline at p (0 if none) */
static int splice_len(const char *s, int len, int p)
{
    if (s[p] != '\\' || p + 1 >= len) return 0;
    if (s[p + 1] == '\n') return 2;
    if (s[p + 1] == '\r' && p + 2 < len && s[p + 2] == '\n') return 3;
    return 0;
}

static int tok_err(Ctx *c, int kind, int line, int pos)
{
    c->err_kind = kind;
    c->err_line = line;
    c->err_pos = pos;
    return -1;
}

static int skip_block_comment(Ctx *c, int *pp, int *line)
{
    int p = *pp + 2, l = *line;
    while (p < c->len && !(c->s[p] == '*' && p + 1 < c->len && c->s[p + 1] == '/')) {
        if (c->s[p] == '\n') l++;
        p++;
    }
    if (p >= c->len) return tok_err(c, E_COMMENT, *line, c->len);
    *pp = p + 2;
    *line = l;
    return 0;
}

static void skip_line_comment(const Ctx *c, int *pp, int *line)
{
    int p = *pp;
    while (p < c->len && c->s[p] != '\n') {
        int sl = splice_len(c->s, c->len, p);
        if (sl) { p += sl; (*line)++; }
        else p++;
    }
    *pp = p;
}

/* string or character literal starting at *pp (the quote); strict: a raw
 * newline or the end of the code leaves it unterminated */
static int scan_quoted(Ctx *c, int *pp, int *line, char q)
{
    int p = *pp + 1, sline = *line;
    for (;;) {
        if (p >= c->len) return tok_err(c, q == '"' ? E_STR : E_CHR, sline, c->len);
        int sl = splice_len(c->s, c->len, p);
        if (sl) { p += sl; (*line)++; continue; }
        char ch = c->s[p];
        if (ch == '\\') { p += (p + 1 < c->len && c->s[p + 1] != '\n') ? 2 : 1; continue; }
        if (ch == q) { *pp = p + 1; return 0; }
        if (ch == '\n') return tok_err(c, q == '"' ? E_STR : E_CHR, sline, p);
        p++;
    }
}

static const char *const PUNCT3[] = {"...", "<<=", ">>=", NULL};
static const char *const PUNCT2[] = {"->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&",
                                     "||", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##",
                                     NULL};

static int punct_len(const char *s, int len, int p)
{
    for (const char *const *w = PUNCT3; *w; w++)
        if (p + 3 <= len && memcmp(s + p, *w, 3) == 0) return 3;
    for (const char *const *w = PUNCT2; *w; w++)
        if (p + 2 <= len && memcmp(s + p, *w, 2) == 0) return 2;
    return 1;
}

static int is_id_start(char ch) { return isalpha((unsigned char)ch) || ch == '_' || ch == '$'; }
static int is_id_char(char ch) { return isalnum((unsigned char)ch) || ch == '_' || ch == '$'; }

/* One directive, `#` through the end of its last continued line. Quotes are
 * scanned leniently (`#error don't` is legal); block comments may span lines. */
static int scan_directive(Ctx *c, int *pp, int *line)
{
    const char *s = c->s;
    int p = *pp + 1;
    while (p < c->len && s[p] != '\n') {
        int sl = splice_len(s, c->len, p);
        if (sl) { p += sl; (*line)++; continue; }
        if (s[p] == '/' && p + 1 < c->len && s[p + 1] == '*') {
            if (skip_block_comment(c, &p, line)) return -1;
            continue;
        }
        if (s[p] == '/' && p + 1 < c->len && s[p + 1] == '/') { skip_line_comment(c, &p, line); break; }
        if (s[p] == '"' || s[p] == '\'') {
            char q = s[p++];
            while (p < c->len && s[p] != '\n' && s[p] != q) {
                sl = splice_len(s, c->len, p);
                if (sl) { p += sl; (*line)++; continue; }
                p += (s[p] == '\\' && p + 1 < c->len && s[p + 1] != '\n') ? 2 : 1;
            }
            if (p < c->len && s[p] == q) p++;
            continue;
        }
        p++;
    }
    *pp = p;
    return 0;
}

/* On error the tokens read so far stay (is_complete uses them). */
static int tokenize(Ctx *c)
{
    const char *s = c->s;
    int p = 0, line = 1, bol = 1;
    while (p < c->len) {
        char ch = s[p];
        if (ch == '\n') { line++; bol = 1; p++; continue; }
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v') { p++; continue; }
        int sl = splice_len(s, c->len, p);
        if (sl) { p += sl; line++; continue; }
        if (ch == '/' && p + 1 < c->len && (s[p + 1] == '*' || s[p + 1] == '/')) {
            int start = p, sline = line;
            if (s[p + 1] == '/') skip_line_comment(c, &p, &line);
            else if (skip_block_comment(c, &p, &line)) return -1;
            if ((c->lex & CELL_LEX_COMMENTS) && push_tok(c, TOK_COMMENT, start, p, sline, line)) return -1;
            continue;
        }
        int start = p, sline = line;
        TokKind kind;
        if (ch == '#' && bol && !(c->lex & CELL_LEX_DIRECTIVES)) {
            if (scan_directive(c, &p, &line)) return -1;
            int end = p;
            while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r')) end--;
            if (push_tok(c, TOK_PP, start, end, sline, line)) return -1;
            bol = 0;
            continue;
        }
        bol = 0;
        if (is_id_start(ch)) {
            while (p < c->len && is_id_char(s[p])) p++;
            int l = p - start;
            int prefix = p < c->len && (s[p] == '"' || s[p] == '\'') &&
                         ((l == 1 && (s[start] == 'L' || s[start] == 'u' || s[start] == 'U')) ||
                          (l == 2 && s[start] == 'u' && s[start + 1] == '8'));
            if (prefix) {
                char q = s[p];
                if (scan_quoted(c, &p, &line, q)) return -1;
                kind = q == '"' ? TOK_STR : TOK_CHR;
            } else {
                kind = TOK_IDENT;
            }
        } else if (isdigit((unsigned char)ch) || (ch == '.' && p + 1 < c->len && isdigit((unsigned char)s[p + 1]))) {
            p++;
            while (p < c->len) {
                char d = s[p];
                if ((d == 'e' || d == 'E' || d == 'p' || d == 'P') && p + 1 < c->len &&
                    (s[p + 1] == '+' || s[p + 1] == '-'))
                    p += 2;
                else if (is_id_char(d) || d == '.')
                    p++;
                else
                    break;
            }
            kind = TOK_NUM;
        } else if (ch == '"' || ch == '\'') {
            if (scan_quoted(c, &p, &line, ch)) return -1;
            kind = ch == '"' ? TOK_STR : TOK_CHR;
        } else {
            p += punct_len(s, c->len, p);
            kind = TOK_PUNCT;
        }
        if (push_tok(c, kind, start, p, sline, line)) return -1;
    }
    return 0;
}

/* ---- bracket pairing ---- */

static void set_err(char *err, size_t errlen, int *err_line, int line, const char *fmt, ...)
{
    if (err_line) *err_line = line;
    if (!err || !errlen) return;
    int k = snprintf(err, errlen, "line %d: ", line);
    if (k < 0 || (size_t)k >= errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
    va_end(ap);
}

static char closer_of(char o) { return o == '(' ? ')' : o == '[' ? ']' : '}'; }

/* indentation width of the line holding byte `pos`; *first: whether only
 * blanks precede `pos` on that line */
static int line_indent(const Ctx *c, int pos, int *first)
{
    int p = pos, w = 0;
    while (p > 0 && c->s[p - 1] != '\n') p--;
    while (p < pos && (c->s[p] == ' ' || c->s[p] == '\t')) w += c->s[p++] == '\t' ? 4 : 1;
    if (first) *first = p == pos;
    return w;
}

static int pair_brackets(Ctx *c, char *err, size_t errlen, int *err_line)
{
    int *stack = malloc(((size_t)c->n + 1) * sizeof *stack);
    if (!stack) { c->oom = 1; return -1; }
    int sp = 0, rc = 0;
    int suspect = -1;  /* first '{' closed by a '}' indented less than its line */
    for (int i = 0; i < c->n; i++) {
        c->match[i] = -1;
        if (c->t[i].kind != TOK_PUNCT || tlen(c, i) != 1) continue;
        char ch = c->s[c->t[i].start];
        if (ch == '(' || ch == '[' || ch == '{') {
            stack[sp++] = i;
        } else if (ch == ')' || ch == ']' || ch == '}') {
            if (sp == 0) {
                set_err(err, errlen, err_line, c->t[i].line, "unexpected '%c'", ch);
                rc = -1;
                break;
            }
            int o = stack[sp - 1];
            char och = c->s[c->t[o].start];
            if (closer_of(och) != ch) {
                /* braces are the structure students see: a '}' meeting an open
                 * '(' means the paren was never closed; a stray ')' inside
                 * braces is itself the mistake */
                if (ch == '}')
                    set_err(err, errlen, err_line, c->t[o].line, "unbalanced '%c' (missing '%c')", och,
                            closer_of(och));
                else
                    set_err(err, errlen, err_line, c->t[i].line, "unexpected '%c'", ch);
                rc = -1;
                break;
            }
            sp--;
            c->match[i] = o;
            c->match[o] = i;
            if (ch == '}' && suspect < 0 && c->t[i].line != c->t[o].line) {
                int first;
                int ci = line_indent(c, c->t[i].start, &first);
                if (first && ci < line_indent(c, c->t[o].start, NULL)) suspect = o;
            }
        }
    }
    if (rc == 0 && sp > 0) {
        /* A missing '}' makes every later '}' close the wrong opener; the
         * first one whose indentation disagrees points at the real culprit.
         * Else the innermost unclosed one: where the student was typing. */
        int o = stack[sp - 1];
        char och = c->s[c->t[o].start];
        if (och == '{' && suspect >= 0) o = suspect;
        set_err(err, errlen, err_line, c->t[o].line, "unbalanced '%c' (missing '%c')", och, closer_of(och));
        rc = -1;
    }
    free(stack);
    return rc;
}

/* ---- item construction ---- */

static Item *new_item(Ctx *c, ItemKind kind, int line, int end_line)
{
    ItemList *o = c->out;
    if (o->n == c->capitems) {
        int nc = c->capitems ? c->capitems * 2 : 16;
        Item *p = realloc(o->items, (size_t)nc * sizeof *p);
        if (!p) { c->oom = 1; return NULL; }
        o->items = p;
        c->capitems = nc;
    }
    Item *it = &o->items[o->n++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->line = line;
    it->end_line = end_line;
    return it;
}

/* item whose text is the source slice of tokens a..b */
static Item *slice_item(Ctx *c, ItemKind kind, int a, int b)
{
    Item *it = new_item(c, kind, c->t[a].line, c->t[b].end_line);
    if (it) it->text = raw(c, a, b);
    return it;
}

/* Joins tokens into one line of text. gap mode: one space where the source
 * had whitespace or comments. canon mode: spacing fixed by the token kinds,
 * so the same type written two ways gives the same key. */
typedef struct Join {
    StrBuf b;
    int canon;
    int prev;        /* last token joined, -1 at start */
    int prev_word;
    char prev_p[4];  /* punctuator text of the last token ("" for a word) */
} Join;

static void join_init(Join *j, int canon)
{
    memset(j, 0, sizeof *j);
    j->canon = canon;
    j->prev = -1;
}

static int pis(const char *p, const char *w) { return strcmp(p, w) == 0; }

static int canon_space(const Ctx *c, const Join *j, int i, int nword, const char *np)
{
    int pw = j->prev_word;
    const char *pp = j->prev_p;
    if (pw && nword) return 1;
    if (!nword && (pis(np, ",") || pis(np, ";") || pis(np, ")") || pis(np, "]") || pis(np, "[")))
        return 0;
    if (!pw && (pis(pp, "(") || pis(pp, "["))) return 0;
    if (!pw && (pis(pp, ",") || pis(pp, ";"))) return 1;
    if ((!nword && (pis(np, "{") || pis(np, "}"))) || (!pw && (pis(pp, "{") || pis(pp, "}")))) return 1;
    if (!nword && pis(np, "*")) return pw;
    if (!pw && pis(pp, "*") && (nword || pis(np, "*") || pis(np, "("))) return 0;
    if (!nword && pis(np, "(")) return pw;
    return c->t[i].start > c->t[j->prev].end;
}

static void join_tok(Ctx *c, Join *j, int i, int as_at)
{
    const Tok *t = &c->t[i];
    if (t->kind == TOK_PP) {  /* a directive must stay on its own line */
        if (j->b.len) sb_puts(&j->b, "\n");
        bputtok(c, &j->b, i);
        sb_puts(&j->b, "\n");
        j->prev = -1;
        return;
    }
    int nword = as_at || t->kind != TOK_PUNCT;
    char np[4] = "";
    if (!nword && tlen(c, i) < 4) memcpy(np, c->s + t->start, (size_t)tlen(c, i)), np[tlen(c, i)] = 0;
    if (j->prev >= 0) {
        int sp = j->canon ? canon_space(c, j, i, nword, np) : t->start > c->t[j->prev].end;
        if (sp) sb_puts(&j->b, " ");
    }
    if (as_at) sb_puts(&j->b, "@");
    else bputtok(c, &j->b, i);
    j->prev = i;
    j->prev_word = nword;
    memcpy(j->prev_p, np, sizeof np);
}

/* ---- declarations ---- */

typedef struct Spec {
    int start, end;            /* specifier tokens [start, end) */
    int has_typedef, has_extern;
    int tag_kw, tag_name;      /* struct/union/enum keyword and tag, -1 if none */
    int body_open, body_close; /* its { } */
} Spec;

typedef struct Decl {
    int start, end;            /* declarator tokens [start, end) */
    int name;                  /* -1 when the declarator names nothing */
    int isfunc;
    int eq, init_s, init_e;    /* '=' and initializer tokens [init_s, init_e), -1 if none */
} Decl;

/* An identifier seen before any type specifier is a typedef name unless
 * what follows makes it the declarator (`static x = 1;`, `f(void) {`). */
static int ident_is_type(const Ctx *c, int i)
{
    if (known_type(c, i)) return 1;
    if (is_ident(c, i + 1) || is_p(c, i + 1, "*")) return 1;
    if (is_p(c, i + 1, "(") && is_p(c, i + 2, "*")) return 1;
    return 0;
}

static void parse_spec(const Ctx *c, int i, Spec *sp)
{
    int seen = 0;
    sp->start = i;
    while (i < c->n) {
        if (in_set(c, i, STORAGE)) {
            if (teq(c, i, "typedef")) sp->has_typedef = 1;
            if (teq(c, i, "extern")) sp->has_extern = 1;
            i++;
        } else if (in_set(c, i, QUALS) || in_set(c, i, FUNCSPEC)) {
            if (teq(c, i, "_Atomic") && is_p(c, i + 1, "(")) {  /* _Atomic(int) */
                seen = 1;
                i = c->match[i + 1] + 1;
            } else {
                i++;
            }
        } else if (in_set(c, i, TYPEKW)) {
            seen = 1;
            i++;
        } else if (in_set(c, i, GROUPSPEC)) {
            if (in_set(c, i, TYPEOFS)) seen = 1;
            i = is_p(c, i + 1, "(") ? c->match[i + 1] + 1 : i + 1;
        } else if (in_set(c, i, TAGS)) {
            seen = 1;
            sp->tag_kw = i++;
            while (in_set(c, i, ATTRS) && is_p(c, i + 1, "(")) i = c->match[i + 1] + 1;
            if (is_ident(c, i) && !is_keyword(c, i)) sp->tag_name = i++;
            if (is_p(c, i, "{")) {
                sp->body_open = i;
                sp->body_close = c->match[i];
                i = sp->body_close + 1;
            }
        } else if (!seen && is_ident(c, i) && !is_keyword(c, i) && ident_is_type(c, i)) {
            seen = 1;
            i++;
        } else {
            break;
        }
    }
    sp->end = i;
}

/* the declarator's name: its first identifier that is not a keyword */
static int find_name(const Ctx *c, int a, int b)
{
    for (int i = a; i < b; i++) {
        if (!is_ident(c, i)) continue;
        if (in_set(c, i, ATTRS) && is_p(c, i + 1, "(")) { i = c->match[i + 1]; continue; }
        if (is_keyword(c, i)) continue;
        return i;
    }
    return -1;
}

/* Which `const` makes the object itself const: reading outward from the
 * name, arrays pass through to their element type; the first pointer
 * decides with its own qualifiers; with none, the specifiers decide.
 * Returns the declarator's const token, -2 for the specifiers' const,
 * -1 when the object is not const. */
static int top_const(const Ctx *c, const Decl *d)
{
    int L = d->name - 1, R = d->name + 1;
    for (;;) {
        while (R < d->end && is_p(c, R, "[")) R = c->match[R] + 1;
        if (R < d->end && is_p(c, R, "(")) return -1;
        int cst = -1;
        while (L >= d->start && in_set(c, L, QUALS)) {
            if (teq(c, L, "const") || teq(c, L, "__const")) cst = L;
            L--;
        }
        if (L >= d->start && is_p(c, L, "*")) return cst;
        if (L >= d->start && is_p(c, L, "(") && R < d->end && is_p(c, R, ")")) {
            L--;
            R++;
            continue;
        }
        return cst >= 0 ? cst : -2;
    }
}

/* type_key / storage_key: specifiers without storage class, the tagged
 * body dropped when `skip_body` (it went to its own TYPE item). */
static char *build_key(Ctx *c, const Spec *sp, const Decl *d, int skip_body, int drop_const)
{
    Join j;
    join_init(&j, 1);
    int tc = drop_const ? top_const(c, d) : -1;
    int depth = 0;
    for (int i = sp->start; i < sp->end; i++) {
        if (skip_body && i >= sp->body_open && i <= sp->body_close && sp->body_open >= 0) continue;
        if (depth == 0 && in_set(c, i, STORAGE)) continue;
        if (depth == 0 && tc == -2 && (teq(c, i, "const") || teq(c, i, "__const")) && is_ident(c, i)) continue;
        if (is_opener(c, i)) depth++;
        else if (c->match[i] >= 0) depth--;
        join_tok(c, &j, i, 0);
    }
    for (int i = d->start; i < d->end; i++) {
        if (i == tc) continue;
        join_tok(c, &j, i, i == d->name);
    }
    return sb_take(&j.b);
}

/* specifiers as one line, optionally without the tagged body or the
 * keywords the kernel strips from functions */
static void join_spec(Ctx *c, Join *j, const Spec *sp, int skip_body, int skip_blanked)
{
    for (int i = sp->start; i < sp->end; i++) {
        if (skip_body && sp->body_open >= 0 && i >= sp->body_open && i <= sp->body_close) continue;
        if (skip_blanked && in_set(c, i, BLANKED)) continue;
        join_tok(c, j, i, 0);
    }
}

/* replaces the BLANKED keywords of the specifiers inside a raw slice */
static void blank_spec(const Ctx *c, char *text, int base_tok, const Spec *sp)
{
    if (!text) return;
    for (int i = sp->start; i < sp->end; i++)
        if (in_set(c, i, BLANKED))
            memset(text + (c->t[i].start - c->t[base_tok].start), ' ', (size_t)tlen(c, i));
}

static char *tag_key(Ctx *c, const Spec *sp)
{
    StrBuf b = {0};
    bputtok(c, &b, sp->tag_kw);
    sb_puts(&b, " ");
    bputtok(c, &b, sp->tag_name);
    return sb_take(&b);
}

/* "enum{A,B,C}" from the enumerator names */
static char *enum_key(Ctx *c, int open, int close)
{
    StrBuf b = {0};
    int expect = 1, first = 1;
    sb_puts(&b, "enum{");
    for (int i = open + 1; i < close; i++) {
        if (expect && is_ident(c, i)) {
            if (!first) sb_puts(&b, ",");
            bputtok(c, &b, i);
            first = 0;
            expect = 0;
        }
        if (is_p(c, i, ",")) expect = 1;
        else if (is_opener(c, i)) i = c->match[i];
    }
    sb_puts(&b, "}");
    return sb_take(&b);
}

static void add_ctype(Ctx *c, int i)
{
    if (c->nct == c->capct) {
        int nc = c->capct ? c->capct * 2 : 8;
        char **p = realloc(c->ctypes, (size_t)nc * sizeof *p);
        if (!p) { c->oom = 1; return; }
        c->ctypes = p;
        c->capct = nc;
    }
    char *s = tokstr(c, i);
    if (s) c->ctypes[c->nct++] = s;
}

static void emit_func(Ctx *c, int i0, const Spec *sp, const Decl *d, int body, int implicit)
{
    int close = c->match[body];
    Item *it = slice_item(c, ITEM_FUNC, i0, close);
    if (!it) return;
    blank_spec(c, it->text, i0, sp);
    it->name = tokstr(c, d->name);
    it->name_off = c->t[d->name].start - c->t[i0].start;
    Join j;
    join_init(&j, 0);
    if (implicit) sb_puts(&j.b, "int ");
    join_spec(c, &j, sp, 0, 1);
    for (int i = d->start; i < d->end; i++) join_tok(c, &j, i, 0);
    sb_puts(&j.b, ";");
    it->proto = sb_take(&j.b);
    int open = d->name + 1;
    join_init(&j, 0);
    for (int i = open + 1; i < c->match[open]; i++) join_tok(c, &j, i, 0);
    it->params = sb_take(&j.b);
}

static void emit_var(Ctx *c, int i0, const Spec *sp, const Decl *d, int first, int split)
{
    int last = d->init_e > d->init_s ? d->init_e - 1 : d->end - 1;
    Item *it = new_item(c, ITEM_VAR, c->t[first ? i0 : d->start].line, c->t[last].end_line);
    if (!it) return;
    it->name = tokstr(c, d->name);
    if (d->eq >= 0) {
        it->init = d->init_e > d->init_s ? raw(c, d->init_s, d->init_e - 1) : xstrndup(c, "", 0);
        it->init_line = c->t[d->init_e > d->init_s ? d->init_s : d->eq].line;
    }
    if (first && !split) {
        it->text = raw(c, i0, d->eq >= 0 && d->init_e <= d->init_s ? d->eq : last);  /* as written */
    } else {
        /* later declarators share the specifiers written once before */
        Join j;
        join_init(&j, 0);
        join_spec(c, &j, sp, split, 0);
        StrBuf *b = &j.b;
        if (b->len) sb_puts(b, " ");
        char *dt = raw(c, d->start, d->end - 1);
        if (dt) sb_puts(b, dt);
        free(dt);
        if (d->eq >= 0) {
            sb_puts(b, " = ");
            if (it->init) sb_puts(b, it->init);
        }
        it->text = sb_take(b);
    }
    it->type_key = build_key(c, sp, d, split, 0);
    it->storage_key = build_key(c, sp, d, split, 1);
}

/* DECL for one declarator of a prototype or extern declaration */
static void emit_decl(Ctx *c, int i0, int term, const Spec *sp, const Decl *d, int nd, int split)
{
    int isfunc = d->isfunc;
    Item *it;
    if (nd == 1 && !split) {
        it = slice_item(c, ITEM_DECL, i0, term);
        if (!it) return;
        if (isfunc) blank_spec(c, it->text, i0, sp);
    } else {
        int last = d->init_e > d->init_s ? d->init_e - 1 : d->end - 1;
        it = new_item(c, ITEM_DECL, c->t[d->start].line, c->t[last].end_line);
        if (!it) return;
        Join j;
        join_init(&j, 0);
        join_spec(c, &j, sp, split, isfunc);
        if (j.b.len) sb_puts(&j.b, " ");
        int stop = d->init_e > d->init_s ? d->init_e : d->end;
        char *dt = raw(c, d->start, stop - 1);
        if (dt) sb_puts(&j.b, dt);
        free(dt);
        sb_puts(&j.b, ";");
        it->text = sb_take(&j.b);
    }
    it->name = tokstr(c, d->name);
}

/* Parses a declaration starting at i0; `implicit`: K&R-style `main() {`
 * with no specifiers. Returns the index after it. */
static int parse_decl(Ctx *c, int i0, int implicit)
{
    Spec sp = {i0, i0, 0, 0, -1, -1, -1, -1};
    if (!implicit) parse_spec(c, i0, &sp);
    Decl *ds = NULL;
    int nd = 0, cap = 0, term = -1, body = -1, j = sp.end;
    while (j < c->n) {
        if (is_p(c, j, ";")) { term = j; break; }
        Decl d = {j, j, -1, 0, -1, -1, -1};
        int k = j;
        while (k < c->n && !is_p(c, k, "=") && !is_p(c, k, ",") && !is_p(c, k, ";") && !is_p(c, k, "{"))
            k = (is_p(c, k, "(") || is_p(c, k, "[")) ? c->match[k] + 1 : k + 1;
        d.end = k;
        d.name = find_name(c, j, k);
        d.isfunc = d.name >= 0 && is_p(c, d.name + 1, "(");
        if (is_p(c, k, "=")) {
            int m = k + 1;
            while (m < c->n && !is_p(c, m, ",") && !is_p(c, m, ";"))
                m = is_opener(c, m) ? c->match[m] + 1 : m + 1;
            d.eq = k;
            d.init_s = k + 1;
            d.init_e = m;
            k = m;
        }
        if (nd == cap) {
            cap = cap ? cap * 2 : 4;
            Decl *p = realloc(ds, (size_t)cap * sizeof *p);
            if (!p) { c->oom = 1; free(ds); return c->n; }
            ds = p;
        }
        ds[nd++] = d;
        if (is_p(c, k, "{")) { body = k; break; }
        if (k >= c->n) break;
        if (is_p(c, k, ";")) { term = k; break; }
        j = k + 1;  /* ',' */
    }

    int next;
    int named = 1;
    for (int k = 0; k < nd; k++)
        if (ds[k].name < 0) named = 0;
    if (body >= 0) {
        next = c->match[body] + 1;
        if (nd == 1 && ds[0].isfunc && ds[0].eq < 0)
            emit_func(c, i0, &sp, &ds[0], body, implicit);
        else
            slice_item(c, ITEM_STMT, i0, next - 1);  /* not C: let the compiler say so */
    } else if (term < 0) {
        next = c->n;
        slice_item(c, ITEM_EXPR, i0, c->n - 1);
    } else if (!named) {
        next = term + 1;
        slice_item(c, ITEM_STMT, i0, term);
    } else {
        next = term + 1;
        if (sp.has_typedef) {
            Item *it = slice_item(c, ITEM_TYPE, i0, term);
            if (it) {
                if (nd) it->name = tokstr(c, ds[0].name);
                else if (sp.tag_name >= 0) it->name = tag_key(c, &sp);
            }
            for (int k = 0; k < nd; k++) add_ctype(c, ds[k].name);
        } else if (nd == 0) {
            if (sp.tag_kw >= 0) {
                Item *it = slice_item(c, ITEM_TYPE, i0, term);
                if (it && sp.body_open >= 0) {
                    if (sp.tag_name >= 0) it->name = tag_key(c, &sp);
                    else if (teq(c, sp.tag_kw, "enum")) it->name = enum_key(c, sp.body_open, sp.body_close);
                }
            } else {
                slice_item(c, ITEM_DECL, i0, term);
            }
        } else {
            int split = sp.tag_name >= 0 && sp.body_open >= 0;
            if (split) {
                /* `struct P {...} p;`: the type goes to the prelude on its own */
                Item *it = new_item(c, ITEM_TYPE, c->t[sp.tag_kw].line, c->t[sp.body_close].end_line);
                if (it) {
                    StrBuf b = {0};
                    char *def = raw(c, sp.tag_kw, sp.body_close);
                    if (def) sb_puts(&b, def);
                    free(def);
                    sb_puts(&b, ";");
                    it->text = sb_take(&b);
                    it->name = tag_key(c, &sp);
                }
            }
            for (int k = 0; k < nd; k++) {
                if (sp.has_extern || ds[k].isfunc)
                    emit_decl(c, i0, term, &sp, &ds[k], nd, split);
                else
                    emit_var(c, i0, &sp, &ds[k], k == 0, split);
            }
        }
    }
    free(ds);
    return next;
}

/* ---- statements ---- */

/* up to the next ';' at this depth */
static int simple_end(const Ctx *c, int i, int *ok)
{
    while (i < c->n) {
        if (is_p(c, i, ";")) return i + 1;
        i = is_opener(c, i) ? c->match[i] + 1 : i + 1;
    }
    *ok = 0;
    return c->n;
}

/* index after the statement starting at i; *ok = 0 when the code ends first */
static int stmt_end(const Ctx *c, int i, int *ok)
{
    if (i >= c->n) { *ok = 0; return c->n; }
    if (is_p(c, i, "{")) return c->match[i] + 1;
    if (is_kw(c, i, "if") && is_p(c, i + 1, "(")) {
        int j = stmt_end(c, c->match[i + 1] + 1, ok);
        if (!*ok) return c->n;
        if (is_kw(c, j, "else")) return stmt_end(c, j + 1, ok);
        return j;
    }
    if ((is_kw(c, i, "for") || is_kw(c, i, "while") || is_kw(c, i, "switch")) && is_p(c, i + 1, "("))
        return stmt_end(c, c->match[i + 1] + 1, ok);
    if (is_kw(c, i, "do")) {
        int j = stmt_end(c, i + 1, ok);
        if (!*ok) return c->n;
        if (is_kw(c, j, "while") && is_p(c, j + 1, "(")) {
            int k = c->match[j + 1] + 1;
            if (is_p(c, k, ";")) return k + 1;
            return simple_end(c, k, ok);
        }
        return simple_end(c, j, ok);
    }
    if (is_ident(c, i) && !is_keyword(c, i) && is_p(c, i + 1, ":")) return stmt_end(c, i + 2, ok);  /* label */
    /* A macro that opens a block (`no_grad { ... }`, `REPEAT(3) { ... }`):
     * the statement ends with the block, not at the next ';'. */
    if (is_ident(c, i) && !is_keyword(c, i) && is_p(c, i + 1, "{")) return c->match[i + 1] + 1;
    if (is_ident(c, i) && !is_keyword(c, i) && is_p(c, i + 1, "(") && is_p(c, c->match[i + 1] + 1, "{"))
        return c->match[c->match[i + 1] + 1] + 1;
    return simple_end(c, i, ok);
}

/* Does the item at i start a declaration? */
static int looks_decl(const Ctx *c, int i)
{
    if (!is_ident(c, i)) return 0;
    if (is_spec_kw(c, i)) return 1;
    if (is_keyword(c, i)) return 0;
    int nx = i + 1;
    if (known_type(c, nx - 1))
        return is_ident(c, nx) || is_p(c, nx, "*") || is_p(c, nx, "(");
    if (is_ident(c, nx) && !in_set(c, nx, OTHERKW)) return 1;  /* `Foo x`: no expression starts so */
    if (!is_p(c, nx, "*")) return 0;
    /* `T *x =`, `T **const x;` ... with T unknown */
    int k = nx;
    while (is_p(c, k, "*") || in_set(c, k, QUALS)) k++;
    if (!is_ident(c, k) || is_keyword(c, k)) return 0;
    int f = k + 1;
    if (is_p(c, f, "=") || is_p(c, f, ";") || is_p(c, f, ",") || is_p(c, f, "[") || is_p(c, f, ")"))
        return 1;
    if (is_p(c, f, "(")) {
        int m = c->match[f] + 1;
        if (is_p(c, m, "{")) return 1;  /* `T *make(int n) {` */
        if (is_p(c, m, ";") || is_p(c, m, ",")) {
            /* prototype `T *make(int n);` rather than the product `a * f(b);` */
            int p = f + 1;
            return is_p(c, p, ")") || is_spec_kw(c, p) || known_type(c, p) || is_p(c, p, "...") ||
                   (is_ident(c, p) && is_ident(c, p + 1));
        }
    }
    return 0;
}

/* `f(...) {` with no return type is a (K&R-style) function definition
 * only when the parentheses hold a parameter list: nothing, `void`, or
 * declarations. `REPEAT(3) {` or `with_scope(x) {` is a macro opening a block. */
static int params_declared(const Ctx *c, int open)
{
    int close = c->match[open];
    if (close == open + 1) return 1;
    for (int p = open + 1; p < close; p = c->match[p] >= 0 && is_opener(c, p) ? c->match[p] + 1 : p + 1) {
        /* every parameter starts with a specifier or a known type */
        int starts = p == open + 1 || is_p(c, p - 1, ",");
        if (starts && !(is_spec_kw(c, p) || known_type(c, p) || is_p(c, p, "...") ||
                        (is_ident(c, p) && (is_ident(c, p + 1) || is_p(c, p + 1, "*")))))
            return 0;
    }
    return 1;
}

static void split_items(Ctx *c)
{
    int i = 0;
    while (i < c->n && !c->oom) {
        if (c->t[i].kind == TOK_PP) {
            Item *it = slice_item(c, ITEM_PREPROC, i, i);
            if (it) {
                /* macro name of #define / #undef */
                const char *s = c->s + c->t[i].start + 1, *e = c->s + c->t[i].end;
                while (s < e && (*s == ' ' || *s == '\t')) s++;
                const char *w = s;
                while (s < e && is_id_char(*s)) s++;
                size_t wl = (size_t)(s - w);
                if ((wl == 6 && !memcmp(w, "define", 6)) || (wl == 5 && !memcmp(w, "undef", 5))) {
                    while (s < e && (*s == ' ' || *s == '\t')) s++;
                    const char *m = s;
                    while (s < e && is_id_char(*s)) s++;
                    if (s > m) it->name = xstrndup(c, m, (size_t)(s - m));
                }
            }
            i++;
        } else if (is_p(c, i, ";")) {
            i++;  /* empty statement */
        } else if (looks_decl(c, i)) {
            i = parse_decl(c, i, 0);
        } else if (is_ident(c, i) && !is_keyword(c, i) && is_p(c, i + 1, "(") &&
                   is_p(c, c->match[i + 1] + 1, "{") && !known_macro(c, i) && params_declared(c, i + 1)) {
            i = parse_decl(c, i, 1);
        } else {
            int ok = 1;
            int e = stmt_end(c, i, &ok);
            if (ok) slice_item(c, ITEM_STMT, i, e - 1);
            else slice_item(c, ITEM_EXPR, i, c->n - 1);
            i = e;
        }
    }
}

/* ---- public API ---- */

void itemlist_free(ItemList *list)
{
    if (!list) return;
    for (int i = 0; i < list->n; i++) {
        Item *it = &list->items[i];
        free(it->text);
        free(it->name);
        free(it->type_key);
        free(it->storage_key);
        free(it->init);
        free(it->proto);
        free(it->params);
    }
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

int cell_tokenize(const char *code, unsigned flags, CToken **out, int *n)
{
    Ctx c;
    memset(&c, 0, sizeof c);
    c.s = code ? code : "";
    size_t len = strlen(c.s);
    c.len = len > INT_MAX / 2 ? INT_MAX / 2 : (int)len;
    c.lex = flags;
    int rc = tokenize(&c);
    *out = c.t;
    *n = c.n;
    return rc < 0 ? -1 : 0;
}

static void ctx_free(Ctx *c)
{
    free(c->t);
    free(c->match);
    for (int k = 0; k < c->nct; k++) free(c->ctypes[k]);
    free(c->ctypes);
}

int cellsplit(const char *code, const CellNames *known, ItemList *out, char *err, size_t errlen,
              int *err_line)
{
    Ctx c;
    memset(&c, 0, sizeof c);
    if (err && errlen) err[0] = 0;
    if (err_line) *err_line = 0;
    out->items = NULL;
    out->n = 0;
    c.s = code ? code : "";
    size_t len = strlen(c.s);
    if (len > INT_MAX / 2) {
        set_err(err, errlen, err_line, 1, "cell too large");
        return -1;
    }
    c.len = (int)len;
    c.type_names = known ? known->types : NULL;
    c.macro_names = known ? known->macros : NULL;
    c.out = out;
    if (tokenize(&c) < 0) {
        if (c.err_kind == E_OOM) set_err(err, errlen, err_line, 1, "out of memory");
        else if (c.err_kind == E_COMMENT) set_err(err, errlen, err_line, c.err_line, "unterminated comment");
        else if (c.err_kind == E_CHR)
            set_err(err, errlen, err_line, c.err_line, "unterminated character literal");
        else set_err(err, errlen, err_line, c.err_line, "unterminated string literal");
        goto fail;
    }
    c.match = malloc(((size_t)c.n + 1) * sizeof *c.match);
    if (!c.match) { c.oom = 1; goto fail; }
    if (pair_brackets(&c, err, errlen, err_line) < 0) goto fail;
    split_items(&c);
    if (c.oom) goto fail;
    ctx_free(&c);
    return 0;
fail:
    if (c.oom) set_err(err, errlen, err_line, 1, "out of memory");
    itemlist_free(out);
    ctx_free(&c);
    return -1;
}

CompleteStatus cellsplit_is_complete(const char *code, char *indent, size_t indent_size)
{
    Ctx c;
    memset(&c, 0, sizeof c);
    if (indent && indent_size) indent[0] = 0;
    c.s = code ? code : "";
    size_t len = strlen(c.s);
    if (len > INT_MAX / 2) return CODE_COMPLETE;  /* let execution report it */
    c.len = (int)len;
    int rc = tokenize(&c);
    if (c.err_kind == E_OOM) { ctx_free(&c); return CODE_COMPLETE; }

    char *stack = malloc((size_t)c.n + 1);
    if (!stack) { ctx_free(&c); return CODE_COMPLETE; }
    int sp = 0;
    CompleteStatus st = CODE_COMPLETE;
    for (int i = 0; i < c.n && st == CODE_COMPLETE; i++) {
        if (c.t[i].kind != TOK_PUNCT || tlen(&c, i) != 1) continue;
        char ch = c.s[c.t[i].start];
        if (ch == '(' || ch == '[' || ch == '{') stack[sp++] = ch;
        else if (ch == ')' || ch == ']' || ch == '}') {
            if (sp == 0 || closer_of(stack[sp - 1]) != ch) st = CODE_INVALID;
            else sp--;
        }
    }
    if (st == CODE_COMPLETE) {
        if (rc < 0 && c.err_kind == E_COMMENT) {
            st = CODE_INCOMPLETE;
        } else if (rc < 0) {
            /* a literal still open at the end is being typed; one broken by a
             * newline with more code after it is an error */
            int p = c.err_pos;
            while (p < c.len && isspace((unsigned char)c.s[p])) p++;
            st = p >= c.len ? CODE_INCOMPLETE : CODE_INVALID;
        } else if (sp > 0) {
            st = CODE_INCOMPLETE;
        } else {
            int e = c.len;
            if (e > 0 && c.s[e - 1] == '\n') e--;
            if (e > 0 && c.s[e - 1] == '\r') e--;
            if (e > 0 && c.s[e - 1] == '\\') st = CODE_INCOMPLETE;
        }
    }
    if (st == CODE_INCOMPLETE && indent && indent_size) {
        size_t k = 0;
        for (int i = 0; i < sp; i++)
            if (stack[i] == '{')
                for (int s = 0; s < 4 && k + 1 < indent_size; s++) indent[k++] = ' ';
        indent[k] = 0;
    }
    free(stack);
    ctx_free(&c);
    return st;
}
