/* The errors of the argument checks (see args.h). */
#include "args.h"

void cdl_arg_null(const char *fn, const char *arg, const char *type)
{
    error_raise(ERR_VALUE, "%s: argument '%s' is NULL where a %s is expected (was it created? did the cell "
                "that set it fail, or did a function return NULL?)", fn, arg, type);
}

void cdl_arg_freed(const char *fn, const char *arg)
{
    error_raise(ERR_VALUE, "%s: argument '%s' is a tensor freed by tensor_free: it cannot be used any more "
                "(free a tensor only when nothing uses it; the collector frees what is unreachable)", fn, arg);
}
