"""The catalogue of problem codes, by level: what each means, how to fix it, and whether it is an error or
a warning. Codes are stable: never rename one, add a new one.
"""

from __future__ import annotations

from dataclasses import dataclass


# Validation levels, in the order they run (as Universal Dependencies' validate.py does). A file that
# fails a level is not checked at later levels: their errors would be noise.
PARSE, SCHEMA, REFERENCES, CONTENT = 1, 2, 3, 4
# Level 5 is not a file check: what `newsclaims build` needs beyond a valid corpus (splits, changelog).
BUILD = 5
LEVEL_NAMES = {PARSE: "parse", SCHEMA: "schema", REFERENCES: "references", CONTENT: "content", BUILD: "build"}


# Severities: an error makes `validate` fail and refuses a build; a warning is reported and does neither.
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Code:
    level: int
    title: str
    hint: str
    severity: str = ERROR


# code -> (level, what it means, how to fix it). Codes are stable: never rename one, add a new one.
CATALOGUE: dict[str, Code] = {
    # level 1: parse (bytes, encoding, JSON/TOML syntax)
    "file-empty": Code(PARSE, "The file is empty.", "Write the file's content, or delete the file."),
    "file-too-large": Code(PARSE, "The file is larger than the limit for its kind.", "Split the document, or check that the right file was added (limits: docs/errors.md)."),
    "file-unreadable": Code(PARSE, "The file cannot be read (permissions, a folder, a broken link).", "Check that the path is a regular, readable file inside the corpus."),
    "encoding-not-utf8": Code(PARSE, "The file is not valid UTF-8.", "Re-save the file as UTF-8 (not Latin-1 or Windows-1252)."),
    "encoding-bom": Code(PARSE, "The file starts with a byte order mark (BOM).", "Re-save the file as UTF-8 without BOM."),
    "text-crlf": Code(PARSE, "The file has CR or CRLF line endings.", "Convert line endings to LF (e.g. `dos2unix FILE`); offsets are counted on LF text."),
    "text-not-nfc": Code(PARSE, "The text is not in Unicode normalisation form NFC.", "Normalise the text to NFC (Python: unicodedata.normalize('NFC', text)) before annotating; offsets count NFC code points."),
    "text-control-char": Code(PARSE, "The text holds a control character (NUL, escape...) other than newline and tab.", "Remove the control character; it is never part of a published article."),
    "text-bidi-control": Code(PARSE, "The text holds a bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069): spans around it display in another order than their code points.",
                              "Remove the control character unless the article really needs it (right-to-left text displays without it); check the spans near it.", WARNING),
    "json-invalid": Code(PARSE, "The file is not valid JSON.", "Fix the syntax at the line and column shown (a missing comma or quote, a trailing comma, NaN)."),
    "json-duplicate-key": Code(PARSE, "An object has the same key twice; JSON parsers keep only one of them.", "Remove or rename one of the two keys."),
    "json-too-deep": Code(PARSE, "The JSON nests deeper than the limit.", "Annotation files are at most a few levels deep: check the file's structure (limits: docs/errors.md)."),
    "json-too-many-values": Code(PARSE, "The JSON holds more values (objects, arrays, strings, numbers) than the limit; it is refused before parsing.", "Check that the right file was added; split a document whose annotation really is this large (limits: docs/errors.md)."),
    "toml-invalid": Code(PARSE, "corpus.toml is not valid TOML.", "Fix the TOML syntax at the line shown."),
    # level 2: schema (JSON Schema draft 2020-12, schema/*.schema.json)
    "schema-required": Code(SCHEMA, "A required field is missing.", "Add the field; write null where the schema allows a value to be unknown."),
    "schema-unknown-field": Code(SCHEMA, "A field that the schema does not define.", "Remove the field or fix its spelling; the allowed fields are listed in schema/."),
    "schema-enum": Code(SCHEMA, "A label outside its closed vocabulary.", "Use one of the allowed values (their definitions are in corpus/GUIDELINES.md)."),
    "schema-type": Code(SCHEMA, "A value of the wrong JSON type.", "Write a value of the type shown (e.g. a number without quotes, true/false, null)."),
    "schema-pattern": Code(SCHEMA, "A string that does not have the required form.", "Write the value in the form shown (ids like e1/m1/c1, lowercase hex sha256, YYYY-MM-DD dates)."),
    "schema-range": Code(SCHEMA, "A number, string or list outside its allowed size.", "Bring the value within the limits shown."),
    "schema-unique-items": Code(SCHEMA, "A list that must not repeat an item repeats one.", "Remove the repeated item."),
    "schema-invalid": Code(SCHEMA, "The value breaks another schema rule.", "Read the message and the schema at the pointer shown."),
    "span-not-anchored": Code(SCHEMA, "A span written by its quote has no offsets yet (or keeps prefix/suffix/occurrence), or an entity, mention or claim has no id.", "Run `newsclaims anchor FILE`: it fills start/end from each quote and the ids left out, and removes the helpers."),
    "doc-id-invalid": Code(SCHEMA, "doc_id is not a slug (it may hold path characters such as '/' or '..').", "Use 3-81 characters from a-z, 0-9 and '-', starting with a letter or digit."),
    # level 3: references (ids, cross-file links, file pairing)
    "duplicate-id": Code(REFERENCES, "Two items share an id.", "Give each entity, mention, claim (or source) its own id."),
    "unknown-entity": Code(REFERENCES, "`about` names an entity id that the file does not define.", "Use the id of an entity of this file, or add the entity."),
    "unknown-source": Code(REFERENCES, "A source id that corpus/sources.json does not define.", "Use an id from corpus/sources.json ('author' for the document's author), or add the source there."),
    "doc-id-mismatch": Code(REFERENCES, "The annotation file's name differs from its doc_id.", "Rename the file to corpus/annotations/<doc_id>.json, or fix doc_id."),
    "missing-document": Code(REFERENCES, "An annotation file has no document text.", "Add corpus/documents/<doc_id>.txt with the article text, or remove the annotation."),
    "missing-annotation": Code(REFERENCES, "A document text has no annotation file.", "Add corpus/annotations/<doc_id>.json (see corpus/GUIDELINES.md), or remove the text."),
    "annotator-mismatch": Code(REFERENCES, "An annotator's reading (corpus/annotators/<doc_id>/<annotator>.json) does not list exactly that annotator.", "Set annotation.annotators to [\"<annotator>\"], the file's name."),
    "adjudication-unresolved": Code(REFERENCES, "The readings of this document disagree on a label that no person has settled yet (an item of `unresolved`, left by `newsclaims adjudicate --write`).", "Decide the label: set it in the file as it should be (see each reading's value), then delete the item from `unresolved`; delete `unresolved` when it is empty."),
    "unexpected-file": Code(REFERENCES, "A file in corpus/ that is not part of the corpus layout.", "Remove it, or name it <doc_id>.txt in documents/ or <doc_id>.json in annotations/."),
    # level 4: content (the labels against the text)
    "text-sha256-mismatch": Code(CONTENT, "text_sha256 does not match the document text: the text changed after annotation.", "Check every span against the new text, then set text_sha256 to the value shown."),
    "quote-not-found": Code(CONTENT, "A span's quote (with its prefix, suffix or occurrence) is not in the document text.", "Copy the quote from the document exactly, and fix or remove prefix/suffix/occurrence; the message lists where the quote does occur."),
    "quote-ambiguous": Code(CONTENT, "A span's quote occurs more than once and nothing says which occurrence is meant.", "Add \"occurrence\": N (1 = the first) or a \"prefix\"/\"suffix\" (the words just before/after); the message lists each occurrence."),
    "span-out-of-range": Code(CONTENT, "A span ends past the end of the document text.", "Fix the offsets: they count Unicode code points, end-exclusive."),
    "span-invalid-range": Code(CONTENT, "A span's start is not before its end.", "Set start < end (end is exclusive)."),
    "span-text-mismatch": Code(CONTENT, "A span's text differs from the document at its offsets.", "Fix the offsets or the text so that text == document[start:end] (offsets count code points, not bytes)."),
    "span-whitespace": Code(CONTENT, "A span starts or ends on whitespace.", "Trim the span: move start/end so the span begins and ends on a visible character."),
    "mention-duplicate": Code(CONTENT, "Two mentions cover the same offsets.", "Keep one mention of the span, in the entity it belongs to."),
    "hedge-mismatch": Code(CONTENT, "`hedged` disagrees with `hedge_cues`.", "Set hedged to true exactly when hedge_cues lists at least one cue."),
    "attribution-mismatch": Code(CONTENT, "Attribution mode and source disagree.", "Use mode 'authorial' with source_id 'author' and no cue; any other source needs another mode."),
    "split-ratios-sum": Code(CONTENT, "The split ratios in corpus.toml do not add up to 1.", "Make train + validation + test equal 1."),
    # level 5: build (checked by `newsclaims build` on a valid corpus)
    "splits-missing": Code(BUILD, "corpus/splits.json is missing or unreadable.", "Run `newsclaims split` to assign every document to a split, and commit corpus/splits.json."),
    "split-unassigned": Code(BUILD, "A document of the corpus has no split in corpus/splits.json.", "Run `newsclaims split`: it assigns new documents without moving existing ones."),
    "split-stale": Code(BUILD, "corpus/splits.json disagrees with the corpus: a document it lists is gone, or the salt or ratios differ from corpus.toml.", "Run `newsclaims split` (removed documents), or `newsclaims split --reshuffle` if the salt or ratios were changed on purpose."),
    "changelog-missing-version": Code(BUILD, "CHANGELOG.md has no section for the dataset version being built.", "Add a '## <version>' section to CHANGELOG.md saying what changed in this version."),
}
