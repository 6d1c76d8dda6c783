#ifndef TOOLHOST_CYAML_SHIM_H
#define TOOLHOST_CYAML_SHIM_H
#include <yaml.h>
#endif
