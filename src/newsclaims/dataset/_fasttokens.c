/* Rules 1 and 2 of dataset/tokens.py (tokens, cut at mention boundaries) and the sentence points of
   rule 3, in one pass over a batch's text, in C (optional: pip builds it when it finds a C compiler).

   scan(text, cuts, kind_of) -> (starts, ends, byte_offsets, utf8, points)
       text     the batch's documents joined by line breaks (a str)
       cuts     the mention boundaries: a buffer of sorted int64 code point positions
       kind_of  tokens._kind_of, the one definition of a code point's kind (class and flags); it is
                asked once per code point ever met, and its answers are kept for the process
     returns bytes objects:
       starts, ends   int64, each token's first and end-exclusive code point
       byte_offsets   int32, len(tokens) + 1 offsets into utf8: an Arrow string array's offsets
       utf8           the tokens' UTF-8 bytes, one after the other: the string array's data
       points         int64, every sentence point of rule 3 (a line break, or a space after . ! or ?
                      and any closers), before the "not inside a mention" filter

   The numpy version in tokens.py (`_numpy_scan`) is the reference; tests/dataset/test_tokens.py checks
   that both give the same answer. Written in C because numpy needs a dozen passes over every code
   point, which made tokenising most of what the `ner` config cost a build (docs/benchmarks.md).
   Edit this file, then reinstall (pip install -e .). */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* the kinds of tokens.py */
#define SPACE 0
#define OTHER 2
#define CLASS 3
#define PUNCTUATION 4
#define CLOSER 8
#define NEWLINE 16
#define KNOWN 0x80 /* set on a code point whose kind was asked */

static uint8_t known[0x110000];

/* The kind of a code point, asked of kind_of the first time; -1 with an exception set. */
static int ask_kind(Py_UCS4 code, PyObject *kind_of)
{
    PyObject *character = PyUnicode_FromOrdinal((int)code);
    if (character == NULL)
        return -1;
    PyObject *answer = PyObject_CallOneArg(kind_of, character);
    Py_DECREF(character);
    if (answer == NULL)
        return -1;
    long kind = PyLong_AsLong(answer);
    Py_DECREF(answer);
    if (kind == -1 && PyErr_Occurred())
        return -1;
    if (kind < 0 || kind >= KNOWN) {
        PyErr_Format(PyExc_ValueError, "kind_of(U+%04X) gave %ld: a kind is 0..127", (unsigned)code, kind);
        return -1;
    }
    known[code] = (uint8_t)(kind | KNOWN);
    return (int)kind;
}

#define KIND(code) (known[code] ? known[code] & ~KNOWN : ask_kind((code), kind_of))

static char *put_utf8(char *out, Py_UCS4 code)
{
    if (code < 0x80) {
        *out++ = (char)code;
    } else if (code < 0x800) {
        *out++ = (char)(0xC0 | (code >> 6));
        *out++ = (char)(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        *out++ = (char)(0xE0 | (code >> 12));
        *out++ = (char)(0x80 | ((code >> 6) & 0x3F));
        *out++ = (char)(0x80 | (code & 0x3F));
    } else {
        *out++ = (char)(0xF0 | (code >> 18));
        *out++ = (char)(0x80 | ((code >> 12) & 0x3F));
        *out++ = (char)(0x80 | ((code >> 6) & 0x3F));
        *out++ = (char)(0x80 | (code & 0x3F));
    }
    return out;
}

/* The scan over code units of one width (UNIT): tokens into start/end/offset and out, points into
   point; their counts into *token_count and *point_total. Returns 1 with an exception set on failure. */
#define SCAN_LOOP(NAME, UNIT)                                                                                          \
    static int NAME(const UNIT *data, Py_ssize_t size, const int64_t *cut, Py_ssize_t cut_count, PyObject *kind_of,   \
                    int64_t *start, int64_t *end, int32_t *offset, char *const out_start, int64_t *point,             \
                    Py_ssize_t *token_count, Py_ssize_t *point_total)                                                 \
    {                                                                                                                  \
        Py_ssize_t tokens = 0, point_count = 0, next_cut = 0;                                                          \
        int in_token = 0, previous_class = SPACE;                                                                      \
        char *out = out_start;                                                                                         \
        for (Py_ssize_t at = 0; at < size; at++) {                                                                     \
            const Py_UCS4 code = data[at];                                                                             \
            const int kind = KIND(code);                                                                               \
            if (kind < 0)                                                                                              \
                return 1;                                                                                              \
            const int class = kind & CLASS;                                                                            \
            if (class == SPACE) {                                                                                      \
                if (in_token) {                                                                                        \
                    end[tokens++] = at;                                                                                \
                    offset[tokens] = (int32_t)(out - out_start);                                                       \
                    in_token = 0;                                                                                      \
                }                                                                                                      \
                if (kind & NEWLINE) {                                                                                  \
                    point[point_count++] = at;                                                                         \
                } else if (at > 0 && (known[data[at - 1]] & (PUNCTUATION | CLOSER))) {                                 \
                    Py_ssize_t back = at - 1; /* over the closers to the . ! or ? */                                   \
                    while (back >= 0 && (known[data[back]] & CLOSER))                                                  \
                        back--;                                                                                        \
                    if (back >= 0 && (known[data[back]] & PUNCTUATION))                                                \
                        point[point_count++] = at;                                                                     \
                }                                                                                                      \
            } else {                                                                                                   \
                if (in_token) {                                                                                        \
                    while (next_cut < cut_count && cut[next_cut] < at)                                                 \
                        next_cut++;                                                                                    \
                    if (class != previous_class || class == OTHER || (next_cut < cut_count && cut[next_cut] == at)) { \
                        end[tokens++] = at;                                                                            \
                        offset[tokens] = (int32_t)(out - out_start);                                                   \
                        in_token = 0;                                                                                  \
                    }                                                                                                  \
                }                                                                                                      \
                if (!in_token) {                                                                                       \
                    start[tokens] = at;                                                                                \
                    in_token = 1;                                                                                      \
                }                                                                                                      \
                if (code < 0x80) {                                                                                     \
                    *out++ = (char)code;                                                                               \
                } else if (code >= 0xD800 && code <= 0xDFFF) {                                                         \
                    PyErr_Format(PyExc_ValueError, "scan: a lone surrogate U+%04X at %zd has no UTF-8", (unsigned)code, at); \
                    return 1;                                                                                          \
                } else {                                                                                               \
                    out = put_utf8(out, code);                                                                         \
                }                                                                                                      \
            }                                                                                                          \
            previous_class = class;                                                                                    \
        }                                                                                                              \
        if (in_token) {                                                                                                \
            end[tokens++] = size;                                                                                      \
            offset[tokens] = (int32_t)(out - out_start);                                                               \
        }                                                                                                              \
        *token_count = tokens;                                                                                         \
        *point_total = point_count;                                                                                    \
        return 0;                                                                                                      \
    }

SCAN_LOOP(scan_loop_1, Py_UCS1)
SCAN_LOOP(scan_loop_2, Py_UCS2)
SCAN_LOOP(scan_loop_4, Py_UCS4)

static PyObject *scan(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *text, *kind_of;
    Py_buffer cuts;
    if (!PyArg_ParseTuple(args, "Uy*O:scan", &text, &cuts, &kind_of))
        return NULL;
    PyObject *starts = NULL, *ends = NULL, *offsets = NULL, *utf8 = NULL, *points = NULL, *result = NULL;
    const Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    const int unicode_kind = PyUnicode_KIND(text);
    const int64_t *cut = cuts.buf;
    const Py_ssize_t cut_count = cuts.len / (Py_ssize_t)sizeof(int64_t);
    /* UTF-8 bytes per code point, at most, for the widest code point this str can hold */
    const Py_ssize_t most_bytes = unicode_kind == PyUnicode_1BYTE_KIND ? (PyUnicode_IS_ASCII(text) ? 1 : 2)
                                  : unicode_kind == PyUnicode_2BYTE_KIND ? 3 : 4;
    if (size > INT32_MAX / most_bytes) {
        PyErr_SetString(PyExc_OverflowError, "scan: the text is too long for int32 string offsets");
        goto done;
    }
    starts = PyBytes_FromStringAndSize(NULL, size * 8);
    ends = PyBytes_FromStringAndSize(NULL, size * 8);
    offsets = PyBytes_FromStringAndSize(NULL, (size + 1) * 4);
    utf8 = PyBytes_FromStringAndSize(NULL, size * most_bytes);
    points = PyBytes_FromStringAndSize(NULL, size * 8);
    if (starts == NULL || ends == NULL || offsets == NULL || utf8 == NULL || points == NULL)
        goto done;
    int64_t *start = (int64_t *)PyBytes_AS_STRING(starts), *end = (int64_t *)PyBytes_AS_STRING(ends);
    int64_t *point = (int64_t *)PyBytes_AS_STRING(points);
    int32_t *offset = (int32_t *)PyBytes_AS_STRING(offsets);
    char *const out_start = PyBytes_AS_STRING(utf8);
    Py_ssize_t tokens = 0, point_count = 0;
    offset[0] = 0;
    /* one copy of the loop per width of the str's code units, so that reading one is a plain load */
    int failed;
    if (unicode_kind == PyUnicode_1BYTE_KIND)
        failed = scan_loop_1(PyUnicode_1BYTE_DATA(text), size, cut, cut_count, kind_of, start, end, offset, out_start, point, &tokens, &point_count);
    else if (unicode_kind == PyUnicode_2BYTE_KIND)
        failed = scan_loop_2(PyUnicode_2BYTE_DATA(text), size, cut, cut_count, kind_of, start, end, offset, out_start, point, &tokens, &point_count);
    else
        failed = scan_loop_4(PyUnicode_4BYTE_DATA(text), size, cut, cut_count, kind_of, start, end, offset, out_start, point, &tokens, &point_count);
    if (failed)
        goto done;
    const Py_ssize_t utf8_size = offset[tokens];
    if (_PyBytes_Resize(&starts, tokens * 8) < 0 || _PyBytes_Resize(&ends, tokens * 8) < 0 ||
        _PyBytes_Resize(&offsets, (tokens + 1) * 4) < 0 || _PyBytes_Resize(&utf8, utf8_size) < 0 ||
        _PyBytes_Resize(&points, point_count * 8) < 0)
        goto done;
    result = PyTuple_Pack(5, starts, ends, offsets, utf8, points);
done:
    PyBuffer_Release(&cuts);
    Py_XDECREF(starts);
    Py_XDECREF(ends);
    Py_XDECREF(offsets);
    Py_XDECREF(utf8);
    Py_XDECREF(points);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(text, cuts, kind_of) -> (starts, ends, byte_offsets, utf8, points): rules 1-2 and rule 3's points, in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_fasttokens", NULL, -1, methods};

PyMODINIT_FUNC PyInit__fasttokens(void)
{
    return PyModule_Create(&module_def);
}
