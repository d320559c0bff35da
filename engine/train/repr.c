/* Out[n] of a History (a table of epochs x metrics, like Keras's
 * history.history shown as a DataFrame) and of an Evaluation (Keras's
 * "loss: ... - accuracy: ..." line). Public accessors only. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "coursdl.h"
#include "../core/args.h"
#include "../core/text.h"

/* Rows shown: all up to 20 epochs, else the first and last 5. */
static int shown(int i, int n) { return n <= 20 || i < 5 || i >= n - 5; }

void history_display_out(History *h)
{
    CDL_ARG_OPT(h);
    if (!h) {
        DisplayItem item = { "text/plain", "NULL", 4 };
        display_result(&item, 1);
        return;
    }
    int n = history_epochs(h), k = history_num_keys(h);
    CdlText plain = { 0 }, html = { 0 };
    cdl_text_put(&plain, "History: %d epoch%s\n%5s", n, n == 1 ? "" : "s", "epoch");
    cdl_text_put(&html, "<p>History: %d epoch%s</p><table><thead><tr><th>epoch</th>", n, n == 1 ? "" : "s");
    for (int j = 0; j < k; j++) {
        cdl_text_put(&plain, "  %12s", history_key(h, j));
        cdl_text_put(&html, "<th>%s</th>", history_key(h, j));
    }
    cdl_text_put(&plain, "\n");
    cdl_text_put(&html, "</tr></thead><tbody>");
    for (int i = 0; i < n; i++) {
        if (!shown(i, n)) {
            if (i == 5) {
                cdl_text_put(&plain, "%5s\n", "...");
                cdl_text_put(&html, "<tr><td>...</td></tr>");
            }
            continue;
        }
        cdl_text_put(&plain, "%5d", i + 1);
        cdl_text_put(&html, "<tr><td>%d</td>", i + 1);
        for (int j = 0; j < k; j++) {
            const double *v = history_get(h, history_key(h, j));
            cdl_text_put(&plain, "  %12.4f", v ? v[i] : NAN);
            cdl_text_put(&html, "<td>%.4f</td>", v ? v[i] : NAN);
        }
        cdl_text_put(&plain, "\n");
        cdl_text_put(&html, "</tr>");
    }
    cdl_text_put(&html, "</tbody></table>");
    if (plain.n && plain.s[plain.n - 1] == '\n') plain.s[--plain.n] = 0;
    DisplayItem items[2] = { { "text/plain", plain.s, plain.n }, { "text/html", html.s, html.n } };
    display_result(items, 2);
}

void evaluation_display_out(Evaluation *e)
{
    CDL_ARG_OPT(e);
    CdlText t = { 0 };
    if (!e) {
        cdl_text_put(&t, "NULL");
    } else {
        const char *names[] = { "loss", "accuracy", "mae", "mse" };
        double vals[] = { e->loss, e->accuracy, e->mae, e->mse };
        for (int i = 0; i < 4; i++)
            if (!isnan(vals[i]))
                cdl_text_put(&t, "%s%s: %.4f", t.n ? " - " : "", names[i], vals[i]);
        cdl_text_put(&t, "%s(%lld samples)", t.n ? " " : "", (long long)e->samples);
    }
    DisplayItem item = { "text/plain", t.s, t.n };
    display_result(&item, 1);
}
