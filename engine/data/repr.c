/* Out[n] of a Dataset (its length and one sample's shapes) and of a
 * DataLoader (its batches, batch size and dataset). Public accessors only. */
#include <stdio.h>
#include <string.h>

#include "coursdl.h"
#include "../core/args.h"

static void describe(Dataset *ds, char *buf, size_t n)
{
    int64_t len = data_len(ds);
    int k = snprintf(buf, n, "Dataset: %lld samples", (long long)len);
    if (len > 0 && k > 0 && (size_t)k < n) {
        Tensor *x = NULL, *y = NULL;
        data_get(ds, 0, &x, &y);
        if (x)
            k += snprintf(buf + k, n - (size_t)k, ", x %s %s", tensor_shape_str(x), dtype_name(tensor_dtype(x)));
        if (y && (size_t)k < n)
            k += snprintf(buf + k, n - (size_t)k, ", y %s %s", tensor_shape_str(y), dtype_name(tensor_dtype(y)));
    }
    int classes = data_num_classes(ds);
    if (classes > 0 && k > 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, ", %d classes", classes);
}

void data_display_out(Dataset *ds)
{
    CDL_ARG_OPT(ds);
    char buf[512] = "NULL";
    if (ds)
        describe(ds, buf, sizeof buf);
    DisplayItem item = { "text/plain", buf, strlen(buf) };
    display_result(&item, 1);
}

void data_loader_display_out(DataLoader *dl)
{
    CDL_ARG_OPT(dl);
    char buf[700] = "NULL";
    if (dl) {
        char inner[512];
        describe(data_loader_dataset(dl), inner, sizeof inner);
        snprintf(buf, sizeof buf, "DataLoader: %lld batches of %lld\n  over %s", (long long)data_num_batches(dl),
                 (long long)data_loader_batch_size(dl), inner);
    }
    DisplayItem item = { "text/plain", buf, strlen(buf) };
    display_result(&item, 1);
}
