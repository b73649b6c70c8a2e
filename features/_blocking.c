/* The resolver's candidate choice in C: the names sharing the most of a query's blocking keys
 * (features/snapshot.py `Snapshot.candidate_names`).
 *
 * Why hand-written: it runs for every party never seen before, merging posting lists of up to
 * thousands of names; in numpy it cost ~40 us a query, mostly per-call overhead. */
#include "_buffers.h"

typedef struct {
    const int32_t *items;
    Py_ssize_t len;
    Py_ssize_t pos;
} Posting;

/* Whether a sorted posting list holds `name`, asked for names in increasing order: galloping
   from where the last answer was found, so a pass over the list costs at most its length. */
static int contains(Posting *p, int32_t name) {
    Py_ssize_t lo = p->pos, step = 1;
    while (lo + step < p->len && p->items[lo + step] < name) { lo += step; step <<= 1; }
    Py_ssize_t hi = lo + step < p->len ? lo + step : p->len;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (p->items[mid] < name) lo = mid + 1; else hi = mid;
    }
    p->pos = lo;
    return lo < p->len && p->items[lo] == name;
}

static int by_length(const void *a, const void *b) {
    Py_ssize_t la = ((const Posting *)a)->len, lb = ((const Posting *)b)->len;
    return (la > lb) - (la < lb);
}

PyDoc_STRVAR(select_doc,
"select_names(keys, offsets, postings, hashes, max_posting, limit) -> bytes\n\n"
"The names sharing the most of the query's blocking keys (`hashes`, uint64), at most `limit`,\n"
"ties to the lower name index, in increasing order, as int32. A key of more than `max_posting`\n"
"names brings none, but counts for the names a rarer key brings; when all keys are that\n"
"common, the shortest's first `max_posting` names are the ones brought.");

static PyObject *select_names(PyObject *self, PyObject *args) {
    PyObject *o_keys, *o_offsets, *o_postings, *o_hashes;
    Py_ssize_t max_posting, limit;
    if (!PyArg_ParseTuple(args, "OOOOnn", &o_keys, &o_offsets, &o_postings, &o_hashes, &max_posting, &limit))
        return NULL;
    if (limit < 1 || max_posting < 1) {
        PyErr_SetString(PyExc_ValueError, "max_posting and limit must be positive");
        return NULL;
    }
    Buf b[4];
    memset(b, 0, sizeof b);
    PyObject *result = NULL;
    Posting *lists = NULL;
    int32_t *best_name = NULL;
    Py_ssize_t *best_count = NULL;
    if (get_buffer(o_keys, &b[0], 8, "keys") || get_buffer(o_offsets, &b[1], 8, "offsets") ||
        get_buffer(o_postings, &b[2], 4, "postings") || get_buffer(o_hashes, &b[3], 8, "hashes"))
        goto done;
    const uint64_t *keys = b[0].view.buf, *hashes = b[3].view.buf;
    const int64_t *offsets = b[1].view.buf;
    const int32_t *postings = b[2].view.buf;
    Py_ssize_t nkeys = b[0].view.len / 8, nhashes = b[3].view.len / 8;
    Py_ssize_t noffsets = b[1].view.len / 8, npostings = b[2].view.len / 4;
    lists = PyMem_Malloc(sizeof(Posting) * 2 * (nhashes + 1));
    best_name = PyMem_Malloc(sizeof(int32_t) * (limit + 1));
    best_count = PyMem_Malloc(sizeof(Py_ssize_t) * (limit + 1));
    if (!lists || !best_name || !best_count) { PyErr_NoMemory(); goto done; }

    Py_ssize_t found = 0;
    for (Py_ssize_t h = 0; h < nhashes; h++) {
        Py_ssize_t lo = 0, hi = nkeys; /* first key >= hashes[h] */
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (keys[mid] < hashes[h]) lo = mid + 1; else hi = mid;
        }
        if (lo < nkeys && keys[lo] == hashes[h]) {
            if (lo + 1 >= noffsets || offsets[lo] < 0 || offsets[lo] > offsets[lo + 1] || offsets[lo + 1] > npostings) {
                PyErr_SetString(PyExc_ValueError, "snapshot: the blocking index's offsets are out of range");
                goto done;
            }
            lists[found].items = postings + offsets[lo];
            lists[found].len = offsets[lo + 1] - offsets[lo];
            lists[found].pos = 0;
            found++;
        }
    }
    /* Stable by length: insertion sort keeps the given order among equal lengths. */
    for (Py_ssize_t i = 1; i < found; i++) {
        Posting p = lists[i];
        Py_ssize_t j = i;
        while (j > 0 && by_length(&lists[j - 1], &p) > 0) { lists[j] = lists[j - 1]; j--; }
        lists[j] = p;
    }
    /* The rarer keys' lists are merged; the common ones (longer than max_posting) only add to
       the count of a name that a rarer key brought, looked up by bisection. When every key is
       common, the shortest list, cut, brings the names. */
    Posting *common = lists + found;
    Py_ssize_t selective = 0, ncommon = 0;
    for (Py_ssize_t i = 0; i < found; i++) {
        if (lists[i].len <= max_posting) lists[selective++] = lists[i];
        else common[ncommon++] = lists[i];
    }
    if (selective == 0 && found > 0) {
        lists[0] = common[0];
        selective = 1;
        common++;
        ncommon--;
        if (lists[0].len > max_posting) lists[0].len = max_posting;
    }
    Py_ssize_t kept = 0, lowest = 0;
    for (;;) {
        int32_t name = INT32_MAX;
        int any = 0;
        for (Py_ssize_t i = 0; i < selective; i++)
            if (lists[i].pos < lists[i].len && (!any || lists[i].items[lists[i].pos] < name)) {
                name = lists[i].items[lists[i].pos];
                any = 1;
            }
        if (!any) break;
        Py_ssize_t count = 0;
        for (Py_ssize_t i = 0; i < selective; i++)
            if (lists[i].pos < lists[i].len && lists[i].items[lists[i].pos] == name) { count++; lists[i].pos++; }
        if (kept == limit && count + ncommon <= lowest) continue; /* cannot displace */
        for (Py_ssize_t i = 0; i < ncommon; i++) count += contains(&common[i], name);
        if (kept < limit) {
            best_name[kept] = name; best_count[kept] = count; kept++;
        } else if (count > lowest) {
            Py_ssize_t worst = 0;
            for (Py_ssize_t i = 1; i < kept; i++)
                if (best_count[i] <= best_count[worst]) worst = i; /* the last-come of the lowest */
            memmove(best_name + worst, best_name + worst + 1, sizeof(int32_t) * (kept - worst - 1));
            memmove(best_count + worst, best_count + worst + 1, sizeof(Py_ssize_t) * (kept - worst - 1));
            best_name[kept - 1] = name; best_count[kept - 1] = count;
        } else {
            continue;
        }
        if (kept == limit) {
            lowest = best_count[0];
            for (Py_ssize_t i = 1; i < kept; i++)
                if (best_count[i] < lowest) lowest = best_count[i];
        }
    }
    result = PyBytes_FromStringAndSize((const char *)best_name, sizeof(int32_t) * kept);
done:
    release(b, 4);
    PyMem_Free(lists);
    PyMem_Free(best_name);
    PyMem_Free(best_count);
    return result;
}

PyDoc_STRVAR(find_doc,
"find(keys, offsets, key) -> (start, end)\n\n"
"Where the postings of `key` (a uint64 as an int) lie in a sorted index (`keys`, uint64, and\n"
"`offsets`, int64, one more than the keys): (0, 0) when the index does not have it. One call in\n"
"place of a numpy search and a handful of numpy scalars, for the exact-name and identifier\n"
"lookups of every party.");

static PyObject *find(PyObject *self, PyObject *args) {
    PyObject *o_keys, *o_offsets;
    unsigned long long key;
    if (!PyArg_ParseTuple(args, "OOK", &o_keys, &o_offsets, &key)) return NULL;
    Buf b[2];
    memset(b, 0, sizeof b);
    PyObject *result = NULL;
    if (get_buffer(o_keys, &b[0], 8, "keys") || get_buffer(o_offsets, &b[1], 8, "offsets")) goto done;
    const uint64_t *keys = b[0].view.buf;
    const int64_t *offsets = b[1].view.buf;
    Py_ssize_t nkeys = b[0].view.len / 8, lo = 0, hi = nkeys;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < key) lo = mid + 1; else hi = mid;
    }
    int64_t start = 0, end = 0;
    if (lo < nkeys && keys[lo] == key) {
        if (lo + 1 >= b[1].view.len / 8 || offsets[lo] < 0 || offsets[lo] > offsets[lo + 1]) {
            PyErr_SetString(PyExc_ValueError, "snapshot: an index's offsets are out of range");
            goto done;
        }
        start = offsets[lo];
        end = offsets[lo + 1];
    }
    result = Py_BuildValue("LL", (long long)start, (long long)end);
done:
    release(b, 2);
    return result;
}

static PyMethodDef methods[] = {
    {"select_names", select_names, METH_VARARGS, select_doc},
    {"find", find, METH_VARARGS, find_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_blocking", NULL, -1, methods};

PyMODINIT_FUNC PyInit__blocking(void) { return PyModule_Create(&module); }
