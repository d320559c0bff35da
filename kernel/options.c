#include "options.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "capture.h"
#include "jit.h"
#include "kernel.h"

long long options_parse_size(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    if (!strcasecmp(s, "none") || !strcasecmp(s, "off"))
        return 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0)
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    double unit = 1;
    if (*end) {
        switch (toupper((unsigned char)*end)) {
        case 'K': unit = 1024; break;
        case 'M': unit = 1024.0 * 1024; break;
        case 'G': unit = 1024.0 * 1024 * 1024; break;
        case 'B': unit = 1; break;
        default: return -1;
        }
        end++;
        if (unit > 1 && (*end == 'B' || *end == 'b'))
            end++;
        while (isspace((unsigned char)*end))
            end++;
        if (*end)
            return -1;
    }
    return (long long)(v * unit);
}

static const char *word_after(const char *line, const char *magic)
{
    size_t n = strlen(magic);
    if (strncmp(line, magic, n) || (line[n] && !isspace((unsigned char)line[n])))
        return NULL;
    line += n;
    while (isspace((unsigned char)*line))
        line++;
    return line;
}

int options_magic(const char *line, char *msg, size_t cap)
{
    const char *arg;
    if ((arg = word_after(line, "%bounds"))) {
        if (!*arg) {
            snprintf(msg, cap, "Bounds checks are %s.\n", bounds_enabled() ? "on" : "off");
            return 1;
        }
        bool on = !strcmp(arg, "on");
        if (!on && strcmp(arg, "off")) {
            snprintf(msg, cap, "%%bounds takes on or off (got '%s')", arg);
            return -1;
        }
        if (on && !jit_can_check_bounds()) {
            snprintf(msg, cap, "%%bounds on: this kernel has no tcclib/ next to its executable (rebuild with make build)");
            return -1;
        }
        bounds_set_enabled(on);
        msg[0] = 0;  /* silent, as a notebook's setup line should be */
        return 1;
    }
    if ((arg = word_after(line, "%output_limit"))) {
        if (!*arg) {
            size_t l = publish_output_limit();
            if (l)
                snprintf(msg, cap, "A cell shows at most %zu bytes of text output.\n", l);
            else
                snprintf(msg, cap, "A cell's text output is not limited.\n");
            return 1;
        }
        long long n = options_parse_size(arg);
        if (n < 0) {
            snprintf(msg, cap, "%%output_limit takes a size: 10MB, 500KB, 1048576, or 0 for no limit (got '%s')", arg);
            return -1;
        }
        publish_set_output_limit((size_t)n);
        msg[0] = 0;
        return 1;
    }
    return 0;
}

void options_from_env(void)
{
    const char *e = getenv("COURSDL_BOUNDS");
    if (e && (!strcmp(e, "0") || !strcasecmp(e, "off")))
        bounds_set_enabled(false);
    e = getenv("COURSDL_OUTPUT_LIMIT");
    if (e) {
        long long n = options_parse_size(e);
        if (n >= 0)
            publish_set_output_limit((size_t)n);
        else
            klog("COURSDL_OUTPUT_LIMIT=%s is not a size (10MB, 500KB, 0): ignored", e);
    }
}
