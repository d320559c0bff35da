#include "coursdl.h"

const char *coursdl_version(void) { return COURSDL_VERSION; }
