#include "CVectorKernels.h"

// W is packed once, when a model loads, so that the matrix product reads it in the order it
// uses it: for each panel of TOOLHOST_PANEL_WIDTH outputs, input by input, that panel's weights
// side by side (see packed_matmul.h). PyTorch's row-major `outputs × inputs` would have the
// product gather one weight per output row at every step instead.
void toolhost_pack_panels(const float *weight, size_t inputs, size_t outputs, float scale, float *panels) {
    size_t position = 0;
    for (size_t panel = 0; panel < outputs; panel += TOOLHOST_PANEL_WIDTH) {
        for (size_t input = 0; input < inputs; input++) {
            for (size_t column = panel; column < panel + TOOLHOST_PANEL_WIDTH; column++) {
                panels[position++] = weight[column * inputs + input] * scale;
            }
        }
    }
}
