/* A minimal JSON tree (for safetensors headers). */
#ifndef COURSDL_IO_JSON_H
#define COURSDL_IO_JSON_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } JsonType;

typedef struct Json {
    JsonType type;
    double num;              /* number, bool */
    char *str;               /* string */
    int n;                   /* array / object entries */
    struct Json **items;
    char **keys;             /* object keys */
} Json;

/* Parses text (size bytes); NULL with *error set when malformed. */
Json *json_parse(const char *text, size_t size, const char **error);
/* The member key of an object, or NULL. */
Json *json_get(const Json *obj, const char *key);

#endif
