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

/* A new bar counting to total (<= 0: unknown total, no percentage):
 * Progress *p = progress_new(n_batches, .desc = "Époque 1"). */
#define progress_new(total, ...) progress_new_((long)(total), &(ProgressOptions){ __VA_ARGS__ })
Progress *progress_new_(long total, const ProgressOptions *o);
/* Advances the bar by n (redrawn at most every mininterval seconds). */
void progress_update(Progress *p, long n);
/* Sets the text after the counts, printf-style: progress_set_postfix(p, "loss=%.3f", loss). */
void progress_set_postfix(Progress *p, const char *fmt, ...);
/* Changes the text before the bar. */
void progress_set_description(Progress *p, const char *desc);
/* The count so far. */
long progress_count(const Progress *p);
/* Draws the final state and frees the bar. */
void progress_close(Progress *p);
/* Replaces the bar by a final line of text (an epoch's summary, say) and
 * frees it: in the notebook the bar's display becomes that text, so a
 * finished bar leaves no empty output behind; in a plain program the bar is
 * erased and the text printed on stdout. */
void progress_finish(Progress *p, const char *text);

#endif
