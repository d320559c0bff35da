/* Connection file loading (Jupyter kernel connection JSON). */
#include "conn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#include <jansson.h>

/* A connection file is a few hundred bytes; anything huge is not one. */
#define CONN_MAX_FILE (1 << 20)


/* Copies an optional string field; absent or null keeps `def`. -1 if not a string or too long. */
static int get_str(json_t *root, const char *name, const char *def, char *dst, size_t dstlen,
                   int truncate_ok, const char *path, char *err, size_t errlen)
{
    json_t *v = json_object_get(root, name);
    const char *s = def;
    size_t len;
    if (v && !json_is_null(v)) {
        if (!json_is_string(v)) {
            set_error(err, errlen, "%s: \"%s\" must be a string", path, name);
            return -1;
        }
        s = json_string_value(v);
        len = json_string_length(v);
        if (strlen(s) != len) { /* embedded NUL: cannot be a C string */
            set_error(err, errlen, "%s: \"%s\" contains a NUL character", path, name);
            return -1;
        }
    }
    len = strlen(s);
    if (len >= dstlen) {
        if (!truncate_ok) {
            set_error(err, errlen, "%s: \"%s\" is too long (%zu bytes, at most %zu)", path, name, len,
                    dstlen - 1);
            return -1;
        }
        len = dstlen - 1;
    }
    memcpy(dst, s, len);
    dst[len] = '\0';
    return 0;
}

static int get_port(json_t *root, const char *name, int min, int *out, const char *path, char *err,
                    size_t errlen)
{
    json_t *v = json_object_get(root, name);
    if (!v) {
        set_error(err, errlen, "%s: \"%s\" is missing", path, name);
        return -1;
    }
    if (!json_is_integer(v)) {
        set_error(err, errlen, "%s: \"%s\" must be an integer", path, name);
        return -1;
    }
    json_int_t p = json_integer_value(v);
    if (p < min || p > 65535) {
        set_error(err, errlen, "%s: \"%s\" = %lld is out of range (%d..65535)", path, name, (long long)p,
                min);
        return -1;
    }
    *out = (int)p;
    return 0;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_error(err, errlen, "cannot open connection file %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap >= CONN_MAX_FILE) {
                set_error(err, errlen, "%s: too large for a connection file", path);
                free(buf);
                buf = NULL;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                set_error(err, errlen, "cannot read connection file %s: %s", path, strerror(errno));
                free(buf);
                buf = NULL;
            }
            break;
        }
    }
    if (!buf && err && errlen && !err[0])
        set_error(err, errlen, "%s: out of memory", path);
    fclose(f);
    *len = n;
    return buf;
}

int conn_load(const char *path, ConnInfo *ci, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!path || !ci) {
        set_error(err, errlen, "conn_load: no path or no output");
        return -1;
    }
    memset(ci, 0, sizeof *ci);

    size_t len = 0;
    char *text = read_file(path, &len, err, errlen);
    if (!text)
        return -1;
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    free(text);
    if (!root) {
        set_error(err, errlen, "%s is not valid JSON (line %d, column %d): %s", path, jerr.line,
                jerr.column, jerr.text);
        return -1;
    }
    int rc = -1;
    if (!json_is_object(root)) {
        set_error(err, errlen, "%s: the connection file must be a JSON object", path);
        goto out;
    }
    if (get_str(root, "transport", "tcp", ci->transport, sizeof ci->transport, 0, path, err, errlen) < 0)
        goto out;
    int is_tcp = strcmp(ci->transport, "tcp") == 0;
    if (!is_tcp && strcmp(ci->transport, "ipc") != 0) {
        set_error(err, errlen, "%s: unsupported transport \"%s\" (expected \"tcp\" or \"ipc\")", path,
                ci->transport);
        goto out;
    }
    if (get_str(root, "ip", "127.0.0.1", ci->ip, sizeof ci->ip, 0, path, err, errlen) < 0)
        goto out;
    if (!ci->ip[0]) {
        set_error(err, errlen, "%s: \"ip\" is empty", path);
        goto out;
    }
    int minp = is_tcp ? 1 : 0;
    if (get_port(root, "shell_port", minp, &ci->shell_port, path, err, errlen) < 0 ||
        get_port(root, "iopub_port", minp, &ci->iopub_port, path, err, errlen) < 0 ||
        get_port(root, "stdin_port", minp, &ci->stdin_port, path, err, errlen) < 0 ||
        get_port(root, "control_port", minp, &ci->control_port, path, err, errlen) < 0 ||
        get_port(root, "hb_port", minp, &ci->hb_port, path, err, errlen) < 0)
        goto out;
    if (get_str(root, "key", "", ci->key, sizeof ci->key, 0, path, err, errlen) < 0)
        goto out;
    if (get_str(root, "signature_scheme", "hmac-sha256", ci->signature_scheme,
                sizeof ci->signature_scheme, 0, path, err, errlen) < 0)
        goto out;
    if (!ci->signature_scheme[0])
        strcpy(ci->signature_scheme, "hmac-sha256");
    if (strcmp(ci->signature_scheme, "hmac-sha256") != 0) {
        set_error(err, errlen, "%s: unsupported signature_scheme \"%s\" (only \"hmac-sha256\")", path,
                ci->signature_scheme);
        goto out;
    }
    if (get_str(root, "kernel_name", "", ci->kernel_name, sizeof ci->kernel_name, 1, path, err,
                errlen) < 0)
        goto out;
    rc = 0;
out:
    json_decref(root);
    if (rc < 0) {
        /* Keep the error text but no half-filled struct. */
        memset(ci, 0, sizeof *ci);
    }
    return rc;
}

void conn_endpoint(const ConnInfo *ci, int port, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return;
    if (!ci) {
        out[0] = '\0';
        return;
    }
    if (strcmp(ci->transport, "ipc") == 0) {
        snprintf(out, outlen, "ipc://%s-%d", ci->ip, port);
    } else if (strchr(ci->ip, ':') && ci->ip[0] != '[') {
        snprintf(out, outlen, "%s://[%s]:%d", ci->transport[0] ? ci->transport : "tcp", ci->ip, port);
    } else {
        snprintf(out, outlen, "%s://%s:%d", ci->transport[0] ? ci->transport : "tcp", ci->ip, port);
    }
}
