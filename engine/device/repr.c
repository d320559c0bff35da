/* Out[n] of a Device, as PyTorch shows a torch.device. */
#include "backend.h"

#include <stdio.h>
#include <string.h>

void device_display_out(Device device)
{
    char buf[64];
    const char *name = device_name(device);
    const char *colon = strchr(name, ':');
    if (!strcmp(name, "invalid"))
        snprintf(buf, sizeof buf, "<invalid device %p>", (const void *)device);
    else if (device_type(device) == DEVTYPE_CUDA)  /* torch: a CUDA tensor's device always has its index */
        snprintf(buf, sizeof buf, "device(type='%.*s', index=%d)", colon ? (int)(colon - name) : (int)strlen(name),
                 name, device_index(device));
    else if (colon)
        snprintf(buf, sizeof buf, "device(type='%.*s', index=%s)", (int)(colon - name), name, colon + 1);
    else
        snprintf(buf, sizeof buf, "device(type='%s')", name);
    DisplayItem item = { "text/plain", buf, strlen(buf) };
    display_result(&item, 1);
}
