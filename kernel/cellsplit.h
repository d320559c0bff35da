/* cellsplit.h - splits the source of a notebook cell into top-level items.
 *
 * The kernel builds one translation unit per cell from these items (prelude,
 * persistent variables, function entry points, a run function holding the
 * statements). This module only classifies and extracts text; it generates
 * no code. A small tokenizer respects comments, string and character
 * literals, line continuations and the nesting of (), [] and {}.
 */
#ifndef COURSDL_CELLSPLIT_H
#define COURSDL_CELLSPLIT_H

#include <stddef.h>

typedef enum ItemKind {
    ITEM_PREPROC,   /* one preprocessor directive (#include, #define, #undef, #pragma, #if..., with continuation lines) */
    ITEM_TYPE,      /* struct/union/enum definition without declarators, typedef, or anonymous enum: goes to the prelude */
    ITEM_DECL,      /* function prototype (no body) or an `extern` declaration: goes to the prelude */
    ITEM_FUNC,      /* function definition */
    ITEM_VAR,       /* a top-level variable declaration: ONE item per declarator */
    ITEM_STMT,      /* a statement to run (expression statement, for/if/while/do/switch/return/block, _Static_assert...) */
    ITEM_EXPR       /* the cell's last item when it is an expression with no ';' (its value is shown as Out[n]) */
} ItemKind;

typedef struct Item {
    ItemKind kind;
    int line;        /* 1-based cell line where the item starts (VAR: the
                        declaration's first line for its first declarator,
                        the declarator's own line for the following ones) */
    int end_line;    /* 1-based cell line where it ends */
    char *text;      /* the item's source text as written (comments inside kept):
                        PREPROC: the directive lines, no trailing newline;
                        STMT/DECL/TYPE: up to and including the ';' or '}';
                        FUNC: the whole definition, `static`/`inline`/`_Noreturn`
                              before the name replaced by as many spaces;
                        DECL of a function: same blanking as FUNC;
                        EXPR: the expression, no trailing comment;
                        VAR: specifiers + declarator [+ " = " + initializer], no ';'
                             (as written for the first declarator, rebuilt for the others) */
    int name_off;    /* FUNC: byte offset of the function's name in text */
    char *name;      /* key of what it defines, else NULL:
                        PREPROC: macro name for #define/#undef, else NULL;
                        TYPE: "struct P", "union U", "enum E", typedef name "Point"
                              (first declarator's name), anonymous enum: "enum{A,B,C}";
                              NULL for a forward declaration `struct P;`;
                        DECL: the declared function/variable name; FUNC: the function name;
                        VAR: the variable name */
    /* ITEM_VAR only: */
    char *type_key;  /* the declaration without initializer and storage class, the
                        name replaced by '@', spacing canonical, comments removed:
                        "int @[5]", "Tensor *@", "int (*@)(int, int)", "struct { int x; } @" */
    char *storage_key; /* type_key without the `const` that makes the object itself
                          const: "const int @" -> "int @", "char *const @" -> "char *@" */
    char *init;      /* initializer text after '=' (braces included), NULL if none */
    int init_line;   /* cell line where the initializer starts (0 if none) */
    /* ITEM_FUNC only: */
    char *proto;     /* the function header + ";", `static`/`inline`/`_Noreturn` removed,
                        whitespace normalised, comments removed */
    char *params;    /* text inside the parameter list parentheses, trimmed and
                        whitespace normalised: "void", "", "int argc, char **argv" */
} Item;

typedef struct ItemList { Item *items; int n; } ItemList;

/* What the cell's context already defines: NULL-terminated lists (or NULL)
 * of typedef names and of macro names (a known macro followed by a block,
 * `REPEAT(3) { ... }`, is a statement, never a function definition). */
typedef struct CellNames {
    const char *const *types;
    const char *const *macros;
} CellNames;

/* Splits `code` into items. Typedef names defined earlier in the same cell
 * are added to `known`'s automatically. Returns 0 and fills `out`, or -1
 * with a message in err ("line 3: unbalanced '{' (missing '}')",
 * "line 5: unexpected '}'", "line 2: unterminated string literal",
 * "line 4: unterminated comment") and *err_line set; `out` is then empty. */
int cellsplit(const char *code, const CellNames *known, ItemList *out,
              char *err, size_t errlen, int *err_line);
void itemlist_free(ItemList *list);

/* The one C tokenizer of the kernel (cells, prelude entries, headers for
 * help): comments, string and character literals, line continuations. */
typedef enum TokKind { TOK_IDENT, TOK_NUM, TOK_STR, TOK_CHR, TOK_PUNCT, TOK_PP, TOK_COMMENT } TokKind;

typedef struct CToken {
    TokKind kind;
    int start, end;       /* byte offsets in the code */
    int line, end_line;   /* 1-based */
} CToken;

enum {
    CELL_LEX_DIRECTIVES = 1,  /* a directive is tokens ('#', 'define', ...), not one TOK_PP */
    CELL_LEX_COMMENTS = 2     /* comments are TOK_COMMENT tokens, not dropped */
};

/* Tokenizes code into *out (malloc'ed, caller frees; *n tokens). Returns 0,
 * or -1 at an unterminated literal or comment (the tokens before it kept). */
int cell_tokenize(const char *code, unsigned flags, CToken **out, int *n);

typedef enum CompleteStatus { CODE_COMPLETE, CODE_INCOMPLETE, CODE_INVALID } CompleteStatus;

/* For Jupyter's is_complete_request: INCOMPLETE when a comment, string, (, [
 * or { is still open or the last line ends with '\'; INVALID when a closer
 * has no opener (or a string is broken by a newline before more code);
 * else COMPLETE. `indent` receives the suggested indentation for the next
 * line ("    " per open brace level when INCOMPLETE, "" otherwise). */
CompleteStatus cellsplit_is_complete(const char *code, char *indent, size_t indent_size);

#endif
