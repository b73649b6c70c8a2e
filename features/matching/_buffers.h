/* Reading numpy arrays and bytes through the buffer protocol, for the resolver's C extensions
 * (features/_blocking.c, features/_prefilter.c): no headers beyond Python's are needed. */
#ifndef DIVERSION_RISK_BUFFERS_H
#define DIVERSION_RISK_BUFFERS_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    Py_buffer view;
    int held;
} Buf;

static inline int get_buffer(PyObject *obj, Buf *buf, Py_ssize_t itemsize, const char *what) {
    if (PyObject_GetBuffer(obj, &buf->view, PyBUF_C_CONTIGUOUS) < 0) return -1;
    buf->held = 1;
    if (buf->view.len % itemsize != 0) {
        PyErr_Format(PyExc_ValueError, "%s: buffer of %zd bytes is not of %zd-byte items", what, buf->view.len, itemsize);
        return -1;
    }
    return 0;
}

static inline void release(Buf *bufs, int n) {
    for (int i = 0; i < n; i++)
        if (bufs[i].held) PyBuffer_Release(&bufs[i].view);
}

#endif
