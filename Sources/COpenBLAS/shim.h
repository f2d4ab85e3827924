// cblas and OpenBLAS's thread controls (libopenblas-dev).
#include <cblas.h>
