/* coursdl.h: the umbrella header of the C (coursDL) engine (libcoursdl).
 * Every notebook cell sees it without an #include; a plain C program
 * includes it and links with -lcoursdl. Kept cheap to parse: it pulls in
 * no libc header beyond stddef/stdbool/stdint. */
#ifndef COURSDL_H
#define COURSDL_H

#define COURSDL_VERSION "0.1.0"

/* The engine's version string, e.g. "0.1.0". */
const char *coursdl_version(void);

#include "coursdl/error.h"
#include "coursdl/display.h"
#include "coursdl/check.h"
#include "coursdl/plot.h"
#include "coursdl/progress.h"
#include "coursdl/tensor.h"
#include "coursdl/autograd.h"
#include "coursdl/graph.h"
#include "coursdl/random.h"
#include "coursdl/device.h"
#include "coursdl/data.h"
#include "coursdl/metrics.h"
#include "coursdl/nn.h"
#include "coursdl/optim.h"
#include "coursdl/io.h"
#include "coursdl/train.h"

/* Out[n] of the engine's other objects, as their Python counterparts show:
 * a History as a table of epochs x metrics, an Evaluation as Keras's
 * "loss: ... - accuracy: ..." line, a Dataset / DataLoader by length and
 * shapes, an Optimizer as PyTorch prints it (used by display_out). */
void history_display_out(History *h);
void evaluation_display_out(Evaluation *e);
void data_display_out(Dataset *ds);
void data_loader_display_out(DataLoader *dl);
void optim_display_out(Optimizer *o);

/* Out[n] shows a Tensor * like PyTorch, a Module * as its summary, a Figure * or a Digraph * as its image,
 * a Device as torch.device prints. */
#undef COURSDL_OUT_TYPES
#define COURSDL_OUT_TYPES Tensor *: tensor_display_out, Module *: nn_display_out, Figure *: plt_display_out, \
    Digraph *: digraph_display_out, History *: history_display_out, Evaluation *: evaluation_display_out, Dataset *: data_display_out, \
    DataLoader *: data_loader_display_out, Optimizer *: optim_display_out, Device: device_display_out,

#endif
