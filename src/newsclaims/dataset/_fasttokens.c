/* Rules 1 to 3 of dataset/tokens.py over a batch's text, in one pass, in C (optional: pip builds it when
   it finds a C compiler): the tokens, cut at mention boundaries, with their offsets, their IOB2 tags
   and the sentences they fall into. Rule 4 (which mentions are tagged) is decided before, in Python.

   scan(text, kind_of, cuts, document_starts, tagged_starts, tagged_ends, tagged_tags, mention_starts, reach)
       text             the batch's documents joined by line breaks (a str)
       kind_of          tokens._kind_of, the one definition of a code point's kind (class and flags);
                        asked once per code point ever met, its answers kept for the process
       the others are buffers of int64 code point positions in `text`, each sorted:
       cuts             every mention boundary
       document_starts  where each document starts
       tagged_*         the tagged mentions (they do not overlap), by start: start, end, B- tag id
       mention_starts   every mention's start, sorted, and `reach`: the largest end of the mentions
                        up to each (a sentence point before `reach` is inside a mention)
     returns bytes objects:
       byte_offsets     int32, len(tokens) + 1 offsets into utf8: an Arrow string array's offsets
       utf8             the tokens' UTF-8 bytes, one after the other: the string array's data
       starts, ends     int32, each token's first and end-exclusive code point in its document
       tags             int64, each token's tag id: 0 (O), the B- id of its mention, or the I- id after it
       row_offsets      int32, where each sentence's tokens start, and len(tokens) last
       row_documents    int64, the document of each sentence

   The numpy version in tokens.py (`numpy_scan`) is the reference; tests/dataset/test_ner.py checks
   that both give the same answer. Written in C because numpy needs a dozen passes over every code
   point, which made tokenising most of what the `ner` config cost a build (docs/benchmarks.md).
   Edit this file, then reinstall (pip install -e .). */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* the kinds of tokens.py */
#define SPACE 0
#define WORD 1
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
    if (code < 0x800) {
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

/* The sorted int64 positions of one argument. */
typedef struct {
    const int64_t *at;
    Py_ssize_t count;
} Positions;

typedef struct {
    Positions cuts, documents, tagged_starts, tagged_ends, tagged_tags, mention_starts, reach;
} Marks;

/* What the scan writes: arrays as large as the text has code points (+1), and how many it filled. */
typedef struct {
    int32_t *offset, *start, *end, *row_offset;
    int64_t *tag, *row_document;
    char *utf8;
    Py_ssize_t tokens, rows, utf8_size;
} Out;

/* The scan over code units of one width (UNIT). Returns 1 with an exception set on failure. */
#define SCAN_LOOP(NAME, UNIT)                                                                                         \
    static int NAME(const UNIT *data, Py_ssize_t size, PyObject *kind_of, const Marks *marks, Out *o)                 \
    {                                                                                                                 \
        Py_ssize_t tokens = 0, rows = 0, next_cut = 0, document = 0, next_tagged = 0, next_mention = 0;               \
        int in_token = 0, previous_class = SPACE, break_pending = 0, tagged_seen = 0;                                 \
        /* everything in locals: a write through `out` (a char *) may alias any memory, so that fields */             \
        /* read through a pointer would be read again after every byte written */                                     \
        const int64_t *const cut = marks->cuts.at, *const document_start = marks->documents.at;                       \
        const int64_t *const tagged_start = marks->tagged_starts.at, *const tagged_end = marks->tagged_ends.at;       \
        const int64_t *const tagged_tag = marks->tagged_tags.at, *const mention_start = marks->mention_starts.at;     \
        const int64_t *const reach = marks->reach.at;                                                                 \
        const Py_ssize_t cut_count = marks->cuts.count, document_count = marks->documents.count;                      \
        const Py_ssize_t tagged_count = marks->tagged_starts.count, mention_count = marks->mention_starts.count;      \
        int32_t *const offset = o->offset, *const start = o->start, *const end = o->end, *const row_offset = o->row_offset; \
        int64_t *const tag = o->tag, *const row_document = o->row_document;                                           \
        char *const utf8 = o->utf8;                                                                                   \
        /* the next mention boundary at or after the position: one compare per code point */                          \
        int64_t cut_at = cut_count ? cut[0] : INT64_MAX;                                                              \
        char *out = utf8;                                                                                             \
        offset[0] = 0;                                                                                                \
        row_offset[0] = 0;                                                                                            \
        for (Py_ssize_t at = 0; at < size; at++) {                                                                    \
            const Py_UCS4 code = data[at];                                                                            \
            const int kind = KIND(code);                                                                              \
            if (kind < 0)                                                                                             \
                return 1;                                                                                             \
            const int class = kind & CLASS;                                                                           \
            if (class == SPACE) {                                                                                     \
                if (in_token) {                                                                                       \
                    end[tokens++] = (int32_t)(at - document_start[document]);                                         \
                    offset[tokens] = (int32_t)(out - utf8);                                                           \
                    in_token = 0;                                                                                     \
                }                                                                                                     \
                /* rule 3: a point at a line break, or a space after . ! or ? and any closers */                      \
                int point = (kind & NEWLINE) != 0;                                                                    \
                if (!point && at > 0 && (known[data[at - 1]] & (PUNCTUATION | CLOSER))) {                             \
                    Py_ssize_t back = at - 1; /* over the closers to the . ! or ? */                                  \
                    while (back >= 0 && (known[data[back]] & CLOSER))                                                 \
                        back--;                                                                                       \
                    point = back >= 0 && (known[data[back]] & PUNCTUATION);                                           \
                }                                                                                                     \
                if (point) { /* not inside a mention: past the reach of every mention starting before it */           \
                    while (next_mention < mention_count && mention_start[next_mention] < at)                          \
                        next_mention++;                                                                               \
                    if (next_mention == 0 || reach[next_mention - 1] <= at)                                           \
                        break_pending = 1;                                                                            \
                }                                                                                                     \
                previous_class = class;                                                                               \
                continue;                                                                                             \
            }                                                                                                         \
            if (cut_at < at) {                                                                                        \
                while (next_cut < cut_count && cut[next_cut] < at)                                                    \
                    next_cut++;                                                                                       \
                cut_at = next_cut < cut_count ? cut[next_cut] : INT64_MAX;                                            \
            }                                                                                                         \
            if (in_token) {                                                                                           \
                if (class != previous_class || class == OTHER || cut_at == at) {                                      \
                    end[tokens++] = (int32_t)(at - document_start[document]);                                         \
                    offset[tokens] = (int32_t)(out - utf8);                                                           \
                    in_token = 0;                                                                                     \
                }                                                                                                     \
            }                                                                                                         \
            if (!in_token) { /* a token starts: its document, its sentence, its tag */                                \
                while (document + 1 < document_count && document_start[document + 1] <= at)                           \
                    document++;                                                                                       \
                if (tokens == 0) {                                                                                    \
                    row_document[rows++] = document;                                                                  \
                } else if (break_pending) {                                                                           \
                    row_offset[rows] = (int32_t)tokens;                                                               \
                    row_document[rows++] = document;                                                                  \
                }                                                                                                     \
                break_pending = 0;                                                                                    \
                while (next_tagged < tagged_count && tagged_end[next_tagged] <= at) {                                 \
                    next_tagged++;                                                                                    \
                    tagged_seen = 0;                                                                                  \
                }                                                                                                     \
                if (next_tagged < tagged_count && tagged_start[next_tagged] <= at) {                                  \
                    tag[tokens] = tagged_tag[next_tagged] + tagged_seen; /* B-, then I- */                            \
                    tagged_seen = 1;                                                                                  \
                } else {                                                                                              \
                    tag[tokens] = 0;                                                                                  \
                }                                                                                                     \
                start[tokens] = (int32_t)(at - document_start[document]);                                             \
                in_token = 1;                                                                                         \
            }                                                                                                         \
            if (code < 0x80) {                                                                                        \
                *out++ = (char)code;                                                                                  \
            } else if (code >= 0xD800 && code <= 0xDFFF) {                                                            \
                PyErr_Format(PyExc_ValueError, "scan: a lone surrogate U+%04X at %zd has no UTF-8", (unsigned)code, at); \
                return 1;                                                                                             \
            } else {                                                                                                  \
                out = put_utf8(out, code);                                                                            \
            }                                                                                                         \
            if (class == WORD) { /* the rest of a run of word characters (most of a text), with little to track */   \
                while (cut_at <= at) { /* the next boundary after this code point */                                   \
                    next_cut++;                                                                                       \
                    cut_at = next_cut < cut_count ? cut[next_cut] : INT64_MAX;                                        \
                }                                                                                                     \
                while (at + 1 < size && (known[data[at + 1]] & (KNOWN | CLASS)) == (KNOWN | WORD) && at + 1 != cut_at) { \
                    const Py_UCS4 next = data[++at]; /* a surrogate is no word character: every one has UTF-8 */      \
                    if (next < 0x80)                                                                                  \
                        *out++ = (char)next;                                                                          \
                    else                                                                                              \
                        out = put_utf8(out, next);                                                                    \
                }                                                                                                     \
            }                                                                                                         \
            previous_class = class;                                                                                   \
        }                                                                                                             \
        if (in_token) {                                                                                               \
            end[tokens++] = (int32_t)(size - document_start[document]);                                               \
            offset[tokens] = (int32_t)(out - utf8);                                                                   \
        }                                                                                                             \
        if (tokens > 0)                                                                                               \
            row_offset[rows] = (int32_t)tokens; /* the end of the last sentence */                                    \
        o->tokens = tokens;                                                                                           \
        o->rows = rows;                                                                                               \
        o->utf8_size = out - utf8;                                                                                    \
        return 0;                                                                                                     \
    }

SCAN_LOOP(scan_loop_1, Py_UCS1)
SCAN_LOOP(scan_loop_2, Py_UCS2)
SCAN_LOOP(scan_loop_4, Py_UCS4)

#define N_MARKS 7

static PyObject *scan(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2 + N_MARKS || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "scan(text, kind_of, cuts, document_starts, tagged_starts, tagged_ends, tagged_tags, "
                                         "mention_starts, reach): a str, a callable and 7 int64 buffers");
        return NULL;
    }
    PyObject *text = args[0], *kind_of = args[1], *result = NULL;
    Py_buffer views[N_MARKS];
    Marks marks;
    Positions *fields[N_MARKS] = {&marks.cuts, &marks.documents, &marks.tagged_starts, &marks.tagged_ends,
                                  &marks.tagged_tags, &marks.mention_starts, &marks.reach};
    int viewed = 0;
    for (; viewed < N_MARKS; viewed++) {
        if (PyObject_GetBuffer(args[2 + viewed], &views[viewed], PyBUF_C_CONTIGUOUS) < 0)
            goto release;
        if (views[viewed].len % 8) {
            PyBuffer_Release(&views[viewed]);
            PyErr_SetString(PyExc_ValueError, "scan: the positions are int64 buffers");
            goto release;
        }
        fields[viewed]->at = views[viewed].buf;
        fields[viewed]->count = views[viewed].len / 8;
    }
    if (marks.documents.count == 0 || marks.documents.at[0] != 0) {
        PyErr_SetString(PyExc_ValueError, "scan: document_starts begins with 0");
        goto release;
    }
    const Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    const int unicode_kind = PyUnicode_KIND(text);
    /* UTF-8 bytes per code point, at most, for the widest code point this str can hold */
    const Py_ssize_t most_bytes = unicode_kind == PyUnicode_1BYTE_KIND ? (PyUnicode_IS_ASCII(text) ? 1 : 2)
                                  : unicode_kind == PyUnicode_2BYTE_KIND ? 3 : 4;
    if (size >= INT32_MAX / most_bytes) {
        PyErr_SetString(PyExc_OverflowError, "scan: the text is too long for int32 string offsets");
        goto release;
    }
    /* [0] byte_offsets [1] utf8 [2] starts [3] ends [4] tags [5] row_offsets [6] row_documents */
    const Py_ssize_t item_bytes[7] = {4, most_bytes, 4, 4, 8, 4, 8}, extra[7] = {1, 0, 0, 0, 0, 1, 1};
    PyObject *made[7] = {NULL};
    for (int i = 0; i < 7; i++)
        if ((made[i] = PyBytes_FromStringAndSize(NULL, (size + extra[i]) * item_bytes[i])) == NULL)
            goto free;
    Out o = {(int32_t *)PyBytes_AS_STRING(made[0]), (int32_t *)PyBytes_AS_STRING(made[2]), (int32_t *)PyBytes_AS_STRING(made[3]),
             (int32_t *)PyBytes_AS_STRING(made[5]), (int64_t *)PyBytes_AS_STRING(made[4]), (int64_t *)PyBytes_AS_STRING(made[6]),
             PyBytes_AS_STRING(made[1]), 0, 0, 0};
    /* one copy of the loop per width of the str's code units, so that reading one is a plain load */
    int failed = unicode_kind == PyUnicode_1BYTE_KIND   ? scan_loop_1(PyUnicode_1BYTE_DATA(text), size, kind_of, &marks, &o)
                 : unicode_kind == PyUnicode_2BYTE_KIND ? scan_loop_2(PyUnicode_2BYTE_DATA(text), size, kind_of, &marks, &o)
                                                        : scan_loop_4(PyUnicode_4BYTE_DATA(text), size, kind_of, &marks, &o);
    if (failed)
        goto free;
    const Py_ssize_t filled[7] = {(o.tokens + 1) * 4, o.utf8_size, o.tokens * 4, o.tokens * 4, o.tokens * 8,
                                  (o.rows + 1) * 4, o.rows * 8};
    for (int i = 0; i < 7; i++)
        if (_PyBytes_Resize(&made[i], filled[i]) < 0)
            goto free;
    result = PyTuple_New(7);
    if (result != NULL)
        for (int i = 0; i < 7; i++) {
            PyTuple_SET_ITEM(result, i, made[i]);
            made[i] = NULL;
        }
free:
    for (int i = 0; i < 7; i++)
        Py_XDECREF(made[i]);
release:
    for (int i = 0; i < viewed; i++)
        PyBuffer_Release(&views[i]);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", (PyCFunction)(void (*)(void))scan, METH_FASTCALL,
     "scan(text, kind_of, cuts, document_starts, tagged_starts, tagged_ends, tagged_tags, mention_starts, reach) -> "
     "(byte_offsets, utf8, starts, ends, tags, row_offsets, row_documents): rules 1-3 of tokens.py, in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_fasttokens", NULL, -1, methods};

PyMODINIT_FUNC PyInit__fasttokens(void)
{
    return PyModule_Create(&module_def);
}
