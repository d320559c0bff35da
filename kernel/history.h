/* The session's input history, for history_request (tail, range, search). */
#ifndef CDL_HISTORY_H
#define CDL_HISTORY_H

#include <jansson.h>

#define HISTORY_SESSION 1

void history_add(int line, const char *input, const char *output);
/* Builds the reply's "history" list for a request's content. */
json_t *history_query(const json_t *request_content);

#endif
