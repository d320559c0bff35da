/* Checks of the object arguments of the engine's public functions. A NULL
 * Tensor *, Module *, Optimizer *... (a variable never set, or set by a
 * cell that failed) or a tensor already given to tensor_free is a
 * ValueError naming the function and the argument, never a segfault, and
 * a freed tensor is never mistaken for a live one.
 *
 * Every public function starts with one check per object argument:
 * CDL_ARG(p) when p may not be NULL, CDL_ARG_OPT(p) when NULL has a meaning
 * (a default generator, no labels...). CDL_ARG_NAMED / CDL_ARG_OPT_NAMED
 * give the names users see when they differ from the definition's (a
 * function called through a macro of another name: nn_mse for nn_mse_; a
 * parameter named otherwise in the header). tests/engine/test_null_args.py
 * calls every public function with NULL, and with a freed tensor, in each
 * of its object arguments. A check costs a compare (and for a tensor a
 * load): nothing next to any operation. */
#ifndef COURSDL_ARGS_H
#define COURSDL_ARGS_H

#include "coursdl.h"

/* The first member of every Tensor (tensor/internal.h): what a check
 * reads, so that modules without the Tensor struct check inline too. */
typedef struct TensorHead {
    bool freed;  /* given to tensor_free: its storage is gone */
} TensorHead;

_Noreturn void cdl_arg_null(const char *fn, const char *arg, const char *type);
_Noreturn void cdl_arg_freed(const char *fn, const char *arg);

static inline void cdl_arg_tensor(const Tensor *t, const char *fn, const char *arg, bool may_be_null)
{
    if (__builtin_expect(t == NULL, 0)) {
        if (!may_be_null)
            cdl_arg_null(fn, arg, "Tensor *");
    } else if (__builtin_expect(((const TensorHead *)t)->freed, 0)) {
        cdl_arg_freed(fn, arg);
    }
}

static inline void cdl_arg_object(const void *p, const char *fn, const char *arg, bool may_be_null, const char *type)
{
    if (__builtin_expect(p == NULL, 0) && !may_be_null)
        cdl_arg_null(fn, arg, type);
}

/* What the message calls the argument's type. */
#define CDL_ARG_TYPE(p) _Generic((p), \
    Module *: "Module *", const Module *: "Module *", \
    Optimizer *: "Optimizer *", const Optimizer *: "Optimizer *", \
    Dataset *: "Dataset *", const Dataset *: "Dataset *", \
    DataLoader *: "DataLoader *", const DataLoader *: "DataLoader *", \
    Figure *: "Figure *", const Figure *: "Figure *", Axes *: "Axes *", \
    History *: "History *", const History *: "History *", \
    Generator *: "Generator *", Scheduler *: "Scheduler *", Callback *: "Callback *", \
    Digraph *: "Digraph *", const Digraph *: "Digraph *", \
    Progress *: "Progress *", const Progress *: "Progress *", \
    Transform *: "Transform *", ParamList *: "ParamList *", const ParamList *: "ParamList *", \
    Evaluation *: "Evaluation *", const char *: "string", char *: "string", \
    default: "pointer")

#define CDL_CHECK_(fn, p, name, opt) _Generic((p), \
    Tensor *: cdl_arg_tensor((const Tensor *)(const void *)(p), fn, name, opt), \
    const Tensor *: cdl_arg_tensor((const Tensor *)(const void *)(p), fn, name, opt), \
    default: cdl_arg_object((const void *)(p), fn, name, opt, CDL_ARG_TYPE(p)))

#define CDL_ARG(p) CDL_CHECK_(__func__, p, #p, false)
#define CDL_ARG_OPT(p) CDL_CHECK_(__func__, p, #p, true)
#define CDL_ARG_NAMED(fn, p, name) CDL_CHECK_(fn, p, name, false)
#define CDL_ARG_OPT_NAMED(fn, p, name) CDL_CHECK_(fn, p, name, true)

#endif
