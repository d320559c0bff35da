/* Progress bars, like tqdm: count/total, percentage, rate, elapsed time and
 * ETA, and a postfix such as "loss=0.123". In the notebook one display is
 * updated in place (HTML bar + text); in a plain program a '\r' line on
 * stderr. At most 10 redraws a second, so updating every batch is cheap. */
#ifndef COURSDL_PROGRESS_H
#define COURSDL_PROGRESS_H

#include <stdbool.h>

typedef struct Progress Progress;

typedef struct ProgressOptions {
    const char *desc;   /* text before the bar, e.g. "Époque 3" */
    const char *unit;   /* what is counted (default "it") */
    double mininterval; /* seconds between redraws (default 0.1) */
    bool no_leave;      /* remove the bar when closed (default: it stays) */
} ProgressOptions;

/* A new progress bar counting to total, like tqdm(total=n, desc=...); it is drawn
 * at once: progress_new(n_batches, .desc = "Époque 1").
 * Arguments: total, the count at the end (<= 0: unknown, no percentage nor ETA);
 * options .desc (text before the bar, default none, at most 127 bytes kept),
 * .unit (default "it"), .mininterval (seconds between redraws, default 0.1),
 * .no_leave (default false: the finished bar stays; true removes it).
 * Returns a new Progress: end it with progress_close or progress_finish, which
 * free it (a bar never closed is never freed).
 * Errors: ValueError for a mininterval < 0; MemoryError when it cannot be
 * allocated.
 * Example:
 *   Progress *bar = progress_new(data_num_batches(train), .desc = "Époque 1"); */
#define progress_new(total, ...) progress_new_((long)(total), &(ProgressOptions){ __VA_ARGS__ })
Progress *progress_new_(long total, const ProgressOptions *o);
/* Advances the bar by n, like bar.update(n) in tqdm; it is redrawn at most once
 * per mininterval seconds, so calling it every batch costs nothing.
 * Arguments: p, the bar; n, the steps done since the last call (usually 1).
 * Returns nothing.
 * Errors: KeyboardInterrupt when the user stopped the cell (a safe point of
 * the training loop).
 * Example:
 *   progress_update(bar, 1);   // one batch done */
void progress_update(Progress *p, long n);
/* Sets the text shown after the counts, printf-style, like tqdm's
 * set_postfix_str: progress_set_postfix(p, "loss=%.3f", loss).
 * Arguments: p, the bar; fmt and what follows, a printf-style format (at most
 * 255 bytes kept; NULL clears the text).
 * Returns nothing; the text appears at the next redraw.
 * Errors: none.
 * Example:
 *   progress_set_postfix(bar, "loss=%.4f acc=%.3f", tensor_item(loss), acc); */
void progress_set_postfix(Progress *p, const char *fmt, ...);
/* Changes the text before the bar, like tqdm's set_description.
 * Arguments: p, the bar; desc, the new text (NULL: none; at most 127 bytes kept).
 * Returns nothing; the text appears at the next redraw.
 * Errors: none.
 * Example:
 *   char title[32];
 *   snprintf(title, sizeof title, "Époque %d/%d", epoch + 1, epochs);
 *   progress_set_description(bar, title); */
void progress_set_description(Progress *p, const char *desc);
/* The count so far, like bar.n in tqdm.
 * Arguments: p, the bar.
 * Returns the sum of the n given to progress_update.
 * Errors: none.
 * Example:
 *   long done = progress_count(bar);   // batches seen this epoch */
long progress_count(const Progress *p);
/* Draws the bar's final state and frees it, like bar.close() in tqdm.
 * Arguments: p, the bar (NULL: nothing to do); with .no_leave the bar is
 * removed instead of drawn.
 * Returns nothing; p must not be used again.
 * Errors: none.
 * Example:
 *   progress_close(bar); */
void progress_close(Progress *p);
/* Replaces the bar by a final line of text (an epoch's summary, say) and
 * frees it: in the notebook the bar's display becomes that text, so a
 * finished bar leaves no empty output behind; in a plain program the bar is
 * erased and the text printed on stdout.
 * Arguments: p, the bar (NULL: nothing to do); text, the line to leave (NULL:
 * an empty one).
 * Returns nothing; p must not be used again.
 * Errors: none.
 * Example:
 *   char line[96];
 *   snprintf(line, sizeof line, "Époque %d : loss %.4f", epoch + 1, total / n_batches);
 *   progress_finish(bar, line); */
void progress_finish(Progress *p, const char *text);

#endif
