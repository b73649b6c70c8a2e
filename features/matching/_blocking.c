/* The resolver's candidate choice in C: the names sharing the most of a query's blocking keys
 * (features/snapshot/reader.py `Snapshot.candidate_names`).
 *
 * Why hand-written: it runs for every party never seen before, merging posting lists of up to
 * thousands of names; in numpy it cost ~40 us a query, mostly per-call overhead. */
#include "_buffers.h"

typedef struct {
    const int32_t *items;
    Py_ssize_t len;
    Py_ssize_t pos;
    const uint64_t *bits; /* the same names as a bitmap (bit n of word n / 64), or NULL */
    Py_ssize_t nbits;
} Posting;

/* Whether a sorted posting list holds `name`, asked for names in increasing order: one bit
   when the list has a bitmap (one load per name, independent of the others), else galloping
   from where the last answer was found (so a pass over the list costs at most its length, but
   each probe waits on the one before). */
static int contains(Posting *p, int32_t name) {
    if (p->bits) return name >= 0 && name < p->nbits && ((p->bits[name >> 6] >> (name & 63)) & 1);
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

/* The first index of the `n` sorted `keys` not below `key`. The keys are 64-bit hashes, spread
   evenly: the search starts where `key` would lie were they exactly even and widens from there
   until it brackets it, so that its probes fall in a few cache lines (~sqrt(n) keys apart at
   most, as a rule), where each of a plain bisection's first dozen probes misses the cache. */
static Py_ssize_t lower_bound(const uint64_t *keys, Py_ssize_t n, uint64_t key) {
    if (n == 0) return 0;
#ifdef __SIZEOF_INT128__
    Py_ssize_t guess = (Py_ssize_t)(((unsigned __int128)key * (unsigned __int128)n) >> 64);
#else
    Py_ssize_t guess = (Py_ssize_t)((double)key / 18446744073709551616.0 * (double)n);
    if (guess >= n) guess = n - 1;
#endif
    Py_ssize_t lo, hi, step = 1; /* below lo, keys < key; from hi on, keys >= key */
    if (keys[guess] < key) {
        for (lo = guess + 1;; step <<= 1) {
            hi = lo + step - 1;
            if (hi >= n) { hi = n; break; }
            if (keys[hi] >= key) break;
            lo = hi + 1;
        }
    } else {
        for (hi = guess;; step <<= 1) {
            lo = hi - step;
            if (lo < 0) { lo = 0; break; }
            if (keys[lo] < key) { lo++; break; }
            hi = lo;
        }
    }
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < key) lo = mid + 1; else hi = mid;
    }
    return lo;
}

static int by_length(const void *a, const void *b) {
    Py_ssize_t la = ((const Posting *)a)->len, lb = ((const Posting *)b)->len;
    return (la > lb) - (la < lb);
}

PyDoc_STRVAR(select_doc,
"select_names(offsets, postings, bitmap_keys, bitmaps, keys, max_posting, limit) -> bytes\n\n"
"The names sharing the most of the query's blocking keys (`keys`, int64 indices into the\n"
"index, as `locate` finds them, so that a word's are looked up once; distinct), at most `limit`,\n"
"ties to the lower name index, in increasing order, as int32. A key of more than `max_posting`\n"
"names brings none, but counts for the names a rarer key brings; when all keys are that\n"
"common, the shortest's first `max_posting` names are the ones brought. `bitmap_keys` (int64,\n"
"increasing) are the indices of keys whose postings are also rows of `bitmaps` (uint64, rows\n"
"of equal length, bit n of word n / 64 set for name n), read in place of the lists.");

static PyObject *select_names(PyObject *self, PyObject *args) {
    PyObject *o_offsets, *o_postings, *o_bitmap_keys, *o_bitmaps, *o_keys;
    Py_ssize_t max_posting, limit;
    if (!PyArg_ParseTuple(args, "OOOOOnn", &o_offsets, &o_postings, &o_bitmap_keys, &o_bitmaps, &o_keys, &max_posting,
                          &limit))
        return NULL;
    if (limit < 1 || max_posting < 1) {
        PyErr_SetString(PyExc_ValueError, "max_posting and limit must be positive");
        return NULL;
    }
    Buf b[5];
    memset(b, 0, sizeof b);
    PyObject *result = NULL;
    Posting *lists = NULL;
    int32_t *brought = NULL;
    Py_ssize_t *counts = NULL, *histogram = NULL;
    if (get_buffer(o_keys, &b[0], 8, "keys") || get_buffer(o_offsets, &b[1], 8, "offsets") ||
        get_buffer(o_postings, &b[2], 4, "postings") ||
        get_buffer(o_bitmap_keys, &b[3], 8, "bitmap_keys") || get_buffer(o_bitmaps, &b[4], 8, "bitmaps"))
        goto done;
    const int64_t *keys = b[0].view.buf, *offsets = b[1].view.buf;
    const int32_t *postings = b[2].view.buf;
    Py_ssize_t nkeys = b[0].view.len / 8;
    Py_ssize_t noffsets = b[1].view.len / 8, npostings = b[2].view.len / 4;
    const int64_t *bitmap_keys = b[3].view.buf;
    const uint64_t *bitmaps = b[4].view.buf;
    Py_ssize_t nbitmaps = b[3].view.len / 8, bitmap_words = nbitmaps ? b[4].view.len / 8 / nbitmaps : 0;
    if (nbitmaps && bitmap_words * nbitmaps * 8 != b[4].view.len) {
        PyErr_SetString(PyExc_ValueError, "bitmaps: one row of equal length per bitmap key");
        goto done;
    }
    lists = PyMem_Malloc(sizeof(Posting) * 2 * (nkeys + 1));
    if (!lists) { PyErr_NoMemory(); goto done; }

    for (Py_ssize_t k = 0; k < nkeys; k++) {
        int64_t key = keys[k];
        if (key < 0 || key >= noffsets - 1 || offsets[key] < 0 || offsets[key] > offsets[key + 1] ||
            offsets[key + 1] > npostings) {
            PyErr_SetString(PyExc_ValueError, "snapshot: a key or the blocking index's offsets are out of range");
            goto done;
        }
        Posting *list = &lists[k];
        list->items = postings + offsets[key];
        list->len = offsets[key + 1] - offsets[key];
        list->pos = 0;
        list->bits = NULL;
        list->nbits = 0;
        Py_ssize_t left = 0, right = nbitmaps; /* its bitmap, if any */
        while (left < right) {
            Py_ssize_t mid = left + (right - left) / 2;
            if (bitmap_keys[mid] < key) left = mid + 1; else right = mid;
        }
        if (left < nbitmaps && bitmap_keys[left] == key) {
            if (list->len && (list->items[0] < 0 || list->items[list->len - 1] >= 64 * bitmap_words)) {
                PyErr_SetString(PyExc_ValueError, "snapshot: a name is out of range of its key's bitmap");
                goto done;
            }
            list->bits = bitmaps + left * bitmap_words;
            list->nbits = 64 * bitmap_words;
        }
    }
    /* Stable by length: insertion sort keeps the given order among equal lengths. */
    for (Py_ssize_t i = 1; i < nkeys; i++) {
        Posting p = lists[i];
        Py_ssize_t j = i;
        while (j > 0 && by_length(&lists[j - 1], &p) > 0) { lists[j] = lists[j - 1]; j--; }
        lists[j] = p;
    }
    /* The rarer keys' lists are merged; the common ones (longer than max_posting) only add to
       the count of a name that a rarer key brought (`contains`). When every key is common, the
       shortest list, cut, brings the names. */
    Posting *common = lists + nkeys;
    Py_ssize_t selective = 0, ncommon = 0;
    for (Py_ssize_t i = 0; i < nkeys; i++) {
        if (lists[i].len <= max_posting) lists[selective++] = lists[i];
        else common[ncommon++] = lists[i];
    }
    if (selective == 0 && nkeys > 0) {
        lists[0] = common[0];
        selective = 1;
        common++;
        ncommon--;
        if (lists[0].len > max_posting) lists[0].len = max_posting;
    }
    /* 1. Each name the rarer keys bring, in increasing order, and how many of them it has. */
    Py_ssize_t most = 0;
    for (Py_ssize_t i = 0; i < selective; i++) most += lists[i].len;
    brought = PyMem_Malloc(sizeof(int32_t) * (most + 1));
    counts = PyMem_Malloc(sizeof(Py_ssize_t) * (most + 1));
    histogram = PyMem_Calloc(nkeys + 1, sizeof(Py_ssize_t));
    if (!brought || !counts || !histogram) { PyErr_NoMemory(); goto done; }
    Py_ssize_t nbrought = 0;
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
        brought[nbrought] = name;
        counts[nbrought++] = count;
    }
    /* 2. The common keys add to those counts: a bit a name, the loads independent of each other. */
    for (Py_ssize_t i = 0; i < ncommon; i++)
        for (Py_ssize_t k = 0; k < nbrought; k++) counts[k] += contains(&common[i], brought[k]);
    /* 3. The `limit` highest counts, ties to the lower name: all names above the count `cut`,
       then those at it in increasing order while room is left. */
    for (Py_ssize_t k = 0; k < nbrought; k++) histogram[counts[k]]++;
    Py_ssize_t cut = nkeys, above = 0;
    while (cut > 0 && above + histogram[cut] < limit) above += histogram[cut--];
    Py_ssize_t room = limit - above, kept = 0;
    for (Py_ssize_t k = 0; k < nbrought; k++)
        if (counts[k] > cut || (counts[k] == cut && cut > 0 && room-- > 0)) brought[kept++] = brought[k];
    result = PyBytes_FromStringAndSize((const char *)brought, sizeof(int32_t) * kept);
done:
    release(b, 5);
    PyMem_Free(lists);
    PyMem_Free(brought);
    PyMem_Free(counts);
    PyMem_Free(histogram);
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
    Py_ssize_t nkeys = b[0].view.len / 8, lo = lower_bound(keys, nkeys, key);
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

PyDoc_STRVAR(locate_doc,
"locate(keys, key) -> int\n\n"
"The index of `key` (a uint64 as an int) in the sorted uint64 `keys`, or -1.");

static PyObject *locate(PyObject *self, PyObject *args) {
    PyObject *o_keys;
    unsigned long long key;
    if (!PyArg_ParseTuple(args, "OK", &o_keys, &key)) return NULL;
    Buf b[1];
    memset(b, 0, sizeof b);
    if (get_buffer(o_keys, &b[0], 8, "keys")) { release(b, 1); return NULL; }
    const uint64_t *keys = b[0].view.buf;
    Py_ssize_t nkeys = b[0].view.len / 8, at = lower_bound(keys, nkeys, key);
    release(b, 1);
    return PyLong_FromSsize_t(at < nkeys && keys[at] == key ? at : -1);
}

static PyMethodDef methods[] = {
    {"select_names", select_names, METH_VARARGS, select_doc},
    {"find", find, METH_VARARGS, find_doc},
    {"locate", locate, METH_VARARGS, locate_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_blocking", NULL, -1, methods};

PyMODINIT_FUNC PyInit__blocking(void) { return PyModule_Create(&module); }
